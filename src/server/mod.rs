//! The HTTP API: the only module that knows axum. Handlers parse, delegate to the core and map
//! results to responses.

mod coverage;
mod error;
mod nearest;
mod params;
mod roads;
mod tiles;

pub use error::AppError;
pub use params::{SERVICE_LAT, SERVICE_LON};

use crate::snapshot::Snapshot;
use arc_swap::ArcSwap;
use axum::extract::{Path, State};
use axum::http::Request;
use axum::routing::{get, post};
use axum::{Json, Router};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

/// Shared server state: the current snapshot (swapped atomically on reload) and whether the
/// server is draining for shutdown.
#[derive(Clone)]
pub struct AppState {
    snapshot: Arc<ArcSwap<Snapshot>>,
    draining: Arc<AtomicBool>,
}

impl AppState {
    pub fn new(snapshot: Snapshot) -> Self {
        Self {
            snapshot: Arc::new(ArcSwap::from_pointee(snapshot)),
            draining: Arc::new(AtomicBool::new(false)),
        }
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

/// The whole API as a router, without a socket (tests call it in-process).
pub fn app(state: AppState) -> Router {
    let api = Router::new()
        .route("/api/nearest", get(nearest::nearest))
        .route("/api/providers/{id}", get(nearest::provider))
        .route("/api/geocode", get(nearest::geocode))
        .route("/api/regions", get(coverage::regions))
        .route("/api/regions/{id}", get(coverage::region))
        .route("/api/coverage", get(coverage::coverage))
        .route("/api/suggest", get(coverage::suggest))
        .route(
            "/api/scenarios",
            post(coverage::scenarios).layer(axum::extract::DefaultBodyLimit::max(
                coverage::SCENARIO_BODY_LIMIT,
            )),
        )
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .with_state(state.clone());
    // Tiles carry their own pre-gzipped bytes (gzip per request would cost ~25× the rest of
    // the request), so the compression layer wraps only the JSON API.
    let tiles = Router::new()
        .route("/tiles.json", get(tiles::tilejson))
        .route("/tiles/{z}/{x}/{y}", get(tiles::tile))
        .with_state(state.clone());
    api.layer(CompressionLayer::new())
        .merge(tiles)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
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
    if state.draining.load(Ordering::SeqCst) {
        return Err(AppError::Unavailable("shutting down".into()));
    }
    let snap = state.snapshot();
    Ok(Json(serde_json::json!({
        "status": "ready",
        "data_version": snap.version(),
        "providers": snap.dataset.providers.len(),
        "regions": snap.dataset.regions.len(),
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
