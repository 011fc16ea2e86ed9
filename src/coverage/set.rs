//! [`CoverageSet`]: the coverage a snapshot serves — the named presets, computed when the
//! snapshot is built, and a small LRU cache for other parameter sets computed on request.

use super::{CoverageParams, CoverageResult, MunicipalityFrame, Population, Preset, RegionFrame};
use crate::data::{DataIssue, Dataset};
use std::sync::{Arc, Mutex};

/// What every coverage computation of one dataset shares: prepared regions and population.
#[derive(Debug, Clone)]
pub struct Frames {
    pub regions: Vec<RegionFrame>,
    /// Same order as [`Dataset::municipalities`].
    pub municipalities: Vec<MunicipalityFrame>,
    pub population: Population,
}

impl Frames {
    pub fn new(ds: &Dataset, population: Population) -> Self {
        Self {
            regions: RegionFrame::build_all(ds, &population),
            municipalities: MunicipalityFrame::build_all(ds, &population),
            population,
        }
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
    presets: Vec<(Preset, Arc<CoverageResult>)>,
    /// Most recently used last.
    cache: Mutex<Vec<Arc<CoverageResult>>>,
    /// Problems with the population files; population figures are absent when non-empty.
    pub population_issues: Vec<DataIssue>,
}

impl CoverageSet {
    /// Loads the population grid (see [`Population::load`]) and computes every preset. A
    /// population file that fails to load leaves the figures out and is kept in
    /// `population_issues` (`Snapshot::load` refuses such data; `build` serves without it).
    pub fn build(ds: &Dataset) -> Self {
        let (population, population_issues) = match Population::load(ds) {
            Ok(p) => (p, Vec::new()),
            Err(e) => (Population::default(), e.issues),
        };
        let mut set = Self::with_population(ds, population);
        set.population_issues = population_issues;
        set
    }

    /// Computes every preset with an already loaded population grid.
    pub fn with_population(ds: &Dataset, population: Population) -> Self {
        let frames = Frames::new(ds, population);
        let mut presets: Vec<(Preset, Arc<CoverageResult>)> = Vec::new();
        for p in Preset::ALL {
            let params = p.params();
            // home_care is the default layer; presets with equal parameters share one result.
            let shared = presets
                .iter()
                .find(|(_, r)| r.params == params)
                .map(|(_, r)| r.clone());
            let r =
                shared.unwrap_or_else(|| Arc::new(CoverageResult::compute(ds, &frames, params)));
            presets.push((p, r));
        }
        Self {
            frames,
            presets,
            cache: Mutex::new(Vec::new()),
            population_issues: Vec::new(),
        }
    }

    /// A precomputed preset: the function the tiles layer calls. Per region, lon/lat
    /// `covered_lonlat` / `gap_lonlat` MultiPolygons.
    pub fn preset(&self, p: Preset) -> &CoverageResult {
        match self.presets.iter().find(|(q, _)| *q == p) {
            Some((_, r)) => r,
            // Every preset is built in `with_population`; this arm is unreachable but cheap.
            None => &self.presets[0].1,
        }
    }

    /// The default layer (在宅療養支援診療所 + 病院, 16 km).
    pub fn default_layer(&self) -> Arc<CoverageResult> {
        self.presets[0].1.clone()
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

    /// The layer for `params` if a preset or the cache already holds it (no computation).
    pub fn ready(&self, params: CoverageParams) -> Option<Arc<CoverageResult>> {
        self.presets
            .iter()
            .find(|(_, r)| r.params == params)
            .map(|(_, r)| r.clone())
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
