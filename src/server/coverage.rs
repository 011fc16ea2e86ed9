//! Coverage endpoints: `GET /api/regions`, `GET /api/regions/{id}`, `GET /api/coverage`,
//! `POST /api/scenarios`, `GET /api/suggest`. Parsing and mapping only; the work is in
//! [`crate::coverage`].

use super::error::{off_workers, AppError, ErrorBody};
use super::openapi::{param_names, AccessParams, LayerParams, SuggestParams, YearParams};
use super::params::Params;
use super::AppState;
use crate::app::access::{AccessAnswer, AccessDetail};
use crate::app::planner::{
    check_municipality, scenario_error_code, scenario_outcome, CoverageAnswer,
    MunicipalitiesAnswer, MunicipalityAnswer, MunicipalityError, RegionAnswer, RegionsAnswer,
    ScenarioAnswer, UncoveredTownsAnswer,
};
use crate::app::rules::{home_care_kinds, Preset, DEFAULT_RADIUS_KM};
use crate::app::Snapshot;
use crate::coverage::{AddedSite, CoverageParams, CoverageResult, ParamError, Scenario};
use crate::data::{KindFilter, KindRule, KindSet};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use std::sync::Arc;
use std::sync::LazyLock;

/// Largest scenario body, bytes (`DefaultBodyLimit` on the route; more is a 413).
pub const SCENARIO_BODY_LIMIT: usize = 64 * 1024;
/// Most sites one suggestion may ask for.
const MAX_SUGGEST: usize = 10;

fn param_error(e: ParamError) -> AppError {
    match e {
        ParamError::NoKinds => AppError::bad("unknown_kind", e.to_string()),
        _ => AppError::bad("out_of_range", e.to_string()),
    }
}

/// `kind`, `radius_km`, `tier_max` as text (query) or parsed (JSON body); every range is
/// checked by [`CoverageParams::new`].
fn layer_params(
    kinds: KindRule,
    radius_km: Option<f64>,
    tier_max: Option<i64>,
) -> Result<CoverageParams, AppError> {
    CoverageParams::new(kinds, radius_km.unwrap_or(DEFAULT_RADIUS_KM), tier_max)
        .map_err(param_error)
}

/// A named preset (`preset=pediatric_home`): its parameters, alone — it cannot be mixed with
/// `kind`, `require` or `tier_max`, which it fixes. `radius_km` may change its reach.
pub(super) fn preset_of(name: &str) -> Result<Preset, AppError> {
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
        base.tier_max().map(i64::from),
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
    static ALLOWED: LazyLock<Vec<String>> = LazyLock::new(param_names::<LayerParams>);
    let p = Params::parse(q, &ALLOWED)?;
    layer_of(snap, query_layer(&p)?).await
}

/// The layer of `params`: a preset or a cached layer at once, else computed on the blocking
/// pool.
async fn layer_of(
    snap: &Arc<Snapshot>,
    params: CoverageParams,
) -> Result<Arc<CoverageResult>, AppError> {
    if let Some(r) = snap.coverage.ready(params) {
        return Ok(r);
    }
    let snap = snap.clone();
    off_workers(move || Ok(snap.coverage.get(&snap.dataset, params))).await
}

/// The layer and the people year (`year=`, default the census year) of a planner's query.
async fn layer_and_year(
    snap: &Arc<Snapshot>,
    q: Option<&str>,
) -> Result<(Arc<CoverageResult>, u16), AppError> {
    static ALLOWED: LazyLock<Vec<String>> = LazyLock::new(|| {
        let mut names = param_names::<LayerParams>();
        names.extend(param_names::<YearParams>());
        names
    });
    let p = Params::parse(q, &ALLOWED)?;
    let year = people_year(&p, snap)?;
    Ok((layer_of(snap, query_layer(&p)?).await?, year))
}

/// `year=`: one of the years the data has (default the census year).
fn people_year(p: &Params, snap: &Snapshot) -> Result<u16, AppError> {
    let demo = &snap.coverage.frames.demography;
    match p.get("year") {
        None => Ok(demo.base_year()),
        Some(raw) => demo
            .parse_year(raw)
            .map_err(|e| AppError::bad("invalid_year", e.to_string())),
    }
}

/// A typed answer as a JSON response (serialised here, while the snapshot it borrows is alive).
fn json<T: serde::Serialize>(answer: &T) -> Response {
    Json(answer).into_response()
}

/// `GET /api/v1/regions`
#[utoipa::path(get, path = "/api/v1/regions", tag = "planners",
    summary = "Coverage per medical region",
    params(super::openapi::LayerParams, super::openapi::YearParams),
    responses((status = 200, body = RegionsAnswer), (status = 400, description = "A parameter is wrong: the code and message name it", body = ErrorBody)))]
pub async fn regions(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let snap = state.snapshot();
    let (r, year) = layer_and_year(&snap, q.as_deref()).await?;
    off_workers(move || Ok(json(&RegionsAnswer::new(&snap, &r, year)))).await
}

/// `GET /api/v1/regions/{id}`: one region with its municipalities and uncovered towns' names.
#[utoipa::path(get, path = "/api/v1/regions/{id}", tag = "planners",
    summary = "One medical region with its municipalities and uncovered towns",
    params(("id" = u8, Path, minimum = 1, maximum = 10, description = "Medical region id, 1–10"), super::openapi::LayerParams, super::openapi::YearParams),
    responses((status = 200, body = RegionAnswer), (status = 400, description = "A parameter is wrong: the code and message name it", body = ErrorBody)))]
pub async fn region(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let snap = state.snapshot();
    let id = region_id(&id, &snap)?;
    let (r, year) = layer_and_year(&snap, q.as_deref()).await?;
    off_workers(move || {
        let answer = RegionAnswer::new(&snap, &r, id, year).ok_or_else(|| {
            AppError::Internal(format!("region {id} missing from a coverage result"))
        })?;
        Ok(json(&answer))
    })
    .await
}

/// `GET /api/v1/municipalities`: every municipality (市町村) under the layer, 熊本市 with its
/// wards.
#[utoipa::path(get, path = "/api/v1/municipalities", tag = "planners",
    summary = "Coverage per municipality (熊本市 with its wards)",
    params(super::openapi::LayerParams, super::openapi::YearParams),
    responses((status = 200, body = MunicipalitiesAnswer), (status = 400, description = "A parameter is wrong: the code and message name it", body = ErrorBody)))]
pub async fn municipalities(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let snap = state.snapshot();
    let (r, year) = layer_and_year(&snap, q.as_deref()).await?;
    off_workers(move || Ok(json(&MunicipalitiesAnswer::new(&snap, &r, year)))).await
}

/// `GET /api/v1/municipalities/{jis}`: one municipality with its uncovered towns.
#[utoipa::path(get, path = "/api/v1/municipalities/{jis}", tag = "planners",
    summary = "One municipality with its uncovered towns",
    params(("jis" = String, Path, pattern = "^[0-9]{5}$", description = "5-digit municipality code, e.g. 43202"), super::openapi::LayerParams, super::openapi::YearParams),
    responses((status = 200, body = MunicipalityAnswer), (status = 400, description = "A parameter is wrong: the code and message name it", body = ErrorBody),
        (status = 404, description = "No such municipality (a ward is listed under its city)", body = ErrorBody)))]
pub async fn municipality(
    State(state): State<AppState>,
    Path(jis): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let snap = state.snapshot();
    let jis = jis.trim().to_string();
    check_municipality(&snap.dataset, &jis).map_err(|e| match e {
        MunicipalityError::Invalid(_) => AppError::bad("invalid_municipality", e.to_string()),
        MunicipalityError::Unknown { .. } => AppError::NotFound(e.to_string()),
    })?;
    let (r, year) = layer_and_year(&snap, q.as_deref()).await?;
    off_workers(move || Ok(json(&MunicipalityAnswer::new(&snap, &r, &jis, year)))).await
}

/// `GET /api/v1/uncovered_towns`: GeoJSON points of every town beyond the radius of the layer
/// (for a planner's download), farthest first within each region.
#[utoipa::path(get, path = "/api/v1/uncovered_towns", tag = "planners",
    summary = "Towns beyond the radius (GeoJSON points)",
    params(super::openapi::LayerParams),
    responses((status = 200, body = UncoveredTownsAnswer), (status = 400, description = "A parameter is wrong: the code and message name it", body = ErrorBody)))]
pub async fn uncovered_towns(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let snap = state.snapshot();
    let r = layer_for(&snap, q.as_deref()).await?;
    Ok(json(&UncoveredTownsAnswer::new(&snap, &r)))
}

/// `GET /api/v1/coverage`: GeoJSON, per region a `coverage` and a `gap` feature.
#[utoipa::path(get, path = "/api/v1/coverage", tag = "planners",
    summary = "Coverage and gap polygons per region (GeoJSON)",
    params(super::openapi::LayerParams),
    responses((status = 200, body = CoverageAnswer), (status = 400, description = "A parameter is wrong: the code and message name it", body = ErrorBody)))]
pub async fn coverage(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let snap = state.snapshot();
    let r = layer_for(&snap, q.as_deref()).await?;
    Ok(json(&CoverageAnswer::new(&snap, &r)))
}

/// `GET /api/v1/access`: the E2SFCA accessibility index per region and municipality (and per
/// cell and town on request) for a layer and a year.
#[utoipa::path(get, path = "/api/v1/access", tag = "planners",
    summary = "Accessibility index (E2SFCA): providers per 10 000 people 65+",
    params(super::openapi::LayerParams, super::openapi::YearParams, super::openapi::AccessParams),
    responses((status = 200, body = AccessAnswer), (status = 400, description = "A parameter is wrong: the code and message name it", body = ErrorBody)))]
pub async fn access(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    static ALLOWED: LazyLock<Vec<String>> = LazyLock::new(|| {
        let mut names = param_names::<LayerParams>();
        names.extend(param_names::<YearParams>());
        names.extend(param_names::<AccessParams>());
        names
    });
    let snap = state.snapshot();
    let p = Params::parse(q.as_deref(), &ALLOWED)?;
    let detail = AccessDetail {
        cells: p.flag("cells")?,
        towns: p.flag("towns")?,
    };
    let year = people_year(&p, &snap)?;
    let params = query_layer(&p)?;
    off_workers(move || {
        let r = snap.coverage.get(&snap.dataset, params);
        Ok(json(&AccessAnswer::new(&snap, &r, year, detail)))
    })
    .await
}

/// A what-if scenario: sites to add, provider ids to remove, and the layer (as the query
/// parameters of the GET routes).
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioBody {
    #[serde(default)]
    add: Vec<AddBody>,
    #[serde(default)]
    remove: Vec<String>,
    kind: Option<String>,
    /// All-of kinds, a comma list like `kind`.
    require: Option<String>,
    /// A named preset instead of kind/require/tier_max.
    preset: Option<String>,
    #[schema(minimum = 1, maximum = 50)]
    radius_km: Option<f64>,
    #[schema(minimum = 1, maximum = 3)]
    tier_max: Option<i64>,
}

/// A provider to add: where, and which kinds it holds (default: the layer's).
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddBody {
    lat: f64,
    lon: f64,
    kinds: Option<Vec<String>>,
}

/// A scenario's kind list (`kind`, `require`, an added site's `kinds`), named `what` in the
/// error.
fn kinds_of(what: &str, list: &str) -> Result<KindSet, AppError> {
    KindSet::parse_list(list).map_err(|bad| {
        AppError::bad(
            "unknown_kind",
            super::params::unknown_kind_message(what, &bad),
        )
    })
}

/// `POST /api/scenarios`: per-region stats before and after, and the changed gap polygons.
#[utoipa::path(post, path = "/api/v1/scenarios", tag = "planners",
    summary = "What-if: coverage before and after adding or removing providers",
    request_body = ScenarioBody,
    responses((status = 200, body = ScenarioAnswer), (status = 400, description = "A parameter is wrong: the code and message name it", body = ErrorBody),
        (status = 413, description = "The body is larger than 64 KiB", body = ErrorBody)))]
pub async fn scenarios(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body {
        Ok(b) => b,
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return AppError::PayloadTooLarge(format!(
                "the scenario body is larger than {SCENARIO_BODY_LIMIT} bytes"
            ))
            .into_response()
        }
        Err(e) => {
            return AppError::bad("invalid_body", format!("the body cannot be read: {e}"))
                .into_response()
        }
    };
    match off_workers(move || scenario_answer(&state, &body)).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

fn scenario_answer(state: &AppState, body: &[u8]) -> Result<Response, AppError> {
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
                    Some(k) => kinds_of("kind", k)?,
                    None => home_care_kinds(),
                },
                all: match &req.require {
                    Some(k) => kinds_of("require", k)?,
                    None => KindSet::EMPTY,
                },
            };
            layer_params(kinds.into(), req.radius_km, req.tier_max)?
        }
    };
    let mut add = Vec::with_capacity(req.add.len());
    for (i, a) in req.add.iter().enumerate() {
        let kinds = a
            .kinds
            .as_ref()
            .map(|k| kinds_of(&format!("add[{i}].kinds"), &k.join(",")))
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
    let base = snap.coverage.get(&snap.dataset, params);
    let out = scenario_outcome(&snap, &base, &scenario)
        .map_err(|e| AppError::bad(scenario_error_code(&e), e.to_string()))?;
    Ok(json(&ScenarioAnswer::new(&snap, &base, &out)))
}

/// `GET /api/v1/suggest?region=ID&n=3`: greedy best sites for one region.
#[utoipa::path(get, path = "/api/v1/suggest", tag = "planners",
    summary = "Where new providers would cover the most",
    params(super::openapi::SuggestParams, super::openapi::LayerParams),
    responses((status = 200, body = crate::app::planner::SuggestAnswer), (status = 400, description = "A parameter is wrong: the code and message name it", body = ErrorBody)))]
pub async fn suggest(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    off_workers(move || suggest_answer(&state, q.as_deref())).await
}

fn suggest_answer(state: &AppState, q: Option<&str>) -> Result<Response, AppError> {
    static ALLOWED: LazyLock<Vec<String>> = LazyLock::new(|| {
        let mut names = param_names::<SuggestParams>();
        names.extend(param_names::<LayerParams>());
        names
    });
    let p = Params::parse(q, &ALLOWED)?;
    let snap = state.snapshot();
    let raw = p
        .get("region")
        .ok_or_else(|| AppError::bad("invalid_region", "parameter region is required (1–10)"))?;
    let id = region_id(raw, &snap)?;
    let n = p.integer("n", 3, 1..=MAX_SUGGEST, "out_of_range")?;
    let params = query_layer(&p)?;
    let base = snap.coverage.get(&snap.dataset, params);
    let answer = crate::app::planner::suggest(&snap, &base, id, n)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(json(&answer))
}
