//! `carecover clip-osm`: cut an OpenStreetMap extract to Kumamoto's drivable roads, as the
//! data folder's road layer.

use super::{CliError, Data};
use crate::data::{DataFiles, Dataset};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// The input extract.
    input: PathBuf,
    /// Output file, relative to the --data folder (else to the working directory).
    #[arg(long, default_value = "roads/kumamoto_osm_roads.osm.pbf")]
    output: String,
    /// Margin around the prefecture, km (default: half the 16 km service radius, so any
    /// road trip of up to 16 km between two places in the prefecture stays on the roads
    /// kept).
    #[arg(long, default_value_t = crate::app::rules::OSM_CLIP_MARGIN_M / 1000.0)]
    margin_km: f64,
}

pub fn run(data: &Data, args: Args) -> Result<ExitCode, CliError> {
    let Args {
        input,
        output,
        margin_km,
    } = args;
    if !(margin_km.is_finite() && (0.0..=100.0).contains(&margin_km)) {
        return Err(format!("--margin-km {margin_km}: give 0–100 km").into());
    }
    // The prefecture outline from the regions layer; the road layer itself is not
    // read (it may name the file about to be written).
    let mut m = data.manifest.clone();
    m.roads = None;
    let ds = Dataset::load(&data.files, &m)?;
    let polygons: Vec<_> = ds.regions.iter().map(|r| r.geometry.clone()).collect();
    let area = crate::routing::ClipArea::new(&polygons, margin_km * 1000.0)?;
    // Into the --data folder (where its manifest will name it), else where asked.
    let out = match &data.files {
        DataFiles::Folder(dir) => dir.join(&output),
        DataFiles::Builtin => std::path::PathBuf::from(&output),
    };
    let stats = crate::routing::clip_osm_pbf(&input, &area, &out)?;
    println!(
        "wrote {}: {} of {} drivable ways (a node within the prefecture + {margin_km} km), {} nodes",
        out.display(),
        stats.ways_kept,
        stats.drivable_ways,
        stats.nodes_kept
    );
    println!(
        "serve it with a manifest (--manifest) whose roads layer is\n  \
         \"roads\": {{\"files\": [\"{output}\"], \"source\": \"osm\"}}\n\
         and whose sources hold\n  \"osm\": {{\"name\": \"OpenStreetMap\", \
         \"name_en\": \"OpenStreetMap\", \"date\": \"<extract date>\", \
         \"license\": \"ODbL 1.0\", \"credit\": \"© OpenStreetMap contributors\"}}"
    );
    Ok(ExitCode::SUCCESS)
}
