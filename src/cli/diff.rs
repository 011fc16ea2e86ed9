//! `carecover diff OLD NEW`: what changed between two provider tables (CSV files, or data
//! folders: their manifest's provider table), over the rest of the data (built in, or
//! `--data`): providers added and gone, flags gained and lost, and per medical region the
//! covered share and the uncovered towns before → after.

use super::{CliError, Data};
use crate::app::diff::{diff, population, DiffData, DiffInputs, ProviderTables};
use crate::app::rules::Preset;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// The old provider table: a provider CSV, or a data folder.
    old: PathBuf,
    /// The new provider table: a provider CSV, or a data folder.
    new: PathBuf,
    /// Coverage presets to compare (comma list: home_care, enhanced_palliative, strengthened,
    /// pediatric_home); default home_care.
    #[arg(long, value_delimiter = ',')]
    preset: Vec<String>,
    /// The old side's facility standards table (default: the data's, or the folder's).
    #[arg(long)]
    old_standards: Option<PathBuf>,
    /// The new side's facility standards table (e.g. `carecover import --standards`).
    #[arg(long)]
    new_standards: Option<PathBuf>,
    /// Year of the people figures: 2020 (census, default) or a projected year (2025–2050).
    #[arg(long)]
    year: Option<u16>,
    /// Print JSON instead of the text table.
    #[arg(long)]
    json: bool,
}

pub fn run(data: &Data, args: Args) -> Result<ExitCode, CliError> {
    let presets = if args.preset.is_empty() {
        vec![Preset::HomeCare]
    } else {
        args.preset
            .iter()
            .map(|p| {
                Preset::parse(p.trim()).ok_or_else(|| {
                    let names: Vec<&str> = Preset::ALL.iter().map(|p| p.name()).collect();
                    format!("unknown preset {p:?} (one of {})", names.join(", "))
                })
            })
            .collect::<Result<Vec<_>, _>>()?
    };
    let side = |path: &PathBuf, standards: &Option<PathBuf>| -> Result<ProviderTables, CliError> {
        let t = ProviderTables::resolve(path, &data.manifest)?;
        Ok(match standards {
            Some(s) => t.with_standards(s)?,
            None => t,
        })
    };
    let old_t = side(&args.old, &args.old_standards)?;
    let new_t = side(&args.new, &args.new_standards)?;
    let base = DiffData::new(&data.files, &data.manifest)?;
    let old = base.load(&old_t)?;
    let new = base.load(&new_t)?;
    let people = population(&old)?;
    let answer = diff(
        &DiffInputs {
            old_label: &old_t.label,
            old: &old,
            new_label: &new_t.label,
            new: &new,
            population: &people,
        },
        &presets,
        args.year,
    )?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&answer)?);
    } else {
        print!("{}", answer.to_text());
    }
    Ok(ExitCode::SUCCESS)
}
