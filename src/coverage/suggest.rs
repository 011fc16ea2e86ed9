//! Site suggestion: where one region would gain most from new providers.
//!
//! # Method
//! Greedy maximum coverage (Nemhauser, Wolsey & Fisher 1978: within 1 − 1/e of the optimum):
//! candidates are the region's town points; each round picks the candidate that newly covers
//! the most of what is still uncovered, then marks it covered. The objective is the uncovered
//! 65+ population of the region's 500 m cells (census cells, and estimated ones where the
//! census has none; a cell counts when its centre is within r), or the number of uncovered
//! towns when the region has no cells at all (data without population files).

use super::scenario::AddedSite;
use super::{CoverageResult, Frames, RegionStats, Scenario, ScenarioError};
use crate::data::Dataset;
use crate::geom::{geodesic_distance_m, LonLat, SCALE_MAX};

/// What the greedy search maximised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    /// Uncovered people aged 65+ newly covered (census cells).
    #[serde(rename = "uncovered_65_plus")]
    Uncovered65Plus,
    /// Uncovered towns newly covered.
    UncoveredTowns,
}

/// One suggested site.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SuggestedSite {
    /// Town (city + name) whose point is the site.
    pub town: String,
    pub lat: f64,
    pub lon: f64,
    /// What this site adds on top of the earlier ones (people or towns).
    pub gain: f64,
}

/// The answer of [`suggest_sites`].
#[derive(Debug, Clone, serde::Serialize)]
pub struct Suggestion {
    pub region_id: u8,
    pub objective: Objective,
    pub sites: Vec<SuggestedSite>,
    /// True when fewer than `n` sites were returned because nothing uncovered was left in reach.
    pub stopped_early: bool,
    pub before: RegionStats,
    pub after: RegionStats,
    pub total_after: RegionStats,
}

/// Up to `n` sites for region `region_id` (`None`: no such region).
pub fn suggest_sites(
    ds: &Dataset,
    frames: &Frames,
    base: &CoverageResult,
    region_id: u8,
    n: usize,
) -> Option<Result<Suggestion, ScenarioError>> {
    let fi = frames.position(region_id)?;
    let frame = &frames.regions[fi];
    let r = base.params.radius_m();
    let cells: Vec<(usize, f64)> = frames.region_cells(fi).collect();
    let use_people = !cells.is_empty();
    // Targets: (point, value) still uncovered.
    let targets: Vec<(LonLat, f64)> = if use_people {
        cells
            .iter()
            .filter(|(c, _)| !base.cell_covered[*c])
            .map(|(c, w)| {
                let cell = &frames.population.cells[*c];
                (cell.center, cell.pop_65_plus * w)
            })
            .filter(|(_, v)| *v > 0.0)
            .collect()
    } else {
        frame
            .towns
            .iter()
            .filter(|t| base.town_dist[**t] > r)
            .map(|t| (ds.towns[*t].location, 1.0))
            .collect()
    };
    let proj = &ds.projection;
    let target_xy: Vec<_> = targets.iter().map(|(p, _)| proj.forward(*p)).collect();
    // For each candidate town, the targets within r (planar bound first, then exact).
    let reach: Vec<Vec<usize>> = frame
        .towns
        .iter()
        .map(|t| {
            let at = ds.towns[*t].location;
            let xy = proj.forward(at);
            (0..targets.len())
                .filter(|j| {
                    let d = (target_xy[*j].x - xy.x).hypot(target_xy[*j].y - xy.y);
                    d <= r * SCALE_MAX + 1.0 && geodesic_distance_m(at, targets[*j].0) <= r
                })
                .collect()
        })
        .collect();
    let mut done = vec![false; targets.len()];
    let mut picked: Vec<SuggestedSite> = Vec::new();
    let mut stopped_early = false;
    for _ in 0..n {
        let gain = |ci: usize| -> f64 {
            reach[ci]
                .iter()
                .filter(|j| !done[**j])
                .map(|j| targets[*j].1)
                .sum()
        };
        let best = (0..reach.len())
            .map(|ci| (ci, gain(ci)))
            .fold(None::<(usize, f64)>, |b, c| match b {
                Some(b) if b.1 >= c.1 => Some(b),
                _ => Some(c),
            });
        let Some((ci, g)) = best.filter(|(_, g)| *g > 0.0) else {
            stopped_early = true;
            break;
        };
        for j in &reach[ci] {
            done[*j] = true;
        }
        let t = &ds.towns[frame.towns[ci]];
        picked.push(SuggestedSite {
            town: format!("{}{}", t.city, t.name),
            lat: t.location.lat(),
            lon: t.location.lon(),
            gain: if use_people { g.round() } else { g },
        });
    }
    let scenario = Scenario {
        add: picked
            .iter()
            .map(|s| AddedSite {
                lat: s.lat,
                lon: s.lon,
                kinds: None,
            })
            .collect(),
        remove: Vec::new(),
    };
    Some(scenario.apply(ds, frames, base).map(|out| Suggestion {
        region_id,
        objective: if use_people {
            Objective::Uncovered65Plus
        } else {
            Objective::UncoveredTowns
        },
        sites: picked,
        stopped_early,
        before: base.regions[fi].stats.clone(),
        after: out.after.regions[fi].stats.clone(),
        total_after: out.after.total.clone(),
    }))
}
