//! Kanji numerals (一, 十二, 二十一, 百五 …) → integers.

/// Value of one kanji digit (〇 and 一 … 九).
fn kanji_digit(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '零' => 0,
        '一' => 1,
        '二' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

/// Whether `c` can be part of a kanji numeral (digits, 十, 百).
pub(crate) fn is_kanji_numeral(c: char) -> bool {
    kanji_digit(c).is_some() || c == '十' || c == '百'
}

/// Parses a kanji numeral such as 六, 十二, 二十一, 百五 or 一〇 (positional).
/// Returns `None` for an empty run, a run with other characters or zero.
pub(crate) fn parse_kanji_number(run: &[char]) -> Option<u32> {
    let mut total = 0u32;
    let mut current: Option<u32> = None;
    for &c in run {
        if let Some(d) = kanji_digit(c) {
            current = Some(current.unwrap_or(0).checked_mul(10)?.checked_add(d)?);
        } else if c == '十' || c == '百' {
            let unit = if c == '十' { 10 } else { 100 };
            total = total.checked_add(current.unwrap_or(1).checked_mul(unit)?)?;
            current = None;
        } else {
            return None;
        }
    }
    total = total.checked_add(current.unwrap_or(0))?;
    (total > 0).then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kanji_numbers_parse() {
        let p = |s: &str| parse_kanji_number(&s.chars().collect::<Vec<_>>());
        assert_eq!(p("六"), Some(6));
        assert_eq!(p("十"), Some(10));
        assert_eq!(p("十二"), Some(12));
        assert_eq!(p("二十"), Some(20));
        assert_eq!(p("百五"), Some(105));
        assert_eq!(p("一〇"), Some(10));
        assert_eq!(p(""), None);
        assert_eq!(p("〇"), None);
        assert_eq!(p("宮"), None);
    }
}
