//! `GET /api/isochrone?lat=&lon=&contours=10,20,30&metric=min|km`: a GeoJSON
//! FeatureCollection with one (Multi)Polygon per contour, largest first (as Valhalla answers).
//! Parsing and mapping only; the work is in [`crate::routing::isochrone`], run on the blocking
//! pool so the async workers keep serving.

use super::error::{off_workers, AppError};
use super::params::Params;
use super::AppState;
use crate::coverage::multipolygon_coordinates;
use crate::routing::{
    isochrone, to_lonlat, Isochrone, Metric, AREA_CELL_M, MAX_CONTOURS, MAX_KM, MAX_MINUTES,
    OFFROAD_SPEED_KMH, OUTLINE_TOLERANCE_M, ROAD_BUFFER_M,
};
use axum::extract::{RawQuery, State};
use axum::Json;
use serde_json::{json, Value};

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
pub async fn isochrone_route(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
) -> Result<Json<Value>, AppError> {
    let p = Params::parse(q.as_deref(), &["lat", "lon", "contours", "metric"])?;
    let snap = state.snapshot();
    let at = p.point(&snap.area)?;
    let metric = parse_metric(p.get("metric"))?;
    let contours = parse_contours(p.get("contours"), metric)?;
    // Up to a few hundred milliseconds of CPU for the largest contours: off the async workers.
    off_workers(move || answer(&snap, at, metric, &contours))
        .await
        .map(Json)
}

fn metric_name(m: Metric) -> &'static str {
    match m {
        Metric::Time => "time",
        Metric::Distance => "distance",
    }
}

fn units(m: Metric) -> &'static str {
    match m {
        Metric::Time => "min",
        Metric::Distance => "km",
    }
}

/// The FeatureCollection, or an empty one with a `road_reason`.
fn answer(
    snap: &crate::app::Snapshot,
    at: crate::geom::LonLat,
    metric: Metric,
    contours: &[f64],
) -> Result<Value, AppError> {
    let mut body = json!({
        "type": "FeatureCollection",
        "features": [],
        "metric": metric_name(metric),
        "units": units(metric),
        "contours": contours,
        "road_buffer_m": ROAD_BUFFER_M,
        "grid_m": AREA_CELL_M,
        "outline_tolerance_m": OUTLINE_TOLERANCE_M,
        "offroad_speed_kmh": OFFROAD_SPEED_KMH,
        "data_version": snap.version(),
    });
    let Some(roads) = &snap.roads else {
        body["speed_model"] = Value::Null;
        body["road_reason"] = json!("no_road_network");
        return Ok(body);
    };
    let net = &roads.network;
    body["speed_model"] = json!(net.speed_model.name());
    match isochrone(net, at, metric, contours) {
        Err(reason) => {
            body["road_reason"] = json!(reason.as_str());
            Ok(body)
        }
        Ok(iso) => {
            body["road_reason"] = Value::Null;
            body["origin"] = origin_json(&iso);
            body["features"] = Value::Array(features(&iso, net));
            Ok(body)
        }
    }
}

fn origin_json(iso: &Isochrone) -> Value {
    let r6 = |v: f64| (v * 1e6).round() / 1e6;
    json!({
        "snapped_lon": r6(iso.snap.point.lon()),
        "snapped_lat": r6(iso.snap.point.lat()),
        "offroad_km": iso.snap.offroad_m.round() / 1000.0,
    })
}

fn features(iso: &Isochrone, net: &crate::routing::RoadNetwork) -> Vec<Value> {
    iso.contours
        .iter()
        .map(|c| {
            let ll = to_lonlat(&c.area_xy, net.graph.plane());
            use geo::Area;
            let km2 = (c.area_xy.unsigned_area() / 1e4).round() / 100.0;
            json!({
                "type": "Feature",
                "geometry": geometry_json(&ll),
                "properties": {
                    "contour": c.value,
                    "metric": metric_name(iso.metric),
                    "units": units(iso.metric),
                    "area_km2": km2,
                },
            })
        })
        .collect()
}

/// A Polygon when the area is one piece, else a MultiPolygon (empty when nothing is reached).
fn geometry_json(mp: &geo_types::MultiPolygon<f64>) -> Value {
    let coords = multipolygon_coordinates(mp);
    match coords {
        Value::Array(mut parts) if parts.len() == 1 => json!({
            "type": "Polygon",
            "coordinates": parts.pop().unwrap_or(Value::Null),
        }),
        other => json!({ "type": "MultiPolygon", "coordinates": other }),
    }
}
