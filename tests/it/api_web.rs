//! The widget's routes, in-process: a fixed set of files with their types and security
//! headers, and nothing else reachable from a request path.

use crate::common;

use common::{get, router};

#[tokio::test]
async fn the_page_is_served_at_the_root_with_its_security_headers() {
    let r = router();
    let (s, h, body) = get(&r, "/").await;
    assert_eq!(s, 200);
    assert_eq!(h["content-type"], "text/html; charset=utf-8");
    let csp = h["content-security-policy"].to_str().unwrap();
    for part in [
        "default-src 'none'",
        "script-src 'self'",
        "worker-src 'self' blob:",
        "connect-src 'self'",
    ] {
        assert!(csp.contains(part), "{part} in {csp}");
    }
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "no-referrer");
    // By default only this server's own pages may frame the widget.
    assert!(csp.ends_with("frame-ancestors 'self'"), "{csp}");
    assert_eq!(h["x-frame-options"], "SAMEORIGIN");
    let html = String::from_utf8(body).unwrap();
    assert!(html.contains(r#"<script type="module" src="app.js">"#));
    assert!(
        !html.contains("https://"),
        "the page loads nothing from elsewhere"
    );
    // Its URLs are relative (the same page runs from a static folder under any prefix), and
    // each resolves, against `/`, to a route of this server.
    let mut links = 0;
    for attr in ["src=\"", "href=\""] {
        for rest in html.split(attr).skip(1) {
            let url = &rest[..rest.find('"').unwrap()];
            if url.starts_with("data:") {
                continue;
            }
            assert!(!url.starts_with('/'), "{url} is not relative");
            let (s, _, _) = get(&r, &format!("/{url}")).await;
            assert_eq!(s, 200, "{url} resolves to /{url}");
            links += 1;
        }
    }
    assert!(links >= 4, "{links} links");
}

#[tokio::test]
async fn modules_and_styles_carry_their_content_types() {
    let r = router();
    for (path, want) in [
        ("/app.js", "text/javascript; charset=utf-8"),
        ("/js/planner.js", "text/javascript; charset=utf-8"),
        ("/style.css", "text/css; charset=utf-8"),
    ] {
        let (s, h, body) = get(&r, path).await;
        assert_eq!(s, 200, "{path}");
        assert_eq!(h["content-type"], want, "{path}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert!(!body.is_empty(), "{path}");
    }
}

#[tokio::test]
async fn paths_outside_the_fixed_list_are_404s() {
    let r = router();
    for path in [
        "/vendor/../Cargo.toml",
        "/vendor/..%2F..%2FCargo.toml",
        "/js/../../Cargo.toml",
        "/js/other.js",
        "/node_modules/maplibre-gl/package.json",
        "/web/index.html",
        "/package.json",
    ] {
        let (s, _, _) = get(&r, path).await;
        assert_eq!(s, 404, "{path}");
    }
}

#[tokio::test]
async fn the_page_does_not_accept_posts() {
    let r = router();
    let req = axum::http::Request::post("/")
        .body(axum::body::Body::empty())
        .unwrap();
    let (s, _, _) = common::send(&r, req).await;
    assert_eq!(s, 405);
}

/// The binary carries MapLibre GL JS at the version web/package-lock.json pins (build.rs
/// gets it from npm), so a fresh clone needs no separate npm step.
#[tokio::test]
async fn maplibre_is_built_in_at_the_locked_version() {
    let lock: serde_json::Value =
        serde_json::from_str(include_str!("../../web/package-lock.json")).unwrap();
    let locked = lock["packages"]["node_modules/maplibre-gl"]["version"]
        .as_str()
        .unwrap();
    assert_eq!(
        carecover::server::builtin_maplibre(),
        Ok(locked),
        "the build could not get MapLibre from npm"
    );
    let r = router();
    let (s, h, body) = get(&r, "/vendor/maplibre-gl.js").await;
    assert_eq!(s, 200);
    assert_eq!(h["content-type"], "text/javascript; charset=utf-8");
    assert!(body.len() > 100_000, "{} bytes", body.len());
    let head = String::from_utf8_lossy(&body[..body.len().min(400)]).into_owned();
    assert!(
        head.contains(locked),
        "the file names its version {locked}: {head}"
    );
    let (s, h, _) = get(&r, "/vendor/maplibre-gl.css").await;
    assert_eq!(s, 200);
    assert_eq!(h["content-type"], "text/css; charset=utf-8");
}

#[tokio::test]
async fn configured_origins_may_frame_the_widget() {
    use carecover::server::{app_with, FrameAncestors, ServerConfig};
    let snap = carecover::app::Snapshot::build(common::dataset()).expect("snapshot");
    let config = ServerConfig {
        frame_ancestors: FrameAncestors::parse(&["https://intra.example.jp".into()]).unwrap(),
        ..ServerConfig::default()
    };
    let r = app_with(carecover::server::AppState::new(snap), &config);
    for path in ["/", "/app.js", "/style.css"] {
        let (_, h, _) = get(&r, path).await;
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.ends_with("frame-ancestors 'self' https://intra.example.jp"),
            "{path}: {csp}"
        );
        // X-Frame-Options cannot name another origin: left out so it does not forbid it.
        assert!(!h.contains_key("x-frame-options"), "{path}");
    }
}
