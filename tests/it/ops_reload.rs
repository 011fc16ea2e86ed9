//! Hot reload through `POST /admin/reload`, in-process: auth, body limit, a swap that changes
//! the data version (and so ETags), a refused reload that keeps the old data, serialisation.

use crate::common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use carecover::app::Snapshot;
use carecover::data::Manifest;
use carecover::server::{app, AdminToken, AppState, DataSource};
use common::{get, get_json, send, TempData};
use std::path::Path;

const TOKEN: &str = "test-admin-token-0123456789";

fn state_over(dir: &Path, token: Option<&str>) -> AppState {
    let m = Manifest::builtin().unwrap();
    let snap = Snapshot::load(dir, &m).unwrap_or_else(|e| panic!("{e}"));
    AppState::new(snap)
        .with_reload(DataSource {
            files: dir.into(),
            manifest: None,
        })
        .with_admin_token(AdminToken::new(token.map(String::from)))
}

fn reload_request(auth: Option<&str>, body: &'static str) -> Request<Body> {
    let mut b = Request::post("/admin/reload");
    if let Some(a) = auth {
        b = b.header(header::AUTHORIZATION, a);
    }
    b.body(Body::from(body)).unwrap()
}

async fn post_reload(
    r: &axum::Router,
    auth: Option<&str>,
    body: &'static str,
) -> (StatusCode, axum::http::HeaderMap, serde_json::Value) {
    let (s, h, b) = send(r, reload_request(auth, body)).await;
    let v = serde_json::from_slice(&b)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&b)));
    (s, h, v)
}

#[tokio::test]
async fn admin_routes_are_a_404_without_a_configured_token() {
    let r = common::router();
    let (s, _, v) = post_reload(&r, Some(&format!("Bearer {TOKEN}")), "").await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    assert_eq!(v["error"]["code"], "not_found");
    // Not even a 405 hints that the route exists.
    let (s, _) = get_json(&r, "/admin/reload").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn admin_auth_body_and_reload_outcomes() {
    let data = TempData::new("reload");
    let state = state_over(&data.dir, Some(TOKEN));
    let r = app(state.clone());
    let bearer = format!("Bearer {TOKEN}");

    // With a token the admin route exists, and the OpenAPI document lists it (and exactly the
    // router's paths); without one, neither (api_openapi checks that side).
    let (s, doc) = get_json(&r, "/openapi.json").await;
    assert_eq!(s, StatusCode::OK);
    let documented: std::collections::BTreeSet<String> =
        doc["paths"].as_object().unwrap().keys().cloned().collect();
    let routed: std::collections::BTreeSet<String> =
        carecover::server::route_paths(true).into_iter().collect();
    assert_eq!(documented, routed);
    assert!(doc["paths"]["/admin/reload"]["post"]["responses"]["401"].is_object());

    // Missing, wrong, and wrong-scheme tokens: 401 JSON with a Bearer challenge.
    for auth in [
        None,
        Some("Bearer nope"),
        Some(&format!("Bearer {TOKEN}x")[..]),
        Some(&format!("Basic {TOKEN}")[..]),
    ] {
        let (s, h, v) = post_reload(&r, auth, "").await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{auth:?}: {v}");
        assert_eq!(v["error"]["code"], "unauthorized");
        assert!(h
            .get(header::WWW_AUTHENTICATE)
            .is_some_and(|v| v.to_str().unwrap().starts_with("Bearer")));
    }
    // The route takes no body.
    let (s, _, v) = post_reload(&r, Some(&bearer), "{\"x\":1}").await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
    assert_eq!(v["error"]["code"], "payload_too_large");
    // GET is not a reload.
    let (s, _, _) = get(&r, "/admin/reload").await;
    assert_eq!(s, StatusCode::METHOD_NOT_ALLOWED);

    let (_, ready) = get_json(&r, "/readyz").await;
    assert!(ready["last_reload"].is_null(), "{ready}");
    let v0 = ready["data_version"].as_str().unwrap().to_string();
    let providers0 = ready["providers"].as_u64().unwrap();
    let (_, h, _) = get(&r, "/tiles/10/883/413.mvt").await;
    let etag0 = h[header::ETAG].to_str().unwrap().to_string();

    // Two overlapping reloads of changed data: both succeed, and because they are serialised
    // exactly one of them sees the change (the other rebuilds the same version).
    data.drop_last_provider();
    let (a, b) = tokio::join!(
        post_reload(&r, Some(&bearer), ""),
        post_reload(&r, Some(&bearer), "")
    );
    for (s, _, v) in [&a, &b] {
        assert_eq!(*s, StatusCode::OK, "{v}");
    }
    let changed: Vec<bool> = [&a.2, &b.2]
        .iter()
        .map(|v| v["reloaded"]["changed"].as_bool().unwrap())
        .collect();
    assert_eq!(changed.iter().filter(|c| **c).count(), 1, "{changed:?}");
    let v1 = a.2["reloaded"]["data_version"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(v1, v0);
    let (s, ready) = get_json(&r, "/readyz").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(ready["data_version"], v1.as_str());
    assert_eq!(ready["providers"].as_u64().unwrap(), providers0 - 1);
    assert_eq!(ready["last_reload"]["ok"], true, "{ready}");
    assert!(ready["last_reload"]["at"].as_str().unwrap().ends_with('Z'));
    let (_, h, _) = get(&r, "/tiles/10/883/413.mvt").await;
    assert_ne!(
        h[header::ETAG].to_str().unwrap(),
        etag0,
        "ETag follows the data"
    );
    let (_, v) = get_json(&r, "/api/nearest?lat=32.8032&lon=130.7079&k=1").await;
    assert_eq!(v["data_version"], v1.as_str());

    // Invalid data: 422 listing the errors, the previous snapshot keeps serving.
    std::fs::write(&data.providers, "not,a,provider,file\n1,2,3,4\n").unwrap();
    let (s, _, v) = post_reload(&r, Some(&bearer), "").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["code"], "invalid_data");
    let issues = v["error"]["issues"].as_array().unwrap();
    assert!(!issues.is_empty() && issues.len() <= 20, "{v}");
    assert!(
        issues[0]["file"].as_str().unwrap().contains("kouseikyoku"),
        "{v}"
    );
    let (s, ready) = get_json(&r, "/readyz").await;
    assert_eq!(s, StatusCode::OK, "still ready on the old data: {ready}");
    assert_eq!(ready["data_version"], v1.as_str());
    assert_eq!(ready["last_reload"]["ok"], false, "{ready}");
    assert!(ready["last_reload"]["error"]
        .as_str()
        .unwrap()
        .contains("error"));
    let (s, v) = get_json(&r, "/api/nearest?lat=32.8032&lon=130.7079&k=1").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["data_version"], v1.as_str());
}

#[tokio::test]
async fn a_server_without_a_data_source_cannot_reload() {
    let snap = Snapshot::build(common::dataset()).unwrap();
    let state = AppState::new(snap).with_admin_token(AdminToken::new(Some(TOKEN.into())));
    let r = app(state);
    let (s, _, v) = post_reload(&r, Some(&format!("Bearer {TOKEN}")), "").await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "{v}");
    assert_eq!(v["error"]["code"], "unavailable");
}

/// `serve --watch`: a changed provider file is reloaded once it has stayed unchanged for a
/// poll; a corrupted one is refused and the old data keeps serving. Waits have generous
/// guards (a debug-build snapshot takes seconds); nothing asserts a time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watched_data_folder_reloads_on_change_and_refuses_bad_data() {
    use std::time::{Duration, Instant};
    let data = TempData::new("watch");
    let state = state_over(&data.dir, None);
    let r = app(state.clone());
    let v0 = state.snapshot().version().to_string();
    let n0 = state.snapshot().dataset.providers.len();
    let watcher = tokio::spawn(carecover::server::watch_files(
        state.clone(),
        Duration::from_millis(100),
    ));
    // Let the watcher take its first look before anything changes.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(state.snapshot().version(), v0, "nothing changed yet");

    data.drop_last_provider();
    let guard = Instant::now() + Duration::from_secs(300);
    while state.snapshot().version() == v0 {
        assert!(Instant::now() < guard, "no reload after the file changed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(state.snapshot().dataset.providers.len(), n0 - 1);
    let v1 = state.snapshot().version().to_string();

    std::fs::write(&data.providers, "not,a,provider,file\n1,2,3,4\n").unwrap();
    let ready = loop {
        let (_, ready) = get_json(&r, "/readyz").await;
        if ready["last_reload"]["ok"] == false {
            break ready;
        }
        assert!(Instant::now() < guard, "no refused reload: {ready}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(ready["data_version"], v1.as_str(), "{ready}");
    assert_eq!(state.snapshot().version(), v1);
    watcher.abort();
}
