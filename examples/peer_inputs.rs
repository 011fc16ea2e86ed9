//! The inputs the peer benchmarks (`benches/peers/`) hand to other tools, written from
//! carecover's own data so both sides work on the same features and the same roads.
//!
//! ```sh
//! cargo run --release --example peer_inputs -- layers DIR providers,regions
//! cargo run --release --example peer_inputs -- roads-osm OUT.osm.pbf
//! cargo run --release --example peer_inputs -- reach OUT.json LAT LON 15,30
//! ```
//!
//! - `layers`: one GeoJSON file per named map layer (`DIR/NAME.geojson`) with exactly the
//!   features and properties the tile engine renders (for tippecanoe).
//! - `roads-osm`: the served road graph (after topology cleaning) as an OSM PBF: one node per
//!   graph node and shape vertex, one way per link, tagged `highway=tertiary` and
//!   `maxspeed=<the uniform speed>` (both directions, no `oneway`), for Valhalla.
//! - `reach`: the graph nodes reached within each contour (minutes) from a point, as lon/lat,
//!   and the contour areas with the service's 1 km road buffer and with a 100 m one, for the
//!   comparison with Valhalla's expansion and isochrone polygons.
//!
//! Uses the built-in data, or `CARECOVER_DATA`.

use carecover::app::Snapshot;
use carecover::data::{DataFiles, Dataset, Manifest};
use carecover::geom::LonLat;
use carecover::routing::{
    isochrone, write_pbf, LevelGrid, Metric, OsmWay, SpeedModel, AREA_CELL_M, ROAD_BUFFER_M,
};
use carecover::tiles::{PropValue, TileCoord};
use serde_json::{json, Map, Value};
use std::path::Path;

type Error = Box<dyn std::error::Error>;

fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let files =
        DataFiles::from_option(std::env::var_os("CARECOVER_DATA").as_deref().map(Path::new));
    let manifest = Manifest::builtin()?;
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["layers", dir, names] => layers(files, &manifest, Path::new(dir), names),
        ["roads-osm", out] => roads_osm(files, &manifest, Path::new(out)),
        ["reach", out, lat, lon, contours] => {
            let at = LonLat::new(lon.parse()?, lat.parse()?)?;
            let contours = contours
                .split(',')
                .map(str::parse)
                .collect::<Result<Vec<f64>, _>>()?;
            reach(files, &manifest, Path::new(out), at, &contours)
        }
        _ => Err("usage: peer_inputs layers DIR NAMES | roads-osm OUT.osm.pbf | reach OUT.json LAT LON MINUTES,…".into()),
    }
}

fn layers(files: DataFiles, manifest: &Manifest, dir: &Path, names: &str) -> Result<(), Error> {
    let snap = Snapshot::load(&files, manifest)?;
    let names: Vec<&str> = names.split(',').collect();
    let set = snap.layers.tile_set().only(&names)?;
    std::fs::create_dir_all(dir)?;
    let world = geo_types::Rect::new((-180.0, -85.06), (180.0, 85.06));
    let z0 = TileCoord::new(0, 0, 0)?;
    for layer in &set.layers {
        let mut features = Vec::new();
        layer.features(&z0, &world, &mut |f| {
            let props: Map<String, Value> = f
                .props
                .iter()
                .map(|(k, v)| (k.clone(), prop_json(v)))
                .collect();
            let mut feature = json!({
                "type": "Feature",
                "properties": props,
                "geometry": Value::from(&geojson::GeometryValue::from(f.geometry)),
            });
            if let Some(id) = f.id {
                feature["id"] = id.into();
            }
            features.push(feature);
        });
        let path = dir.join(format!("{}.geojson", layer.name()));
        let fc = json!({"type": "FeatureCollection", "features": features});
        std::fs::write(&path, serde_json::to_vec(&fc)?)?;
        println!("{}: {} features", path.display(), features.len());
    }
    Ok(())
}

fn prop_json(v: &PropValue) -> Value {
    match v {
        PropValue::String(s) => s.clone().into(),
        PropValue::Float(x) => f64::from(*x).into(),
        PropValue::Double(x) => (*x).into(),
        PropValue::Int(i) | PropValue::SInt(i) => (*i).into(),
        PropValue::UInt(u) => (*u).into(),
        PropValue::Bool(b) => (*b).into(),
    }
}

fn load_network(files: DataFiles, manifest: &Manifest) -> Result<carecover::routing::Roads, Error> {
    let ds = Dataset::load(files, manifest)?;
    Ok(carecover::app::load_roads(&ds)?.ok_or("the data has no road layer")?)
}

fn roads_osm(files: DataFiles, manifest: &Manifest, out: &Path) -> Result<(), Error> {
    let roads = load_network(files, manifest)?;
    let net = &roads.network;
    let SpeedModel::Uniform { kmh } = net.speed_model else {
        return Err("roads-osm writes a uniform-speed network (the probe links)".into());
    };
    let g = &net.graph;
    // Graph node i is OSM node i + 1; the shape's inner vertices follow.
    let mut nodes: Vec<(i64, f64, f64)> = (0..g.node_count() as u32)
        .map(|i| {
            let p = g.node(i);
            (i64::from(i) + 1, p.lon(), p.lat())
        })
        .collect();
    let mut ways = Vec::with_capacity(g.links().len());
    let speed = format!("{}", kmh.round());
    for (i, link) in g.links().iter().enumerate() {
        let shape = g.shape(i);
        let mut refs = vec![i64::from(link.from) + 1];
        for xy in &shape[1..shape.len().saturating_sub(1)] {
            let (lon, lat) = g.plane().inverse(*xy);
            let id = nodes.len() as i64 + 1;
            nodes.push((id, lon, lat));
            refs.push(id);
        }
        refs.push(i64::from(link.to) + 1);
        let mut tags = vec![
            ("highway".to_string(), "tertiary".to_string()),
            ("maxspeed".to_string(), speed.clone()),
        ];
        match (link.forward, link.backward) {
            (true, false) => tags.push(("oneway".into(), "yes".into())),
            (false, true) => tags.push(("oneway".into(), "-1".into())),
            _ => {}
        }
        ways.push(OsmWay {
            id: i as i64 + 1,
            refs,
            tags,
        });
    }
    std::fs::write(out, write_pbf(&nodes, &ways)?)?;
    println!(
        "{}: {} nodes ({} junctions and ends), {} ways, maxspeed {speed}",
        out.display(),
        nodes.len(),
        g.node_count(),
        ways.len()
    );
    Ok(())
}

fn reach(
    files: DataFiles,
    manifest: &Manifest,
    out: &Path,
    at: LonLat,
    contours: &[f64],
) -> Result<(), Error> {
    let roads = load_network(files, manifest)?;
    let net = &roads.network;
    let g = &net.graph;
    let iso = isochrone(net, at, Metric::Time, contours).map_err(|r| r.as_str())?;
    let budgets: Vec<f64> = contours.iter().map(|c| c * 60.0).collect();
    let limit = budgets.last().copied().unwrap_or(0.0);
    // The contour areas with the service's buffer and with a narrow one: the difference is
    // what the buffer adds around the same reached roads.
    let mut areas = Map::new();
    for buffer in [ROAD_BUFFER_M, 100.0] {
        let mut km2 = Vec::new();
        if let Some((lo, hi)) = iso.reach.extent(g, &net.outline, limit) {
            let mut grid = LevelGrid::covering(lo, hi, buffer, AREA_CELL_M);
            iso.reach
                .paint(g, &net.outline, &mut grid, &budgets, buffer);
            for k in 0..contours.len() {
                let cells = grid.count_at_most(k as u8);
                km2.push(cells as f64 * AREA_CELL_M * AREA_CELL_M / 1e6);
            }
        }
        areas.insert(format!("buffer_{buffer:.0}m_km2"), km2.into());
    }
    let mut per_contour = Vec::new();
    for (k, budget) in budgets.iter().enumerate() {
        let nodes: Vec<[f64; 2]> = (0..g.node_count() as u32)
            .filter(|&u| iso.reach.node_cost(u) <= *budget)
            .map(|u| [g.node(u).lon(), g.node(u).lat()])
            .collect();
        per_contour.push(json!({"minutes": contours[k], "nodes": nodes}));
    }
    let answer = json!({
        "snap": [iso.snap.point.lon(), iso.snap.point.lat()],
        "offroad_m": iso.snap.offroad_m,
        "speed_model": net.speed_model.name(),
        "areas": areas,
        "contours": per_contour,
    });
    std::fs::write(out, serde_json::to_vec(&answer)?)?;
    Ok(())
}
