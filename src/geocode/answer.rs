//! Result types of [`Gazetteer::geocode`](super::Gazetteer::geocode).

use serde::Serialize;

/// How precise a candidate's point is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// A 町丁目, 大字 or 小字 representative point (typically 100–500 m from
    /// a house in towns, up to a few km in large rural 大字).
    Town,
    /// The point of the town a postal code belongs to (approximate; a code
    /// can cover several 丁目).
    PostalCode,
    /// A municipality or ward point: the per-axis median of its town points.
    /// Coarse, can be tens of km off in spread-out municipalities.
    Municipality,
}

/// One possible location for an address.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Candidate {
    /// Latitude, WGS84 degrees.
    pub lat: f64,
    /// Longitude, WGS84 degrees.
    pub lon: f64,
    /// Precision of the point.
    pub level: Level,
    /// Municipality as written in addresses, e.g. `熊本市中央区`,
    /// `上益城郡益城町` (the `city_full` column); `熊本市` for the whole city.
    pub city: String,
    /// Town name as spelled in the towns file (e.g. `水前寺六丁目`,
    /// `大字國見`; a 小字 is appended as `字…`). `None` at municipality
    /// level and for postal codes that name no town.
    pub town: Option<String>,
    /// Confidence in 0..=1; see the scoring table in the module doc.
    pub score: f64,
    /// Unmatched remainder of the query (block and house numbers, building),
    /// tidied: `18番地1` → `18-1`. Empty when nothing is left.
    pub rest: String,
    /// 5-digit 全国地方公共団体コード of the city or ward (43100 for the
    /// whole of 熊本市).
    pub jis_code: String,
    /// Why the point is less precise than it looks, when it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Result of a geocoding query.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct GeocodeAnswer {
    /// Candidates, best first (by score, then in gazetteer order).
    pub candidates: Vec<Candidate>,
    /// Set when `candidates` is empty: one of [`reason::EMPTY_QUERY`],
    /// [`reason::NOT_IN_KUMAMOTO`], [`reason::NO_MATCH`].
    pub reason: Option<String>,
    /// True when the query fits several towns equally and does not say which: no
    /// municipality written and the town name exists in several municipalities, or 熊本市
    /// without a ward and the town in several wards. All of them are among `candidates`;
    /// the first is only a guess, so a user interface should let the user choose.
    pub ambiguous: bool,
}

/// Machine-readable reasons for an empty answer.
pub mod reason {
    /// The query is empty or white space only.
    pub const EMPTY_QUERY: &str = "empty_query";
    /// The query names another prefecture, or carries a postal code that is
    /// not a Kumamoto one and nothing else usable.
    pub const NOT_IN_KUMAMOTO: &str = "not_in_kumamoto";
    /// Nothing in the query matched a Kumamoto municipality or postal code.
    pub const NO_MATCH: &str = "no_match";
}

impl GeocodeAnswer {
    /// An answer with no candidates and the given reason code.
    pub(crate) fn empty(reason: &str) -> Self {
        GeocodeAnswer {
            candidates: Vec::new(),
            reason: Some(reason.to_string()),
            ambiguous: false,
        }
    }

    /// The best candidate, if any.
    pub fn best(&self) -> Option<&Candidate> {
        self.candidates.first()
    }
}
