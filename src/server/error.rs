//! [`AppError`]: every failure a handler can return, mapped to a JSON body
//! `{"error":{"code","message"}}` and a status. Internal errors never leak their details.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A client mistake in a parameter: 400 with a specific code.
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    /// 404 for an unknown resource.
    #[error("{0}")]
    NotFound(String),
    /// 405.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// Not ready to serve (starting or shutting down): 503.
    #[error("{0}")]
    Unavailable(String),
    /// A bug or an I/O failure. Logged; the client only learns that it happened.
    #[error("internal error: {0}")]
    Internal(String),
    /// Missing or wrong admin bearer token: 401 with `WWW-Authenticate: Bearer`.
    #[error("a valid admin bearer token is required")]
    Unauthorized,
    /// A body over the route's limit: 413.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// Load shedding: every request slot is busy. 503 with `Retry-After: 1`, so well-behaved
    /// clients (and MapLibre's tile retries) back off briefly instead of piling on.
    #[error("the server is at its concurrency limit; retry shortly")]
    Overloaded,
    /// The request ran past the server's time limit: 503 (the server failed, not the client;
    /// 408 would tell the client it was too slow to send its request).
    #[error("the request took longer than {0:?}")]
    Timeout(std::time::Duration),
    /// The request conflicts with how the server runs (an upload to the built-in data): 409.
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// An uploaded resource list with malformed rows: 422 with the import report. Nothing was
    /// written; the old data keeps serving.
    #[error("{message}")]
    RefusedList {
        message: String,
        report: serde_json::Value,
    },
    /// A reload found invalid data: 422 with the first issues listed. The old data keeps
    /// serving.
    #[error("{message}")]
    InvalidData {
        message: String,
        issues: Vec<serde_json::Value>,
    },
}

impl AppError {
    pub fn bad(code: &'static str, message: impl Into<String>) -> Self {
        Self::BadRequest {
            code,
            message: message.into(),
        }
    }

    fn parts(&self) -> (StatusCode, &'static str, String) {
        match self {
            Self::BadRequest { code, message } => (StatusCode::BAD_REQUEST, code, message.clone()),
            Self::NotFound(m) => (StatusCode::NOT_FOUND, "not_found", m.clone()),
            Self::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "this route does not accept that method".into(),
            ),
            Self::Unavailable(m) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable", m.clone()),
            Self::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized", self.to_string()),
            Self::PayloadTooLarge(m) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                m.clone(),
            ),
            Self::Overloaded => (
                StatusCode::SERVICE_UNAVAILABLE,
                "overloaded",
                self.to_string(),
            ),
            Self::Timeout(_) => (StatusCode::SERVICE_UNAVAILABLE, "timeout", self.to_string()),
            Self::Conflict { code, message } => (StatusCode::CONFLICT, code, message.clone()),
            Self::RefusedList { message, .. } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_resource_list",
                message.clone(),
            ),
            Self::InvalidData { message, .. } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_data",
                message.clone(),
            ),
            Self::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "internal error; it has been logged".into(),
            ),
        }
    }
}

/// Every error answer: `{"error": {"code", "message"}}` (and the data issues of a refused
/// reload).
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong: a stable code (see the API reference) and a message naming the parameter
/// and value.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    pub code: &'static str,
    pub message: String,
    /// A refused reload's first data issues (file, row, message).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<Object>>)]
    pub issues: Option<Vec<serde_json::Value>>,
    /// A refused upload's import report (every malformed row with its column).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub report: Option<serde_json::Value>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let Self::Internal(detail) = &self {
            tracing::error!(%detail, "internal error");
        }
        let (status, code, message) = self.parts();
        let issues = match &self {
            Self::InvalidData { issues, .. } => Some(issues.clone()),
            _ => None,
        };
        let report = match &self {
            Self::RefusedList { report, .. } => Some(report.clone()),
            _ => None,
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code,
                message,
                issues,
                report,
            },
        };
        let mut resp = (status, Json(body)).into_response();
        let h = resp.headers_mut();
        match self {
            Self::Overloaded | Self::Timeout(_) => {
                h.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            }
            Self::Unauthorized => {
                h.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"carecover-admin\""),
                );
            }
            _ => {}
        }
        resp
    }
}

/// Runs CPU-heavy request work (a coverage layer on a cache miss, a scenario, a suggestion) on
/// tokio's blocking pool, so the async workers keep answering `/healthz` and cached tiles
/// meanwhile. A panic in `work` becomes a 500, never a dropped connection.
pub async fn off_workers<T, F>(work: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, AppError> + Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| AppError::Internal(format!("blocking task failed: {e}")))?
}
