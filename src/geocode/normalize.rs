//! Address text normalisation, shared by the gazetteer names and the queries.
//!
//! The pipeline (same order for names and queries, so both sides meet):
//! 1. Unicode NFKC: full-width digits, letters and hyphens become ASCII,
//!    half-width katakana becomes full-width, compatibility ideographs
//!    become their unified form.
//! 2. White space (including the ideographic space U+3000) is removed; for
//!    queries we remember where it was, only to keep house and room numbers
//!    apart in the returned remainder.
//! 3. Hyphen look-alikes (‐ ‑ ‒ – — ― − ー ｰ ﹣ …) directly after a digit
//!    become `-`; の/ノ/之 between two digits becomes `-` (18の1 = 18-1).
//! 4. Queries only: a leading postal code (〒862-0950, 862-0950, 8620950)
//!    is taken off.
//! 5. The marker 大字 is dropped everywhere (大字万江 = 万江).
//! 6. `ちょうめ`/`チョウメ` written after a numeral becomes 丁目 (kana addresses:
//!    すいぜんじ6ちょうめ). A kanji numeral directly before 丁目 becomes Arabic (六丁目 = 6丁目,
//!    十二丁目 = 12丁目). Numerals anywhere else are left alone, so names such
//!    as 一の宮 or 二本木 keep their spelling.
//! 7. The match key is the result folded character by character with
//!    [`fold_char`] (old/new kanji, ヶ/ケ/が, ノ/の).
//!
//! Nothing here logs: the input may be a patient's home address.

use unicode_normalization::UnicodeNormalization;

use super::numerals::{is_kanji_numeral, parse_kanji_number};
use super::variants::fold_char;

/// A query after normalisation.
///
/// `text`, `spaces` and `key` have the same length: `key[i]` is
/// `fold_char(text[i])`, and `spaces[i]` says white space preceded
/// `text[i]` in the input.
#[derive(Debug, Clone, Default)]
pub(crate) struct NormalizedQuery {
    /// Postal code taken from the start of the query, as a 7-digit number.
    pub postal_code: Option<u32>,
    /// The remaining address in display form (not folded).
    pub text: Vec<char>,
    /// Whether white space preceded each character of `text`.
    pub spaces: Vec<bool>,
    /// Folded match key, aligned with `text`.
    pub key: Vec<char>,
}

/// One normalised character and whether white space came before it.
#[derive(Debug, Clone, Copy)]
struct NChar {
    c: char,
    space_before: bool,
}

/// Normalises a free-text query (steps 1–7 of the module doc).
pub(crate) fn normalize_query(q: &str) -> NormalizedQuery {
    let mut v = nfkc_without_spaces(q);
    unify_hyphens(&mut v);
    let postal_code = take_postal_code(&mut v);
    let v = kanji_chome_to_arabic(drop_oaza_marker(kana_chome(v)));
    let text: Vec<char> = v.iter().map(|n| n.c).collect();
    let spaces = v.iter().map(|n| n.space_before).collect();
    let key = text.iter().copied().map(fold_char).collect();
    NormalizedQuery {
        postal_code,
        text,
        spaces,
        key,
    }
}

/// Match key of a gazetteer name (town, 小字 or municipality), steps 1–3 and
/// 5–7: the same rules as queries, so `name_key("大字國見")` equals the key
/// of the query text `国見`.
pub(crate) fn name_key(name: &str) -> Vec<char> {
    let mut v = nfkc_without_spaces(name);
    unify_hyphens(&mut v);
    kanji_chome_to_arabic(drop_oaza_marker(kana_chome(v)))
        .into_iter()
        .map(|n| fold_char(n.c))
        .collect()
}

fn nfkc_without_spaces(s: &str) -> Vec<NChar> {
    let mut out = Vec::with_capacity(s.len() / 2 + 1);
    let mut pending_space = false;
    for c in s.nfkc() {
        if c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}' {
            pending_space = true;
            continue;
        }
        out.push(NChar {
            c,
            space_before: pending_space,
        });
        pending_space = false;
    }
    out
}

/// Characters used in place of an ASCII hyphen in Japanese house numbers.
fn is_hyphen_like(c: char) -> bool {
    matches!(
        c,
        '-' | '‐'
            | '‑'
            | '‒'
            | '–'
            | '—'
            | '―'
            | '−'
            | 'ー'
            | 'ｰ'
            | '－'
            | '﹣'
            | '⁃'
            | '─'
            | '━'
    )
}

fn unify_hyphens(v: &mut [NChar]) {
    for i in 1..v.len() {
        let after_digit = v[i - 1].c.is_ascii_digit();
        if !after_digit {
            continue;
        }
        let no_between_digits = matches!(v[i].c, 'の' | 'ノ' | '之')
            && v.get(i + 1).is_some_and(|n| n.c.is_ascii_digit());
        if is_hyphen_like(v[i].c) || no_between_digits {
            v[i].c = '-';
        }
    }
}

/// Takes a leading postal code off `v`: optional 〒, three digits, optional
/// `-`, four digits, not followed by another digit. A lone 〒 is dropped.
fn take_postal_code(v: &mut Vec<NChar>) -> Option<u32> {
    let start = usize::from(v.first().is_some_and(|n| n.c == '〒'));
    let digit = |i: usize| v.get(i).and_then(|n| n.c.to_digit(10));
    let mut code = 0u32;
    let mut i = start;
    for _ in 0..3 {
        match digit(i) {
            Some(d) => code = code * 10 + d,
            None => {
                v.drain(..start);
                return None;
            }
        }
        i += 1;
    }
    if v.get(i).is_some_and(|n| n.c == '-') {
        i += 1;
    }
    for _ in 0..4 {
        match digit(i) {
            Some(d) => code = code * 10 + d,
            None => {
                v.drain(..start);
                return None;
            }
        }
        i += 1;
    }
    if digit(i).is_some() {
        v.drain(..start);
        return None;
    }
    v.drain(..i);
    Some(code)
}

fn drop_oaza_marker(v: Vec<NChar>) -> Vec<NChar> {
    let mut out = Vec::with_capacity(v.len());
    let mut i = 0;
    let mut carry_space = false;
    while i < v.len() {
        if v[i].c == '大' && v.get(i + 1).is_some_and(|n| n.c == '字') {
            carry_space |= v[i].space_before || v[i + 1].space_before;
            i += 2;
            continue;
        }
        let mut n = v[i];
        n.space_before |= carry_space;
        carry_space = false;
        out.push(n);
        i += 1;
    }
    out
}

/// Replaces `ちょうめ` or `チョウメ` after a numeral with 丁目.
fn kana_chome(v: Vec<NChar>) -> Vec<NChar> {
    const SPELLINGS: [[char; 4]; 2] = [['ち', 'ょ', 'う', 'め'], ['チ', 'ョ', 'ウ', 'メ']];
    let mut out: Vec<NChar> = Vec::with_capacity(v.len());
    let mut i = 0;
    while i < v.len() {
        let after_numeral = out
            .last()
            .is_some_and(|n| n.c.is_ascii_digit() || is_kanji_numeral(n.c));
        let here = |w: &[char; 4]| (0..4).all(|k| v.get(i + k).is_some_and(|n| n.c == w[k]));
        if after_numeral && SPELLINGS.iter().any(here) {
            out.push(NChar {
                c: '丁',
                space_before: v[i].space_before,
            });
            out.push(NChar {
                c: '目',
                space_before: false,
            });
            i += 4;
            continue;
        }
        out.push(v[i]);
        i += 1;
    }
    out
}

/// Replaces a kanji numeral directly before 丁目 with Arabic digits.
fn kanji_chome_to_arabic(v: Vec<NChar>) -> Vec<NChar> {
    let mut out: Vec<NChar> = Vec::with_capacity(v.len());
    for (i, n) in v.iter().enumerate() {
        if n.c == '丁' && v.get(i + 1).is_some_and(|m| m.c == '目') {
            let run_start = out
                .iter()
                .rposition(|m| !is_kanji_numeral(m.c))
                .map_or(0, |p| p + 1);
            if run_start < out.len() {
                let run: Vec<char> = out[run_start..].iter().map(|m| m.c).collect();
                if let Some(value) = parse_kanji_number(&run) {
                    let space_before = out[run_start].space_before;
                    out.truncate(run_start);
                    for (k, d) in value.to_string().chars().enumerate() {
                        out.push(NChar {
                            c: d,
                            space_before: space_before && k == 0,
                        });
                    }
                }
            }
        }
        out.push(*n);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(q: &str) -> String {
        normalize_query(q).text.into_iter().collect()
    }
    fn key(q: &str) -> String {
        normalize_query(q).key.into_iter().collect()
    }
    fn nkey(s: &str) -> String {
        name_key(s).into_iter().collect()
    }

    #[test]
    fn full_width_digits_and_letters_become_ascii() {
        assert_eq!(text("水前寺６丁目１８－１"), "水前寺6丁目18-1");
        assert_eq!(text("ＡＢＣビル"), "ABCビル");
    }

    #[test]
    fn white_space_is_removed_but_remembered() {
        let n = normalize_query("熊本市　中央区 水前寺 6丁目18-1 201号");
        let t: String = n.text.iter().collect();
        assert_eq!(t, "熊本市中央区水前寺6丁目18-1201号");
        assert_eq!(n.spaces.iter().filter(|s| **s).count(), 4);
    }

    #[test]
    fn hyphen_variants_after_digits() {
        for h in ['－', '‐', '−', 'ー', 'ｰ', '‑', '–', '—', '―'] {
            let q = format!("18{h}1");
            assert_eq!(text(&q), "18-1", "hyphen {h:?}");
        }
    }

    #[test]
    fn long_vowel_mark_in_words_is_kept() {
        assert_eq!(text("コーポ水前寺"), "コーポ水前寺");
    }

    #[test]
    fn no_between_digits_is_a_hyphen_but_not_in_names() {
        assert_eq!(text("18の1"), "18-1");
        assert_eq!(text("一の宮町宮地"), "一の宮町宮地");
    }

    #[test]
    fn kanji_chome_becomes_arabic() {
        assert_eq!(text("水前寺六丁目"), "水前寺6丁目");
        assert_eq!(text("八幡十一丁目"), "八幡11丁目");
        assert_eq!(text("上代十丁目"), "上代10丁目");
        assert_eq!(text("二十丁目"), "20丁目");
        assert_eq!(text("二十一丁目"), "21丁目");
        assert_eq!(nkey("水前寺六丁目"), "水前寺6丁目");
    }

    #[test]
    fn kana_chome_becomes_chome() {
        assert_eq!(text("すいぜんじ6ちょうめ18-1"), "すいぜんじ6丁目18-1");
        assert_eq!(text("スイゼンジ六チョウメ"), "スイゼンジ6丁目");
        assert_eq!(text("ちょうめ"), "ちょうめ");
    }

    #[test]
    fn number_words_in_names_are_kept() {
        assert_eq!(text("一の宮町"), "一の宮町");
        assert_eq!(text("二本木二丁目"), "二本木2丁目");
        assert_eq!(text("十禅寺四丁目"), "十禅寺4丁目");
        assert_eq!(text("三郎一丁目"), "三郎1丁目");
    }

    #[test]
    fn oaza_marker_is_dropped() {
        assert_eq!(text("山江村大字万江"), "山江村万江");
        assert_eq!(nkey("大字國見"), "国見");
        assert_eq!(nkey("画図町大字上無田"), "画図町上無田");
    }

    #[test]
    fn old_kanji_and_ke_are_folded_in_the_key_only() {
        assert_eq!(key("芦北町國見"), "芦北町国見");
        assert_eq!(text("芦北町國見"), "芦北町國見");
        assert_eq!(key("武蔵ヶ丘"), key("武蔵が丘"));
    }

    #[test]
    fn postal_codes_are_taken_off() {
        for q in [
            "〒862-0950水前寺",
            "〒 862-0950 水前寺",
            "862-0950水前寺",
            "8620950 水前寺",
            "〒８６２－０９５０水前寺",
            "〒862ー0950水前寺",
        ] {
            let n = normalize_query(q);
            assert_eq!(n.postal_code, Some(862_0950), "{q}");
            assert_eq!(n.text.iter().collect::<String>(), "水前寺", "{q}");
        }
    }

    #[test]
    fn not_a_postal_code() {
        assert_eq!(normalize_query("86209501").postal_code, None);
        assert_eq!(normalize_query("862-095").postal_code, None);
        assert_eq!(normalize_query("熊本市862-0950").postal_code, None);
        let n = normalize_query("〒熊本市");
        assert_eq!(n.postal_code, None);
        assert_eq!(n.text.iter().collect::<String>(), "熊本市");
    }
}
