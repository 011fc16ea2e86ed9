//! Kana readings: folding hiragana/katakana spellings of a place name to one match key.
//!
//! The towns file carries the katakana reading of every municipality (`city_kana`, with its
//! 郡 and ward: クマモトシチュウオウク) and 大字 (`oaza_kana`: スイゼンジ). People type readings
//! in hiragana or katakana, full- or half-width (NFKC already made half-width katakana
//! full-width), with small kana written large, and long vowels as ー or as a vowel
//! (ちゅうおう, ちゅーおー). Both the data readings and the query go through
//! [`fold_kana`], so they meet:
//! * hiragana → katakana; small kana → large (ッ→ツ, ャ→ヤ, ァ→ア …);
//! * ヂ→ジ, ヅ→ズ, ヲ→オ, ヰ→イ, ヱ→エ (spellings people mix);
//! * the long-vowel mark ー is dropped, and so is a vowel that only lengthens the one
//!   before it: ウ after an o- or u-row kana, オ after an o-row kana, イ after an e-row kana
//!   (チュウオウ = チューオー = チュオ).
//!
//! Folding drops characters, so a folded key keeps, for each of its characters, the
//! position of the query character it came from (`KanaKey::pos`): the matcher hands back
//! the unmatched remainder in the writer's own spelling.

/// Whether `c` is a hiragana or (full-width) katakana letter or the long-vowel mark.
pub(crate) fn is_kana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}' | 'ー' | 'ゝ' | 'ゞ' | 'ヽ' | 'ヾ')
}

/// One kana letter as katakana, small kana made large and look-alike spellings unified.
fn base_kana(c: char) -> char {
    let k = match c {
        '\u{3041}'..='\u{3096}' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
        _ => c,
    };
    match k {
        'ァ' => 'ア',
        'ィ' => 'イ',
        'ゥ' => 'ウ',
        'ェ' => 'エ',
        'ォ' => 'オ',
        'ッ' => 'ツ',
        'ャ' => 'ヤ',
        'ュ' => 'ユ',
        'ョ' => 'ヨ',
        'ヮ' => 'ワ',
        'ヵ' => 'カ',
        'ヶ' => 'ケ',
        'ヂ' => 'ジ',
        'ヅ' => 'ズ',
        'ヲ' => 'オ',
        'ヰ' => 'イ',
        'ヱ' => 'エ',
        other => other,
    }
}

/// The vowel row ('a', 'i', 'u', 'e', 'o') of a folded katakana letter, if it has one.
fn vowel(c: char) -> Option<char> {
    const ROWS: [(&str, char); 5] = [
        ("アカガサザタダナハバパマヤラワ", 'a'),
        ("イキギシジチヂニヒビピミリ", 'i'),
        ("ウクグスズツヅヌフブプムユルヴ", 'u'),
        ("エケゲセゼテデネヘベペメレ", 'e'),
        ("オコゴソゾトドノホボポモヨロ", 'o'),
    ];
    ROWS.iter().find(|(s, _)| s.contains(c)).map(|&(_, v)| v)
}

/// A folded kana key with, for each character, the index of the input character it came
/// from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct KanaKey {
    pub chars: Vec<char>,
    pub pos: Vec<usize>,
}

/// Folds the leading run of kana of `text` (see the module doc); stops at the first
/// character that is not kana. `pos` holds indices into `text`.
pub(crate) fn fold_kana(text: &[char]) -> KanaKey {
    let mut out = KanaKey::default();
    for (i, &c) in text.iter().enumerate() {
        if !is_kana(c) {
            break;
        }
        if matches!(c, 'ー' | 'ゝ' | 'ゞ' | 'ヽ' | 'ヾ') {
            continue;
        }
        let k = base_kana(c);
        let lengthens = matches!(
            (out.chars.last().copied().and_then(vowel), k),
            (Some('o' | 'u'), 'ウ') | (Some('o'), 'オ') | (Some('e'), 'イ')
        );
        if !lengthens {
            out.chars.push(k);
            out.pos.push(i);
        }
    }
    out
}

/// Folded key of a reading from the data (katakana).
pub(crate) fn kana_name_key(reading: &str) -> Vec<char> {
    let chars: Vec<char> = reading.chars().collect();
    fold_kana(&chars).chars
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> String {
        kana_name_key(s).into_iter().collect()
    }

    #[test]
    fn hiragana_and_katakana_fold_together() {
        assert_eq!(key("すいぜんじ"), key("スイゼンジ"));
        assert_eq!(key("くまもとしちゅうおうく"), key("クマモトシチュウオウク"));
    }

    #[test]
    fn long_vowels_and_small_kana_fold_together() {
        assert_eq!(key("ちゅーおー"), key("チュウオウ"));
        assert_eq!(key("おおづ"), key("オーズ"));
        assert_eq!(key("せいわ"), key("セーワ"));
        assert_eq!(key("しっぽ"), key("シツポ"));
    }

    #[test]
    fn different_names_stay_different() {
        assert_ne!(key("ウエキ"), key("ウキ"));
        assert_ne!(key("ヤツシロ"), key("ヤシロ"));
    }

    #[test]
    fn folding_stops_at_the_first_non_kana_and_keeps_positions() {
        let text: Vec<char> = "すいぜんじ6-18-1".chars().collect();
        let k = fold_kana(&text);
        assert_eq!(k.chars.len(), 5);
        assert_eq!(k.pos, vec![0, 1, 2, 3, 4]);
        let text: Vec<char> = "ちゅーおーく".chars().collect();
        let k = fold_kana(&text);
        assert_eq!(k.chars.iter().collect::<String>(), "チユオク");
        assert_eq!(k.pos, vec![0, 1, 3, 5]);
    }
}
