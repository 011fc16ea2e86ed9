//! [`CoverageSet`]: the coverage a snapshot serves — the pinned layers (the application's
//! presets), computed when the snapshot is built, and a small LRU cache for other parameter
//! sets computed on request.

use super::regions::data_extent;
use super::{
    CoverageParams, CoverageResult, Demography, MunicipalityFrame, Population, RegionFrame,
};
use crate::data::{DataIssue, Dataset};
use std::sync::{Arc, Mutex};

/// What every coverage computation of one dataset shares: prepared regions and population.
#[derive(Debug, Clone)]
pub struct Frames {
    pub regions: Vec<RegionFrame>,
    /// Same order as [`Dataset::municipalities`].
    pub municipalities: Vec<MunicipalityFrame>,
    pub population: Population,
    /// Per-municipality growth factors for the projected years.
    pub demography: Demography,
}

impl Frames {
    pub fn new(ds: &Dataset, population: Population) -> Self {
        // The population files' extent: one union of mesh squares, shared by both frame sets.
        let extent = data_extent(&population, &ds.projection);
        Self {
            regions: RegionFrame::build_all(ds, &extent),
            municipalities: MunicipalityFrame::build_all(ds, &population, &extent),
            population,
            demography: Demography::from_dataset(ds),
        }
    }

    /// The cells of region `fi` (position in [`Frames::regions`]) with their weights
    /// (position in [`Population::cells`], share × alloc factor), through its
    /// municipalities: a cell shared by two of them appears once for each.
    pub fn region_cells(&self, fi: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let id = self.regions[fi].id;
        self.municipalities
            .iter()
            .filter(move |m| m.region_id == id)
            .flat_map(|m| m.cells.iter().copied())
    }

    /// Position of the region with this id in [`Frames::regions`].
    pub fn position(&self, id: u8) -> Option<usize> {
        self.regions.iter().position(|r| r.id == id)
    }
}

/// How many non-preset parameter sets stay cached. Each holds ~1 MB of polygons; 16 covers
/// the map's kind toggles and a few radii without letting odd requests grow memory.
const CACHE_CAPACITY: usize = 16;

/// The coverage of one snapshot.
pub struct CoverageSet {
    pub frames: Frames,
    /// Computed at build, never evicted; the first is the default layer.
    pinned: Vec<Arc<CoverageResult>>,
    /// Most recently used last.
    cache: Mutex<Vec<Arc<CoverageResult>>>,
    /// Problems with the population files; population figures are absent when non-empty.
    pub population_issues: Vec<DataIssue>,
}

impl CoverageSet {
    /// Loads the population grid (see [`Population::load`]) and computes every `pinned` layer.
    /// A population file that fails to load leaves the figures out and is kept in
    /// `population_issues` (`Snapshot::load` refuses such data; `build` serves without it).
    pub fn build(ds: &Dataset, pinned: &[CoverageParams]) -> Self {
        let (population, population_issues) = match Population::load(ds) {
            Ok(p) => (p, Vec::new()),
            Err(e) => (Population::default(), e.issues),
        };
        let mut set = Self::with_population(ds, population, pinned);
        set.population_issues = population_issues;
        set
    }

    /// Computes every `pinned` layer with an already loaded population grid. The first one is
    /// the default layer; equal parameters share one result. `pinned` must not be empty.
    pub fn with_population(
        ds: &Dataset,
        population: Population,
        pinned: &[CoverageParams],
    ) -> Self {
        let frames = Frames::new(ds, population);
        let mut layers: Vec<Arc<CoverageResult>> = Vec::new();
        for &params in pinned {
            if layers.iter().any(|r| r.params == params) {
                continue;
            }
            layers.push(Arc::new(CoverageResult::compute(ds, &frames, params)));
        }
        assert!(!layers.is_empty(), "a coverage set needs a default layer");
        Self {
            frames,
            pinned: layers,
            cache: Mutex::new(Vec::new()),
            population_issues: Vec::new(),
        }
    }

    /// A layer pinned at build (per region, lon/lat `covered_lonlat` / `gap_lonlat`
    /// MultiPolygons), or `None` when `params` was not pinned.
    pub fn pinned(&self, params: CoverageParams) -> Option<&CoverageResult> {
        self.pinned
            .iter()
            .find(|r| r.params == params)
            .map(|r| r.as_ref())
    }

    /// A pinned layer, or the default layer when `params` was not pinned.
    pub fn pinned_or_default(&self, params: CoverageParams) -> &CoverageResult {
        self.pinned(params).unwrap_or(&self.pinned[0])
    }

    /// The default layer: the first pinned one.
    pub fn default_layer(&self) -> Arc<CoverageResult> {
        self.pinned[0].clone()
    }

    /// The layer for any parameters: a preset when they match one, else cached or computed
    /// now (tens of milliseconds).
    pub fn get(&self, ds: &Dataset, params: CoverageParams) -> Arc<CoverageResult> {
        if let Some(r) = self.ready(params) {
            return r;
        }
        let r = Arc::new(CoverageResult::compute(ds, &self.frames, params));
        // The lock is never held while computing: two requests may compute the same layer
        // at once, which costs time but never blocks others behind a slow computation.
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(pos) = cache.iter().position(|c| c.params.key() == params.key()) {
            cache.remove(pos);
        }
        cache.push(r.clone());
        if cache.len() > CACHE_CAPACITY {
            cache.remove(0);
        }
        r
    }

    /// The layer for `params` if a pinned layer or the cache already holds it (no computation).
    pub fn ready(&self, params: CoverageParams) -> Option<Arc<CoverageResult>> {
        self.pinned
            .iter()
            .find(|r| r.params == params)
            .cloned()
            .or_else(|| self.cached(params))
    }

    fn cached(&self, params: CoverageParams) -> Option<Arc<CoverageResult>> {
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        let pos = cache.iter().position(|c| c.params.key() == params.key())?;
        let r = cache.remove(pos);
        cache.push(r.clone());
        Some(r)
    }
}
