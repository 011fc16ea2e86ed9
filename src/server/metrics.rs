//! `GET /metrics`: what an operator's Prometheus scrapes, in the OpenMetrics text format.
//!
//! On the main address without a token (as martin does): restrict it at the proxy. Labels are
//! route *templates* (`/api/v1/nearest`, `/tiles/{z}/{x}/{y}`), methods, status codes, cache
//! names, reload outcomes and the data version: never a query value, so no coordinate or
//! address a patient could be found by ever reaches a metric.
//!
//! | metric | type | labels |
//! | --- | --- | --- |
//! | `carecover_http_requests` | counter | route, method, status |
//! | `carecover_http_request_duration_seconds` | histogram | route |
//! | `carecover_http_requests_in_flight` | gauge | |
//! | `carecover_http_rejected` | counter | reason (`shed`, `timeout`) |
//! | `carecover_tile_cache_requests` | counter | cache (`map`, `access`), result (`hit`, `miss`) |
//! | `carecover_tile_cache_bytes` | gauge | cache |
//! | `carecover_tile_cache_entries` | gauge | cache |
//! | `carecover_data_info` | gauge (1) | data_version |
//! | `carecover_snapshot_build_seconds` | gauge | |
//! | `carecover_snapshot_providers` | gauge | |
//! | `carecover_reloads` | counter | outcome (`ok`, `failed`) |
//!
//! Counters are named without `_total`: the encoder adds it (`carecover_http_requests_total`).

use super::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use std::sync::atomic::AtomicU64;
use std::time::Instant;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    method: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabel {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReasonLabel {
    reason: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CacheLabels {
    cache: &'static str,
    result: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CacheLabel {
    cache: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct VersionLabel {
    data_version: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabel {
    outcome: &'static str,
}

/// Which tile cache a tile request used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TileCacheName {
    /// The map's tiles (`/tiles/{z}/{x}/{y}`).
    Map,
    /// The access heat map's tiles.
    Access,
}

impl TileCacheName {
    fn label(self) -> &'static str {
        match self {
            Self::Map => "map",
            Self::Access => "access",
        }
    }
}

/// The route label of a request no route matched (404s): one value, whatever the path.
const UNMATCHED: &str = "unmatched";

/// Every metric of one server process (shared by every clone of the state).
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    duration: Family<RouteLabel, Histogram>,
    in_flight: Gauge,
    rejected: Family<ReasonLabel, Counter>,
    tile_requests: Family<CacheLabels, Counter>,
    tile_bytes: Family<CacheLabel, Gauge>,
    tile_entries: Family<CacheLabel, Gauge>,
    data_info: Family<VersionLabel, Gauge>,
    build_seconds: Gauge<f64, AtomicU64>,
    providers: Gauge,
    reloads: Family<OutcomeLabel, Counter>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("carecover");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route template, method and status",
            requests.clone(),
        );
        // 50 µs … ~13 s: a cached tile is ~0.1 ms, a cold what-if about a second.
        let duration = Family::<RouteLabel, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.00005, 2.5, 14))
        });
        registry.register(
            "http_request_duration_seconds",
            "Time from the request to the response head, by route template",
            duration.clone(),
        );
        let in_flight = Gauge::default();
        registry.register(
            "http_requests_in_flight",
            "Requests being answered now",
            in_flight.clone(),
        );
        let rejected = Family::<ReasonLabel, Counter>::default();
        registry.register(
            "http_rejected",
            "Public requests answered 503: shed at the concurrency limit, or past the time limit",
            rejected.clone(),
        );
        let tile_requests = Family::<CacheLabels, Counter>::default();
        registry.register(
            "tile_cache_requests",
            "Tile requests served from the cache (hit) or rendered (miss), by cache",
            tile_requests.clone(),
        );
        let tile_bytes = Family::<CacheLabel, Gauge>::default();
        registry.register(
            "tile_cache_bytes",
            "Bytes held by the tile cache of the served data",
            tile_bytes.clone(),
        );
        let tile_entries = Family::<CacheLabel, Gauge>::default();
        registry.register(
            "tile_cache_entries",
            "Tiles held by the tile cache of the served data",
            tile_entries.clone(),
        );
        let data_info = Family::<VersionLabel, Gauge>::default();
        registry.register(
            "data_info",
            "1 for the data version served (a hash of the input files)",
            data_info.clone(),
        );
        let build_seconds = Gauge::<f64, AtomicU64>::default();
        registry.register(
            "snapshot_build_seconds",
            "Time the served snapshot took to build (load, index, coverage, roads, layers)",
            build_seconds.clone(),
        );
        let providers = Gauge::default();
        registry.register(
            "snapshot_providers",
            "Providers and resources the served data holds",
            providers.clone(),
        );
        let reloads = Family::<OutcomeLabel, Counter>::default();
        registry.register(
            "reloads",
            "Reloads (SIGHUP, admin, watch, upload), by outcome",
            reloads.clone(),
        );
        Self {
            registry,
            requests,
            duration,
            in_flight,
            rejected,
            tile_requests,
            tile_bytes,
            tile_entries,
            data_info,
            build_seconds,
            providers,
            reloads,
        }
    }

    /// Counts a 503 of the limit layers.
    pub fn rejected(&self, reason: &'static str) {
        self.rejected.get_or_create(&ReasonLabel { reason }).inc();
    }

    /// Counts a tile request as a cache hit or miss.
    pub fn tile(&self, cache: TileCacheName, hit: bool) {
        let result = if hit { "hit" } else { "miss" };
        self.tile_requests
            .get_or_create(&CacheLabels {
                cache: cache.label(),
                result,
            })
            .inc();
    }

    /// Counts a reload's outcome.
    pub fn reload(&self, ok: bool) {
        let outcome = if ok { "ok" } else { "failed" };
        self.reloads.get_or_create(&OutcomeLabel { outcome }).inc();
    }

    /// The OpenMetrics text of every metric, with the served snapshot's figures read now.
    pub fn render(&self, state: &AppState) -> String {
        let snap = state.snapshot();
        self.data_info.clear();
        self.data_info
            .get_or_create(&VersionLabel {
                data_version: snap.version().to_string(),
            })
            .set(1);
        self.build_seconds.set(snap.build_seconds);
        self.providers.set(snap.dataset.providers.len() as i64);
        for (cache, bytes, entries) in [
            (
                TileCacheName::Map,
                snap.tiles.bytes_used(),
                snap.tiles.len(),
            ),
            (
                TileCacheName::Access,
                snap.access_tiles.bytes_used(),
                snap.access_tiles.len(),
            ),
        ] {
            let label = CacheLabel {
                cache: cache.label(),
            };
            self.tile_bytes.get_or_create(&label).set(bytes as i64);
            self.tile_entries.get_or_create(&label).set(entries as i64);
        }
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

/// Decrements the in-flight gauge when the request ends, also when it is cancelled.
struct InFlight(Gauge);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// Middleware: counts and times every request by its route template.
pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let m = &state.metrics;
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or(UNMATCHED, |p| p.as_str())
        .to_string();
    let method = req.method().as_str().to_string();
    m.in_flight.inc();
    let _guard = InFlight(m.in_flight.clone());
    let start = Instant::now();
    let resp = next.run(req).await;
    m.duration
        .get_or_create(&RouteLabel {
            route: route.clone(),
        })
        .observe(start.elapsed().as_secs_f64());
    m.requests
        .get_or_create(&RequestLabels {
            route,
            method,
            status: resp.status().as_u16(),
        })
        .inc();
    resp
}

/// `GET /metrics`.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    summary = "Metrics for Prometheus (OpenMetrics text): requests, latency, tile cache, data version, reloads",
    responses((status = 200, description = "OpenMetrics text", content_type = "application/openmetrics-text")))]
pub async fn metrics(State(state): State<AppState>) -> Response {
    let body = state.metrics.render(&state);
    let mut resp = (StatusCode::OK, body).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    resp
}
