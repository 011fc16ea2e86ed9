//! `carecover export`: every non-empty tile over Kumamoto into one PMTiles or MBTiles file.

use super::{CliError, Data};
use crate::app::MapExport;
use crate::tiles::ExportFormat;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// pmtiles or mbtiles.
    #[arg(long, value_parser = ["pmtiles", "mbtiles"], default_value = "pmtiles")]
    format: String,
    #[arg(long, default_value_t = 5)]
    minzoom: u8,
    #[arg(long, default_value_t = 14)]
    maxzoom: u8,
    /// Only these layers (comma-separated layer names, e.g. providers,regions); default: all.
    #[arg(long, value_delimiter = ',')]
    layers: Vec<String>,
    /// Output file.
    #[arg(short, long, default_value = "tiles/kumamoto.pmtiles")]
    output: PathBuf,
}

pub fn run(data: &Data, args: Args) -> Result<ExitCode, CliError> {
    let map = MapExport::load(&data.files, &data.manifest, &args.layers)?;
    let set = map.tile_set()?;
    let fmt = if args.format == "mbtiles" {
        ExportFormat::Mbtiles
    } else {
        ExportFormat::Pmtiles
    };
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} tiles {elapsed_precise} eta {eta}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let progress = |done: usize, total: usize| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    };
    let tj = map.tilejson("tiles/{z}/{x}/{y}.mvt");
    let stats = crate::tiles::export(
        &set,
        &tj,
        fmt,
        args.minzoom,
        args.maxzoom,
        &args.output,
        &progress,
    )?;
    bar.finish();
    println!(
        "wrote {} of {} tiles (z{}–z{}) to {}; largest tile {} bytes, {} bytes raw in all",
        stats.tiles_written,
        stats.tiles_considered,
        args.minzoom,
        args.maxzoom,
        args.output.display(),
        stats.largest_tile_bytes,
        stats.total_raw_bytes
    );
    Ok(ExitCode::SUCCESS)
}
