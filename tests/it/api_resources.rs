//! Local resources (訪問看護ステーション, pharmacies, care homes …) served like providers, on a
//! data folder of the built-in files plus a test resource list (`common::ResourceData`):
//! `kind=` in nearest, coverage and what-if, the default that never returns a resource, the
//! source and date of every answer, the providers tile layer, the attribution, the kinds
//! route, and a reload that picks up a changed resource file.

use crate::common::{
    self, get, get_json, post_json, resource_router, resource_snapshot, send, ResourceData,
    ResourceRow, RESOURCE_CREDIT, RESOURCE_ROWS, RESOURCE_SOURCE, RESOURCE_SOURCE_DATE,
    RESOURCE_SOURCE_NAME,
};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use carecover::app::Snapshot;
use carecover::coverage::CoverageParams;
use carecover::data::{KindSet, ProviderKind};
use carecover::geom::{geodesic_distance_m, LonLat};
use carecover::server::{app, AdminToken, AppState, DataSource};
use carecover::tiles::{lat_to_tile_y, lon_to_tile_x};
use mvt_reader::feature::Value as MvtValue;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};

/// 熊本市中央区, near 熊本駅 and the 下通 pharmacies (the README's example point).
const CITY: (f64, f64) = (32.8032, 130.7079);
/// Points over the prefecture: 熊本市, 八代, 天草, 人吉, 阿蘇.
const POINTS: [(f64, f64); 5] = [
    CITY,
    (32.5050, 130.6100),
    (32.4500, 130.2000),
    (32.2100, 130.7600),
    (32.9400, 131.1000),
];

fn point_of(r: &ResourceRow) -> LonLat {
    LonLat::new(r.lon, r.lat).unwrap()
}

/// The rows of `kinds`, nearest first from `at` by Karney's geodesic (ties by name), with
/// their distances in metres: the brute-force answer.
fn brute_force(at: LonLat, kinds: &[&str]) -> Vec<(&'static ResourceRow, f64)> {
    let mut rows: Vec<(&ResourceRow, f64)> = RESOURCE_ROWS
        .iter()
        .filter(|r| kinds.contains(&r.kind))
        .map(|r| (r, geodesic_distance_m(at, point_of(r))))
        .collect();
    rows.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.name.cmp(b.0.name)));
    rows
}

fn results(v: &Value) -> &Vec<Value> {
    v["results"].as_array().unwrap_or_else(|| panic!("{v}"))
}

/// Each result is the brute force's row at that rank: name, kind, distance (metres), and the
/// row's source, date and capabilities.
fn assert_answer_is_brute_force(v: &Value, want: &[(&ResourceRow, f64)], ctx: &str) {
    let got = results(v);
    assert_eq!(got.len(), want.len(), "{ctx}: {v}");
    for (i, (r, (row, d))) in got.iter().zip(want).enumerate() {
        assert_eq!(r["name"], row.name, "{ctx} rank {i}");
        assert_eq!(r["kinds"], json!([row.kind]), "{ctx} rank {i}");
        assert_eq!(r["facility_type"], "resource", "{ctx} rank {i}");
        let km = r["distance_km"].as_f64().unwrap();
        assert!(
            (km - d / 1000.0).abs() <= 0.0006,
            "{ctx} rank {i}: {km} vs {d} m"
        );
        assert_eq!(r["phone"], row.phone);
        assert_eq!(r["address"], row.address);
        let (source, name, date) = if row.source.is_empty() {
            (RESOURCE_SOURCE, RESOURCE_SOURCE_NAME, RESOURCE_SOURCE_DATE)
        } else {
            (row.source, row.source, row.date)
        };
        assert_eq!(r["source"], source, "{ctx} rank {i}");
        assert_eq!(r["source_name"], name, "{ctx} rank {i}");
        assert_eq!(r["source_date"], date, "{ctx} rank {i}");
        let caps: Vec<&str> = row
            .capabilities
            .split('|')
            .filter(|c| !c.is_empty())
            .collect();
        match r.get("capabilities") {
            Some(c) => assert_eq!(c, &json!(caps), "{ctx} rank {i}"),
            None => assert!(caps.is_empty(), "{ctx} rank {i}: capabilities missing"),
        }
    }
}

#[tokio::test]
async fn nearest_kind_pharmacy_is_the_pharmacy_rows_in_brute_force_order() {
    let r = resource_router();
    for (lat, lon) in POINTS {
        let at = LonLat::new(lon, lat).unwrap();
        let want = brute_force(at, &["pharmacy"]);
        for prefix in ["/api/v1", "/api"] {
            let uri = format!("{prefix}/nearest?lat={lat}&lon={lon}&k=50&kind=pharmacy");
            let (s, v) = get_json(&r, &uri).await;
            assert_eq!(s, StatusCode::OK, "{uri}: {v}");
            assert_answer_is_brute_force(&v, &want, &uri);
            assert_eq!(v["kinds"], json!(["pharmacy"]));
            // Only pharmacies are listed: the answer credits the resource list, not the
            // 厚生局 list.
            let roles: Vec<&str> = v["sources"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["role"].as_str().unwrap())
                .collect();
            assert!(
                roles.contains(&"resources") && !roles.contains(&"providers"),
                "{roles:?}"
            );
        }
        // k=2: the first two of the same order.
        let (_, v) = get_json(
            &r,
            &format!("/api/v1/nearest?lat={lat}&lon={lon}&k=2&kind=pharmacy"),
        )
        .await;
        assert_answer_is_brute_force(&v, &want[..2], "k=2");
    }
}

#[tokio::test]
async fn nearest_with_two_resource_kinds_lists_either_kind_in_brute_force_order() {
    let r = resource_router();
    for (lat, lon) in POINTS {
        let at = LonLat::new(lon, lat).unwrap();
        let want = brute_force(at, &["pharmacy", "home_visit_nursing"]);
        assert_eq!(want.len(), 10);
        let uri =
            format!("/api/v1/nearest?lat={lat}&lon={lon}&k=50&kind=pharmacy,home_visit_nursing");
        let (s, v) = get_json(&r, &uri).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_answer_is_brute_force(&v, &want, &uri);
        // The 16 km counts are over those rows too: one within 16 km by the points is within
        // or to confirm, never beyond; one surely within is within by the points.
        let within = want.iter().filter(|(_, d)| *d <= 16_000.0).count() as u64;
        let rule = &v["rule_16km"];
        let sure = rule["providers_within"].as_u64().unwrap();
        let confirm = rule["providers_to_confirm"].as_u64().unwrap();
        assert!(sure <= within && within <= sure + confirm, "{uri}: {rule}");
    }
}

#[tokio::test]
async fn nearest_without_kind_never_returns_a_resource() {
    let r = resource_router();
    let snap = resource_snapshot().1.snapshot();
    let resources = snap
        .dataset
        .providers
        .iter()
        .filter(|p| p.facility_type == carecover::data::FacilityType::Resource)
        .count();
    assert_eq!(resources, RESOURCE_ROWS.len(), "every test row is loaded");
    for (lat, lon) in POINTS {
        for q in [
            "",
            "&kind=home_care_support_clinic,home_care_support_hospital",
        ] {
            let uri = format!("/api/v1/nearest?lat={lat}&lon={lon}&k=50{q}");
            let (s, v) = get_json(&r, &uri).await;
            assert_eq!(s, StatusCode::OK, "{v}");
            assert_eq!(results(&v).len(), 50);
            for x in results(&v) {
                assert_ne!(x["facility_type"], "resource", "{uri}: {}", x["name"]);
                assert_eq!(x["source"], "kouseikyoku");
                assert_eq!(x["source_date"], "2025-10-01");
                assert!(x.get("capabilities").is_none());
            }
            assert!(!v["kinds"]
                .as_array()
                .unwrap()
                .iter()
                .any(|k| k == "pharmacy"));
        }
    }
    // The same answer as the built-in data (the resource rows change nothing by default).
    let (_, with) = get_json(&r, "/api/v1/nearest?lat=32.8032&lon=130.7079&k=20").await;
    let (_, without) = get_json(
        &common::shared_router(),
        "/api/v1/nearest?lat=32.8032&lon=130.7079&k=20",
    )
    .await;
    let ids = |v: &Value| {
        results(v)
            .iter()
            .map(|x| x["id"].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&with), ids(&without));
}

#[tokio::test]
async fn a_resource_by_id_carries_its_source_date_and_capabilities() {
    let r = resource_router();
    let (_, v) = get_json(
        &r,
        "/api/v1/nearest?lat=32.2137&lon=130.7602&k=1&kind=home_visit_nursing",
    )
    .await;
    let first = &results(&v)[0];
    assert_eq!(first["name"], "九日町訪問看護ステーション");
    let id = first["id"].as_str().unwrap();
    assert!(id.starts_with('r') && id.len() == 13, "{id}");
    let (s, p) = get_json(&r, &format!("/api/v1/providers/{id}")).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    let p = &p["provider"];
    for key in [
        "id",
        "name",
        "kinds",
        "kinds_ja",
        "source",
        "source_name",
        "source_date",
        "capabilities",
        "facility_type",
        "region",
    ] {
        assert_eq!(p[key], first[key], "{key}");
    }
    assert_eq!(p["source"], "人吉球磨 在宅医療資源調査");
    assert_eq!(p["source_date"], "2026-09-01");
    assert_eq!(p["capabilities"], json!(["24時間対応"]));
    assert_eq!(p["kinds_ja"], json!(["訪問看護ステーション"]));
    assert_eq!(p["region"], "球磨");
    // A medical provider keeps its 医療機関番号 and carries the 厚生局 list's source.
    let (s, m) = get_json(&r, "/api/v1/providers/0114949").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(m["provider"]["source"], "kouseikyoku");
    assert!(m["provider"]["source_name"]
        .as_str()
        .unwrap()
        .contains("九州厚生局"));
    // Malformed ids are 400s; a well-formed unknown one a 404.
    for bad in ["rZZZZZZZZZZZZ", "r123", "x0114949"] {
        common::assert_error(&r, &format!("/api/v1/providers/{bad}"), 400, "invalid_id").await;
    }
    common::assert_error(&r, "/api/v1/providers/r000000000000", 404, "not_found").await;
}

#[tokio::test]
async fn coverage_of_home_visit_nursing_is_the_engines_with_brute_force_towns() {
    let r = resource_router();
    let snap = resource_snapshot().1.snapshot();
    let ds = &snap.dataset;
    let (s, v) = get_json(&r, "/api/v1/regions?kind=home_visit_nursing").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["kinds"], json!(["home_visit_nursing"]));
    assert!(v["preset"].is_null());
    let params = CoverageParams::new(
        KindSet::from_kinds([ProviderKind::HomeVisitNursing]),
        16.0,
        None,
    )
    .unwrap();
    let engine = snap.coverage.get(ds, params);
    assert_eq!(
        engine.sites.sites.len(),
        4,
        "the four stations are the layer's sites"
    );
    let total = &v["total"];
    assert!((total["covered_km2"].as_f64().unwrap() - engine.total.covered_km2).abs() < 0.1);
    assert_eq!(total["providers_total"], 4);
    assert_eq!(total["providers"]["home_visit_nursing"], 4);
    // Four discs of 16 km at most, minus the sea and the land over the border.
    let disc = std::f64::consts::PI * 16.0 * 16.0;
    let covered = total["covered_km2"].as_f64().unwrap();
    assert!(covered > disc && covered < 4.0 * disc, "{covered}");
    // Per region: the stations in it, and the towns farther than 16 km from every station by
    // Karney's geodesic (brute force over the rows).
    let stations: Vec<LonLat> = RESOURCE_ROWS
        .iter()
        .filter(|r| r.kind == "home_visit_nursing")
        .map(point_of)
        .collect();
    let mut uncovered: BTreeMap<u8, u64> = BTreeMap::new();
    for t in &ds.towns {
        let d = stations
            .iter()
            .map(|s| geodesic_distance_m(t.location, *s))
            .fold(f64::INFINITY, f64::min);
        if d > 16_000.0 {
            *uncovered.entry(t.region_id).or_default() += 1;
        }
    }
    for row in v["regions"].as_array().unwrap() {
        let id = row["id"].as_u64().unwrap() as u8;
        assert_eq!(
            row["towns_uncovered"].as_u64().unwrap(),
            uncovered.get(&id).copied().unwrap_or(0),
            "region {id} ({})",
            row["name"]
        );
        let in_region = ds
            .providers
            .iter()
            .filter(|p| p.region_id == id && p.kinds.contains(ProviderKind::HomeVisitNursing))
            .count() as u64;
        assert_eq!(
            row["providers_total"].as_u64().unwrap(),
            in_region,
            "region {id}"
        );
    }
    // The GeoJSON answer and the tiles' default layers do not change: resources are asked
    // for by name.
    let (s, g) = get_json(&r, "/api/v1/coverage?kind=home_visit_nursing").await;
    assert_eq!(s, StatusCode::OK);
    assert!(!g["features"].as_array().unwrap().is_empty());
    let (_, home) = get_json(&r, "/api/v1/regions").await;
    let (_, builtin) = get_json(&common::shared_router(), "/api/v1/regions").await;
    assert_eq!(
        home["total"]["covered_km2"],
        builtin["total"]["covered_km2"]
    );
    assert_eq!(
        home["total"]["providers_total"],
        builtin["total"]["providers_total"]
    );
}

#[tokio::test]
async fn a_scenario_naming_a_resource_kind_adds_and_removes_resources() {
    let r = resource_router();
    let (_, near) = get_json(
        &r,
        "/api/v1/nearest?lat=32.4583&lon=130.1925&k=1&kind=pharmacy",
    )
    .await;
    let amakusa = results(&near)[0]["id"].as_str().unwrap().to_string();
    assert_eq!(results(&near)[0]["name"], "東浜町薬局");
    let (s, v) = post_json(
        &r,
        "/api/v1/scenarios",
        &json!({"kind": "pharmacy", "add": [{"lat": 32.94, "lon": 131.05}], "remove": [amakusa]}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["kinds"], json!(["pharmacy"]));
    assert!(v["not_in_layer"].as_array().unwrap().is_empty());
    let region = |name: &str| {
        v["regions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["name"] == name)
            .unwrap_or_else(|| panic!("{name} changed: {v}"))
            .clone()
    };
    let aso = region("阿蘇");
    let amakusa_row = region("天草");
    let pct = |x: &Value, when: &str| x[when]["covered_pct"].as_f64().unwrap();
    assert!(pct(&aso, "after") > pct(&aso, "before"), "{aso}");
    assert!(
        pct(&amakusa_row, "after") < pct(&amakusa_row, "before"),
        "{amakusa_row}"
    );
    // An added site with a resource kind in a layer of another resource kind is refused.
    let (s, v) = post_json(
        &r,
        "/api/v1/scenarios",
        &json!({"kind": "pharmacy", "add": [{"lat": 32.94, "lon": 131.05, "kinds": ["care_home"]}]}),
    )
    .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("kind_mismatch")),
        "{v}"
    );
}

#[tokio::test]
async fn an_unknown_kind_is_a_400_listing_the_resource_kinds() {
    let r = resource_router();
    let check = |v: &Value, what: &str| {
        assert_eq!(v["error"]["code"], "unknown_kind", "{what}: {v}");
        let m = v["error"]["message"].as_str().unwrap();
        assert!(m.contains("drugstore"), "{what}: {m}");
        for k in ProviderKind::RESOURCE {
            assert!(m.contains(k.as_str()), "{what}: {m} lacks {k}");
        }
        assert!(m.contains("home_care_support_clinic"), "{what}: {m}");
    };
    for uri in [
        "/api/v1/nearest?lat=32.8&lon=130.7&kind=pharmacy,drugstore",
        "/api/v1/nearest?lat=32.8&lon=130.7&require=drugstore",
        "/api/v1/regions?kind=drugstore",
        "/api/v1/coverage?kind=drugstore",
    ] {
        let v = common::assert_error(&r, uri, 400, "unknown_kind").await;
        check(&v, uri);
    }
    for body in [
        json!({"kind": "drugstore"}),
        json!({"kind": "pharmacy", "add": [{"lat": 32.9, "lon": 131.0, "kinds": ["drugstore"]}]}),
    ] {
        let (s, v) = post_json(&r, "/api/v1/scenarios", &body).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        check(&v, &body.to_string());
    }
}

#[tokio::test]
async fn the_kinds_route_lists_every_kind_with_the_datas_counts() {
    let (s, v) = get_json(&resource_router(), "/api/v1/kinds").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let kinds = v["kinds"].as_array().unwrap();
    assert_eq!(kinds.len(), ProviderKind::ALL.len());
    let by: HashMap<&str, &Value> = kinds
        .iter()
        .map(|k| (k["kind"].as_str().unwrap(), k))
        .collect();
    let mut want: HashMap<&str, u64> = HashMap::new();
    for r in RESOURCE_ROWS {
        *want.entry(r.kind).or_default() += 1;
    }
    for k in ProviderKind::RESOURCE {
        let e = by[k.as_str()];
        assert_eq!(e["group"], "resource");
        assert_eq!(e["name_ja"], k.name_ja());
        assert_eq!(e["name_en"], k.name_en());
        assert_eq!(e["providers"].as_u64().unwrap(), want[k.as_str()], "{k}");
    }
    assert_eq!(by["pharmacy"]["class"], "pharmacy");
    assert_eq!(by["other"]["class"], "other_resource");
    assert_eq!(by["home_care_support_clinic"]["group"], "home_care");
    assert_eq!(by["home_care_support_clinic"]["providers"], 240);
    assert!(by["home_care_support_clinic"]["class"].is_null());
    assert_eq!(by["pediatric_icu"]["group"], "pediatric");
    common::assert_error(
        &resource_router(),
        "/api/v1/kinds?group=resource",
        400,
        "unknown_parameter",
    )
    .await;
    // The built-in data's resource rows (熊本市's pharmacies), counted per kind.
    let (_, b) = get_json(&common::shared_router(), "/api/kinds").await;
    let ds = common::dataset();
    for k in b["kinds"].as_array().unwrap() {
        if k["group"] == "resource" {
            let kind = ProviderKind::parse(k["kind"].as_str().unwrap()).unwrap();
            let n = ds
                .providers
                .iter()
                .filter(|p| p.kinds.contains(kind))
                .count();
            assert_eq!(k["providers"].as_u64().unwrap() as usize, n, "{k}");
        }
    }
    // /readyz counts them apart.
    let (_, ready) = get_json(&resource_router(), "/readyz").await;
    assert_eq!(
        ready["resources"].as_u64().unwrap(),
        RESOURCE_ROWS.len() as u64
    );
    assert_eq!(
        ready["providers"].as_u64().unwrap(),
        1324 + RESOURCE_ROWS.len() as u64
    );
}

#[tokio::test]
async fn the_openapi_kind_enum_and_the_attribution_name_the_resources() {
    let r = resource_router();
    let (_, doc) = get_json(&r, "/openapi.json").await;
    // The kind parameters name the ProviderKind schema, whose enum is every kind.
    for path in ["/api/v1/nearest", "/api/v1/regions"] {
        let kind = doc["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "kind")
            .unwrap()
            .to_string();
        assert!(kind.contains("ProviderKind"), "{path}: {kind}");
    }
    let schema = &doc["components"]["schemas"]["ProviderKind"];
    let names: Vec<&str> = schema["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    for k in ProviderKind::ALL {
        assert!(names.contains(&k.as_str()), "{k} in {names:?}");
    }
    assert!(schema["description"].as_str().unwrap().contains("pharmacy"));
    assert!(doc["paths"]["/api/v1/kinds"]["get"].is_object());
    // The attribution of the style and the TileJSON: every manifest source, the new list's too.
    let (_, style) = get_json(&r, "/style.json").await;
    let (_, tj) = get_json(&r, "/tiles.json").await;
    for a in [
        style["sources"]["carecover"]["attribution"]
            .as_str()
            .unwrap(),
        tj["attribution"].as_str().unwrap(),
    ] {
        assert!(a.contains(RESOURCE_CREDIT), "{a}");
        assert!(a.contains("九州厚生局"), "{a}");
    }
}

/// The providers layer's features in the tile holding (lon, lat) at z, by id or name.
async fn provider_features(
    r: &axum::Router,
    lon: f64,
    lat: f64,
    z: u8,
) -> Vec<HashMap<String, MvtValue>> {
    let x = lon_to_tile_x(lon, z).floor() as u32;
    let y = lat_to_tile_y(lat, z).floor() as u32;
    let (s, _, body) = get(r, &format!("/tiles/{z}/{x}/{y}.mvt")).await;
    assert_eq!(s, StatusCode::OK);
    let reader = mvt_reader::Reader::new(body).expect("tile decodes");
    let meta = reader.get_layer_metadata().unwrap();
    let layer = meta
        .iter()
        .find(|m| m.name == "providers")
        .expect("providers layer");
    reader
        .get_features(layer.layer_index)
        .unwrap()
        .into_iter()
        .map(|f| f.properties.unwrap_or_default())
        .collect()
}

fn text(v: &MvtValue) -> &str {
    match v {
        MvtValue::String(s) => s,
        other => panic!("not a string: {other:?}"),
    }
}

#[tokio::test]
async fn the_providers_tile_layer_carries_resources_with_their_kind_as_class() {
    let r = resource_router();
    // z5: the whole prefecture in one tile.
    let all = provider_features(&r, 130.7, 32.6, 5).await;
    assert_eq!(all.len(), 1324 + RESOURCE_ROWS.len());
    let resources: Vec<_> = all
        .iter()
        .filter(|p| p.get("facility_type").map(text) == Some("resource"))
        .collect();
    assert_eq!(resources.len(), RESOURCE_ROWS.len());
    for row in RESOURCE_ROWS {
        let f = resources
            .iter()
            .find(|p| text(&p["name"]) == row.name)
            .unwrap_or_else(|| panic!("{} not in the tile", row.name));
        let class = if row.kind == "other" {
            "other_resource"
        } else {
            row.kind
        };
        assert_eq!(text(&f["class"]), class, "{}", row.name);
        assert_eq!(f[row.kind], MvtValue::Bool(true), "{}", row.name);
        assert_eq!(f["home_care_support_clinic"], MvtValue::Bool(false));
        let (source, date) = if row.source.is_empty() {
            (RESOURCE_SOURCE, RESOURCE_SOURCE_DATE)
        } else {
            (row.source, row.date)
        };
        assert_eq!(text(&f["source"]), source);
        assert_eq!(text(&f["source_date"]), date);
        let caps = row.capabilities.replace('|', "、");
        match f.get("capabilities") {
            Some(c) => assert_eq!(text(c), caps, "{}", row.name),
            None => assert!(caps.is_empty(), "{}", row.name),
        }
        assert_eq!(text(&f["phone"]), row.phone);
    }
    // The medical rows keep their classes: the same multiset as the built-in data's tile, and
    // they carry their facility type and the 厚生局 list as source.
    let builtin = provider_features(&common::shared_router(), 130.7, 32.6, 5).await;
    let classes = |fs: &[&HashMap<String, MvtValue>]| {
        let mut m: BTreeMap<String, usize> = BTreeMap::new();
        for f in fs {
            *m.entry(text(&f["class"]).to_string()).or_default() += 1;
        }
        m
    };
    let medical: Vec<_> = all
        .iter()
        .filter(|p| text(&p["facility_type"]) != "resource")
        .collect();
    // (The built-in data has resources of its own, 熊本市's pharmacies: compare medical rows.)
    let builtin_medical: Vec<_> = builtin
        .iter()
        .filter(|p| text(&p["facility_type"]) != "resource")
        .collect();
    assert_eq!(classes(&medical), classes(&builtin_medical));
    for f in &medical {
        assert!(matches!(text(&f["facility_type"]), "hospital" | "clinic"));
        assert_eq!(text(&f["source"]), "kouseikyoku");
    }
    // z14 over 下通: the pharmacy and the station there are in their tile.
    let near = provider_features(&r, 130.7083, 32.8013, 14).await;
    let names: Vec<&str> = near.iter().map(|p| text(&p["name"])).collect();
    assert!(
        names.contains(&"下通中央薬局") && names.contains(&"訪問看護ステーション手取"),
        "{names:?}"
    );
}

#[test]
fn cli_nearest_kind_pharmacy_lists_the_pharmacies_with_their_source() {
    let data = ResourceData::new("cli");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_carecover"))
        .args([
            "nearest", "--lat", "32.8032", "--lon", "130.7079", "-k", "3", "--kind", "pharmacy",
        ])
        .arg("--data")
        .arg(&data.dir)
        .arg("--manifest")
        .arg(&data.manifest)
        .env_remove("CARECOVER_DATA")
        .env_remove("CARECOVER_MANIFEST")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let at = LonLat::new(130.7079, 32.8032).unwrap();
    let want = brute_force(at, &["pharmacy"]);
    let listed: Vec<&str> = stdout
        .lines()
        .filter(|l| l.trim_start().starts_with(|c: char| c.is_ascii_digit()))
        .filter_map(|l| want.iter().map(|(r, _)| r.name).find(|n| l.contains(n)))
        .collect();
    assert_eq!(
        listed,
        want[..3].iter().map(|(r, _)| r.name).collect::<Vec<_>>(),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "薬局 {RESOURCE_SOURCE_NAME}: {RESOURCE_SOURCE_DATE}"
        )),
        "{stdout}"
    );
    assert!(stdout.contains("麻薬、24時間対応"), "{stdout}");
}

const TOKEN: &str = "test-admin-token-resources-0123";

fn reload(auth: &str) -> Request<Body> {
    Request::post("/admin/reload")
        .header(header::AUTHORIZATION, auth)
        .body(Body::empty())
        .unwrap()
}

#[tokio::test]
async fn replacing_the_resource_file_and_reloading_changes_the_nearest_answer() {
    let data = ResourceData::new("reload");
    let snap =
        Snapshot::load(data.dir.as_path(), &data.load_manifest()).unwrap_or_else(|e| panic!("{e}"));
    let state = AppState::new(snap)
        .with_reload(DataSource {
            files: data.dir.as_path().into(),
            manifest: Some(data.manifest.clone()),
        })
        .with_admin_token(AdminToken::new(Some(TOKEN.into())));
    let r = app(state);
    let bearer = format!("Bearer {TOKEN}");
    let uri = "/api/v1/nearest?lat=32.8032&lon=130.7079&k=50&kind=pharmacy";
    let (_, before) = get_json(&r, uri).await;
    let v0 = before["data_version"].as_str().unwrap().to_string();
    assert_eq!(results(&before).len(), 6);

    // A new pharmacy at the query point, and the 天草 one gone.
    let mut rows: Vec<String> = common::resource_csv(RESOURCE_ROWS)
        .lines()
        .filter(|l| !l.starts_with("東浜町薬局"))
        .map(String::from)
        .collect();
    rows.push("熊本駅前新薬局,pharmacy,熊本市西区春日3丁目1-1,096-300-0099,32.803200,130.707900,given,麻薬,,".into());
    std::fs::write(&data.resources, rows.join("\n") + "\n").unwrap();
    let (s, _, body) = send(&r, reload(&bearer)).await;
    let done: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(s, StatusCode::OK, "{done}");
    assert_eq!(done["reloaded"]["changed"], true);
    let v1 = done["reloaded"]["data_version"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(v1, v0);
    let (_, after) = get_json(&r, uri).await;
    assert_eq!(after["data_version"], v1.as_str());
    let names: Vec<&str> = results(&after)
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 6);
    assert_eq!(names[0], "熊本駅前新薬局");
    assert_eq!(results(&after)[0]["distance_km"], 0.0);
    assert!(!names.contains(&"東浜町薬局"), "{names:?}");

    // A resource file with a malformed row is refused: 422 naming the file, row and column,
    // and the previous data keeps answering.
    std::fs::write(
        &data.resources,
        "name,kind,address,lat,lon,level\nA薬局,drugstore,熊本市中央区下通1丁目,32.8,130.7,town\n",
    )
    .unwrap();
    let (s, _, body) = send(&r, reload(&bearer)).await;
    let refused: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    let issue = &refused["error"]["issues"][0];
    assert!(
        issue["file"]
            .as_str()
            .unwrap()
            .ends_with("test_resources.csv"),
        "{refused}"
    );
    assert_eq!(issue["field"], "kind", "{refused}");
    let (_, still) = get_json(&r, uri).await;
    assert_eq!(still["data_version"], v1.as_str());
    assert_eq!(results(&still)[0]["name"], "熊本駅前新薬局");
}
