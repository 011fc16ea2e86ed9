//! The accessibility index answer (`GET /api/v1/access`): E2SFCA providers per 10 000 people
//! aged 65+ for a layer and a year, per region, municipality and, on request, per 500 m cell
//! and per town. The computation is [`crate::coverage::AccessFigures`].

use super::planner::{round3, LayerInfo, PeopleYear};
use super::Snapshot;
use crate::coverage::{AccessFigures, AreaAccess, CellSource, CoverageResult, PER_10K_PEOPLE};
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;

/// How the index is defined (so that a reader can check it).
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessMethod {
    pub method: &'static str,
    pub demand: &'static str,
    pub supply: &'static str,
    pub catchment_km: f64,
    /// Distance zones, km: [from, to) except the last, which includes its end.
    pub zones_km: Vec<[f64; 2]>,
    pub zone_weights: Vec<f64>,
    /// The index is providers per this many people 65+.
    pub per_people_65_plus: f64,
    pub area_mean: &'static str,
}

impl AccessMethod {
    fn new() -> Self {
        let zones = crate::coverage::Zones::luo_qi_16km();
        let mut from = 0.0;
        let mut zones_km = Vec::new();
        for e in zones.edges_m() {
            zones_km.push([from / 1000.0, e / 1000.0]);
            from = *e;
        }
        Self {
            method: "E2SFCA, enhanced two-step floating catchment area (Luo & Qi 2009)",
            demand: "65+ people of each 500 m cell (census, or estimated where the census has no cells; projected for later years), at the cell centre",
            supply: "1 per provider of the layer",
            catchment_km: zones.catchment_m() / 1000.0,
            zones_km,
            zone_weights: zones.weights().to_vec(),
            per_people_65_plus: PER_10K_PEOPLE,
            area_mean: "mean of the area's cell indices weighted by their 65+ people",
        }
    }
}

/// One area's index.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AreaIndex {
    /// Providers per 10 000 people 65+ (null without people).
    pub access_index: Option<f64>,
    /// 65+ people in the year (the weights of the mean).
    pub population_65_plus: f64,
}

impl From<&AreaAccess> for AreaIndex {
    fn from(a: &AreaAccess) -> Self {
        Self {
            access_index: a.index.map(round3),
            population_65_plus: a.population_65_plus.round(),
        }
    }
}

/// A region's index.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegionIndex {
    pub id: u8,
    pub name: String,
    #[serde(flatten)]
    pub index: AreaIndex,
}

/// A municipality's index.
#[derive(Debug, Serialize, ToSchema)]
pub struct MunicipalityIndex {
    pub jis_code: String,
    pub name: String,
    pub region_id: u8,
    #[serde(flatten)]
    pub index: AreaIndex,
}

/// One 500 m cell (its pieces in several municipalities merged).
#[derive(Debug, Serialize, ToSchema)]
pub struct CellIndex {
    pub mesh_code: String,
    pub lon: f64,
    pub lat: f64,
    pub population_65_plus: f64,
    pub access_index: f64,
    /// `measured` (census cell) or `estimated`.
    pub source: &'static str,
}

/// A town's index, computed at its point.
#[derive(Debug, Serialize, ToSchema)]
pub struct TownIndex {
    pub name: String,
    pub jis_code: String,
    pub lon: f64,
    pub lat: f64,
    pub access_index: f64,
}

/// `GET /api/v1/access`.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessAnswer {
    pub method: AccessMethod,
    pub total: AreaIndex,
    pub regions: Vec<RegionIndex>,
    pub municipalities: Vec<MunicipalityIndex>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cells: Option<Vec<CellIndex>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub towns: Option<Vec<TownIndex>>,
    #[serde(flatten)]
    pub people: PeopleYear,
    #[serde(flatten)]
    pub layer: LayerInfo,
}

/// What to list besides the areas.
#[derive(Debug, Clone, Copy, Default)]
pub struct AccessDetail {
    pub cells: bool,
    pub towns: bool,
}

/// `source` of a cell.
pub fn source_name(s: CellSource) -> &'static str {
    match s {
        CellSource::Measured => "measured",
        CellSource::Estimated => "estimated",
    }
}

impl AccessAnswer {
    pub fn new(snap: &Snapshot, r: &CoverageResult, year: u16, detail: AccessDetail) -> Self {
        let ds = &snap.dataset;
        let frames = &snap.coverage.frames;
        let a = r.access(ds, frames, year);
        Self {
            method: AccessMethod::new(),
            total: (&a.total).into(),
            regions: frames
                .regions
                .iter()
                .zip(&a.regions)
                .map(|(f, x)| RegionIndex {
                    id: f.id,
                    name: f.name.clone(),
                    index: x.into(),
                })
                .collect(),
            municipalities: ds
                .municipalities
                .iter()
                .zip(&a.municipalities)
                .map(|(m, x)| MunicipalityIndex {
                    jis_code: m.jis_code.clone(),
                    name: m.name.clone(),
                    region_id: m.region_id,
                    index: x.into(),
                })
                .collect(),
            cells: detail.cells.then(|| cells(snap, &a)),
            towns: detail.towns.then(|| {
                ds.towns
                    .iter()
                    .map(|t| TownIndex {
                        name: format!("{}{}", t.city, t.name),
                        jis_code: t.jis_code.clone(),
                        lon: t.location.lon(),
                        lat: t.location.lat(),
                        access_index: round3(a.at(t.location, &ds.projection)),
                    })
                    .collect()
            }),
            people: PeopleYear::of(snap, year),
            layer: LayerInfo::of(r, snap),
        }
    }
}

/// Every cell with people, pieces of one square merged (same centre, so the same index).
pub fn cells(snap: &Snapshot, a: &AccessFigures) -> Vec<CellIndex> {
    let pop = &snap.coverage.frames.population;
    let mut out: Vec<CellIndex> = Vec::new();
    let mut at: HashMap<&str, usize> = HashMap::new();
    for (i, c) in pop.cells.iter().enumerate() {
        let p = a.cell_demand[i];
        if let Some(&k) = at.get(c.mesh_code.as_str()) {
            out[k].population_65_plus += p;
            continue;
        }
        at.insert(&c.mesh_code, out.len());
        out.push(CellIndex {
            mesh_code: c.mesh_code.clone(),
            lon: c.center.lon(),
            lat: c.center.lat(),
            population_65_plus: p,
            access_index: round3(a.cell_index(i)),
            source: source_name(c.source),
        });
    }
    for c in &mut out {
        c.population_65_plus = (c.population_65_plus * 10.0).round() / 10.0;
    }
    out
}
