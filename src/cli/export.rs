//! `carecover export`: every non-empty tile over Kumamoto into one PMTiles or MBTiles file;
//! with `--static DIR`, the whole public map as a folder of static files
//! ([`crate::app::static_site`]).

use super::{CliError, Data};
use crate::app::rules::Preset;
use crate::app::static_site::{self, StaticOptions};
use crate::app::{MapExport, Snapshot};
use crate::tiles::ExportFormat;
use std::path::{Path, PathBuf};
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
    /// With --static, the public map's archive holds only these.
    #[arg(long, value_delimiter = ',')]
    layers: Vec<String>,
    /// Output file.
    #[arg(short, long, default_value = "tiles/kumamoto.pmtiles")]
    output: PathBuf,
    #[command(flatten)]
    site: StaticArgs,
}

/// `--static DIR` and its options.
#[derive(clap::Args)]
struct StaticArgs {
    /// Write the public map as a static folder (archive, style, glyphs, widget, planner
    /// figures as JSON) instead of one archive; --format and --output do not apply.
    #[arg(long = "static", value_name = "DIR", conflicts_with_all = ["format", "output"])]
    dir: Option<PathBuf>,
    /// Presets to export (comma list; default all): their planner figures and their coverage
    /// and gaps in the tiles.
    #[arg(long, value_name = "P,...", requires = "dir")]
    preset: Option<String>,
    /// A live carecover API the static page may call for nearest, address search, what-if
    /// and suggestions (those are hidden without it).
    #[arg(long, value_name = "URL", requires = "dir")]
    api_url: Option<String>,
}

pub fn run(data: &Data, args: Args) -> Result<ExitCode, CliError> {
    if let Some(dir) = &args.site.dir {
        return run_static(data, &args, dir);
    }
    let map = MapExport::load(&data.files, &data.manifest, &args.layers)?;
    let set = map.tile_set()?;
    let fmt = if args.format == "mbtiles" {
        ExportFormat::Mbtiles
    } else {
        ExportFormat::Pmtiles
    };
    let bar = progress_bar();
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

fn progress_bar() -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} tiles {elapsed_precise} eta {eta}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}

/// `export --static DIR`: options checked before the data is loaded.
fn run_static(data: &Data, args: &Args, dir: &Path) -> Result<ExitCode, CliError> {
    let presets = match &args.site.preset {
        Some(list) => static_site::parse_presets(list)?,
        None => Preset::ALL.to_vec(),
    };
    let api = args
        .site
        .api_url
        .as_deref()
        .map(static_site::parse_api_url)
        .transpose()?;
    let widget = crate::server::builtin_site_files()?;
    let snap = Snapshot::load(&data.files, &data.manifest)?;
    let bar = progress_bar();
    let progress = |done: usize, total: usize| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    };
    let opts = StaticOptions {
        presets,
        minzoom: args.minzoom,
        maxzoom: args.maxzoom,
        api,
        layers: args.layers.clone(),
        widget: &widget,
    };
    let report = static_site::write_site(&snap, dir, &opts, &progress)?;
    bar.finish();
    println!(
        "wrote the static map to {}: {} files, {} bytes ({} tiles z{}–z{}, {} planner JSON files, {} glyph ranges)",
        dir.display(),
        report.files,
        report.bytes,
        report.tiles.tiles_written,
        args.minzoom,
        args.maxzoom,
        report.json_files,
        report.glyph_ranges
    );
    Ok(ExitCode::SUCCESS)
}
