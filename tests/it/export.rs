//! `carecover export` to PMTiles and MBTiles, read back by independent readers (Python
//! `pmtiles`, sqlite3 and `mapbox-vector-tile`), compared byte for byte with the HTTP tiles.
//! The read-back test needs python3 with those packages, so it is ignored by default; run it
//! with `--include-ignored` (`.ci/run` installs the packages and runs every ignored test).
//! Without the packages it fails naming them.

use crate::common;
use crate::tiles_common;

use carecover::tiles::{lat_to_tile_y, lon_to_tile_x};
use std::process::Command;

fn require_readers() {
    common::require_python(
        "pmtiles.reader, mapbox_vector_tile",
        "pip install pmtiles mapbox-vector-tile",
    );
}

fn export(format: &str, out: &std::path::Path) {
    let o = Command::new(env!("CARGO_BIN_EXE_carecover"))
        .args([
            "export",
            "--format",
            format,
            "--minzoom",
            "5",
            "--maxzoom",
            "10",
            "-o",
        ])
        .arg(out)
        .env("CARECOVER_DATA", common::data_dir())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[tokio::test]
#[ignore = "needs python3 with pmtiles and mapbox-vector-tile (pip install pmtiles mapbox-vector-tile); run with --include-ignored (as .ci/run does)"]
async fn exports_open_with_independent_readers_and_match_the_http_tiles() {
    require_readers();
    let dir = std::env::temp_dir().join(format!("carecover-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (pm, mb) = (dir.join("k.pmtiles"), dir.join("k.mbtiles"));
    export("pmtiles", &pm);
    export("mbtiles", &mb);

    // A sample: 熊本市, 天草, 阿蘇 at z5–z10, and one empty tile in the sea west of Kyushu.
    let mut coords = Vec::new();
    for (lon, lat) in [(130.7079, 32.8032), (130.19, 32.45), (131.1, 32.95)] {
        for z in [5u8, 6, 8, 10] {
            coords.push(format!(
                "{z}/{}/{}",
                lon_to_tile_x(lon, z).floor(),
                lat_to_tile_y(lat, z).floor()
            ));
        }
    }
    coords.push(format!(
        "10/{}/{}",
        lon_to_tile_x(128.5, 10).floor(),
        lat_to_tile_y(31.0, 10).floor()
    ));
    coords.sort();
    coords.dedup();
    let o = Command::new("python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/py/read_archives.py"
        ))
        .arg(&pm)
        .arg(&mb)
        .args(&coords)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();

    let r = common::router();
    for c in &coords {
        let (status, _, body) = common::get(&r, &format!("/tiles/{c}.mvt")).await;
        let http = if status == 204 {
            serde_json::Value::Null
        } else {
            serde_json::json!(hex(&body))
        };
        assert_eq!(v["pmtiles"][c], http, "PMTiles tile {c} differs from HTTP");
        assert_eq!(v["mbtiles"][c], http, "MBTiles tile {c} differs from HTTP");
        if status == 200 {
            let decoded = &v["decoded"][c];
            for layer in ["providers", "regions", "coverage"] {
                assert!(
                    decoded[layer]["count"].as_u64().unwrap_or(0) > 0,
                    "{c}: {layer} in {decoded}"
                );
                assert_eq!(decoded[layer]["extent"], 4096);
            }
            let props: Vec<&str> = decoded["providers"]["props"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p.as_str().unwrap())
                .collect();
            for p in ["id", "name", "class", "phone", "home_care_support_clinic"] {
                assert!(props.contains(&p), "{p} in {props:?}");
            }
        }
    }
    assert_eq!(v["pm_header"]["min_zoom"], 5);
    assert_eq!(v["pm_header"]["max_zoom"], 10);
    assert!(v["pm_metadata"]["vector_layers"].as_array().unwrap().len() >= 5);
    assert_eq!(v["mb_metadata"]["format"], "pbf");
    assert!(v["mb_metadata"]["attribution"]
        .as_str()
        .unwrap()
        .contains("国土数値情報"));
    assert!(v["mb_count"].as_u64().unwrap() > 20);
    assert_eq!(
        v["mb_count"], v["pm_header"]["addressed_tiles_count"],
        "both archives hold the same tiles"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[test]
fn an_impossible_zoom_range_is_a_clear_error() {
    let o = Command::new(env!("CARGO_BIN_EXE_carecover"))
        .args([
            "export",
            "--minzoom",
            "9",
            "--maxzoom",
            "7",
            "-o",
            "/tmp/never.pmtiles",
        ])
        .env("CARECOVER_DATA", common::data_dir())
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("zoom range 9..=7"));
}

/// The layer messages (field 3) of a tile, in order, as raw bytes.
fn layer_messages(tile: &[u8]) -> Vec<Vec<u8>> {
    tiles_common::fields(tile)
        .into_iter()
        .filter(|f| f.0 == 3)
        .map(|f| f.2)
        .collect()
}

#[tokio::test]
async fn layers_exports_only_the_named_layers_with_the_http_tiles_bytes() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("export-layers");
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("two.mbtiles");
    let o = common::run_bin(&[
        "export",
        "--format",
        "mbtiles",
        "--layers",
        "providers,regions",
        "--minzoom",
        "5",
        "--maxzoom",
        "8",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let db = rusqlite::Connection::open(&out).unwrap();
    let json: String = db
        .query_row("SELECT value FROM metadata WHERE name = 'json'", [], |r| {
            r.get(0)
        })
        .unwrap();
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let ids: Vec<&str> = json["vector_layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["regions", "providers"], "draw order, only the two");

    let mut st = db
        .prepare("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles")
        .unwrap();
    let tiles: Vec<(u8, u32, u32, Vec<u8>)> = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(!tiles.is_empty());
    let mut seen = std::collections::BTreeSet::new();
    let r = common::router();
    for (z, x, tms_row, gz) in &tiles {
        let mut raw = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut raw).unwrap();
        let y = (1u32 << z) - 1 - tms_row;
        let names: Vec<String> = tiles_common::decode(&raw)
            .into_iter()
            .map(|l| l.0)
            .collect();
        assert!(
            names.iter().all(|n| n == "providers" || n == "regions"),
            "{z}/{x}/{y}: {names:?}"
        );
        seen.extend(names);
        // The same layer bytes as the live tile, which has every layer.
        let (status, _, http) = common::get(&r, &format!("/tiles/{z}/{x}/{y}.mvt")).await;
        assert_eq!(status, 200, "{z}/{x}/{y}");
        let live = layer_messages(&http);
        for layer in layer_messages(&raw) {
            assert!(live.contains(&layer), "{z}/{x}/{y}: a layer differs");
        }
    }
    assert_eq!(
        seen.into_iter().collect::<Vec<_>>(),
        ["providers", "regions"]
    );
    let _ = std::fs::remove_file(&out);
}

#[test]
fn an_unknown_layer_is_a_clear_error_naming_the_known_ones() {
    let o = common::run_bin(&[
        "export",
        "--layers",
        "providers,hospitals",
        "-o",
        "/tmp/never-layers.pmtiles",
    ]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("unknown layer \"hospitals\""), "{err}");
    for known in ["providers", "regions", "coverage", "gaps"] {
        assert!(err.contains(known), "{known} in {err}");
    }
    assert!(!std::path::Path::new("/tmp/never-layers.pmtiles").exists());
}
