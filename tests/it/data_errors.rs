//! Bad input files give errors naming file, row/feature and field, and `carecover check`
//! lists them and exits non-zero. Each test copies the real data into a temporary folder and
//! breaks one thing.

use crate::common;

use carecover::data::{Dataset, Manifest, Severity};
use std::path::{Path, PathBuf};

const PROVIDERS: &str = "kumamoto_medical_institutions_kouseikyoku_2025-10.csv";
const REGIONS: &str = "kumamoto_medical_regions.geojson";
const TOWNS: &str = "addresses/kumamoto_towns.csv";

/// A scratch copy of the data folder (removed on drop).
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("carecover-test-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let src = common::data_dir();
        let m = Manifest::builtin().unwrap();
        for f in m.files() {
            let to = dir.join(f);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(src.join(f), &to).unwrap();
        }
        Scratch(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn edit(&self, file: &str, f: impl FnOnce(String) -> String) {
        let p = self.0.join(file);
        let text = std::fs::read_to_string(&p).unwrap();
        std::fs::write(&p, f(text)).unwrap();
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Replaces field `col` of data row `row` (1-based) of a CSV (simple CSV: the provider file
/// has no quoted commas in the columns we edit).
fn set_csv_field(text: String, row: usize, col: &str, value: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let idx = lines[0].split(',').position(|h| h == col).unwrap();
    let mut fields: Vec<String> = lines[row].split(',').map(String::from).collect();
    fields[idx] = value.to_string();
    lines[row] = fields.join(",");
    lines.join("\n") + "\n"
}

fn errors_of(dir: &Path) -> Vec<String> {
    let err = Dataset::load(dir, &Manifest::builtin().unwrap()).expect_err("load must fail");
    err.issues
        .iter()
        .filter(|i| i.severity == Severity::Error)
        .map(|i| i.to_string())
        .collect()
}

#[test]
fn a_non_numeric_latitude_names_file_row_and_field() {
    let s = Scratch::new("lat");
    s.edit(PROVIDERS, |t| set_csv_field(t, 3, "lat", "abc"));
    let errs = errors_of(s.path());
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].contains(PROVIDERS) && errs[0].contains("row 3") && errs[0].contains("field lat"),
        "{errs:?}"
    );
}

#[test]
fn an_out_of_range_or_non_finite_coordinate_is_an_error() {
    let s = Scratch::new("range");
    s.edit(PROVIDERS, |t| {
        set_csv_field(set_csv_field(t, 5, "lon", "230.5"), 6, "lat", "NaN")
    });
    let errs = errors_of(s.path());
    assert!(
        errs.iter()
            .any(|e| e.contains("row 5") && e.contains("field lon")),
        "{errs:?}"
    );
    assert!(
        errs.iter()
            .any(|e| e.contains("row 6") && e.contains("field lat")),
        "{errs:?}"
    );
}

#[test]
fn a_provider_outside_every_region_is_an_error() {
    let s = Scratch::new("outside");
    // Tokyo.
    s.edit(PROVIDERS, |t| {
        set_csv_field(set_csv_field(t, 2, "lat", "35.68"), 2, "lon", "139.76")
    });
    let errs = errors_of(s.path());
    assert!(
        errs.iter()
            .any(|e| e.contains("row 2") && e.contains("outside every medical region")),
        "{errs:?}"
    );
}

#[test]
fn a_duplicate_id_is_an_error() {
    let s = Scratch::new("dup");
    s.edit(PROVIDERS, |t| {
        let first = t
            .lines()
            .nth(1)
            .unwrap()
            .split(',')
            .next()
            .unwrap()
            .to_string();
        set_csv_field(t, 10, "inst_code", &first)
    });
    let errs = errors_of(s.path());
    assert!(
        errs.iter()
            .any(|e| e.contains("row 10") && e.contains("duplicate id")),
        "{errs:?}"
    );
}

#[test]
fn an_unknown_kind_column_is_an_error() {
    let s = Scratch::new("col");
    s.edit(PROVIDERS, |t| {
        t.replacen("home_backup_hospital", "home_hospice", 1)
    });
    let errs = errors_of(s.path());
    assert!(
        errs.iter()
            .any(|e| e.contains("header") && e.contains("home_hospice")),
        "{errs:?}"
    );
}

#[test]
fn a_bad_boolean_flag_is_an_error() {
    let s = Scratch::new("bool");
    s.edit(PROVIDERS, |t| {
        set_csv_field(t, 4, "palliative_care_ward", "maybe")
    });
    let errs = errors_of(s.path());
    assert!(
        errs.iter()
            .any(|e| e.contains("row 4") && e.contains("field palliative_care_ward")),
        "{errs:?}"
    );
}

#[test]
fn an_invalid_polygon_is_an_error_naming_the_feature() {
    let s = Scratch::new("poly");
    // A bow-tie (self-intersecting) first region.
    s.edit(REGIONS, |t| {
        let mut v: serde_json::Value = serde_json::from_str(&t).unwrap();
        v["features"][0]["geometry"] = serde_json::json!({
            "type": "Polygon",
            "coordinates": [[[130.0, 32.0], [131.0, 33.0], [131.0, 32.0], [130.0, 33.0], [130.0, 32.0]]]
        });
        v.to_string()
    });
    let errs = errors_of(s.path());
    assert!(
        errs.iter().any(|e| e.contains(REGIONS)
            && e.contains("feature 0")
            && e.contains("invalid polygon")),
        "{errs:?}"
    );
}

#[test]
fn a_missing_file_is_an_error_naming_it() {
    let s = Scratch::new("missing");
    std::fs::remove_file(s.path().join(TOWNS)).unwrap();
    let errs = errors_of(s.path());
    assert!(
        errs.iter()
            .any(|e| e.contains(TOWNS) && e.contains("cannot read")),
        "{errs:?}"
    );
}

#[test]
fn every_problem_is_listed_not_just_the_first() {
    let s = Scratch::new("many");
    s.edit(PROVIDERS, |t| {
        set_csv_field(set_csv_field(t, 7, "lat", "x"), 8, "lon", "y")
    });
    s.edit(TOWNS, |t| set_csv_field(t, 20, "lat", "north"));
    let errs = errors_of(s.path());
    assert_eq!(errs.len(), 3, "{errs:?}");
}

#[test]
fn check_lists_problems_and_exits_non_zero() {
    let s = Scratch::new("cli");
    s.edit(PROVIDERS, |t| set_csv_field(t, 3, "lat", "abc"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_carecover"))
        .args(["check", "--data"])
        .arg(s.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("row 3: field lat"), "{stdout}");
    assert!(stdout.contains("1 error(s)"), "{stdout}");
}

#[test]
fn a_resource_row_listed_in_two_resource_files_is_an_error_naming_the_second() {
    let data = common::ResourceData::new("dup-resource");
    // The same list again under another name, listed after the first.
    let copy = "resources/copy_of_test_resources.csv";
    std::fs::copy(&data.resources, data.dir.join(copy)).unwrap();
    let mut manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&data.manifest).unwrap()).unwrap();
    manifest["resources"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"file": copy, "source": common::RESOURCE_SOURCE}));
    std::fs::write(&data.manifest, manifest.to_string()).unwrap();
    let err = Dataset::load(data.dir.as_path(), &data.load_manifest())
        .expect_err("a row in two lists must fail");
    let errors: Vec<String> = err
        .issues
        .iter()
        .filter(|i| i.severity == Severity::Error)
        .map(|i| i.to_string())
        .collect();
    assert!(!errors.is_empty());
    assert!(
        errors
            .iter()
            .all(|e| e.contains(copy) && e.contains("is listed in another resource file too")),
        "{errors:#?}"
    );
    // Every row of the copy that the first list placed is named, and none of the first's.
    let placed = Dataset::load(data.dir.as_path(), &{
        let mut m = data.load_manifest();
        m.resources.truncate(1);
        m
    })
    .unwrap()
    .providers
    .iter()
    .filter(|p| p.facility_type == carecover::data::FacilityType::Resource)
    .count();
    assert_eq!(errors.len(), placed, "{errors:#?}");
}
