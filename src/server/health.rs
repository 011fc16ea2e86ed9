//! `GET /healthz` (the process answers) and `GET /readyz` (it serves data and is not draining).

use super::error::{AppError, ErrorBody};
use super::reload::{ReloadStatus, Reloader};
use super::AppState;
use axum::extract::State;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

/// `GET /healthz`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// Always `ok`.
    pub status: &'static str,
}

/// `GET /readyz`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Ready {
    /// Always `ready` (a draining server answers 503).
    pub status: &'static str,
    pub data_version: String,
    /// `builtin` (the Kumamoto data compiled into the binary) or the data folder.
    pub dataset: String,
    /// Rows loaded: the provider list's and the local resource lists'.
    pub providers: usize,
    /// Of those, the local resources' (訪問看護ステーション, pharmacies …).
    pub resources: usize,
    pub regions: usize,
    /// Null until the first reload; a failed one shows `ok: false` and the data errors while
    /// the previous data keeps serving (still ready).
    pub last_reload: Option<ReloadStatus>,
}

#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "The process answers", body = Health)))]
pub async fn healthz() -> Json<Health> {
    Json(Health { status: "ok" })
}

#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses(
        (status = 200, description = "Serving data", body = Ready),
        (status = 503, description = "Shutting down (`unavailable`)", body = ErrorBody),
    ))]
pub async fn readyz(State(state): State<AppState>) -> Result<Json<Ready>, AppError> {
    if state.is_draining() {
        return Err(AppError::Unavailable("shutting down".into()));
    }
    let snap = state.snapshot();
    Ok(Json(Ready {
        status: "ready",
        data_version: snap.version().to_string(),
        dataset: snap.dataset.files.label().to_string(),
        providers: snap.dataset.providers.len(),
        resources: snap
            .dataset
            .providers
            .iter()
            .filter(|p| p.facility_type == crate::data::FacilityType::Resource)
            .count(),
        regions: snap.dataset.regions.len(),
        last_reload: state.reloader().and_then(Reloader::last),
    }))
}
