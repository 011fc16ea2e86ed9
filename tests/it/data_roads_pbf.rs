//! The documented OpenStreetMap road layer loads through the manifest: a dataset whose
//! `roads.files` names one `.osm.pbf` (binary, not UTF-8) loads with `Dataset::load` and
//! `Snapshot::load`, its data version hashes the PBF's decoded bytes (the same for a plain
//! and a gzipped copy, another for other bytes), and the snapshot routes on it.

use carecover::app::Snapshot;
use carecover::data::{DataFiles, Dataset, Manifest};
use carecover::routing::{write_pbf, OsmWay, SpeedModel};
use std::io::Write;
use std::path::{Path, PathBuf};

const PBF: &str = "roads/kumamoto_test.osm.pbf";

/// A 4 × 4 street grid (about 300 m between crossings) in 熊本市中央区, as OSM PBF.
fn grid_pbf(lon0: f64) -> Vec<u8> {
    let (lat0, step) = (32.79, 0.003);
    let id = |i: usize, j: usize| (i * 4 + j + 1) as i64;
    let mut nodes = Vec::new();
    for i in 0..4 {
        for j in 0..4 {
            nodes.push((id(i, j), lon0 + j as f64 * step, lat0 + i as f64 * step));
        }
    }
    let tags = vec![
        ("highway".to_string(), "residential".to_string()),
        ("maxspeed".to_string(), "30".to_string()),
    ];
    let mut ways = Vec::new();
    for k in 0..4 {
        ways.push(OsmWay {
            id: 100 + k as i64,
            refs: (0..4).map(|j| id(k, j)).collect(),
            tags: tags.clone(),
        });
        ways.push(OsmWay {
            id: 200 + k as i64,
            refs: (0..4).map(|i| id(i, k)).collect(),
            tags: tags.clone(),
        });
    }
    let bytes = write_pbf(&nodes, &ways).unwrap();
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the fixture must be binary, not UTF-8"
    );
    bytes
}

/// The built-in manifest with its probe roads replaced by one `.osm.pbf`.
fn pbf_manifest() -> Manifest {
    let mut m: serde_json::Value =
        serde_json::from_str(include_str!("../../geodata/manifest.json")).unwrap();
    m["roads"] = serde_json::json!({ "files": [PBF], "source": "osm" });
    m["sources"]["osm"] = serde_json::json!({
        "name": "OpenStreetMap (test grid)",
        "name_en": "OpenStreetMap (test grid)",
        "date": "2026-12-01",
        "license": "ODbL 1.0",
        "credit": "© OpenStreetMap contributors"
    });
    Manifest::parse(&m.to_string(), "test manifest").unwrap()
}

/// A folder holding the built-in files the manifest names (plain) and `pbf` as the roads,
/// gzipped when `gz`. Removed on drop.
struct Folder(PathBuf);

impl Folder {
    fn new(name: &str, m: &Manifest, pbf: &[u8], gz: bool) -> Self {
        let dir = std::env::temp_dir().join(format!("carecover-pbf-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for f in m.files() {
            let to = dir.join(f);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            if f == PBF {
                continue;
            }
            std::fs::write(&to, DataFiles::Builtin.read(f).unwrap()).unwrap();
        }
        if gz {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            e.write_all(pbf).unwrap();
            std::fs::write(dir.join(format!("{PBF}.gz")), e.finish().unwrap()).unwrap();
        } else {
            std::fs::write(dir.join(PBF), pbf).unwrap();
        }
        Folder(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn a_dataset_with_an_osm_pbf_road_layer_loads_and_hashes_its_bytes() {
    let m = pbf_manifest();
    let pbf = grid_pbf(130.70);
    let plain = Folder::new("plain", &m, &pbf, false);
    let gz = Folder::new("gz", &m, &pbf, true);
    let other = Folder::new("other", &m, &grid_pbf(130.71), false);

    let a = Dataset::load(plain.path(), &m).unwrap_or_else(|e| panic!("{e}"));
    let b = Dataset::load(gz.path(), &m).unwrap_or_else(|e| panic!("{e}"));
    let c = Dataset::load(other.path(), &m).unwrap_or_else(|e| panic!("{e}"));
    // Decoded bytes define the version: a gzipped copy is the same data.
    assert_eq!(a.version, b.version);
    assert_ne!(a.version, c.version, "the PBF's bytes are hashed");
    let builtin = Dataset::load(DataFiles::Builtin, &Manifest::builtin().unwrap()).unwrap();
    assert_ne!(a.version, builtin.version);
    // The bytes handed to the roads layer are those hashed.
    assert_eq!(a.file_bytes(PBF).unwrap(), pbf);
}

#[test]
fn a_snapshot_routes_on_an_osm_pbf_road_layer_named_by_the_manifest() {
    let m = pbf_manifest();
    let folder = Folder::new("snapshot", &m, &grid_pbf(130.70), true);
    let snap = Snapshot::load(folder.path(), &m).unwrap_or_else(|e| panic!("{e}"));
    let roads = snap.roads.as_ref().expect("a roads layer");
    assert_eq!(roads.network.speed_model, SpeedModel::OsmMaxspeed);
    assert_eq!(roads.network.graph.node_count(), 16);
    assert_eq!(snap.dataset.manifest.roads.as_ref().unwrap().files, [PBF]);
    // The gazetteer came from the same load (through the manifest).
    let a = snap
        .gazetteer
        .geocode("熊本市中央区水前寺６丁目１８－１", 1);
    assert_eq!(
        a.best().and_then(|c| c.town.as_deref()),
        Some("水前寺六丁目")
    );
}
