//! What-if scenarios: add hypothetical sites, remove providers, and see what changes.
//!
//! # Method
//! Only regions a change can touch are recomputed: those whose bounding box lies within
//! r·[`SCALE_MAX`] + 1 km (planar) of an added or removed site. The layer's cached union is
//! updated instead of rebuilt: with U the old union, D the union of removed discs and L = D
//! minus every remaining disc that overlaps a removed disc's box (the area only removed discs
//! covered), the new union is (U − L) ∪ A, where A is the union of added discs. L is cut disc
//! by disc, nearest first, and usually vanishes after a few cuts in a town. Towns and
//! population cells of the touched regions are re-tested against the new site index.

use super::compute::nearest_m;
use super::disc::{rect_distance, rects_touch};
use super::union::balanced_union;
use super::{CoverageResult, Frames, ServiceArea, Site, SiteSet};
use crate::data::{Dataset, KindSet};
use crate::geom::{LonLat, SCALE_MAX};
use geo::{BooleanOps, BoundingRect, Contains, Distance, Euclidean, Point};
use geo_types::MultiPolygon;
use std::collections::HashSet;
use std::sync::Arc;

/// How far (metres) outside every region polygon an added site may lie: the coastlines are
/// simplified, and a site a little out at sea or over the border is a typo-free intent.
pub const OUT_OF_KUMAMOTO_M: f64 = 5_000.0;
/// Most sites one scenario may add.
pub const MAX_ADD: usize = 50;
/// Most providers one scenario may remove (every provider of the largest region fits).
pub const MAX_REMOVE: usize = 1_500;

/// A hypothetical new site.
#[derive(Debug, Clone)]
pub struct AddedSite {
    pub lat: f64,
    pub lon: f64,
    /// Kinds of the new site; `None` = it has the layer's kinds.
    pub kinds: Option<KindSet>,
}

/// Changes to apply to one coverage layer.
#[derive(Debug, Clone, Default)]
pub struct Scenario {
    pub add: Vec<AddedSite>,
    /// Provider ids (医療機関番号) to remove.
    pub remove: Vec<String>,
}

/// Why a scenario was rejected. Messages name the item; they never repeat coordinates.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScenarioError {
    #[error(
        "add[{0}] is not in Kumamoto prefecture (outside every medical region by more than 5 km)"
    )]
    OutOfKumamoto(usize),
    #[error("remove: no provider has id {0:?}")]
    UnknownProvider(String),
    #[error(
        "add[{0}]: its kinds do not satisfy the layer's kinds (any of kind=, all of require=)"
    )]
    KindMismatch(usize),
    #[error(
        "a scenario may add at most {MAX_ADD} sites and remove at most {MAX_REMOVE} providers"
    )]
    TooLarge,
}

/// A scenario's result: the new layer and which regions changed.
pub struct ScenarioOutcome {
    pub after: CoverageResult,
    /// Ids of the regions recomputed.
    pub changed: Vec<u8>,
    /// Removed ids that exist but are not in the layer (nothing to remove).
    pub not_in_layer: Vec<String>,
}

/// A validated scenario: sites to add, positions of base sites to remove, and removed ids
/// that are not in the layer.
type Validated = (Vec<Site>, HashSet<usize>, Vec<String>);

impl Scenario {
    /// Validates the scenario and the new sites (with their regions).
    fn new_sites(&self, ds: &Dataset, base: &CoverageResult) -> Result<Validated, ScenarioError> {
        if self.add.len() > MAX_ADD || self.remove.len() > MAX_REMOVE {
            return Err(ScenarioError::TooLarge);
        }
        let mut added = Vec::new();
        for (i, a) in self.add.iter().enumerate() {
            let at = LonLat::new(a.lon, a.lat).map_err(|_| ScenarioError::OutOfKumamoto(i))?;
            let region_id = locate(ds, at).ok_or(ScenarioError::OutOfKumamoto(i))?;
            // A site without kinds holds every kind the layer names, so it counts.
            let kinds = a.kinds.unwrap_or(base.params.kinds());
            if !base.params.rule().matches(kinds) {
                return Err(ScenarioError::KindMismatch(i));
            }
            added.push(Site {
                id: format!("new-{}", i + 1),
                provider: None,
                location: at,
                kinds,
                region_id,
            });
        }
        let mut removed = HashSet::new();
        let mut not_in_layer = Vec::new();
        for id in &self.remove {
            let Some(pi) = ds.providers.iter().position(|p| &p.id == id) else {
                return Err(ScenarioError::UnknownProvider(id.clone()));
            };
            match base.sites.sites.iter().position(|s| s.provider == Some(pi)) {
                Some(si) => {
                    removed.insert(si);
                }
                None => not_in_layer.push(id.clone()),
            }
        }
        Ok((added, removed, not_in_layer))
    }

    /// Applies the scenario to `base`, recomputing only the regions it can touch.
    pub fn apply(
        &self,
        ds: &Dataset,
        frames: &Frames,
        base: &CoverageResult,
    ) -> Result<ScenarioOutcome, ScenarioError> {
        let (added, removed, not_in_layer) = self.new_sites(ds, base)?;
        let params = base.params;
        let r = params.radius_m();
        let proj = &ds.projection;
        let mut sites: Vec<Site> = Vec::new();
        let mut discs: Vec<ServiceArea> = Vec::new();
        for (i, s) in base.sites.sites.iter().enumerate() {
            if !removed.contains(&i) {
                let mut d = base.discs[i].clone();
                d.site = sites.len();
                discs.push(d);
                sites.push(s.clone());
            }
        }
        let first_added = sites.len();
        for s in added {
            discs.push(ServiceArea::disc(sites.len(), s.location, r, proj));
            sites.push(s);
        }
        let removed_discs: Vec<&ServiceArea> = removed.iter().map(|i| &base.discs[*i]).collect();
        let changed_xy: Vec<geo_types::Coord<f64>> = removed
            .iter()
            .map(|i| &base.sites.sites[*i])
            .chain(&sites[first_added..])
            .map(|s| {
                let xy = proj.forward(s.location);
                geo_types::Coord { x: xy.x, y: xy.y }
            })
            .collect();
        let reach = r * SCALE_MAX + 1_000.0;
        let affected: Vec<usize> = (0..frames.regions.len())
            .filter(|fi| {
                changed_xy
                    .iter()
                    .any(|c| rect_distance(&frames.regions[*fi].bbox, *c) <= reach)
            })
            .collect();

        let site_set = SiteSet::new(sites);
        let mut town_dist = base.town_dist.clone();
        let mut cell_covered = base.cell_covered.clone();
        for fi in &affected {
            let f = &frames.regions[*fi];
            for t in &f.towns {
                town_dist[*t] = nearest_m(&site_set, ds.towns[*t].location);
            }
            for (c, _) in frames.region_cells(*fi) {
                cell_covered[c] = site_set.covers(frames.population.cells[c].center, r);
            }
        }
        let union = updated_union(&base.union, &removed_discs, &discs, first_added);
        let mut after = CoverageResult {
            params,
            sites: site_set,
            discs,
            union,
            regions: Vec::new(),
            total: base.total.clone(),
            town_dist,
            cell_covered,
            municipalities: Default::default(),
            access: Default::default(),
        };
        for (fi, old) in base.regions.iter().enumerate() {
            let rc = if affected.contains(&fi) {
                Arc::new(after.region_coverage(ds, frames, fi))
            } else {
                old.clone()
            };
            after.regions.push(rc);
        }
        after.refresh_total();
        Ok(ScenarioOutcome {
            changed: affected.iter().map(|fi| frames.regions[*fi].id).collect(),
            after,
            not_in_layer,
        })
    }
}

/// (U − L) ∪ A (see the module docs).
fn updated_union(
    old: &MultiPolygon<f64>,
    removed: &[&ServiceArea],
    discs: &[ServiceArea],
    first_added: usize,
) -> MultiPolygon<f64> {
    let mut u = old.clone();
    if !removed.is_empty() {
        let mut lost = balanced_union(removed.iter().map(|d| d.polygon.clone()).collect());
        let centre = |d: &ServiceArea| {
            let b = d.bbox;
            ((b.min().x + b.max().x) / 2.0, (b.min().y + b.max().y) / 2.0)
        };
        let mut others: Vec<(f64, &ServiceArea)> = discs[..first_added]
            .iter()
            .filter(|o| removed.iter().any(|d| rects_touch(&d.bbox, &o.bbox)))
            .map(|o| {
                let (x, y) = centre(o);
                let near = removed
                    .iter()
                    .map(|d| {
                        let (a, b) = centre(d);
                        (a - x).hypot(b - y)
                    })
                    .fold(f64::INFINITY, f64::min);
                (near, o)
            })
            .collect();
        others.sort_by(|a, b| a.0.total_cmp(&b.0));
        for (_, o) in others {
            if lost.0.is_empty() {
                break;
            }
            if lost
                .bounding_rect()
                .is_some_and(|b| rects_touch(&b, &o.bbox))
            {
                lost = lost.difference(&o.polygon);
            }
        }
        if !lost.0.is_empty() {
            u = u.difference(&lost);
        }
    }
    if first_added < discs.len() {
        let new: Vec<MultiPolygon<f64>> = discs[first_added..]
            .iter()
            .map(|d| d.polygon.clone())
            .collect();
        u = u.union(&balanced_union(new));
    }
    u
}

/// The region an added site lies in, or the nearest within [`OUT_OF_KUMAMOTO_M`].
fn locate(ds: &Dataset, at: LonLat) -> Option<u8> {
    let p = at.point();
    if let Some(r) = ds
        .regions
        .iter()
        .find(|r| r.bbox.contains(&p) && r.geometry.contains(&p))
    {
        return Some(r.id);
    }
    let xy = ds.projection.forward(at);
    let q = Point::new(xy.x, xy.y);
    ds.regions
        .iter()
        .map(|r| (r.id, Euclidean.distance(&q, &r.projected)))
        .filter(|(_, d)| *d <= OUT_OF_KUMAMOTO_M)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(id, _)| id)
}
