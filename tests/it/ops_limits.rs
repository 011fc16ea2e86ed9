//! Limits (load shedding, timeout), health outside the limits, and CORS, in-process.

use crate::common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::routing::get;
use axum::Router;
use carecover::app::Snapshot;
use carecover::server::{
    app_with, limited, AdminToken, AppState, CorsOrigins, Limits, ServerConfig,
};
use common::{get_json, send};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, Notify};

fn json(body: &[u8]) -> serde_json::Value {
    serde_json::from_slice(body)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(body)))
}

#[tokio::test]
async fn a_request_beyond_the_concurrency_limit_is_shed_with_503_and_retry_after() {
    // One slot; the first request parks in its handler until released.
    let release = Arc::new(Notify::new());
    let (entered_tx, mut entered_rx) = mpsc::unbounded_channel::<()>();
    let r = {
        let release = release.clone();
        let router = Router::new().route(
            "/slow",
            get(move || {
                let release = release.clone();
                let entered = entered_tx.clone();
                async move {
                    let _ = entered.send(());
                    release.notified().await;
                    "done"
                }
            }),
        );
        limited(
            router,
            &Limits {
                max_concurrency: 1,
                request_timeout: Duration::from_secs(600),
            },
        )
    };
    let first = {
        let r = r.clone();
        tokio::spawn(
            async move { send(&r, Request::get("/slow").body(Body::empty()).unwrap()).await },
        )
    };
    entered_rx
        .recv()
        .await
        .expect("first request entered its handler");
    let (s, h, b) = send(&r, Request::get("/slow").body(Body::empty()).unwrap()).await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(h[header::RETRY_AFTER], "1");
    assert_eq!(json(&b)["error"]["code"], "overloaded");
    release.notify_one();
    let (s, _, _) = first.await.unwrap();
    assert_eq!(s, StatusCode::OK);
    // The slot is free again.
    let r2 = r.clone();
    let again =
        tokio::spawn(
            async move { send(&r2, Request::get("/slow").body(Body::empty()).unwrap()).await },
        );
    entered_rx.recv().await.expect("slot free again");
    release.notify_one();
    assert_eq!(again.await.unwrap().0, StatusCode::OK);
}

#[tokio::test]
async fn a_request_over_the_time_limit_is_a_503_json_error() {
    let router = Router::new().route("/stuck", get(std::future::pending::<&'static str>));
    let r = limited(
        router,
        &Limits {
            max_concurrency: 8,
            request_timeout: Duration::from_millis(50),
        },
    );
    let (s, _, b) = send(&r, Request::get("/stuck").body(Body::empty()).unwrap()).await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(json(&b)["error"]["code"], "timeout");
}

fn router_with(config: ServerConfig) -> Router {
    let snap = Snapshot::build(common::dataset()).expect("snapshot");
    // Admin on, so the CORS tests see the real admin route, not the 404 fallback.
    let state = AppState::new(snap).with_admin_token(AdminToken::new(Some("t0ken".into())));
    app_with(state, &config)
}

#[tokio::test]
async fn health_answers_while_the_public_routes_have_no_free_slot() {
    // Zero slots: every public request is shed at once, as in a saturating tile storm.
    let r = router_with(ServerConfig {
        limits: Limits {
            max_concurrency: 0,
            ..Limits::default()
        },
        ..ServerConfig::default()
    });
    for uri in [
        "/tiles/10/883/413.mvt",
        "/tiles.json",
        "/api/nearest?lat=32.8&lon=130.7",
    ] {
        let (s, v) = get_json(&r, uri).await;
        assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "{uri}: {v}");
        assert_eq!(v["error"]["code"], "overloaded", "{uri}");
    }
    let (s, _) = get_json(&r, "/healthz").await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = get_json(&r, "/readyz").await;
    assert_eq!(s, StatusCode::OK, "{v}");
}

fn with_origin(method: &str, uri: &str, origin: &str) -> Request<Body> {
    let mut b = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::ORIGIN, origin);
    if method == "OPTIONS" {
        b = b
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "GET")
            .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "if-none-match");
    }
    b.body(Body::empty()).unwrap()
}

#[tokio::test]
async fn cors_by_default_lets_any_origin_get_tiles_and_the_api_but_not_admin() {
    let r = router_with(ServerConfig::default());
    let o = "https://map.example.jp";
    for uri in [
        "/tiles.json",
        "/tiles/10/883/413.mvt",
        "/api/nearest?lat=32.8&lon=130.7",
    ] {
        let (s, h, _) = send(&r, with_origin("GET", uri, o)).await;
        assert!(s.is_success(), "{uri}: {s}");
        assert_eq!(h[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*", "{uri}");
    }
    let (s, h, _) = send(&r, with_origin("OPTIONS", "/api/nearest", o)).await;
    assert!(s.is_success(), "{s}");
    assert_eq!(h[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    assert!(h[header::ACCESS_CONTROL_ALLOW_METHODS]
        .to_str()
        .unwrap()
        .contains("GET"));
    // Admin and health never carry CORS headers.
    for (m, uri) in [
        ("OPTIONS", "/admin/reload"),
        ("POST", "/admin/reload"),
        ("GET", "/readyz"),
    ] {
        let (_, h, _) = send(&r, with_origin(m, uri, o)).await;
        assert!(
            h.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none(),
            "{m} {uri}: {h:?}"
        );
    }
}

#[tokio::test]
async fn cors_with_an_origin_list_answers_only_those_origins() {
    let cors = CorsOrigins::parse(&["https://map.example.jp".into()]).unwrap();
    let r = router_with(ServerConfig {
        cors,
        ..ServerConfig::default()
    });
    let (_, h, _) = send(
        &r,
        with_origin("GET", "/tiles.json", "https://map.example.jp"),
    )
    .await;
    assert_eq!(
        h[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        "https://map.example.jp"
    );
    let (_, h, _) = send(
        &r,
        with_origin("GET", "/tiles.json", "https://evil.example"),
    )
    .await;
    assert!(
        h.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none(),
        "{h:?}"
    );
    let none = router_with(ServerConfig {
        cors: CorsOrigins::None,
        ..ServerConfig::default()
    });
    let (_, h, _) = send(
        &none,
        with_origin("GET", "/tiles.json", "https://map.example.jp"),
    )
    .await;
    assert!(
        h.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none(),
        "{h:?}"
    );
}

/// On a single async worker, a scenario, suggestion or region query that computes a new
/// coverage layer must not hold the worker: `/healthz` is answered while it runs. Were the work
/// done on the async worker, the spawned request would run to completion before `/healthz` got
/// a turn.
#[tokio::test(flavor = "current_thread")]
async fn heavy_coverage_work_leaves_the_async_worker_free() {
    let r = router_with(ServerConfig::default());
    let scenario = Request::post("/api/scenarios")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            r#"{"radius_km":13.5,"add":[{"lat":32.95,"lon":131.1}]}"#,
        ))
        .unwrap();
    let suggest = Request::get("/api/suggest?region=9&n=2&radius_km=12.5")
        .body(Body::empty())
        .unwrap();
    let regions = Request::get("/api/regions?radius_km=11.5")
        .body(Body::empty())
        .unwrap();
    for req in [scenario, suggest, regions] {
        let uri = req.uri().to_string();
        let heavy = {
            let r = r.clone();
            tokio::spawn(async move { send(&r, req).await })
        };
        // Let the heavy request start and reach its first await.
        tokio::task::yield_now().await;
        let (s, _) = get_json(&r, "/healthz").await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            !heavy.is_finished(),
            "{uri} finished before /healthz was answered: it ran on the async worker"
        );
        let (s, _, body) = heavy.await.unwrap();
        assert_eq!(
            s,
            StatusCode::OK,
            "{uri}: {}",
            String::from_utf8_lossy(&body)
        );
    }
}
