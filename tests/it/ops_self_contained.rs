//! The project needs nothing outside its own folder: no source, test, bench, script, widget
//! file or doc names the sibling folder that new source data arrives in (the data is in
//! `geodata/`, built into the binary).

use std::path::Path;

fn scan(dir: &Path, needle: &str, hits: &mut Vec<String>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if p.is_dir() {
            if !["target", "node_modules", ".git", "corpus", "artifacts"].contains(&name.as_str()) {
                scan(&p, needle, hits);
            }
            continue;
        }
        let text_like = [
            ".rs", ".md", ".toml", ".sh", ".js", ".mjs", ".json", ".py", ".lua", ".html", "run",
        ]
        .iter()
        .any(|ext| name.ends_with(ext));
        if text_like {
            if let Ok(text) = std::fs::read_to_string(&p) {
                for (i, line) in text.lines().enumerate() {
                    if line.contains(needle) {
                        hits.push(format!("{}:{}: {}", p.display(), i + 1, line.trim()));
                    }
                }
            }
        }
    }
}

#[test]
fn nothing_in_the_repository_reads_the_shared_folder() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // Built so that this file does not match itself.
    let needle = format!("../{}", "shared");
    let mut hits = Vec::new();
    scan(root, &needle, &mut hits);
    assert!(
        hits.is_empty(),
        "references outside the repository:\n{}",
        hits.join("\n")
    );
}
