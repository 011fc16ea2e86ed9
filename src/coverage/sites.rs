//! [`SiteSet`]: the providers (or hypothetical sites) whose service areas make up one coverage
//! layer, with an exact geodesic nearest index over them.

use super::CoverageParams;
use crate::data::{Dataset, KindSet};
use crate::geom::{
    geodesic_distance_m, LonLat, Projection, GRID_GEODESIC_ERR_M, SCALE_MAX, SCALE_MIN,
};
use crate::index::{IndexItem, ProviderIndex};
use rstar::RTree;

/// One chosen provider or a what-if site.
#[derive(Debug, Clone)]
pub struct Site {
    /// 医療機関番号 for a provider; `new-1`, `new-2`, … for what-if sites.
    pub id: String,
    /// Position in [`Dataset::providers`], `None` for a what-if site.
    pub provider: Option<usize>,
    pub location: LonLat,
    pub kinds: KindSet,
    /// Region (1–10) the site lies in.
    pub region_id: u8,
}

/// The sites of one layer and their index.
pub struct SiteSet {
    pub sites: Vec<Site>,
    index: ProviderIndex,
    /// Site points in zone II metres, for the planar pre-test of [`SiteSet::covers`].
    planar: RTree<[f64; 2]>,
    proj: Projection,
}

impl SiteSet {
    /// Indexes `sites`.
    pub fn new(sites: Vec<Site>) -> Self {
        // Every item gets every kind: the set is already filtered, and the index's any-of
        // filter then matches each item.
        let items = sites
            .iter()
            .map(|s| IndexItem {
                id: s.id.clone(),
                location: s.location,
                kinds: KindSet::medical(),
            })
            .collect();
        let proj = Projection::kumamoto();
        let planar = RTree::bulk_load(
            sites
                .iter()
                .map(|s| {
                    let xy = proj.forward(s.location);
                    [xy.x, xy.y]
                })
                .collect(),
        );
        Self {
            index: ProviderIndex::new(items),
            sites,
            planar,
            proj,
        }
    }

    /// Whether some site lies within `radius_m` metres (geodesic) of `at` — exact.
    ///
    /// # Method
    /// Zone II's scale factor k lies in [[`SCALE_MIN`], [`SCALE_MAX`]], so a planar distance
    /// d_p bounds the geodesic one: d_p / SCALE_MAX ≤ d_g ≤ d_p / SCALE_MIN. The planar nearest
    /// site decides every point except those within a ~10 m band around the radius, which
    /// go to the exact geodesic index — about 10× cheaper than a geodesic per point.
    pub fn covers(&self, at: LonLat, radius_m: f64) -> bool {
        if !Projection::VALID_LON.contains(&at.lon()) {
            return self.nearest_within(at, radius_m);
        }
        let xy = self.proj.forward(at);
        let Some(p) = self.planar.nearest_neighbor(&[xy.x, xy.y]) else {
            return false;
        };
        let d_p = (p[0] - xy.x).hypot(p[1] - xy.y);
        if d_p < radius_m * SCALE_MIN * (1.0 - 1e-6) {
            true
        } else if d_p > radius_m * SCALE_MAX * (1.0 + 1e-6) {
            false
        } else {
            self.nearest_within(at, radius_m)
        }
    }

    /// The exact test behind [`Self::covers`]: the index's distance is within
    /// [`GRID_GEODESIC_ERR_M`] of Karney's, so only a distance that close to the radius is
    /// measured again.
    fn nearest_within(&self, at: LonLat, radius_m: f64) -> bool {
        match self.nearest(at) {
            None => false,
            Some((i, d)) if (d - radius_m).abs() < GRID_GEODESIC_ERR_M => {
                geodesic_distance_m(at, self.sites[i].location) <= radius_m
            }
            Some((_, d)) => d <= radius_m,
        }
    }

    /// The providers `params` selects.
    pub fn chosen(ds: &Dataset, params: &CoverageParams) -> Self {
        Self::new(
            ds.providers
                .iter()
                .enumerate()
                .filter(|(_, p)| params.selects(p))
                .map(|(i, p)| Site {
                    id: p.id.clone(),
                    provider: Some(i),
                    location: p.location,
                    kinds: p.kinds,
                    region_id: p.region_id,
                })
                .collect(),
        )
    }

    /// The nearest site to `at` (exact; ties by id) and its geodesic distance in metres (within
    /// [`GRID_GEODESIC_ERR_M`] of Karney's).
    pub fn nearest(&self, at: LonLat) -> Option<(usize, f64)> {
        self.index
            .nearest(at, 1, KindSet::medical())
            .first()
            .map(|h| (h.index as usize, h.distance_m))
    }

    /// The index itself (for brute-force checks with [`ProviderIndex::scan`]).
    pub fn index(&self) -> &ProviderIndex {
        &self.index
    }

    pub fn len(&self) -> usize {
        self.sites.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sites.is_empty()
    }
}
