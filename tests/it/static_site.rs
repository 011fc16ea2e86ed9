//! `carecover export --static DIR`: the public map as a static folder. The option checks run
//! the binary; the folder's planner files are compared with the router's answers in-process;
//! and the browser test (ignored by default: it needs nginx, Chromium, Node.js and
//! `web/node_modules`) serves the folder with Debian's nginx under a path prefix and checks
//! it in headless Chromium (`web/tests/static.mjs`). Run without those tools, the browser test
//! fails naming the missing one.

use crate::common;
use carecover::app::rules::Preset;
use carecover::app::static_site::{self, StaticOptions};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A temporary folder, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("carecover-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `carecover export --static DIR ARGS…` on the built-in data.
fn export_static(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_carecover"))
        .args(["export", "--static"])
        .arg(dir)
        .args(args)
        .env_remove("CARECOVER_DATA")
        .env_remove("CARECOVER_MANIFEST")
        .output()
        .unwrap()
}

#[test]
fn an_unknown_preset_is_refused_naming_it_and_nothing_is_written() {
    let tmp = TempDir::new("static-bad-preset");
    let o = export_static(&tmp.0, &["--preset", "home_care,hospice"]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("unknown preset \"hospice\"") && err.contains("pediatric_home"),
        "{err}"
    );
    assert!(!tmp.0.exists(), "nothing written for a refused export");
}

/// `--layers` with `--static`: the archive and tiles.json hold only the named layers; an
/// unknown name is refused naming it and the layers, before anything is written.
#[test]
fn a_static_map_of_some_layers_holds_only_those_and_an_unknown_layer_writes_nothing() {
    let tmp = TempDir::new("static-layers");
    let snap = common::snapshot();
    let widget = carecover::server::builtin_site_files().expect("the widget is built in");
    let mut opts = StaticOptions {
        presets: vec![Preset::HomeCare],
        minzoom: 5,
        maxzoom: 6,
        api: None,
        layers: vec!["providers".into(), "hospices".into()],
        widget: &widget,
    };
    let err = static_site::write_site(&snap, &tmp.0, &opts, &|_, _| {})
        .unwrap_err()
        .to_string();
    assert!(err.contains("hospices") && err.contains("regions"), "{err}");
    assert!(!tmp.0.exists(), "nothing written for a refused export");

    opts.layers = vec!["providers".into(), "regions".into()];
    let report = static_site::write_site(&snap, &tmp.0, &opts, &|_, _| {}).unwrap();
    assert!(report.tiles.tiles_written > 0, "{report:?}");
    let tj: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tmp.0.join("tiles.json")).unwrap()).unwrap();
    let ids: Vec<&str> = tj["vector_layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["regions", "providers"], "the set's draw order");
}

#[test]
fn a_bad_api_url_is_refused_naming_it() {
    let tmp = TempDir::new("static-bad-api");
    let o = export_static(&tmp.0, &["--api-url", "api.example.org"]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--api-url \"api.example.org\"") && err.contains("https://"),
        "{err}"
    );
    assert!(!tmp.0.exists());
}

#[test]
fn preset_and_api_url_need_static() {
    for args in [
        ["export", "--preset", "home_care"],
        ["export", "--api-url", "https://a.example"],
    ] {
        let o = common::run_bin(&args);
        assert!(!o.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("--static"), "{args:?}: {err}");
    }
}

/// The folder's planner files are the router's answers byte for byte, its archive holds the
/// chosen preset's coverage only, and every file the page names is there.
#[tokio::test]
async fn the_folder_holds_the_api_answers_of_the_chosen_presets() {
    let tmp = TempDir::new("static-inprocess");
    let snap = common::snapshot();
    let widget = carecover::server::builtin_site_files().expect("the widget is built in");
    let opts = StaticOptions {
        presets: vec![Preset::PediatricHome],
        minzoom: 5,
        maxzoom: 6,
        api: None,
        layers: vec![],
        widget: &widget,
    };
    let report = static_site::write_site(&snap, &tmp.0, &opts, &|_, _| {}).unwrap();
    assert!(
        report.tiles.tiles_written > 0 && report.json_files > 10,
        "{report:?}"
    );
    let dir = &tmp.0;
    let read = |rel: &str| {
        std::fs::read(dir.join(rel)).unwrap_or_else(|e| panic!("{rel} is missing: {e}"))
    };

    let config: serde_json::Value = serde_json::from_slice(&read("static.json")).unwrap();
    assert_eq!(config["mode"], "static");
    assert_eq!(config["presets"], serde_json::json!(["pediatric_home"]));
    assert_eq!(config["data_version"], snap.version());
    assert!(config["api"].is_null());
    let years: Vec<u64> = config["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y.as_u64().unwrap())
        .collect();
    assert!(years.len() > 1 && years[0] == config["base_year"].as_u64().unwrap());

    let router = common::shared_router();
    let mut pairs = vec![("data/kinds.json".to_string(), "/api/v1/kinds".to_string())];
    let p = "pediatric_home";
    pairs.push((
        format!("data/{p}/coverage.json"),
        format!("/api/v1/coverage?preset={p}"),
    ));
    pairs.push((
        format!("data/{p}/uncovered_towns.json"),
        format!("/api/v1/uncovered_towns?preset={p}"),
    ));
    for y in [years[0], *years.last().unwrap()] {
        for (file, route) in [
            ("regions", "regions"),
            ("municipalities", "municipalities"),
            ("access", "access"),
            ("regions/9", "regions/9"),
        ] {
            pairs.push((
                format!("data/{p}/{y}/{file}.json"),
                format!("/api/v1/{route}?preset={p}&year={y}"),
            ));
        }
    }
    // The default year is the census year.
    pairs.push((
        format!("data/{p}/{}/regions.json", years[0]),
        format!("/api/v1/regions?preset={p}"),
    ));
    for (file, uri) in &pairs {
        let (status, _, body) = common::get(&router, uri).await;
        assert_eq!(status, 200, "{uri}");
        assert!(read(file) == body, "{file} differs from {uri}");
    }
    assert!(
        !dir.join("data/home_care").exists(),
        "a preset not asked for"
    );

    // The page: marked static, relative URLs only, its libraries and font beside it.
    let index = String::from_utf8(read("index.html")).unwrap();
    assert!(index.contains("<meta name=\"carecover-static\" content=\"static.json\">"));
    assert!(index.contains("connect-src 'self';"));
    for needle in ["src=\"/", "href=\"/"] {
        assert!(
            !index.contains(needle),
            "index.html has an absolute {needle}"
        );
    }
    for rel in [
        "app.js",
        "js/api.js",
        "style.css",
        "vendor/maplibre-gl.js",
        "vendor/maplibre-gl.css",
        "vendor/pmtiles.js",
        "fonts/ui.ttf",
        "fonts/BIZ UDPGothic Regular/0-255.pbf",
        "fonts/BIZ UDPGothic Regular/26368-26623.pbf",
        "tiles.json",
    ] {
        assert!(dir.join(rel).is_file(), "{rel} is missing");
    }
    let style: serde_json::Value = serde_json::from_slice(&read("style.json")).unwrap();
    assert_eq!(
        style["sources"]["carecover"]["url"],
        "pmtiles://kumamoto.pmtiles"
    );
    assert_eq!(style["glyphs"], "fonts/{fontstack}/{range}.pbf");

    // The archive: the served tiles, less the coverage of the presets left out.
    let archive = read(static_site::ARCHIVE);
    assert_eq!(&archive[..7], b"PMTiles");
    // Its coverage and gaps: the chosen preset's features only.
    let layers =
        carecover::app::layers::coverage_layers_of(&snap.coverage, &[Preset::PediatricHome])
            .unwrap();
    let sources: Vec<&dyn carecover::tiles::LayerSource> = layers
        .iter()
        .map(|l| l as &dyn carecover::tiles::LayerSource)
        .collect();
    let coord = carecover::tiles::TileCoord::new(5, 27, 12).unwrap();
    let tile = carecover::tiles::render_tile(coord, &sources).unwrap();
    let tile = String::from_utf8_lossy(&tile);
    assert!(tile.contains("pediatric_home") && !tile.contains("home_care"));
    let served = snap.tile(coord).unwrap();
    assert!(String::from_utf8_lossy(&served.raw).contains("home_care"));
}

#[test]
#[ignore = "needs nginx, Chromium, Node.js and web/node_modules (apt-get install nginx chromium; cd web && npm ci); run with --include-ignored (as .ci/run does)"]
fn the_static_folder_served_by_nginx_draws_the_map_with_the_live_figures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let nginx = std::env::var("NGINX").unwrap_or_else(|_| "/usr/sbin/nginx".into());
    assert!(
        Path::new(&nginx).is_file(),
        "the static map test needs nginx: none at {nginx} (apt-get install nginx, or set NGINX=path)"
    );
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).is_file(),
        "the static map test needs Chromium: none at {chromium} (apt-get install chromium, or set CHROMIUM=path)"
    );
    assert!(
        root.join("web/node_modules/playwright-core/package.json")
            .is_file(),
        "the static map test needs playwright-core: web/node_modules/playwright-core is missing (cd web && npm ci)"
    );
    let tmp = TempDir::new("static-nginx");
    // Two presets of four, the zooms the first view needs and a few more (MapLibre overzooms).
    let o = export_static(
        &tmp.0,
        &[
            "--preset",
            "home_care,pediatric_home",
            "--minzoom",
            "5",
            "--maxzoom",
            "11",
        ],
    );
    assert!(
        o.status.success(),
        "export --static: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let status = Command::new("node")
        .args(["--test", "--test-reporter=spec", "web/tests/static.mjs"])
        .current_dir(root)
        .env("CARECOVER_BIN", env!("CARGO_BIN_EXE_carecover"))
        .env("STATIC_DIR", &tmp.0)
        .env("NGINX", &nginx)
        .env("CHROMIUM", &chromium)
        .status()
        .unwrap_or_else(|e| {
            panic!("the static map test needs Node.js: cannot run node ({e}); install Node.js")
        });
    assert!(status.success(), "web/tests/static.mjs failed: {status}");
}
