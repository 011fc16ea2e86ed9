//! `carecover import` on real public lists that have coordinates (熊本市's pharmacies and
//! hospitals, `tests/fixtures/README.md`): the coordinates are stripped, the rows placed by
//! carecover's own geocoder, and each point compared with the listed one. The listed points
//! were placed against the same Geolonia town table, so this measures agreement, not
//! accuracy. Then a Shift_JIS file with a broken row and a row in 福岡県, the checked file
//! served through a manifest's `resources`, and the command's exit codes.

use crate::common;

use carecover::app::resource_import::{
    import_resources, ImportOptions, ImportReport, Imported, TextEncoding,
};
use carecover::data::{DataFiles, Dataset, FacilityType, Manifest, ProviderKind};
use carecover::geocode::Gazetteer;
use carecover::geom::{geodesic_distance_m, LonLat};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn gazetteer() -> &'static Gazetteer {
    static G: OnceLock<Gazetteer> = OnceLock::new();
    G.get_or_init(|| Gazetteer::from_dataset(&common::dataset()).expect("gazetteer"))
}

fn import(bytes: &[u8], name: &str, kind: Option<ProviderKind>) -> Imported {
    let opts = ImportOptions {
        kind,
        encoding: TextEncoding::Auto,
    };
    import_resources(bytes, name, &opts, &common::dataset(), gazetteer())
}

/// The fixture's rows and its text without the columns `drop`.
fn strip(fixture: &str, drop: &[&str]) -> (Vec<csv::StringRecord>, csv::StringRecord, Vec<u8>) {
    let mut rdr = csv::Reader::from_path(common::fixture(fixture)).unwrap();
    let headers = rdr.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    let keep: Vec<usize> = (0..headers.len())
        .filter(|&i| !drop.contains(&&headers[i]))
        .collect();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(keep.iter().map(|&i| &headers[i])).unwrap();
    for r in &rows {
        w.write_record(keep.iter().map(|&i| &r[i])).unwrap();
    }
    (rows, headers, w.into_inner().unwrap())
}

/// Per level: rows, and how many lie at the listed point (< 1 m), within 500 m and 2 km.
#[derive(Debug, Default, Clone, Copy)]
struct Agreement {
    n: usize,
    same: usize,
    m500: usize,
    km2: usize,
}

fn agreement(fixture: &str, kind: ProviderKind) -> (ImportReport, Vec<(String, Agreement)>) {
    let (rows, headers, text) = strip(fixture, &["lat", "lon", "geocode_level"]);
    let im = import(&text, fixture, Some(kind));
    assert!(im.report.errors.is_empty(), "{:?}", im.report.errors);
    assert_eq!(im.report.rows, rows.len());
    let checked = im.checked_csv.clone().expect("checked file");
    let mut rdr = csv::Reader::from_reader(checked.as_slice());
    let h = rdr.headers().unwrap().clone();
    let col = |hs: &csv::StringRecord, name: &str| hs.iter().position(|x| x == name).unwrap();
    let (lat, lon, level) = (col(&h, "lat"), col(&h, "lon"), col(&h, "level"));
    let (lat0, lon0) = (col(&headers, "lat"), col(&headers, "lon"));
    let out: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(out.len(), rows.len(), "every row is in the checked file");
    let mut by_level: Vec<(String, Agreement)> = Vec::new();
    let mut all = Agreement::default();
    for (listed, got) in rows.iter().zip(&out) {
        let lv = got[level].to_string();
        if lv == "unplaced" {
            continue;
        }
        let p = |r: &csv::StringRecord, la: usize, lo: usize| {
            LonLat::new(r[lo].parse().unwrap(), r[la].parse().unwrap()).unwrap()
        };
        let d = geodesic_distance_m(p(listed, lat0, lon0), p(got, lat, lon));
        let i = match by_level.iter().position(|(l, _)| *l == lv) {
            Some(i) => i,
            None => {
                by_level.push((lv, Agreement::default()));
                by_level.len() - 1
            }
        };
        for a in [&mut by_level[i].1, &mut all] {
            a.n += 1;
            a.same += usize::from(d < 1.0);
            a.m500 += usize::from(d <= 500.0);
            a.km2 += usize::from(d <= 2000.0);
        }
    }
    by_level.push(("all placed".into(), all));
    println!(
        "\n{fixture} ({} rows, town-level share {:.1} %, not placed {})",
        rows.len(),
        100.0 * im.report.town_share(),
        im.report.not_placed.len()
    );
    println!(
        "  {:<13}{:>5}{:>16}{:>16}{:>16}",
        "level", "rows", "same point", "≤ 500 m", "≤ 2 km"
    );
    let pct = |k: usize, n: usize| format!("{k} ({:.1} %)", 100.0 * k as f64 / n.max(1) as f64);
    for (l, a) in &by_level {
        println!(
            "  {l:<13}{:>5}{:>16}{:>16}{:>16}",
            a.n,
            pct(a.same, a.n),
            pct(a.m500, a.n),
            pct(a.km2, a.n)
        );
    }
    (im.report, by_level)
}

fn share(a: &Agreement, k: usize) -> f64 {
    k as f64 / a.n.max(1) as f64
}

#[test]
fn kumamoto_city_pharmacies_agree_with_their_listed_points() {
    let (report, table) = agreement(
        "kumamoto_city_pharmacies_geocoded.csv",
        ProviderKind::Pharmacy,
    );
    // Measured (2026-12): 400 of 400 at town level, every one at the listed point.
    assert!(report.town_share() >= 0.95, "{}", report.town_share());
    assert!(report.placed.town >= 398, "{:?}", report.placed);
    let all = &table.last().unwrap().1;
    assert_eq!(all.n, 400);
    assert!(share(all, all.m500) >= 0.995, "{all:?}");
    assert!(share(all, all.km2) >= 0.995, "{all:?}");
    assert!(share(all, all.same) >= 0.98, "{all:?}");
    assert_eq!(report.kinds.get("pharmacy"), Some(&400));
}

#[test]
fn kumamoto_city_hospitals_agree_with_their_listed_points() {
    // Their kind column says hospital, which is no resource kind: imported as `other`.
    let (report, table) = agreement(
        "kumamoto_city_hospitals_geocoded.csv",
        ProviderKind::OtherResource,
    );
    // Measured (2026-12): 90 of 90 at town level, every one at the listed point.
    assert!(report.town_share() >= 0.95, "{}", report.town_share());
    let all = &table.last().unwrap().1;
    assert_eq!(all.n, 90);
    assert!(all.m500 >= 89 && all.km2 >= 89, "{all:?}");
    assert!(all.same >= 88, "{all:?}");
    assert_eq!(report.kinds.get("other"), Some(&90));
}

#[test]
fn a_shift_jis_file_names_exactly_its_broken_row_and_its_row_outside_kumamoto() {
    let sjis = |s: &str| encoding_rs::SHIFT_JIS.encode(s).0.into_owned();
    let mut bytes = sjis(
        "名称,住所,電話番号\n\
         ①髙橋薬局,熊本市中央区下通1丁目6-13,096-000-0000\n",
    );
    // Row 2 (line 3): a lead byte cut off before a comma, as a truncated export leaves it.
    bytes.extend_from_slice(&sjis("壊れた薬局"));
    bytes.extend_from_slice(b"\x88,");
    bytes.extend_from_slice(&sjis("熊本市中央区上通町2-7,\n"));
    bytes.extend_from_slice(&sjis(
        "福岡の薬局,福岡県福岡市中央区天神1丁目1-1,\n\
         八代の薬局,八代市松江城町1-1,\n\
         菊陽の薬局,菊池郡菊陽町大字津久礼2384,\n",
    ));
    let im = import(&bytes, "sjis.csv", Some(ProviderKind::Pharmacy));
    let r = &im.report;
    assert_eq!(r.encoding, "shift_jis", "auto-detected");
    assert_eq!(r.rows, 5);
    let errors: Vec<(usize, &str, &str)> = r
        .errors
        .iter()
        .map(|e| (e.row, e.column.as_str(), e.message.as_str()))
        .collect();
    assert_eq!(
        errors,
        [
            (2, "", "line 3, byte 11: 0x88 is not shift_jis text"),
            (
                3,
                "住所",
                "the address is not in Kumamoto prefecture (not_in_kumamoto)"
            ),
        ]
    );
    assert_eq!(r.placed.town, 3, "{:?}", r.placed);
    assert!(r.not_placed.is_empty());
    assert!(im.checked_csv.is_none(), "no file while rows are malformed");

    // Without the two bad rows the same file is written, as UTF-8, CP932 characters kept.
    let mut good = sjis("名称,住所,電話番号\n①髙橋薬局,熊本市中央区下通1丁目6-13,096-000-0000\n");
    good.extend_from_slice(&sjis("八代の薬局,八代市松江城町1-1,\n"));
    let im = import(&good, "sjis.csv", Some(ProviderKind::Pharmacy));
    let out = String::from_utf8(im.checked_csv.unwrap()).unwrap();
    assert!(
        out.starts_with("名称,住所,電話番号,lat,lon,level,kind\n①髙橋薬局,"),
        "{out}"
    );
}

/// A scratch data folder with the layers the manifest below names (removed on drop).
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn scratch(name: &str) -> Scratch {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("import-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    Scratch(dir)
}

#[test]
fn the_checked_file_loads_through_a_manifest_and_is_served_as_pharmacies() {
    let (_, _, text) = strip(
        "kumamoto_city_pharmacies_geocoded.csv",
        &[
            "lat",
            "lon",
            "geocode_level",
            "id",
            "city_full",
            "matched_town",
        ],
    );
    let im = import(&text, "ph.csv", Some(ProviderKind::Pharmacy));
    let checked = im.checked_csv.expect("checked file");

    // The built-in manifest's layers (copied from the real data) plus one resource file.
    let s = scratch("manifest");
    let src = common::data_dir();
    let builtin = Manifest::builtin().unwrap();
    for f in builtin.files() {
        if f.starts_with("population/") || f.starts_with("roads/") {
            continue;
        }
        let to = s.0.join(f);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(src.join(f), &to).unwrap();
    }
    std::fs::create_dir_all(s.0.join("resources")).unwrap();
    std::fs::write(s.0.join("resources/pharmacies.csv"), &checked).unwrap();
    let mut m: serde_json::Value =
        serde_json::from_str(include_str!("../../geodata/manifest.json")).unwrap();
    let o = m.as_object_mut().unwrap();
    for k in [
        "population",
        "roads",
        "municipality_population",
        "municipality_age",
    ] {
        o.remove(k);
    }
    o.insert(
        "resources".into(),
        serde_json::json!([{"file": "resources/pharmacies.csv", "source": "test_list"}]),
    );
    o["sources"].as_object_mut().unwrap().insert(
        "test_list".into(),
        serde_json::json!({"name": "薬局一覧", "name_en": "pharmacies", "date": "2024-02-01",
                           "license": "CC BY 4.0", "credit": "test"}),
    );
    let manifest = Manifest::parse(&m.to_string(), "test manifest").unwrap();
    let ds =
        Dataset::load(DataFiles::Folder(s.0.clone()), &manifest).unwrap_or_else(|e| panic!("{e}"));
    let pharmacies: Vec<String> = ds
        .providers
        .iter()
        .filter(|p| p.kinds.contains(ProviderKind::Pharmacy))
        .map(|p| {
            assert_eq!(p.facility_type, FacilityType::Resource);
            assert_eq!(p.source_date, "2024-02-01");
            p.name.clone()
        })
        .collect();
    assert_eq!(pharmacies.len(), 400);
    let snap = carecover::app::Snapshot::build(std::sync::Arc::new(ds)).expect("snapshot");
    let router = carecover::server::app(carecover::server::AppState::new(snap));
    let (status, v) = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(common::get_json(
            &router,
            "/api/nearest?lat=32.80&lon=130.71&kind=pharmacy&k=3",
        ));
    assert_eq!(status, 200, "{v}");
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), 3, "{v}");
    for r in results {
        let name = r["name"].as_str().unwrap();
        assert!(pharmacies.iter().any(|p| p == name), "{name}");
    }
}

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn the_import_command_exits_0_on_a_clean_file_and_1_on_malformed_rows_or_no_file() {
    let s = scratch("cli");
    let good = s.0.join("good.csv");
    let out = s.0.join("good.out.csv");
    let report = s.0.join("good.report.json");
    std::fs::write(
        &good,
        "name,address,phone\nA薬局,熊本市中央区下通1丁目6-13,\nB薬局,どこにもない町,\n",
    )
    .unwrap();
    let o = common::run_bin(&[
        "import",
        path_str(&good),
        "--kind",
        "pharmacy",
        "-o",
        path_str(&out),
        "--report",
        path_str(&report),
    ]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(stdout.contains("row     2  B薬局  (no_match)"), "{stdout}");
    let written = std::fs::read_to_string(&out).unwrap();
    assert_eq!(written.lines().count(), 3, "{written}");
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(r["placed"]["town"], 1);
    assert_eq!(r["not_placed"][0]["row"], 2);

    // Malformed rows: exit 1, every one named, the output not written.
    let bad = s.0.join("bad.csv");
    let bad_out = s.0.join("bad.out.csv");
    std::fs::write(
        &bad,
        "name,address,lat,lon\n,熊本市中央区下通1丁目,,\nC薬局,熊本市中央区上通町,north,130.7\n",
    )
    .unwrap();
    let o = common::run_bin(&[
        "import",
        path_str(&bad),
        "--kind",
        "pharmacy",
        "-o",
        path_str(&bad_out),
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        !bad_out.exists(),
        "-o is not written when a row is malformed"
    );
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let named: Vec<(u64, &str)> = r["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_u64().unwrap(), e["column"].as_str().unwrap()))
        .collect();
    assert_eq!(named, [(1, "name"), (2, "lat")]);

    // An unreadable file (here: none), and an unknown kind: non-zero, saying why.
    let missing = s.0.join("missing.csv");
    let o = common::run_bin(&[
        "import",
        path_str(&missing),
        "--kind",
        "pharmacy",
        "-o",
        path_str(&bad_out),
    ]);
    assert_ne!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot read"));
    let o = common::run_bin(&[
        "import",
        path_str(&good),
        "--kind",
        "hospital",
        "-o",
        path_str(&bad_out),
    ]);
    assert_ne!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a resource kind"));
    assert!(!bad_out.exists());
}
