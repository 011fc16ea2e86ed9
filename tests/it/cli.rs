//! The binary as a subprocess, on the real data.

use crate::common;

use std::process::Command;

#[test]
fn check_prints_per_region_counts_matching_the_data() {
    let out = common::run_bin(&["check"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    let total = stdout.lines().find(|l| l.contains("熊本県 total")).unwrap();
    let nums: Vec<usize> = total
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    // 在宅療養支援診療所, 在宅療養支援病院, 緩和ケア病棟 prefecture-wide.
    assert_eq!(&nums[..3], &[240, 62, 15], "{total}");
    for region in [
        "熊本・上益城",
        "宇城",
        "有明",
        "鹿本",
        "菊池",
        "阿蘇",
        "八代",
        "芦北",
        "球磨",
        "天草",
    ] {
        assert!(stdout.contains(region), "{region}");
    }
    assert!(stdout.contains("0 error(s), 4 warning(s)"), "{stdout}");
}

#[test]
fn nearest_json_lists_k_providers_sorted() {
    let out = common::run_bin(&[
        "nearest",
        "--lat",
        "32.8032",
        "--lon",
        "130.7079",
        "-k",
        "5",
        "--kind",
        "home_care_support_clinic",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let d: Vec<f64> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["distance_km"].as_f64().unwrap())
        .collect();
    assert_eq!(d.len(), 5);
    assert!(d.windows(2).all(|w| w[0] <= w[1]));
    // Scripts see the API's shape: the same body as GET /api/nearest for the same point.
    let api = tokio::runtime::Runtime::new().unwrap().block_on(async {
        common::get_json(
            &common::router(),
            "/api/nearest?lat=32.8032&lon=130.7079&k=5&kind=home_care_support_clinic",
        )
        .await
        .1
    });
    assert_eq!(v, api);
    // The 16 km rule's three states and its exception come with the answer.
    assert_eq!(v["rule_16km"]["patient_point"], "exact");
    // A clinic a few km from the station, from an exact point: plainly within 16 km.
    assert!(d[0] < 15.0, "{d:?}");
    assert_eq!(v["results"][0]["visit_16km"], "within", "{v}");
}

#[test]
fn nearest_rejects_an_unknown_kind_and_a_bad_k() {
    let out = common::run_bin(&[
        "nearest", "--lat", "32.8", "--lon", "130.7", "--kind", "hospice",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("hospice"));
    let out = common::run_bin(&["nearest", "--lat", "32.8", "--lon", "130.7", "-k", "0"]);
    assert!(!out.status.success());
    let out = common::run_bin(&["nearest", "--lat", "95", "--lon", "130.7"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("latitude"));
}

#[test]
fn geocode_prints_the_town() {
    let out = common::run_bin(&["geocode", "熊本市中央区水前寺６丁目１８－１"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("水前寺六丁目"), "{stdout}");
}

#[test]
fn a_missing_data_folder_is_a_clear_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_carecover"))
        .args([
            "nearest",
            "--lat",
            "32.8",
            "--lon",
            "130.7",
            "--data",
            "/nonexistent/geodata",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("/nonexistent/geodata"), "{stderr}");
}

#[test]
fn coverage_prints_the_area_covered_by_road_per_region() {
    let out = common::run_bin(&["coverage"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let at = text
        .find("coverage by road: home_care providers, 16 road-km + 1000 m buffer")
        .unwrap_or_else(|| panic!("no road table in:\n{text}"));
    let rows: Vec<&str> = text[at..].lines().skip(2).take(10).collect();
    assert_eq!(rows.len(), 10);
    for row in &rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        let id: u8 = cols[0].parse().unwrap();
        if row.contains("not reached") {
            assert_eq!(cols[3], "-", "{row}");
        } else {
            let pct: f64 = cols[3].parse().unwrap_or_else(|_| panic!("{row}"));
            assert!(pct > 0.0 && pct <= 100.0, "{row}");
        }
        assert!((1..=10).contains(&id));
    }
    assert!(rows
        .iter()
        .any(|r| r.starts_with("6 ") && r.contains("not reached")));
}
