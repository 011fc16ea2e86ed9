//! `GET /` and its assets: the map widget (`web/`), served from a fixed table of URL paths.
//!
//! No file path is ever built from a request: each route is one row of [`ASSETS`], naming a
//! file under the widget folder. By default the files are those compiled into the binary
//! (`build.rs` embeds `web/` and MapLibre GL JS, which the build takes from npm at the version
//! `web/package-lock.json` pins); `--web DIR` / `CARECOVER_WEB` serves a folder instead (for
//! developing the widget; MapLibre then comes from `DIR/node_modules`). Which one is
//! configuration ([`WebFiles`], in the server's config), not process-wide state. When MapLibre is
//! missing its routes answer 404 with the reason and the page says what is missing, while the
//! API keeps working.

use super::cors::FrameAncestors;
use axum::body::Body;
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::path::PathBuf;
use std::sync::Arc;
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
    page("/js/referral.js", "js/referral.js", JS),
    page("/js/planner.js", "js/planner.js", JS),
    page("/style.css", "style.css", CSS),
    Asset {
        url: "/vendor/maplibre-gl.js",
        file: VENDOR_JS_FILE,
        content_type: JS,
        cache: VENDOR_CACHE,
    },
    Asset {
        url: "/vendor/maplibre-gl.css",
        file: VENDOR_CSS_FILE,
        content_type: CSS,
        cache: VENDOR_CACHE,
    },
];

const VENDOR_JS_FILE: &str = "node_modules/maplibre-gl/dist/maplibre-gl.js";
const VENDOR_CSS_FILE: &str = "node_modules/maplibre-gl/dist/maplibre-gl.css";

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/web_assets.rs"));
}

/// Where the widget's files come from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum WebFiles {
    /// The copy compiled into the binary (the default).
    #[default]
    Builtin,
    /// A folder laid out like `web/` (`serve --web DIR` / `CARECOVER_WEB`), MapLibre under
    /// its `node_modules/`: for developing the widget.
    Folder(PathBuf),
}

impl WebFiles {
    /// The folder given, else the built-in copy.
    pub fn from_option(dir: Option<PathBuf>) -> Self {
        dir.map_or(Self::Builtin, Self::Folder)
    }

    /// One line for the start-up log: where the widget comes from and whether MapLibre is
    /// there (`Err` when the page will not draw a map).
    pub fn status(&self) -> Result<String, String> {
        match self {
            Self::Folder(dir) => {
                let js = dir.join(VENDOR_JS_FILE);
                if js.is_file() {
                    Ok(format!("map widget from {}", dir.display()))
                } else {
                    Err(format!(
                        "map widget from {}: MapLibre missing ({} not found; run `npm ci` there)",
                        dir.display(),
                        js.display()
                    ))
                }
            }
            Self::Builtin => match embedded::MAPLIBRE {
                Ok((version, _, _)) => Ok(format!("map widget built in, MapLibre GL JS {version}")),
                Err(why) => Err(format!(
                    "map widget built in WITHOUT MapLibre GL JS ({why}); the page cannot draw a map"
                )),
            },
        }
    }
}

/// The MapLibre GL JS version built into this binary, or why there is none.
pub fn builtin_maplibre() -> Result<&'static str, &'static str> {
    embedded::MAPLIBRE.map(|(version, _, _)| version)
}

/// The built-in bytes of a widget file (a page file, or MapLibre's), or why it is missing.
fn builtin_file(asset: &Asset) -> Result<&'static [u8], &'static str> {
    match asset.file {
        VENDOR_JS_FILE => embedded::MAPLIBRE.map(|(_, js, _)| js),
        VENDOR_CSS_FILE => embedded::MAPLIBRE.map(|(_, _, css)| css),
        file => embedded::WEB_FILES
            .iter()
            .find(|(name, _)| *name == file)
            .map(|(_, bytes)| *bytes)
            .ok_or("not built in"),
    }
}

/// The built-in widget as a static folder lays it out (`export --static`): each page file at
/// its URL path without the leading `/`, MapLibre under `vendor/`, and the pmtiles reader
/// (`vendor/pmtiles.js`, which only the static page loads). `Err` names what this binary lacks.
pub fn builtin_site_files() -> Result<Vec<(&'static str, &'static [u8])>, String> {
    let mut files = Vec::new();
    for asset in ASSETS.iter().filter(|a| a.url != "/") {
        let bytes = builtin_file(asset).map_err(|why| format!("{}: {why}", asset.file))?;
        files.push((asset.url.trim_start_matches('/'), bytes));
    }
    let pmtiles = embedded::PMTILES.map_err(|why| format!("the pmtiles JS library: {why}"))?;
    files.push(("vendor/pmtiles.js", pmtiles.1));
    Ok(files)
}

/// Every URL the widget answers, with its content type (for the OpenAPI document).
pub fn asset_paths() -> Vec<(&'static str, &'static str)> {
    ASSETS.iter().map(|a| (a.url, a.content_type)).collect()
}

/// The widget's routes, one per row of [`ASSETS`], gzip-compressed when the client asks
/// (MapLibre is ~1 MB of JavaScript), read from `files`. `frames` says which other sites may
/// frame the page.
pub fn routes(frames: &FrameAncestors, files: &WebFiles) -> Router {
    let headers = SecurityHeaders::new(frames);
    let files = Arc::new(files.clone());
    let mut r = Router::new();
    for asset in ASSETS {
        let (headers, files) = (headers.clone(), files.clone());
        r = r.route(
            asset.url,
            get(move || async move { serve_asset(asset, &files, &headers).await }),
        );
    }
    r.layer(CompressionLayer::new())
}

/// The security headers of every widget response, built once from the configuration.
#[derive(Clone)]
struct SecurityHeaders {
    csp: HeaderValue,
    /// `X-Frame-Options: SAMEORIGIN` for browsers without CSP frame-ancestors, only when no
    /// other origin may frame the page (the header cannot list origins).
    same_origin_only: bool,
}

impl SecurityHeaders {
    fn new(frames: &FrameAncestors) -> Self {
        let csp = format!("{CSP}; {}", frames.directive());
        SecurityHeaders {
            // Origins are validated header values: the joined policy is one too.
            csp: HeaderValue::from_str(&csp).unwrap_or(HeaderValue::from_static(CSP)),
            same_origin_only: frames.same_origin_only(),
        }
    }

    fn apply(&self, h: &mut axum::http::HeaderMap) {
        h.insert(header::CONTENT_SECURITY_POLICY, self.csp.clone());
        if self.same_origin_only {
            h.insert(
                HeaderName::from_static("x-frame-options"),
                HeaderValue::from_static("SAMEORIGIN"),
            );
        }
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
}

async fn serve_asset(
    asset: &'static Asset,
    files: &WebFiles,
    headers: &SecurityHeaders,
) -> Response {
    let dir = match files {
        WebFiles::Builtin => {
            return match builtin_file(asset) {
                Ok(bytes) => file_response(asset, Body::from(bytes), headers),
                Err(why) => missing(asset, why, headers),
            }
        }
        WebFiles::Folder(dir) => dir,
    };
    let path = dir.join(asset.file);
    match tokio::fs::read(&path).await {
        Ok(bytes) => file_response(asset, Body::from(bytes), headers),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => missing(
            asset,
            &format!("{} not found (run `npm ci` there)", path.display()),
            headers,
        ),
        Err(e) => {
            tracing::error!(file = %path.display(), error = %e, "widget file unreadable");
            plain(
                StatusCode::INTERNAL_SERVER_ERROR,
                "widget file unreadable\n".to_string(),
                headers,
            )
        }
    }
}

fn file_response(asset: &Asset, body: Body, headers: &SecurityHeaders) -> Response {
    let mut resp = Response::new(body);
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(asset.cache));
    headers.apply(h);
    resp
}

/// A missing file: the page's own files are a broken deploy (logged); MapLibre's mean the
/// build could not get it from npm (or `npm ci` has not run in a `--web` folder), which the
/// page reports to the user itself.
fn missing(asset: &Asset, why: &str, headers: &SecurityHeaders) -> Response {
    let text = if asset.cache == VENDOR_CACHE {
        tracing::warn!(file = asset.file, why, "MapLibre missing");
        format!("MapLibre GL JS is not available on this server: {why}\n")
    } else {
        tracing::error!(file = asset.file, why, "widget file missing");
        format!("the map widget file {} is missing: {why}\n", asset.file)
    };
    plain(StatusCode::NOT_FOUND, text, headers)
}

fn plain(status: StatusCode, text: String, headers: &SecurityHeaders) -> Response {
    let mut resp = (status, text).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.apply(h);
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
    fn every_page_file_is_built_in_with_the_source_tree_bytes() {
        let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/web"));
        for a in ASSETS.iter().filter(|a| a.cache == PAGE_CACHE) {
            let built_in = builtin_file(a).unwrap_or_else(|e| panic!("{}: {e}", a.file));
            assert_eq!(
                built_in,
                std::fs::read(dir.join(a.file)).unwrap(),
                "{}",
                a.file
            );
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
