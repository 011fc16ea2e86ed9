//! The map widget in a real browser: runs `node --test web/tests/browser.mjs` against this
//! package's binary (which carries the widget, MapLibre and the data). Ignored by default
//! because it needs Chromium, Node.js and `web/node_modules` (`cd web && npm ci`); run it with
//! `cargo test --test it -- --include-ignored browser` (CI runs every ignored test). Run
//! without those tools, it fails naming the missing one: it never passes without a browser.

use std::path::Path;
use std::process::Command;

const CHROMIUM: &str = "/usr/bin/chromium";

#[test]
#[ignore = "needs Chromium, Node.js and web/node_modules (cd web && npm ci); run with --include-ignored (as .ci/run does)"]
fn the_widget_works_in_headless_chromium() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| CHROMIUM.into());
    assert!(
        Path::new(&chromium).is_file(),
        "the browser test needs Chromium: none at {chromium} (apt-get install chromium, or set CHROMIUM=path)"
    );
    // The page and MapLibre come from the binary; the test driver needs playwright-core.
    assert!(
        root.join("web/node_modules/playwright-core/package.json")
            .is_file(),
        "the browser test needs playwright-core: web/node_modules/playwright-core is missing (cd web && npm ci)"
    );
    // The style test validates /style.json with the style specification's own validator.
    assert!(
        root.join("web/node_modules/@maplibre/maplibre-gl-style-spec/package.json")
            .is_file(),
        "the browser test needs the style-spec validator: web/node_modules/@maplibre/maplibre-gl-style-spec is missing (cd web && npm ci)"
    );
    // The binary cargo built for this test run, unless the caller names another.
    let bin = std::env::var("CARECOVER_BIN")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_carecover").to_string());
    // A data folder with a local resource list, for the resource test (served with --data and
    // --manifest); removed when this test ends.
    let resources = crate::common::ResourceData::new("browser");
    let status = Command::new("node")
        .args(["--test", "--test-reporter=spec", "web/tests/browser.mjs"])
        .current_dir(root)
        .env("CARECOVER_BIN", &bin)
        .env("CARECOVER_RESOURCE_DATA", &resources.dir)
        .status()
        .unwrap_or_else(|e| {
            panic!("the browser test needs Node.js: cannot run node ({e}); install Node.js")
        });
    assert!(status.success(), "web/tests/browser.mjs failed: {status}");
}
