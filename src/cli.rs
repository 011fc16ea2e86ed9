//! Shared pieces of the command line: where the data is, and loading it.

use crate::data::{Manifest, ManifestError};
use std::path::{Path, PathBuf};

/// The data folder: the given path, else `../shared/geodata` from the working directory,
/// else `../shared/geodata` beside the source tree this binary was built from.
pub fn resolve_data_dir(given: Option<&Path>) -> PathBuf {
    if let Some(p) = given {
        return p.to_path_buf();
    }
    let cwd = PathBuf::from("../shared/geodata");
    if cwd.is_dir() {
        return cwd;
    }
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/geodata"))
}

/// The built-in manifest, or the one in `path`.
pub fn manifest(path: Option<&Path>) -> Result<Manifest, ManifestError> {
    match path {
        Some(p) => Manifest::from_file(p),
        None => Manifest::builtin(),
    }
}
