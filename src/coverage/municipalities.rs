//! Coverage per municipality (市町村, the 45 units that run home-care policy; 熊本市 also by its
//! five wards): the same figures as a region's, cut by the municipality polygons.
//!
//! # Method
//! - **Covered** area = municipality polygon ∩ the layer's union of service areas (the union's
//!   parts near the municipality, as for regions); **gap** = area − covered. Areas are planar
//!   zone II km², like the regions'; the municipalities of a region add up to the region.
//! - **Towns** are counted by their municipality code (wards fold into 熊本市); a town is
//!   uncovered when it is farther than the radius from every chosen provider.
//! - **Providers** are counted where their point lies: the municipality polygon containing it,
//!   else (a point just off the simplified coast) the nearest municipality of its region.
//! - **People**: `population`, `population_65_plus`, `children_0_14` are the 2020 census by
//!   municipality (all 45), or its IPSS projection for a later `year`; `cells` holds the people
//!   of the 500 m cells (measured and estimated, [`super::people`]) and those beyond reach,
//!   with the share that is estimated.
//! - **Wards** have no polygons in the data: they carry census figures, towns and providers
//!   (by the 区 in the provider's address), no areas.

use super::compute::parts_near;
use super::people::{municipality_sums, GROUPS};
use super::stats::{pct, provider_counts, round2, towns_beyond, PopulationStats, TownGap};
use super::{CoverageResult, Frames, Population, Site};
use crate::data::{project_multipolygon, Dataset, MunicipalPopulation};
use crate::geom::Xy;
use geo::{Area, BooleanOps, BoundingRect, Contains, Distance, Euclidean};
use geo_types::{Coord, MultiPolygon, Point, Rect};
use serde::Serialize;
use std::collections::BTreeMap;

/// One municipality prepared for coverage, once per dataset.
#[derive(Debug, Clone)]
pub struct MunicipalityFrame {
    /// Position in [`Dataset::municipalities`].
    pub index: usize,
    pub region_id: u8,
    /// Zone II metres.
    pub projected: MultiPolygon<f64>,
    pub bbox: Rect<f64>,
    /// Planar zone II area, km².
    pub area_km2: f64,
    /// Positions in [`Dataset::towns`].
    pub towns: Vec<usize>,
    /// (position in [`Population::cells`], share of the cell's area × its alloc factor).
    pub cells: Vec<(usize, f64)>,
    /// Share (0–1) of the municipality's area inside the population files' extent.
    pub population_data_share: f64,
}

impl MunicipalityFrame {
    /// Frames for every municipality of `ds`, in its order; `extent` is the population files'
    /// ([`super::regions::data_extent`]).
    pub fn build_all(
        ds: &Dataset,
        pop: &Population,
        extent: &MultiPolygon<f64>,
    ) -> Vec<MunicipalityFrame> {
        ds.municipalities
            .iter()
            .enumerate()
            .map(|(index, m)| {
                let projected = project_multipolygon(&m.geometry, &ds.projection);
                let bbox = projected
                    .bounding_rect()
                    .unwrap_or(Rect::new(Coord::zero(), Coord::zero()));
                let area_km2 = projected.unsigned_area() / 1e6;
                let towns = ds
                    .towns
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| t.municipality_code() == m.jis_code)
                    .map(|(i, _)| i)
                    .collect();
                let cells = pop
                    .cells
                    .iter()
                    .enumerate()
                    .filter_map(|(i, c)| {
                        let (_, share) = c.muni_shares.iter().find(|(mi, _)| *mi == index)?;
                        (*share > 0.0).then_some((i, share * c.alloc_factor))
                    })
                    .collect();
                MunicipalityFrame {
                    index,
                    region_id: m.region_id,
                    population_data_share: super::regions::data_share(&projected, area_km2, extent),
                    projected,
                    bbox,
                    area_km2,
                    towns,
                    cells,
                }
            })
            .collect()
    }
}

/// Position in `frames` of the municipality holding the zone II point `xy` of region
/// `region_id`: the polygon containing it, else the nearest one of that region.
fn locate(frames: &[MunicipalityFrame], xy: Xy, region_id: u8) -> Option<usize> {
    let p = Point::new(xy.x, xy.y);
    let inside = frames
        .iter()
        .position(|f| f.bbox.contains(&p) && f.projected.contains(&p));
    inside.or_else(|| {
        frames
            .iter()
            .enumerate()
            .filter(|(_, f)| f.region_id == region_id)
            .map(|(i, f)| (i, Euclidean.distance(&p, &f.projected)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| i)
    })
}

/// A town beyond the radius, for the single-municipality answer and the GeoJSON download.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UncoveredTown {
    /// City + town, e.g. 球磨郡水上村大字江代.
    pub name: String,
    pub city: String,
    pub town: String,
    /// 5-digit code as in addresses (熊本市's wards 43101–43105).
    pub jis_code: String,
    pub region_id: u8,
    pub lat: f64,
    pub lon: f64,
    /// Geodesic km to the nearest chosen provider, m precision; null without any.
    pub distance_km: Option<f64>,
}

impl UncoveredTown {
    pub fn new(ds: &Dataset, gap: &TownGap) -> Self {
        let t = &ds.towns[gap.town];
        UncoveredTown {
            name: format!("{}{}", t.city, t.name),
            city: t.city.clone(),
            town: t.name.clone(),
            jis_code: t.jis_code.clone(),
            region_id: t.region_id,
            lat: t.location.lat(),
            lon: t.location.lon(),
            distance_km: gap
                .distance_m
                .is_finite()
                .then(|| gap.distance_m.round() / 1000.0),
        }
    }
}

/// The figures of a municipality or ward by municipality: the 2020 census, or the IPSS 2023
/// projection for a later year.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CensusFigures {
    /// Residents; null without the municipal table.
    pub population: Option<u32>,
    /// Residents aged 65 and over; null without the table or its 65+ column.
    pub population_65_plus: Option<u32>,
    /// Children aged 0–14.
    pub children_0_14: Option<u32>,
}

impl CensusFigures {
    /// The row's census figures, or its projection for `year` (null when it has none).
    fn of(row: Option<&MunicipalPopulation>, year: u16) -> Self {
        let Some(p) = row else {
            return Self::default();
        };
        if year == crate::data::CENSUS_YEAR {
            return CensusFigures {
                population: Some(p.pop_total),
                population_65_plus: p.pop_65_plus,
                children_0_14: Some(p.pop_0_14),
            };
        }
        let proj = p.projected(year);
        CensusFigures {
            population: proj.map(|q| q.pop_total),
            population_65_plus: proj.map(|q| q.pop_65_plus),
            children_0_14: proj.map(|q| q.pop_0_14),
        }
    }
}

/// Coverage figures of one municipality under one layer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MunicipalityStats {
    pub jis_code: String,
    pub name: String,
    pub region_id: u8,
    /// The medical region's name.
    pub region: String,
    #[serde(serialize_with = "round2")]
    pub area_km2: f64,
    #[serde(serialize_with = "round2")]
    pub covered_km2: f64,
    #[serde(serialize_with = "round2")]
    pub gap_km2: f64,
    #[serde(serialize_with = "round2")]
    pub covered_pct: f64,
    /// Chosen providers located in the municipality, by kind (kinds of the filter only).
    pub providers: BTreeMap<&'static str, usize>,
    pub providers_total: usize,
    pub towns_total: usize,
    pub towns_uncovered: usize,
    /// `towns_uncovered / towns_total`, 0–1 (0 without towns).
    pub towns_uncovered_share: f64,
    #[serde(flatten)]
    pub census: CensusFigures,
    /// People in the 500 m cells and those beyond the radius (counts null where the
    /// municipality has no cells; `population_data_share` says how much of it they describe).
    pub cells: PopulationStats,
    /// The wards (区) of a designated city; empty otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub wards: Vec<WardStats>,
    /// Towns beyond the radius, farthest first (kept for the single answer and downloads).
    #[serde(skip)]
    pub uncovered: Vec<TownGap>,
}

/// A ward of a designated city: census figures, towns and providers (no polygon in the data).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WardStats {
    pub jis_code: String,
    pub name: String,
    #[serde(flatten)]
    pub census: CensusFigures,
    pub providers: BTreeMap<&'static str, usize>,
    pub providers_total: usize,
    pub towns_total: usize,
    pub towns_uncovered: usize,
}

/// Every municipality's figures under layer `r`, in the municipality layer's order, people
/// in the census year.
pub fn municipality_stats(
    ds: &Dataset,
    all: &Frames,
    r: &CoverageResult,
) -> Vec<MunicipalityStats> {
    let frames = &all.municipalities;
    let year = all.demography.base_year();
    let radius = r.params.radius_m();
    let kinds = r.params.kinds();
    let mut sites_of: Vec<Vec<&Site>> = vec![Vec::new(); frames.len()];
    for s in &r.sites.sites {
        let xy = ds.projection.forward(s.location);
        if let Some(i) = locate(frames, xy, s.region_id) {
            sites_of[i].push(s);
        }
    }
    frames
        .iter()
        .zip(sites_of)
        .map(|(f, sites)| {
            let m = &ds.municipalities[f.index];
            let covered_km2 = f
                .projected
                .intersection(&parts_near(&r.union, &f.bbox))
                .unsigned_area()
                / 1e6;
            let uncovered = towns_beyond(&f.towns, &r.town_dist, radius);
            let (providers, providers_total) = provider_counts(sites.iter().copied(), kinds);
            let census = CensusFigures::of(
                ds.municipal_population
                    .iter()
                    .find(|p| p.jis_code == m.jis_code),
                year,
            );
            let wards = ds
                .ward_population
                .iter()
                .filter(|w| crate::data::municipality_code(&w.jis_code) == m.jis_code)
                .map(|w| ward_stats(ds, f, w, &sites, &uncovered, kinds))
                .collect();
            let towns_total = f.towns.len();
            MunicipalityStats {
                jis_code: m.jis_code.clone(),
                name: m.name.clone(),
                region_id: m.region_id,
                region: ds
                    .region(m.region_id)
                    .map(|g| g.name.clone())
                    .unwrap_or_default(),
                area_km2: f.area_km2,
                covered_km2,
                gap_km2: (f.area_km2 - covered_km2).max(0.0),
                covered_pct: pct(covered_km2, f.area_km2),
                providers,
                providers_total,
                towns_total,
                towns_uncovered: uncovered.len(),
                towns_uncovered_share: if towns_total > 0 {
                    ((uncovered.len() as f64 / towns_total as f64) * 1000.0).round() / 1000.0
                } else {
                    0.0
                },
                census,
                cells: cell_people(f, all, &r.cell_covered, year),
                wards,
                uncovered,
            }
        })
        .collect()
}

fn ward_stats(
    ds: &Dataset,
    f: &MunicipalityFrame,
    w: &MunicipalPopulation,
    sites: &[&Site],
    uncovered: &[TownGap],
    kinds: crate::data::KindSet,
) -> WardStats {
    let in_ward = |t: usize| ds.towns[t].jis_code == w.jis_code;
    let (providers, providers_total) = provider_counts(
        sites.iter().copied().filter(|s| {
            s.provider
                .is_some_and(|p| ds.providers[p].city.starts_with(&w.name))
        }),
        kinds,
    );
    WardStats {
        jis_code: w.jis_code.clone(),
        name: w.name.clone(),
        census: CensusFigures::of(Some(w), crate::data::CENSUS_YEAR),
        providers,
        providers_total,
        towns_total: f.towns.iter().filter(|t| in_ward(**t)).count(),
        towns_uncovered: uncovered.iter().filter(|g| in_ward(g.town)).count(),
    }
}

/// People in the municipality's cells and those beyond the radius, in `year` (see the module
/// doc); counts null without cells.
fn cell_people(
    f: &MunicipalityFrame,
    all: &Frames,
    covered: &[bool],
    year: u16,
) -> PopulationStats {
    let factors = all
        .demography
        .factors(year)
        .and_then(|fs| fs.get(f.index).copied())
        .unwrap_or([1.0; GROUPS]);
    let sums = municipality_sums(&f.cells, &all.population, covered, &factors);
    PopulationStats::from_sums(&sums, f.population_data_share)
}

/// The municipalities' figures of the census year `stats` (same order as the frames) with
/// their people in `year` instead: the table's projection and the cells scaled by it.
pub fn municipalities_in_year(
    ds: &Dataset,
    all: &Frames,
    r: &CoverageResult,
    stats: &[MunicipalityStats],
    year: u16,
) -> Vec<MunicipalityStats> {
    stats
        .iter()
        .zip(&all.municipalities)
        .map(|(s, f)| {
            let row = ds
                .municipal_population
                .iter()
                .find(|p| p.jis_code == s.jis_code);
            let mut s = s.clone();
            s.census = CensusFigures::of(row, year);
            s.cells = cell_people(f, all, &r.cell_covered, year);
            for w in &mut s.wards {
                let row = ds.ward_population.iter().find(|p| p.jis_code == w.jis_code);
                w.census = CensusFigures::of(row, year);
            }
            s
        })
        .collect()
}
