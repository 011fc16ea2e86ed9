//! The map widget in a real browser: runs `node --test web/tests/browser.mjs` against this
//! package's binary (which carries the widget, MapLibre and the data) when
//! `CARECOVER_BROWSER=1` (CI sets it). Then a missing Chromium, node, playwright-core or the
//! style-spec validator
//! (`cd web && npm ci`) is a failure, not a skip; without the variable the test only says how to
//! run it, so `cargo test` needs no browser on a developer's machine.

use std::path::Path;
use std::process::Command;

const CHROMIUM: &str = "/usr/bin/chromium";

#[test]
fn the_widget_works_in_headless_chromium() {
    if std::env::var("CARECOVER_BROWSER").as_deref() != Ok("1") {
        eprintln!(
            "browser test skipped: set CARECOVER_BROWSER=1 (needs {CHROMIUM}, node and \
             `cd web && npm ci`)"
        );
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| CHROMIUM.into());
    assert!(
        Path::new(&chromium).is_file(),
        "CARECOVER_BROWSER=1 but there is no Chromium at {chromium} (apt-get install chromium)"
    );
    // The page and MapLibre come from the binary; the test driver needs playwright-core.
    assert!(
        root.join("web/node_modules/playwright-core/package.json")
            .is_file(),
        "CARECOVER_BROWSER=1 but web/node_modules/playwright-core is missing (cd web && npm ci)"
    );
    // The style test validates /style.json with the style specification's own validator.
    assert!(
        root.join("web/node_modules/@maplibre/maplibre-gl-style-spec/package.json")
            .is_file(),
        "CARECOVER_BROWSER=1 but web/node_modules/@maplibre/maplibre-gl-style-spec is missing (cd web && npm ci)"
    );
    // The binary cargo built for this test run, unless the caller names another.
    let bin = std::env::var("CARECOVER_BIN")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_carecover").to_string());
    let status = Command::new("node")
        .args(["--test", "--test-reporter=spec", "web/tests/browser.mjs"])
        .current_dir(root)
        .env("CARECOVER_BIN", &bin)
        .status()
        .unwrap_or_else(|e| panic!("cannot run node (is Node.js installed?): {e}"));
    assert!(status.success(), "web/tests/browser.mjs failed: {status}");
}
