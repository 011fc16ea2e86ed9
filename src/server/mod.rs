//! The HTTP API: the only module that knows axum. Handlers parse, delegate to the core and map
//! results to responses.

mod admin;
mod cors;
mod coverage;
mod error;
mod isochrone;
mod limits;
mod nearest;
mod params;
mod reload;
mod run;
mod style;
mod tiles;
mod web;

pub use admin::{constant_time_eq, AdminToken};
pub use cors::{CorsOrigins, FrameAncestors};
pub use error::AppError;
pub use limits::{limited, Limits};
pub use nearest::parse_nearest_query;
pub use reload::{
    reload, watch_files, DataSource, Fingerprint, ReloadDone, ReloadError, ReloadStatus, Reloader,
};
pub use run::{reload_on, run, Drain};
pub use web::{builtin_maplibre, WebFiles};

use crate::app::Snapshot;
use arc_swap::ArcSwap;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::Request;
use axum::routing::{get, post};
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
}

impl AppState {
    /// A state serving `snapshot`, without reload or admin routes.
    pub fn new(snapshot: Snapshot) -> Self {
        Self {
            snapshot: Arc::new(ArcSwap::from_pointee(snapshot)),
            draining: Arc::new(AtomicBool::new(false)),
            reloader: None,
            admin_token: None,
        }
    }

    /// Reloads (SIGHUP, `POST /admin/reload`) rebuild from `source`.
    pub fn with_reload(mut self, source: DataSource) -> Self {
        self.reloader = Some(Arc::new(Reloader::new(source)));
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
    let api = Router::new()
        .route("/api/nearest", get(nearest::nearest))
        .route("/api/providers/{id}", get(nearest::provider))
        .route("/api/geocode", get(nearest::geocode))
        .route("/api/isochrone", get(isochrone::isochrone_route))
        .route("/api/regions", get(coverage::regions))
        .route("/api/regions/{id}", get(coverage::region))
        .route("/api/municipalities", get(coverage::municipalities))
        .route("/api/municipalities/{jis}", get(coverage::municipality))
        .route("/api/uncovered_towns", get(coverage::uncovered_towns))
        .route("/api/coverage", get(coverage::coverage))
        .route("/api/suggest", get(coverage::suggest))
        .route(
            "/api/scenarios",
            post(coverage::scenarios).layer(DefaultBodyLimit::max(coverage::SCENARIO_BODY_LIMIT)),
        )
        .with_state(state.clone())
        // Tiles carry their own pre-gzipped bytes (gzip per request would cost ~25× the rest
        // of the request), so the compression layer wraps only the JSON API.
        .layer(CompressionLayer::new());
    let tiles = Router::new()
        .route("/tiles.json", get(tiles::tilejson))
        .route("/tiles/{z}/{x}/{y}", get(tiles::tile))
        .with_state(state.clone());
    // The style (JSON) and glyph ranges (PBF, 60 % smaller gzipped; a client fetches each
    // once a day at most): compressed per request like the API.
    let style = Router::new()
        .route("/style.json", get(style::style))
        .route("/fonts/ui.ttf", get(style::ui_font))
        .route("/fonts/{fontstack}/{range}", get(style::glyphs))
        .with_state(state.clone())
        .layer(CompressionLayer::new());
    // The 405 fallback is set before the layers so that it is wrapped by them too: set
    // afterwards, axum swaps it in unlayered, and CORS preflights (OPTIONS on a GET-only
    // route) would reach it without the CORS layer and fail with 405.
    let public = api
        .merge(tiles)
        .merge(style)
        .merge(web::routes(&config.frame_ancestors, &config.web))
        .method_not_allowed_fallback(method_not_allowed);
    let mut public = limited(public, &config.limits);
    // CORS outside the limits: preflights are answered without taking a slot, and a shed
    // 503 still carries the CORS headers so the browser lets the widget see it.
    if let Some(cors) = config.cors.layer() {
        public = public.layer(cors);
    }
    let mut ops = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz));
    // Without a token the admin routes do not exist at all: every method gets the plain 404,
    // so a public server does not reveal them (not even by a 405 for GET).
    if state.admin_token.is_some() {
        // No body is read: the limit makes any body fail at its first byte (413).
        ops = ops.route(
            "/admin/reload",
            post(admin::reload_route).layer(DefaultBodyLimit::max(0)),
        );
    }
    let ops = ops
        .with_state(state)
        .method_not_allowed_fallback(method_not_allowed);
    public
        .merge(ops)
        .fallback(not_found)
        .layer(
            // Log the method and path only: query strings carry patients' coordinates and
            // addresses, which must never reach a log.
            TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                tracing::info_span!("request", method = %req.method(), path = %req.uri().path())
            }),
        )
}

async fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

async fn readyz(State(state): State<AppState>) -> Result<Json<serde_json::Value>, AppError> {
    if state.is_draining() {
        return Err(AppError::Unavailable("shutting down".into()));
    }
    let snap = state.snapshot();
    let last_reload = state.reloader().and_then(Reloader::last);
    Ok(Json(serde_json::json!({
        "status": "ready",
        "data_version": snap.version(),
        // `builtin` (the Kumamoto data compiled into the binary) or the data folder.
        "dataset": snap.dataset.files.label(),
        "providers": snap.dataset.providers.len(),
        "regions": snap.dataset.regions.len(),
        // Null until the first reload; a failed one shows `ok: false` and the data errors
        // while the previous data keeps serving (still ready).
        "last_reload": last_reload,
    })))
}

async fn not_found(uri: axum::http::Uri) -> AppError {
    AppError::NotFound(format!("no route for {}", uri.path()))
}

async fn method_not_allowed() -> AppError {
    AppError::MethodNotAllowed
}

/// Provider id path segment: digits only, so nothing else reaches a lookup.
fn provider_id(Path(id): Path<String>) -> Result<String, AppError> {
    if id.is_empty() || id.len() > 16 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AppError::bad(
            "invalid_id",
            format!("{id:?} is not a provider id (医療機関番号, digits)"),
        ));
    }
    Ok(id)
}
