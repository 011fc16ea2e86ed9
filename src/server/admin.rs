//! `POST /admin/reload`: operator routes behind a bearer token.
//!
//! Off unless `CARECOVER_ADMIN_TOKEN` is set: without a token the routes answer 404, exactly
//! like an unknown path, so a public deployment does not even reveal that they exist.

use super::error::{AppError, ErrorBody};
use super::reload::reload;
use super::AppState;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::Json;

/// The admin bearer token. `Debug` is redacted so it never reaches a log by accident.
#[derive(Clone)]
pub struct AdminToken(std::sync::Arc<[u8]>);

impl AdminToken {
    /// `None` for an unset or blank token: admin routes stay off rather than accepting an
    /// empty secret.
    pub fn new(token: Option<String>) -> Option<Self> {
        let t = token?.trim().to_string();
        (!t.is_empty()).then(|| Self(t.into_bytes().into()))
    }

    fn matches(&self, presented: &[u8]) -> bool {
        constant_time_eq(&self.0, presented)
    }
}

impl std::fmt::Debug for AdminToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AdminToken(<redacted>)")
    }
}

/// Compares two byte strings in time that depends only on their lengths, not on where they
/// first differ, so response timing cannot be used to guess the token byte by byte. (The
/// length itself is not secret enough to matter: tokens are long random strings.)
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    // black_box keeps the optimiser from turning the fold into an early-exit comparison.
    std::hint::black_box(diff) == 0
}

/// Checks `Authorization: Bearer <token>`; 404 when admin is off, 401 otherwise.
fn authorize(state: &AppState, headers: &HeaderMap) -> Result<(), AppError> {
    let Some(token) = &state.admin_token else {
        return Err(AppError::NotFound("no route for /admin/reload".into()));
    };
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, rest) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
        });
    match presented {
        Some(p) if token.matches(p.as_bytes()) => Ok(()),
        _ => Err(AppError::Unauthorized),
    }
}

/// `POST /admin/reload`'s answer.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Reloaded {
    pub reloaded: super::reload::ReloadDone,
}

/// Rebuilds the snapshot from the data folder; 200 with the old and new data versions, 422
/// with the data errors (first 20) when the new data is invalid (the old data keeps serving).
/// Takes no body: any body is a 413, so nobody mistakes this route for an upload.
#[utoipa::path(post, path = "/admin/reload", tag = "operations",
    summary = "Reload the data (only when the server has an admin token; 404 otherwise)",
    security(("bearer" = [])),
    responses(
        (status = 200, body = Reloaded),
        (status = 401, description = "No or a wrong bearer token", body = ErrorBody),
        (status = 404, description = "The server has no admin token: no admin route exists", body = ErrorBody),
        (status = 413, description = "A body was sent", body = ErrorBody),
        (status = 422, description = "The new data is invalid; the old data keeps serving", body = ErrorBody)))]
pub async fn reload_route(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Reloaded>, AppError> {
    authorize(&state, &headers)?;
    match body {
        Ok(b) if b.is_empty() => {}
        _ => {
            return Err(AppError::PayloadTooLarge(
                "POST /admin/reload takes no body".into(),
            ))
        }
    }
    let done = reload(&state).await?;
    Ok(Json(Reloaded { reloaded: done }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_time_eq_agrees_with_eq() {
        assert!(constant_time_eq(b"secret", b"secret"));
        assert!(!constant_time_eq(b"secret", b"secreT"));
        assert!(!constant_time_eq(b"secret", b"secret2"));
        assert!(!constant_time_eq(b"", b"x"));
        assert!(constant_time_eq(b"", b""));
    }

    #[test]
    fn a_blank_token_leaves_admin_off() {
        assert!(AdminToken::new(None).is_none());
        assert!(AdminToken::new(Some("  ".into())).is_none());
        assert!(AdminToken::new(Some("t0ken".into())).is_some());
        assert_eq!(
            format!("{:?}", AdminToken::new(Some("t0ken".into()))),
            "Some(AdminToken(<redacted>))"
        );
    }
}
