//! The coverage API in-process: every 4xx path and the shape of each answer.

use crate::common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use carecover::app::Snapshot;
use carecover::server::{app, AppState};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use std::sync::OnceLock;
use tower::ServiceExt;

fn state() -> AppState {
    static STATE: OnceLock<AppState> = OnceLock::new();
    STATE
        .get_or_init(|| AppState::new(Snapshot::build(common::dataset()).expect("snapshot")))
        .clone()
}

async fn send(req: Request<Body>) -> (StatusCode, Value) {
    let resp = app(state()).oneshot(req).await.unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    let v = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, v)
}

async fn get(uri: &str) -> (StatusCode, Value) {
    send(Request::get(uri).body(Body::empty()).unwrap()).await
}

async fn post(body: impl Into<Body>) -> (StatusCode, Value) {
    send(
        Request::post("/api/scenarios")
            .header("content-type", "application/json")
            .body(body.into())
            .unwrap(),
    )
    .await
}

fn code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or("")
}

#[tokio::test]
async fn regions_lists_ten_regions_and_a_total() {
    let (s, v) = get("/api/regions").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["regions"].as_array().unwrap().len(), 10);
    assert_eq!(v["total"]["name"], "熊本県");
    assert_eq!(v["radius_km"], 16.0);
    assert_eq!(
        v["kinds"],
        json!(["home_care_support_clinic", "home_care_support_hospital"])
    );
    assert!(v["data_version"].is_string());
    let r1 = &v["regions"][0];
    for k in [
        "area_km2",
        "covered_km2",
        "gap_km2",
        "covered_pct",
        "providers",
        "towns_uncovered",
        "population_data_share",
    ] {
        assert!(!r1[k].is_null(), "{k}");
    }
}

#[tokio::test]
async fn one_region_names_its_uncovered_towns() {
    let (s, v) = get("/api/regions/10?radius_km=8&tier_max=3").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["region"]["id"], 10);
    let towns = v["uncovered_towns"].as_array().unwrap();
    assert_eq!(
        towns.len() as u64,
        v["region"]["towns_uncovered"].as_u64().unwrap()
    );
    assert!(!towns.is_empty());
    assert!(towns[0]["name"]
        .as_str()
        .unwrap()
        .contains(towns[0]["town"].as_str().unwrap()));
}

#[tokio::test]
async fn coverage_is_a_feature_collection_with_coverage_and_gap_per_region() {
    let (s, v) = get("/api/coverage?kind=enhanced_home_palliative").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["type"], "FeatureCollection");
    let f = v["features"].as_array().unwrap();
    assert_eq!(f.len(), 20);
    assert_eq!(f[0]["properties"]["layer"], "coverage");
    assert_eq!(f[1]["properties"]["layer"], "gap");
    assert_eq!(f[1]["geometry"]["type"], "MultiPolygon");
    let lon = f[1]["geometry"]["coordinates"][0][0][0][0]
        .as_f64()
        .unwrap();
    assert!((129.9..131.4).contains(&lon), "{lon}");
}

#[tokio::test]
async fn bad_layer_parameters_are_400s_with_codes() {
    for (uri, want) in [
        ("/api/regions?radius_km=0.5", "out_of_range"),
        ("/api/regions?radius_km=51", "out_of_range"),
        ("/api/regions?radius_km=abc", "invalid_number"),
        ("/api/regions?tier_max=4", "out_of_range"),
        ("/api/regions?tier_max=x", "out_of_range"),
        ("/api/regions?kind=hospice", "unknown_kind"),
        ("/api/regions?colour=red", "unknown_parameter"),
        (
            "/api/regions?radius_km=16&radius_km=8",
            "duplicate_parameter",
        ),
        ("/api/regions/99", "invalid_region"),
        ("/api/regions/abc", "invalid_region"),
        ("/api/regions/1?radius_km=0", "out_of_range"),
        ("/api/coverage?radius_km=100", "out_of_range"),
        ("/api/coverage?kind=,", "unknown_kind"),
        ("/api/coverage?lat=32.8", "unknown_parameter"),
        ("/api/suggest", "invalid_region"),
        ("/api/suggest?region=0", "invalid_region"),
        ("/api/suggest?region=1&n=0", "out_of_range"),
        ("/api/suggest?region=1&n=11", "out_of_range"),
        ("/api/suggest?region=1&kind=x", "unknown_kind"),
        ("/api/suggest?region=1&zoom=3", "unknown_parameter"),
    ] {
        let (s, v) = get(uri).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{uri}: {v}");
        assert_eq!(code(&v), want, "{uri}: {v}");
    }
}

#[tokio::test]
async fn a_scenario_answers_before_and_after_and_changed_gaps() {
    // 球磨 area, far from every 在宅緩和ケア充実 provider.
    let body = json!({"add": [{"lat": 32.25, "lon": 130.65}], "remove": [], "radius_km": 16,
        "kind": "enhanced_home_palliative"});
    let (s, v) = post(body.to_string()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let regions = v["regions"].as_array().unwrap();
    assert_eq!(regions.len(), 10);
    let changed: Vec<&Value> = regions.iter().filter(|r| r["changed"] == true).collect();
    assert!(!changed.is_empty());
    assert!(changed
        .iter()
        .any(|r| r["after"]["gap_km2"].as_f64() < r["before"]["gap_km2"].as_f64()));
    let gaps = v["changed_gaps"]["features"].as_array().unwrap();
    assert_eq!(gaps.len(), changed.len());
}

#[tokio::test]
async fn bad_scenarios_are_400s_with_codes() {
    for (body, want) in [
        ("{not json".to_string(), "invalid_json"),
        (json!({"add": [], "colour": 1}).to_string(), "invalid_json"),
        (json!({"add": [{"lat": 32.8}]}).to_string(), "invalid_json"),
        (
            json!({"add": [{"lat": 35.68, "lon": 139.76}]}).to_string(),
            "out_of_kumamoto",
        ),
        (
            json!({"add": [{"lat": 32.5, "lon": 129.6}]}).to_string(),
            "out_of_kumamoto",
        ),
        (
            json!({"add": [{"lat": 95.0, "lon": 130.7}]}).to_string(),
            "out_of_kumamoto",
        ),
        (
            json!({"remove": ["9999999"]}).to_string(),
            "unknown_provider",
        ),
        (
            json!({"add": [{"lat": 32.8, "lon": 130.7, "kinds": ["hospice"]}]}).to_string(),
            "unknown_kind",
        ),
        (
            json!({"add": [{"lat": 32.8, "lon": 130.7, "kinds": ["palliative_care_ward"]}]})
                .to_string(),
            "kind_mismatch",
        ),
        (json!({"kind": "nope"}).to_string(), "unknown_kind"),
        (json!({"radius_km": 0}).to_string(), "out_of_range"),
        (json!({"tier_max": 9}).to_string(), "out_of_range"),
        (
            json!({"add": vec![json!({"lat": 32.8, "lon": 130.7}); 51]}).to_string(),
            "too_large",
        ),
    ] {
        let (s, v) = post(body.clone()).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}: {v}");
        assert_eq!(code(&v), want, "{body}: {v}");
    }
}

#[tokio::test]
async fn an_oversized_scenario_is_a_413() {
    let ids: Vec<String> = (0..12_000).map(|i| format!("{i:07}")).collect();
    let body = json!({ "remove": ids }).to_string();
    assert!(body.len() > 64 * 1024);
    let (s, v) = post(body).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(code(&v), "payload_too_large");
}

#[tokio::test]
async fn get_on_the_scenario_route_is_a_405() {
    let (s, v) = get("/api/scenarios").await;
    assert_eq!(s, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(code(&v), "method_not_allowed");
}

#[tokio::test]
async fn suggest_names_its_objective_and_sites() {
    // 天草 has no census cells: its estimated cells give it people to maximise.
    let (s, v) = get("/api/suggest?region=10&n=2").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["objective"], "uncovered_65_plus");
    assert!(v["sites"].as_array().unwrap().len() <= 2);
    assert!(v["after"]["gap_km2"].as_f64() <= v["before"]["gap_km2"].as_f64());
    let (_, v) = get("/api/suggest?region=3&n=1").await;
    assert_eq!(v["objective"], "uncovered_65_plus");
}

#[tokio::test]
async fn municipalities_lists_45_with_census_figures_and_kumamoto_city_wards() {
    let (s, v) = get("/api/municipalities").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let m = v["municipalities"].as_array().unwrap();
    assert_eq!(m.len(), 45);
    assert_eq!(v["preset"], "home_care");
    assert!(v["data_version"].is_string());
    for row in m {
        for k in [
            "jis_code",
            "name",
            "region",
            "area_km2",
            "covered_pct",
            "gap_km2",
            "providers",
            "towns_uncovered",
            "population",
            "population_65_plus",
            "children_0_14",
        ] {
            assert!(!row[k].is_null(), "{k} of {row}");
        }
    }
    let people: u64 = m.iter().map(|r| r["population"].as_u64().unwrap()).sum();
    assert_eq!(people, 1_738_301);
    let city = m.iter().find(|r| r["jis_code"] == "43100").unwrap();
    let wards = city["wards"].as_array().unwrap();
    assert_eq!(wards.len(), 5);
    assert_eq!(wards[0]["name"], "熊本市中央区");
    // A municipality outside the census cells has census figures and estimated cells
    // holding them all.
    let kuma = m.iter().find(|r| r["name"] == "球磨村").unwrap();
    assert!(kuma["population_65_plus"].as_u64().unwrap() > 0);
    assert_eq!(kuma["cells"]["estimated_share"], 1.0);
    assert_eq!(
        kuma["cells"]["population"].as_f64(),
        kuma["population"].as_f64()
    );
    assert_eq!(kuma["cells"]["population_data_share"], 0.0);
    // The same parameters as /api/regions, and their errors.
    let (s, v) = get("/api/municipalities?preset=pediatric_home").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["preset"], "pediatric_home");
    let (s, v) = get("/api/municipalities?kind=nope").await;
    assert_eq!((s, code(&v)), (StatusCode::BAD_REQUEST, "unknown_kind"));
    let (s, v) = get("/api/municipalities?radius_km=500").await;
    assert_eq!((s, code(&v)), (StatusCode::BAD_REQUEST, "out_of_range"));
}

#[tokio::test]
async fn one_municipality_lists_its_uncovered_towns_and_equals_its_row() {
    let (_, all) = get("/api/municipalities?radius_km=8").await;
    let (s, v) = get("/api/municipalities/43513?radius_km=8").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let row = all["municipalities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["jis_code"] == "43513")
        .unwrap();
    assert_eq!(&v["municipality"], row);
    let towns = v["uncovered_towns"].as_array().unwrap();
    assert_eq!(towns.len() as u64, row["towns_uncovered"].as_u64().unwrap());
    assert!(!towns.is_empty(), "no uncovered town to check");
    assert!(towns
        .iter()
        .all(|t| t["jis_code"] == "43513" && t["lat"].is_number()));
    // The region answer carries the same municipal rows.
    let (_, region) = get("/api/regions/9?radius_km=8").await;
    let in_region = region["municipalities"].as_array().unwrap();
    assert!(in_region.contains(row));
}

#[tokio::test]
async fn a_bad_municipality_code_is_named() {
    let (s, v) = get("/api/municipalities/kuma").await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::BAD_REQUEST, "invalid_municipality")
    );
    assert!(v["error"]["message"].as_str().unwrap().contains("kuma"));
    let (s, v) = get("/api/municipalities/43999").await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "not_found"));
    assert!(v["error"]["message"].as_str().unwrap().contains("43999"));
    let (s, v) = get("/api/municipalities/43101").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(v["error"]["message"].as_str().unwrap().contains("ward"));
    let (s, v) = get("/api/municipalities/43100?tier_max=9").await;
    assert_eq!((s, code(&v)), (StatusCode::BAD_REQUEST, "out_of_range"));
}

#[tokio::test]
async fn uncovered_towns_is_geojson_matching_the_region_counts() {
    let (_, regions) = get("/api/regions?preset=enhanced_palliative").await;
    let (s, v) = get("/api/uncovered_towns?preset=enhanced_palliative").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["type"], "FeatureCollection");
    let f = v["features"].as_array().unwrap();
    assert_eq!(
        f.len() as u64,
        regions["total"]["towns_uncovered"].as_u64().unwrap()
    );
    assert_eq!(f[0]["geometry"]["type"], "Point");
    assert!(f[0]["properties"]["distance_km"].as_f64().unwrap() > 16.0);
    let (s, v) = get("/api/uncovered_towns?preset=nope").await;
    assert_eq!((s, code(&v)), (StatusCode::BAD_REQUEST, "unknown_preset"));
}

/// Column `col` of every row of the built-in municipal table, by jis_code.
fn municipal_table(col: &str) -> std::collections::HashMap<String, f64> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/geodata/population/kumamoto_municipality_population_2020census_ipss2023.csv"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let at = header.iter().position(|h| *h == col).unwrap();
    lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].to_string(), f[at].parse::<f64>().unwrap())
        })
        .collect()
}

#[tokio::test]
async fn a_projected_year_scales_each_municipality_by_its_own_change() {
    let (s, now) = get("/api/municipalities").await;
    assert_eq!(s, StatusCode::OK);
    let (s, later) = get("/api/municipalities?year=2040").await;
    assert_eq!(s, StatusCode::OK, "{later}");
    assert_eq!(now["year"], 2020);
    assert_eq!(
        now["years"],
        json!([2020, 2025, 2030, 2035, 2040, 2045, 2050])
    );
    assert_eq!(now["people_basis"], "census_2020");
    assert_eq!(later["year"], 2040);
    assert_eq!(later["people_basis"], "ipss_2023_projection");
    assert!(later["people_method"].as_str().unwrap().contains("75+"));
    let (t2020, t2040) = (
        municipal_table("pop_total_2020"),
        municipal_table("pop_total_2040"),
    );
    let (o2020, o2040) = (
        municipal_table("pop_65_plus_2020"),
        municipal_table("pop_65_plus_2040"),
    );
    let (a, b) = (
        now["municipalities"].as_array().unwrap(),
        later["municipalities"].as_array().unwrap(),
    );
    assert_eq!(a.len(), 45);
    let mut checked = 0;
    for (m0, m1) in a.iter().zip(b) {
        let jis = m0["jis_code"].as_str().unwrap();
        assert_eq!(m1["jis_code"], jis);
        // The municipality's own figure is the table's projection.
        assert_eq!(m1["population"].as_f64().unwrap(), t2040[jis], "{jis}");
        assert_eq!(
            m1["population_65_plus"].as_f64().unwrap(),
            o2040[jis],
            "{jis}"
        );
        // Its cells are scaled by its own change (rounded to whole people in the answer).
        if let (Some(c0), Some(c1)) = (
            m0["cells"]["population"].as_f64(),
            m1["cells"]["population"].as_f64(),
        ) {
            let want = c0 * t2040[jis] / t2020[jis];
            assert!(
                (c1 - want).abs() <= 1.0 + want * 1e-9,
                "{jis}: {c1} vs {want}"
            );
            let (e0, e1) = (
                m0["cells"]["population_65_plus"].as_f64().unwrap(),
                m1["cells"]["population_65_plus"].as_f64().unwrap(),
            );
            let want = e0 * o2040[jis] / o2020[jis];
            assert!(
                (e1 - want).abs() <= 1.0 + want * 1e-9,
                "{jis}: 65+ {e1} vs {want}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} municipalities have cells");

    // A region's people are the sum of its municipalities' cells, in the same year.
    let (_, regions) = get("/api/regions?year=2040").await;
    assert_eq!(regions["year"], 2040);
    for r in regions["regions"].as_array().unwrap() {
        let id = r["id"].as_u64().unwrap();
        let sum: f64 = b
            .iter()
            .filter(|m| m["region_id"].as_u64() == Some(id))
            .filter_map(|m| m["cells"]["population"].as_f64())
            .sum();
        if let Some(p) = r["population"].as_f64() {
            assert!((p - sum).abs() <= 25.0, "region {id}: {p} vs {sum}");
        }
    }
    // One region's answer carries the same year.
    let (s, one) = get("/api/regions/7?year=2050").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(one["year"], 2050);
    let (s, one) = get("/api/municipalities/43202?year=2030").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        one["municipality"]["population"].as_f64().unwrap(),
        municipal_table("pop_total_2030")["43202"]
    );
}

#[tokio::test]
async fn a_year_the_data_lacks_is_a_400_naming_it_and_the_years() {
    for uri in [
        "/api/regions?year=2041",
        "/api/regions/3?year=abc",
        "/api/municipalities?year=2015",
        "/api/municipalities/43202?year=",
    ] {
        let (s, v) = get(uri).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(code(&v), "invalid_year", "{uri}");
        let msg = v["error"]["message"].as_str().unwrap();
        assert!(msg.contains("2020, 2025") && msg.contains("2050"), "{msg}");
    }
}

#[tokio::test]
async fn access_answers_every_area_and_cells_and_towns_on_request() {
    let (s, v) = get("/api/access?preset=enhanced_palliative&year=2030").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["year"], 2030);
    assert_eq!(v["preset"], "enhanced_palliative");
    assert_eq!(v["method"]["zone_weights"], json!([1.0, 0.68, 0.22]));
    assert_eq!(v["regions"].as_array().unwrap().len(), 10);
    assert_eq!(v["municipalities"].as_array().unwrap().len(), 45);
    assert!(v["total"]["access_index"].as_f64().unwrap() > 0.0);
    assert!(v.get("cells").is_none() && v.get("towns").is_none());
    // The region rows of /api/regions carry the same index for the same layer and year.
    let (_, regions) = get("/api/regions?preset=enhanced_palliative&year=2030").await;
    for (a, b) in v["regions"]
        .as_array()
        .unwrap()
        .iter()
        .zip(regions["regions"].as_array().unwrap())
    {
        assert_eq!(a["id"], b["id"]);
        assert_eq!(a["access_index"], b["access_index"]);
    }
    assert_eq!(v["total"]["access_index"], regions["total"]["access_index"]);
    let (s, v) = get("/api/access?cells=true&towns=1").await;
    assert_eq!(s, StatusCode::OK);
    let cells = v["cells"].as_array().unwrap();
    assert!(cells.len() > 4_000);
    assert!(cells
        .iter()
        .all(|c| c["access_index"].as_f64().unwrap() >= 0.0));
    let towns = v["towns"].as_array().unwrap();
    assert!(towns.len() > 2_000);
    // Kumamoto station's town has providers within 5 km: a positive index.
    assert!(towns.iter().any(
        |t| t["name"].as_str().unwrap().starts_with("熊本市西区春日")
            && t["access_index"].as_f64().unwrap() > 0.0
    ));
}

#[tokio::test]
async fn bad_access_parameters_are_400s_naming_them() {
    for (uri, want) in [
        ("/api/access?cells=yes", "invalid_flag"),
        ("/api/access?towns=2", "invalid_flag"),
        ("/api/access?year=1999", "invalid_year"),
        ("/api/access?preset=nope", "unknown_preset"),
        ("/api/access?kind=nope", "unknown_kind"),
        ("/api/access?radius_km=99", "out_of_range"),
        ("/api/access?region=3", "unknown_parameter"),
    ] {
        let (s, v) = get(uri).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(code(&v), want, "{uri}: {v}");
    }
}
