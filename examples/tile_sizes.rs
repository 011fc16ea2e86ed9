//! Tile sizes per zoom over Kumamoto, for keeping the basemap's layers small (issue 13): per
//! zoom the number of non-empty tiles, the largest tile raw and gzipped, the mean raw size, and
//! the largest `roads` layer alone (the same tile rendered with that layer only).
//!
//! `cargo run --release --example tile_sizes [-- DATA_DIR]` (default: the built-in data).

use carecover::app::Snapshot;
use carecover::data::{Dataset, Manifest};
use carecover::tiles::{gzip, render_tile, tiles_covering, LayerSource};
use geo_types::{coord, Rect};
use std::sync::Arc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let files = carecover::data::DataFiles::from_option(
        std::env::args().nth(1).as_deref().map(std::path::Path::new),
    );
    let ds = Dataset::load(files, &Manifest::builtin()?)?;
    let snap = Snapshot::build(Arc::new(ds))?;
    let sources = snap.layers.sources();
    let roads: Vec<&dyn LayerSource> = sources
        .iter()
        .copied()
        .filter(|s| s.name() == "roads")
        .collect();
    let set = snap.layers.tile_set();
    let [w, s, e, n] = set.bounds;
    let bbox = Rect::new(coord! { x: w, y: s }, coord! { x: e, y: n });
    println!("zoom  tiles  max_raw_B  max_gzip_B  mean_raw_B  max_roads_raw_B");
    for z in set.zooms.clone() {
        let (mut n, mut max_raw, mut max_gz, mut sum, mut max_roads) = (0, 0, 0, 0, 0);
        for coord in tiles_covering(&bbox, z)? {
            let raw = snap.layers.render(coord)?;
            if raw.is_empty() {
                continue;
            }
            n += 1;
            sum += raw.len();
            if raw.len() > max_raw {
                max_raw = raw.len();
                max_gz = gzip(&raw)?.len();
            }
            max_roads = max_roads.max(render_tile(coord, &roads)?.len());
        }
        println!(
            "{z:>4}  {n:>5}  {max_raw:>9}  {max_gz:>10}  {:>10}  {max_roads:>15}",
            sum / n.max(1)
        );
    }
    Ok(())
}
