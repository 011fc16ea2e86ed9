//! `GET /` and its assets: the map widget (`web/`), served from a fixed table of URL paths.
//!
//! No file path is ever built from a request: each route is one row of [`ASSETS`], naming a
//! file under the widget folder. The folder is `--web DIR` / `CARECOVER_WEB`, else `web/` in
//! the source tree this binary was built from. MapLibre GL JS comes from `web/node_modules`
//! (`cd web && npm ci`); when it is missing its routes answer 404 and the page says how to
//! install it, while the API keeps working.

use axum::body::Body;
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use tower_http::compression::CompressionLayer;

/// The page may load scripts, styles, images and data from this server only; MapLibre runs
/// its tile workers from `blob:` URLs and draws sprites/markers from `data:`/`blob:` images.
/// MapLibre sets element styles from script (CSSOM, not affected by `style-src`); its CSS
/// file is ours.
const CSP: &str = "default-src 'none'; script-src 'self'; worker-src 'self' blob:; \
child-src blob:; connect-src 'self'; img-src 'self' data: blob:; style-src 'self'; \
font-src 'self'; base-uri 'none'; form-action 'none'; object-src 'none'";

/// Page files change with each deploy: revalidate every time (they are small).
const PAGE_CACHE: &str = "no-cache";
/// MapLibre is pinned in package-lock.json: an hour is safe.
const VENDOR_CACHE: &str = "public, max-age=3600";

const HTML: &str = "text/html; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// One served file: URL path, path under the widget folder, content type, cache policy.
struct Asset {
    url: &'static str,
    file: &'static str,
    content_type: &'static str,
    cache: &'static str,
}

const fn page(url: &'static str, file: &'static str, content_type: &'static str) -> Asset {
    Asset {
        url,
        file,
        content_type,
        cache: PAGE_CACHE,
    }
}

/// Every URL the widget answers. Adding a file to `web/` means adding a row here.
const ASSETS: &[Asset] = &[
    page("/", "index.html", HTML),
    page("/index.html", "index.html", HTML),
    page("/app.js", "app.js", JS),
    page("/js/i18n.js", "js/i18n.js", JS),
    page("/js/mapstyle.js", "js/mapstyle.js", JS),
    page("/js/api.js", "js/api.js", JS),
    page("/js/nurse.js", "js/nurse.js", JS),
    page("/js/planner.js", "js/planner.js", JS),
    page("/style.css", "style.css", CSS),
    Asset {
        url: "/vendor/maplibre-gl.js",
        file: "node_modules/maplibre-gl/dist/maplibre-gl.js",
        content_type: JS,
        cache: VENDOR_CACHE,
    },
    Asset {
        url: "/vendor/maplibre-gl.css",
        file: "node_modules/maplibre-gl/dist/maplibre-gl.css",
        content_type: CSS,
        cache: VENDOR_CACHE,
    },
];

static WEB_DIR: OnceLock<PathBuf> = OnceLock::new();

/// Sets the widget folder (from `serve --web DIR`). Only the first call counts; without one,
/// [`web_dir`] falls back to `CARECOVER_WEB`, then to the source tree's `web/`.
pub fn set_web_dir(dir: PathBuf) {
    let _ = WEB_DIR.set(dir);
}

/// The folder the widget files are read from.
pub fn web_dir() -> PathBuf {
    if let Some(d) = WEB_DIR.get() {
        return d.clone();
    }
    std::env::var_os("CARECOVER_WEB")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/web")))
}

/// The widget's routes, one per row of [`ASSETS`], gzip-compressed when the client asks
/// (MapLibre is ~1 MB of JavaScript).
pub fn routes() -> Router {
    let mut r = Router::new();
    for asset in ASSETS {
        r = r.route(asset.url, get(move || serve_asset(asset)));
    }
    r.layer(CompressionLayer::new())
}

async fn serve_asset(asset: &'static Asset) -> Response {
    let path = web_dir().join(asset.file);
    match tokio::fs::read(&path).await {
        Ok(bytes) => file_response(asset, bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => missing(asset, &path),
        Err(e) => {
            tracing::error!(file = %path.display(), error = %e, "widget file unreadable");
            plain(
                StatusCode::INTERNAL_SERVER_ERROR,
                "widget file unreadable\n",
            )
        }
    }
}

fn file_response(asset: &Asset, bytes: Vec<u8>) -> Response {
    let mut resp = Response::new(Body::from(bytes));
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(asset.cache));
    security_headers(h);
    resp
}

/// Headers every widget response carries.
fn security_headers(h: &mut axum::http::HeaderMap) {
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("geolocation=(), camera=(), microphone=()"),
    );
}

/// A missing file: the page's own files are a broken deploy (logged); MapLibre's mean
/// `npm ci` has not run, which the page reports to the user itself.
fn missing(asset: &Asset, path: &Path) -> Response {
    if asset.cache == VENDOR_CACHE {
        tracing::warn!(file = %path.display(), "MapLibre missing: run `cd web && npm ci`");
        plain(
            StatusCode::NOT_FOUND,
            "MapLibre GL JS is not installed: run `cd web && npm ci`\n",
        )
    } else {
        tracing::error!(file = %path.display(), "widget file missing");
        plain(
            StatusCode::NOT_FOUND,
            "the map widget is not installed here (see --web DIR / CARECOVER_WEB)\n",
        )
    }
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    let mut resp = (status, text).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    security_headers(h);
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_is_a_fixed_relative_path_with_a_known_type() {
        for a in ASSETS {
            assert!(a.url.starts_with('/'), "{}", a.url);
            assert!(
                !a.file.starts_with('/') && !a.file.contains(".."),
                "{}",
                a.file
            );
            let ext = a.file.rsplit('.').next().unwrap_or("");
            let want = match ext {
                "html" => HTML,
                "js" | "mjs" => JS,
                "css" => CSS,
                other => panic!("unexpected extension {other}"),
            };
            assert_eq!(a.content_type, want, "{}", a.url);
        }
    }

    #[test]
    fn every_page_file_exists_in_the_source_tree() {
        let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/web"));
        for a in ASSETS.iter().filter(|a| a.cache == PAGE_CACHE) {
            assert!(dir.join(a.file).is_file(), "web/{} is missing", a.file);
        }
    }
}
