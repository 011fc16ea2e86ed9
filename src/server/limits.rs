//! Request limits for the public routes: a time limit, a global concurrency limit and load
//! shedding, as tower layers. Health and admin routes sit outside them (see [`super::app_with`]).

use super::error::AppError;
use super::metrics::Metrics;
use axum::error_handling::HandleErrorLayer;
use axum::response::IntoResponse;
use axum::Router;
use std::sync::Arc;
use std::time::Duration;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower::ServiceBuilder;

/// Limits for the public routes (API, tiles, TileJSON).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Requests served at once across all public routes; more are shed with 503 at once.
    /// Each uncached tile holds a blocking thread while it renders: 256 keeps a tile storm
    /// below tokio's 512 blocking threads, so SIGHUP reloads still get one.
    pub max_concurrency: usize,
    /// Longest a request may run before it is answered 503. Generous: the slowest honest
    /// request (a what-if scenario on a cold coverage cache) takes about a second.
    pub request_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_concurrency: 256,
            request_timeout: Duration::from_secs(10),
        }
    }
}

/// Wraps every route of `router` in load shedding, one concurrency limit shared by all of
/// them, and a timeout.
///
/// The semaphore must be global: `Router::layer` applies a layer to each route separately,
/// so `concurrency_limit(n)` would give *each route* its own n slots (a tile storm would not
/// be bounded by the API's slots). `GlobalConcurrencyLimitLayer` shares one semaphore across
/// every service it wraps.
///
/// Order (outer → inner): errors → JSON; `load_shed` answers at once when no slot is free
/// (instead of queueing, which would only grow latency under a storm); the slot is held until
/// the response is ready; the timeout covers the handler only.
pub fn limited<S>(router: Router<S>, limits: &Limits) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    limited_counted(router, limits, None)
}

/// [`limited`], counting each shed or timed-out request in `metrics`.
pub fn limited_counted<S>(
    router: Router<S>,
    limits: &Limits,
    metrics: Option<Arc<Metrics>>,
) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    let timeout = limits.request_timeout;
    router.layer(
        ServiceBuilder::new()
            .layer(HandleErrorLayer::new(move |e: tower::BoxError| {
                let metrics = metrics.clone();
                async move {
                    let err = limit_error(e, timeout);
                    if let Some(m) = &metrics {
                        match err {
                            AppError::Overloaded => m.rejected("shed"),
                            AppError::Timeout(_) => m.rejected("timeout"),
                            _ => {}
                        }
                    }
                    err.into_response()
                }
            }))
            .load_shed()
            .layer(GlobalConcurrencyLimitLayer::new(limits.max_concurrency))
            .timeout(limits.request_timeout),
    )
}

/// Maps a limit layer's error to the API's JSON error.
fn limit_error(e: tower::BoxError, timeout: Duration) -> AppError {
    if e.is::<tower::load_shed::error::Overloaded>() {
        AppError::Overloaded
    } else if e.is::<tower::timeout::error::Elapsed>() {
        AppError::Timeout(timeout)
    } else {
        AppError::Internal(format!("middleware: {e}"))
    }
}
