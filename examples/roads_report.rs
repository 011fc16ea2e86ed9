//! Road figures for before/after comparisons of the road graph (issue 18): road km from the
//! issue's three check points, coverage by road per region, and every flattered town.
//!
//! `cargo run --release --example roads_report [-- DATA_DIR]` (default: the built-in data).

use carecover::data::{Dataset, Manifest};
use carecover::geom::LonLat;
use carecover::routing::{isochrone, Metric};
use geo::Area;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let files = carecover::data::DataFiles::from_option(
        std::env::args().nth(1).as_deref().map(std::path::Path::new),
    );
    let ds = Dataset::load(files, &Manifest::builtin()?)?;
    let t = std::time::Instant::now();
    let roads = carecover::app::load_roads(&ds)?.ok_or("no road layer")?;
    let g = &roads.network.graph;
    println!(
        "road layer in {:.2} s: {} nodes, {} links, {} components, largest {} ({:.1} %)",
        t.elapsed().as_secs_f64(),
        g.node_count(),
        g.links().len(),
        g.components().count(),
        g.components().largest(),
        100.0 * g.components().largest() as f64 / g.node_count() as f64
    );
    for (lat, lon, id) in [
        (32.807841, 130.809542, "2811682"),
        (32.807841, 130.809542, "2811641"),
        (32.840186, 130.677922, "0120995"),
    ] {
        let at = LonLat::new(lon, lat)?;
        let i = ds.providers.iter().position(|p| p.id == id).ok_or(id)? as u32;
        let costs = roads
            .providers
            .costs_to(&roads.network, at, &[i])
            .map_err(|r| r.as_str())?;
        match &costs[0] {
            Ok(c) => println!(
                "({lat}, {lon}) -> {id}: road_km {:.2}, drive_min {:.1}",
                c.total_m() / 1000.0,
                c.drive_s() / 60.0
            ),
            Err(r) => println!("({lat}, {lon}) -> {id}: {}", r.as_str()),
        }
    }
    // Isochrone areas (km²) from the README's example points and the check points.
    for (name, lat, lon, metric, contours) in [
        (
            "熊本駅 min",
            32.7898,
            130.6886,
            Metric::Time,
            [10.0, 20.0, 30.0],
        ),
        (
            "八代 km",
            32.2108,
            130.7627,
            Metric::Distance,
            [5.0, 10.0, 15.0],
        ),
        (
            "issue point 1 min",
            32.807841,
            130.809542,
            Metric::Time,
            [10.0, 20.0, 30.0],
        ),
        (
            "issue point 3 min",
            32.840186,
            130.677922,
            Metric::Time,
            [10.0, 20.0, 30.0],
        ),
    ] {
        let iso = isochrone(&roads.network, LonLat::new(lon, lat)?, metric, &contours)
            .map_err(|r| r.as_str())?;
        let areas: Vec<String> = iso
            .contours
            .iter()
            .map(|c| format!("{}: {:.1} km²", c.value, c.area_xy.unsigned_area() / 1e6))
            .collect();
        println!("isochrone {name}: {}", areas.join(", "));
    }
    print!("{}", roads.area.text_table());
    println!("region  towns_within_km  beyond_road_km  without_road");
    for r in &roads.coverage.regions {
        println!(
            "{:>2} {:>6} {:>6} {:>6}",
            r.region_id, r.towns_within_km, r.towns_beyond_road_km, r.towns_without_road
        );
    }
    for r in &roads.coverage.regions {
        for f in &r.towns_flattered {
            println!(
                "flattered {} {}{}  straight {:.1} road {:.1}",
                r.region_id, f.city, f.town, f.straight_km, f.road_km
            );
        }
    }
    Ok(())
}
