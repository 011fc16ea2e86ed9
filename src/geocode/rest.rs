//! Tidying the unmatched remainder of a query (`Candidate::rest`).

use super::numerals::{is_kanji_numeral, parse_kanji_number};

/// Tidies the unmatched remainder of a query (block, house and room
/// numbers, building name) for display:
/// * white space from the input comes back as one ASCII space;
/// * a kanji numeral before 番 or 号 (or after 番地/番/-) becomes Arabic;
/// * 番地, 番 and の between digits become `-` (18番地1 → 18-1,
///   18番1号 → 18-1); a final 番地, 番 or 号 after a digit is dropped;
/// * leading and trailing hyphens and spaces are trimmed.
pub(crate) fn clean_rest(text: &[char], spaces: &[bool]) -> String {
    // 1. Re-insert word breaks.
    let mut v: Vec<char> = Vec::with_capacity(text.len() + 4);
    for (i, &c) in text.iter().enumerate() {
        if i > 0 && spaces.get(i).copied().unwrap_or(false) {
            v.push(' ');
        }
        v.push(c);
    }
    // 2. Kanji numerals next to house-number markers.
    let v = kanji_house_numbers(&v);
    // 3. Markers between and after digits.
    let mut out = String::with_capacity(v.len() * 3);
    let mut i = 0;
    while i < v.len() {
        let prev_digit = out.chars().last().is_some_and(|c| c.is_ascii_digit());
        let marker_len = if v[i] == '番' && v.get(i + 1) == Some(&'地') {
            2
        } else if matches!(v[i], '番' | '号') {
            1
        } else {
            0
        };
        if prev_digit && marker_len > 0 {
            let next = v.get(i + marker_len).copied();
            match next {
                Some(c) if c.is_ascii_digit() && v[i] == '番' => {
                    out.push('-');
                    i += marker_len;
                    continue;
                }
                None | Some(' ') | Some('-') => {
                    i += marker_len;
                    continue;
                }
                _ => {}
            }
        }
        out.push(v[i]);
        i += 1;
    }
    out.trim_matches(|c: char| c == '-' || c == ' ').to_string()
}

fn kanji_house_numbers(v: &[char]) -> Vec<char> {
    let mut out = Vec::with_capacity(v.len());
    let mut i = 0;
    while i < v.len() {
        if !is_kanji_numeral(v[i]) {
            out.push(v[i]);
            i += 1;
            continue;
        }
        let end = v[i..]
            .iter()
            .position(|&c| !is_kanji_numeral(c))
            .map_or(v.len(), |p| i + p);
        let before = out.last().copied();
        let after = v.get(end).copied();
        let marker_after = matches!(after, Some('番' | '号' | '-'));
        let marker_before = matches!(before, Some('地' | '番' | '-'));
        match parse_kanji_number(&v[i..end]) {
            Some(n) if marker_after || marker_before => out.extend(n.to_string().chars()),
            _ => out.extend_from_slice(&v[i..end]),
        }
        i = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::normalize::normalize_query;
    use super::*;

    fn rest(q: &str) -> String {
        let n = normalize_query(q);
        clean_rest(&n.text, &n.spaces)
    }

    #[test]
    fn rest_house_numbers_are_tidied() {
        assert_eq!(rest("18-1"), "18-1");
        assert_eq!(rest("18番地1"), "18-1");
        assert_eq!(rest("18番1号"), "18-1");
        assert_eq!(rest("18番地"), "18");
        assert_eq!(rest("十八番地"), "18");
        assert_eq!(rest("十八番一号"), "18-1");
        assert_eq!(rest("-18-1"), "18-1");
        assert_eq!(
            rest("18-1 コーポ水前寺 201号室"),
            "18-1 コーポ水前寺 201号室"
        );
        assert_eq!(rest("18-1 201号"), "18-1 201");
        assert_eq!(rest(""), "");
    }
}
