//! [`RegionStats`]: the figures a planner reads per region, and the prefecture total.

use super::{CoverageParams, SiteSet};
use crate::data::{Dataset, KindSet};
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;

/// The town farthest from any chosen provider.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorstTown {
    /// City + town, e.g. 球磨郡水上村大字江代.
    pub name: String,
    /// Geodesic distance to the nearest chosen provider, km (`null` when there is none).
    #[serde(serialize_with = "round3_opt")]
    pub distance_km: Option<f64>,
}

/// An uncovered town with its distance to the nearest chosen provider.
#[derive(Debug, Clone, PartialEq)]
pub struct TownGap {
    /// Position in [`Dataset::towns`].
    pub town: usize,
    /// Metres; infinite when no provider is chosen at all.
    pub distance_m: f64,
}

/// People in a region from the 500 m census grid (see [`super::Population`] for the method).
/// Counts are `null` where the region has no cells; `population_data_share` says how much of
/// the region's area the cells cover, so a partial figure is never read as complete.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PopulationStats {
    #[serde(serialize_with = "round0_opt")]
    pub population: Option<f64>,
    #[serde(serialize_with = "round0_opt")]
    pub uncovered_population: Option<f64>,
    #[serde(serialize_with = "round0_opt")]
    pub uncovered_65_plus: Option<f64>,
    #[serde(serialize_with = "round0_opt")]
    pub uncovered_75_plus: Option<f64>,
    /// Children 0–14 in cells beyond the radius (pediatric planning).
    #[serde(serialize_with = "round0_opt")]
    pub uncovered_0_14: Option<f64>,
    /// Share (0–1) of the region's area that has population cells.
    #[serde(serialize_with = "round3")]
    pub population_data_share: f64,
}

/// Coverage figures of one region (or, with id 0, the whole prefecture).
///
/// # Units
/// Areas are planar areas in Japan Plane Rectangular CS zone II, km² (true to ~0.05 %);
/// `covered_pct` is 0–100.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegionStats {
    /// 1–10; 0 for the prefecture total.
    pub id: u8,
    pub name: String,
    pub name_en: String,
    #[serde(serialize_with = "round2")]
    pub area_km2: f64,
    #[serde(serialize_with = "round2")]
    pub covered_km2: f64,
    #[serde(serialize_with = "round2")]
    pub gap_km2: f64,
    #[serde(serialize_with = "round2")]
    pub covered_pct: f64,
    /// Chosen providers located in the region, by kind (kinds of the filter only).
    pub providers: BTreeMap<&'static str, usize>,
    /// Chosen providers located in the region.
    pub providers_total: usize,
    pub towns_total: usize,
    pub towns_uncovered: usize,
    pub worst_town: Option<WorstTown>,
    #[serde(flatten)]
    pub people: PopulationStats,
    /// Children 0–14 living in the region, 2020 census by municipality (all 45, so complete
    /// where the cells are not); null without the municipal table.
    pub children_0_14: Option<u64>,
}

/// Per-town and per-cell coverage facts the stats are summed from.
pub struct PointFacts<'a> {
    /// Distance (m) from each town of the dataset to the nearest chosen site.
    pub town_dist: &'a [f64],
    /// Whether each population cell's centre is within the radius.
    pub cell_covered: &'a [bool],
}

/// Counts the given sites per kind (kinds of the filter only) and in all.
pub(super) fn provider_counts<'a>(
    sites: impl Iterator<Item = &'a super::Site>,
    kinds: KindSet,
) -> (BTreeMap<&'static str, usize>, usize) {
    let mut by_kind: BTreeMap<&'static str, usize> =
        kinds.iter().map(|k| (k.as_str(), 0)).collect();
    let mut total = 0;
    for s in sites {
        total += 1;
        for k in s.kinds.iter().filter(|k| kinds.contains(*k)) {
            *by_kind.entry(k.as_str()).or_default() += 1;
        }
    }
    (by_kind, total)
}

/// The stats of one region from its covered and gap areas (km²) and the point facts. Returns
/// the uncovered towns too, farthest first.
pub fn region_stats(
    ds: &Dataset,
    frames: &super::Frames,
    fi: usize,
    params: &CoverageParams,
    sites: &SiteSet,
    (covered_km2, gap_km2): (f64, f64),
    facts: &PointFacts,
) -> (RegionStats, Vec<TownGap>) {
    let frame = &frames.regions[fi];
    let cells = &frames.population;
    let r = params.radius_m();
    let gaps = towns_beyond(&frame.towns, facts.town_dist, r);
    let worst = frame
        .towns
        .iter()
        .max_by(|a, b| {
            facts.town_dist[**a]
                .total_cmp(&facts.town_dist[**b])
                .then(b.cmp(a))
        })
        .map(|t| worst_town(ds, *t, facts.town_dist[*t]));
    let people = if frame.cells.is_empty() {
        PopulationStats::default()
    } else {
        cell_people(
            &frame.cells,
            cells,
            facts.cell_covered,
            frame.population_data_share,
        )
    };
    let (providers, providers_total) = provider_counts(
        sites.sites.iter().filter(|s| s.region_id == frame.id),
        params.kinds(),
    );
    let stats = RegionStats {
        id: frame.id,
        name: frame.name.clone(),
        name_en: frame.name_en.clone(),
        area_km2: frame.area_km2,
        covered_km2,
        gap_km2,
        covered_pct: pct(covered_km2, frame.area_km2),
        providers,
        providers_total,
        towns_total: frame.towns.len(),
        towns_uncovered: gaps.len(),
        worst_town: worst,
        people,
        children_0_14: children_0_14(ds, frame.id),
    };
    (stats, gaps)
}

/// The towns (positions in the dataset) farther than `r` metres from every chosen site,
/// farthest first.
pub(super) fn towns_beyond(towns: &[usize], town_dist: &[f64], r: f64) -> Vec<TownGap> {
    let mut gaps: Vec<TownGap> = towns
        .iter()
        .filter(|t| town_dist[**t] > r)
        .map(|t| TownGap {
            town: *t,
            distance_m: town_dist[*t],
        })
        .collect();
    gaps.sort_by(|a, b| {
        b.distance_m
            .total_cmp(&a.distance_m)
            .then(a.town.cmp(&b.town))
    });
    gaps
}

/// People in weighted cells (position, weight) and those whose cell centre is beyond reach.
pub(super) fn cell_people(
    cells: &[(usize, f64)],
    pop: &super::Population,
    covered: &[bool],
    population_data_share: f64,
) -> PopulationStats {
    let (mut all, mut u, mut u65, mut u75, mut u0) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for (i, w) in cells {
        let c = &pop.cells[*i];
        all += c.pop_total * w;
        if !covered[*i] {
            u += c.pop_total * w;
            u65 += c.pop_65_plus * w;
            u75 += c.pop_75_plus * w;
            u0 += c.pop_0_14 * w;
        }
    }
    PopulationStats {
        population: Some(all),
        uncovered_population: Some(u),
        uncovered_65_plus: Some(u65),
        uncovered_75_plus: Some(u75),
        uncovered_0_14: Some(u0),
        population_data_share,
    }
}

/// A town's display name and distance.
pub fn worst_town(ds: &Dataset, town: usize, distance_m: f64) -> WorstTown {
    let t = &ds.towns[town];
    WorstTown {
        name: format!("{}{}", t.city, t.name),
        distance_km: distance_m.is_finite().then_some(distance_m / 1000.0),
    }
}

/// Children 0–14 of the region's municipalities (census 2020), `None` without the table.
fn children_0_14(ds: &Dataset, region_id: u8) -> Option<u64> {
    (!ds.municipal_population.is_empty()).then(|| {
        ds.municipal_population
            .iter()
            .filter(|m| m.region_id == region_id)
            .map(|m| u64::from(m.pop_0_14))
            .sum()
    })
}

/// The prefecture row: sums of the regions (people where known), the worst town overall.
pub fn total(rows: &[RegionStats]) -> RegionStats {
    let sum = |f: fn(&RegionStats) -> f64| rows.iter().map(f).sum::<f64>();
    let area = sum(|r| r.area_km2);
    let covered = sum(|r| r.covered_km2);
    let mut providers: BTreeMap<&'static str, usize> = BTreeMap::new();
    for r in rows {
        for (k, n) in &r.providers {
            *providers.entry(k).or_default() += n;
        }
    }
    let opt_sum = |f: fn(&PopulationStats) -> Option<f64>| -> Option<f64> {
        let v: Vec<f64> = rows.iter().filter_map(|r| f(&r.people)).collect();
        (!v.is_empty()).then(|| v.iter().sum())
    };
    let worst = rows
        .iter()
        .filter_map(|r| r.worst_town.as_ref())
        .max_by(|a, b| {
            a.distance_km
                .unwrap_or(f64::INFINITY)
                .total_cmp(&b.distance_km.unwrap_or(f64::INFINITY))
        })
        .cloned();
    RegionStats {
        id: 0,
        name: "熊本県".into(),
        name_en: "Kumamoto Prefecture".into(),
        area_km2: area,
        covered_km2: covered,
        gap_km2: sum(|r| r.gap_km2),
        covered_pct: pct(covered, area),
        providers,
        providers_total: rows.iter().map(|r| r.providers_total).sum(),
        towns_total: rows.iter().map(|r| r.towns_total).sum(),
        towns_uncovered: rows.iter().map(|r| r.towns_uncovered).sum(),
        worst_town: worst,
        children_0_14: rows.iter().map(|r| r.children_0_14).sum::<Option<u64>>(),
        people: PopulationStats {
            population: opt_sum(|p| p.population),
            uncovered_population: opt_sum(|p| p.uncovered_population),
            uncovered_65_plus: opt_sum(|p| p.uncovered_65_plus),
            uncovered_75_plus: opt_sum(|p| p.uncovered_75_plus),
            uncovered_0_14: opt_sum(|p| p.uncovered_0_14),
            population_data_share: if area > 0.0 {
                sum(|r| r.people.population_data_share * r.area_km2) / area
            } else {
                0.0
            },
        },
    }
}

pub(super) fn pct(part: f64, whole: f64) -> f64 {
    if whole > 0.0 {
        (100.0 * part / whole).clamp(0.0, 100.0)
    } else {
        0.0
    }
}

fn round_to(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

pub(super) fn round2<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(round_to(*x, 2))
}

pub(super) fn round3<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(round_to(*x, 3))
}

fn round3_opt<S: Serializer>(x: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match x {
        Some(v) => s.serialize_f64(round_to(*v, 3)),
        None => s.serialize_none(),
    }
}

fn round0_opt<S: Serializer>(x: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match x {
        Some(v) => s.serialize_f64(v.round()),
        None => s.serialize_none(),
    }
}
