//! The 厚生局 monthly provider list (xlsx) → the data's provider table, and `carecover diff`.
//!
//! The list is written here in the 厚生局 layout (title rows, the header on row 4, one row per
//! accepted standard with the institution repeated, 備考 rows under a standard) from the
//! built-in provider and standards tables — the tables that were derived from the real
//! 2025-10 list — so importing it must give back the built-in rows.

use crate::common;
use carecover::app::diff::{diff, population, DiffData, DiffInputs, ProviderTables};
use carecover::app::provider_import::{
    import_provider_list, provider_table_columns, STANDARD_COLUMNS,
};
use carecover::app::rules::Preset;
use carecover::coverage::{CoverageResult, Frames};
use carecover::data::provider_list::read_provider_list;
use carecover::data::{DataFiles, Dataset, Manifest, ProviderKind};
use carecover::geocode::Gazetteer;
use carecover::geom::geodesic_distance_m;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

const SHEET: &str = "熊本県";
/// The list's header (九州厚生局's 24 columns); the header is written on sheet row 4.
const HEADER: [&str; 24] = [
    "項番",
    "都道府県コード",
    "都道府県名",
    "区分",
    "医療機関番号",
    "併設医療機関番号",
    "医療機関記号番号",
    "医療機関名称",
    "医療機関所在地（郵便番号）",
    "医療機関所在地（住所）",
    "電話番号",
    "FAX番号",
    "病床数",
    "受理届出名称",
    "受理記号",
    "受理番号",
    "算定開始年月日",
    "個別有効開始年月日",
    "備考（見出し）",
    "備考（データ）",
    "市町村コード",
    "市町村名",
    "種別コード",
    "種別",
];
const HEADER_ROW: u32 = 4;

/// A CSV table as header + rows of named fields.
struct Table {
    rows: Vec<HashMap<String, String>>,
}

impl Table {
    fn parse(bytes: &[u8]) -> Self {
        let mut r = csv::Reader::from_reader(bytes);
        let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
        let rows = r
            .records()
            .map(|rec| {
                let rec = rec.unwrap();
                header
                    .iter()
                    .cloned()
                    .zip(rec.iter().map(String::from))
                    .collect()
            })
            .collect();
        Table { rows }
    }

    fn builtin(file: impl Fn(&Manifest) -> String) -> Self {
        let m = Manifest::builtin().unwrap();
        Self::parse(&DataFiles::Builtin.read(&file(&m)).unwrap())
    }

    fn by_id(&self) -> HashMap<&str, &HashMap<String, String>> {
        self.rows
            .iter()
            .map(|r| (r["inst_code"].as_str(), r))
            .collect()
    }
}

fn builtin_providers() -> Table {
    Table::builtin(|m| m.providers.file.clone())
}

fn builtin_standards() -> Table {
    Table::builtin(|m| m.facility_standards.as_ref().unwrap().file.clone())
}

/// One sheet row of the list (24 cells).
type ListRow = [String; 24];

/// The list's rows for these institutions: every standard of each (the long table's order),
/// then 備考 rows — the ward's beds under a 緩和ケア病棟 standard (「当該病棟総数 病床数①」),
/// and a detail that means nothing to the import under each hospital's first standard.
fn list_rows(providers: &Table, standards: &Table, ids: &[&str]) -> Vec<ListRow> {
    let by_id = providers.by_id();
    let mut stds: HashMap<&str, Vec<&HashMap<String, String>>> = HashMap::new();
    for s in &standards.rows {
        stds.entry(s["inst_code"].as_str()).or_default().push(s);
    }
    let mut out = Vec::new();
    for id in ids {
        let p = by_id[id];
        for (i, s) in stds[id].iter().enumerate() {
            let mut row: ListRow = Default::default();
            let mut set = |col: &str, v: &str| {
                let i = HEADER.iter().position(|h| *h == col).unwrap();
                row[i] = v.to_string();
            };
            set("項番", &(out.len() + 1).to_string());
            set("都道府県コード", "43");
            set("都道府県名", "熊本県");
            set("区分", "医科");
            set("医療機関番号", id);
            set("医療機関名称", &p["name"]);
            set("医療機関所在地（郵便番号）", &p["postal_code"]);
            set("医療機関所在地（住所）", &p["address"]);
            set("電話番号", &p["phone"]);
            // The list writes full-width spaces (一般　　42); the table has them as ASCII.
            set("病床数", &p["beds_raw"].replace(' ', "\u{3000}"));
            set("受理届出名称", &s["standard_name"]);
            set("受理記号", &s["standard_symbol"]);
            set("受理番号", &s["acceptance_no"]);
            set("算定開始年月日", &s["start_date"]);
            let symbol = s["standard_symbol"].clone();
            out.push(row.clone());
            let note = |heading: &str, data: &str| {
                let mut n: ListRow = Default::default();
                n[HEADER.iter().position(|h| *h == "医療機関番号").unwrap()] = id.to_string();
                n[HEADER.iter().position(|h| *h == "備考（見出し）").unwrap()] = heading.into();
                n[HEADER.iter().position(|h| *h == "備考（データ）").unwrap()] = data.into();
                n
            };
            if (symbol == "緩１" || symbol == "緩２") && !p["palliative_ward_beds_noted"].is_empty()
            {
                out.push(note("当該病棟総数", "1"));
                out.push(note(
                    "当該病棟総数　病床数①",
                    &p["palliative_ward_beds_noted"],
                ));
            }
            if i == 0 && p["kind"] == "hospital" {
                out.push(note("病棟種別", "一般"));
            }
        }
    }
    out
}

/// An xlsx in the list's layout: two title rows, a blank row, the header on row 4, the rows.
/// `header` may differ from [`HEADER`] (a missing column).
fn xlsx(header: &[&str], rows: &[ListRow]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(SHEET).unwrap();
    ws.write_string(0, 0, "届出受理医療機関名簿（医科）熊本県")
        .unwrap();
    ws.write_string(1, 0, "[令和７年１０月１日 現在]　令和７年１０月２日作成")
        .unwrap();
    for (c, h) in header.iter().enumerate() {
        ws.write_string(HEADER_ROW - 1, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        let r = HEADER_ROW + r as u32;
        let mut c = 0u16;
        for (i, v) in row.iter().enumerate() {
            if !header.contains(&HEADER[i]) {
                continue;
            }
            if !v.is_empty() {
                // 項番 and the ward's beds as numbers, as a spreadsheet holds them.
                match v.parse::<f64>() {
                    Ok(n) if HEADER[i] == "項番" || HEADER[i] == "備考（データ）" => {
                        ws.write_number(r, c, n).unwrap()
                    }
                    _ => ws.write_string(r, c, v).unwrap(),
                };
            }
            c += 1;
        }
    }
    wb.save_to_buffer().unwrap()
}

fn gazetteer() -> Gazetteer {
    Gazetteer::from_dataset(&common::dataset()).unwrap()
}

/// A temporary folder, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let d = std::env::temp_dir().join(format!("carecover-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        Scratch(d)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The whole built-in list (1,324 institutions) written as the 厚生局 xlsx, imported: the
/// table loads as the data's provider table, and every institution's flags, tiers, beds
/// and standards equal the built-in row; points at the same town are the same point.
#[test]
fn the_whole_list_round_trips_to_the_builtin_provider_table() {
    let providers = builtin_providers();
    let standards = builtin_standards();
    let ids: Vec<&str> = providers
        .rows
        .iter()
        .map(|r| r["inst_code"].as_str())
        .collect();
    let rows = list_rows(&providers, &standards, &ids);
    let bytes = xlsx(&HEADER, &rows);

    let ds = common::dataset();
    let gaz = gazetteer();
    let t = Instant::now();
    let list = read_provider_list(&bytes, "r7_10_shisetsu_kumamoto_ika_02.xlsx");
    let read_s = t.elapsed().as_secs_f64();
    let import = import_provider_list(&ds, &gaz, &list);
    let total_s = t.elapsed().as_secs_f64();
    let r = &import.report;
    assert!(
        r.errors.is_empty(),
        "{:?}",
        &r.errors[..r.errors.len().min(5)]
    );
    // The only warnings: the two 緩和ケア病棟 whose beds the list does not note.
    let no_beds: BTreeSet<&str> = providers
        .rows
        .iter()
        .filter(|p| {
            p["palliative_care_ward"] == "True" && p["palliative_ward_beds_noted"].is_empty()
        })
        .map(|p| p["inst_code"].as_str())
        .collect();
    assert_eq!(no_beds.len(), 2);
    assert_eq!(r.warnings.len(), 2, "{:?}", r.warnings);
    for w in &r.warnings {
        assert!(w.message.contains("緩和ケア病棟 without its beds"), "{w}");
        assert!(no_beds.iter().any(|id| w.message.starts_with(id)), "{w}");
    }
    assert_eq!(
        r.as_of
            .as_deref()
            .map(|s| s.contains("令和７年１０月１日 現在")),
        Some(true)
    );
    assert_eq!(r.sheets.len(), 1);
    assert_eq!(r.sheets[0].header_row, HEADER_ROW);
    assert_eq!(r.institutions, 1324);
    assert_eq!((r.hospitals, r.clinics), (200, 1124));
    assert_eq!(r.standards, standards.rows.len());
    assert_eq!(r.counts.standard_rows, standards.rows.len());
    assert_eq!(r.counts.duplicate_rows, 0);
    assert!(r.not_placed.is_empty(), "{:?}", r.not_placed);
    assert_eq!(r.placed, 1324);
    let kind = |k: ProviderKind| r.kinds.iter().find(|c| c.kind == k).unwrap().institutions;
    assert_eq!(kind(ProviderKind::HomeCareSupportClinic), 240);
    assert_eq!(kind(ProviderKind::HomeCareSupportHospital), 62);
    assert_eq!(kind(ProviderKind::PalliativeCareWard), 15);
    let csv = import.csv.as_ref().expect("tables written");

    // Same columns in the same order as the built-in file.
    let m = Manifest::builtin().unwrap();
    let builtin_bytes = DataFiles::Builtin.read(&m.providers.file).unwrap();
    let builtin_header = String::from_utf8_lossy(&builtin_bytes)
        .lines()
        .next()
        .unwrap()
        .to_string();
    assert_eq!(builtin_header, provider_table_columns().join(","));
    assert!(csv.providers.starts_with(builtin_header.as_bytes()));
    assert!(csv
        .standards
        .starts_with(STANDARD_COLUMNS.join(",").as_bytes()));

    // Every field but the point's own (town, level, coordinates) equals the built-in row.
    let out = Table::parse(&csv.providers);
    assert_eq!(out.rows.len(), 1324);
    let builtin = providers.by_id();
    let point_fields = ["matched_town", "geocode_level", "lat", "lon"];
    let mut differing: Vec<String> = Vec::new();
    for row in &out.rows {
        let b = builtin[row["inst_code"].as_str()];
        for c in provider_table_columns()
            .iter()
            .filter(|c| !point_fields.contains(c))
        {
            // Cells are read trimmed: 5 built-in addresses end in a full-width space.
            if row[*c] != b[*c].trim() {
                differing.push(format!(
                    "{} {c}: {:?} vs {:?}",
                    row["inst_code"], row[*c], b[*c]
                ));
            }
        }
    }
    // The region and municipality come from the polygons, as the built-in rows'; a point a
    // few hundred metres off can cross a border, so those are counted, not required.
    let border: Vec<&String> = differing
        .iter()
        .filter(|d| {
            d.contains(" municipality_code:")
                || d.contains(" medical_region:")
                || d.contains(" medical_region_id:")
                || d.contains(" city_full:")
        })
        .collect();
    let other: Vec<&String> = differing.iter().filter(|d| !border.contains(d)).collect();
    assert!(
        other.is_empty(),
        "{} fields differ: {:?}",
        other.len(),
        &other[..other.len().min(10)]
    );

    // Points: the same town at town level on both sides → the identical point.
    let (mut both_town, mut same_town, mut same_point, mut within_1km) = (0, 0, 0, 0);
    for row in &out.rows {
        let b = builtin[row["inst_code"].as_str()];
        if row["geocode_level"] == "town" && b["geocode_level"] == "town" {
            both_town += 1;
            let p = |r: &HashMap<String, String>| {
                carecover::geom::LonLat::new(r["lon"].parse().unwrap(), r["lat"].parse().unwrap())
                    .unwrap()
            };
            let d = geodesic_distance_m(p(row), p(b));
            if row["matched_town"] != b["matched_town"] {
                eprintln!(
                    "other town: {} {} here {} / built-in {} ({d:.0} m)",
                    row["inst_code"], row["address"], row["matched_town"], b["matched_town"]
                );
            }
            if row["matched_town"] == b["matched_town"] {
                same_town += 1;
                assert!(
                    d < 0.5,
                    "{}: same town {} but {d:.1} m apart",
                    row["inst_code"],
                    row["matched_town"]
                );
            }
            if d < 0.5 {
                same_point += 1;
            }
            if d < 1000.0 {
                within_1km += 1;
            }
        }
    }
    let levels = |t: &Table, l: &str| t.rows.iter().filter(|r| r["geocode_level"] == l).count();
    eprintln!(
        "round trip: 1324 institutions, fields equal; levels here town {} postal {} (built-in town {} postal {}); \
         both town-level {both_town}: same town {same_town}, identical point {same_point} ({:.1} %), within 1 km {within_1km}; \
         region/municipality/city differences {}; read {read_s:.2} s, total {total_s:.2} s = {:.0} institutions/s",
        r.by_level.town,
        r.by_level.postal_code,
        levels(&providers, "town"),
        levels(&providers, "postal_code"),
        100.0 * same_point as f64 / both_town as f64,
        border.len(),
        1324.0 / total_s
    );
    assert!(
        same_point as f64 >= 0.95 * both_town as f64,
        "only {same_point} of {both_town} town-level points identical"
    );
    assert!(r.by_level.town >= 1300, "{:?}", r.by_level);

    // The tables load as the data does (what `carecover check` runs), and the loaded
    // providers hold the built-in dataset's kinds (the pediatric ones from the new
    // standards table) and tiers.
    let dir = Scratch::new("import-roundtrip");
    std::fs::write(dir.path("providers.csv"), &csv.providers).unwrap();
    std::fs::write(dir.path("standards.csv"), &csv.standards).unwrap();
    let base = DiffData::new(&DataFiles::Folder(common::data_dir()), &m).unwrap();
    let side = ProviderTables::resolve(&dir.path("providers.csv"), &m)
        .unwrap()
        .with_standards(&dir.path("standards.csv"))
        .unwrap();
    let loaded = base.load(&side).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(loaded.providers.len(), ds.providers.len());
    let want: HashMap<&str, &carecover::data::Provider> =
        ds.providers.iter().map(|p| (p.id.as_str(), p)).collect();
    for p in &loaded.providers {
        let w = want[p.id.as_str()];
        assert_eq!(p.kinds, w.kinds, "{}", p.id);
        assert_eq!(p.tiers, w.tiers, "{}", p.id);
        assert_eq!(
            (p.beds_total, p.palliative_ward_beds, p.facility_type),
            (w.beds_total, w.palliative_ward_beds, w.facility_type),
            "{}",
            p.id
        );
    }
}

/// The rows of the first three institutions, for the malformed-row tests.
fn small_list() -> Vec<ListRow> {
    let providers = builtin_providers();
    let standards = builtin_standards();
    let ids: Vec<String> = providers.rows[..3]
        .iter()
        .map(|r| r["inst_code"].clone())
        .collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    list_rows(&providers, &standards, &ids)
}

fn col(name: &str) -> usize {
    HEADER.iter().position(|h| *h == name).unwrap()
}

/// The sheet row of `rows[i]` (the header is row 4).
fn sheet_row(i: usize) -> String {
    format!("sheet {SHEET} row {}", HEADER_ROW as usize + 1 + i)
}

#[test]
fn malformed_rows_are_errors_naming_their_row_and_column() {
    let mut rows = small_list();
    let standard_rows: Vec<usize> = (0..rows.len())
        .filter(|&i| !rows[i][col("受理記号")].is_empty())
        .collect();
    let (bad_code, no_symbol) = (standard_rows[2], standard_rows[5]);
    rows[bad_code][col("医療機関番号")] = "01X4303".into();
    rows[no_symbol][col("受理記号")] = String::new();
    let list = read_provider_list(&xlsx(&HEADER, &rows), "bad.xlsx");
    let errors: Vec<_> = list.errors().collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(errors[0].file, "bad.xlsx");
    assert_eq!(errors[0].location, sheet_row(bad_code));
    assert_eq!(errors[0].field, "医療機関番号");
    assert!(
        errors[0].message.contains("01X4303"),
        "{}",
        errors[0].message
    );
    assert_eq!(errors[1].location, sheet_row(no_symbol));
    assert_eq!(errors[1].field, "受理記号");
    assert_eq!(
        errors[0].to_string(),
        format!(
            "error: bad.xlsx: {}: field 医療機関番号: \"01X4303\" is not a 医療機関番号 (7 digits)",
            sheet_row(bad_code)
        )
    );

    // Nothing is written from a list with a malformed row.
    let import = import_provider_list(&common::dataset(), &gazetteer(), &list);
    assert!(import.csv.is_none());
    assert_eq!(import.report.errors.len(), 2);
}

#[test]
fn a_missing_header_column_is_an_error_naming_it() {
    let header: Vec<&str> = HEADER
        .iter()
        .copied()
        .filter(|h| *h != "受理番号")
        .collect();
    let list = read_provider_list(&xlsx(&header, &small_list()), "nocol.xlsx");
    let errors: Vec<_> = list.errors().collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(
        errors[0].location,
        format!("sheet {SHEET} row {HEADER_ROW}")
    );
    assert_eq!(errors[0].field, "受理番号");
    assert!(
        errors[0].message.contains("no column 受理番号"),
        "{}",
        errors[0].message
    );
    assert!(list.institutions.is_empty());

    let list = read_provider_list(b"inst_code,name\n0110001,A\n", "not.xlsx");
    let errors: Vec<_> = list.errors().collect();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].location, "file");
    assert!(
        errors[0].message.contains("not a readable xlsx"),
        "{}",
        errors[0].message
    );
}

#[test]
fn the_import_command_names_every_malformed_row_and_sends_a_csv_to_the_resource_import() {
    let dir = Scratch::new("import-cli");
    let mut rows = small_list();
    rows[0][col("医療機関番号")] = "12345".into();
    let bad = dir.path("bad.xlsx");
    std::fs::write(&bad, xlsx(&HEADER, &rows)).unwrap();
    let out_csv = dir.path("out.csv");
    let out = common::run_bin(&[
        "import",
        bad.to_str().unwrap(),
        "-o",
        out_csv.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(&format!("{}: field 医療機関番号", sheet_row(0))),
        "{stdout}"
    );
    assert!(!out_csv.exists());

    // A good list: written, exit 0, the report as JSON.
    let good = dir.path("good.xlsx");
    std::fs::write(&good, xlsx(&HEADER, &small_list())).unwrap();
    let std_csv = dir.path("std.csv");
    let out = common::run_bin(&[
        "import",
        good.to_str().unwrap(),
        "-o",
        out_csv.to_str().unwrap(),
        "--standards",
        std_csv.to_str().unwrap(),
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["institutions"], 3);
    assert_eq!(report["placed"], 3);
    assert_eq!(
        Table::parse(&std::fs::read(&out_csv).unwrap()).rows.len(),
        3
    );
    assert!(std_csv.exists());

    // A CSV is a resource list: its own checks (a hospital is not a resource kind), and the
    // provider list's --standards does not apply to it.
    let csv_in = dir.path("stations.csv");
    std::fs::write(
        &csv_in,
        "name,kind,address\nA,hospital,熊本市中央区水前寺6丁目\n",
    )
    .unwrap();
    let res_out = dir.path("stations.checked.csv");
    let out = common::run_bin(&[
        "import",
        csv_in.to_str().unwrap(),
        "-o",
        res_out.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("row 1") && stdout.contains("column kind"),
        "{stdout}"
    );
    assert!(!res_out.exists());
    let out = common::run_bin(&[
        "import",
        csv_in.to_str().unwrap(),
        "-o",
        res_out.to_str().unwrap(),
        "--standards",
        std_csv.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("--standards is for the 厚生局 provider list"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Km between two points by a flat approximation, to skip far pairs before the geodesic.
fn rough_km(a: carecover::geom::LonLat, b: carecover::geom::LonLat) -> f64 {
    let dy = (a.lat() - b.lat()) * 111.0;
    let dx = (a.lon() - b.lon()) * 111.0 * 0.84;
    (dx * dx + dy * dy).sqrt()
}

/// The home-care provider that is the only one within 16 km of the most towns (with a margin
/// of 200 m either side, so the choice does not hang on the disc's edge), and those towns.
fn sole_provider(ds: &Dataset) -> (String, BTreeSet<String>) {
    let params = Preset::HomeCare.params();
    let chosen: Vec<&carecover::data::Provider> =
        ds.providers.iter().filter(|p| params.selects(p)).collect();
    let mut sole: HashMap<&str, BTreeSet<String>> = HashMap::new();
    for t in &ds.towns {
        let near: Vec<(&str, f64)> = chosen
            .iter()
            .filter(|p| rough_km(p.location, t.location) < 17.5)
            .map(|p| (p.id.as_str(), geodesic_distance_m(p.location, t.location)))
            .filter(|(_, d)| *d < 16_200.0)
            .collect();
        if let [(id, d)] = near[..] {
            if d < 15_800.0 {
                sole.entry(id)
                    .or_default()
                    .insert(format!("{}{}", t.city, t.name));
            }
        }
    }
    let (id, towns) = sole
        .into_iter()
        .max_by_key(|(id, t)| (t.len(), std::cmp::Reverse(*id)))
        .expect("a provider alone near some town");
    (id.to_string(), towns)
}

/// Writes `rows` as a provider CSV in the built-in column order.
fn write_providers(path: &Path, rows: &[HashMap<String, String>]) {
    let mut w = csv::Writer::from_path(path).unwrap();
    w.write_record(provider_table_columns()).unwrap();
    for r in rows {
        w.write_record(provider_table_columns().iter().map(|c| r[*c].as_str()))
            .unwrap();
    }
    w.flush().unwrap();
}

#[test]
fn diff_names_exactly_the_changes_and_the_coverage_they_cost() {
    let ds = common::dataset();
    let m = Manifest::builtin().unwrap();
    let providers = builtin_providers();
    let (sole, sole_towns) = sole_provider(&ds);
    // Drop the sole provider and two others (clinics without any home-care flag: no
    // coverage change of their own), flip flags of three, add one.
    let quiet: Vec<String> = providers
        .rows
        .iter()
        .filter(|r| {
            r["home_care_support_clinic"] == "False" && r["home_care_support_hospital"] == "False"
        })
        .map(|r| r["inst_code"].clone())
        .collect();
    let dropped: BTreeSet<String> = [sole.clone(), quiet[0].clone(), quiet[1].clone()].into();
    let flips = [
        (quiet[2].clone(), "home_cancer_comprehensive"),
        (quiet[3].clone(), "home_visit_nursing_by_inst"),
        (quiet[4].clone(), "home_backup_hospital"),
    ];
    let mut rows: Vec<HashMap<String, String>> = providers
        .rows
        .iter()
        .filter(|r| !dropped.contains(&r["inst_code"]))
        .cloned()
        .collect();
    let mut expect_flags: Vec<(String, Vec<ProviderKind>, Vec<ProviderKind>)> = Vec::new();
    for (id, flag) in &flips {
        let r = rows.iter_mut().find(|r| &r["inst_code"] == id).unwrap();
        let k = ProviderKind::parse(flag).unwrap();
        if r[*flag] == "True" {
            r.insert(flag.to_string(), "False".into());
            expect_flags.push((id.clone(), vec![], vec![k]));
        } else {
            r.insert(flag.to_string(), "True".into());
            expect_flags.push((id.clone(), vec![k], vec![]));
        }
    }
    let mut new_row = rows
        .iter()
        .find(|r| r["inst_code"] == quiet[5])
        .unwrap()
        .clone();
    new_row.insert("inst_code".into(), "9999991".into());
    new_row.insert("name".into(), "テスト在宅クリニック".into());
    rows.push(new_row);

    let dir = Scratch::new("diff");
    let old_csv = dir.path("old.csv");
    let new_csv = dir.path("new.csv");
    write_providers(&old_csv, &providers.rows);
    write_providers(&new_csv, &rows);

    let base = DiffData::new(&DataFiles::Folder(common::data_dir()), &m).unwrap();
    let old_t = ProviderTables::resolve(&old_csv, &m).unwrap();
    let new_t = ProviderTables::resolve(&new_csv, &m).unwrap();
    let old = base.load(&old_t).unwrap_or_else(|e| panic!("{e}"));
    let new = base.load(&new_t).unwrap_or_else(|e| panic!("{e}"));
    let people = population(&old).unwrap();
    let d = diff(
        &DiffInputs {
            old_label: "old.csv",
            old: &old,
            new_label: "new.csv",
            new: &new,
            population: &people,
        },
        &[Preset::HomeCare],
        None,
    )
    .unwrap();

    assert_eq!(
        d.added.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
        ["9999991"]
    );
    assert_eq!(
        d.gone.iter().map(|p| p.id.clone()).collect::<BTreeSet<_>>(),
        dropped
    );
    let mut got: Vec<(String, Vec<ProviderKind>, Vec<ProviderKind>)> = d
        .flags_changed
        .iter()
        .map(|f| (f.id.clone(), f.gained.clone(), f.lost.clone()))
        .collect();
    got.sort();
    expect_flags.sort();
    assert_eq!(got, expect_flags);
    assert!(d.flags_changed.iter().all(|f| f.tiers.is_none()));
    assert!(d.moved.is_empty(), "{:?}", d.moved);

    // Coverage: the sole provider's towns are newly uncovered, its region's covered share
    // falls, and the figures are the coverage engine's own for the new table.
    let p = &d.coverage[0];
    assert_eq!(p.preset, "home_care");
    let region = old
        .providers
        .iter()
        .find(|p| p.id == sole)
        .unwrap()
        .region_id;
    let r = p.regions.iter().find(|r| r.id == region).unwrap();
    assert!(r.changed);
    assert!(r.after.area_pct < r.before.area_pct, "{r:?}");
    assert!(r.after.people_pct < r.before.people_pct, "{r:?}");
    assert_eq!(r.before.providers, r.after.providers + 1);
    let newly: BTreeSet<String> = p
        .regions
        .iter()
        .flat_map(|r| r.newly_uncovered.iter().cloned())
        .collect();
    assert!(sole_towns.is_subset(&newly), "{sole_towns:?} ⊄ {newly:?}");
    assert_eq!(newly, p.total.newly_uncovered.iter().cloned().collect());
    assert!(p.total.newly_covered.is_empty());
    // The regions the dropped provider's disc does not reach are unchanged.
    assert!(p.regions.iter().filter(|r| r.changed).count() < p.regions.len());

    let frames = Frames::new(&new, people.clone());
    let engine = CoverageResult::compute(&new, &frames, Preset::HomeCare.params());
    let st = &engine.region(region).unwrap().stats;
    let round2 = |x: f64| (x * 100.0).round() / 100.0;
    assert_eq!(r.after.area_pct, round2(st.covered_pct));
    assert_eq!(r.after.covered_km2, round2(st.covered_km2));
    assert_eq!(r.after.towns_uncovered, st.towns_uncovered);
    let (pop, unc) = (
        st.people.population.unwrap(),
        st.people.uncovered_population.unwrap(),
    );
    assert_eq!(r.after.people_pct, Some(round2(100.0 * (pop - unc) / pop)));
    let old_frames = Frames::new(&old, people.clone());
    let before = CoverageResult::compute(&old, &old_frames, Preset::HomeCare.params());
    assert_eq!(
        r.before.area_pct,
        round2(before.region(region).unwrap().stats.covered_pct)
    );

    let text = d.to_text();
    assert!(text.contains("gone: 3"), "{text}");
    assert!(text.contains(&format!("  - {sole} ")), "{text}");
    assert!(text.contains("  + 9999991 テスト在宅クリニック"), "{text}");
    eprintln!("{text}");
}
