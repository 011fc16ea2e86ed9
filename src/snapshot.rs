//! [`Snapshot`]: everything a request reads, built whole and validated before it is served.
//! The server swaps snapshots atomically, so one request sees one consistent data version.

use crate::coverage::{CoverageSet, Population};
use crate::data::{DataErrors, Dataset, Manifest};
use crate::index::ProviderIndex;
use std::path::Path;
use std::sync::Arc;

/// The immutable served state for one data version.
pub struct Snapshot {
    pub dataset: Arc<Dataset>,
    pub index: ProviderIndex,
    /// Coverage presets (computed here) and the per-request coverage cache.
    pub coverage: CoverageSet,
}

impl Snapshot {
    /// Builds every derived structure from a loaded dataset. Population files that fail to
    /// load leave population figures out (see [`CoverageSet::build`]).
    pub fn build(dataset: Arc<Dataset>) -> Self {
        let index = ProviderIndex::from_providers(&dataset.providers);
        let coverage = CoverageSet::build(&dataset);
        Self {
            dataset,
            index,
            coverage,
        }
    }

    /// Loads the data folder and builds a snapshot. Strict: population files must load too.
    pub fn load(data_dir: &Path, manifest: &Manifest) -> Result<Self, DataErrors> {
        let dataset = Arc::new(Dataset::load(data_dir, manifest)?);
        let population = Population::load(&dataset)?;
        let index = ProviderIndex::from_providers(&dataset.providers);
        let coverage = CoverageSet::with_population(&dataset, population);
        Ok(Self {
            dataset,
            index,
            coverage,
        })
    }

    /// The data version (hash of the input files).
    pub fn version(&self) -> &str {
        &self.dataset.version
    }
}
