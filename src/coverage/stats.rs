//! [`RegionStats`]: the figures a planner reads per region, and the prefecture total.

use super::people::{municipality_sums, PeopleSums, GROUPS};
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

/// People in an area from the 500 m cells, measured and estimated (see [`super::people`] for
/// the method and the years). Counts are `null` where the area has no cells (no population
/// files, or no municipal table to estimate from).
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
    /// Share (0–1) of the area that the census cells describe (the rest is estimated).
    #[serde(serialize_with = "round3")]
    pub population_data_share: f64,
    #[serde(serialize_with = "round0_opt")]
    pub population_0_14: Option<f64>,
    #[serde(serialize_with = "round0_opt")]
    pub population_65_plus: Option<f64>,
    /// 75+; in a projected year it follows each municipality's 65+ change.
    #[serde(serialize_with = "round0_opt")]
    pub population_75_plus: Option<f64>,
    /// Share (0–1) of `population` living in estimated cells (0: all measured).
    #[serde(serialize_with = "round3_opt")]
    pub estimated_share: Option<f64>,
}

impl PopulationStats {
    /// The figures of summed cells; counts null when no cell contributed.
    pub fn from_sums(s: &PeopleSums, population_data_share: f64) -> Self {
        use super::people::{AGE_0_14, AGE_65_PLUS, AGE_75_PLUS, TOTAL};
        let v = |x: f64| s.any_cell.then_some(x);
        PopulationStats {
            population: v(s.all[TOTAL]),
            uncovered_population: v(s.uncovered[TOTAL]),
            uncovered_65_plus: v(s.uncovered[AGE_65_PLUS]),
            uncovered_75_plus: v(s.uncovered[AGE_75_PLUS]),
            uncovered_0_14: v(s.uncovered[AGE_0_14]),
            population_data_share,
            population_0_14: v(s.all[AGE_0_14]),
            population_65_plus: v(s.all[AGE_65_PLUS]),
            population_75_plus: v(s.all[AGE_75_PLUS]),
            estimated_share: v(s.estimated_share()),
        }
    }
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

/// The people of region `fi` in a year (`factors`: per municipality position): the sum of its
/// municipalities' cells.
pub fn region_people(
    frames: &super::Frames,
    fi: usize,
    cell_covered: &[bool],
    factors: &[[f64; GROUPS]],
) -> PopulationStats {
    let frame = &frames.regions[fi];
    let mut sums = PeopleSums::default();
    for m in frames
        .municipalities
        .iter()
        .filter(|m| m.region_id == frame.id)
    {
        let f = factors.get(m.index).copied().unwrap_or([1.0; GROUPS]);
        sums.add(&municipality_sums(
            &m.cells,
            &frames.population,
            cell_covered,
            &f,
        ));
    }
    PopulationStats::from_sums(&sums, frame.population_data_share)
}

/// The stats of one region from its covered and gap areas (km²) and the point facts, people
/// in the census year. Returns the uncovered towns too, farthest first.
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
    let base = frames.demography.base_year();
    let people = region_people(
        frames,
        fi,
        facts.cell_covered,
        frames.demography.factors(base).unwrap_or_default(),
    );
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

/// A town's display name and distance.
pub fn worst_town(ds: &Dataset, town: usize, distance_m: f64) -> WorstTown {
    let t = &ds.towns[town];
    WorstTown {
        name: format!("{}{}", t.city, t.name),
        distance_km: distance_m.is_finite().then_some(distance_m / 1000.0),
    }
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
        people: total_people(rows.iter().map(|r| (&r.people, r.area_km2))),
    }
}

/// The people of several areas together (each with its km², to weight the data share).
pub fn total_people<'a>(
    parts: impl Iterator<Item = (&'a PopulationStats, f64)> + Clone,
) -> PopulationStats {
    let opt_sum = |f: fn(&PopulationStats) -> Option<f64>| -> Option<f64> {
        let v: Vec<f64> = parts.clone().filter_map(|(p, _)| f(p)).collect();
        (!v.is_empty()).then(|| v.iter().sum())
    };
    let area: f64 = parts.clone().map(|(_, a)| a).sum();
    let population = opt_sum(|p| p.population);
    let estimated = opt_sum(|p| Some(p.population? * p.estimated_share?));
    PopulationStats {
        population,
        uncovered_population: opt_sum(|p| p.uncovered_population),
        uncovered_65_plus: opt_sum(|p| p.uncovered_65_plus),
        uncovered_75_plus: opt_sum(|p| p.uncovered_75_plus),
        uncovered_0_14: opt_sum(|p| p.uncovered_0_14),
        population_data_share: if area > 0.0 {
            parts
                .clone()
                .map(|(p, a)| p.population_data_share * a)
                .sum::<f64>()
                / area
        } else {
            0.0
        },
        population_0_14: opt_sum(|p| p.population_0_14),
        population_65_plus: opt_sum(|p| p.population_65_plus),
        population_75_plus: opt_sum(|p| p.population_75_plus),
        estimated_share: match (population, estimated) {
            (Some(p), Some(e)) if p > 0.0 => Some((e / p).clamp(0.0, 1.0)),
            (Some(_), Some(_)) => Some(0.0),
            _ => None,
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
