//! PMTiles export: the archive's header and statistics, and (ignored by default: needs python3
//! with `pip install pmtiles`; run with `--include-ignored`, as `.ci/run` does) the same
//! archives read back by the independent Python `pmtiles` package.

use crate::common;
use crate::tiles_common;

use std::path::{Path, PathBuf};
use std::process::Command;

use carecover::tiles::{
    pmtiles_tile_id, render_tile, tilejson, tiles_covering, write_pmtiles, LayerSource,
    PmtilesMeta, TileCoord, VecLayer,
};
use geo::BoundingRect;
use geo_types::Geometry;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Map, Value};
use tiles_common::{islands, kumamoto_polygon};

fn require_pmtiles_reader() {
    common::require_python("pmtiles.reader", "pip install pmtiles");
}

fn out_dir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn run_checker(archive: &Path, expected: &Value, dir: &Path) {
    let exp_path = dir.join("expected.json");
    std::fs::write(&exp_path, serde_json::to_vec(expected).unwrap()).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/py/check_pmtiles.py");
    let out = Command::new("python3")
        .arg(script)
        .arg(archive)
        .arg(&exp_path)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "python check failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
}

fn expected_json(tiles: &[(TileCoord, Vec<u8>)], meta: &PmtilesMeta) -> Value {
    let mut m = Map::new();
    let mut ids = Vec::new();
    for (t, raw) in tiles {
        ids.push(json!([t.z(), t.x(), t.y(), pmtiles_tile_id(t)]));
        if !raw.is_empty() {
            let hex: String = raw.iter().map(|b| format!("{b:02x}")).collect();
            m.insert(t.to_string(), Value::String(hex));
        }
    }
    json!({
        "header": {
            "min_zoom": meta.minzoom,
            "max_zoom": meta.maxzoom,
            "min_lon_e7": (meta.bounds[0] * 1e7).round() as i64,
            "max_lat_e7": (meta.bounds[3] * 1e7).round() as i64,
            "center_zoom": meta.center[2] as u8,
            "center_lat_e7": (meta.center[1] * 1e7).round() as i64,
            "addressed_tiles_count": m.len(),
        },
        "metadata": meta.metadata,
        "tiles": m,
        "ids": ids,
    })
}

/// An archive written by `write_pmtiles`: its path, the tiles and metadata written, its folder.
type Written = (PathBuf, Vec<(TileCoord, Vec<u8>)>, PmtilesMeta, PathBuf);

fn kumamoto_archive(name: &str) -> (Written, carecover::tiles::PmtilesStats) {
    let mut regions = VecLayer::new("regions", 0, 12);
    let p = kumamoto_polygon(1500);
    let bbox = p.bounding_rect().unwrap();
    regions
        .push(
            Some(1),
            Geometry::Polygon(p),
            vec![("name".into(), "熊本市".into())],
        )
        .unwrap();
    regions
        .push(
            Some(2),
            Geometry::MultiPolygon(islands(63)),
            vec![("name".into(), "天草".into())],
        )
        .unwrap();
    let srcs: [&dyn LayerSource; 1] = [&regions];
    let mut tiles = Vec::new();
    for z in 0..=12u8 {
        let mut b = bbox;
        b.set_min(geo_types::coord! { x: 129.9, y: 32.1 });
        for t in tiles_covering(&b, z).unwrap() {
            tiles.push((t, render_tile(t, &srcs).unwrap()));
        }
    }
    let meta = PmtilesMeta {
        minzoom: 0,
        maxzoom: 12,
        bounds: [129.9, 32.1, bbox.max().x, bbox.max().y],
        center: [130.7, 32.8, 9.0],
        metadata: serde_json::to_value(tilejson(
            "pmtiles://kumamoto",
            0,
            12,
            [129.9, 32.1, 131.0, 33.0],
            [130.7, 32.8, 9.0],
            "test",
            &srcs,
        ))
        .unwrap(),
    };
    let dir = out_dir(name);
    let path = dir.join("kumamoto.pmtiles");
    let stats = write_pmtiles(&path, tiles.clone(), &meta).unwrap();
    ((path, tiles, meta, dir), stats)
}

#[test]
fn kumamoto_export_writes_a_v3_archive() {
    let ((path, tiles, _, _), stats) = kumamoto_archive("pmtiles-kumamoto");
    let non_empty = tiles.iter().filter(|t| !t.1.is_empty()).count() as u64;
    assert_eq!(stats.addressed_tiles, non_empty);
    assert!(stats.tile_contents <= stats.tile_entries);
    assert_eq!(stats.file_bytes, std::fs::metadata(&path).unwrap().len());
    let head = std::fs::read(&path).unwrap();
    assert_eq!(&head[..7], b"PMTiles");
    assert_eq!(head[7], 3);
}

#[test]
#[ignore = "needs python3 with pmtiles (pip install pmtiles); run with --include-ignored (as .ci/run does)"]
fn kumamoto_export_reads_back_in_python() {
    require_pmtiles_reader();
    let ((path, tiles, meta, dir), _) = kumamoto_archive("pmtiles-kumamoto-py");
    run_checker(&path, &expected_json(&tiles, &meta), &dir);
}

fn large_sparse_archive(name: &str) -> (Written, carecover::tiles::PmtilesStats) {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut tiles = Vec::new();
    for z in 0..=7u8 {
        let n = 1u32 << z;
        for x in 0..n {
            for y in 0..n {
                if rng.gen_bool(0.7) {
                    // Random-length payloads defeat run-length/gzip so the
                    // directory cannot fit in the root; every 10th tile
                    // repeats a shared blob to exercise deduplication.
                    let raw = if rng.gen_ratio(1, 10) {
                        b"shared ocean tile".to_vec()
                    } else {
                        let len = rng.gen_range(1..200);
                        (0..len).map(|_| rng.gen()).collect()
                    };
                    tiles.push((TileCoord::new(z, x, y).unwrap(), raw));
                }
            }
        }
    }
    let meta = PmtilesMeta {
        minzoom: 0,
        maxzoom: 7,
        bounds: [-180.0, -85.0, 180.0, 85.0],
        center: [0.0, 0.0, 0.0],
        metadata: json!({"vector_layers": [], "name": "synthetic"}),
    };
    let dir = out_dir(name);
    let path = dir.join("large.pmtiles");
    let stats = write_pmtiles(&path, tiles.clone(), &meta).unwrap();
    ((path, tiles, meta, dir), stats)
}

#[test]
fn large_sparse_export_uses_leaf_directories_and_dedup() {
    let (_, stats) = large_sparse_archive("pmtiles-large");
    assert!(stats.leaf_directories > 0, "{stats:?}");
    assert!(stats.tile_contents < stats.addressed_tiles, "{stats:?}");
}

#[test]
#[ignore = "needs python3 with pmtiles (pip install pmtiles); run with --include-ignored (as .ci/run does)"]
fn large_sparse_export_reads_back_in_python() {
    require_pmtiles_reader();
    let ((path, tiles, meta, dir), _) = large_sparse_archive("pmtiles-large-py");
    run_checker(&path, &expected_json(&tiles, &meta), &dir);
}
