//! `GET /style.json` (the map's MapLibre style with this server's URLs) and
//! `GET /fonts/{fontstack}/{start}-{end}.pbf` (glyph ranges, as martin's `/font/…`) and
//! `GET /fonts/ui.ttf` (the same font for the page's text).

use super::error::{off_workers, AppError, ErrorBody};
use super::tiles::{base_url, if_none_match, not_modified_with};
use super::AppState;
use crate::app::style::style_json;
use crate::tiles::{builtin_font_hash, font_for_stack, GlyphRange, FONT_NAME};
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;

/// The style names the snapshot's TileJSON (versioned tile URLs): five minutes, like tiles.
const STYLE_CACHE: &str = "public, max-age=300";
/// Glyphs change only with the binary (the font is built in): a day, then revalidate.
const GLYPH_CACHE: &str = "public, max-age=86400";
const PBF: &str = "application/x-protobuf";

#[utoipa::path(get, path = "/style.json", tag = "map", summary = "The map's MapLibre style",
    responses((status = 200, description = "A MapLibre style (v8)", content_type = "application/json")))]
pub async fn style(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let snap = state.snapshot();
    let etag = format!("\"style-{}-{}\"", snap.version(), env!("CARGO_PKG_VERSION"));
    if if_none_match(&headers, &etag) {
        return not_modified_with(&etag, STYLE_CACHE);
    }
    let mut resp = Json(style_json(&base_url(&headers), &snap.attribution())).into_response();
    set_cache(&mut resp, STYLE_CACHE, &etag);
    resp
}

#[utoipa::path(get, path = "/fonts/{fontstack}/{range}", tag = "map",
    summary = "One glyph range of the label font (SDF, MapLibre's glyphs.proto)",
    params(("fontstack" = String, Path), ("range" = String, Path, pattern = "^[0-9]+-[0-9]+\\.pbf$", description = "e.g. 0-255.pbf")),
    responses(
        (status = 200, description = "Glyph PBF", content_type = "application/x-protobuf"),
        (status = 304, description = "Not modified (ETag)"),
        (status = 400, description = "A parameter is wrong: the code and message name it", body = ErrorBody),
        (status = 404, description = "No font of this stack", body = ErrorBody)))]
pub async fn glyphs(
    Path((fontstack, range)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let range = range
        .strip_suffix(".pbf")
        .ok_or_else(|| {
            AppError::bad(
                "invalid_range",
                format!("range={range:?} must end in .pbf (e.g. \"0-255.pbf\")"),
            )
        })
        .and_then(|r| {
            GlyphRange::parse(r).map_err(|e| AppError::bad("invalid_range", e.to_string()))
        })?;
    let font = font_for_stack(&fontstack).ok_or_else(|| {
        AppError::NotFound(format!(
            "no font of fontstack {fontstack:?} is served here; fonts: {FONT_NAME:?}"
        ))
    })?;
    let etag = format!("\"glyphs-{}-{}\"", builtin_font_hash(), range.start());
    if if_none_match(&headers, &etag) {
        return Ok(not_modified_with(&etag, GLYPH_CACHE));
    }
    // Rendering a range (up to 256 SDF glyphs) is CPU work, once per range: off the workers.
    let pbf = off_workers(move || Ok(font.range_pbf(range))).await?;
    let mut resp = Response::new(Body::from(axum::body::Bytes::copy_from_slice(&pbf)));
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(PBF));
    set_cache(&mut resp, GLYPH_CACHE, &etag);
    Ok(resp)
}

/// `GET /fonts/ui.ttf`: the same font as a web font for the page's own text (its CSS lists it
/// after the usual Japanese system fonts, so a browser downloads it only when it has none).
#[utoipa::path(get, path = "/fonts/ui.ttf", tag = "map", summary = "The widget's text font",
    responses((status = 200, description = "TrueType font", content_type = "font/ttf"),
        (status = 304, description = "Not modified (ETag)")))]
pub async fn ui_font(headers: HeaderMap) -> Response {
    let etag = format!("\"font-{}\"", builtin_font_hash());
    if if_none_match(&headers, &etag) {
        return not_modified_with(&etag, GLYPH_CACHE);
    }
    let mut resp = Response::new(Body::from(crate::tiles::builtin_font_file()));
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("font/ttf"));
    set_cache(&mut resp, GLYPH_CACHE, &etag);
    resp
}

fn set_cache(resp: &mut Response, cache: &'static str, etag: &str) {
    let h = resp.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(v) = HeaderValue::from_str(etag) {
        h.insert(header::ETAG, v);
    }
}
