//! What `carecover export` archives: every layer of the map from a whole [`Snapshot`], or only
//! the layers named. When every named layer is built from the dataset alone (providers,
//! regions, municipalities and their labels, the basemap roads) the coverage, population and
//! road engines are not run: an export of providers and regions costs the data load and the
//! tiles, not a snapshot (about 2 s of the road graph, the population estimate and four
//! coverage presets that those layers never read).

use super::layers::MapLayers;
use super::snapshot::map_tilejson;
use super::{Snapshot, SnapshotError};
use crate::data::{DataFiles, Dataset, Manifest};
use crate::tiles::{ExportError, TileJson, TileSet};

/// The layers of an export and the dataset they were built from.
pub struct MapExport {
    layers: MapLayers,
    dataset: std::sync::Arc<Dataset>,
    names: Vec<String>,
}

impl MapExport {
    /// Loads the data and builds the layers `names` asks for (empty: every layer).
    ///
    /// # Errors
    /// The data's or the layers' ([`SnapshotError`]); an unknown name is reported by
    /// [`MapExport::tile_set`].
    pub fn load(
        files: impl Into<DataFiles>,
        manifest: &Manifest,
        names: &[String],
    ) -> Result<Self, SnapshotError> {
        let dataset = std::sync::Arc::new(Dataset::load(files, manifest)?);
        let layers = match MapLayers::from_dataset_only(&dataset, names)? {
            Some(layers) => layers,
            None => Snapshot::build(dataset.clone())?.layers,
        };
        Ok(Self {
            layers,
            dataset,
            names: names.to_vec(),
        })
    }

    /// The layers to archive, their area and zooms.
    ///
    /// # Errors
    /// [`ExportError::UnknownLayer`] naming the map's layers when a name is none of them.
    pub fn tile_set(&self) -> Result<TileSet<'_>, ExportError> {
        let set = self.layers.tile_set();
        if self.names.is_empty() {
            Ok(set)
        } else {
            set.only(&self.names)
        }
    }

    /// TileJSON 3.0 of the map's layers (an archive keeps the entries of the layers it holds).
    pub fn tilejson(&self, tiles_url: &str) -> TileJson {
        map_tilejson(&self.layers, &self.dataset, tiles_url)
    }
}
