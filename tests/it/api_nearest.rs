//! The nearest and provider routes, in-process, on the real data.

use crate::common;

use carecover::data::{KindSet, ProviderKind};
use carecover::geom::{geodesic_distance_m, LonLat};
use common::{assert_error, get_json, router};

#[tokio::test]
async fn five_home_care_clinics_near_kumamoto_station_sorted_by_distance() {
    let r = router();
    let (s, v) = get_json(
        &r,
        "/api/nearest?lat=32.8032&lon=130.7079&k=5&kind=home_care_support_clinic",
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), 5);
    let at = LonLat::new(130.7079, 32.8032).unwrap();
    let mut last = 0.0;
    for res in results {
        assert!(
            res["kinds"]
                .as_array()
                .unwrap()
                .iter()
                .any(|k| k == "home_care_support_clinic"),
            "{res}"
        );
        let d = res["distance_km"].as_f64().unwrap();
        assert!(d >= last);
        last = d;
        let p = LonLat::new(res["lon"].as_f64().unwrap(), res["lat"].as_f64().unwrap()).unwrap();
        assert!((geodesic_distance_m(at, p) / 1000.0 - d).abs() < 0.001);
        assert_eq!(res["within_16km"], d <= 16.0);
        for field in ["id", "name", "address", "phone", "region", "geocode_level"] {
            assert!(res[field].is_string(), "{field} in {res}");
        }
        assert!(res["region_id"].is_u64());
    }
    assert_eq!(v["data_version"].as_str().unwrap().len(), 16);
}

#[tokio::test]
async fn the_api_answers_what_the_index_answers_for_any_kind_set() {
    let ds = common::dataset();
    let index = carecover::index::ProviderIndex::from_providers(&ds.providers);
    let r = router();
    let at = LonLat::new(130.45, 32.35).unwrap();
    let kinds = KindSet::from_kinds([
        ProviderKind::PalliativeCareWard,
        ProviderKind::EnhancedHomePalliative,
    ]);
    let want: Vec<String> = index
        .brute_force_nearest(at, 7, kinds)
        .iter()
        .map(|h| ds.providers[h.index as usize].id.clone())
        .collect();
    let (_, v) = get_json(
        &r,
        "/api/nearest?lat=32.35&lon=130.45&k=7&kind=palliative_care_ward,enhanced_home_palliative",
    )
    .await;
    let got: Vec<String> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(got, want);
    // A far island point is more than 16 km from every palliative ward: brute force over the
    // providers, and the answer's distances and flags say so.
    let km = |p: &carecover::data::Provider| geodesic_distance_m(at, p.location) / 1000.0;
    let nearest_ward = ds
        .providers
        .iter()
        .filter(|p| p.kinds.contains(ProviderKind::PalliativeCareWard))
        .map(km)
        .fold(f64::INFINITY, f64::min);
    assert!(
        nearest_ward > 16.0,
        "a palliative ward {nearest_ward} km away"
    );
    let mut wards = 0;
    for res in v["results"].as_array().unwrap() {
        let p = ds
            .providers
            .iter()
            .find(|p| p.id == res["id"].as_str().unwrap())
            .unwrap();
        let d = res["distance_km"].as_f64().unwrap();
        assert!((km(p) - d).abs() < 0.001, "{res}: {} km", km(p));
        assert_eq!(res["within_16km"], d <= 16.0, "{res}");
        if p.kinds.contains(ProviderKind::PalliativeCareWard) {
            wards += 1;
            assert!(d >= nearest_ward - 0.001, "{res}");
            assert_eq!(res["within_16km"], false, "{res}");
        }
    }
    assert!(wards > 0, "no palliative ward among {v}");
}

#[tokio::test]
async fn kind_omitted_means_every_medical_kind_and_k_defaults_to_five() {
    let r = router();
    let (s, v) = get_json(&r, "/api/nearest?lat=32.8&lon=130.7").await;
    assert_eq!(s, 200);
    assert_eq!(v["results"].as_array().unwrap().len(), 5);
    // Every medical kind; the local resource kinds only when named.
    let kinds = v["kinds"].as_array().unwrap();
    assert_eq!(
        kinds.len(),
        carecover::data::KindSet::medical().iter().count()
    );
    for k in ProviderKind::RESOURCE {
        assert!(!kinds.iter().any(|x| x == k.as_str()), "{k} in {kinds:?}");
    }
}

#[tokio::test]
async fn a_provider_is_found_by_its_id_with_leading_zeros() {
    let r = router();
    let (s, v) = get_json(&r, "/api/providers/0114303").await;
    assert_eq!(s, 200);
    assert_eq!(v["provider"]["name"], "ピネル記念病院");
}

#[tokio::test]
async fn missing_lat_or_lon_is_a_400() {
    let r = router();
    assert_error(&r, "/api/nearest?lon=130.7", 400, "missing_parameter").await;
    assert_error(&r, "/api/nearest?lat=32.8", 400, "missing_parameter").await;
    assert_error(&r, "/api/nearest", 400, "missing_parameter").await;
}

#[tokio::test]
async fn a_non_numeric_coordinate_is_a_400() {
    let r = router();
    let v = assert_error(&r, "/api/nearest?lat=abc&lon=130.7", 400, "invalid_number").await;
    assert!(v["error"]["message"].as_str().unwrap().contains("lat"));
    assert_error(&r, "/api/nearest?lat=32.8&lon=NaN", 400, "invalid_number").await;
    assert_error(&r, "/api/nearest?lat=32.8&lon=inf", 400, "invalid_number").await;
    assert_error(&r, "/api/nearest?lat=&lon=130.7", 400, "invalid_number").await;
}

#[tokio::test]
async fn an_out_of_range_coordinate_is_a_400() {
    let r = router();
    let v = assert_error(&r, "/api/nearest?lat=95&lon=130.7", 400, "out_of_range").await;
    assert!(v["error"]["message"].as_str().unwrap().contains("lat=95"));
    assert_error(&r, "/api/nearest?lat=35.68&lon=139.76", 400, "out_of_range").await;
    assert_error(&r, "/api/nearest?lat=32.8&lon=-130.7", 400, "out_of_range").await;
}

#[tokio::test]
async fn k_zero_or_above_fifty_is_a_400() {
    let r = router();
    for k in ["0", "51", "-1", "2.5", "many"] {
        assert_error(
            &r,
            &format!("/api/nearest?lat=32.8&lon=130.7&k={k}"),
            400,
            "invalid_k",
        )
        .await;
    }
    let (s, v) = get_json(&r, "/api/nearest?lat=32.8&lon=130.7&k=50").await;
    assert_eq!(s, 200);
    assert_eq!(v["results"].as_array().unwrap().len(), 50);
}

#[tokio::test]
async fn an_unknown_kind_is_a_400() {
    let r = router();
    let v = assert_error(
        &r,
        "/api/nearest?lat=32.8&lon=130.7&kind=hospice",
        400,
        "unknown_kind",
    )
    .await;
    assert!(v["error"]["message"].as_str().unwrap().contains("hospice"));
    assert_error(
        &r,
        "/api/nearest?lat=32.8&lon=130.7&kind=home_care_support_clinic,x",
        400,
        "unknown_kind",
    )
    .await;
    assert_error(
        &r,
        "/api/nearest?lat=32.8&lon=130.7&kind=",
        400,
        "unknown_kind",
    )
    .await;
}

#[tokio::test]
async fn unknown_or_repeated_parameters_are_a_400() {
    let r = router();
    assert_error(
        &r,
        "/api/nearest?lat=32.8&lon=130.7&kinds=x",
        400,
        "unknown_parameter",
    )
    .await;
    assert_error(
        &r,
        "/api/nearest?lat=32.8&lat=32.9&lon=130.7",
        400,
        "duplicate_parameter",
    )
    .await;
}

#[tokio::test]
async fn an_unknown_or_malformed_provider_id_is_a_404_or_400() {
    let r = router();
    assert_error(&r, "/api/providers/9999999", 404, "not_found").await;
    assert_error(&r, "/api/providers/abc", 400, "invalid_id").await;
}

#[tokio::test]
async fn unknown_routes_and_methods_get_json_errors() {
    let r = router();
    assert_error(&r, "/api/nowhere", 404, "not_found").await;
    let req = axum::http::Request::post("/api/nearest")
        .body(axum::body::Body::empty())
        .unwrap();
    let (s, _, body) = common::send(&r, req).await;
    assert_eq!(s, 405);
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["error"]["code"], "method_not_allowed");
}

#[tokio::test]
async fn health_and_readiness_answer() {
    let r = router();
    let (s, v) = get_json(&r, "/healthz").await;
    assert_eq!((s.as_u16(), v["status"].as_str()), (200, Some("ok")));
    let (s, v) = get_json(&r, "/readyz").await;
    assert_eq!(s, 200);
    assert_eq!(v["providers"], 1324);
}

#[tokio::test]
async fn readiness_turns_503_while_draining() {
    let snap = carecover::app::Snapshot::build(common::dataset()).unwrap();
    let state = carecover::server::AppState::new(snap);
    let r = carecover::server::app(state.clone());
    state.start_draining();
    assert_error(&r, "/readyz", 503, "unavailable").await;
    let (s, _) = get_json(&r, "/healthz").await;
    assert_eq!(s, 200);
}

#[tokio::test]
async fn nearest_by_address_answers_like_nearest_by_the_towns_point() {
    let r = router();
    let (s, by_addr) = get_json(
        &r,
        "/api/nearest?address=熊本市中央区水前寺６丁目１８－１&k=5&kind=home_care_support_clinic",
    )
    .await;
    assert_eq!(s, 200, "{by_addr}");
    assert_eq!(by_addr["address"]["town"], "水前寺六丁目");
    assert_eq!(by_addr["address"]["level"], "town");
    assert_eq!(by_addr["address"]["rest"], "18-1");
    let ds = common::dataset();
    let town = ds
        .towns
        .iter()
        .find(|t| t.city == "熊本市中央区" && t.name == "水前寺六丁目")
        .unwrap();
    let uri = format!(
        "/api/nearest?lat={}&lon={}&k=5&kind=home_care_support_clinic",
        town.location.lat(),
        town.location.lon()
    );
    let (_, by_point) = get_json(&r, &uri).await;
    let ids = |v: &serde_json::Value| {
        v["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["id"].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&by_addr), ids(&by_point));
    assert_eq!(ids(&by_addr).len(), 5);
}

#[tokio::test]
async fn an_address_outside_kumamoto_or_unknown_is_a_400() {
    let r = router();
    let v = assert_error(
        &r,
        "/api/nearest?address=東京都千代田区丸の内1丁目",
        400,
        "address_not_found",
    )
    .await;
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not_in_kumamoto"),
        "{v}"
    );
    assert_error(&r, "/api/nearest?address=zzzz", 400, "address_not_found").await;
    assert_error(&r, "/api/nearest?address=", 400, "address_not_found").await;
    assert_error(
        &r,
        "/api/nearest?address=八代市松江城町&lat=32.5",
        400,
        "conflicting_parameters",
    )
    .await;
}

#[tokio::test]
async fn geocode_returns_candidates_or_a_reason() {
    let r = router();
    let (s, v) = get_json(&r, "/api/geocode?q=八代市松江城町").await;
    assert_eq!(s, 200);
    assert_eq!(v["candidates"][0]["city"], "八代市");
    assert_eq!(v["candidates"][0]["level"], "town");
    let (s, v) = get_json(&r, "/api/geocode?q=福岡県福岡市中央区天神1丁目").await;
    assert_eq!(s, 200);
    assert_eq!(v["candidates"].as_array().unwrap().len(), 0);
    assert_eq!(v["reason"], "not_in_kumamoto");
}

#[tokio::test]
async fn geocode_parameter_mistakes_are_a_400() {
    let r = router();
    assert_error(&r, "/api/geocode", 400, "missing_parameter").await;
    assert_error(&r, "/api/geocode?q=八代市&limit=0", 400, "invalid_limit").await;
    assert_error(&r, "/api/geocode?q=八代市&limit=x", 400, "invalid_limit").await;
    let long = "熊".repeat(201);
    assert_error(&r, &format!("/api/geocode?q={long}"), 400, "invalid_query").await;
    assert_error(&r, "/api/geocode?q=八代市&x=1", 400, "unknown_parameter").await;
}

#[tokio::test]
async fn an_ambiguous_address_is_answered_from_the_first_town_and_lists_the_others() {
    let r = common::shared_router();
    // 宮原 is a 大字 of 玉名市, 阿蘇郡小国町 and 八代郡氷川町; no municipality written.
    let (s, v) = common::get_json(&r, "/api/nearest?address=宮原 100&k=3").await;
    assert_eq!(s.as_u16(), 200, "{v}");
    assert_eq!(v["address"]["ambiguous"], true, "{v}");
    let alternatives = v["address"]["alternatives"]
        .as_array()
        .expect("alternatives");
    assert!(!alternatives.is_empty(), "{v}");
    let mut cities: Vec<&str> = alternatives
        .iter()
        .filter_map(|a| a["city"].as_str())
        .collect();
    cities.push(v["address"]["city"].as_str().unwrap_or(""));
    for city in ["玉名市", "阿蘇郡小国町", "八代郡氷川町"] {
        assert!(cities.contains(&city), "{city} missing: {v}");
    }
    // A former municipality name is not ambiguous, and the answer says where it is now.
    let (s, v) = common::get_json(&r, "/api/nearest?address=鹿本郡植木町岩野&k=3").await;
    assert_eq!(s.as_u16(), 200, "{v}");
    assert_eq!(v["address"]["ambiguous"], false, "{v}");
    assert_eq!(v["address"]["city"], "熊本市北区", "{v}");
    assert_eq!(v["address"]["town"], "植木町岩野", "{v}");
    assert_eq!(v["address"]["alternatives"], serde_json::json!([]), "{v}");
}
