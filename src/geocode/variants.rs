//! Character folding for matching: old/new kanji pairs and small-kana variants.
//!
//! Every function here maps one character to exactly one character, so a
//! folded string stays aligned position by position with the unfolded one.
//! That is what lets the matcher compare folded keys but hand back the
//! unmatched remainder (`rest`) in the writer's own spelling.

/// Folds one character to the form used in match keys.
///
/// * 旧字体 / 異体字 → the common modern form (國→国, 澤→沢, 邊/邉→辺 …).
///   The gazetteer keeps upstream spellings such as 大字國見, so both the
///   data names and the query are folded with this same table.
/// * The counter ケ in place names is written ヶ, ケ, ヵ, が, ガ, 箇 or 个
///   (武蔵ヶ丘 = 武蔵ケ丘 = 武蔵が丘); all become ケ.
/// * The genitive particle written ノ or 之 becomes の (一ノ宮 = 一の宮).
/// * ッ, っ and つ become ツ (四ッ山町 = 四ツ山町).
///
/// Characters not in the table are returned unchanged.
pub(crate) fn fold_char(c: char) -> char {
    match c {
        // ケ variants (counter / genitive in place names).
        'ヶ' | 'ヵ' | 'が' | 'ガ' | '箇' | '个' | 'ゖ' | 'ゕ' => 'ケ',
        // Small and hiragana tsu in names such as 四ツ山町 / 四ッ山町 / 四つ山町.
        'ッ' | 'っ' | 'つ' => 'ツ',
        // の variants.
        'ノ' | '之' => 'の',
        // Old (旧字体) and variant (異体字) forms → common form.
        '國' => '国',
        '澤' => '沢',
        '邊' | '邉' => '辺',
        '瀨' => '瀬',
        '濱' => '浜',
        '嶋' | '嶌' => '島',
        '櫻' => '桜',
        '龍' => '竜',
        '廣' => '広',
        '德' => '徳',
        '萬' => '万',
        '會' => '会',
        '藏' => '蔵',
        '舊' => '旧',
        '條' => '条',
        '與' => '与',
        '髙' => '高',
        '﨑' | '嵜' | '碕' => '崎',
        '渕' => '淵',
        '篭' => '籠',
        '冨' => '富',
        '槇' => '槙',
        '檜' => '桧',
        '曾' => '曽',
        '舘' => '館',
        '澁' => '渋',
        '眞' => '真',
        '實' => '実',
        '彌' => '弥',
        '禮' => '礼',
        '惠' => '恵',
        '齋' => '斎',
        '齊' => '斉',
        '驛' => '駅',
        '鐵' => '鉄',
        '寳' | '寶' => '宝',
        '當' => '当',
        '發' => '発',
        '壽' => '寿',
        '圓' => '円',
        '學' => '学',
        '樂' => '楽',
        '稻' => '稲',
        '黑' => '黒',
        '靑' => '青',
        '穗' => '穂',
        '嶽' => '岳',
        '峯' => '峰',
        '桒' => '桑',
        '兒' => '児',
        '來' => '来',
        '亞' => '亜',
        '緣' => '縁',
        '鄕' => '郷',
        '郞' => '郎',
        '氣' => '気',
        '關' => '関',
        '縣' => '県',
        '廳' => '庁',
        '戶' => '戸',
        '淺' => '浅',
        '豐' => '豊',
        '傳' => '伝',
        '佛' => '仏',
        '榮' => '栄',
        '營' => '営',
        '巖' => '巌',
        '畫' => '画',
        '溪' => '渓',
        '莊' => '荘',
        '崗' => '岡',
        '藪' | '籔' => '薮',
        '楳' => '梅',
        '竈' => '竃',
        '恆' => '恒',
        '增' => '増',
        '廐' | '廏' => '厩',
        '聯' => '連',
        '假' => '仮',
        '讀' => '読',
        '變' => '変',
        '對' => '対',
        // 葦北郡 is written with 葦, the town 芦北町 with 芦; writers mix them.
        '葦' | '蘆' => '芦',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::fold_char;

    fn fold(s: &str) -> String {
        s.chars().map(fold_char).collect()
    }

    #[test]
    fn old_and_new_kanji_fold_together() {
        for (old, new) in [
            ("國見", "国見"),
            ("大澤", "大沢"),
            ("渡邊", "渡辺"),
            ("渡邉", "渡辺"),
            ("長瀨", "長瀬"),
            ("高濱", "高浜"),
            ("中嶋", "中島"),
            ("櫻町", "桜町"),
            ("龍田", "竜田"),
            ("廣町", "広町"),
            ("萬江", "万江"),
            ("髙森", "高森"),
            ("宮﨑", "宮崎"),
        ] {
            assert_eq!(fold(old), fold(new), "{old} vs {new}");
        }
    }

    #[test]
    fn ke_variants_fold_together() {
        let want = fold("武蔵ケ丘");
        for v in ["武蔵ヶ丘", "武蔵ヵ丘", "武蔵が丘", "武蔵ガ丘"] {
            assert_eq!(fold(v), want, "{v}");
        }
    }

    #[test]
    fn no_variants_fold_to_hiragana() {
        assert_eq!(fold("一ノ宮"), "一の宮");
        assert_eq!(fold("一之宮"), "一の宮");
    }

    #[test]
    fn small_tsu_folds_to_tsu() {
        assert_eq!(fold("四ッ山町"), fold("四ツ山町"));
        assert_eq!(fold("四っ山町"), fold("四ツ山町"));
    }

    #[test]
    fn plain_characters_are_untouched() {
        assert_eq!(fold("水前寺公園"), "水前寺公園");
        assert_eq!(fold("18-1"), "18-1");
    }
}
