//! `GET /api/v1/nearest`, `GET /api/v1/providers/{id}` and `GET /api/v1/geocode`: parse, call
//! [`crate::app::nearest`], answer.

use super::error::{AppError, ErrorBody};
use super::openapi::{param_names, GeocodeParams, NearestParams};
use super::params::Params;
use super::{provider_id, AppState};
use crate::app::nearest::{
    GeocodeAnswer, KindsAnswer, NearestAt, NearestError, NearestQuery, ProviderAnswer, Sort, MAX_K,
};
use crate::app::rules::ServiceArea;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use std::sync::LazyLock;

/// Parses the raw `/api/nearest` query string (percent-encoded, without `?`); a point must lie
/// in `area`. Public so the `nearest_query` fuzz target and its corpus replay call exactly what
/// the handler calls.
pub fn parse_nearest_query(raw: &str, area: &ServiceArea) -> Result<NearestQuery, AppError> {
    static ALLOWED: LazyLock<Vec<String>> = LazyLock::new(param_names::<NearestParams>);
    let params = Params::parse(Some(raw), &ALLOWED)?;
    let k = params.integer("k", 5, 1..=MAX_K, "invalid_k")?;
    let sort = Sort::parse(params.get("sort")).map_err(|m| AppError::bad("invalid_sort", m))?;
    let kinds = params.kinds(crate::data::KindSet::medical())?;
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

#[utoipa::path(get, path = "/api/v1/nearest", tag = "nurses",
    summary = "The nearest providers that may visit a home",
    params(super::openapi::NearestParams),
    responses((status = 200, body = crate::app::nearest::NearestAnswer), (status = 400, description = "A parameter is wrong: the code and message name it", body = ErrorBody)))]
pub async fn nearest(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let snap = state.snapshot();
    let query = parse_nearest_query(q.as_deref().unwrap_or(""), &snap.area)?;
    let answer = crate::app::nearest::answer(&snap, query).map_err(|e| match e {
        NearestError::AddressNotFound(_) => AppError::bad("address_not_found", e.to_string()),
        NearestError::BadGazetteerPoint(_) => AppError::Internal(e.to_string()),
    })?;
    Ok(Json(&answer).into_response())
}

/// `GET /api/geocode?q=…&limit=5`: address candidates, best first; an empty list with a
/// `reason` when nothing in Kumamoto matches.
#[utoipa::path(get, path = "/api/v1/geocode", tag = "nurses",
    summary = "Places a Kumamoto address (町丁目/大字 level), offline",
    params(super::openapi::GeocodeParams),
    responses((status = 200, body = GeocodeAnswer), (status = 400, description = "A parameter is wrong: the code and message name it", body = ErrorBody)))]
pub async fn geocode(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    static ALLOWED: LazyLock<Vec<String>> = LazyLock::new(param_names::<GeocodeParams>);
    let params = Params::parse(q.as_deref(), &ALLOWED)?;
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
    Ok(Json(&GeocodeAnswer::new(&snap, query, limit)).into_response())
}

#[utoipa::path(get, path = "/api/v1/providers/{id}", tag = "nurses",
    summary = "One provider by its 医療機関番号, or a local resource by its id",
    params(("id" = String, Path, pattern = "^([0-9]{1,16}|r[0-9a-f]{12})$", description = "医療機関番号 (digits), or a local resource's id (r and 12 hex digits)")),
    responses((status = 200, body = ProviderAnswer), (status = 400, description = "A parameter is wrong: the code and message name it", body = ErrorBody),
        (status = 404, description = "No provider with this id", body = ErrorBody)))]
pub async fn provider(
    State(state): State<AppState>,
    path: Path<String>,
) -> Result<Response, AppError> {
    let id = provider_id(path)?;
    let snap = state.snapshot();
    let answer = ProviderAnswer::new(&snap, &id)
        .ok_or_else(|| AppError::NotFound(format!("no provider with id {id}")))?;
    Ok(Json(&answer).into_response())
}

/// `GET /api/v1/kinds`: every kind with its labels, its group and how many providers or
/// resources of the data hold it (the widget lists the kinds, and the legend the resource
/// kinds, the data has). It takes no parameter (any is `unknown_parameter`, as elsewhere).
#[utoipa::path(get, path = "/api/v1/kinds", tag = "nurses",
    summary = "The kinds a query may name, with labels and counts in the data",
    responses((status = 200, body = KindsAnswer), (status = 400, description = "A parameter was given: this route takes none", body = ErrorBody)))]
pub async fn kinds(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    Params::parse(q.as_deref(), &[] as &[&str])?;
    let snap = state.snapshot();
    Ok(Json(&KindsAnswer::new(&snap)).into_response())
}
