//! `GET /api/isochrone`: the GeoJSON answer and every client error, in-process on real data.

use crate::common;

use common::{assert_error, get_json};

fn router() -> axum::Router {
    common::shared_router()
}

const STATION: &str = "lat=32.8032&lon=130.7079";

#[tokio::test]
async fn an_isochrone_is_a_feature_collection_largest_contour_first() {
    let (s, v) = get_json(
        &router(),
        &format!("/api/isochrone?{STATION}&contours=10,20,30"),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["type"], "FeatureCollection");
    assert_eq!(v["metric"], "time");
    assert_eq!(v["road_buffer_m"], 1000.0);
    assert_eq!(v["speed_model"], "uniform_40kmh");
    assert!(v["road_reason"].is_null());
    let f = v["features"].as_array().unwrap();
    let values: Vec<f64> = f
        .iter()
        .map(|f| f["properties"]["contour"].as_f64().unwrap())
        .collect();
    assert_eq!(values, [30.0, 20.0, 10.0]);
    let mut last_area = f64::INFINITY;
    for feat in f {
        assert_eq!(feat["properties"]["metric"], "time");
        let area = feat["properties"]["area_km2"].as_f64().unwrap();
        assert!(area > 0.0 && area < last_area, "{}", feat["properties"]);
        last_area = area;
        let g = &feat["geometry"];
        let polys: Vec<&serde_json::Value> = match g["type"].as_str().unwrap() {
            "Polygon" => vec![&g["coordinates"]],
            "MultiPolygon" => g["coordinates"].as_array().unwrap().iter().collect(),
            other => panic!("{other}"),
        };
        for p in polys {
            for ring in p.as_array().unwrap() {
                let ring = ring.as_array().unwrap();
                assert!(ring.len() >= 5);
                assert_eq!(ring.first(), ring.last());
                for c in ring {
                    let (lon, lat) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
                    assert!((130.0..131.5).contains(&lon) && (32.0..33.5).contains(&lat));
                    // Six decimals at most.
                    assert!(((lon * 1e6).round() - lon * 1e6).abs() < 1e-6);
                }
            }
        }
    }
    // 10 minutes at 40 km/h: at most a 6.7 km + 1 km radius disc.
    assert!(last_area < std::f64::consts::PI * 7.7 * 7.7, "{last_area}");
}

#[tokio::test]
async fn a_distance_isochrone_names_its_metric() {
    let (s, v) = get_json(
        &router(),
        &format!("/api/isochrone?{STATION}&contours=5,12.5&metric=km"),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["metric"], "distance");
    assert_eq!(v["units"], "km");
    let f = v["features"].as_array().unwrap();
    assert_eq!(f[0]["properties"]["contour"], 12.5);
    assert_eq!(f[1]["properties"]["metric"], "distance");
}

#[tokio::test]
async fn a_point_far_from_roads_gets_an_empty_collection_with_a_reason() {
    let (s, v) = get_json(&router(), "/api/isochrone?lat=32.3&lon=129.7&contours=10").await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["road_reason"], "no_road_within_3km");
    assert_eq!(v["features"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn without_a_road_layer_the_answer_says_so() {
    let mut snap = carecover::app::Snapshot::build(common::dataset()).unwrap();
    snap.roads = None;
    let r = carecover::server::app(carecover::server::AppState::new(snap));
    let (s, v) = get_json(&r, &format!("/api/isochrone?{STATION}&contours=10")).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["road_reason"], "no_road_network");
    assert!(v["features"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn every_bad_parameter_is_a_400_with_its_own_code() {
    let cases: &[(&str, &str)] = &[
        ("contours=10", "missing_parameter"),
        ("lon=130.7&contours=10", "missing_parameter"),
        ("lat=32.8&contours=10", "missing_parameter"),
        (STATION, "missing_parameter"),
        ("lat=abc&lon=130.7&contours=10", "invalid_number"),
        ("lat=32.8&lon=&contours=10", "invalid_number"),
        ("lat=NaN&lon=130.7&contours=10", "invalid_number"),
        ("lat=95&lon=130.7&contours=10", "out_of_range"),
        ("lat=32.8&lon=140&contours=10", "out_of_range"),
        ("lat=32.8&lon=130.7&contours=1,2,3,4,5", "too_many_contours"),
        ("lat=32.8&lon=130.7&contours=0", "invalid_contour"),
        ("lat=32.8&lon=130.7&contours=-5,10", "invalid_contour"),
        ("lat=32.8&lon=130.7&contours=121", "invalid_contour"),
        (
            "lat=32.8&lon=130.7&contours=101&metric=km",
            "invalid_contour",
        ),
        ("lat=32.8&lon=130.7&contours=ten", "invalid_number"),
        ("lat=32.8&lon=130.7&contours=10,,20", "invalid_number"),
        ("lat=32.8&lon=130.7&contours=", "invalid_number"),
        (
            "lat=32.8&lon=130.7&contours=20,10",
            "contours_not_increasing",
        ),
        (
            "lat=32.8&lon=130.7&contours=10,10",
            "contours_not_increasing",
        ),
        (
            "lat=32.8&lon=130.7&contours=10&metric=hours",
            "invalid_metric",
        ),
        ("lat=32.8&lon=130.7&contours=10&metric=", "invalid_metric"),
        ("lat=32.8&lon=130.7&contours=10&k=3", "unknown_parameter"),
        (
            "lat=32.8&lon=130.7&contours=10&contours=20",
            "duplicate_parameter",
        ),
    ];
    for (q, code) in cases {
        let v = assert_error(&router(), &format!("/api/isochrone?{q}"), 400, code).await;
        let msg = v["error"]["message"].as_str().unwrap();
        // The message names the parameter at fault.
        let named = ["lat", "lon", "contours", "metric", "k"]
            .iter()
            .any(|p| msg.contains(p));
        assert!(named, "{q}: {msg}");
    }
    // Allowed at the limits.
    for q in ["contours=120", "contours=100&metric=km", "contours=1,2,3,4"] {
        let (s, v) = get_json(&router(), &format!("/api/isochrone?{STATION}&{q}")).await;
        assert_eq!(s, 200, "{q}: {v}");
    }
}
