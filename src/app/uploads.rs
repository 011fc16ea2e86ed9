//! Resource lists uploaded by the committee's staff (`POST /admin/resources`): where the
//! checked file goes in the data folder, how it replaces the previous one, how the manifest
//! learns of a new list, how a refused reload is undone, and the upload log.
//!
//! Files are written atomically (a temporary file in the same folder, then a rename), and the
//! file replaced is kept next to it as `NAME.csv.prev`, so a restart or another replica reading
//! the same folder sees either the old list or the new one, never half of one. The log
//! (`resources/uploads.log`, one JSON object per line) holds the time, the list's name, the
//! uploaded file's name, the row counts and the data versions: no row of the list, and so no
//! address a patient could be found by.

use std::io::Write;
use std::path::{Path, PathBuf};

/// The folder, relative to the data folder, that uploaded lists are written to.
pub const RESOURCE_DIR: &str = "resources";

/// The upload log's file name, in [`RESOURCE_DIR`].
pub const UPLOAD_LOG: &str = "uploads.log";

/// Why an upload cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("list name {0:?}: use 1 to 64 lowercase letters, digits, '_' or '-'")]
    BadName(String),
    #[error("uploads need a data folder: this server serves the built-in data (start it with --data DIR)")]
    NoDataFolder,
    #[error("{file} is not listed in the built-in manifest, and a list can only be added to a manifest file: start the server with --manifest DIR/manifest.json, or upload to a listed name ({listed})")]
    ManifestNotWritable { file: String, listed: String },
    #[error("the manifest {path}: {message}")]
    Manifest { path: String, message: String },
    #[error("writing {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> UploadError + '_ {
    move |source| UploadError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Checks an upload's list name (it becomes a file name).
pub fn check_name(name: &str) -> Result<(), UploadError> {
    let ok = (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(UploadError::BadName(name.to_string()))
    }
}

/// The data folder and manifest file an upload writes to.
#[derive(Debug, Clone)]
pub struct UploadTarget {
    pub dir: PathBuf,
    /// `None`: the built-in manifest (only the lists it names can be replaced).
    pub manifest: Option<PathBuf>,
}

/// What the upload says about its list, for the manifest's source entry of a new list.
#[derive(Debug, Clone)]
pub struct ListSource {
    /// Who compiled the list (e.g. 八代市在宅医療・介護連携支援センター調査); empty: the name.
    pub name: String,
    /// Its date (`YYYY-MM-DD` or `YYYY-MM`); empty: unknown.
    pub date: String,
}

/// A written upload that the reload has not yet accepted: [`Staged::rollback`] puts the
/// previous file (and manifest) back; dropping it keeps the new ones.
#[derive(Debug)]
pub struct Staged {
    /// The list's file, relative to the data folder (`resources/NAME.csv`).
    pub file: String,
    path: PathBuf,
    /// Where the replaced file was kept (`NAME.csv.prev`), if there was one.
    previous: Option<PathBuf>,
    /// The manifest file and its text before the upload added the list, if it did.
    manifest_before: Option<(PathBuf, String)>,
}

impl Staged {
    /// The kept previous file, relative to the data folder.
    pub fn previous_kept(&self) -> Option<String> {
        self.previous
            .as_ref()
            .map(|_| format!("{}.prev", self.file))
    }

    /// Undoes the upload: the previous file back in place (or the new one removed), the
    /// manifest as it was.
    pub fn rollback(self) -> Result<(), UploadError> {
        match &self.previous {
            Some(prev) => {
                let bytes = std::fs::read(prev).map_err(io_err(prev))?;
                write_atomically(&self.path, &bytes)?;
            }
            None => std::fs::remove_file(&self.path).map_err(io_err(&self.path))?,
        }
        if let Some((path, text)) = &self.manifest_before {
            write_atomically(path, text.as_bytes())?;
        }
        Ok(())
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), UploadError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let write = || -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io_err(path)(e)
    })
}

/// Writes the checked list `NAME.csv` into the data folder's [`RESOURCE_DIR`], keeping the
/// file it replaces as `NAME.csv.prev`, and adds the list to the manifest file when it does
/// not name it yet (with a source entry `upload_NAME` from `source`). `listed` are the
/// resource files the manifest in force names.
pub fn stage(
    target: &UploadTarget,
    name: &str,
    checked_csv: &[u8],
    listed: &[String],
    source: &ListSource,
) -> Result<Staged, UploadError> {
    check_name(name)?;
    let file = format!("{RESOURCE_DIR}/{name}.csv");
    let manifest_before = if listed.contains(&file) {
        None
    } else {
        let Some(path) = &target.manifest else {
            return Err(UploadError::ManifestNotWritable {
                file,
                listed: listed.join(", "),
            });
        };
        let before = std::fs::read_to_string(path).map_err(io_err(path))?;
        let after = add_to_manifest(&before, &file, name, source).map_err(|message| {
            UploadError::Manifest {
                path: path.display().to_string(),
                message,
            }
        })?;
        Some((path.clone(), before, after))
    };
    let path = target.dir.join(&file);
    let previous = if path.exists() {
        let prev = target.dir.join(format!("{file}.prev"));
        std::fs::copy(&path, &prev).map_err(io_err(&prev))?;
        Some(prev)
    } else {
        None
    };
    write_atomically(&path, checked_csv)?;
    let manifest_before = match manifest_before {
        Some((mpath, before, after)) => {
            write_atomically(&mpath, after.as_bytes())?;
            Some((mpath, before))
        }
        None => None,
    };
    Ok(Staged {
        file,
        path,
        previous,
        manifest_before,
    })
}

/// The manifest text with `file` added to `resources` and a source entry for it; other keys
/// and their order are kept.
fn add_to_manifest(
    text: &str,
    file: &str,
    name: &str,
    source: &ListSource,
) -> Result<String, String> {
    let mut m: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let obj = m.as_object_mut().ok_or("not a JSON object")?;
    let key = format!("upload_{name}");
    let list_name = if source.name.is_empty() {
        name.to_string()
    } else {
        source.name.clone()
    };
    let sources = obj
        .entry("sources")
        .or_insert_with(|| serde_json::json!({}))
        .as_object_mut()
        .ok_or("sources is not an object")?;
    sources.insert(
        key.clone(),
        serde_json::json!({
            "name": list_name,
            "name_en": format!("Resource list {name}, uploaded"),
            "date": source.date,
            "license": "as stated by the list's compiler",
            "credit": list_name,
        }),
    );
    let resources = obj
        .entry("resources")
        .or_insert_with(|| serde_json::json!([]))
        .as_array_mut()
        .ok_or("resources is not a list")?;
    resources.push(serde_json::json!({ "file": file, "source": key }));
    let mut out = serde_json::to_string_pretty(&m).map_err(|e| e.to_string())?;
    out.push('\n');
    Ok(out)
}

/// One line of the upload log. No row of the list is recorded.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct UploadLogEntry {
    /// RFC 3339, UTC.
    pub at: String,
    /// The list's file in the data folder (`resources/NAME.csv`).
    pub file: String,
    /// The uploaded file's own name, as the client gave it (may be empty).
    pub uploaded_as: String,
    pub rows: usize,
    pub placed: usize,
    pub not_placed: usize,
    /// Malformed rows: when non-zero the list was refused and nothing was written.
    pub errors: usize,
    /// Whether the data now serves the list.
    pub accepted: bool,
    pub previous_version: String,
    pub data_version: String,
}

/// Appends `entry` to the data folder's upload log.
pub fn record(dir: &Path, entry: &UploadLogEntry) -> Result<(), UploadError> {
    let path = dir.join(RESOURCE_DIR).join(UPLOAD_LOG);
    let line = serde_json::to_string(entry).map_err(|e| UploadError::Io {
        path: path.display().to_string(),
        source: std::io::Error::other(e),
    })?;
    let append = || -> std::io::Result<()> {
        std::fs::create_dir_all(path.parent().unwrap_or(dir))?;
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)?;
        writeln!(f, "{line}")
    };
    append().map_err(io_err(&path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(tag: &str) -> PathBuf {
        let d =
            std::env::temp_dir().join(format!("carecover-uploads-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn names_are_file_safe() {
        assert!(check_name("yatsushiro_nursing-2026").is_ok());
        for bad in ["", "../x", "A", "x.csv", "薬局", &"x".repeat(65)] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_replaced_list_is_kept_and_a_rollback_restores_it() {
        let dir = temp_dir("replace");
        let target = UploadTarget {
            dir: dir.clone(),
            manifest: None,
        };
        let listed = vec!["resources/a.csv".to_string()];
        let src = ListSource {
            name: String::new(),
            date: String::new(),
        };
        let s = stage(&target, "a", b"one", &listed, &src).unwrap();
        assert_eq!(s.previous_kept(), None);
        drop(s);
        let s = stage(&target, "a", b"two", &listed, &src).unwrap();
        assert_eq!(s.previous_kept().as_deref(), Some("resources/a.csv.prev"));
        assert_eq!(std::fs::read(dir.join("resources/a.csv")).unwrap(), b"two");
        s.rollback().unwrap();
        assert_eq!(std::fs::read(dir.join("resources/a.csv")).unwrap(), b"one");
        // A new list needs a manifest file.
        let e = stage(&target, "b", b"x", &listed, &src).unwrap_err();
        assert!(e.to_string().contains("--manifest"), "{e}");
        assert!(!dir.join("resources/b.csv").exists());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_new_list_is_added_to_the_manifest_file_and_removed_on_rollback() {
        let dir = temp_dir("manifest");
        let mpath = dir.join("manifest.json");
        std::fs::write(&mpath, crate::data::DEFAULT_MANIFEST).unwrap();
        let target = UploadTarget {
            dir: dir.clone(),
            manifest: Some(mpath.clone()),
        };
        let src = ListSource {
            name: "八代市 資源調査".into(),
            date: "2026-11".into(),
        };
        let s = stage(&target, "yatsushiro", b"x", &[], &src).unwrap();
        let m = crate::data::Manifest::from_file(&mpath).unwrap();
        let entry = m
            .resources
            .iter()
            .find(|r| r.file == "resources/yatsushiro.csv")
            .unwrap();
        assert_eq!(m.sources[&entry.source].name, "八代市 資源調査");
        assert_eq!(m.sources[&entry.source].date, "2026-11");
        s.rollback().unwrap();
        assert_eq!(
            std::fs::read_to_string(&mpath).unwrap(),
            crate::data::DEFAULT_MANIFEST
        );
        assert!(!dir.join("resources/yatsushiro.csv").exists());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn the_log_appends_one_line_per_upload() {
        let dir = temp_dir("log");
        let e = UploadLogEntry {
            at: "2026-12-01T00:00:00Z".into(),
            file: "resources/a.csv".into(),
            uploaded_as: "a.csv".into(),
            rows: 3,
            placed: 2,
            not_placed: 1,
            errors: 0,
            accepted: true,
            previous_version: "v1".into(),
            data_version: "v2".into(),
        };
        record(&dir, &e).unwrap();
        record(&dir, &e).unwrap();
        let text = std::fs::read_to_string(dir.join("resources/uploads.log")).unwrap();
        assert_eq!(text.lines().count(), 2);
        let back: UploadLogEntry = serde_json::from_str(text.lines().next().unwrap()).unwrap();
        assert_eq!(back.rows, 3);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
