//! `GET /api/v1/nearest`, `GET /api/v1/providers/{id}` and `GET /api/v1/geocode`: parse, call
//! [`crate::app::nearest`], answer.

use super::error::AppError;
use super::params::Params;
use super::{provider_id, AppState};
use crate::app::nearest::{NearestAt, NearestError, NearestQuery, ProviderView, Sort, MAX_K};
use crate::app::rules::ServiceArea;
use axum::extract::{Path, RawQuery, State};
use axum::Json;

/// Parses the raw `/api/nearest` query string (percent-encoded, without `?`); a point must lie
/// in `area`. Public so the `nearest_query` fuzz target and its corpus replay call exactly what
/// the handler calls.
pub fn parse_nearest_query(raw: &str, area: &ServiceArea) -> Result<NearestQuery, AppError> {
    let params = Params::parse(
        Some(raw),
        &["lat", "lon", "k", "kind", "require", "address", "sort"],
    )?;
    let k = params.integer("k", 5, 1..=MAX_K, "invalid_k")?;
    let sort = Sort::parse(params.get("sort")).map_err(|m| AppError::bad("invalid_sort", m))?;
    let kinds = params.kinds(crate::data::KindSet::all())?;
    let require = params.required_kinds()?;
    let at = match params.get("address") {
        Some(address) => {
            if params.get("lat").is_some() || params.get("lon").is_some() {
                return Err(AppError::bad(
                    "conflicting_parameters",
                    "give either address or lat/lon, not both",
                ));
            }
            NearestAt::Address(address.to_string())
        }
        None => NearestAt::Point(params.point(area)?),
    };
    Ok(NearestQuery {
        k,
        kinds,
        require,
        at,
        sort,
    })
}

pub async fn nearest(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
) -> Result<Json<serde_json::Value>, AppError> {
    let snap = state.snapshot();
    let query = parse_nearest_query(q.as_deref().unwrap_or(""), &snap.area)?;
    let answer = crate::app::nearest::answer(&snap, query).map_err(|e| match e {
        NearestError::AddressNotFound(_) => AppError::bad("address_not_found", e.to_string()),
        NearestError::BadGazetteerPoint(_) => AppError::Internal(e.to_string()),
    })?;
    let body = serde_json::to_value(&answer).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Json(body))
}

/// `GET /api/geocode?q=…&limit=5`: address candidates, best first; an empty list with a
/// `reason` when nothing in Kumamoto matches.
pub async fn geocode(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
) -> Result<Json<serde_json::Value>, AppError> {
    let params = Params::parse(q.as_deref(), &["q", "limit"])?;
    let query = params.get("q").ok_or_else(|| {
        AppError::bad("missing_parameter", "parameter q (the address) is required")
    })?;
    if query.chars().count() > 200 {
        return Err(AppError::bad(
            "invalid_query",
            "q is longer than 200 characters; an address is shorter",
        ));
    }
    let limit = params.integer("limit", 5, 1..=20, "invalid_limit")?;
    let snap = state.snapshot();
    let answer = snap.gazetteer.geocode(query, limit);
    let mut body = serde_json::to_value(&answer).map_err(|e| AppError::Internal(e.to_string()))?;
    body["data_version"] = serde_json::json!(snap.version());
    Ok(Json(body))
}

pub async fn provider(
    State(state): State<AppState>,
    path: Path<String>,
) -> Result<Json<serde_json::Value>, AppError> {
    let id = provider_id(path)?;
    let snap = state.snapshot();
    let ds = &snap.dataset;
    let p = ds
        .providers
        .iter()
        .find(|p| p.id == id)
        .ok_or_else(|| AppError::NotFound(format!("no provider with id {id}")))?;
    let body = serde_json::json!({
        "provider": ProviderView::new(p, ds),
        "data_version": snap.version(),
    });
    Ok(Json(body))
}
