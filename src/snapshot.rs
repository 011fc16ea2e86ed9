//! [`Snapshot`]: everything a request reads, built whole and validated before it is served.
//! The server swaps snapshots atomically, so one request sees one consistent data version.

use crate::data::{DataErrors, Dataset, Manifest};
use crate::index::ProviderIndex;
use std::path::Path;
use std::sync::Arc;

/// The immutable served state for one data version.
pub struct Snapshot {
    pub dataset: Arc<Dataset>,
    pub index: ProviderIndex,
}

impl Snapshot {
    /// Builds every derived structure from a loaded dataset.
    pub fn build(dataset: Arc<Dataset>) -> Self {
        let index = ProviderIndex::from_providers(&dataset.providers);
        Self { dataset, index }
    }

    /// Loads the data folder and builds a snapshot.
    pub fn load(data_dir: &Path, manifest: &Manifest) -> Result<Self, DataErrors> {
        Ok(Self::build(Arc::new(Dataset::load(data_dir, manifest)?)))
    }

    /// The data version (hash of the input files).
    pub fn version(&self) -> &str {
        &self.dataset.version
    }
}
