//! `carecover import FILE -o OUT.csv`: a list brought into the data. Today one kind of list:
//! 九州厚生局's monthly 「届出受理医療機関名簿（医科）熊本県」 (xlsx), made into the provider table
//! (and, with `--standards`, the long standards table). What FILE is decides where it goes
//! ([`Input::of`]); resource lists (CSV) are another kind, not in this build.

use super::{CliError, Data};
use crate::app::provider_import::{ImportData, ImportReport};
use crate::data::provider_list::{is_xlsx, read_provider_list};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

#[derive(clap::Args)]
pub struct Args {
    /// The list: the 厚生局 provider list (.xlsx).
    file: PathBuf,
    /// Where to write the provider table (the data's provider CSV).
    #[arg(short = 'o', long = "output")]
    output: PathBuf,
    /// Also write the long facility standards table here.
    #[arg(long)]
    standards: Option<PathBuf>,
    /// Print the report as JSON instead of text.
    #[arg(long)]
    json: bool,
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

/// Exit 1 when the file cannot be read or has a malformed row (each named; nothing written).
pub fn run(data: &Data, args: Args) -> Result<ExitCode, CliError> {
    let bytes = std::fs::read(&args.file)
        .map_err(|e| format!("cannot read {}: {e}", args.file.display()))?;
    match Input::of(&args.file, &bytes) {
        Input::ProviderList => provider_list(data, &args, &bytes),
        Input::ResourceCsv => Err(format!(
            "{}: not an xlsx workbook; resource CSV import is not in this build (carecover import takes the 厚生局 provider list, .xlsx)",
            args.file.display()
        )
        .into()),
    }
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
        write_atomic(&args.output, &csv.providers)?;
        if let Some(path) = &args.standards {
            write_atomic(path, &csv.standards)?;
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

/// Writes through a temporary file beside `path`, so a reader never sees half a table.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let tmp = path.with_extension("tmp-import");
    std::fs::write(&tmp, bytes).map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(())
}

fn print_report(r: &ImportReport) {
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
        r.standard_rows, r.note_rows, r.duplicate_rows, r.other_category_rows
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
