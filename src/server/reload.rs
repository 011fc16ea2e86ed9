//! Hot reload: build a new [`Snapshot`] from the data folder, validate it, and swap it in only
//! when it is whole. Triggered by `POST /admin/reload`, by SIGHUP (the CLI feeds it to
//! [`super::reload_on`]) and by [`watch_files`] (`serve --watch`).
//!
//! Invariants:
//! - A failed reload changes nothing that is served: the old snapshot keeps answering, and the
//!   failure is reported in the log, in `/readyz` (`last_reload`) and in the admin answer.
//! - Reloads are serialised by a tokio mutex: two overlapping triggers (an operator's SIGHUP
//!   and a deploy script's POST) would otherwise build two snapshots at once on a 2-core
//!   machine and race to swap, possibly leaving the older data in place.
//! - The build runs on the blocking pool (it parses files and computes coverage unions for
//!   seconds), never on the async workers that serve requests.

use super::error::AppError;
use super::AppState;
use crate::app::{Snapshot, SnapshotError};
use crate::data::DataFiles;
use std::path::PathBuf;
use std::time::SystemTime;

/// Where snapshots come from: the data files (built in, or a folder) and the manifest file
/// (`None` = the built-in manifest). The manifest is re-read on every reload so a changed file
/// list takes effect.
#[derive(Debug, Clone)]
pub struct DataSource {
    pub files: DataFiles,
    pub manifest: Option<PathBuf>,
}

impl DataSource {
    /// Loads the manifest and builds a whole snapshot (blocking: call off the async workers).
    pub fn load(&self) -> Result<Snapshot, ReloadError> {
        let manifest = crate::data::Manifest::from_file_or_builtin(self.manifest.as_deref())
            .map_err(|e| ReloadError::Manifest(e.to_string()))?;
        Ok(Snapshot::load(&self.files, &manifest)?)
    }
}

/// What the watcher compares between polls: per file, its size and modification time (or the
/// error reading them, so a file that disappears or appears counts as a change).
pub type Fingerprint = Vec<(PathBuf, Result<(u64, SystemTime), std::io::ErrorKind>)>;

impl DataSource {
    /// Size and mtime of the manifest file (if any) and of every data file it names, plain and
    /// `.gz` (built-in files cannot change and add nothing). Metadata only: cheap enough to
    /// poll every few seconds. An unreadable manifest is itself a fingerprint entry, so fixing
    /// it triggers a reload.
    pub fn fingerprint(&self) -> Fingerprint {
        let stat = |p: PathBuf| {
            let m = std::fs::metadata(&p)
                .and_then(|m| Ok((m.len(), m.modified()?)))
                .map_err(|e| e.kind());
            (p, m)
        };
        let mut out: Fingerprint = self.manifest.iter().cloned().map(stat).collect();
        if let Ok(m) = crate::data::Manifest::from_file_or_builtin(self.manifest.as_deref()) {
            out.extend(
                m.files()
                    .iter()
                    .flat_map(|f| self.files.watch_paths(f))
                    .map(stat),
            );
        }
        out
    }
}

/// Reloads when the data files change, polling every `every`. A change is acted on only once
/// the files have stayed the same for one more poll, so a file still being copied is not
/// loaded half-written; a reload that fails keeps the old data (as for SIGHUP) and is retried
/// only after the files change again. Runs until the process exits.
pub async fn watch_files(state: AppState, every: std::time::Duration) {
    let Some(reloader) = state.reloader.clone() else {
        return;
    };
    let fp = || {
        let source = reloader.source().clone();
        tokio::task::spawn_blocking(move || source.fingerprint())
    };
    let Ok(mut loaded) = fp().await else { return };
    let mut pending: Option<Fingerprint> = None;
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick.tick().await;
    loop {
        tick.tick().await;
        let Ok(now) = fp().await else { continue };
        if now == loaded {
            pending = None;
        } else if pending.as_ref() == Some(&now) {
            tracing::info!("data files changed: reloading");
            // Outcome is logged and shown in /readyz by the reloader itself.
            let _ = reload(&state).await;
            loaded = now;
            pending = None;
        } else {
            pending = Some(now);
        }
    }
}

/// Why a reload failed.
#[derive(Debug, thiserror::Error)]
pub enum ReloadError {
    #[error("manifest: {0}")]
    Manifest(String),
    #[error(transparent)]
    Snapshot(#[from] SnapshotError),
    /// The build task panicked or was cancelled: a bug, not bad data.
    #[error("the reload task failed: {0}")]
    Task(String),
}

/// Most data issues listed in an admin answer and in `/readyz`; `carecover check` lists all.
pub const MAX_LISTED_ISSUES: usize = 20;

impl ReloadError {
    /// The first [`MAX_LISTED_ISSUES`] errors, as JSON (data errors name file, row, field).
    pub fn issues(&self) -> Vec<serde_json::Value> {
        match self {
            Self::Snapshot(SnapshotError::Data(d)) => d
                .errors()
                .take(MAX_LISTED_ISSUES)
                .map(|i| serde_json::to_value(i).unwrap_or_default())
                .collect(),
            other => vec![serde_json::json!({ "message": other.to_string() })],
        }
    }

    /// One line for logs and `/readyz`. Data messages name files and rows, never a query.
    pub fn summary(&self) -> String {
        match self {
            Self::Snapshot(SnapshotError::Data(d)) => {
                format!("the data has {} error(s)", d.errors().count())
            }
            other => other.to_string(),
        }
    }

    fn into_app_error(self) -> AppError {
        match self {
            Self::Task(detail) => AppError::Internal(detail),
            e => AppError::InvalidData {
                message: format!(
                    "reload refused, the previous data keeps serving: {}",
                    e.summary()
                ),
                issues: e.issues(),
            },
        }
    }
}

/// The outcome of the last reload, shown in `/readyz`.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ReloadStatus {
    pub ok: bool,
    /// RFC 3339, UTC, when the reload finished.
    pub at: String,
    /// The data version served after the reload (the old one when it failed).
    pub data_version: String,
    pub error: Option<String>,
    /// The first data issues of a failed reload.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<Object>)]
    pub issues: Vec<serde_json::Value>,
}

/// What a successful reload did.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ReloadDone {
    pub previous_version: String,
    pub data_version: String,
    pub changed: bool,
    pub providers: usize,
}

/// Reload state shared by all clones of [`AppState`].
pub struct Reloader {
    source: DataSource,
    /// Held for a whole reload: serialises builds and swaps.
    lock: tokio::sync::Mutex<()>,
    /// A std mutex: held only to copy a small struct, never across an await.
    last: std::sync::Mutex<Option<ReloadStatus>>,
}

impl Reloader {
    pub fn new(source: DataSource) -> Self {
        Self {
            source,
            lock: tokio::sync::Mutex::new(()),
            last: std::sync::Mutex::new(None),
        }
    }

    pub fn source(&self) -> &DataSource {
        &self.source
    }

    /// The outcome of the last reload, `None` before the first.
    pub fn last(&self) -> Option<ReloadStatus> {
        self.last
            .lock()
            .map(|g| g.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }

    fn record(&self, status: ReloadStatus) {
        match self.last.lock() {
            Ok(mut g) => *g = Some(status),
            Err(p) => *p.into_inner() = Some(status),
        }
    }
}

/// Rebuilds the snapshot and swaps it in if it is valid. The work runs in its own task, so a
/// client that disconnects (or a request timeout) cannot cancel a reload halfway: it always
/// finishes and records its outcome.
pub async fn reload(state: &AppState) -> Result<ReloadDone, AppError> {
    let Some(reloader) = state.reloader.clone() else {
        return Err(AppError::Unavailable(
            "this server was started without a data folder to reload from".into(),
        ));
    };
    let state = state.clone();
    tokio::spawn(async move { reload_serialised(&state, &reloader).await })
        .await
        .map_err(|e| AppError::Internal(format!("reload task: {e}")))?
        .map_err(ReloadError::into_app_error)
}

async fn reload_serialised(
    state: &AppState,
    reloader: &std::sync::Arc<Reloader>,
) -> Result<ReloadDone, ReloadError> {
    let _guard = reloader.lock.lock().await;
    build_and_swap(state, reloader).await
}

/// Changes the data files (`change`, blocking: it writes files) and reloads, both under the
/// reload lock so that no other reload or upload interleaves; when the new data is refused,
/// `undo` puts the files back before the lock is released. The old data keeps serving until
/// the new snapshot is built.
pub async fn reload_with<T: Send + 'static>(
    state: &AppState,
    change: impl FnOnce(&DataSource) -> Result<T, AppError> + Send + 'static,
    undo: impl FnOnce(T) + Send + 'static,
) -> Result<(T, ReloadDone), AppError> {
    let Some(reloader) = state.reloader.clone() else {
        return Err(AppError::Unavailable(
            "this server was started without a data folder to reload from".into(),
        ));
    };
    let state = state.clone();
    let task = async move {
        let _guard = reloader.lock.lock().await;
        let source = reloader.source.clone();
        let changed = tokio::task::spawn_blocking(move || change(&source))
            .await
            .map_err(|e| AppError::Internal(format!("upload task: {e}")))??;
        match build_and_swap(&state, &reloader).await {
            Ok(done) => Ok((changed, done)),
            Err(e) => {
                tokio::task::spawn_blocking(move || undo(changed))
                    .await
                    .map_err(|e| AppError::Internal(format!("undo task: {e}")))?;
                Err(e.into_app_error())
            }
        }
    };
    tokio::spawn(task)
        .await
        .map_err(|e| AppError::Internal(format!("reload task: {e}")))?
}

/// Builds a snapshot from the files (off the async workers) and swaps it in, recording the
/// outcome for `/readyz`. The caller holds the reload lock.
async fn build_and_swap(
    state: &AppState,
    reloader: &std::sync::Arc<Reloader>,
) -> Result<ReloadDone, ReloadError> {
    let previous = state.snapshot().version().to_string();
    let source = reloader.source.clone();
    let built = tokio::task::spawn_blocking(move || source.load())
        .await
        .map_err(|e| ReloadError::Task(e.to_string()))
        .and_then(|r| r);
    state.metrics.reload(built.is_ok());
    match built {
        Ok(snap) => {
            let done = ReloadDone {
                changed: snap.version() != previous,
                data_version: snap.version().to_string(),
                providers: snap.dataset.providers.len(),
                previous_version: previous,
            };
            state.swap(snap);
            tracing::info!(
                previous = %done.previous_version,
                version = %done.data_version,
                changed = done.changed,
                providers = done.providers,
                "data reloaded"
            );
            reloader.record(ReloadStatus {
                ok: true,
                at: rfc3339(SystemTime::now()),
                data_version: done.data_version.clone(),
                error: None,
                issues: Vec::new(),
            });
            Ok(done)
        }
        Err(e) => {
            tracing::error!(error = %e, "reload refused; the previous data keeps serving");
            reloader.record(ReloadStatus {
                ok: false,
                at: rfc3339(SystemTime::now()),
                data_version: previous,
                error: Some(e.summary()),
                issues: e.issues(),
            });
            Err(e)
        }
    }
}

/// `2026-11-24T21:08:48Z` (UTC, seconds). Hand-written to avoid a date crate for one line:
/// days → civil date by Howard Hinnant's `civil_from_days` algorithm.
pub fn rfc3339(t: SystemTime) -> String {
    let secs = t
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn rfc3339_formats_known_instants() {
        let at = |s: u64| rfc3339(SystemTime::UNIX_EPOCH + Duration::from_secs(s));
        assert_eq!(at(0), "1970-01-01T00:00:00Z");
        assert_eq!(at(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(at(1_795_986_528), "2026-11-29T21:08:48Z");
    }
}
