//! `POST /admin/reload` and `POST /admin/resources`: operator routes behind a bearer token.
//!
//! Off unless `CARECOVER_ADMIN_TOKEN` is set: without a token the routes answer 404, exactly
//! like an unknown path, so a public deployment does not even reveal that they exist.

use super::error::{AppError, ErrorBody};
use super::params::Params;
use super::reload::{reload, reload_with, rfc3339};
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
        return Err(AppError::NotFound("no such route".into()));
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

/// Most bytes an uploaded resource list may have (a prefecture's list of every care facility
/// is a few MB).
pub const UPLOAD_BODY_LIMIT: usize = 16 * 1024 * 1024;

/// `POST /admin/resources`'s answer: the import report, where the list was written, and the
/// reload that now serves it.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Uploaded {
    pub report: crate::app::resource_import::ImportReport,
    /// The list's file in the data folder (`resources/NAME.csv`).
    pub file: String,
    /// The replaced list, kept next to it (`resources/NAME.csv.prev`), if there was one.
    pub previous_kept: Option<String>,
    pub reloaded: super::reload::ReloadDone,
}

/// Takes a resource list (CSV, UTF-8 or Shift_JIS), checks it exactly as `carecover import`
/// does, and when no row is malformed writes the checked file into the data folder and
/// reloads. Each upload, accepted or refused, is logged in `resources/uploads.log` (time,
/// names, counts, versions; no row).
#[utoipa::path(post, path = "/admin/resources", tag = "operations",
    summary = "Upload a resource list (only when the server has an admin token; 404 otherwise)",
    security(("bearer" = [])),
    params(super::openapi::UploadParams),
    request_body(content = String, content_type = "text/csv",
        description = "The list as CSV (see docs/resources.md), UTF-8 or Shift_JIS"),
    responses(
        (status = 200, body = Uploaded),
        (status = 400, description = "A bad parameter, named", body = ErrorBody),
        (status = 401, description = "No or a wrong bearer token", body = ErrorBody),
        (status = 404, description = "The server has no admin token: no admin route exists", body = ErrorBody),
        (status = 409, description = "The server serves the built-in data, or the list is new and the manifest is built in", body = ErrorBody),
        (status = 413, description = "The body is over 16 MiB", body = ErrorBody),
        (status = 422, description = "Malformed rows (the report lists each), or the new data is refused; nothing changes", body = ErrorBody)))]
pub async fn upload_resources(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Uploaded>, AppError> {
    use crate::app::resource_import::{import_resources, ImportOptions, TextEncoding};
    use crate::app::uploads::{self, ListSource, UploadLogEntry, UploadTarget};
    authorize(&state, &headers)?;
    static ALLOWED: std::sync::LazyLock<Vec<String>> =
        std::sync::LazyLock::new(super::openapi::param_names::<super::openapi::UploadParams>);
    let p = Params::parse(query.as_deref(), &ALLOWED)?;
    let name = p
        .get("name")
        .ok_or_else(|| AppError::bad("missing_parameter", "parameter name is required"))?
        .to_string();
    uploads::check_name(&name).map_err(|e| AppError::bad("invalid_name", e.to_string()))?;
    let kind = match p.get("kind") {
        None => None,
        Some(k) => Some(
            crate::data::ProviderKind::parse_resource(k)
                .map_err(|e| AppError::bad("unknown_kind", format!("kind={e}")))?,
        ),
    };
    let encoding = match p.get("encoding") {
        None => TextEncoding::Auto,
        Some(e) => TextEncoding::parse(e).ok_or_else(|| {
            AppError::bad(
                "invalid_encoding",
                format!("encoding={e:?}: use auto, utf-8 or shift_jis"),
            )
        })?,
    };
    let date = p.get("date").unwrap_or("").to_string();
    if !date.is_empty() && !crate::data::resources::is_iso_date(&date) {
        return Err(AppError::bad(
            "invalid_date",
            format!("date={date:?}: use YYYY-MM-DD or YYYY-MM"),
        ));
    }
    let source = ListSource {
        name: p.get("source").unwrap_or("").to_string(),
        date,
    };
    let uploaded_as = p.get("filename").unwrap_or("").to_string();
    let bytes = body.map_err(|e| {
        AppError::PayloadTooLarge(format!("the list cannot be read: {e} (at most 16 MiB)"))
    })?;
    if bytes.is_empty() {
        return Err(AppError::bad("empty_body", "the request has no CSV body"));
    }
    let dir = match state.reloader.as_ref().map(|r| r.source().clone()) {
        Some(super::reload::DataSource {
            files: crate::data::DataFiles::Folder(dir),
            ..
        }) => dir,
        _ => {
            return Err(AppError::Conflict {
                code: "needs_data_folder",
                message: uploads::UploadError::NoDataFolder.to_string(),
            })
        }
    };
    let snap = state.snapshot();
    let file_label = if uploaded_as.is_empty() {
        format!("{name}.csv")
    } else {
        uploaded_as.clone()
    };
    let imported = super::error::off_workers(move || {
        let opts = ImportOptions { kind, encoding };
        Ok(import_resources(
            &bytes,
            &file_label,
            &opts,
            &snap.dataset,
            &snap.gazetteer,
        ))
    })
    .await?;
    let report = imported.report;
    let log_entry = |accepted: bool, file: &str, versions: (&str, &str)| UploadLogEntry {
        at: rfc3339(std::time::SystemTime::now()),
        file: file.to_string(),
        uploaded_as: uploaded_as.clone(),
        rows: report.rows,
        placed: report.placed.total(),
        not_placed: report.not_placed.len(),
        errors: report.errors.len(),
        accepted,
        previous_version: versions.0.to_string(),
        data_version: versions.1.to_string(),
    };
    let version = state.snapshot().version().to_string();
    let file = format!("{}/{name}.csv", uploads::RESOURCE_DIR);
    let Some(checked) = imported.checked_csv else {
        let _ = record_upload(&dir, log_entry(false, &file, (&version, &version))).await;
        return Err(AppError::RefusedList {
            message: format!(
                "{} malformed row(s): nothing was written, the previous data keeps serving",
                report.errors.len()
            ),
            report: serde_json::to_value(&report).unwrap_or_default(),
        });
    };
    let (target_dir, list_name) = (dir.clone(), name.clone());
    let outcome = reload_with(
        &state,
        move |src| {
            let manifest = crate::data::Manifest::from_file_or_builtin(src.manifest.as_deref())
                .map_err(|e| AppError::Internal(format!("manifest: {e}")))?;
            let listed: Vec<String> = manifest.resources.iter().map(|r| r.file.clone()).collect();
            let target = UploadTarget {
                dir: target_dir,
                manifest: src.manifest.clone(),
            };
            uploads::stage(&target, &list_name, &checked, &listed, &source).map_err(|e| match e {
                uploads::UploadError::ManifestNotWritable { .. } => AppError::Conflict {
                    code: "manifest_not_writable",
                    message: e.to_string(),
                },
                other => AppError::Internal(other.to_string()),
            })
        },
        |staged| {
            if let Err(e) = staged.rollback() {
                tracing::error!(error = %e, "undoing a refused upload failed");
            }
        },
    )
    .await;
    match outcome {
        Ok((staged, done)) => {
            let entry = log_entry(
                true,
                &staged.file,
                (&done.previous_version, &done.data_version),
            );
            record_upload(&dir, entry).await?;
            tracing::info!(file = %staged.file, rows = report.rows, version = %done.data_version, "resource list uploaded");
            Ok(Json(Uploaded {
                previous_kept: staged.previous_kept(),
                file: staged.file,
                report,
                reloaded: done,
            }))
        }
        Err(e) => {
            let _ = record_upload(&dir, log_entry(false, &file, (&version, &version))).await;
            Err(e)
        }
    }
}

/// Appends to the upload log off the async workers.
async fn record_upload(
    dir: &std::path::Path,
    entry: crate::app::uploads::UploadLogEntry,
) -> Result<(), AppError> {
    let dir = dir.to_path_buf();
    super::error::off_workers(move || {
        crate::app::uploads::record(&dir, &entry).map_err(|e| AppError::Internal(e.to_string()))
    })
    .await
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
