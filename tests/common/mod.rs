//! Shared test helpers: the real data folder and a loaded dataset.
#![allow(dead_code)]

use carecover::data::{Dataset, Manifest};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// `CARECOVER_DATA`, else `../shared/geodata` beside the repository.
pub fn data_dir() -> PathBuf {
    std::env::var_os("CARECOVER_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/geodata")))
}

/// The real dataset, loaded once per test binary.
pub fn dataset() -> Arc<Dataset> {
    static DS: OnceLock<Arc<Dataset>> = OnceLock::new();
    DS.get_or_init(|| {
        let m = Manifest::builtin().expect("builtin manifest");
        Arc::new(Dataset::load(&data_dir(), &m).unwrap_or_else(|e| panic!("{e}")))
    })
    .clone()
}
