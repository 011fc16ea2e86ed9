//! Importing a local resource list (訪問看護ステーション, pharmacies, care homes …): the
//! bytes of a spreadsheet's CSV in, a report and the checked file out, with no I/O, so the
//! command line (`carecover import`) and the admin upload run the same code.
//!
//! Every input row ends in exactly one of three places: [`ImportReport::errors`] (a
//! malformed row, an address in another prefecture, coordinates outside every medical
//! region, bytes that do not decode), [`ImportReport::not_placed`] (well formed, but the
//! offline geocoder found nothing; still written to the checked file as `unplaced`), or
//! placed at one of the levels of [`PlacedCounts`]. The checked file exists only when there
//! is no error; it loads through the dataset's resource layer with no error.

use crate::data::resources::{Field, PlaceLevel};
use crate::data::{
    decode_text, read_resource_input, write_checked_csv, CheckedValues, Dataset, IssueLog,
    ProviderKind,
};
use crate::geocode::{normalize_address, reason, Gazetteer, Level};
use crate::geom::LonLat;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use utoipa::ToSchema;

pub use crate::data::TextEncoding;

/// What the caller says about the file.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// The kind of every row (`--kind`); replaces the file's kind column, which is then kept
    /// as an input column without being checked (and holds this kind in the checked file).
    pub kind: Option<ProviderKind>,
    pub encoding: TextEncoding,
}

/// Rows placed, per level.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct PlacedCounts {
    /// The file's own `lat`/`lon` (inside a medical region).
    pub given: usize,
    /// A 町丁目/大字 point of the offline geocoder.
    pub town: usize,
    /// The point of the row's postal code only.
    pub postal_code: usize,
    /// A municipality or ward point only (coarse).
    pub municipality: usize,
}

impl PlacedCounts {
    pub fn total(&self) -> usize {
        self.given + self.town + self.postal_code + self.municipality
    }

    fn add(&mut self, level: PlaceLevel) {
        match level {
            PlaceLevel::Given => self.given += 1,
            PlaceLevel::Town => self.town += 1,
            PlaceLevel::PostalCode => self.postal_code += 1,
            PlaceLevel::Municipality => self.municipality += 1,
            PlaceLevel::Unplaced => {}
        }
    }
}

/// A well-formed row the geocoder could not place (written as `unplaced`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct RowNote {
    /// 1-based data row (header excluded).
    pub row: usize,
    pub name: String,
    /// The geocoder's reason (`no_match`).
    pub reason: String,
}

/// A malformed row, or a problem of the whole file or its header (`row` 0).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct RowError {
    /// 1-based data row (header excluded); 0 for the file or its header.
    pub row: usize,
    /// The column as the file names it; empty when the whole row is at fault.
    pub column: String,
    pub message: String,
}

/// What an import found: the `--json` output of `carecover import` and the answer of an
/// upload.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportReport {
    /// The file name as given.
    pub file: String,
    /// The encoding read: `utf-8` or `shift_jis`.
    pub encoding: &'static str,
    /// Data rows in the file (header excluded), readable or not.
    pub rows: usize,
    pub placed: PlacedCounts,
    pub not_placed: Vec<RowNote>,
    /// Every malformed row, by row then column; empty when the checked file was written.
    pub errors: Vec<RowError>,
    /// Rows per resource kind among the well-formed rows (placed or not).
    pub kinds: BTreeMap<String, usize>,
    /// The data version whose gazetteer and regions placed the rows.
    pub data_version: String,
}

impl ImportReport {
    /// True when every row was read and is placed or reported as not placed.
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// Rows placed at town level (or given), as a share of the well-formed rows.
    pub fn town_share(&self) -> f64 {
        let ok = self.placed.total() + self.not_placed.len();
        if ok == 0 {
            return 0.0;
        }
        (self.placed.given + self.placed.town) as f64 / ok as f64
    }
}

/// The report and, when there is no error, the checked UTF-8 CSV.
#[derive(Debug, Clone)]
pub struct Imported {
    pub report: ImportReport,
    pub checked_csv: Option<Vec<u8>>,
}

/// Imports a resource list: decodes `bytes`, validates every row, places the rows without
/// coordinates with `gaz` (the row's postal code is used when the address has none), checks
/// every point against `ds`'s medical regions, and writes the checked file. No I/O.
pub fn import_resources(
    bytes: &[u8],
    file_name: &str,
    opts: &ImportOptions,
    ds: &Dataset,
    gaz: &Gazetteer,
) -> Imported {
    let decoded = decode_text(bytes, opts.encoding);
    let mut log = IssueLog::default();
    let input = read_resource_input(&decoded.text, file_name, opts.kind, &mut log);
    let mut errors: Vec<RowError> = log
        .issues
        .iter()
        .filter(|i| i.severity == crate::data::Severity::Error)
        .map(|i| RowError {
            row: row_of(&i.location),
            column: i.field.clone(),
            message: i.message.clone(),
        })
        .collect();
    let rows = input
        .rows
        .last()
        .map_or(0, |r| r.row)
        .max(errors.iter().map(|e| e.row).max().unwrap_or(0));

    // Lines that do not decode: the row whose record holds the line (the header: row 0).
    let mut bad_rows = std::collections::HashSet::new();
    for b in &decoded.bad {
        let row = input
            .rows
            .iter()
            .take_while(|r| r.line as usize <= b.line)
            .last()
            .map_or(0, |r| r.row);
        bad_rows.insert(row);
        errors.push(RowError {
            row,
            column: String::new(),
            message: b.message(decoded.encoding),
        });
    }

    let mut placed = PlacedCounts::default();
    let mut not_placed = Vec::new();
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    let mut out: Vec<(usize, CheckedValues)> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let col = |f: Field| {
        input
            .columns
            .as_ref()
            .and_then(|c| c.name_of(f))
            .unwrap_or(f.canonical())
            .to_string()
    };
    for (i, row) in input.rows.iter().enumerate() {
        let Some(r) = &row.record else { continue };
        if bad_rows.contains(&row.row) {
            continue;
        }
        let mut error = |column: String, message: String| {
            errors.push(RowError {
                row: row.row,
                column,
                message,
            })
        };
        if let Some(first) = seen.insert(r.id(), row.row) {
            error(
                col(Field::Name),
                format!(
                    "{} at {} is listed twice (rows {first} and {}); the map would show one",
                    r.name, r.address, row.row
                ),
            );
            continue;
        }
        let placement = match r.point {
            Some(p) => {
                // A point the file gives keeps the level it states (a checked file imported
                // again stays as it was); otherwise it is `given`.
                let level = match r.level {
                    Some(
                        l @ (PlaceLevel::Town | PlaceLevel::PostalCode | PlaceLevel::Municipality),
                    ) => l,
                    _ => PlaceLevel::Given,
                };
                Ok((p, level, col(Field::Lat)))
            }
            None => geocode_row(gaz, &r.address, &r.postal_code)
                .map(|(p, level)| (p, level, col(Field::Address))),
        };
        match placement {
            Ok((p, level, column)) => {
                if let Some(message) = outside_regions(ds, p, level) {
                    error(column, message);
                    continue;
                }
                placed.add(level);
                out.push((
                    i,
                    CheckedValues {
                        point: Some(p),
                        level,
                        kind: r.kind,
                    },
                ));
            }
            Err(Unplaced::NotInKumamoto { postal }) => {
                let (column, what) = if postal {
                    (col(Field::PostalCode), "postal code")
                } else {
                    (col(Field::Address), "address")
                };
                error(
                    column,
                    format!("the {what} is not in Kumamoto prefecture (not_in_kumamoto)"),
                );
                continue;
            }
            Err(Unplaced::Reason(reason)) => {
                not_placed.push(RowNote {
                    row: row.row,
                    name: r.name.clone(),
                    reason,
                });
                out.push((
                    i,
                    CheckedValues {
                        point: None,
                        level: PlaceLevel::Unplaced,
                        kind: r.kind,
                    },
                ));
            }
        }
        *kinds.entry(r.kind.as_str().to_string()).or_default() += 1;
    }
    errors.sort_by(|a, b| a.row.cmp(&b.row).then_with(|| a.column.cmp(&b.column)));

    let checked_csv = match &input.columns {
        Some(cols) if errors.is_empty() => Some(write_checked_csv(
            &input.headers,
            cols,
            out.iter()
                .map(|(i, v)| (input.rows[*i].fields.as_slice(), *v)),
        )),
        _ => None,
    };
    if input.columns.is_none() && errors.is_empty() {
        // Cannot happen (an unusable header is logged), but never report success without
        // a file.
        errors.push(RowError {
            row: 0,
            column: String::new(),
            message: "the header could not be read".into(),
        });
    }
    Imported {
        report: ImportReport {
            file: file_name.to_string(),
            encoding: decoded.encoding.as_str(),
            rows,
            placed,
            not_placed,
            errors,
            kinds,
            data_version: ds.version.clone(),
        },
        checked_csv,
    }
}

/// Why a row without coordinates has no point.
enum Unplaced {
    /// Another prefecture (an error of the row); `postal`: only the postal code says so.
    NotInKumamoto { postal: bool },
    /// The geocoder's reason (`no_match`): reported, written as `unplaced`.
    Reason(String),
}

/// The best candidate for `address` (with `postal_code` in front when the address has none
/// and the code is well formed) and its level.
fn geocode_row(
    gaz: &Gazetteer,
    address: &str,
    postal_code: &str,
) -> Result<(LonLat, PlaceLevel), Unplaced> {
    let with_postal = !postal_code.is_empty()
        && normalize_address(address).postal_code.is_none()
        && normalize_address(postal_code).postal_code.is_some();
    let query = if with_postal {
        format!("〒{postal_code} {address}")
    } else {
        address.to_string()
    };
    let answer = gaz.geocode(&query, 1);
    let Some(best) = answer.best() else {
        let why = answer
            .reason
            .unwrap_or_else(|| reason::NO_MATCH.to_string());
        if why == reason::NOT_IN_KUMAMOTO {
            // Which column says so: the address, or only the postal code put in front of it.
            let postal = with_postal
                && gaz.geocode(address, 1).reason.as_deref() != Some(reason::NOT_IN_KUMAMOTO);
            return Err(Unplaced::NotInKumamoto { postal });
        }
        return Err(Unplaced::Reason(why));
    };
    let level = match best.level {
        Level::Town => PlaceLevel::Town,
        Level::PostalCode => PlaceLevel::PostalCode,
        Level::Municipality => PlaceLevel::Municipality,
    };
    let point = LonLat::new(best.lon, best.lat).map_err(|e| Unplaced::Reason(e.to_string()))?;
    Ok((point, level))
}

/// An error message when `p` lies beyond every medical region by more than the coast
/// tolerance (the dataset would refuse the row).
fn outside_regions(ds: &Dataset, p: LonLat, level: PlaceLevel) -> Option<String> {
    match crate::data::locate_region(&ds.regions, p.point(), &ds.projection) {
        Some((_, d)) if d <= crate::data::COAST_TOLERANCE_M => None,
        Some((_, d)) => Some(format!(
            "{p} ({}) lies {:.1} km outside every medical region of Kumamoto",
            level.as_str(),
            d / 1000.0
        )),
        None => Some(format!("{p} lies outside every medical region of Kumamoto")),
    }
}

/// The row of an issue location: `row 17` → 17; `header`, `file` → 0.
fn row_of(location: &str) -> usize {
    location
        .strip_prefix("row ")
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{DataFiles, Manifest, Severity};

    fn fixture() -> (Dataset, Gazetteer) {
        let ds = Dataset::load(DataFiles::Builtin, &Manifest::builtin().unwrap()).unwrap();
        let gaz = Gazetteer::from_dataset(&ds).unwrap();
        (ds, gaz)
    }

    #[test]
    fn every_row_is_placed_reported_or_an_error_and_the_checked_file_loads() {
        let (ds, gaz) = fixture();
        let opts = ImportOptions::default();
        let text = "名称,種別,所在地,郵便番号,緯度,経度,備考\n\
            A薬局,pharmacy,熊本市中央区下通1丁目6-13,,,,\n\
            B訪問看護,home_visit_nursing,八代市松江城町1-1,,32.5070,130.6010,2階\n\
            C薬局,pharmacy,どこにもない町,,,,\n\
            D薬局,pharmacy,水前寺6丁目18-1,862-0950,,,\n";
        let im = import_resources(text.as_bytes(), "r.csv", &opts, &ds, &gaz);
        let r = &im.report;
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert_eq!((r.encoding, r.rows), ("utf-8", 4));
        assert_eq!(
            r.placed,
            PlacedCounts {
                given: 1,
                town: 2,
                postal_code: 0,
                municipality: 0
            }
        );
        assert_eq!(r.not_placed.len(), 1);
        assert_eq!(
            (r.not_placed[0].row, r.not_placed[0].reason.as_str()),
            (3, "no_match")
        );
        assert_eq!(r.kinds.get("pharmacy"), Some(&3));
        let csv = String::from_utf8(im.checked_csv.clone().unwrap()).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "名称,種別,所在地,郵便番号,緯度,経度,備考,level");
        assert!(
            lines[2].ends_with(",32.507000,130.601000,2階,given"),
            "{}",
            lines[2]
        );
        assert!(lines[3].ends_with(",,,,unplaced"), "{}", lines[3]);

        let mut log = IssueLog::default();
        let rows = crate::data::resources::load_resources(
            csv.as_bytes(),
            "r.csv",
            "test",
            "2026-12",
            &mut log,
        );
        assert!(!log.has_errors(), "{:?}", log.issues);
        assert_eq!(rows.len(), 3);
        // The unplaced row is the loader's one warning, not silently gone.
        let w: Vec<_> = log
            .issues
            .iter()
            .filter(|i| i.severity == Severity::Warning)
            .collect();
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].location, "row 3");
    }

    #[test]
    fn malformed_rows_are_errors_naming_row_and_column_and_nothing_is_written() {
        let (ds, gaz) = fixture();
        let opts = ImportOptions {
            kind: Some(ProviderKind::CareHome),
            encoding: TextEncoding::Auto,
        };
        let text = "name,kind,address,postal_code,lat,lon\n\
            A,hospital,熊本市中央区下通1丁目,,,\n\
            ,x,熊本市中央区下通1丁目,,,\n\
            C,x,福岡県福岡市中央区天神1丁目,,,\n\
            D,x,下通1丁目,810-0001,,\n\
            E,x,熊本市中央区下通1丁目,,35.68,139.76\n\
            A,x,熊本市中央区下通1丁目,,,\n";
        let im = import_resources(text.as_bytes(), "r.csv", &opts, &ds, &gaz);
        let got: Vec<(usize, &str)> = im
            .report
            .errors
            .iter()
            .map(|e| (e.row, e.column.as_str()))
            .collect();
        assert_eq!(
            got,
            [(2, "name"), (3, "address"), (5, "lat"), (6, "name")],
            "{:?}",
            im.report.errors
        );
        assert!(im.checked_csv.is_none());
        // The kind column is not checked when --kind is given ("hospital" is no resource kind).
        assert_eq!(im.report.kinds.get("care_home"), Some(&2));
        // D: the address alone is a Kumamoto town; a Fukuoka postal code does not move it.
        assert_eq!(im.report.placed.town, 2);
    }
}
