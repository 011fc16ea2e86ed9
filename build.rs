//! Build script: embeds what the binary serves with no flag.
//!
//! - `geodata/` (the built-in Kumamoto dataset, large files gzipped) → `OUT_DIR/builtin_data.rs`,
//!   a table of `(path, bytes)` read by `data::DataFiles::Builtin`.
//! - The widget's own files in `web/` → `OUT_DIR/web_assets.rs`.
//! - MapLibre GL JS (`dist/maplibre-gl.js` and `.css`) and the `pmtiles` reader
//!   (`dist/pmtiles.js`, for the static map of `export --static`), at the versions
//!   `web/package-lock.json` pins: taken from `web/node_modules` when it holds that version, else installed by
//!   `npm ci --omit=dev` into `OUT_DIR/npm` (never into `web/`, so two builds, or a build and
//!   `.ci/run`'s own `npm ci`, cannot race). The install runs again only when the lock file
//!   changes, and is killed after `CARECOVER_NPM_TIMEOUT_SECS` (default 300). Without npm or
//!   the registry the build still succeeds with one warning; the binary then serves the page
//!   without MapLibre and the page says so. `CARECOVER_NO_NPM=1` skips the install;
//!   `CARECOVER_REQUIRE_MAPLIBRE=1` (the Dockerfile) makes a missing MapLibre a build error.
//!
//! Nothing is ever downloaded at run time.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    embed_geodata(&root.join("geodata"), &out);
    embed_web(&root.join("web"), &out);
    println!("cargo:rerun-if-changed=build.rs");
}

/// Every file under `geodata/` except the prose (README): the manifest names which are layers.
fn embed_geodata(dir: &Path, out: &Path) {
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files = Vec::new();
    walk(dir, dir, &mut files);
    files.retain(|(rel, _)| !rel.ends_with(".md"));
    let src = file_table(
        "The built-in dataset: every file of `geodata/` (path relative to it, bytes as stored).",
        "BUILTIN_FILES",
        files,
    );
    std::fs::write(out.join("builtin_data.rs"), src).expect("write builtin_data.rs");
}

/// Rust source for `static NAME: &[(&str, &[u8])]`: each file's relative path and its bytes
/// (`include_bytes!`, so cargo recompiles when one changes), sorted by path.
fn file_table(doc: &str, name: &str, mut files: Vec<(String, PathBuf)>) -> String {
    files.sort();
    let mut src = format!("/// {doc}\npub(crate) static {name}: &[(&str, &[u8])] = &[\n");
    for (rel, abs) in &files {
        writeln!(
            src,
            "    ({rel:?}, include_bytes!({:?})),",
            abs.display().to_string()
        )
        .unwrap();
    }
    src.push_str("];\n");
    src
}

fn walk(base: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        if p.is_dir() {
            walk(base, &p, out);
        } else {
            let rel = p.strip_prefix(base).expect("under base");
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            out.push((rel, p.clone()));
        }
    }
}

/// The page's files (html, js, css; not tests or npm's files) and MapLibre.
fn embed_web(web: &Path, out: &Path) {
    for f in [
        "index.html",
        "app.js",
        "style.css",
        "js",
        "package-lock.json",
    ] {
        println!("cargo:rerun-if-changed={}", web.join(f).display());
    }
    println!("cargo:rerun-if-env-changed=CARECOVER_NO_NPM");
    println!("cargo:rerun-if-env-changed=CARECOVER_REQUIRE_MAPLIBRE");
    println!("cargo:rerun-if-env-changed=CARECOVER_NPM_TIMEOUT_SECS");
    let mut files = Vec::new();
    walk(web, web, &mut files);
    files.retain(|(rel, _)| {
        let top_level_page = !rel.contains('/')
            && (rel.ends_with(".html") || rel.ends_with(".js") || rel.ends_with(".css"));
        let module = rel.starts_with("js/") && rel.ends_with(".js");
        top_level_page || module
    });
    let mut src = file_table(
        "The widget's own files (path under `web/`, bytes).",
        "WEB_FILES",
        files,
    );
    match vendor(
        web,
        out,
        "maplibre-gl",
        &["maplibre-gl.js", "maplibre-gl.css"],
    ) {
        Ok((version, dist)) => {
            let js = dist.join("maplibre-gl.js");
            let css = dist.join("maplibre-gl.css");
            writeln!(
                src,
                "/// MapLibre GL JS {version} (js, css), from npm at build time.\n\
                 pub(crate) static MAPLIBRE: Result<(&str, &[u8], &[u8]), &str> = Ok(({version:?}, include_bytes!({:?}), include_bytes!({:?})));",
                js.display().to_string(),
                css.display().to_string()
            )
            .unwrap();
        }
        Err(why) => {
            // A release image must not ship a page without its map.
            if std::env::var("CARECOVER_REQUIRE_MAPLIBRE").as_deref() == Ok("1") {
                panic!("CARECOVER_REQUIRE_MAPLIBRE=1 and MapLibre GL JS is missing: {why}");
            }
            println!("cargo:warning=the map widget is built WITHOUT MapLibre GL JS: {why}");
            writeln!(
                src,
                "/// Why MapLibre GL JS is not in this binary.\n\
                 pub(crate) static MAPLIBRE: Result<(&str, &[u8], &[u8]), &str> = Err({why:?});"
            )
            .unwrap();
        }
    }
    // The PMTiles reader of the static map (`export --static`): its browser build (an IIFE
    // defining the global `pmtiles`), from the same lock file.
    match vendor(web, out, "pmtiles", &["pmtiles.js"]) {
        Ok((version, dist)) => {
            writeln!(
                src,
                "/// The pmtiles JS library {version} (browser build), from npm at build time.\n\
                 pub(crate) static PMTILES: Result<(&str, &[u8]), &str> = Ok(({version:?}, include_bytes!({:?})));",
                dist.join("pmtiles.js").display().to_string()
            )
            .unwrap();
        }
        Err(why) => {
            println!("cargo:warning=the static map export is built WITHOUT the pmtiles JS library: {why}");
            writeln!(
                src,
                "/// Why the pmtiles JS library is not in this binary.\n\
                 pub(crate) static PMTILES: Result<(&str, &[u8]), &str> = Err({why:?});"
            )
            .unwrap();
        }
    }
    std::fs::write(out.join("web_assets.rs"), src).expect("write web_assets.rs");
}

/// The version of the npm package `name` that `package-lock.json` pins and a folder holding
/// its `dist/` `files`, copied into `OUT_DIR/name` so that a later `npm ci` in `web/` cannot
/// change the files under a compile.
fn vendor(web: &Path, out: &Path, name: &str, files: &[&str]) -> Result<(String, PathBuf), String> {
    let lock_path = web.join("package-lock.json");
    let lock = std::fs::read_to_string(&lock_path)
        .map_err(|e| format!("cannot read {}: {e}", lock_path.display()))?;
    let version = locked_version(&lock, name)
        .ok_or_else(|| format!("{} does not pin {name}", lock_path.display()))?;
    let dest = out.join(name);
    // 1. A developer's `web/node_modules` at the pinned version.
    let dev = web.join("node_modules").join(name);
    if installed_version(&dev).as_deref() == Some(version.as_str()) && copy_dist(&dev, &dest, files)
    {
        return Ok((version, dest));
    }
    // 2. Our own install in OUT_DIR, reused while the lock file is unchanged.
    let npm_dir = out.join("npm");
    let stamp = npm_dir.join("carecover-lock.stamp");
    let ours = npm_dir.join("node_modules").join(name);
    let fresh = std::fs::read_to_string(&stamp).ok().as_deref() == Some(lock.as_str());
    if !(fresh && installed_version(&ours).as_deref() == Some(version.as_str())) {
        if std::env::var("CARECOVER_NO_NPM").as_deref() == Ok("1") {
            return Err("CARECOVER_NO_NPM=1 was set".into());
        }
        npm_ci(web, &npm_dir, &lock)?;
        std::fs::write(&stamp, &lock)
            .map_err(|e| format!("cannot write {}: {e}", stamp.display()))?;
    }
    match installed_version(&ours) {
        Some(v) if v == version && copy_dist(&ours, &dest, files) => Ok((version, dest)),
        other => Err(format!(
            "npm ci finished but node_modules/{name} is {other:?}, not {version}"
        )),
    }
}

/// `packages["node_modules/NAME"].version` of a lockfile v2/v3.
fn locked_version(lock: &str, name: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(lock).ok()?;
    v["packages"][format!("node_modules/{name}")]["version"]
        .as_str()
        .map(str::to_string)
}

fn installed_version(pkg: &Path) -> Option<String> {
    let text = std::fs::read_to_string(pkg.join("package.json")).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v["version"].as_str().map(str::to_string)
}

fn copy_dist(pkg: &Path, dest: &Path, files: &[&str]) -> bool {
    let _ = std::fs::create_dir_all(dest);
    files.iter().all(|f| {
        let from = pkg.join("dist").join(f);
        let to = dest.join(f);
        // Copy only when the bytes differ, so an unchanged file keeps its mtime and the crate
        // is not recompiled for nothing.
        match (std::fs::read(&from), std::fs::read(&to)) {
            (Ok(a), Ok(b)) if a == b => true,
            (Ok(a), _) => std::fs::write(&to, a).is_ok(),
            _ => false,
        }
    })
}

/// `npm ci --omit=dev --ignore-scripts` of `web/`'s package files in `dir`, killed after the
/// time limit.
fn npm_ci(web: &Path, dir: &Path, lock: &str) -> Result<(), String> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    std::fs::copy(web.join("package.json"), dir.join("package.json"))
        .map_err(|e| format!("cannot copy web/package.json: {e}"))?;
    std::fs::write(dir.join("package-lock.json"), lock)
        .map_err(|e| format!("cannot write package-lock.json: {e}"))?;
    let limit = std::env::var("CARECOVER_NPM_TIMEOUT_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300u64);
    let log = dir.join("npm.log");
    let log_file =
        std::fs::File::create(&log).map_err(|e| format!("cannot create npm.log: {e}"))?;
    let mut child = Command::new("npm")
        .args([
            "ci",
            "--omit=dev",
            "--ignore-scripts",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
        ])
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(log_file.try_clone().map_err(|e| e.to_string())?)
        .stderr(log_file)
        .spawn()
        .map_err(|e| {
            format!("cannot run npm ({e}); install Node.js and npm, then rebuild (cargo build)")
        })?;
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => {
                let tail = std::fs::read_to_string(&log).unwrap_or_default();
                let tail: String = tail.lines().rev().take(3).collect::<Vec<_>>().join(" | ");
                return Err(format!(
                    "npm ci failed ({status}): {tail} — is the npm registry reachable? rebuild once it is"
                ));
            }
            Ok(None) if start.elapsed() > Duration::from_secs(limit) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "npm ci took longer than {limit} s (CARECOVER_NPM_TIMEOUT_SECS) and was stopped"
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(200)),
            Err(e) => return Err(format!("waiting for npm: {e}")),
        }
    }
}
