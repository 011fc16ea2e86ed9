//! The HTTP API: the only module that knows axum. Handlers parse, delegate to the core and map
//! results to responses.

mod admin;
mod cors;
mod coverage;
mod error;
mod health;
mod isochrone;
mod limits;
mod metrics;
mod nearest;
mod openapi;
mod params;
mod reload;
mod run;
mod style;
mod tiles;
mod web;

pub use admin::{constant_time_eq, AdminToken, UPLOAD_BODY_LIMIT};
pub use cors::{CorsOrigins, FrameAncestors};
pub use error::{AppError, ErrorBody, ErrorDetail};
pub use limits::{limited, Limits};
pub use metrics::{Metrics, TileCacheName};
pub use nearest::parse_nearest_query;
pub use openapi::{openapi, API_PREFIX, API_V1_PREFIX};
pub use reload::{
    reload, watch_files, DataSource, Fingerprint, ReloadDone, ReloadError, ReloadStatus, Reloader,
};
pub use run::{reload_on, run, Drain};
pub use web::{builtin_maplibre, builtin_site_files, WebFiles};

use crate::app::Snapshot;
use arc_swap::ArcSwap;
use axum::extract::{DefaultBodyLimit, Path};
use axum::http::Request;
use axum::routing::{get, post, MethodRouter};
use axum::{Json, Router};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

/// Shared server state: the current snapshot (swapped atomically on reload), whether the
/// server is draining for shutdown, where reloads read from, and the admin token.
#[derive(Clone)]
pub struct AppState {
    snapshot: Arc<ArcSwap<Snapshot>>,
    draining: Arc<AtomicBool>,
    /// `None` for a state built from a snapshot alone (tests): reload is then unavailable.
    reloader: Option<Arc<Reloader>>,
    /// `None`: admin routes are off (404).
    admin_token: Option<AdminToken>,
    /// What `/metrics` reports, shared by every clone.
    metrics: Arc<Metrics>,
}

impl AppState {
    /// A state serving `snapshot`, without reload or admin routes.
    pub fn new(snapshot: Snapshot) -> Self {
        Self {
            snapshot: Arc::new(ArcSwap::from_pointee(snapshot)),
            draining: Arc::new(AtomicBool::new(false)),
            reloader: None,
            admin_token: None,
            metrics: Arc::new(Metrics::new()),
        }
    }

    /// Reloads (SIGHUP, `POST /admin/reload`) rebuild from `source`.
    pub fn with_reload(mut self, source: DataSource) -> Self {
        self.reloader = Some(Arc::new(Reloader::new(source)));
        self
    }

    /// Reports to `metrics` (each server process has its own; tests give each test its own).
    pub fn with_metrics(mut self, metrics: Arc<Metrics>) -> Self {
        self.metrics = metrics;
        self
    }

    /// Turns the admin routes on (`Some`) or leaves them off.
    pub fn with_admin_token(mut self, token: Option<AdminToken>) -> Self {
        self.admin_token = token;
        self
    }

    /// The reload state, when this server can reload.
    pub fn reloader(&self) -> Option<&Reloader> {
        self.reloader.as_deref()
    }

    /// Whether shutdown has begun.
    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::SeqCst)
    }

    /// The snapshot a request reads from start to end.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshot.load_full()
    }

    /// Replaces the served snapshot (the new one is fully built before this call).
    pub fn swap(&self, snapshot: Snapshot) {
        self.snapshot.store(Arc::new(snapshot));
    }

    /// Marks the server as shutting down: `/readyz` answers 503 from now on.
    pub fn start_draining(&self) {
        self.draining.store(true, Ordering::SeqCst);
    }
}

/// How the router is wrapped (limits on the public routes, their CORS policy, the widget's
/// files) and how [`run`] serves it (drain timeout, data-file watching).
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub limits: Limits,
    pub cors: CorsOrigins,
    /// Other sites' pages that may show the widget in a frame.
    pub frame_ancestors: FrameAncestors,
    /// Where the map widget's files come from.
    pub web: WebFiles,
    /// On shutdown, how long in-flight requests may take to finish before [`run`] returns
    /// anyway (a stuck client must not block a deploy).
    pub drain_timeout: Duration,
    /// Poll the data files this often and reload when they change (see [`watch_files`]);
    /// `None`: no watching.
    pub watch: Option<Duration>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            limits: Limits::default(),
            cors: CorsOrigins::default(),
            frame_ancestors: FrameAncestors::default(),
            web: WebFiles::Builtin,
            drain_timeout: Duration::from_secs(20),
            watch: None,
        }
    }
}

/// The whole API as a router with the default [`ServerConfig`], without a socket (tests call
/// it in-process).
pub fn app(state: AppState) -> Router {
    app_with(state, &ServerConfig::default())
}

/// The whole API as a router.
///
/// Two groups of routes:
/// - public (API, TileJSON, tiles): CORS, load shedding, one global concurrency limit and a
///   timeout (see [`limited`]);
/// - operations (`/healthz`, `/readyz`, `/admin/*`): outside the limits, so a load balancer's
///   health checks and an operator's reload still answer during a tile storm; no CORS.
pub fn app_with(state: AppState, config: &ServerConfig) -> Router {
    // Tiles carry their own pre-gzipped bytes (gzip per request would cost ~25× the rest of
    // the request), so only the JSON API and the style group are compressed per request.
    let group = |routes: Vec<(String, MethodRouter<AppState>)>| {
        routes
            .into_iter()
            .fold(Router::new(), |r, (path, handler)| r.route(&path, handler))
            .with_state(state.clone())
    };
    let api = group(api_routes()).layer(CompressionLayer::new());
    let tiles = group(tile_routes());
    let style = group(style_routes()).layer(CompressionLayer::new());
    // The 405 fallback is set before the layers so that it is wrapped by them too: set
    // afterwards, axum swaps it in unlayered, and CORS preflights (OPTIONS on a GET-only
    // route) would reach it without the CORS layer and fail with 405.
    let public = api
        .merge(tiles)
        .merge(style)
        .merge(web::routes(&config.frame_ancestors, &config.web))
        .method_not_allowed_fallback(method_not_allowed);
    let mut public = limits::limited_counted(public, &config.limits, Some(state.metrics.clone()));
    // CORS outside the limits: preflights are answered without taking a slot, and a shed
    // 503 still carries the CORS headers so the browser lets the widget see it.
    if let Some(cors) = config.cors.layer() {
        public = public.layer(cors);
    }
    let ops = group(ops_routes(state.admin_token.is_some()));
    let ops = ops.method_not_allowed_fallback(method_not_allowed);
    public
        .merge(ops)
        .fallback(not_found)
        // Outside the limits, so shed and timed-out requests are counted and timed too.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(
            // Log the method and path only: query strings carry patients' coordinates and
            // addresses, which must never reach a log.
            TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                tracing::info_span!("request", method = %req.method(), path = %req.uri().path())
            }),
        )
}

/// The API routes: each at its documented `/api/v1/…` path and at the older `/api/…` one, and
/// the OpenAPI document.
fn api_routes() -> Vec<(String, MethodRouter<AppState>)> {
    let mut routes = Vec::new();
    for prefix in [API_V1_PREFIX, API_PREFIX] {
        let at = |path: &str| format!("{prefix}{path}");
        routes.extend([
            (at("/nearest"), get(nearest::nearest)),
            (at("/providers/{id}"), get(nearest::provider)),
            (at("/kinds"), get(nearest::kinds)),
            (at("/geocode"), get(nearest::geocode)),
            (at("/isochrone"), get(isochrone::isochrone_route)),
            (at("/regions"), get(coverage::regions)),
            (at("/regions/{id}"), get(coverage::region)),
            (at("/municipalities"), get(coverage::municipalities)),
            (at("/municipalities/{jis}"), get(coverage::municipality)),
            (at("/uncovered_towns"), get(coverage::uncovered_towns)),
            (at("/coverage"), get(coverage::coverage)),
            (at("/suggest"), get(coverage::suggest)),
            (at("/access"), get(coverage::access)),
            (
                at("/scenarios"),
                post(coverage::scenarios)
                    .layer(DefaultBodyLimit::max(coverage::SCENARIO_BODY_LIMIT)),
            ),
        ]);
    }
    routes.push(("/openapi.json".into(), get(openapi_json)));
    routes
}

fn tile_routes() -> Vec<(String, MethodRouter<AppState>)> {
    vec![
        ("/tiles.json".into(), get(tiles::tilejson)),
        ("/tiles/{z}/{x}/{y}".into(), get(tiles::tile)),
        (
            "/tiles/access/{preset}/{year}/{z}/{x}/{y}".into(),
            get(tiles::access_tile),
        ),
    ]
}

/// The style (JSON) and glyph ranges (PBF, 60 % smaller gzipped; a client fetches each once a
/// day at most).
fn style_routes() -> Vec<(String, MethodRouter<AppState>)> {
    vec![
        ("/style.json".into(), get(style::style)),
        ("/fonts/ui.ttf".into(), get(style::ui_font)),
        ("/fonts/{fontstack}/{range}".into(), get(style::glyphs)),
    ]
}

/// Health, readiness, and with an admin token the admin routes. Without a token those do not
/// exist at all: every method gets the plain 404, so a public server does not reveal them (not
/// even by a 405 for GET).
fn ops_routes(admin: bool) -> Vec<(String, MethodRouter<AppState>)> {
    let mut routes = vec![
        ("/healthz".into(), get(health::healthz)),
        ("/readyz".into(), get(health::readyz)),
        ("/metrics".into(), get(metrics::metrics)),
    ];
    if admin {
        // No body is read: the limit makes any body fail at its first byte (413).
        routes.push((
            "/admin/reload".into(),
            post(admin::reload_route).layer(DefaultBodyLimit::max(0)),
        ));
        routes.push((
            "/admin/resources".into(),
            post(admin::upload_resources).layer(DefaultBodyLimit::max(admin::UPLOAD_BODY_LIMIT)),
        ));
    }
    routes
}

/// Every path the router answers (the admin routes when `admin`, and the widget's files), from
/// the same tables the router is built from: the OpenAPI document must list each one.
pub fn route_paths(admin: bool) -> Vec<String> {
    [
        api_routes(),
        tile_routes(),
        style_routes(),
        ops_routes(admin),
    ]
    .into_iter()
    .flatten()
    .map(|(path, _)| path)
    .chain(
        web::asset_paths()
            .into_iter()
            .map(|(url, _)| url.to_string()),
    )
    .collect()
}

/// `GET /openapi.json`: the OpenAPI 3.1 document of every route, the widget's files included.
async fn openapi_json(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> Json<utoipa::openapi::OpenApi> {
    let area = state.snapshot().area;
    Json(openapi(
        &web::asset_paths(),
        state.admin_token.is_some(),
        &area,
    ))
}

async fn not_found(uri: axum::http::Uri) -> AppError {
    AppError::NotFound(format!("no route for {}", uri.path()))
}

async fn method_not_allowed() -> AppError {
    AppError::MethodNotAllowed
}

/// Provider id path segment: a 医療機関番号 (digits), or a local resource's id (`r` and 12
/// hex digits), so nothing else reaches a lookup.
fn provider_id(Path(id): Path<String>) -> Result<String, AppError> {
    let medical = !id.is_empty() && id.len() <= 16 && id.bytes().all(|b| b.is_ascii_digit());
    let resource = id.len() == 13
        && id.starts_with('r')
        && id[1..]
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !(medical || resource) {
        return Err(AppError::bad(
            "invalid_id",
            format!(
                "{id:?} is not a provider id (医療機関番号, digits; or a local resource's r and 12 hex digits)"
            ),
        ));
    }
    Ok(id)
}
