//! The `carecover` command line: its arguments, the data every command reads, and one module
//! per subcommand. `main.rs` only parses, sets up logging and calls [`run`].

mod check;
mod clip_osm;
mod coverage;
mod diff;
mod export;
mod geocode;
mod healthcheck;
mod import;
mod logging;
mod nearest;
mod population;
mod serve;

pub use logging::init_logging;

use crate::data::{DataFiles, KindSet, Manifest};
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// A command's failure, printed as `error: …` with exit code 1.
pub type CliError = Box<dyn std::error::Error>;

#[derive(Parser)]
#[command(
    name = "carecover",
    version,
    about = "Home palliative-care coverage for Kumamoto: tiles, nearest providers, gaps"
)]
pub struct Cli {
    /// Data folder (files named as in the manifest, each plain or gzipped); default: the
    /// Kumamoto dataset built into this binary.
    #[arg(long, global = true, env = "CARECOVER_DATA")]
    data: Option<PathBuf>,
    /// Dataset manifest replacing the built-in geodata/manifest.json.
    #[arg(long, global = true, env = "CARECOVER_MANIFEST")]
    manifest: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the HTTP API and the map widget.
    ///
    /// Reload the data without downtime with SIGHUP or `POST /admin/reload` (bearer token from
    /// the environment variable CARECOVER_ADMIN_TOKEN; admin routes are off without it).
    Serve(serve::Args),
    /// The nearest providers to a point.
    Nearest(nearest::Args),
    /// Validate the data and print provider counts per region and kind.
    Check,
    /// Write every non-empty tile over Kumamoto to a PMTiles or MBTiles archive.
    Export(export::Args),
    /// Place a Kumamoto address (町丁目/大字 level), offline.
    Geocode(geocode::Args),
    /// Cut an OpenStreetMap extract (.osm.pbf covering more than Kumamoto, e.g. Geofabrik's
    /// Kyushu) to the drivable roads with a node within the prefecture plus a margin, and
    /// write them as the road layer file of the data folder. Point the manifest's
    /// `roads.files` at the output to serve OSM road distances (`speed_model` osm_maxspeed).
    ClipOsm(clip_osm::Args),
    /// Coverage per medical region: covered area, gaps, uncovered towns and people.
    Coverage(coverage::Args),
    /// People per municipality: census, measured 500 m cells, estimated cells outside the
    /// census files' extent; `--holdout` scores the weightings of the estimate.
    Population(population::Args),
    /// Import a list: a resource list (CSV, UTF-8 or Shift_JIS: 訪問看護ステーション,
    /// pharmacies, care homes …; docs/resources.md) → the checked file for the manifest's
    /// `resources`; or the 厚生局 monthly provider list (xlsx) → the data's provider table.
    /// Exit 1 when a row is malformed.
    Import(import::Args),
    /// What changed between two provider tables: providers, flags, coverage per region.
    Diff(diff::Args),
    /// Ask a running server's /readyz (the container health check): exit 0 on 200, else 1.
    Healthcheck(healthcheck::Args),
}

/// What every command reads: the data files, the manifest, and the manifest's path (`None`:
/// the built-in one), which a server re-reads on reload.
pub struct Data {
    pub files: DataFiles,
    pub manifest: Manifest,
    pub manifest_path: Option<PathBuf>,
}

/// Runs the parsed command line; `Err` is printed as `error: …` (exit code 1) by `main`.
pub fn run(cli: Cli) -> Result<ExitCode, CliError> {
    // The health check reads no data: it must stay cheap when run every few seconds.
    let command = match cli.command {
        Command::Healthcheck(args) => return healthcheck::run(args),
        other => other,
    };
    let data = Data {
        files: data_files(cli.data.as_deref()),
        manifest: Manifest::from_file_or_builtin(cli.manifest.as_deref())?,
        manifest_path: cli.manifest,
    };
    match command {
        Command::Check => Ok(check::run(&data)),
        Command::ClipOsm(args) => clip_osm::run(&data, args),
        Command::Coverage(args) => coverage::run(&data, args),
        Command::Population(args) => population::run(&data, args),
        Command::Nearest(args) => nearest::run(&data, args),
        Command::Geocode(args) => geocode::run(&data, args),
        Command::Export(args) => export::run(&data, args),
        Command::Serve(args) => serve::run(&data, args),
        Command::Import(args) => import::run(&data, args),
        Command::Diff(args) => diff::run(&data, args),
        Command::Healthcheck(_) => unreachable!("answered above, before any data is read"),
    }
}

/// The data to load: the given folder (`--data DIR` / `CARECOVER_DATA`), else the Kumamoto
/// dataset built into this binary. No default points outside the binary.
pub fn data_files(given: Option<&Path>) -> DataFiles {
    DataFiles::from_option(given)
}

/// A `--kind`/`--require` comma list, or `default` when the option is absent.
fn kind_list(given: Option<&str>, default: KindSet) -> Result<KindSet, String> {
    match given {
        Some(s) => KindSet::parse_list(s).map_err(|bad| format!("unknown kind {bad:?}")),
        None => Ok(default),
    }
}
