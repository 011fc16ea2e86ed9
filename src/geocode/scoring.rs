//! Scoring policy: base scores, multipliers and the notes that explain them.
//!
//! The table in the module doc of `crate::geocode` lists the same numbers;
//! keep both in step.

use super::numerals::is_kanji_numeral;

/// Score of a municipality-level candidate.
pub(super) const SCORE_MUNICIPALITY: f64 = 0.3;
/// Score of the whole-city point when 熊本市 is given without ward or town.
pub(super) const SCORE_WHOLE_CITY: f64 = 0.2;
/// Postal-code scores by how the code's point was derived.
pub(super) const SCORE_POSTAL_EXACT: f64 = 0.7;
pub(super) const SCORE_POSTAL_MEDOID: f64 = 0.6;
pub(super) const SCORE_POSTAL_CITY: f64 = 0.3;
/// Multipliers for town matches.
pub(super) const F_UNCLEAN_REST: f64 = 0.9;
pub(super) const F_SYNTHETIC: f64 = 0.8;
pub(super) const F_BORROWED_POINT: f64 = 0.7;
pub(super) const F_SAME_KEY: f64 = 0.9;
pub(super) const F_WARDLESS_UNIQUE: f64 = 0.95;
pub(super) const F_WARDLESS_SEVERAL: f64 = 0.6;
pub(super) const F_OTHER_WARD: f64 = 0.5;
pub(super) const F_CHOME_OR_BANCHI: f64 = 0.9;
pub(super) const F_BANCHI_READING: f64 = 0.6;
pub(super) const F_POSTAL_SEVERAL: f64 = 0.9;
pub(super) const F_POSTAL_CONFLICT: f64 = 0.8;
/// The town written after a former municipality name (鹿本郡植木町岩野).
pub(super) const F_FORMER: f64 = 0.95;
/// The town matched on its kana reading.
pub(super) const F_KANA: f64 = 0.9;
/// No municipality written; the only town of that name in Kumamoto.
pub(super) const F_NO_MUNI_UNIQUE: f64 = 0.9;
/// No municipality written; several municipalities (or wards) have the town.
pub(super) const F_NO_MUNI_SEVERAL: f64 = 0.6;
/// A town found without a written municipality must be at least this long (in
/// characters) unless a house number or a space follows it: `中` or `原` alone would
/// otherwise match the start of any text.
pub(super) const MIN_UNWRITTEN_TOWN_CHARS: usize = 3;

pub(super) const NOTE_MUNICIPALITY: &str =
    "coarse point: median of the municipality's town points, not the address's town";
pub(super) const NOTE_SEVERAL_WARDS: &str =
    "熊本市 has this town in several wards and no ward was given";
pub(super) const NOTE_OTHER_WARD: &str =
    "town not found in the written ward; found in this ward of the same city";
pub(super) const NOTE_TOWN_WITHOUT_POINT: &str =
    "coarse point: the town is in the data but has no point; median of the municipality's town points";
pub(super) const NOTE_CHOME_OR_BANCHI: &str =
    "ambiguous: the number after the town may be its 丁目 or a 番地 of the same-named town without 丁目";
pub(super) const NOTE_POSTAL_CONFLICT: &str = "postal code and written municipality disagree";
pub(super) const NOTE_KANA: &str = "matched on the kana reading";
pub(super) const NOTE_NO_MUNI_UNIQUE: &str =
    "municipality not written: the only town of this name in Kumamoto";
pub(super) const NOTE_NO_MUNI_SEVERAL: &str =
    "ambiguous: municipality not written and several municipalities have a town of this name";

/// A remainder that looks like block/house numbers (or nothing, or a 小字
/// introduced by 字) rather than unmatched words.
pub(super) fn rest_is_clean(rest: &str) -> bool {
    match rest.chars().next() {
        None => true,
        Some(c) => c.is_ascii_digit() || c == '-' || c == '字' || c == '番' || is_kanji_numeral(c),
    }
}

#[cfg(test)]
mod tests {
    use super::rest_is_clean;

    #[test]
    fn house_numbers_and_koaza_are_clean_words_are_not() {
        assert!(rest_is_clean(""));
        assert!(rest_is_clean("18-1"));
        assert!(rest_is_clean("字上野10"));
        assert!(rest_is_clean("十八番地"));
        assert!(!rest_is_clean("コーポ水前寺"));
    }
}
