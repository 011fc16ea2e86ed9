//! The loader on the real Kumamoto data: the dataset built into the binary, the same files as
//! a plain folder, and the repository's `geodata/` (large files gzipped).

use crate::common;

use carecover::data::{ProviderKind, Severity};

#[test]
fn the_real_data_loads_with_the_published_counts() {
    let ds = common::dataset();
    assert_eq!(ds.regions.len(), 10);
    assert_eq!(ds.municipalities.len(), 45);
    // The 厚生局 list and the built-in resource list (熊本市's 400 pharmacies).
    assert_eq!(ds.providers.len(), 1324 + 400);
    let count = |k| ds.providers.iter().filter(|p| p.kinds.contains(k)).count();
    assert_eq!(count(ProviderKind::HomeCareSupportClinic), 240);
    assert_eq!(count(ProviderKind::HomeCareSupportHospital), 62);
    assert_eq!(count(ProviderKind::PalliativeCareWard), 15);
    assert_eq!(count(ProviderKind::EnhancedHomePalliative), 12);
    assert_eq!(count(ProviderKind::HomeCancerComprehensive), 173);
    // 2,496 rows, 4 without coordinates are reported and skipped.
    assert_eq!(ds.towns.len(), 2492);
    let no_coords: Vec<_> = ds
        .warnings
        .iter()
        .filter(|w| w.file.ends_with("kumamoto_towns.csv") && w.message.contains("no coordinates"))
        .collect();
    assert_eq!(no_coords.len(), 4, "{no_coords:?}");
    assert!(ds.warnings.iter().all(|w| w.severity == Severity::Warning));
}

#[test]
fn ids_keep_their_leading_zeros() {
    let ds = common::dataset();
    assert!(ds.providers.iter().any(|p| p.id == "0114303"));
    assert!(
        ds.providers
            .iter()
            .filter(|p| p.facility_type != carecover::data::FacilityType::Resource)
            .all(|p| p.id.len() == 7),
        "医療機関番号 are 7 digits"
    );
}

#[test]
fn region_areas_match_the_published_figures() {
    let ds = common::dataset();
    let total: f64 = ds.regions.iter().map(|r| r.area_km2).sum();
    // SOURCES.md: 7,405.9 km² computed in EPSG:6670 (the official figure is 7,409 km²).
    assert!((total - 7405.9).abs() < 2.0, "{total}");
}

#[test]
fn builtin_plain_folder_and_gzipped_folder_have_one_data_version() {
    use carecover::data::{DataFiles, Dataset, Manifest};
    let m = Manifest::builtin().unwrap();
    let builtin = Dataset::load(DataFiles::Builtin, &m).unwrap_or_else(|e| panic!("{e}"));
    let plain = Dataset::load(common::data_dir(), &m).unwrap_or_else(|e| panic!("{e}"));
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata");
    let gz = Dataset::load(&repo, &m).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(builtin.files.label(), "builtin");
    assert_eq!(builtin.version, plain.version);
    assert_eq!(builtin.version, gz.version);
    assert_eq!(builtin.providers.len(), gz.providers.len());
    // Content defines the version: one changed byte in a plain copy changes it.
    let dir = std::env::temp_dir().join(format!("carecover-version-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for f in m.files() {
        let to = dir.join(f);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        let mut bytes = DataFiles::Builtin.read(f).unwrap();
        if f == m.address_municipalities.as_ref().unwrap().file {
            bytes.push(b'\n');
        }
        std::fs::write(&to, bytes).unwrap();
    }
    let changed = Dataset::load(&dir, &m).unwrap_or_else(|e| panic!("{e}"));
    std::fs::remove_dir_all(&dir).unwrap();
    assert_ne!(builtin.version, changed.version);
}
