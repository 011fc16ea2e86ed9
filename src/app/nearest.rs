//! Nearest providers for a home: straight-line or road ranking, the 16 km rule with the points'
//! uncertainty, and the typed answer that `GET /api/v1/nearest` and `carecover nearest --json`
//! share. An address is placed by the snapshot's gazetteer first, and what was matched is
//! echoed so the nurse sees which town the distances are measured from.

use super::rules::HOME_VISIT_RADIUS_M;
use super::visit::{km, Judge, PatientPoint, Rule16, Visit16};
use super::Snapshot;
use crate::data::{Dataset, KindFilter, Provider, ProviderKind};
use crate::geocode::Candidate;
use crate::geom::LonLat;
use crate::index::{Hit, ProviderIndex};
use crate::routing::{RoadCost, RoadReason, Roads};
use serde::Serialize;
use utoipa::ToSchema;

/// Most results one nearest query may ask for.
pub const MAX_K: usize = 50;

/// One provider as the API shows it.
#[derive(Serialize, ToSchema)]
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
    /// Where the row comes from: the manifest's source key (`kouseikyoku`, or a resource
    /// list's), or the resource row's own `source`.
    pub source: &'a str,
    /// `source` in words: the manifest source's name for a key, else the row's own text.
    pub source_name: &'a str,
    /// The date of that source (`2025-10-01`, `2026-10`); empty when unknown.
    pub source_date: &'a str,
    /// A resource's capabilities as its list states them (24時間対応, 小児, 麻薬 …).
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub capabilities: &'a [String],
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
            source: &p.source,
            source_name: super::layers::source_name(ds, &p.source),
            source_date: &p.source_date,
            capabilities: &p.capabilities,
        }
    }
}

/// One result of a nearest answer: the provider, its straight-line distance and 16 km state,
/// and its road figures.
#[derive(Serialize, ToSchema)]
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
    pub road: RoadFields,
}

/// A `/api/nearest` answer, as the handler and `carecover nearest --json` give it.
#[derive(Serialize, ToSchema)]
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
#[derive(Serialize, ToSchema)]
pub struct AnswerSource<'a> {
    /// `providers`, `resources` (a local resource list a listed result comes from),
    /// `addresses`, `postal_codes`, `roads` or `boundaries`.
    pub role: &'static str,
    pub name: &'a str,
    pub name_en: &'a str,
    pub date: &'a str,
    pub credit: &'a str,
}

/// The sources of the layers a nearest answer uses, in that order; after the provider list,
/// the manifest source of each resource list one of `listed` is credited to (a row with its
/// own source text carries it itself: `source_name`, `source_date`).
fn answer_sources<'a>(ds: &'a Dataset, listed: &[&Provider]) -> Vec<AnswerSource<'a>> {
    let m = &ds.manifest;
    // The provider list, unless every listed result is a local resource.
    let medical = listed.is_empty()
        || listed
            .iter()
            .any(|p| p.facility_type != crate::data::FacilityType::Resource);
    let mut resources: Vec<&String> = Vec::new();
    for layer in &m.resources {
        let from_it = listed.iter().any(|p| {
            p.facility_type == crate::data::FacilityType::Resource && p.source == layer.source
        });
        let listed_already =
            resources.contains(&&layer.source) || (medical && layer.source == m.providers.source);
        if from_it && !listed_already {
            resources.push(&layer.source);
        }
    }
    let layers = std::iter::once(("providers", medical.then_some(&m.providers.source)))
        .chain(resources.into_iter().map(|k| ("resources", Some(k))))
        .chain([
            ("addresses", Some(&m.towns.source)),
            ("postal_codes", m.postal_codes.as_ref().map(|l| &l.source)),
            ("roads", m.roads.as_ref().map(|l| &l.source)),
            ("boundaries", Some(&m.municipalities.source)),
        ]);
    layers
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
#[derive(Serialize, ToSchema)]
pub struct AddressEcho {
    #[serde(flatten)]
    pub place: Place,
    pub note: Option<String>,
    pub ambiguous: bool,
    /// The other places an ambiguous address may mean (empty otherwise).
    pub alternatives: Vec<Place>,
}

/// A place the geocoder matched: municipality, town, level, score and point.
#[derive(Serialize, ToSchema)]
pub struct Place {
    pub city: String,
    pub town: Option<String>,
    pub level: crate::geocode::Level,
    pub score: f64,
    pub rest: String,
    pub lat: f64,
    pub lon: f64,
}

impl From<&Candidate> for Place {
    fn from(c: &Candidate) -> Self {
        Self {
            city: c.city.clone(),
            town: c.town.clone(),
            level: c.level,
            score: c.score,
            rest: c.rest.clone(),
            lat: c.lat,
            lon: c.lon,
        }
    }
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
    pub sort: Sort,
}

/// Why a nearest query has no answer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NearestError {
    /// `address=` matched nothing in the gazetteer (the reason it gives).
    #[error("the address could not be placed in Kumamoto ({0}); try the municipality and town, e.g. 熊本市中央区水前寺6丁目")]
    AddressNotFound(String),
    /// The gazetteer gave a point that is not a valid lon/lat (a data error).
    #[error("gazetteer point invalid: {0}")]
    BadGazetteerPoint(String),
}

/// The answer to a [`NearestQuery`]: by address, geocode first, answer from the best candidate
/// and echo what was matched.
pub fn answer(snap: &Snapshot, query: NearestQuery) -> Result<NearestAnswer<'_>, NearestError> {
    let NearestQuery {
        k,
        kinds,
        require,
        at,
        sort,
    } = query;
    let filter = KindFilter {
        any: kinds,
        all: require,
    };
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
                return Err(NearestError::AddressNotFound(reason));
            };
            let at = LonLat::new(best.lon, best.lat)
                .map_err(|e| NearestError::BadGazetteerPoint(e.to_string()))?;
            let others: Vec<Candidate> = if ambiguous {
                candidates.collect()
            } else {
                Vec::new()
            };
            (at, Some((best, ambiguous, others)))
        }
        NearestAt::Point(p) => (p, None),
    };
    let mut answer = nearest_answer(snap, at, k, filter, sort, matched.as_ref().map(|m| &m.0));
    if let Some((m, ambiguous, others)) = matched {
        answer.address = Some(AddressEcho {
            place: Place::from(&m),
            note: m.note,
            ambiguous,
            alternatives: others.iter().map(Place::from).collect(),
        });
    }
    Ok(answer)
}

/// A `/api/nearest` answer for a point (without the `address` echo): shared by the handler
/// and `carecover nearest --json`, so scripts see one shape. `filter`: any of `kind=` and all
/// of `require=`. `geocoded`: the candidate the point came from (its level and town set the
/// patient point's uncertainty), `None` for a lat/lon the user gave (exact).
pub fn nearest_answer<'a>(
    snap: &'a Snapshot,
    at: crate::geom::LonLat,
    k: usize,
    filter: impl Into<crate::data::KindFilter>,
    sort: Sort,
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
    let ranked = rank(ds, &snap.index, snap.roads.as_ref(), at, k, filter, sort);
    let listed: Vec<&Provider> = ranked
        .hits
        .iter()
        .map(|(h, _)| &ds.providers[h.index as usize])
        .collect();
    let sources = answer_sources(ds, &listed);
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
        sources,
        data_version: snap.version(),
        address: None,
    }
}

/// How results are ranked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    /// Geodesic distance (the default and the 16 km rule's measure).
    Distance,
    /// Road length plus the off-road legs.
    Road,
}

impl Sort {
    /// `sort=` as given, `distance` when absent; `Err` names the value.
    pub fn parse(v: Option<&str>) -> Result<Self, String> {
        match v {
            None | Some("distance") => Ok(Sort::Distance),
            Some("road") => Ok(Sort::Road),
            Some(other) => Err(format!(
                "sort={other:?} must be distance (straight line) or road"
            )),
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Sort::Distance => "distance",
            Sort::Road => "road",
        }
    }
}

/// The road part of one result: numbers, or nulls and the reason.
#[derive(Serialize, Default, ToSchema)]
pub struct RoadFields {
    /// Length of the trip by road, km (metre precision): the on-network part plus the two
    /// straight legs between the points and the road. The `sort=road` rank key; never below
    /// the straight-line `distance_km`.
    pub road_km: Option<f64>,
    /// The part of `road_km` off the network (both legs), km.
    pub offroad_km: Option<f64>,
    /// Road time at the network's speed model plus off-road legs at 10 km/h, minutes.
    pub drive_min: Option<f64>,
    pub road_reason: Option<&'static str>,
}

impl RoadFields {
    pub fn from_cost(c: Result<RoadCost, RoadReason>) -> Self {
        match c {
            Ok(c) => Self {
                road_km: Some(c.total_m().round() / 1000.0),
                offroad_km: Some(c.offroad_m.round() / 1000.0),
                drive_min: Some((c.drive_s() / 6.0).round() / 10.0),
                road_reason: None,
            },
            Err(r) => Self {
                road_reason: Some(r.as_str()),
                ..Self::default()
            },
        }
    }
}

/// The ranked providers and their road fields, plus the query-level reason when road ranking
/// fell back to straight-line order. The geodesic `Hit`s keep `distance_km` exact.
pub struct Ranked {
    pub hits: Vec<(Hit, RoadFields)>,
    pub sort: Sort,
    pub road_reason: Option<&'static str>,
}

/// Ranks for `sort` and attaches road figures. Without a road network, or for a query more
/// than 3 km from any road, the answer is the straight-line ranking with null road figures.
pub fn rank(
    ds: &Dataset,
    index: &ProviderIndex,
    roads: Option<&Roads>,
    at: LonLat,
    k: usize,
    filter: KindFilter,
    sort: Sort,
) -> Ranked {
    let straight = |reason: RoadReason, sort: Sort| Ranked {
        hits: index
            .nearest(at, k, filter)
            .into_iter()
            .map(|h| (h, RoadFields::from_cost(Err(reason))))
            .collect(),
        sort,
        road_reason: Some(reason.as_str()),
    };
    let Some(roads) = roads else {
        return straight(RoadReason::NoRoadNetwork, Sort::Distance);
    };
    let net = &roads.network;
    match sort {
        Sort::Road => {
            let wanted = |i: u32| filter.matches(ds.providers[i as usize].kinds);
            match roads.providers.nearest(net, at, k, wanted) {
                Ok(hits) => Ranked {
                    hits: hits
                        .into_iter()
                        .map(|h| {
                            let p = ds.providers[h.index as usize].location;
                            let hit = Hit {
                                index: h.index,
                                distance_m: crate::geom::geodesic_distance_m(at, p),
                            };
                            (hit, RoadFields::from_cost(Ok(h.cost)))
                        })
                        .collect(),
                    sort,
                    road_reason: None,
                },
                Err(reason) => straight(reason, Sort::Distance),
            }
        }
        Sort::Distance => {
            let hits = index.nearest(at, k, filter);
            let targets: Vec<u32> = hits.iter().map(|h| h.index).collect();
            match roads.providers.costs_to(net, at, &targets) {
                Ok(costs) => Ranked {
                    hits: hits
                        .into_iter()
                        .zip(costs)
                        .map(|(h, c)| (h, RoadFields::from_cost(c)))
                        .collect(),
                    sort,
                    road_reason: None,
                },
                Err(reason) => straight(reason, sort),
            }
        }
    }
}

/// `GET /api/v1/providers/{id}`: one provider.
#[derive(Serialize, ToSchema)]
pub struct ProviderAnswer<'a> {
    pub provider: ProviderView<'a>,
    pub data_version: &'a str,
}

impl<'a> ProviderAnswer<'a> {
    /// `None` when no provider has this id.
    pub fn new(snap: &'a Snapshot, id: &str) -> Option<Self> {
        let ds = &snap.dataset;
        let p = ds.providers.iter().find(|p| p.id == id)?;
        Some(Self {
            provider: ProviderView::new(p, ds),
            data_version: snap.version(),
        })
    }
}

/// `GET /api/v1/geocode`: address candidates, best first; an empty list with a `reason`
/// when nothing in Kumamoto matches.
#[derive(Serialize, ToSchema)]
pub struct GeocodeAnswer<'a> {
    #[serde(flatten)]
    pub answer: crate::geocode::GeocodeAnswer,
    pub data_version: &'a str,
}

impl<'a> GeocodeAnswer<'a> {
    pub fn new(snap: &'a Snapshot, query: &str, limit: usize) -> Self {
        Self {
            answer: snap.gazetteer.geocode(query, limit),
            data_version: snap.version(),
        }
    }
}

/// `GET /api/v1/kinds`: every kind a query may name, in [`ProviderKind::ALL`] order.
#[derive(Serialize, ToSchema)]
pub struct KindsAnswer<'a> {
    pub kinds: Vec<KindInfo>,
    pub data_version: &'a str,
}

/// One kind: its names, its group and how many rows of the data hold it.
#[derive(Serialize, ToSchema)]
pub struct KindInfo {
    pub kind: ProviderKind,
    /// `home_care` (a 施設基準 column of the provider list), `pediatric` (derived from the
    /// facility-standards table) or `resource` (a local resource list's kind: asked for by
    /// name only, never part of a query's default).
    pub group: &'static str,
    pub name_ja: &'static str,
    pub name_en: &'static str,
    pub short_ja: &'static str,
    /// The `class` of the map's `providers` tile layer for a resource kind (null for the
    /// medical kinds, whose class is the provider's strongest palliative kind).
    pub class: Option<&'static str>,
    /// Providers (or resource rows) of the data holding it.
    pub providers: usize,
}

impl<'a> KindsAnswer<'a> {
    pub fn new(snap: &'a Snapshot) -> Self {
        let providers = &snap.dataset.providers;
        let kinds = ProviderKind::ALL
            .into_iter()
            .map(|k| KindInfo {
                kind: k,
                group: if k.is_resource() {
                    "resource"
                } else if ProviderKind::PEDIATRIC.contains(&k) {
                    "pediatric"
                } else {
                    "home_care"
                },
                name_ja: k.name_ja(),
                name_en: k.name_en(),
                short_ja: k.short_ja(),
                class: k.is_resource().then(|| super::layers::resource_class(k)),
                providers: providers.iter().filter(|p| p.kinds.contains(k)).count(),
            })
            .collect();
        Self {
            kinds,
            data_version: snap.version(),
        }
    }
}
