//! `GET /api/nearest` and `GET /api/providers/{id}`.

use super::error::AppError;
use super::params::Params;
use super::{provider_id, AppState};
use crate::data::{Dataset, Provider, ProviderKind};
use axum::extract::{Path, RawQuery, State};
use axum::Json;
use serde::Serialize;

use crate::index::HOME_VISIT_RADIUS_M;
use crate::visit::{km, Judge, PatientPoint, Rule16, Visit16};
/// Most results one nearest query may ask for.
pub const MAX_K: usize = 50;

/// One provider as the API shows it.
#[derive(Serialize)]
pub struct ProviderView<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub kinds: Vec<ProviderKind>,
    pub kinds_ja: Vec<&'static str>,
    pub facility_type: crate::data::FacilityType,
    pub tiers: crate::data::Tiers,
    pub beds_total: Option<u32>,
    pub palliative_ward_beds: Option<u32>,
    pub lat: f64,
    pub lon: f64,
    pub address: &'a str,
    pub postal_code: &'a str,
    pub phone: &'a str,
    pub region_id: u8,
    pub region: &'a str,
    pub geocode_level: crate::data::GeocodeLevel,
}

impl<'a> ProviderView<'a> {
    pub fn new(p: &'a Provider, ds: &'a Dataset) -> Self {
        Self {
            id: &p.id,
            name: &p.name,
            kinds: p.kinds.iter().collect(),
            kinds_ja: p.kinds.iter().map(ProviderKind::name_ja).collect(),
            facility_type: p.facility_type,
            tiers: p.tiers,
            beds_total: p.beds_total,
            palliative_ward_beds: p.palliative_ward_beds,
            lat: p.location.lat(),
            lon: p.location.lon(),
            address: &p.address,
            postal_code: &p.postal_code,
            phone: &p.phone,
            region_id: p.region_id,
            region: ds
                .region(p.region_id)
                .map(|r| r.name.as_str())
                .unwrap_or(""),
            geocode_level: p.geocode_level,
        }
    }
}

/// One result of a nearest answer: the provider, its straight-line distance and 16 km state,
/// and its road figures.
#[derive(Serialize)]
pub struct NearestResult<'a> {
    #[serde(flatten)]
    pub provider: ProviderView<'a>,
    /// Geodesic distance, km, rounded to metres.
    pub distance_km: f64,
    /// `distance_km ≤ 16` on the points, as before `visit_16km` existed.
    pub within_16km: bool,
    /// The 16 km rule with the points' uncertainty: `within`, `beyond` or `to_confirm`.
    pub visit_16km: Visit16,
    /// The combined uncertainty of the provider's and the patient's points, km.
    pub uncertainty_km: f64,
    /// The provider point's own part of it, km.
    pub provider_uncertainty_km: f64,
    #[serde(flatten)]
    pub road: super::roads::RoadFields,
}

/// A `/api/nearest` answer, as the handler and `carecover nearest --json` give it.
#[derive(Serialize)]
pub struct NearestAnswer<'a> {
    pub results: Vec<NearestResult<'a>>,
    pub kinds: Vec<ProviderKind>,
    pub require: Vec<ProviderKind>,
    /// The order actually used.
    pub sort: &'static str,
    pub road_reason: Option<&'static str>,
    pub speed_model: Option<String>,
    pub offroad_speed_kmh: f64,
    /// The 16 km rule for this home and these kinds: counts over every provider, and
    /// whether the exception applies.
    pub rule_16km: Rule16,
    /// The sources this answer rests on (providers, addresses, roads, boundaries) with their
    /// dates and credit lines, for a printed referral sheet.
    pub sources: Vec<AnswerSource<'a>>,
    pub data_version: &'a str,
    /// For `address=`: the town the distances are measured from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<AddressEcho>,
}

/// One data source of an answer: what it gives, its name, date and credit line.
#[derive(Serialize)]
pub struct AnswerSource<'a> {
    /// `providers`, `addresses`, `postal_codes`, `roads` or `boundaries`.
    pub role: &'static str,
    pub name: &'a str,
    pub name_en: &'a str,
    pub date: &'a str,
    pub credit: &'a str,
}

/// The sources of the layers a nearest answer uses, in that order.
fn answer_sources(ds: &Dataset) -> Vec<AnswerSource<'_>> {
    let m = &ds.manifest;
    let layers = [
        ("providers", Some(&m.providers.source)),
        ("addresses", Some(&m.towns.source)),
        ("postal_codes", m.postal_codes.as_ref().map(|l| &l.source)),
        ("roads", m.roads.as_ref().map(|l| &l.source)),
        ("boundaries", Some(&m.municipalities.source)),
    ];
    layers
        .into_iter()
        .filter_map(|(role, key)| {
            let s = m.sources.get(key?)?;
            Some(AnswerSource {
                role,
                name: &s.name,
                name_en: &s.name_en,
                date: &s.date,
                credit: &s.credit,
            })
        })
        .collect()
}

/// The geocoded address echoed in an answer: municipality and town, never more than the
/// geocoder matched (`rest` is the caller's own text after the town).
#[derive(Serialize)]
pub struct AddressEcho {
    pub city: String,
    pub town: Option<String>,
    pub level: crate::geocode::Level,
    pub score: f64,
    pub rest: String,
    pub lat: f64,
    pub lon: f64,
    pub note: Option<String>,
    pub ambiguous: bool,
    pub alternatives: Vec<serde_json::Value>,
}

/// Where a nearest query measures from.
#[derive(Debug, Clone, PartialEq)]
pub enum NearestAt {
    /// `lat` + `lon`, inside the served area.
    Point(crate::geom::LonLat),
    /// `address=`: geocoded by the handler against the current snapshot.
    Address(String),
}

/// A parsed `/api/nearest` query string.
#[derive(Debug, Clone, PartialEq)]
pub struct NearestQuery {
    pub k: usize,
    /// `kind=`: any-of (every kind when absent).
    pub kinds: crate::data::KindSet,
    /// `require=`: all-of (empty when absent).
    pub require: crate::data::KindSet,
    pub at: NearestAt,
    pub sort: super::roads::Sort,
}

/// Parses the raw `/api/nearest` query string (percent-encoded, without `?`). Public so the
/// `nearest_query` fuzz target and its corpus replay call exactly what the handler calls.
pub fn parse_nearest_query(raw: &str) -> Result<NearestQuery, AppError> {
    let params = Params::parse(
        Some(raw),
        &["lat", "lon", "k", "kind", "require", "address", "sort"],
    )?;
    let k = params.integer("k", 5, 1..=MAX_K, "invalid_k")?;
    let sort = super::roads::Sort::parse(params.get("sort"))?;
    let kinds = params.kinds(crate::data::KindSet::all())?;
    let require = params.required_kinds()?;
    let at = match params.get("address") {
        Some(address) => {
            if params.get("lat").is_some() || params.get("lon").is_some() {
                return Err(AppError::bad(
                    "conflicting_parameters",
                    "give either address or lat/lon, not both",
                ));
            }
            NearestAt::Address(address.to_string())
        }
        None => NearestAt::Point(params.point()?),
    };
    Ok(NearestQuery {
        k,
        kinds,
        require,
        at,
        sort,
    })
}

pub async fn nearest(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
) -> Result<Json<serde_json::Value>, AppError> {
    let NearestQuery {
        k,
        kinds,
        require,
        at,
        sort,
    } = parse_nearest_query(q.as_deref().unwrap_or(""))?;
    let filter = crate::data::KindFilter {
        any: kinds,
        all: require,
    };
    let snap = state.snapshot();
    // By address: geocode first, answer from the best candidate and echo what was matched,
    // so the nurse sees which town the distances are measured from.
    let (at, matched) = match at {
        NearestAt::Address(address) => {
            // Up to 5 candidates: an ambiguous address (a town name in several
            // municipalities, none written) is answered from the first, and the others are
            // echoed so the widget can offer the choice.
            let answer = snap.gazetteer.geocode(&address, 5);
            let ambiguous = answer.ambiguous;
            let mut candidates = answer.candidates.into_iter();
            let Some(best) = candidates.next() else {
                let reason = answer.reason.unwrap_or_else(|| "no_match".into());
                return Err(AppError::bad(
                    "address_not_found",
                    format!("the address could not be placed in Kumamoto ({reason}); try the municipality and town, e.g. 熊本市中央区水前寺6丁目"),
                ));
            };
            let at = crate::geom::LonLat::new(best.lon, best.lat)
                .map_err(|e| AppError::Internal(format!("gazetteer point invalid: {e}")))?;
            let others: Vec<_> = if ambiguous {
                candidates.collect()
            } else {
                Vec::new()
            };
            (at, Some((best, ambiguous, others)))
        }
        NearestAt::Point(p) => (p, None),
    };
    let mut answer = nearest_answer(&snap, at, k, filter, sort, matched.as_ref().map(|m| &m.0));
    if let Some((m, ambiguous, others)) = matched {
        let alternatives: Vec<serde_json::Value> = others
            .iter()
            .map(|c| {
                serde_json::json!({
                    "city": c.city, "town": c.town, "level": c.level, "score": c.score,
                    "rest": c.rest, "lat": c.lat, "lon": c.lon,
                })
            })
            .collect();
        answer.address = Some(AddressEcho {
            city: m.city,
            town: m.town,
            level: m.level,
            score: m.score,
            rest: m.rest,
            lat: m.lat,
            lon: m.lon,
            note: m.note,
            ambiguous,
            alternatives,
        });
    }
    let body = serde_json::to_value(&answer).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Json(body))
}

/// A `/api/nearest` answer for a point (without the `address` echo): shared by the handler
/// and `carecover nearest --json`, so scripts see one shape. `filter`: any of `kind=` and all
/// of `require=`. `geocoded`: the candidate the point came from (its level and town set the
/// patient point's uncertainty), `None` for a lat/lon the user gave (exact).
pub fn nearest_answer<'a>(
    snap: &'a crate::snapshot::Snapshot,
    at: crate::geom::LonLat,
    k: usize,
    filter: impl Into<crate::data::KindFilter>,
    sort: super::roads::Sort,
    geocoded: Option<&crate::geocode::Candidate>,
) -> NearestAnswer<'a> {
    let ds = &snap.dataset;
    let filter = filter.into();
    let judge = Judge {
        index: &snap.index,
        uncertainty: &snap.uncertainty,
        patient: geocoded.map_or(PatientPoint::Exact, |c| c.level.into()),
        patient_m: geocoded.map_or(0.0, |c| snap.uncertainty.candidate_m(c)),
    };
    let ranked = super::roads::rank(ds, &snap.index, snap.roads.as_ref(), at, k, filter, sort);
    let results: Vec<NearestResult> = ranked
        .hits
        .into_iter()
        .map(|(h, road)| NearestResult {
            provider: ProviderView::new(&ds.providers[h.index as usize], ds),
            distance_km: km(h.distance_m),
            within_16km: h.distance_m <= HOME_VISIT_RADIUS_M,
            visit_16km: judge.classify(&h),
            uncertainty_km: km(judge.uncertainty_m(h.index)),
            provider_uncertainty_km: km(snap.uncertainty.provider_m(h.index)),
            road,
        })
        .collect();
    NearestAnswer {
        results,
        kinds: filter.any.iter().collect(),
        require: filter.all.iter().collect(),
        sort: ranked.sort.as_str(),
        road_reason: ranked.road_reason,
        speed_model: snap.roads.as_ref().map(|r| r.network.speed_model.name()),
        offroad_speed_kmh: crate::routing::OFFROAD_SPEED_KMH,
        rule_16km: judge.rule(at, filter),
        sources: answer_sources(ds),
        data_version: snap.version(),
        address: None,
    }
}

/// `GET /api/geocode?q=…&limit=5`: address candidates, best first; an empty list with a
/// `reason` when nothing in Kumamoto matches.
pub async fn geocode(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
) -> Result<Json<serde_json::Value>, AppError> {
    let params = Params::parse(q.as_deref(), &["q", "limit"])?;
    let query = params.get("q").ok_or_else(|| {
        AppError::bad("missing_parameter", "parameter q (the address) is required")
    })?;
    if query.chars().count() > 200 {
        return Err(AppError::bad(
            "invalid_query",
            "q is longer than 200 characters; an address is shorter",
        ));
    }
    let limit = params.integer("limit", 5, 1..=20, "invalid_limit")?;
    let snap = state.snapshot();
    let answer = snap.gazetteer.geocode(query, limit);
    let mut body = serde_json::to_value(&answer).map_err(|e| AppError::Internal(e.to_string()))?;
    body["data_version"] = serde_json::json!(snap.version());
    Ok(Json(body))
}

pub async fn provider(
    State(state): State<AppState>,
    path: Path<String>,
) -> Result<Json<serde_json::Value>, AppError> {
    let id = provider_id(path)?;
    let snap = state.snapshot();
    let ds = &snap.dataset;
    let p = ds
        .providers
        .iter()
        .find(|p| p.id == id)
        .ok_or_else(|| AppError::NotFound(format!("no provider with id {id}")))?;
    let body = serde_json::json!({
        "provider": ProviderView::new(p, ds),
        "data_version": snap.version(),
    });
    Ok(Json(body))
}
