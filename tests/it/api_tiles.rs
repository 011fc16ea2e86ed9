//! Tiles and TileJSON over HTTP, in-process, on the real data, decoded with an independent
//! decoder (mvt-reader).

use crate::common;
use crate::tiles_common;

use axum::http::Request;
use carecover::tiles::{lat_to_tile_y, lon_to_tile_x};
use common::{assert_error, get, get_json, router, send};
use mvt_reader::feature::Value;
use mvt_reader::Reader;
use std::collections::HashMap;

fn tile_of(lon: f64, lat: f64, z: u8) -> (u8, u32, u32) {
    (
        z,
        lon_to_tile_x(lon, z).floor() as u32,
        lat_to_tile_y(lat, z).floor() as u32,
    )
}

/// Features per layer name.
fn decode(bytes: &[u8]) -> HashMap<String, Vec<mvt_reader::feature::Feature>> {
    let reader = Reader::new(bytes.to_vec()).expect("tile decodes");
    reader
        .get_layer_metadata()
        .expect("layers")
        .into_iter()
        .map(|m| {
            assert_eq!(m.extent, 4096);
            assert_eq!(m.version, 2);
            (
                m.name,
                reader.get_features(m.layer_index).expect("features"),
            )
        })
        .collect()
}

/// Providers whose point falls in the tile's buffered box (64 of 4096 units each side).
fn providers_in(z: u8, x: u32, y: u32) -> usize {
    let ds = common::dataset();
    ds.providers
        .iter()
        .filter(|p| {
            let tx = (lon_to_tile_x(p.location.lon(), z) - x as f64) * 4096.0;
            let ty = (lat_to_tile_y(p.location.lat(), z) - y as f64) * 4096.0;
            (-64.0..=4160.0).contains(&tx) && (-64.0..=4160.0).contains(&ty)
        })
        .count()
}

#[tokio::test]
async fn tiles_at_z6_z10_z14_decode_with_the_expected_layers_and_counts() {
    let r = router();
    for z in [6u8, 10, 14] {
        let (z, x, y) = tile_of(130.7079, 32.8032, z);
        let (s, h, body) = get(&r, &format!("/tiles/{z}/{x}/{y}.mvt")).await;
        assert_eq!(s, 200, "z{z}");
        assert_eq!(h["content-type"], "application/vnd.mapbox-vector-tile");
        let layers = decode(&body);
        let providers = &layers["providers"];
        assert_eq!(providers.len(), providers_in(z, x, y), "z{z}");
        assert!(!providers.is_empty());
        for f in providers {
            let p = f.properties.as_ref().unwrap();
            // A 医療機関番号, or a resource row's `r` and 12 hex digits.
            assert!(
                matches!(p["id"], Value::String(ref s) if s.len() == 7 || (s.starts_with('r') && s.len() == 13)),
                "{:?}",
                p["id"]
            );
            assert!(matches!(p["home_care_support_clinic"], Value::Bool(_)));
            assert!(matches!(p["class"], Value::String(_)));
            assert!(matches!(p["phone"], Value::String(_)));
        }
        let regions = &layers["regions"];
        assert!(!regions.is_empty());
        let region_ids: Vec<_> = regions
            .iter()
            .map(|f| f.properties.as_ref().unwrap()["id"].clone())
            .collect();
        assert!(
            region_ids.contains(&Value::UInt(1)),
            "熊本・上益城 in {region_ids:?}"
        );
        assert_eq!(layers.contains_key("towns"), z >= 12, "towns only from z12");
    }
}

#[tokio::test]
async fn the_whole_prefecture_at_z5_holds_every_provider_and_region() {
    let r = router();
    let (z, x, y) = tile_of(130.7, 32.6, 5);
    let (s, _, body) = get(&r, &format!("/tiles/{z}/{x}/{y}.mvt")).await;
    assert_eq!(s, 200);
    let layers = decode(&body);
    assert_eq!(
        layers["providers"].len(),
        1324 + 400,
        "and the built-in pharmacies"
    );
    assert_eq!(layers["regions"].len(), 10);
}

#[tokio::test]
async fn tilejson_has_the_tilejson_3_required_fields() {
    let r = router();
    let (s, v) = get_json(&r, "/tiles.json").await;
    assert_eq!(s, 200);
    assert_eq!(v["tilejson"], "3.0.0");
    let tiles = v["tiles"].as_array().unwrap();
    assert!(tiles[0]
        .as_str()
        .unwrap()
        .contains("/tiles/{z}/{x}/{y}.mvt"));
    let layers: Vec<&str> = v["vector_layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    for name in [
        "providers",
        "regions",
        "towns",
        "coverage",
        "gaps",
        "road_coverage",
    ] {
        assert!(layers.contains(&name), "{name} in {layers:?}");
    }
    for l in v["vector_layers"].as_array().unwrap() {
        assert!(l["fields"].is_object(), "{l}");
    }
    assert!(v["attribution"].as_str().unwrap().contains("国土数値情報"));
    assert!(v["attribution"].as_str().unwrap().contains("九州厚生局"));
    assert_eq!(v["bounds"].as_array().unwrap().len(), 4);
    assert_eq!(v["center"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn gzip_etag_and_304() {
    let r = router();
    let (z, x, y) = tile_of(130.7079, 32.8032, 11);
    let uri = format!("/tiles/{z}/{x}/{y}.mvt");
    let req = Request::get(&uri)
        .header("accept-encoding", "gzip, br")
        .body(axum::body::Body::empty())
        .unwrap();
    let (s, h, gz) = send(&r, req).await;
    assert_eq!(s, 200);
    assert_eq!(h["content-encoding"], "gzip");
    let etag = h["etag"].to_str().unwrap().to_string();
    assert!(h["cache-control"].to_str().unwrap().contains("max-age"));
    let mut raw = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut raw).unwrap();
    let (_, h2, plain) = get(&r, &uri).await;
    assert!(h2.get("content-encoding").is_none());
    assert_eq!(raw, plain);
    assert_ne!(
        h2["etag"],
        etag.as_str(),
        "gzip and identity bodies need distinct ETags"
    );
    let req = Request::get(&uri)
        .header("accept-encoding", "gzip")
        .header("if-none-match", &etag)
        .body(axum::body::Body::empty())
        .unwrap();
    let (s, _, body) = send(&r, req).await;
    assert_eq!(s, 304);
    assert!(body.is_empty());
}

#[tokio::test]
async fn an_empty_tile_is_a_204() {
    let r = router();
    // The Pacific, far from Kumamoto.
    let (s, _, body) = get(&r, "/tiles/8/0/0.mvt").await;
    assert_eq!(s, 204);
    assert!(body.is_empty());
    // Outside the served zoom range.
    let (s, _, _) = get(&r, "/tiles/3/6/3.mvt").await;
    assert_eq!(s, 204);
}

#[tokio::test]
async fn impossible_tile_coordinates_are_a_400() {
    let r = router();
    for uri in [
        "/tiles/3/8/0.mvt",
        "/tiles/3/0/8.mvt",
        "/tiles/23/0/0.mvt",
        "/tiles/a/0/0.mvt",
        "/tiles/5/-1/0.mvt",
        "/tiles/5/1/1.png",
        "/tiles/5/1/1",
        "/tiles/5/1/99999999999999999999.mvt",
    ] {
        assert_error(&r, uri, 400, "invalid_tile").await;
    }
}

#[tokio::test]
async fn coverage_and_gap_layers_carry_every_preset() {
    let r = router();
    let (z, x, y) = tile_of(130.7, 32.6, 5);
    let (_, _, body) = get(&r, &format!("/tiles/{z}/{x}/{y}.mvt")).await;
    let layers = decode(&body);
    let presets = |name: &str| {
        let mut v: Vec<String> = layers[name]
            .iter()
            .map(|f| match &f.properties.as_ref().unwrap()["preset"] {
                Value::String(s) => s.clone(),
                other => panic!("{other:?}"),
            })
            .collect();
        v.sort();
        v.dedup();
        v
    };
    assert_eq!(
        presets("coverage"),
        [
            "enhanced_palliative",
            "home_care",
            "pediatric_home",
            "strengthened"
        ]
    );
    // home_care leaves gaps (阿蘇, 八代, 球磨 …) and enhanced_palliative leaves most of the map.
    assert!(presets("gaps").contains(&"enhanced_palliative".to_string()));
    assert!(presets("gaps").contains(&"home_care".to_string()));
    let (_, tj) = get_json(&r, "/tiles.json").await;
    let ids: Vec<&str> = tj["vector_layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"coverage") && ids.contains(&"gaps"),
        "{ids:?}"
    );
}

#[tokio::test]
async fn every_real_polygon_ring_is_closed_in_the_clip_box_and_wound_as_mvt_requires() {
    let r = router();
    let mut rings = 0;
    for (lon, lat) in [(130.7079, 32.8032), (130.19, 32.45), (131.1, 32.95)] {
        for z in [6u8, 10, 14] {
            let (z, x, y) = tile_of(lon, lat, z);
            let (s, _, body) = get(&r, &format!("/tiles/{z}/{x}/{y}.mvt")).await;
            if s == 204 {
                continue;
            }
            for (name, _, _, features) in tiles_common::decode(&body) {
                if !["regions", "coverage", "gaps", "road_coverage"].contains(&name.as_str()) {
                    continue;
                }
                for f in features {
                    let polys = match f.geometry {
                        geo_types::Geometry::Polygon(p) => vec![p],
                        geo_types::Geometry::MultiPolygon(mp) => mp.0,
                        other => panic!("{name} z{z}: not a polygon: {other:?}"),
                    };
                    for p in polys {
                        for (i, ring) in std::iter::once(p.exterior())
                            .chain(p.interiors())
                            .enumerate()
                        {
                            assert!(
                                ring.0.len() >= 4,
                                "{name} {z}/{x}/{y}: ring of {} points",
                                ring.0.len()
                            );
                            assert_eq!(
                                ring.0.first(),
                                ring.0.last(),
                                "{name} {z}/{x}/{y}: open ring"
                            );
                            assert!(ring.0.iter().all(
                                |c| (-65..=4161).contains(&c.x) && (-65..=4161).contains(&c.y)
                            ));
                            let a = tiles_common::spec_area2(ring);
                            if i == 0 {
                                assert!(a > 0, "{name} {z}/{x}/{y}: exterior area {a}");
                            } else {
                                assert!(a < 0, "{name} {z}/{x}/{y}: hole area {a}");
                            }
                            rings += 1;
                        }
                    }
                }
            }
        }
    }
    assert!(rings > 100, "only {rings} rings checked");
}

#[tokio::test]
async fn the_road_coverage_layer_carries_the_home_care_road_area_per_region() {
    let r = router();
    let (z, x, y) = tile_of(130.7, 32.6, 6);
    let (s, _, body) = get(&r, &format!("/tiles/{z}/{x}/{y}.mvt")).await;
    assert_eq!(s, 200);
    let layers = decode(&body);
    let feats = &layers["road_coverage"];
    let (_, regions) = get_json(&r, "/api/regions").await;
    let rows = regions["road_coverage"]["regions"].as_array().unwrap();
    let reached: Vec<u64> = rows
        .iter()
        .filter(|r| !r["covered_by_road_pct"].is_null())
        .map(|r| r["region_id"].as_u64().unwrap())
        .collect();
    let mut ids: Vec<u64> = feats
        .iter()
        .map(|f| {
            let p = f.properties.as_ref().unwrap();
            assert!(matches!(&p["preset"], Value::String(s) if s == "home_care"));
            assert!(matches!(p["road_buffer_m"], Value::Double(b) if b == 1000.0));
            match p["region_id"] {
                Value::UInt(id) => id,
                ref other => panic!("{other:?}"),
            }
        })
        .collect();
    ids.sort();
    // One feature per region with a figure; regions too sparse in road data have none.
    assert_eq!(ids, reached);
    assert!(!ids.contains(&6) && !ids.contains(&10));
}

#[tokio::test]
async fn the_access_tiles_carry_each_cells_index_as_the_api_answers_it() {
    let r = router();
    // 熊本駅 at z10: the cells of its tile, decoded, against /api/access?cells=true.
    let (z, x, y) = tile_of(130.6887, 32.7898, 10);
    let (status, _, body) = get(
        &r,
        &format!("/tiles/access/enhanced_palliative/2040/{z}/{x}/{y}.mvt"),
    )
    .await;
    assert_eq!(status, 200);
    let layers = decode(&body);
    assert_eq!(layers.keys().collect::<Vec<_>>(), ["access"]);
    let (_, answer) = get_json(
        &r,
        "/api/access?preset=enhanced_palliative&year=2040&cells=true",
    )
    .await;
    let by_code: HashMap<&str, &serde_json::Value> = answer["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["mesh_code"].as_str().unwrap(), c))
        .collect();
    let features = &layers["access"];
    assert!(features.len() > 100, "{} cells", features.len());
    for f in features {
        let props = f.properties.as_ref().unwrap();
        let Some(Value::String(code)) = props.get("mesh_code") else {
            panic!("no mesh_code")
        };
        let want = by_code[code.as_str()]["access_index"].as_f64().unwrap();
        let got = match props.get("access_index") {
            Some(Value::Double(v)) => *v,
            Some(Value::Float(v)) => f64::from(*v),
            other => panic!("access_index {other:?}"),
        };
        assert!(
            (got - want).abs() <= 0.005 + 1e-9,
            "{code}: tile {got}, API {want}"
        );
        assert!(
            matches!(props.get("source"), Some(Value::String(s)) if s == "measured" || s == "estimated")
        );
    }
    // Below the layer's zooms a tile is empty; bad presets, years and tiles are named.
    let (status, _, _) = get(&r, "/tiles/access/home_care/2020/5/27/12.mvt").await;
    assert_eq!(status, 204);
    for (uri, code) in [
        ("/tiles/access/nope/2020/8/220/103.mvt", "unknown_preset"),
        ("/tiles/access/home_care/2041/8/220/103.mvt", "invalid_year"),
        ("/tiles/access/home_care/2020/8/220/103.png", "invalid_tile"),
    ] {
        assert_error(&r, uri, 400, code).await;
    }
}
