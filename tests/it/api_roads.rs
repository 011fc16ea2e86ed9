//! `GET /api/nearest` with road figures and `sort=road`, in-process on the real data.

use crate::common;

use common::{assert_error, get_json};

fn router() -> axum::Router {
    common::shared_router()
}

const STATION: &str = "lat=32.8032&lon=130.7079";

#[tokio::test]
async fn sort_road_ranks_by_road_distance_and_names_the_speed_model() {
    let (s, v) = get_json(&router(), &format!("/api/nearest?{STATION}&k=8&sort=road")).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["sort"], "road");
    assert_eq!(v["speed_model"], "uniform_40kmh");
    assert!(v["road_reason"].is_null());
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), 8);
    let mut last = 0.0;
    for r in results {
        // Ranked by road_km, which covers the whole trip and so is never below the straight
        // line (both rounded to metres).
        let road = r["road_km"].as_f64().unwrap();
        assert!(road >= last, "{r}");
        last = road;
        assert!(road >= r["distance_km"].as_f64().unwrap(), "{r}");
        assert!(r["offroad_km"].as_f64().unwrap() <= road, "{r}");
        assert!(r["drive_min"].as_f64().unwrap() > 0.0);
        assert!(r["road_reason"].is_null());
    }
}

#[tokio::test]
async fn the_default_sort_keeps_straight_line_order_and_adds_road_figures() {
    let (s, v) = get_json(&router(), &format!("/api/nearest?{STATION}&k=5")).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["sort"], "distance");
    let results = v["results"].as_array().unwrap();
    let mut last = 0.0;
    for r in results {
        let d = r["distance_km"].as_f64().unwrap();
        assert!(d >= last);
        last = d;
        let road = r["road_km"].as_f64().unwrap();
        let off = r["offroad_km"].as_f64().unwrap();
        assert!(road >= d, "{r}");
        // 40 km/h on the road, 10 km/h off it.
        let want = (road - off) * 1.5 + off * 6.0;
        assert!((r["drive_min"].as_f64().unwrap() - want).abs() < 0.1, "{r}");
    }
}

#[tokio::test]
async fn a_point_at_sea_gets_results_with_null_road_figures_and_a_reason() {
    for sort in ["distance", "road"] {
        let uri = format!("/api/nearest?lat=32.3&lon=129.7&k=3&sort={sort}");
        let (s, v) = get_json(&router(), &uri).await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["sort"], "distance", "falls back to straight-line order");
        assert_eq!(v["road_reason"], "no_road_within_3km");
        let results = v["results"].as_array().unwrap();
        assert_eq!(results.len(), 3);
        for r in results {
            assert!(r["road_km"].is_null() && r["drive_min"].is_null(), "{r}");
            assert_eq!(r["road_reason"], "no_road_within_3km");
            assert!(r["distance_km"].as_f64().unwrap() > 3.0);
        }
    }
}

#[tokio::test]
async fn a_bad_sort_is_a_400_naming_the_value() {
    for bad in ["bogus", "", "ROAD"] {
        let v = assert_error(
            &router(),
            &format!("/api/nearest?{STATION}&sort={bad}"),
            400,
            "invalid_sort",
        )
        .await;
        assert!(v["error"]["message"].as_str().unwrap().contains("road"));
    }
    assert_error(
        &router(),
        &format!("/api/nearest?{STATION}&sort=road&sort=road"),
        400,
        "duplicate_parameter",
    )
    .await;
    assert_error(
        &router(),
        "/api/nearest?sort=road",
        400,
        "missing_parameter",
    )
    .await;
    assert_error(
        &router(),
        &format!("/api/nearest?{STATION}&sort=road&k=51"),
        400,
        "invalid_k",
    )
    .await;
    assert_error(
        &router(),
        &format!("/api/nearest?{STATION}&sort=road&kind=nope"),
        400,
        "unknown_kind",
    )
    .await;
}

#[tokio::test]
async fn without_a_road_layer_answers_say_so() {
    let mut snap = carecover::app::Snapshot::build(common::dataset()).unwrap();
    snap.roads = None;
    let r = carecover::server::app(carecover::server::AppState::new(snap));
    let (s, v) = get_json(&r, &format!("/api/nearest?{STATION}&k=2&sort=road")).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["sort"], "distance");
    assert_eq!(v["road_reason"], "no_road_network");
    assert!(v["speed_model"].is_null());
    assert!(v["results"][0]["road_km"].is_null());
    let (s, v) = get_json(&r, "/api/regions").await;
    assert_eq!(s, 200, "{v}");
    assert!(v["road_coverage"].is_null());
}

#[tokio::test]
async fn regions_carry_the_home_care_coverage_by_road() {
    let (s, v) = get_json(&router(), "/api/regions").await;
    assert_eq!(s, 200, "{v}");
    let rc = &v["road_coverage"];
    assert_eq!(rc["preset"], "home_care");
    assert_eq!(rc["radius_km"], 16.0);
    let rows = rc["regions"].as_array().unwrap();
    assert_eq!(rows.len(), 10);
    for row in rows {
        let within = row["towns_within_km"].as_u64().unwrap();
        assert!(
            row["towns_beyond_road_km"].as_u64().unwrap() <= within,
            "{row}"
        );
    }
}

#[tokio::test]
async fn regions_carry_covered_by_road_pct_and_list_the_regions_not_reached() {
    let (s, v) = get_json(&router(), "/api/regions").await;
    assert_eq!(s, 200, "{v}");
    let rc = &v["road_coverage"];
    assert_eq!(rc["road_buffer_m"], 1000.0);
    assert_eq!(rc["grid_m"], 100.0);
    let not: Vec<u64> = rc["regions_not_reached"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            assert!(r["reason"].as_str().is_some_and(|s| !s.is_empty()), "{r}");
            r["region_id"].as_u64().unwrap()
        })
        .collect();
    assert!(not.contains(&6) && not.contains(&10), "{not:?}");
    for row in rc["regions"].as_array().unwrap() {
        let id = row["region_id"].as_u64().unwrap();
        let pct = &row["covered_by_road_pct"];
        let data = row["road_data_pct"].as_f64().unwrap();
        if not.contains(&id) {
            assert!(pct.is_null() && row["reason"].is_string(), "{row}");
        } else {
            let pct = pct.as_f64().unwrap();
            assert!(pct > 0.0 && pct <= data + 0.01, "{row}");
            assert!(row["reason"].is_null(), "{row}");
        }
    }
    // One region: the same figures.
    let (s, one) = get_json(&router(), "/api/regions/3").await;
    assert_eq!(s, 200, "{one}");
    let row3 = rc["regions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["region_id"] == 3)
        .unwrap();
    let r = &one["road_coverage"];
    assert_eq!(r["covered_by_road_pct"], row3["covered_by_road_pct"]);
    assert_eq!(r["towns_beyond_road_km"], row3["towns_beyond_road_km"]);
    assert_eq!(r["road_buffer_m"], 1000.0);
    let (_, aso) = get_json(&router(), "/api/regions/6").await;
    assert!(aso["road_coverage"]["covered_by_road_pct"].is_null());
    assert_eq!(aso["road_coverage"]["reason"], "road_network_sparse");
}
