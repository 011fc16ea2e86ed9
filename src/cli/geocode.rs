//! `carecover geocode`: place a Kumamoto address offline, as a table or as the API's JSON.

use super::{CliError, Data};
use crate::app::Snapshot;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// The address, e.g. 熊本市中央区水前寺6丁目18-1.
    address: String,
    /// How many candidates.
    #[arg(long, default_value_t = 5)]
    limit: usize,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

/// Exit code 1 when nothing matches (the table form only).
pub fn run(data: &Data, args: Args) -> Result<ExitCode, CliError> {
    let snap = Snapshot::load(&data.files, &data.manifest)?;
    let answer = snap.gazetteer.geocode(&args.address, args.limit.max(1));
    if args.json {
        println!("{}", serde_json::to_string_pretty(&answer)?);
    } else if answer.candidates.is_empty() {
        println!(
            "no match ({})",
            answer.reason.as_deref().unwrap_or("no_match")
        );
        return Ok(ExitCode::FAILURE);
    } else {
        for c in &answer.candidates {
            let level = serde_json::to_value(c.level)?;
            println!(
                "{:.2}  {:<12} {}{}  ({:.6}, {:.6})  rest={:?}{}",
                c.score,
                level.as_str().unwrap_or(""),
                c.city,
                c.town.as_deref().unwrap_or(""),
                c.lat,
                c.lon,
                c.rest,
                c.note
                    .as_deref()
                    .map(|n| format!("  note: {n}"))
                    .unwrap_or_default()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
