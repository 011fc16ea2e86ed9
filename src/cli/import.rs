//! `carecover import FILE --kind KIND -o OUT.csv`: check a local resource list (CSV, UTF-8 or
//! Shift_JIS), place its rows with the offline geocoder and write the checked file the data
//! folder's manifest can list under `resources` (format: docs/resources.md).
//!
//! Exit 0 when the file was read and every row is placed or reported as not placed; exit 1
//! for an unreadable file or any malformed row, each named (the output is then not written).

use super::{CliError, Data};
use crate::app::resource_import::{import_resources, ImportOptions, ImportReport, TextEncoding};
use crate::data::{Dataset, ProviderKind};
use crate::geocode::Gazetteer;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// The list: a CSV of resources (a `.xlsx` file is the 厚生局 provider list).
    file: PathBuf,
    /// The kind of every row: home_visit_nursing, pharmacy, home_care_pharmacy, care_home,
    /// care_manager or other. Replaces the file's kind column; without it the file needs one.
    #[arg(long)]
    kind: Option<String>,
    /// The file's encoding: auto (valid UTF-8, else Shift_JIS), utf-8 or shift_jis (CP932).
    #[arg(long, default_value = "auto", value_parser = parse_encoding)]
    encoding: TextEncoding,
    /// The checked CSV to write (UTF-8), only when no row has an error.
    #[arg(short = 'o', long = "output")]
    output: PathBuf,
    /// Also write the report as JSON to this file (errors included).
    #[arg(long)]
    report: Option<PathBuf>,
    /// Print the report as JSON instead of a table.
    #[arg(long)]
    json: bool,
}

fn parse_encoding(s: &str) -> Result<TextEncoding, String> {
    s.parse()
}

/// A `.xlsx` file goes to the provider-list import, anything else to the resource import.
pub fn run(data: &Data, args: Args) -> Result<ExitCode, CliError> {
    let is_xlsx = args
        .file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    if is_xlsx {
        xlsx_import(data, args)
    } else {
        resource_import(data, args)
    }
}

/// The 厚生局 provider list (`.xlsx`): joined from its own branch.
fn xlsx_import(_data: &Data, _args: Args) -> Result<ExitCode, CliError> {
    Err("xlsx import is not in this build".into())
}

fn resource_import(data: &Data, args: Args) -> Result<ExitCode, CliError> {
    let kind = match args.kind.as_deref() {
        None => None,
        Some(s) => Some(
            ProviderKind::parse(s)
                .filter(|k| k.is_resource())
                .ok_or_else(|| {
                    let known: Vec<&str> =
                        ProviderKind::RESOURCE.iter().map(|k| k.as_str()).collect();
                    format!("--kind {s:?} is not a resource kind ({})", known.join(", "))
                })?,
        ),
    };
    let bytes = std::fs::read(&args.file)
        .map_err(|e| format!("cannot read {}: {e}", args.file.display()))?;
    let ds = Dataset::load(&data.files, &data.manifest)?;
    let gaz = Gazetteer::from_dataset(&ds)?;
    let name = args.file.file_name().map_or_else(
        || args.file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let opts = ImportOptions {
        kind,
        encoding: args.encoding,
    };
    let imported = import_resources(&bytes, &name, &opts, &ds, &gaz);
    let report = &imported.report;
    if let Some(path) = &args.report {
        write(path, &serde_json::to_vec_pretty(report)?)?;
    }
    if let Some(csv) = &imported.checked_csv {
        write(&args.output, csv)?;
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(report)?);
    } else {
        print!(
            "{}",
            text_report(report, imported.checked_csv.as_ref().map(|_| &*args.output))
        );
    }
    Ok(if report.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()).into())
}

/// The report as a short table: rows, per level, not placed (row, reason), errors (row,
/// column, message), and what was written.
fn text_report(r: &ImportReport, written: Option<&Path>) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let pct = |n: usize| {
        if r.rows == 0 {
            0.0
        } else {
            100.0 * n as f64 / r.rows as f64
        }
    };
    let _ = writeln!(s, "{} ({}, data {})", r.file, r.encoding, r.data_version);
    let _ = writeln!(s, "  {:<24}{:>6}", "rows", r.rows);
    for (label, n) in [
        ("placed: given lat/lon", r.placed.given),
        ("placed: town", r.placed.town),
        ("placed: postal code", r.placed.postal_code),
        ("placed: municipality", r.placed.municipality),
        ("not placed", r.not_placed.len()),
        ("errors (rows)", {
            let mut rows: Vec<usize> = r.errors.iter().map(|e| e.row).collect();
            rows.dedup();
            rows.len()
        }),
    ] {
        let _ = writeln!(s, "  {label:<24}{n:>6}  {:>5.1} %", pct(n));
    }
    if !r.kinds.is_empty() {
        let kinds: Vec<String> = r.kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
        let _ = writeln!(s, "  kinds: {}", kinds.join(", "));
    }
    if !r.not_placed.is_empty() {
        let _ = writeln!(s, "not placed (written as level=unplaced):");
        for n in &r.not_placed {
            let _ = writeln!(s, "  row {:>5}  {}  ({})", n.row, n.name, n.reason);
        }
    }
    if !r.errors.is_empty() {
        let _ = writeln!(s, "errors:");
        for e in &r.errors {
            let at = if e.row == 0 {
                "file/header".to_string()
            } else {
                format!("row {}", e.row)
            };
            let col = if e.column.is_empty() {
                String::new()
            } else {
                format!("  column {}", e.column)
            };
            let _ = writeln!(s, "  {at}{col}: {}", e.message);
        }
    }
    match written {
        Some(p) => {
            let _ = writeln!(s, "wrote {}", p.display());
        }
        None => {
            let _ = writeln!(s, "not written: fix the errors above and run again");
        }
    }
    s
}
