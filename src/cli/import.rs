//! `carecover import FILE -o OUT.csv`: a list brought into the data. What FILE is decides
//! where it goes ([`Input::of`]):
//! - a local resource list (CSV, UTF-8 or Shift_JIS: 訪問看護ステーション, pharmacies, care
//!   homes …; format: docs/resources.md): its rows are checked, placed with the offline
//!   geocoder, and written as the checked file the manifest lists under `resources`;
//! - 九州厚生局's monthly 「届出受理医療機関名簿（医科）熊本県」 (xlsx): made into the provider
//!   table (and, with `--standards`, the long standards table).
//!
//! Exit 0 when the file was read and every row is placed or reported as not placed; exit 1
//! for an unreadable file or any malformed row, each named (nothing is then written). Files
//! are written through a temporary file and a rename.

use super::{CliError, Data};
use crate::app::provider_import::{ImportData, ImportReport as ListReport};
use crate::app::resource_import::{import_resources, ImportOptions, ImportReport, TextEncoding};
use crate::data::provider_list::{is_xlsx, read_provider_list};
use crate::data::{Dataset, ProviderKind};
use crate::geocode::Gazetteer;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

#[derive(clap::Args)]
pub struct Args {
    /// The list: a CSV of resources, or the 厚生局 provider list (.xlsx).
    file: PathBuf,
    /// Resource lists: the kind of every row: home_visit_nursing, pharmacy,
    /// home_care_pharmacy, care_home, care_manager or other. Replaces the file's kind column;
    /// without it the file needs one.
    #[arg(long)]
    kind: Option<String>,
    /// Resource lists: the file's encoding: auto (valid UTF-8, else Shift_JIS), utf-8 or
    /// shift_jis (CP932).
    #[arg(long, default_value = "auto", value_parser = parse_encoding)]
    encoding: TextEncoding,
    /// The table to write: the checked resource CSV (UTF-8), or the provider table; only when
    /// no row has an error.
    #[arg(short = 'o', long = "output")]
    output: PathBuf,
    /// The provider list: also write the long facility standards table here.
    #[arg(long)]
    standards: Option<PathBuf>,
    /// Resource lists: also write the report as JSON to this file (errors included).
    #[arg(long)]
    report: Option<PathBuf>,
    /// Print the report as JSON instead of text.
    #[arg(long)]
    json: bool,
}

fn parse_encoding(s: &str) -> Result<TextEncoding, String> {
    s.parse()
}

/// What kind of list a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// The 厚生局 provider list: an xlsx workbook.
    ProviderList,
    /// Anything else: a CSV of local resources (visiting-nurse stations, pharmacies …).
    ResourceCsv,
}

impl Input {
    /// By content (an xlsx is a zip archive), else by name.
    pub fn of(path: &Path, bytes: &[u8]) -> Self {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        if is_xlsx(bytes) || matches!(ext.as_deref(), Some("xlsx" | "xlsm")) {
            Self::ProviderList
        } else {
            Self::ResourceCsv
        }
    }
}

pub fn run(data: &Data, args: Args) -> Result<ExitCode, CliError> {
    let bytes = std::fs::read(&args.file)
        .map_err(|e| format!("cannot read {}: {e}", args.file.display()))?;
    match Input::of(&args.file, &bytes) {
        Input::ProviderList => {
            if args.kind.is_some() || args.report.is_some() {
                return Err("--kind and --report are for resource lists, not the 厚生局 provider list (.xlsx)".into());
            }
            provider_list(data, &args, &bytes)
        }
        Input::ResourceCsv => {
            if args.standards.is_some() {
                return Err(
                    "--standards is for the 厚生局 provider list (.xlsx), not a resource list"
                        .into(),
                );
            }
            resource_list(data, &args, &bytes)
        }
    }
}

/// Writes through a temporary file beside `path`, so a reader never sees half a table.
fn write(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    crate::app::uploads::write_atomically(path, bytes).map_err(|e| e.to_string().into())
}

fn resource_list(data: &Data, args: &Args, bytes: &[u8]) -> Result<ExitCode, CliError> {
    let kind = match args.kind.as_deref() {
        None => None,
        Some(s) => Some(ProviderKind::parse_resource(s).map_err(|e| format!("--kind {e}"))?),
    };
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
    let imported = import_resources(bytes, &name, &opts, &ds, &gaz);
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

fn provider_list(data: &Data, args: &Args, bytes: &[u8]) -> Result<ExitCode, CliError> {
    let t0 = Instant::now();
    let target = ImportData::load(&data.files, &data.manifest)?;
    let load_s = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let name = args.file.file_name().map_or_else(
        || args.file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let list = read_provider_list(bytes, &name);
    let read_s = t1.elapsed().as_secs_f64();
    let import = target.import(&list);
    let report = &import.report;
    if let Some(csv) = &import.csv {
        write(&args.output, &csv.providers)?;
        if let Some(path) = &args.standards {
            write(path, &csv.standards)?;
        }
    }
    let total_s = t1.elapsed().as_secs_f64();
    if args.json {
        println!("{}", serde_json::to_string_pretty(report)?);
    } else {
        print_report(report);
        if import.csv.is_some() {
            println!(
                "wrote {} ({} providers){}",
                args.output.display(),
                report.placed,
                args.standards
                    .as_ref()
                    .map(|p| format!(" and {} ({} standards)", p.display(), report.standards))
                    .unwrap_or_default()
            );
        } else {
            println!("nothing written: the list has malformed rows");
        }
        println!(
            "took {total_s:.2} s ({read_s:.2} s reading the workbook): {:.0} institutions/s; loading the data {load_s:.2} s",
            report.institutions as f64 / total_s.max(1e-9)
        );
    }
    Ok(if report.has_errors() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn print_report(r: &ListReport) {
    let sheets: Vec<String> = r
        .sheets
        .iter()
        .map(|s| {
            format!(
                "sheet {} (header row {}, {} rows)",
                s.name, s.header_row, s.rows
            )
        })
        .collect();
    println!(
        "{}{}: {}",
        r.file,
        r.as_of
            .as_deref()
            .map(|d| format!(" ({d})"))
            .unwrap_or_default(),
        sheets.join(", ")
    );
    println!(
        "rows: {} standards, {} 備考, {} repeated, {} not 医科",
        r.counts.standard_rows,
        r.counts.note_rows,
        r.counts.duplicate_rows,
        r.counts.other_category_rows
    );
    println!(
        "institutions: {} ({} hospitals, {} clinics), {} standards",
        r.institutions, r.hospitals, r.clinics, r.standards
    );
    println!(
        "placed: {} (town {}, postal code {}, municipality {}); not placed: {}",
        r.placed,
        r.by_level.town,
        r.by_level.postal_code,
        r.by_level.municipality,
        r.not_placed.len()
    );
    for np in &r.not_placed {
        println!(
            "  {} {} ({}): {} — {}",
            np.id, np.name, np.at, np.reason, np.message
        );
    }
    let kinds: Vec<String> = r
        .kinds
        .iter()
        .filter(|k| k.institutions > 0)
        .map(|k| format!("{} {}", k.name_ja, k.institutions))
        .collect();
    println!("standards held: {}", kinds.join(", "));
    for i in r.errors.iter().chain(&r.warnings) {
        println!("{i}");
    }
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
