//! Shared pieces of the command line: where the data is, and loading it.

use crate::data::{DataFiles, Manifest, ManifestError};
use std::path::Path;

/// The data to load: the given folder (`--data DIR` / `CARECOVER_DATA`), else the Kumamoto
/// dataset built into this binary. No default points outside the binary.
pub fn data_files(given: Option<&Path>) -> DataFiles {
    DataFiles::from_option(given)
}

/// The built-in manifest, or the one in `path`.
pub fn manifest(path: Option<&Path>) -> Result<Manifest, ManifestError> {
    match path {
        Some(p) => Manifest::from_file(p),
        None => Manifest::builtin(),
    }
}
