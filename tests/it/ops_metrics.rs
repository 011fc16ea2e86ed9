//! `GET /metrics`: OpenMetrics text that a real parser reads, counters that move with the
//! requests served, route templates (never a query value) as labels, the tile cache, the data
//! version, reloads, and requests shed at the concurrency limit.

use crate::common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use carecover::server::{app, app_with, Limits, ServerConfig};
use common::{get, send};

async fn metrics_text(r: &axum::Router) -> String {
    let (s, h, b) = get(r, "/metrics").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        h[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text"),
        "{h:?}"
    );
    String::from_utf8(b).unwrap()
}

/// The value of the sample `name{labels}` (labels exactly as the encoder writes them).
fn sample(text: &str, name_and_labels: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(name_and_labels)?.strip_prefix(' '))
        .map(|v| v.split(' ').next().unwrap().parse().unwrap())
}

#[tokio::test]
async fn counters_move_with_requests_and_labels_hold_no_query_value() {
    let r = app(common::state_with_own_metrics());
    for _ in 0..3 {
        let (s, _, _) = get(&r, "/api/v1/nearest?lat=32.8123&lon=130.7456&k=2").await;
        assert_eq!(s, StatusCode::OK);
    }
    let (s, _, _) = get(&r, "/api/v1/nearest?lat=91&lon=130.7456").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    // The same tile twice: the second is from the cache (the first too when another test of
    // this shared snapshot rendered it already).
    for _ in 0..2 {
        let (s, _, _) = get(&r, "/tiles/9/441/206.mvt").await;
        assert_eq!(s, StatusCode::OK);
    }
    let (s, _, _) = get(&r, "/no/such/path/32.8123").await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    let text = metrics_text(&r).await;
    let req = |route: &str, status: u16| {
        sample(
            &text,
            &format!(
                "carecover_http_requests_total{{route=\"{route}\",method=\"GET\",status=\"{status}\"}}"
            ),
        )
    };
    assert_eq!(req("/api/v1/nearest", 200), Some(3.0), "{text}");
    assert_eq!(req("/api/v1/nearest", 400), Some(1.0), "{text}");
    assert_eq!(req("/tiles/{z}/{x}/{y}", 200), Some(2.0), "{text}");
    assert_eq!(req("unmatched", 404), Some(1.0), "{text}");
    let tiles = |result: &str| {
        sample(
            &text,
            &format!("carecover_tile_cache_requests_total{{cache=\"map\",result=\"{result}\"}}"),
        )
    };
    let (hit, miss) = (tiles("hit").unwrap_or(0.0), tiles("miss").unwrap_or(0.0));
    assert_eq!(hit + miss, 2.0, "{text}");
    assert!(hit >= 1.0, "{text}");
    assert!(sample(&text, "carecover_tile_cache_bytes{cache=\"map\"}").unwrap() > 0.0);
    assert_eq!(
        sample(
            &text,
            "carecover_http_request_duration_seconds_count{route=\"/api/v1/nearest\"}"
        ),
        Some(4.0)
    );
    let version = common::snapshot().version().to_string();
    assert_eq!(
        sample(
            &text,
            &format!("carecover_data_info{{data_version=\"{version}\"}}")
        ),
        Some(1.0)
    );
    assert!(sample(&text, "carecover_snapshot_build_seconds").unwrap() > 0.0);
    // Only /metrics itself is in flight while it renders.
    assert_eq!(
        sample(&text, "carecover_http_requests_in_flight"),
        Some(1.0)
    );
    for secret in ["32.8123", "130.7456", "no/such"] {
        assert!(
            !text.contains(secret),
            "a query value in the metrics: {secret}"
        );
    }
    assert!(text.ends_with("# EOF\n"));
}

#[tokio::test]
async fn shed_requests_are_counted_and_metrics_still_answer() {
    let config = ServerConfig {
        limits: Limits {
            max_concurrency: 0,
            ..Limits::default()
        },
        ..ServerConfig::default()
    };
    let r = app_with(common::state_with_own_metrics(), &config);
    for _ in 0..2 {
        let (s, _, _) = get(&r, "/api/v1/regions").await;
        assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE);
    }
    let text = metrics_text(&r).await;
    assert_eq!(
        sample(&text, "carecover_http_rejected_total{reason=\"shed\"}"),
        Some(2.0),
        "{text}"
    );
    assert_eq!(
        sample(
            &text,
            "carecover_http_requests_total{route=\"/api/v1/regions\",method=\"GET\",status=\"503\"}"
        ),
        Some(2.0),
        "{text}"
    );
}

#[tokio::test]
async fn reloads_are_counted_by_outcome() {
    use carecover::app::Snapshot;
    use carecover::data::Manifest;
    use carecover::server::{AdminToken, AppState, DataSource};
    let data = common::TempData::new("metrics-reload");
    let snap = Snapshot::load(data.dir.as_path(), &Manifest::builtin().unwrap()).unwrap();
    let token = "metrics-token-0123456789";
    let state = AppState::new(snap)
        .with_reload(DataSource {
            files: data.dir.as_path().into(),
            manifest: None,
        })
        .with_admin_token(AdminToken::new(Some(token.into())));
    let r = app(state);
    let post = || {
        Request::post("/admin/reload")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap()
    };
    let (s, _, _) = send(&r, post()).await;
    assert_eq!(s, StatusCode::OK);
    std::fs::write(&data.providers, "not,a,provider,file\n").unwrap();
    let (s, _, _) = send(&r, post()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let text = metrics_text(&r).await;
    assert_eq!(
        sample(&text, "carecover_reloads_total{outcome=\"ok\"}"),
        Some(1.0)
    );
    assert_eq!(
        sample(&text, "carecover_reloads_total{outcome=\"failed\"}"),
        Some(1.0)
    );
}

#[tokio::test]
#[ignore = "needs python3 with prometheus_client (pip install prometheus-client); run with --include-ignored (as .ci/run does)"]
async fn the_official_python_client_parses_the_metrics() {
    common::require_python("prometheus_client", "pip install prometheus-client");
    let r = app(common::state_with_own_metrics());
    get(&r, "/api/v1/regions").await;
    get(&r, "/tiles/8/220/103.mvt").await;
    let text = metrics_text(&r).await;
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys\n\
             from prometheus_client.openmetrics.parser import text_string_to_metric_families\n\
             fams = {f.name: f for f in text_string_to_metric_families(sys.stdin.read())}\n\
             need = ['carecover_http_requests', 'carecover_http_request_duration_seconds',\n\
                     'carecover_http_requests_in_flight', 'carecover_tile_cache_requests',\n\
                     'carecover_tile_cache_bytes', 'carecover_data_info',\n\
                     'carecover_snapshot_build_seconds']\n\
             missing = [n for n in need if n not in fams]\n\
             assert not missing, missing\n\
             assert fams['carecover_http_request_duration_seconds'].type == 'histogram'\n\
             assert fams['carecover_http_requests'].type == 'counter'\n\
             ok = [s for s in fams['carecover_http_requests'].samples\n\
                   if s.labels.get('route') == '/api/v1/regions' and s.name.endswith('_total')]\n\
             assert ok and ok[0].value == 1.0, ok\n\
             print(len(fams), 'families')",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(text.as_bytes())?;
            c.wait_with_output()
        })
        .unwrap();
    assert!(
        out.status.success(),
        "prometheus_client refused the metrics: {}{}\n{text}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
