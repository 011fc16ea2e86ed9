//! [`SiteSet`]: the providers (or hypothetical sites) whose service areas make up one coverage
//! layer, with an exact geodesic nearest index over them.

use super::CoverageParams;
use crate::data::{Dataset, KindSet};
use crate::geom::LonLat;
use crate::index::{IndexItem, ProviderIndex};

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
                kinds: KindSet::all(),
            })
            .collect();
        Self {
            index: ProviderIndex::new(items),
            sites,
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

    /// The nearest site to `at` and its geodesic distance in metres (exact; ties by id).
    pub fn nearest(&self, at: LonLat) -> Option<(usize, f64)> {
        self.index
            .nearest(at, 1, KindSet::all())
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
