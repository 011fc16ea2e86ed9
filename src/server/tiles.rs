//! `GET /tiles.json` and `GET /tiles/{z}/{x}/{y}.mvt`.

use super::error::{off_workers, AppError, ErrorBody};
use super::AppState;
use crate::tiles::TileCoord;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

const MVT: &str = "application/vnd.mapbox-vector-tile";
/// Browsers and CDNs may reuse a tile for five minutes, then revalidate with the ETag (cheap:
/// a 304). Data changes monthly, but a reload must show within minutes.
const CACHE_CONTROL: &str = "public, max-age=300";

#[utoipa::path(get, path = "/tiles.json", tag = "map", summary = "TileJSON 3.0 of the vector tiles",
    responses((status = 200, body = crate::tiles::TileJson)))]
pub async fn tilejson(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<crate::tiles::TileJson>, AppError> {
    let snap = state.snapshot();
    let base = base_url(&headers);
    let url = format!("{base}/tiles/{{z}}/{{x}}/{{y}}.mvt?v={}", snap.version());
    Ok(Json(snap.tilejson(&url)))
}

/// Where clients reach us, from the Host header (so TileJSON works behind any name), else a
/// relative URL.
pub(super) fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
        });
    match host {
        Some(h) => format!("http://{h}"),
        None => String::new(),
    }
}

#[utoipa::path(get, path = "/tiles/{z}/{x}/{y}", tag = "map",
    summary = "One Mapbox Vector Tile (y may end in .mvt or .pbf)",
    params(("z" = u8, Path), ("x" = u32, Path), ("y" = String, Path, pattern = "^[0-9]+\\.(mvt|pbf)$", description = "row and extension, e.g. 413.mvt")),
    responses(
        (status = 200, description = "The tile (gzip when asked)", content_type = "application/vnd.mapbox-vector-tile"),
        (status = 204, description = "An empty tile"),
        (status = 304, description = "Not modified (ETag)"),
        (status = 400, description = "A parameter is wrong: the code and message name it", body = ErrorBody)))]
pub async fn tile(
    State(state): State<AppState>,
    Path((z, x, y)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let coord = TileCoord::parse_path(&z, &x, &y)
        .map_err(|e| AppError::bad("invalid_tile", e.to_string()))?;
    let snap = state.snapshot();
    let s = snap.clone();
    serve_tile(
        (&state.metrics, super::TileCacheName::Map),
        &headers,
        snap.version(),
        || snap.tiles.get(&coord),
        move || {
            s.tile(coord)
                .map_err(|e| AppError::Internal(format!("tile {coord}: {e}")))
        },
    )
    .await
}

/// A tile answer: 304 when the client's ETag (the data version, `-gz` for gzip) matches,
/// else the cached tile (`cached`) or one rendered now — encoding is CPU work, so `render`
/// runs off the async workers.
async fn serve_tile(
    metrics: (&super::Metrics, super::TileCacheName),
    headers: &HeaderMap,
    version: &str,
    cached: impl FnOnce() -> Option<crate::tiles::CachedTile>,
    render: impl FnOnce() -> Result<crate::tiles::CachedTile, AppError> + Send + 'static,
) -> Result<Response, AppError> {
    let gzip_ok = accepts_gzip(headers);
    let etag = format!("\"{}{}\"", version, if gzip_ok { "-gz" } else { "" });
    if if_none_match(headers, &etag) {
        return Ok(not_modified(&etag));
    }
    let cached = cached();
    metrics.0.tile(metrics.1, cached.is_some());
    let tile = match cached {
        Some(t) => t,
        None => off_workers(render).await?,
    };
    Ok(tile_response(&tile, gzip_ok, &etag))
}

/// `GET /tiles/access/{preset}/{year}/{z}/{x}/{y}`: the `access` layer (E2SFCA index per
/// 500 m cell) of one preset and year.
#[utoipa::path(get, path = "/tiles/access/{preset}/{year}/{z}/{x}/{y}", tag = "map",
    summary = "One access tile: the E2SFCA index per 500 m cell of a preset and year",
    params(("preset" = String, Path, pattern = "^(home_care|enhanced_palliative|strengthened|pediatric_home)$"),
        ("year" = u16, Path, description = "2020 (census) or a projected year, 2025–2050"),
        ("z" = u8, Path), ("x" = u32, Path), ("y" = String, Path, pattern = "^[0-9]+\\.(mvt|pbf)$")),
    responses(
        (status = 200, description = "The tile (gzip when asked)", content_type = "application/vnd.mapbox-vector-tile"),
        (status = 204, description = "An empty tile"),
        (status = 304, description = "Not modified (ETag)"),
        (status = 400, description = "A parameter is wrong: the code and message name it", body = ErrorBody)))]
pub async fn access_tile(
    State(state): State<AppState>,
    Path((preset, year, z, x, y)): Path<(String, String, String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let coord = TileCoord::parse_path(&z, &x, &y)
        .map_err(|e| AppError::bad("invalid_tile", e.to_string()))?;
    let preset = super::coverage::preset_of(&preset)?;
    let snap = state.snapshot();
    let year = snap
        .coverage
        .frames
        .demography
        .parse_year(&year)
        .map_err(|e| AppError::bad("invalid_year", e.to_string()))?;
    let s = snap.clone();
    serve_tile(
        (&state.metrics, super::TileCacheName::Access),
        &headers,
        snap.version(),
        || snap.access_tiles.get(&(preset, year, coord)),
        move || {
            s.access_tile(preset, year, coord)
                .map_err(|e| AppError::Internal(format!("access tile {coord}: {e}")))
        },
    )
    .await
}

/// A cached tile as a response: 204 when empty, gzip when the client takes it, the ETag and
/// the cache policy.
fn tile_response(tile: &crate::tiles::CachedTile, gzip_ok: bool, etag: &str) -> Response {
    let mut resp = if tile.is_empty() {
        StatusCode::NO_CONTENT.into_response()
    } else if gzip_ok {
        let mut r = Response::new(Body::from(bytes_of(&tile.gzip)));
        r.headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        r
    } else {
        Response::new(Body::from(bytes_of(&tile.raw)))
    };
    let h = resp.headers_mut();
    if !tile.is_empty() {
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(MVT));
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_CONTROL),
    );
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Ok(v) = HeaderValue::from_str(etag) {
        h.insert(header::ETAG, v);
    }
    resp
}

fn bytes_of(b: &std::sync::Arc<[u8]>) -> axum::body::Bytes {
    axum::body::Bytes::copy_from_slice(b)
}

fn not_modified(etag: &str) -> Response {
    not_modified_with(etag, CACHE_CONTROL)
}

/// A 304 carrying the ETag and the cache policy of the resource.
pub(super) fn not_modified_with(etag: &str, cache: &'static str) -> Response {
    let mut r = StatusCode::NOT_MODIFIED.into_response();
    if let Ok(v) = HeaderValue::from_str(etag) {
        r.headers_mut().insert(header::ETAG, v);
    }
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    r
}

/// True when `Accept-Encoding` lists gzip with a non-zero quality.
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| {
            v.split(',').any(|part| {
                let mut it = part.trim().split(';');
                let coding = it.next().unwrap_or("").trim();
                let q_zero = it.any(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.trim().parse::<f32>().ok())
                        .is_some_and(|q| q == 0.0)
                });
                (coding.eq_ignore_ascii_case("gzip") || coding == "*") && !q_zero
            })
        })
}

pub(super) fn if_none_match(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| {
            v.split(',')
                .map(str::trim)
                .any(|t| t == "*" || t == etag || t.strip_prefix("W/") == Some(etag))
        })
}
