//! The planners' answers: coverage per medical region and municipality, the uncovered towns,
//! the coverage polygons, what-if scenarios and site suggestions, each a typed answer that
//! carries the layer it was computed for ([`LayerInfo`]). `server` parses the request into
//! [`crate::coverage::CoverageParams`] and serialises these; nothing here knows HTTP.

use super::rules::Preset;
use super::Snapshot;
use crate::coverage::{
    AccessFigures, CoverageResult, MunicipalityStats, RegionCoverage, RegionStats, Scenario,
    ScenarioError, Suggestion, UncoveredTown,
};
use crate::data::{Dataset, ProviderKind};
use crate::routing::{
    AreaReason, RegionRoadArea, RegionRoadCoverage, Roads, AREA_CELL_M, MIN_ROAD_DATA_PCT,
    OUTLINE_TOLERANCE_M, ROAD_BUFFER_M,
};
use geo_types::{LineString, MultiPolygon};
use serde::Serialize;
use std::borrow::Cow;
use utoipa::ToSchema;

/// One clause of a layer's rule: a provider counts when it holds any of `any` and all of
/// `all`.
#[derive(Debug, Serialize, ToSchema)]
pub struct RuleClause {
    pub any: Vec<ProviderKind>,
    pub all: Vec<ProviderKind>,
}

/// Which layer an answer is for, and the data version.
#[derive(Debug, Serialize, ToSchema)]
pub struct LayerInfo {
    /// Every kind the rule names.
    pub kinds: Vec<ProviderKind>,
    /// The rule: an or of clauses.
    pub rule: Vec<RuleClause>,
    /// The preset these parameters are, if any.
    pub preset: Option<&'static str>,
    pub radius_km: f64,
    pub tier_max: Option<u8>,
    pub data_version: String,
}

impl LayerInfo {
    pub fn of(r: &CoverageResult, snap: &Snapshot) -> Self {
        let rule = r.params.rule();
        Self {
            kinds: r.params.kinds().iter().collect(),
            rule: rule
                .clauses()
                .iter()
                .map(|c| RuleClause {
                    any: c.any.iter().collect(),
                    all: c.all.iter().collect(),
                })
                .collect(),
            preset: Preset::ALL
                .into_iter()
                .find(|p| p.params() == r.params)
                .map(Preset::name),
            radius_km: r.params.radius_km(),
            tier_max: r.params.tier_max(),
            data_version: snap.version().to_string(),
        }
    }
}

/// Which year the people figures are for, and what they rest on.
#[derive(Debug, Serialize, ToSchema)]
pub struct PeopleYear {
    /// The census year (2020) or a projected one (2025–2050, every 5 years).
    pub year: u16,
    /// `census_2020`, or `ipss_2023_projection` for a later year.
    pub people_basis: &'static str,
    /// How the figures were derived (cells, estimates, projections).
    pub people_method: String,
    /// Every year the data can answer (`year=`), ascending; the first is the census.
    pub years: Vec<u16>,
}

impl PeopleYear {
    pub fn of(snap: &Snapshot, year: u16) -> Self {
        let census = year == snap.coverage.frames.demography.base_year();
        let mut method = String::from(
            "500 m cells: 2020 census cells (国勢調査 地域メッシュ) where they exist, elsewhere \
             each municipality's census figures less its census cells, spread over its other \
             cells (estimated; estimated_share says how much)",
        );
        if !census {
            method.push_str(
                "; each municipality's cells scaled by its own projected change (IPSS 2023, \
                 total, 0-14 and 65+); 75+ is not projected by IPSS here and follows the 65+ \
                 change",
            );
        }
        Self {
            year,
            people_basis: if census {
                "census_2020"
            } else {
                "ipss_2023_projection"
            },
            people_method: method,
            years: snap.coverage.frames.demography.years().to_vec(),
        }
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// How coverage by road was computed (always the home-care preset at the legal radius).
#[derive(Debug, Serialize, ToSchema)]
pub struct RoadMethod {
    pub preset: &'static str,
    pub radius_km: f64,
    pub speed_model: String,
    pub road_buffer_m: f64,
    pub grid_m: f64,
    pub outline_tolerance_m: f64,
    pub min_road_data_pct: f64,
    pub area_method: &'static str,
}

impl RoadMethod {
    fn of(r: &Roads) -> Self {
        Self {
            preset: Preset::HomeCare.name(),
            radius_km: r.coverage.radius_km,
            speed_model: r.network.speed_model.name(),
            road_buffer_m: ROAD_BUFFER_M,
            grid_m: AREA_CELL_M,
            outline_tolerance_m: OUTLINE_TOLERANCE_M,
            min_road_data_pct: MIN_ROAD_DATA_PCT,
            area_method:
                "region area within road_buffer_m of road parts reached within radius_km \
                by road from a home_care provider, on a grid_m raster (cell centres), / region area",
        }
    }
}

/// A region's area reached by road (the region's id, name and area are in its row).
#[derive(Debug, Serialize, ToSchema)]
pub struct RoadAreaFigures {
    pub covered_by_road_km2: Option<f64>,
    pub covered_by_road_pct: Option<f64>,
    pub road_data_pct: f64,
    #[schema(value_type = Option<String>)]
    pub reason: Option<AreaReason>,
}

impl From<&RegionRoadArea> for RoadAreaFigures {
    fn from(a: &RegionRoadArea) -> Self {
        Self {
            covered_by_road_km2: a.covered_by_road_km2.map(round2),
            covered_by_road_pct: a.covered_by_road_pct.map(round2),
            road_data_pct: round2(a.road_data_pct),
            reason: a.reason,
        }
    }
}

/// One region's coverage by road: its towns and, where computed, its area.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoadRow<'a> {
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub towns: &'a RegionRoadCoverage,
    #[serde(flatten)]
    pub area: Option<RoadAreaFigures>,
}

impl<'a> RoadRow<'a> {
    fn of(r: &Roads, towns: &'a RegionRoadCoverage) -> Self {
        Self {
            towns,
            area: r.area.region(towns.region_id).map(RoadAreaFigures::from),
        }
    }
}

/// A region whose area by road could not be measured, and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotReached<'a> {
    pub region_id: u8,
    pub name: &'a str,
    #[schema(value_type = Option<String>)]
    pub reason: Option<AreaReason>,
}

/// Coverage by road for every region (null in answers without a road layer).
#[derive(Debug, Serialize, ToSchema)]
pub struct RoadCoverage<'a> {
    #[serde(flatten)]
    pub method: RoadMethod,
    pub regions: Vec<RoadRow<'a>>,
    pub regions_not_reached: Vec<NotReached<'a>>,
}

impl<'a> RoadCoverage<'a> {
    pub fn of(snap: &'a Snapshot) -> Option<Self> {
        let r = snap.roads.as_ref()?;
        Some(Self {
            method: RoadMethod::of(r),
            regions: r
                .coverage
                .regions
                .iter()
                .map(|t| RoadRow::of(r, t))
                .collect(),
            regions_not_reached: r
                .area
                .not_reached()
                .map(|a| NotReached {
                    region_id: a.region_id,
                    name: &a.name,
                    reason: a.reason,
                })
                .collect(),
        })
    }
}

/// One region's coverage by road (`GET /api/v1/regions/{id}`).
#[derive(Debug, Serialize, ToSchema)]
pub struct RegionRoadCoverageAnswer<'a> {
    #[serde(flatten)]
    pub method: RoadMethod,
    #[serde(flatten)]
    pub row: Option<RoadRow<'a>>,
}

impl<'a> RegionRoadCoverageAnswer<'a> {
    pub fn of(snap: &'a Snapshot, id: u8) -> Option<Self> {
        let r = snap.roads.as_ref()?;
        Some(Self {
            method: RoadMethod::of(r),
            row: r
                .coverage
                .regions
                .iter()
                .find(|t| t.region_id == id)
                .map(|t| RoadRow::of(r, t)),
        })
    }
}

/// A region's row: its stats and its accessibility index.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegionRow<'a> {
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub stats: Cow<'a, RegionStats>,
    /// E2SFCA providers of the layer per 10 000 people 65+ in the year (`/api/v1/access`);
    /// null without people.
    pub access_index: Option<f64>,
}

/// A municipality's row: its stats and its accessibility index.
#[derive(Debug, Serialize, ToSchema)]
pub struct MunicipalityRow<'a> {
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub stats: Cow<'a, MunicipalityStats>,
    /// E2SFCA providers of the layer per 10 000 people 65+ in the year; null without people.
    pub access_index: Option<f64>,
}

/// Rounded to 3 decimals (the indices' precision in answers).
pub(crate) fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// The rows of `stats` (same order as the frames' regions) with their indices.
fn region_rows<'a>(stats: Vec<Cow<'a, RegionStats>>, access: &AccessFigures) -> Vec<RegionRow<'a>> {
    stats
        .into_iter()
        .zip(&access.regions)
        .map(|(stats, a)| RegionRow {
            stats,
            access_index: a.index.map(round3),
        })
        .collect()
}

/// Every municipality's row in `year`, in the municipality layer's order.
fn municipality_rows<'a>(
    snap: &'a Snapshot,
    r: &'a CoverageResult,
    year: u16,
) -> Vec<MunicipalityRow<'a>> {
    let frames = &snap.coverage.frames;
    let access = r.access(&snap.dataset, frames, year);
    let rows: Vec<Cow<'a, MunicipalityStats>> =
        match r.municipalities_in(&snap.dataset, frames, year) {
            Cow::Borrowed(b) => b.iter().map(Cow::Borrowed).collect(),
            Cow::Owned(v) => v.into_iter().map(Cow::Owned).collect(),
        };
    rows.into_iter()
        .zip(&access.municipalities)
        .map(|(stats, a)| MunicipalityRow {
            stats,
            access_index: a.index.map(round3),
        })
        .collect()
}

/// `GET /api/v1/regions`: every region under the layer, the prefecture total and coverage by
/// road.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegionsAnswer<'a> {
    pub regions: Vec<RegionRow<'a>>,
    pub total: RegionRow<'a>,
    pub road_coverage: Option<RoadCoverage<'a>>,
    #[serde(flatten)]
    pub people: PeopleYear,
    #[serde(flatten)]
    pub layer: LayerInfo,
}

impl<'a> RegionsAnswer<'a> {
    /// People in `year` (one of the demography's years).
    pub fn new(snap: &'a Snapshot, r: &'a CoverageResult, year: u16) -> Self {
        let (regions, total) = r.stats_in(&snap.coverage.frames, year);
        let access = r.access(&snap.dataset, &snap.coverage.frames, year);
        Self {
            regions: region_rows(regions, &access),
            total: RegionRow {
                stats: total,
                access_index: access.total.index.map(round3),
            },
            road_coverage: RoadCoverage::of(snap),
            people: PeopleYear::of(snap, year),
            layer: LayerInfo::of(r, snap),
        }
    }
}

/// `GET /api/v1/regions/{id}`: one region, its municipalities and its uncovered towns.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegionAnswer<'a> {
    pub region: RegionRow<'a>,
    pub municipalities: Vec<MunicipalityRow<'a>>,
    #[schema(value_type = Vec<Object>)]
    pub uncovered_towns: Vec<UncoveredTown>,
    pub road_coverage: Option<RegionRoadCoverageAnswer<'a>>,
    #[serde(flatten)]
    pub people: PeopleYear,
    #[serde(flatten)]
    pub layer: LayerInfo,
}

impl<'a> RegionAnswer<'a> {
    /// `None` when the layer has no such region. People in `year`.
    pub fn new(snap: &'a Snapshot, r: &'a CoverageResult, id: u8, year: u16) -> Option<Self> {
        let rc = r.region(id)?;
        let frames = &snap.coverage.frames;
        let municipalities = municipality_rows(snap, r, year)
            .into_iter()
            .filter(|m| m.stats.region_id == id)
            .collect();
        let (regions, _) = r.stats_in(frames, year);
        let fi = frames.position(id)?;
        let access = r.access(&snap.dataset, frames, year);
        Some(Self {
            region: region_rows(regions, &access).swap_remove(fi),
            municipalities,
            uncovered_towns: rc
                .uncovered_towns
                .iter()
                .map(|g| UncoveredTown::new(&snap.dataset, g))
                .collect(),
            road_coverage: RegionRoadCoverageAnswer::of(snap, id),
            people: PeopleYear::of(snap, year),
            layer: LayerInfo::of(r, snap),
        })
    }
}

/// `GET /api/v1/municipalities`: every municipality (熊本市 with its wards).
#[derive(Debug, Serialize, ToSchema)]
pub struct MunicipalitiesAnswer<'a> {
    pub municipalities: Vec<MunicipalityRow<'a>>,
    #[serde(flatten)]
    pub people: PeopleYear,
    #[serde(flatten)]
    pub layer: LayerInfo,
}

impl<'a> MunicipalitiesAnswer<'a> {
    /// People in `year`.
    pub fn new(snap: &'a Snapshot, r: &'a CoverageResult, year: u16) -> Self {
        Self {
            municipalities: municipality_rows(snap, r, year),
            people: PeopleYear::of(snap, year),
            layer: LayerInfo::of(r, snap),
        }
    }
}

/// `GET /api/v1/municipalities/{jis}`: one municipality with its uncovered towns.
#[derive(Debug, Serialize, ToSchema)]
pub struct MunicipalityAnswer<'a> {
    pub municipality: Option<MunicipalityRow<'a>>,
    #[schema(value_type = Vec<Object>)]
    pub uncovered_towns: Vec<UncoveredTown>,
    #[serde(flatten)]
    pub people: PeopleYear,
    #[serde(flatten)]
    pub layer: LayerInfo,
}

/// Why a municipality code has no answer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MunicipalityError {
    #[error("municipality {0:?} is not a 5-digit municipality code (e.g. 43202)")]
    Invalid(String),
    #[error("no municipality {jis} in the data{hint}")]
    Unknown { jis: String, hint: String },
}

/// Checks a municipality code against the data (before any layer is computed).
pub fn check_municipality(ds: &Dataset, jis: &str) -> Result<(), MunicipalityError> {
    if jis.len() != 5 || !jis.bytes().all(|b| b.is_ascii_digit()) {
        return Err(MunicipalityError::Invalid(jis.to_string()));
    }
    if ds.municipalities.iter().any(|m| m.jis_code == jis) {
        return Ok(());
    }
    let parent = crate::data::municipality_code(jis);
    let hint = if parent != jis {
        format!("; {jis} is a ward, listed under its city {parent}'s `wards`")
    } else {
        String::new()
    };
    Err(MunicipalityError::Unknown {
        jis: jis.to_string(),
        hint,
    })
}

impl<'a> MunicipalityAnswer<'a> {
    /// People in `year`.
    pub fn new(snap: &'a Snapshot, r: &'a CoverageResult, jis: &str, year: u16) -> Self {
        let m = municipality_rows(snap, r, year)
            .into_iter()
            .find(|m| m.stats.jis_code == jis);
        let uncovered_towns = m
            .as_ref()
            .map(|m| {
                m.stats
                    .uncovered
                    .iter()
                    .map(|g| UncoveredTown::new(&snap.dataset, g))
                    .collect()
            })
            .unwrap_or_default();
        Self {
            municipality: m,
            uncovered_towns,
            people: PeopleYear::of(snap, year),
            layer: LayerInfo::of(r, snap),
        }
    }
}

/// A GeoJSON geometry (RFC 7946), built with the `geojson` crate.
pub type Geometry = geojson::Geometry;

/// Degrees rounded to 1e-6 (≈ 0.1 m): finer digits only inflate the response.
fn coord(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// A MultiPolygon's GeoJSON geometry, coordinates rounded to 1e-6°.
pub fn multipolygon(mp: &MultiPolygon<f64>) -> Geometry {
    Geometry::new_multi_polygon(multipolygon_rings(mp))
}

/// A Polygon when the area is one piece, else a MultiPolygon (empty when nothing is in it).
pub fn polygon_or_multi(mp: &MultiPolygon<f64>) -> Geometry {
    let mut parts = multipolygon_rings(mp);
    if parts.len() == 1 {
        Geometry::new_polygon(parts.remove(0))
    } else {
        Geometry::new_multi_polygon(parts)
    }
}

fn multipolygon_rings(mp: &MultiPolygon<f64>) -> Vec<Vec<Vec<[f64; 2]>>> {
    let ring = |r: &LineString<f64>| -> Vec<[f64; 2]> {
        r.0.iter().map(|c| [coord(c.x), coord(c.y)]).collect()
    };
    mp.iter()
        .map(|p| {
            let mut rings = vec![ring(p.exterior())];
            rings.extend(p.interiors().iter().map(ring));
            rings
        })
        .collect()
}

/// `"Feature"`, the GeoJSON type tag.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub enum FeatureTag {
    Feature,
}

/// `"FeatureCollection"`, the GeoJSON type tag.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub enum CollectionTag {
    FeatureCollection,
}

/// The properties of a region's `coverage` or `gap` feature.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegionFeatureProps<'a> {
    pub region_id: u8,
    pub region: &'a str,
    /// `coverage` or `gap`.
    pub layer: &'static str,
    #[schema(value_type = Object)]
    pub stats: &'a RegionStats,
}

/// A region's `coverage` or `gap` MultiPolygon.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegionFeature<'a> {
    #[serde(rename = "type")]
    pub tag: FeatureTag,
    #[schema(value_type = Object)]
    pub geometry: Geometry,
    pub properties: RegionFeatureProps<'a>,
}

impl<'a> RegionFeature<'a> {
    /// `layer`: `coverage` or `gap`.
    pub fn new(rc: &'a RegionCoverage, layer: &'static str) -> Self {
        let geom = if layer == "gap" {
            &rc.gap_lonlat
        } else {
            &rc.covered_lonlat
        };
        Self {
            tag: FeatureTag::Feature,
            geometry: multipolygon(geom),
            properties: RegionFeatureProps {
                region_id: rc.region_id,
                region: &rc.stats.name,
                layer,
                stats: &rc.stats,
            },
        }
    }
}

/// `GET /api/v1/coverage`: GeoJSON, per region a `coverage` and a `gap` feature.
#[derive(Debug, Serialize, ToSchema)]
pub struct CoverageAnswer<'a> {
    #[serde(rename = "type")]
    pub tag: CollectionTag,
    pub features: Vec<RegionFeature<'a>>,
    #[serde(flatten)]
    pub layer: LayerInfo,
}

impl<'a> CoverageAnswer<'a> {
    pub fn new(snap: &Snapshot, r: &'a CoverageResult) -> Self {
        Self {
            tag: CollectionTag::FeatureCollection,
            features: r
                .regions
                .iter()
                .flat_map(|rc| {
                    [
                        RegionFeature::new(rc, "coverage"),
                        RegionFeature::new(rc, "gap"),
                    ]
                })
                .collect(),
            layer: LayerInfo::of(r, snap),
        }
    }
}

/// A town beyond the radius, as a GeoJSON point.
#[derive(Debug, Serialize, ToSchema)]
pub struct TownFeature {
    #[serde(rename = "type")]
    pub tag: FeatureTag,
    #[schema(value_type = Object)]
    pub geometry: Geometry,
    #[schema(value_type = Object)]
    pub properties: UncoveredTown,
}

/// `GET /api/v1/uncovered_towns`: every town beyond the radius (GeoJSON points), region by
/// region, farthest first within each.
#[derive(Debug, Serialize, ToSchema)]
pub struct UncoveredTownsAnswer {
    #[serde(rename = "type")]
    pub tag: CollectionTag,
    pub features: Vec<TownFeature>,
    #[serde(flatten)]
    pub layer: LayerInfo,
}

impl UncoveredTownsAnswer {
    pub fn new(snap: &Snapshot, r: &CoverageResult) -> Self {
        let features = r
            .regions
            .iter()
            .flat_map(|rc| rc.uncovered_towns.iter())
            .map(|g| {
                let t = UncoveredTown::new(&snap.dataset, g);
                TownFeature {
                    tag: FeatureTag::Feature,
                    geometry: Geometry::new_point([t.lon, t.lat]),
                    properties: t,
                }
            })
            .collect();
        Self {
            tag: CollectionTag::FeatureCollection,
            features,
            layer: LayerInfo::of(r, snap),
        }
    }
}

/// One region before and after a scenario.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScenarioRegion<'a> {
    pub id: u8,
    pub name: &'a str,
    pub changed: bool,
    #[schema(value_type = Object)]
    pub before: &'a RegionStats,
    #[schema(value_type = Object)]
    pub after: &'a RegionStats,
}

/// The prefecture before and after.
#[derive(Debug, Serialize, ToSchema)]
pub struct BeforeAfter<'a> {
    #[schema(value_type = Object)]
    pub before: &'a RegionStats,
    #[schema(value_type = Object)]
    pub after: &'a RegionStats,
}

/// The changed regions' gaps after the scenario (GeoJSON).
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangedGaps<'a> {
    #[serde(rename = "type")]
    pub tag: CollectionTag,
    pub features: Vec<RegionFeature<'a>>,
}

/// `POST /api/v1/scenarios`: per-region stats before and after, and the changed gap polygons.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScenarioAnswer<'a> {
    pub regions: Vec<ScenarioRegion<'a>>,
    pub total: BeforeAfter<'a>,
    pub changed_gaps: ChangedGaps<'a>,
    pub not_in_layer: &'a [String],
    #[serde(flatten)]
    pub layer: LayerInfo,
}

/// The API code of a scenario's error.
pub fn scenario_error_code(e: &ScenarioError) -> &'static str {
    match e {
        ScenarioError::OutOfKumamoto(_) => "out_of_kumamoto",
        ScenarioError::UnknownProvider(_) => "unknown_provider",
        ScenarioError::KindMismatch(_) => "kind_mismatch",
        ScenarioError::TooLarge => "too_large",
    }
}

/// Runs a scenario on a base layer; the answer borrows the base and `out`.
pub fn scenario_outcome(
    snap: &Snapshot,
    base: &CoverageResult,
    scenario: &Scenario,
) -> Result<crate::coverage::ScenarioOutcome, ScenarioError> {
    scenario.apply(&snap.dataset, &snap.coverage.frames, base)
}

impl<'a> ScenarioAnswer<'a> {
    pub fn new(
        snap: &Snapshot,
        base: &'a CoverageResult,
        out: &'a crate::coverage::ScenarioOutcome,
    ) -> Self {
        Self {
            regions: base
                .regions
                .iter()
                .zip(&out.after.regions)
                .map(|(b, a)| ScenarioRegion {
                    id: b.region_id,
                    name: &b.stats.name,
                    changed: out.changed.contains(&b.region_id),
                    before: &b.stats,
                    after: &a.stats,
                })
                .collect(),
            total: BeforeAfter {
                before: &base.total,
                after: &out.after.total,
            },
            changed_gaps: ChangedGaps {
                tag: CollectionTag::FeatureCollection,
                features: out
                    .after
                    .regions
                    .iter()
                    .filter(|rc| out.changed.contains(&rc.region_id))
                    .map(|rc| RegionFeature::new(rc, "gap"))
                    .collect(),
            },
            not_in_layer: &out.not_in_layer,
            layer: LayerInfo::of(base, snap),
        }
    }
}

/// Why no sites were suggested.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SuggestError {
    #[error("region {0} missing from the frames")]
    NoRegion(u8),
    #[error("a suggested site was rejected: {0}")]
    Rejected(String),
}

/// Up to `n` sites for region `id` that would cover the most of what `base` leaves uncovered.
pub fn suggest(
    snap: &Snapshot,
    base: &CoverageResult,
    id: u8,
    n: usize,
) -> Result<SuggestAnswer, SuggestError> {
    let suggestion =
        crate::coverage::suggest_sites(&snap.dataset, &snap.coverage.frames, base, id, n)
            .ok_or(SuggestError::NoRegion(id))?
            .map_err(|e| SuggestError::Rejected(e.to_string()))?;
    Ok(SuggestAnswer {
        suggestion,
        layer: LayerInfo::of(base, snap),
    })
}

/// `GET /api/v1/suggest`: greedy best sites for one region.
#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestAnswer {
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub suggestion: Suggestion,
    #[serde(flatten)]
    pub layer: LayerInfo,
}
