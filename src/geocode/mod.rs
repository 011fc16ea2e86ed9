//! Offline geocoder for Kumamoto (熊本県) addresses at 町丁目/大字 level.
//!
//! Discharge nurses know a patient's address, not coordinates. This module
//! turns `熊本市中央区水前寺６丁目１８－１`, `八代市松江城町` or
//! `上益城郡益城町…` into a representative point of the town, without any
//! network access, from the address layers the manifest names (see
//! `SOURCES.md`: Geolonia town points, Japan Post codes), as parsed by
//! [`crate::data`]: a snapshot builds it from its loaded dataset
//! ([`Gazetteer::from_dataset`]), or it reads those files alone:
//!
//! ```no_run
//! use carecover::data::{DataFiles, Manifest};
//! use carecover::geocode::Gazetteer;
//! let (gaz, _warnings) = Gazetteer::load(DataFiles::Builtin, &Manifest::builtin()?)?;
//! let answer = gaz.geocode("熊本市中央区水前寺６丁目１８－１", 3);
//! if let Some(best) = answer.best() {
//!     // Use the point; never log the address (it is a patient's home).
//!     let _point = (best.lat, best.lon);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # What is matched
//! 1. The query is normalised (see `normalize.rs`): NFKC, spaces removed,
//!    hyphen variants, 六丁目 → 6丁目, optional 大字/字, old kanji and
//!    ヶ/ケ/が folded, a leading postal code taken off.
//! 2. An optional 熊本県; any other prefecture gives `not_in_kumamoto`.
//! 3. The longest municipality name, with or without its 郡; 熊本市 with a
//!    ward, or without one (then all five wards are searched).
//! 4. The longest town name in that municipality (水前寺公園 beats 水前寺;
//!    上水前寺 is its own town). `水前寺6-18-1` reads as 水前寺六丁目 18-1
//!    when 水前寺六丁目 exists. What is left is returned as `rest`.
//! 5. Also (`search.rs`): a former municipality name (`former.rs`: 鹿本郡植木町岩野 →
//!    熊本市北区 植木町岩野, also after the current name: 八代市泉村柿迫); no municipality
//!    at all (a town anywhere in Kumamoto; several → all, `ambiguous`); kana readings of
//!    the municipality and 大字 (`kana.rs`).
//!
//! # Scores (0..=1, higher is better; candidates are sorted by score)
//! | situation | score |
//! | --- | --- |
//! | town found, municipality written | 1.0 |
//! | × remainder starts with words, not numbers (unknown 小字 or building) | × 0.9 |
//! | × only the 大字 given where the file lists 丁目/小字 (point = the part nearest the centre) | × 0.8 |
//! | × the town has no point in the data (point of its 大字, or of the postal-code table) | × 0.7 |
//! | × `元三町1-2` where both 元三町 and 元三町一丁目 exist: the 丁目 reading | × 0.9 |
//! | × the same, the 番地-of-元三町 reading (second candidate) | × 0.6 |
//! | × several towns share the same normalised name | × 0.9 |
//! | × 熊本市 without ward, town in one ward only | × 0.95 |
//! | × 熊本市 without ward, town in several wards (one candidate each) | × 0.6 |
//! | × town not in the written ward but in another ward of 熊本市 | × 0.5 |
//! | × written after a former municipality name | × 0.95 |
//! | × matched on its kana reading | × 0.9 |
//! | × no municipality written, the only town of the name | × 0.9 |
//! | × no municipality written, several municipalities have it (`ambiguous`) | × 0.6 |
//! | postal code, point of exactly its town | 0.7 |
//! | postal code covering several 丁目/小字 | 0.6 |
//! | postal code whose town has no point (municipality median) | 0.3 |
//! | × the code has several rows (several towns/wards) | × 0.9 |
//! | × the code disagrees with the written municipality | × 0.8 |
//! | municipality or ward point (town missing or unknown) | 0.3 |
//! | whole 熊本市 point (no ward, no known town) | 0.2 |
//!
//! A score ≥ 0.75 means "town found, trust it"; 0.5–0.75 means a town-level
//! point with a caveat (see `note`); below 0.5 the point is coarse.
//!
//! # Privacy
//! Queries are patients' home addresses: nothing in this module logs or
//! prints them. Load warnings name data rows only.
//!
//! # Speed
//! All keys and tries are built at load time; a query does one NFKC pass
//! and a few trie walks (a few µs, see `benches/geocode.rs`).

mod answer;
mod candidates;
mod error;
mod former;
mod index;
mod kana;
mod load;
mod matcher;
mod normalize;
mod numerals;
mod points;
mod rest;
mod scoring;
mod search;
mod towns;
mod trie;
mod variants;

pub use answer::{reason, Candidate, GeocodeAnswer, Level};
pub use error::GeocodeError;
pub use index::Gazetteer;
pub use load::{FORMER_MUNICIPALITIES_FILE, MUNICIPALITIES_FILE, POSTAL_FILE, TOWNS_FILE};

/// The normalised form of an address query, as the matcher sees it: the postal code taken
/// off the front (if any), the display text and the folded match key. Public for fuzzing and
/// for tests; the matcher calls the same normaliser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NormalizedAddress {
    pub postal_code: Option<u32>,
    pub text: String,
    pub key: String,
}

/// Normalises an address query (NFKC, hyphens, 丁目 numerals, 大字/字, old kanji …; see the
/// module doc). Never panics on any input: the fuzz target `address_normalize` checks that.
pub fn normalize_address(query: &str) -> NormalizedAddress {
    let n = normalize::normalize_query(query);
    NormalizedAddress {
        postal_code: n.postal_code,
        text: n.text.iter().collect(),
        key: n.key.iter().collect(),
    }
}
