//! The orientation basemap over HTTP, in-process on the real data: `/style.json`, glyph ranges
//! at `/fonts/{fontstack}/{start}-{end}.pbf`, and the basemap's tile layers (municipalities,
//! their name points, roads by class and zoom).

use crate::common;

use axum::http::Request;
use carecover::app::layers::ROAD_CLASS_MIN_ZOOM;
use carecover::tiles::{lat_to_tile_y, lon_to_tile_x, FONT_NAME};
use common::{assert_error, get, get_json, send, shared_router};
use mvt_reader::feature::Value;
use mvt_reader::Reader;
use std::collections::HashMap;

const FONT_PATH: &str = "BIZ%20UDPGothic%20Regular";

/// Features' properties per layer name of the tile holding (lon, lat) at z.
async fn tile_at(lon: f64, lat: f64, z: u8) -> HashMap<String, Vec<HashMap<String, Value>>> {
    let (x, y) = (
        lon_to_tile_x(lon, z).floor() as u32,
        lat_to_tile_y(lat, z).floor() as u32,
    );
    let (s, _, body) = get(&shared_router(), &format!("/tiles/{z}/{x}/{y}.mvt")).await;
    assert_eq!(s, 200, "z{z}");
    let reader = Reader::new(body).expect("tile decodes");
    reader
        .get_layer_metadata()
        .unwrap()
        .into_iter()
        .map(|m| {
            let props = reader
                .get_features(m.layer_index)
                .unwrap()
                .into_iter()
                .map(|f| f.properties.unwrap_or_default())
                .collect();
            (m.name, props)
        })
        .collect()
}

fn uint(v: &Value) -> u64 {
    match v {
        Value::UInt(n) => *n,
        Value::Int(n) | Value::SInt(n) => *n as u64,
        other => panic!("not an integer: {other:?}"),
    }
}

#[tokio::test]
async fn the_style_names_this_servers_absolute_urls_and_credits_data_and_font() {
    let req = Request::get("/style.json")
        .header("host", "maps.example.org:8443")
        .body(axum::body::Body::empty())
        .unwrap();
    let (s, h, body) = send(&shared_router(), req).await;
    assert_eq!(s, 200);
    assert!(h["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    assert!(h.contains_key("etag") && h.contains_key("cache-control"));
    let style: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(style["version"], 8);
    assert_eq!(
        style["sources"]["carecover"]["url"],
        "http://maps.example.org:8443/tiles.json"
    );
    assert_eq!(
        style["glyphs"],
        "http://maps.example.org:8443/fonts/{fontstack}/{range}.pbf"
    );
    let attribution = style["sources"]["carecover"]["attribution"]
        .as_str()
        .unwrap();
    for credit in [
        "九州厚生局",
        "国土数値情報",
        "通れる道マップ",
        "BIZ UDPゴシック",
        "OFL",
    ] {
        assert!(attribution.contains(credit), "{credit}: {attribution}");
    }
    // Every source layer the style draws is in the TileJSON.
    let (_, tj) = get_json(&shared_router(), "/tiles.json").await;
    let served: Vec<&str> = tj["vector_layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    for layer in style["layers"].as_array().unwrap() {
        if let Some(sl) = layer["source-layer"].as_str() {
            assert!(
                served.contains(&sl),
                "{} draws {sl}: {served:?}",
                layer["id"]
            );
        }
    }
    for want in [
        "municipalities",
        "municipality_labels",
        "roads",
        "towns",
        "providers",
    ] {
        assert!(served.contains(&want), "{want}: {served:?}");
    }
    // Revalidation: 304 with the same tag.
    let req = Request::get("/style.json")
        .header("if-none-match", h["etag"].clone())
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(send(&shared_router(), req).await.0, 304);
}

#[tokio::test]
async fn a_glyph_range_is_a_pbf_of_the_first_font_of_the_stack_we_have() {
    let r = shared_router();
    let (s, h, body) = get(&r, &format!("/fonts/{FONT_PATH}/12288-12543.pbf")).await;
    assert_eq!(s, 200);
    assert_eq!(h["content-type"], "application/x-protobuf");
    assert!(h["cache-control"].to_str().unwrap().contains("max-age"));
    assert!(
        body.len() > 10_000,
        "hiragana and katakana: {} bytes",
        body.len()
    );
    // The name and range are in the fontstack message.
    let text = String::from_utf8_lossy(&body);
    assert!(text.contains(FONT_NAME) && text.contains("12288-12543"));
    // A stack whose first font we lack is served by the next one; the same bytes.
    let stack = format!("Noto%20Sans%20Regular,{FONT_PATH}");
    let (s2, h2, body2) = get(&r, &format!("/fonts/{stack}/12288-12543.pbf")).await;
    assert_eq!((s2, &body2), (s, &body));
    assert_eq!(h2["etag"], h["etag"]);
    let req = Request::get(format!("/fonts/{FONT_PATH}/12288-12543.pbf"))
        .header("if-none-match", h["etag"].clone())
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(send(&r, req).await.0, 304);
    // Gzipped when the client accepts it.
    let req = Request::get(format!("/fonts/{FONT_PATH}/12288-12543.pbf"))
        .header("accept-encoding", "gzip")
        .body(axum::body::Body::empty())
        .unwrap();
    let (s, h, gz) = send(&r, req).await;
    assert_eq!(s, 200);
    assert_eq!(h["content-encoding"], "gzip");
    assert!(gz.len() < body.len() / 2, "{} of {}", gz.len(), body.len());
    // A range without glyphs (private use) is still a PBF.
    let (s, _, body) = get(&r, &format!("/fonts/{FONT_PATH}/57344-57599.pbf")).await;
    assert_eq!(s, 200);
    assert!(!body.is_empty());
}

#[tokio::test]
async fn the_font_file_is_served_for_the_pages_own_text() {
    let r = shared_router();
    let (s, h, body) = get(&r, "/fonts/ui.ttf").await;
    assert_eq!(s, 200);
    assert_eq!(h["content-type"], "font/ttf");
    // A TrueType file (sfnt version 1.0), the one the glyphs are rendered from.
    assert_eq!(&body[..4], &[0, 1, 0, 0]);
    assert_eq!(body, carecover::tiles::builtin_font_file());
    let req = Request::get("/fonts/ui.ttf")
        .header("if-none-match", h["etag"].clone())
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(send(&r, req).await.0, 304);
}

#[tokio::test]
async fn a_glyph_range_that_is_not_a_256_block_is_a_400_naming_it() {
    let r = shared_router();
    for bad in [
        "0-256.pbf",
        "1-256.pbf",
        "256-511",
        "0-255.png",
        "a-b.pbf",
        "65536-65791.pbf",
    ] {
        let v = assert_error(
            &r,
            &format!("/fonts/{FONT_PATH}/{bad}"),
            400,
            "invalid_range",
        )
        .await;
        let msg = v["error"]["message"].as_str().unwrap();
        assert!(msg.contains(bad.trim_end_matches(".pbf")), "{bad}: {msg}");
    }
}

#[tokio::test]
async fn an_unknown_fontstack_is_a_404_naming_it() {
    let v = assert_error(
        &shared_router(),
        "/fonts/Open%20Sans%20Regular,Arial%20Unicode%20MS%20Regular/0-255.pbf",
        404,
        "not_found",
    )
    .await;
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(
        msg.contains("Open Sans Regular,Arial Unicode MS Regular"),
        "{msg}"
    );
    assert!(msg.contains(FONT_NAME), "{msg}");
}

#[tokio::test]
async fn municipalities_and_their_names_are_in_the_tiles() {
    // 熊本市 at z9: land polygons and name points with the layer's properties.
    let t = tile_at(130.7079, 32.8032, 9).await;
    let munis = &t["municipalities"];
    assert!(munis.len() >= 5, "{}", munis.len());
    let kumamoto = munis
        .iter()
        .find(|p| p["jis_code"] == Value::String("43100".into()))
        .expect("熊本市");
    assert_eq!(kumamoto["name"], Value::String("熊本市".into()));
    assert_eq!(uint(&kumamoto["region_id"]), 1);
    let names: Vec<&Value> = t["municipality_labels"]
        .iter()
        .map(|p| &p["name"])
        .collect();
    assert!(
        names.contains(&&Value::String("熊本市".into())),
        "{names:?}"
    );
    // Every municipality has one label point: the z5 tile holds the whole prefecture.
    let ds = common::dataset();
    let all = tile_at(130.74, 32.62, 5).await["municipality_labels"].len();
    assert_eq!(all, ds.municipalities.len());
}

#[tokio::test]
async fn roads_are_classed_and_low_zooms_hold_only_the_busiest() {
    let (lon, lat) = (130.7079, 32.8032);
    let below = tile_at(lon, lat, ROAD_CLASS_MIN_ZOOM[2] - 1).await;
    assert!(
        !below.contains_key("roads"),
        "no roads below z{}",
        ROAD_CLASS_MIN_ZOOM[2]
    );
    for (z, lowest) in [(8u8, 3u64), (10, 2), (12, 1), (14, 1)] {
        let t = tile_at(lon, lat, z).await;
        let roads = &t["roads"];
        assert!(!roads.is_empty(), "z{z}");
        let classes: Vec<u64> = roads.iter().map(|p| uint(&p["class"])).collect();
        assert!(
            classes.iter().all(|c| (lowest..=3).contains(c)),
            "z{z}: {classes:?}"
        );
        assert!(classes.contains(&lowest), "z{z} draws class {lowest}");
        if z == 14 {
            // Full detail: each link with how often it was seen.
            for p in roads {
                let seen = uint(&p["seen"]);
                assert!((1..=20).contains(&seen));
                assert_eq!(uint(&p["seen_pct"]), (seen * 100 + 10) / 20);
            }
        }
    }
    // Town names are there for the labels at high zoom, around the mountain address.
    let (_, g) = get_json(&shared_router(), "/api/geocode?q=八代市泉町柿迫").await;
    let at = &g["candidates"][0];
    let (lon, lat) = (at["lon"].as_f64().unwrap(), at["lat"].as_f64().unwrap());
    let t = tile_at(lon, lat, 13).await;
    let towns: Vec<&Value> = t["towns"].iter().map(|p| &p["name"]).collect();
    assert!(
        towns
            .iter()
            .any(|n| matches!(n, Value::String(s) if s.contains("柿迫"))),
        "{towns:?}"
    );
}
