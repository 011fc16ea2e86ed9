//! Replays the committed fuzz corpus (`fuzz/corpus/<target>/*`) through the same bodies the
//! libFuzzer targets run, so plain `cargo test` on stable guards against regressions on every
//! input that once mattered (add a crashing input there once it is fixed).

#[path = "../../fuzz/bodies.rs"]
mod bodies;

use std::path::Path;

#[test]
fn every_fuzz_target_has_a_corpus_and_replays_it_cleanly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    for (name, body) in bodies::TARGETS {
        let dir = root.join(name);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        assert!(!files.is_empty(), "no corpus for {name}");
        for f in files {
            let data = std::fs::read(&f).unwrap();
            let r = std::panic::catch_unwind(|| body(&data));
            assert!(r.is_ok(), "{name}: {} fails", f.display());
        }
    }
    // Every corpus folder belongs to a target (a typo would silently replay nothing).
    for e in std::fs::read_dir(&root).unwrap() {
        let n = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            bodies::TARGETS.iter().any(|(t, _)| *t == n),
            "corpus/{n} has no target"
        );
    }
}

#[test]
fn the_fuzz_targets_and_bodies_agree() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/fuzz_targets");
    for (name, _) in bodies::TARGETS {
        let src = std::fs::read_to_string(dir.join(format!("{name}.rs"))).unwrap();
        assert!(src.contains(&format!("bodies::{name}(data)")), "{name}.rs");
    }
}

/// Found by the seeded stress run: geojson 1.0 panics converting `[130.69]` (one number).
#[test]
fn a_geojson_position_with_one_number_is_a_data_issue_not_a_panic() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/polygon_geojson/short_position");
    let text = std::fs::read_to_string(path).unwrap();
    let (features, issues) = carecover::data::check_polygon_geojson(&text);
    assert_eq!(features, 0);
    assert!(
        issues
            .iter()
            .any(|i| i.field == "geometry" && i.message.contains("fewer than two")),
        "{issues:?}"
    );
}
