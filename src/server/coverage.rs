//! Coverage endpoints: `GET /api/regions`, `GET /api/regions/{id}`, `GET /api/coverage`,
//! `POST /api/scenarios`, `GET /api/suggest`. Parsing and mapping only; the work is in
//! [`crate::coverage`].

use super::error::{off_workers, AppError};
use super::params::Params;
use super::AppState;
use crate::app::rules::{home_care_kinds, Preset, DEFAULT_RADIUS_KM};
use crate::app::Snapshot;
use crate::coverage::{
    coverage_feature_collection, multipolygon_coordinates, suggest_sites,
    uncovered_towns_feature_collection, AddedSite, CoverageParams, CoverageResult,
    MunicipalityStats, ParamError, Scenario, ScenarioError, UncoveredTown,
};
use crate::data::{KindFilter, KindRule, KindSet};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;

/// Largest scenario body, bytes (`DefaultBodyLimit` on the route; more is a 413).
pub const SCENARIO_BODY_LIMIT: usize = 64 * 1024;
/// Most sites one suggestion may ask for.
const MAX_SUGGEST: usize = 10;

const LAYER_PARAMS: [&str; 5] = ["kind", "require", "radius_km", "tier_max", "preset"];

fn param_error(e: ParamError) -> AppError {
    match e {
        ParamError::NoKinds => AppError::bad("unknown_kind", e.to_string()),
        _ => AppError::bad("out_of_range", e.to_string()),
    }
}

/// `kind`, `radius_km`, `tier_max` as text (query) or parsed (JSON body).
fn layer_params(
    kinds: KindRule,
    radius_km: Option<f64>,
    tier_max: Option<i64>,
) -> Result<CoverageParams, AppError> {
    let tier = match tier_max {
        None => None,
        Some(t @ 1..=3) => Some(t as u8),
        Some(t) => {
            return Err(AppError::bad(
                "out_of_range",
                format!("tier_max={t} must be 1, 2 or 3"),
            ))
        }
    };
    CoverageParams::new(kinds, radius_km.unwrap_or(DEFAULT_RADIUS_KM), tier).map_err(param_error)
}

/// A named preset (`preset=pediatric_home`): its parameters, alone — it cannot be mixed with
/// `kind`, `require` or `tier_max`, which it fixes. `radius_km` may change its reach.
fn preset_of(name: &str) -> Result<Preset, AppError> {
    Preset::parse(name.trim()).ok_or_else(|| {
        let known: Vec<&str> = Preset::ALL.iter().map(|p| p.name()).collect();
        AppError::bad(
            "unknown_preset",
            format!(
                "unknown preset {name:?}; known presets: {}",
                known.join(", ")
            ),
        )
    })
}

fn preset_layer(
    preset: Preset,
    fixed: [(&str, bool); 3],
    radius_km: Option<f64>,
) -> Result<CoverageParams, AppError> {
    if let Some((name, _)) = fixed.iter().find(|(_, given)| *given) {
        return Err(AppError::bad(
            "conflicting_parameters",
            format!(
                "preset {} fixes {name}; give one or the other",
                preset.name()
            ),
        ));
    }
    let base = preset.params();
    CoverageParams::new(
        base.rule(),
        radius_km.unwrap_or(base.radius_km()),
        base.tier_max(),
    )
    .map_err(param_error)
}

fn query_layer(p: &Params) -> Result<CoverageParams, AppError> {
    let radius_of = |p: &Params| {
        p.get("radius_km")
            .map(|_| p.number("radius_km"))
            .transpose()
    };
    if let Some(name) = p.get("preset") {
        let fixed = [
            ("kind", p.get("kind").is_some()),
            ("require", p.get("require").is_some()),
            ("tier_max", p.get("tier_max").is_some()),
        ];
        return preset_layer(preset_of(name)?, fixed, radius_of(p)?);
    }
    let kinds = KindFilter {
        any: p.kinds(home_care_kinds())?,
        all: p.required_kinds()?,
    };
    let radius = p
        .get("radius_km")
        .map(|_| p.number("radius_km"))
        .transpose()?;
    let tier = match p.get("tier_max") {
        None => None,
        Some(v) => Some(v.trim().parse::<i64>().map_err(|_| {
            AppError::bad("out_of_range", format!("tier_max={v:?} must be 1, 2 or 3"))
        })?),
    };
    layer_params(kinds.into(), radius, tier)
}

fn layer_json(r: &CoverageResult, snap: &Snapshot) -> Value {
    let rule = r.params.rule();
    let clauses: Vec<Value> = rule
        .clauses()
        .iter()
        .map(|c| json!({ "any": c.any.iter().collect::<Vec<_>>(), "all": c.all.iter().collect::<Vec<_>>() }))
        .collect();
    let preset = Preset::ALL
        .into_iter()
        .find(|p| p.params() == r.params)
        .map(Preset::name);
    json!({
        "kinds": r.params.kinds().iter().collect::<Vec<_>>(),
        "rule": clauses,
        "preset": preset,
        "radius_km": r.params.radius_km(),
        "tier_max": r.params.tier_max(),
        "data_version": snap.version(),
    })
}

fn merge(mut a: Value, b: Value) -> Value {
    if let (Some(a), Value::Object(b)) = (a.as_object_mut(), b) {
        a.extend(b);
    }
    a
}

fn region_id(raw: &str, snap: &Snapshot) -> Result<u8, AppError> {
    raw.trim()
        .parse::<u8>()
        .ok()
        .filter(|id| snap.dataset.region(*id).is_some())
        .ok_or_else(|| {
            AppError::bad(
                "invalid_region",
                format!(
                    "region {raw:?} is not a medical region id (1–{})",
                    snap.dataset.regions.len()
                ),
            )
        })
}

/// The coverage layer a `kind=` / `radius_km=` / `tier_max=` query asks for, from the
/// snapshot's presets or its per-request cache; a layer not yet computed (hundreds of ms) is
/// built on the blocking pool.
async fn layer_for(snap: &Arc<Snapshot>, q: Option<&str>) -> Result<Arc<CoverageResult>, AppError> {
    let p = Params::parse(q, &LAYER_PARAMS)?;
    let params = query_layer(&p)?;
    if let Some(r) = snap.coverage.ready(params) {
        return Ok(r);
    }
    let snap = snap.clone();
    off_workers(move || Ok(snap.coverage.get(&snap.dataset, params))).await
}

/// `GET /api/regions`
pub async fn regions(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
) -> Result<Json<Value>, AppError> {
    let snap = state.snapshot();
    let r = layer_for(&snap, q.as_deref()).await?;
    let body = json!({
        "regions": r.stats(),
        "total": r.total,
        "road_coverage": road_coverage_json(&snap),
    });
    Ok(Json(merge(body, layer_json(&r, &snap))))
}

/// The home-care providers' 16 km coverage by road (fixed preset, computed at snapshot
/// time): null without a road layer.
fn road_coverage_json(snap: &crate::app::Snapshot) -> Value {
    match &snap.roads {
        None => Value::Null,
        Some(r) => {
            let regions: Vec<Value> = r.coverage.regions.iter().map(|t| road_row(r, t)).collect();
            let not_reached: Vec<Value> = r
                .area
                .not_reached()
                .map(|a| json!({ "region_id": a.region_id, "name": a.name, "reason": a.reason }))
                .collect();
            merge(
                road_area_header(r),
                json!({ "regions": regions, "regions_not_reached": not_reached }),
            )
        }
    }
}

/// What every road-coverage answer states: the preset, radius, buffer and method.
fn road_area_header(r: &crate::routing::Roads) -> Value {
    use crate::routing::{AREA_CELL_M, MIN_ROAD_DATA_PCT, OUTLINE_TOLERANCE_M, ROAD_BUFFER_M};
    json!({
        "preset": "home_care",
        "radius_km": r.coverage.radius_km,
        "speed_model": r.network.speed_model.name(),
        "road_buffer_m": ROAD_BUFFER_M,
        "grid_m": AREA_CELL_M,
        "outline_tolerance_m": OUTLINE_TOLERANCE_M,
        "min_road_data_pct": MIN_ROAD_DATA_PCT,
        "area_method": "region area within road_buffer_m of road parts reached within radius_km \
            by road from a home_care provider, on a grid_m raster (cell centres), / region area",
    })
}

/// One region's road-coverage area figures.
fn area_json(a: &crate::routing::RegionRoadArea) -> Value {
    let mut v = json!(a);
    if let Some(o) = v.as_object_mut() {
        // The id and name are already in the row.
        o.remove("region_id");
        o.remove("name");
        o.remove("area_km2");
    }
    v
}

/// One region's road coverage for `GET /api/regions/{id}`: null without a road layer.
fn region_road_json(snap: &Snapshot, id: u8) -> Value {
    let Some(r) = &snap.roads else {
        return Value::Null;
    };
    match r.coverage.regions.iter().find(|t| t.region_id == id) {
        Some(towns) => merge(road_area_header(r), road_row(r, towns)),
        None => road_area_header(r),
    }
}

/// One region's road coverage: its town figures and, where computed, its area figures.
fn road_row(r: &crate::routing::Roads, towns: &crate::routing::RegionRoadCoverage) -> Value {
    let row = json!(towns);
    match r.area.region(towns.region_id) {
        Some(a) => merge(row, area_json(a)),
        None => row,
    }
}

/// `GET /api/regions/{id}`: one region with its uncovered towns' names.
pub async fn region(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Json<Value>, AppError> {
    let snap = state.snapshot();
    let id = region_id(&id, &snap)?;
    let r = layer_for(&snap, q.as_deref()).await?;
    let rc = r
        .region(id)
        .ok_or_else(|| AppError::Internal(format!("region {id} missing from a coverage result")))?;
    let towns: Vec<UncoveredTown> = rc
        .uncovered_towns
        .iter()
        .map(|g| UncoveredTown::new(&snap.dataset, g))
        .collect();
    let munis = municipalities_of(&snap, &r, move |_, all| {
        let rows: Vec<&MunicipalityStats> = all.iter().filter(|m| m.region_id == id).collect();
        json!(rows)
    })
    .await?;
    let body = json!({
        "region": rc.stats,
        "municipalities": munis,
        "uncovered_towns": towns,
        "road_coverage": region_road_json(&snap, id),
    });
    Ok(Json(merge(body, layer_json(&r, &snap))))
}

/// Runs `f` on the layer's per-municipality figures, computing them on the blocking pool the
/// first time a layer is asked for them.
async fn municipalities_of<T: Send + 'static>(
    snap: &Arc<Snapshot>,
    r: &Arc<CoverageResult>,
    f: impl FnOnce(&Snapshot, &[MunicipalityStats]) -> T + Send + 'static,
) -> Result<T, AppError> {
    let (snap, r) = (snap.clone(), r.clone());
    off_workers(move || {
        let all = r.municipalities(&snap.dataset, &snap.coverage.frames);
        Ok(f(&snap, all))
    })
    .await
}

/// `GET /api/municipalities`: every municipality (市町村) under the layer, 熊本市 with its wards.
pub async fn municipalities(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
) -> Result<Json<Value>, AppError> {
    let snap = state.snapshot();
    let r = layer_for(&snap, q.as_deref()).await?;
    let rows = municipalities_of(&snap, &r, |_, all| json!(all)).await?;
    Ok(Json(merge(
        json!({ "municipalities": rows }),
        layer_json(&r, &snap),
    )))
}

/// `GET /api/municipalities/{jis}`: one municipality with its uncovered towns.
pub async fn municipality(
    State(state): State<AppState>,
    Path(jis): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Json<Value>, AppError> {
    let snap = state.snapshot();
    let jis = jis.trim().to_string();
    if jis.len() != 5 || !jis.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AppError::bad(
            "invalid_municipality",
            format!("municipality {jis:?} is not a 5-digit municipality code (e.g. 43202)"),
        ));
    }
    if !snap
        .dataset
        .municipalities
        .iter()
        .any(|m| m.jis_code == jis)
    {
        let parent = crate::data::municipality_code(&jis);
        let hint = if parent != jis {
            format!("; {jis} is a ward, listed under its city {parent}'s `wards`")
        } else {
            String::new()
        };
        return Err(AppError::NotFound(format!(
            "no municipality {jis} in the data{hint}"
        )));
    }
    let r = layer_for(&snap, q.as_deref()).await?;
    let body = municipalities_of(&snap, &r, move |snap, all| {
        let m = all.iter().find(|m| m.jis_code == jis);
        let towns: Vec<UncoveredTown> = m
            .map(|m| {
                m.uncovered
                    .iter()
                    .map(|g| UncoveredTown::new(&snap.dataset, g))
                    .collect()
            })
            .unwrap_or_default();
        json!({ "municipality": m, "uncovered_towns": towns })
    })
    .await?;
    Ok(Json(merge(body, layer_json(&r, &snap))))
}

/// `GET /api/uncovered_towns`: GeoJSON points of every town beyond the radius of the layer
/// (for a planner's download), farthest first within each region.
pub async fn uncovered_towns(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
) -> Result<Json<Value>, AppError> {
    let snap = state.snapshot();
    let r = layer_for(&snap, q.as_deref()).await?;
    Ok(Json(merge(
        uncovered_towns_feature_collection(&snap.dataset, &r),
        layer_json(&r, &snap),
    )))
}

/// `GET /api/coverage`: GeoJSON, per region a `coverage` and a `gap` feature.
pub async fn coverage(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
) -> Result<Json<Value>, AppError> {
    let snap = state.snapshot();
    let r = layer_for(&snap, q.as_deref()).await?;
    Ok(Json(merge(
        coverage_feature_collection(&r),
        layer_json(&r, &snap),
    )))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioBody {
    #[serde(default)]
    add: Vec<AddBody>,
    #[serde(default)]
    remove: Vec<String>,
    kind: Option<String>,
    /// All-of kinds, a comma list like `kind`.
    require: Option<String>,
    /// A named preset instead of kind/require/tier_max.
    preset: Option<String>,
    radius_km: Option<f64>,
    tier_max: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AddBody {
    lat: f64,
    lon: f64,
    kinds: Option<Vec<String>>,
}

fn error_response(status: StatusCode, code: &str, message: String) -> Response {
    (
        status,
        Json(json!({ "error": { "code": code, "message": message } })),
    )
        .into_response()
}

fn kinds_of(list: &str) -> Result<KindSet, AppError> {
    KindSet::parse_list(list)
        .map_err(|bad| AppError::bad("unknown_kind", format!("unknown kind {bad:?}")))
}

/// `POST /api/scenarios`: per-region stats before and after, and the changed gap polygons.
pub async fn scenarios(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body {
        Ok(b) => b,
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return error_response(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("the scenario body is larger than {SCENARIO_BODY_LIMIT} bytes"),
            )
        }
        Err(e) => {
            return AppError::bad("invalid_body", format!("the body cannot be read: {e}"))
                .into_response()
        }
    };
    match off_workers(move || scenario_answer(&state, &body)).await {
        Ok(v) => Json(v).into_response(),
        Err(e) => e.into_response(),
    }
}

fn scenario_answer(state: &AppState, body: &[u8]) -> Result<Value, AppError> {
    let req: ScenarioBody = serde_json::from_slice(body)
        .map_err(|e| AppError::bad("invalid_json", format!("the scenario is not valid: {e}")))?;
    let params = match &req.preset {
        Some(name) => {
            let fixed = [
                ("kind", req.kind.is_some()),
                ("require", req.require.is_some()),
                ("tier_max", req.tier_max.is_some()),
            ];
            preset_layer(preset_of(name)?, fixed, req.radius_km)?
        }
        None => {
            let kinds = KindFilter {
                any: match &req.kind {
                    Some(k) => kinds_of(k)?,
                    None => home_care_kinds(),
                },
                all: match &req.require {
                    Some(k) => kinds_of(k)?,
                    None => KindSet::EMPTY,
                },
            };
            layer_params(kinds.into(), req.radius_km, req.tier_max)?
        }
    };
    let mut add = Vec::with_capacity(req.add.len());
    for a in &req.add {
        let kinds = a
            .kinds
            .as_ref()
            .map(|k| kinds_of(&k.join(",")))
            .transpose()?;
        add.push(AddedSite {
            lat: a.lat,
            lon: a.lon,
            kinds,
        });
    }
    let scenario = Scenario {
        add,
        remove: req.remove,
    };
    let snap = state.snapshot();
    let ds = &snap.dataset;
    let base = snap.coverage.get(ds, params);
    let out = scenario
        .apply(ds, &snap.coverage.frames, &base)
        .map_err(|e| {
            let code = match e {
                ScenarioError::OutOfKumamoto(_) => "out_of_kumamoto",
                ScenarioError::UnknownProvider(_) => "unknown_provider",
                ScenarioError::KindMismatch(_) => "kind_mismatch",
                ScenarioError::TooLarge => "too_large",
            };
            AppError::bad(code, e.to_string())
        })?;
    let regions: Vec<Value> = base
        .regions
        .iter()
        .zip(&out.after.regions)
        .map(|(b, a)| {
            json!({
                "id": b.region_id,
                "name": b.stats.name,
                "changed": out.changed.contains(&b.region_id),
                "before": b.stats,
                "after": a.stats,
            })
        })
        .collect();
    let gaps: Vec<Value> = out
        .after
        .regions
        .iter()
        .filter(|rc| out.changed.contains(&rc.region_id))
        .map(|rc| {
            json!({
                "type": "Feature",
                "geometry": { "type": "MultiPolygon", "coordinates": multipolygon_coordinates(&rc.gap_lonlat) },
                "properties": { "region_id": rc.region_id, "region": rc.stats.name, "layer": "gap", "stats": rc.stats },
            })
        })
        .collect();
    let body = json!({
        "regions": regions,
        "total": { "before": base.total, "after": out.after.total },
        "changed_gaps": { "type": "FeatureCollection", "features": gaps },
        "not_in_layer": out.not_in_layer,
    });
    Ok(merge(body, layer_json(&base, &snap)))
}

/// `GET /api/suggest?region=ID&n=3`: greedy best sites for one region.
pub async fn suggest(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
) -> Result<Json<Value>, AppError> {
    off_workers(move || suggest_answer(&state, q.as_deref()))
        .await
        .map(Json)
}

fn suggest_answer(state: &AppState, q: Option<&str>) -> Result<Value, AppError> {
    let p = Params::parse(
        q,
        &[
            "region",
            "n",
            "kind",
            "require",
            "radius_km",
            "tier_max",
            "preset",
        ],
    )?;
    let snap = state.snapshot();
    let raw = p
        .get("region")
        .ok_or_else(|| AppError::bad("invalid_region", "parameter region is required (1–10)"))?;
    let id = region_id(raw, &snap)?;
    let n = p.integer("n", 3, 1..=MAX_SUGGEST, "out_of_range")?;
    let params = query_layer(&p)?;
    let ds = &snap.dataset;
    let base = snap.coverage.get(ds, params);
    let s = suggest_sites(ds, &snap.coverage.frames, &base, id, n)
        .ok_or_else(|| AppError::Internal(format!("region {id} missing from the frames")))?
        .map_err(|e| AppError::Internal(format!("a suggested site was rejected: {e}")))?;
    let body = serde_json::to_value(&s).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(merge(body, layer_json(&base, &snap)))
}
