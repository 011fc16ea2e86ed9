//! `GET /api/isochrone?lat=&lon=&contours=10,20,30&metric=min|km`: a GeoJSON
//! FeatureCollection with one (Multi)Polygon per contour, largest first (as Valhalla answers).
//! Parsing only; the answer is [`crate::app::isochrone`]'s, computed on the blocking pool so
//! the async workers keep serving.

use super::error::{off_workers, AppError, ErrorBody};
use super::openapi::{param_names, IsochroneParams};
use super::params::Params;
use super::AppState;
use crate::routing::{Metric, MAX_CONTOURS, MAX_KM, MAX_MINUTES};
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use std::sync::LazyLock;

/// `metric=` as given, `min` when absent: the unit of the contours.
fn parse_metric(v: Option<&str>) -> Result<Metric, AppError> {
    match v {
        None | Some("min") => Ok(Metric::Time),
        Some("km") => Ok(Metric::Distance),
        Some(other) => Err(AppError::bad(
            "invalid_metric",
            format!("metric={other:?} must be min (drive time) or km (road distance)"),
        )),
    }
}

/// `contours=` a comma list of 1–4 strictly increasing positive values up to the metric's
/// maximum.
pub fn parse_contours(v: Option<&str>, metric: Metric) -> Result<Vec<f64>, AppError> {
    let v = v.ok_or_else(|| {
        AppError::bad(
            "missing_parameter",
            "parameter contours is required, e.g. contours=10,20,30",
        )
    })?;
    let (max, unit) = match metric {
        Metric::Time => (MAX_MINUTES, "min"),
        Metric::Distance => (MAX_KM, "km"),
    };
    let items: Vec<&str> = v.split(',').collect();
    if items.len() > MAX_CONTOURS {
        return Err(AppError::bad(
            "too_many_contours",
            format!(
                "contours={v:?} has {} values; at most {MAX_CONTOURS}",
                items.len()
            ),
        ));
    }
    let mut out: Vec<f64> = Vec::with_capacity(items.len());
    for item in items {
        let x = match item.trim().parse::<f64>() {
            Ok(x) if x.is_finite() => x,
            _ => {
                return Err(AppError::bad(
                    "invalid_number",
                    format!("contours={v:?}: {item:?} is not a number"),
                ))
            }
        };
        if x <= 0.0 || x > max {
            return Err(AppError::bad(
                "invalid_contour",
                format!("contours={v:?}: {x} must be more than 0 and at most {max} {unit}"),
            ));
        }
        if out.last().is_some_and(|last| x <= *last) {
            return Err(AppError::bad(
                "contours_not_increasing",
                format!(
                    "contours={v:?}: values must be strictly increasing ({x} follows {})",
                    out[out.len() - 1]
                ),
            ));
        }
        out.push(x);
    }
    Ok(out)
}

/// `GET /api/isochrone`
#[utoipa::path(get, path = "/api/v1/isochrone", tag = "nurses",
    summary = "The area reachable by road within minutes or km (GeoJSON)",
    params(super::openapi::IsochroneParams),
    responses((status = 200, body = crate::app::isochrone::IsochroneAnswer), (status = 400, description = "A parameter is wrong: the code and message name it", body = ErrorBody)))]
pub async fn isochrone_route(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    static ALLOWED: LazyLock<Vec<String>> = LazyLock::new(param_names::<IsochroneParams>);
    let p = Params::parse(q.as_deref(), &ALLOWED)?;
    let snap = state.snapshot();
    let at = p.point(&snap.area)?;
    let metric = parse_metric(p.get("metric"))?;
    let contours = parse_contours(p.get("contours"), metric)?;
    // Up to a few hundred milliseconds of CPU for the largest contours: off the async workers.
    off_workers(move || {
        Ok(Json(&crate::app::isochrone::answer(&snap, at, metric, &contours)).into_response())
    })
    .await
}
