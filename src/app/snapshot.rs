//! [`Snapshot`]: everything a request reads, built whole and validated before it is served.
//! The server swaps snapshots atomically, so one request sees one consistent data version.

use super::layers::{access_layer, MapLayers, ACCESS_MIN_ZOOM, MAX_ZOOM};
use super::rules::{preset_params, Preset, ServiceArea, HOME_VISIT_RADIUS_M};
use super::visit::Uncertainty;
use crate::coverage::CoverageSet;
use crate::data::{DataErrors, DataFiles, Dataset, Manifest};
use crate::geocode::{Gazetteer, GeocodeError};
use crate::index::ProviderIndex;
use crate::routing::Roads;
use crate::tiles::{
    render_tile, CachedTile, LayerSource, TileCache, TileCoord, TileJson, VecLayer,
};
use std::sync::{Arc, Mutex};

/// Why a snapshot could not be built.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error(transparent)]
    Data(#[from] DataErrors),
    #[error("address data: {0}")]
    Geocode(#[from] GeocodeError),
    #[error("map layers: {0}")]
    Tiles(#[from] crate::tiles::TileError),
    #[error("roads: {0}")]
    Roads(#[from] crate::routing::RoutingError),
}

/// The immutable served state for one data version.
pub struct Snapshot {
    pub dataset: Arc<Dataset>,
    pub index: ProviderIndex,
    pub gazetteer: Gazetteer,
    pub layers: MapLayers,
    /// Encoded tiles of this snapshot only: a reload starts with an empty cache, so no tile
    /// of old data is ever served with a new ETag.
    pub tiles: TileCache<TileCoord>,
    /// Coverage presets (computed here) and the per-request coverage cache.
    pub coverage: CoverageSet,
    /// The road network with providers snapped, when the manifest has a `roads` layer.
    pub roads: Option<Roads>,
    /// Town and provider point uncertainty for the 16 km rule's "to confirm".
    pub uncertainty: Uncertainty,
    /// Where the data lies, and so where a query point may lie.
    pub area: ServiceArea,
    /// Encoded access tiles (`/tiles/access/{preset}/{year}/…`) of this snapshot.
    pub access_tiles: TileCache<(Preset, u16, TileCoord)>,
    /// The access layers last rendered from, most recently used last.
    access_layers: Mutex<Vec<AccessLayer>>,
    /// Seconds this snapshot took to build (with the data's loading when built by
    /// [`Snapshot::load`]).
    pub build_seconds: f64,
}

/// An access layer with its preset and year.
type AccessLayer = ((Preset, u16), Arc<VecLayer>);

/// Bytes of encoded access tiles kept per snapshot.
pub const ACCESS_TILE_CACHE_BYTES: usize = 64 << 20;
/// Access layers (one per preset and year, ~35 000 points each) kept to cut tiles from.
const ACCESS_LAYERS_KEPT: usize = 4;

/// Bytes of encoded tiles kept per snapshot (raw + gzip). Kumamoto's z5–z14 pyramid of
/// non-empty tiles fits several times over.
pub const TILE_CACHE_BYTES: usize = 256 << 20;

impl Snapshot {
    /// Builds every derived structure from a loaded dataset. Strict: the population files
    /// must load too, or the snapshot is refused (the old one keeps serving). The population
    /// is the measured census cells plus the estimated ones ([`super::population::load`]).
    pub fn build(dataset: Arc<Dataset>) -> Result<Self, SnapshotError> {
        let started = std::time::Instant::now();
        let index = ProviderIndex::from_providers(&dataset.providers)
            .with_exact_boundary(HOME_VISIT_RADIUS_M);
        let gazetteer = Gazetteer::from_dataset(&dataset)?;
        // Roads first: the estimated population cells outside the census files' extent are
        // weighted by road length as well as by town points.
        let roads = super::load_roads(&dataset)?;
        let population =
            super::population::load(&dataset, roads.as_ref().map(|r| &r.network.graph))?;
        let coverage = CoverageSet::with_population(&dataset, population, &preset_params());
        let layers = MapLayers::build(&dataset, &coverage, roads.as_ref().map(|r| &r.area))?;
        let uncertainty = Uncertainty::for_dataset(&dataset);
        Ok(Self {
            area: ServiceArea::of(&dataset),
            uncertainty,
            roads,
            dataset,
            index,
            gazetteer,
            layers,
            tiles: TileCache::new(TILE_CACHE_BYTES),
            coverage,
            access_tiles: TileCache::new(ACCESS_TILE_CACHE_BYTES),
            access_layers: Mutex::default(),
            build_seconds: started.elapsed().as_secs_f64(),
        })
    }

    /// Loads the data (built in, or a folder) and builds a snapshot.
    pub fn load(files: impl Into<DataFiles>, manifest: &Manifest) -> Result<Self, SnapshotError> {
        let started = std::time::Instant::now();
        let mut snap = Self::build(Arc::new(Dataset::load(files, manifest)?))?;
        snap.build_seconds = started.elapsed().as_secs_f64();
        Ok(snap)
    }

    /// One tile's bytes (raw and gzip), from the cache or rendered now.
    pub fn tile(&self, coord: TileCoord) -> Result<CachedTile, crate::tiles::TileError> {
        self.tiles
            .get_or_insert_with(coord, || self.layers.render(coord))
    }

    /// One access tile (the `access` layer of `preset` with people in `year`, a year of the
    /// demography); empty outside the layer's zooms.
    pub fn access_tile(
        &self,
        preset: Preset,
        year: u16,
        coord: TileCoord,
    ) -> Result<CachedTile, crate::tiles::TileError> {
        self.access_tiles
            .get_or_insert_with((preset, year, coord), || {
                if !(ACCESS_MIN_ZOOM..=MAX_ZOOM).contains(&coord.z()) {
                    return Ok(Vec::new());
                }
                let layer = self.access_layer(preset, year)?;
                render_tile(coord, &[layer.as_ref() as &dyn LayerSource])
            })
    }

    /// The access layer of `preset` in `year`, built from its index (kept for the next tiles).
    fn access_layer(
        &self,
        preset: Preset,
        year: u16,
    ) -> Result<Arc<VecLayer>, crate::tiles::TileError> {
        let key = (preset, year);
        {
            let mut kept = self.access_layers.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(pos) = kept.iter().position(|(k, _)| *k == key) {
                let hit = kept.remove(pos);
                kept.push(hit.clone());
                return Ok(hit.1);
            }
        }
        let r = preset.layer(&self.coverage);
        let figures = r.access(&self.dataset, &self.coverage.frames, year);
        let layer = Arc::new(access_layer(&super::access::cells(self, &figures))?);
        let mut kept = self.access_layers.lock().unwrap_or_else(|e| e.into_inner());
        kept.retain(|(k, _)| *k != key);
        kept.push((key, layer.clone()));
        if kept.len() > ACCESS_LAYERS_KEPT {
            kept.remove(0);
        }
        Ok(layer)
    }

    /// TileJSON 3.0 for this snapshot's tiles, fetched from `tiles_url` (a `{z}/{x}/{y}`
    /// template).
    pub fn tilejson(&self, tiles_url: &str) -> TileJson {
        map_tilejson(&self.layers, &self.dataset, tiles_url)
    }

    /// The attribution line for maps: every source's credit.
    pub fn attribution(&self) -> String {
        attribution(&self.dataset)
    }

    /// The data version (hash of the input files).
    pub fn version(&self) -> &str {
        &self.dataset.version
    }
}

/// TileJSON 3.0 for `layers` of `dataset`, fetched from `tiles_url`: the snapshot's, and an
/// export's of some layers.
pub(super) fn map_tilejson(layers: &MapLayers, dataset: &Dataset, tiles_url: &str) -> TileJson {
    let mut tj = layers.tilejson(tiles_url, &attribution(dataset));
    tj.name = Some("carecover Kumamoto home palliative care".into());
    tj.description = Some(
        "在宅緩和ケアマップ: providers (九州厚生局 施設基準), medical regions, 16 km coverage and gaps, towns"
            .into(),
    );
    tj.version = Some(dataset.version.clone());
    tj.dataset = Some(dataset.files.label().to_string());
    tj
}

/// The attribution line for maps: every source's credit.
fn attribution(dataset: &Dataset) -> String {
    dataset
        .attribution()
        .iter()
        .map(|s| s.credit.as_str())
        .collect::<Vec<_>>()
        .join(" / ")
}
