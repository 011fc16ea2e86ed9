//! [`CoverageResult`]: one coverage layer (a parameter set, or a what-if) computed for every
//! region: union of service areas, covered and gap polygons, stats.

use super::disc::rects_touch;
use super::stats::{self, PointFacts, RegionStats, TownGap};
use super::union::{balanced_union, z_order};
use super::{AccessFigures, MunicipalityStats};
use super::{CoverageParams, Frames, ServiceArea, SiteSet};
use crate::data::Dataset;
use crate::geom::{Projection, Xy};
use geo::{BooleanOps, BoundingRect};
use geo_types::{Coord, LineString, MultiPolygon, Polygon, Rect};
use std::borrow::Cow;
use std::sync::{Arc, Mutex, OnceLock};

/// Coverage of one region.
#[derive(Debug, Clone)]
pub struct RegionCoverage {
    pub region_id: u8,
    /// Region ∩ union, zone II metres.
    pub covered: MultiPolygon<f64>,
    /// Region − union, zone II metres.
    pub gap: MultiPolygon<f64>,
    /// `covered` in lon/lat degrees (for GeoJSON and tiles).
    pub covered_lonlat: MultiPolygon<f64>,
    /// `gap` in lon/lat degrees.
    pub gap_lonlat: MultiPolygon<f64>,
    pub stats: RegionStats,
    /// Towns farther than the radius from every chosen site, farthest first.
    pub uncovered_towns: Vec<TownGap>,
}

/// A whole coverage layer.
pub struct CoverageResult {
    pub params: CoverageParams,
    pub sites: SiteSet,
    /// One per site, same order.
    pub discs: Vec<ServiceArea>,
    /// Union of every disc, zone II metres: disjoint parts, kept so a what-if can update it
    /// instead of recomputing it.
    pub union: MultiPolygon<f64>,
    /// Same order as [`Frames::regions`]; shared so a what-if copies unchanged regions cheaply.
    pub regions: Vec<Arc<RegionCoverage>>,
    pub total: RegionStats,
    /// Geodesic metres from each town of the dataset to the nearest site (∞ without sites).
    pub town_dist: Vec<f64>,
    /// Whether each population cell's centre is within the radius of a site.
    pub cell_covered: Vec<bool>,
    /// Per-municipality figures, computed on first use ([`CoverageResult::municipalities`]).
    pub(crate) municipalities: OnceLock<Vec<MunicipalityStats>>,
    /// The accessibility index per year, computed on first use ([`CoverageResult::access`]).
    pub(crate) access: Mutex<Vec<Arc<AccessFigures>>>,
}

impl CoverageResult {
    /// The layer of the providers `params` selects.
    pub fn compute(ds: &Dataset, frames: &Frames, params: CoverageParams) -> Self {
        Self::from_sites(ds, frames, params, SiteSet::chosen(ds, &params))
    }

    /// The layer of the given sites (they are taken as chosen, whatever their kinds).
    pub fn from_sites(
        ds: &Dataset,
        frames: &Frames,
        params: CoverageParams,
        sites: SiteSet,
    ) -> Self {
        let discs: Vec<ServiceArea> = sites
            .sites
            .iter()
            .enumerate()
            .map(|(i, s)| ServiceArea::disc(i, s.location, params.radius_m(), &ds.projection))
            .collect();
        let town_dist: Vec<f64> = ds
            .towns
            .iter()
            .map(|t| nearest_m(&sites, t.location))
            .collect();
        let r = params.radius_m();
        let cell_covered = frames
            .population
            .cells
            .iter()
            .map(|c| sites.covers(c.center, r))
            .collect();
        let order = z_sorted(&discs);
        let union = balanced_union(order.iter().map(|i| discs[*i].polygon.clone()).collect());
        let mut out = Self {
            params,
            sites,
            discs,
            union,
            regions: Vec::with_capacity(frames.regions.len()),
            total: stats::total(&[]),
            town_dist,
            cell_covered,
            municipalities: OnceLock::new(),
            access: Mutex::default(),
        };
        for fi in 0..frames.regions.len() {
            let rc = out.region_coverage(ds, frames, fi);
            out.regions.push(Arc::new(rc));
        }
        out.refresh_total();
        out
    }

    /// Covered and gap polygons and stats of region `fi` from the layer's union.
    pub(crate) fn region_coverage(
        &self,
        ds: &Dataset,
        frames: &Frames,
        fi: usize,
    ) -> RegionCoverage {
        let frame = &frames.regions[fi];
        let union = parts_near(&self.union, &frame.bbox);
        let covered = frame.projected.intersection(&union);
        let gap = frame.projected.difference(&union);
        use geo::Area;
        let facts = PointFacts {
            town_dist: &self.town_dist,
            cell_covered: &self.cell_covered,
        };
        let areas = (covered.unsigned_area() / 1e6, gap.unsigned_area() / 1e6);
        let (stats, uncovered_towns) =
            stats::region_stats(ds, frames, fi, &self.params, &self.sites, areas, &facts);
        RegionCoverage {
            region_id: frame.id,
            covered_lonlat: to_lonlat(&covered, &ds.projection),
            gap_lonlat: to_lonlat(&gap, &ds.projection),
            covered,
            gap,
            stats,
            uncovered_towns,
        }
    }

    pub(crate) fn refresh_total(&mut self) {
        let rows: Vec<RegionStats> = self.regions.iter().map(|r| r.stats.clone()).collect();
        self.total = stats::total(&rows);
    }

    /// The region with this id.
    pub fn region(&self, id: u8) -> Option<&RegionCoverage> {
        self.regions
            .iter()
            .find(|r| r.region_id == id)
            .map(|r| &**r)
    }

    /// Every municipality's figures (computed once per layer, ~tens of ms), in the
    /// municipality layer's order.
    pub fn municipalities(&self, ds: &Dataset, frames: &Frames) -> &[MunicipalityStats] {
        self.municipalities
            .get_or_init(|| super::municipality_stats(ds, frames, self))
    }

    /// The E2SFCA accessibility index of this layer with people in `year` (computed on first
    /// use, tens of ms, then kept with the layer).
    pub fn access(&self, ds: &Dataset, frames: &Frames, year: u16) -> Arc<AccessFigures> {
        let cached = |v: &Vec<Arc<AccessFigures>>| v.iter().find(|a| a.year == year).cloned();
        if let Some(a) = cached(&self.access.lock().unwrap_or_else(|e| e.into_inner())) {
            return a;
        }
        // Computed without the lock held: two requests may both compute it, none waits.
        let a = Arc::new(AccessFigures::compute(ds, frames, self, year));
        let mut v = self.access.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(old) = cached(&v) {
            return old;
        }
        v.push(a.clone());
        a
    }

    /// Every municipality's figures with people in `year` (borrowed for the census year).
    /// `year` must be one of [`super::Demography::years`].
    pub fn municipalities_in(
        &self,
        ds: &Dataset,
        frames: &Frames,
        year: u16,
    ) -> Cow<'_, [MunicipalityStats]> {
        let base = self.municipalities(ds, frames);
        if year == frames.demography.base_year() {
            Cow::Borrowed(base)
        } else {
            Cow::Owned(super::municipalities::municipalities_in_year(
                ds, frames, self, base, year,
            ))
        }
    }

    /// Every region's stats and the prefecture total with people in `year` (borrowed for the
    /// census year). `year` must be one of [`super::Demography::years`].
    pub fn stats_in(
        &self,
        frames: &Frames,
        year: u16,
    ) -> (Vec<Cow<'_, RegionStats>>, Cow<'_, RegionStats>) {
        let Some(factors) = frames.demography.factors(year) else {
            return (
                self.stats().into_iter().map(Cow::Borrowed).collect(),
                Cow::Borrowed(&self.total),
            );
        };
        if year == frames.demography.base_year() {
            return (
                self.stats().into_iter().map(Cow::Borrowed).collect(),
                Cow::Borrowed(&self.total),
            );
        }
        let rows: Vec<RegionStats> = (0..self.regions.len())
            .map(|fi| {
                let mut st = self.regions[fi].stats.clone();
                st.people = stats::region_people(frames, fi, &self.cell_covered, factors);
                st
            })
            .collect();
        let total = stats::total(&rows);
        (
            rows.into_iter().map(Cow::Owned).collect(),
            Cow::Owned(total),
        )
    }

    /// Every region's stats, in region order.
    pub fn stats(&self) -> Vec<&RegionStats> {
        self.regions.iter().map(|r| &r.stats).collect()
    }
}

/// Geodesic metres to the nearest site, ∞ when there is none.
pub(crate) fn nearest_m(sites: &SiteSet, at: crate::geom::LonLat) -> f64 {
    sites.nearest(at).map_or(f64::INFINITY, |(_, d)| d)
}

/// Disc positions in Z-order of their centres, so the balanced union merges neighbours.
pub(crate) fn z_sorted(discs: &[ServiceArea]) -> Vec<usize> {
    let centre = |d: &ServiceArea| {
        let r = d.bbox;
        ((r.min().x + r.max().x) / 2.0, (r.min().y + r.max().y) / 2.0)
    };
    let mut keyed: Vec<(u64, usize)> = discs
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let (x, y) = centre(d);
            // Zone II coordinates over Kumamoto lie within ±300 km; 10 m cells cover 655 km.
            (z_order(x, y, (-330_000.0, -330_000.0), 10.0), i)
        })
        .collect();
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, i)| i).collect()
}

/// The parts of a union whose bounding boxes touch `bbox`. The parts of a union are disjoint,
/// so this is a valid MultiPolygon holding all of the union that can meet `bbox`, with no
/// boolean operation.
pub(crate) fn parts_near(union: &MultiPolygon<f64>, bbox: &Rect<f64>) -> MultiPolygon<f64> {
    MultiPolygon(
        union
            .iter()
            .filter(|p| p.bounding_rect().is_some_and(|b| rects_touch(&b, bbox)))
            .cloned()
            .collect(),
    )
}

/// Zone II metres back to lon/lat degrees ([`Projection::inverse`], exact to ~1 mm).
pub fn to_lonlat(mp: &MultiPolygon<f64>, proj: &Projection) -> MultiPolygon<f64> {
    let ring = |r: &LineString<f64>| -> LineString<f64> {
        r.0.iter()
            .map(|c| {
                let (x, y) = proj.inverse(Xy { x: c.x, y: c.y });
                Coord { x, y }
            })
            .collect()
    };
    MultiPolygon(
        mp.iter()
            .map(|p| Polygon::new(ring(p.exterior()), p.interiors().iter().map(ring).collect()))
            .collect(),
    )
}
