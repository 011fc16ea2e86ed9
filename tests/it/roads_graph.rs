//! Road graph: Dijkstra against Floyd–Warshall, GeoJSON import on a hand-made network, OSM
//! import on the real Helsinki fixture.

use crate::common;

use carecover::geom::LonLat;
use carecover::routing::{
    distances_from, graph_from_geojson, graph_from_osm_pbf, parse_maxspeed, way_rule, GraphBuilder,
    Plane, RoadGraph,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A seeded random graph: `n` nodes in a 10 km box, `m` links, a third of them one-way.
fn random_graph(seed: u64, n: usize, m: usize) -> RoadGraph {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let origin = LonLat::new(130.7, 32.8).unwrap();
    let mut b = GraphBuilder::new(Plane::around(origin));
    let pts: Vec<LonLat> = (0..n)
        .map(|_| {
            LonLat::new(
                130.65 + rng.gen_range(0.0..0.1),
                32.75 + rng.gen_range(0.0..0.1),
            )
            .unwrap()
        })
        .collect();
    for p in &pts {
        b.add_node(*p);
    }
    for _ in 0..m {
        let (u, v) = (rng.gen_range(0..n), rng.gen_range(0..n));
        if u == v {
            continue;
        }
        // A bent shape, so length ≠ straight distance.
        let mid = LonLat::new(
            (pts[u].lon() + pts[v].lon()) / 2.0 + rng.gen_range(-0.01..0.01),
            (pts[u].lat() + pts[v].lat()) / 2.0,
        )
        .unwrap();
        let oneway = rng.gen_bool(0.33);
        b.add_link(
            u as u32,
            v as u32,
            &[pts[u], mid, pts[v]],
            true,
            !oneway,
            40.0,
        );
    }
    b.build()
}

/// All-pairs shortest lengths by Floyd–Warshall over the links (not the CSR).
fn floyd(g: &RoadGraph) -> Vec<Vec<f64>> {
    let n = g.node_count();
    let mut d = vec![vec![f64::INFINITY; n]; n];
    for (i, row) in d.iter_mut().enumerate() {
        row[i] = 0.0;
    }
    for l in g.links() {
        let (a, b) = (l.from as usize, l.to as usize);
        if l.forward {
            d[a][b] = d[a][b].min(l.length_m);
        }
        if l.backward {
            d[b][a] = d[b][a].min(l.length_m);
        }
    }
    for k in 0..n {
        for i in 0..n {
            for j in 0..n {
                let via = d[i][k] + d[k][j];
                if via < d[i][j] {
                    d[i][j] = via;
                }
            }
        }
    }
    d
}

#[test]
fn dijkstra_agrees_with_floyd_warshall_on_seeded_random_graphs() {
    for seed in 0..8 {
        let g = random_graph(seed, 40, 70);
        let want = floyd(&g);
        for (s, row) in want.iter().enumerate() {
            let got = distances_from(&g, s as u32);
            for (t, &b) in row.iter().enumerate() {
                let a = got[t];
                assert!(
                    (a.is_infinite() && b.is_infinite()) || (a - b).abs() < 1e-6,
                    "seed {seed}: {s}->{t}: dijkstra {a}, floyd {b}"
                );
            }
        }
    }
}

#[test]
fn components_are_ordered_largest_first_and_cover_every_node() {
    let g = random_graph(3, 60, 40);
    let c = g.components();
    assert_eq!(c.sizes.iter().sum::<u32>() as usize, g.node_count());
    assert!(c.sizes.windows(2).all(|w| w[0] >= w[1]));
    for l in g.links() {
        assert_eq!(c.of_node[l.from as usize], c.of_node[l.to as usize]);
    }
}

/// Degrees of latitude per metre (≈ 1 / 110,900 m at 32.8°N).
const DEG_PER_M: f64 = 1.0 / 110_900.0;

fn line(coords: &[(f64, f64)]) -> String {
    let c: Vec<String> = coords.iter().map(|(x, y)| format!("[{x},{y}]")).collect();
    format!(
        r#"{{"type":"Feature","properties":{{}},"geometry":{{"type":"LineString","coordinates":[{}]}}}}"#,
        c.join(",")
    )
}

#[test]
fn geojson_end_points_within_the_tolerance_merge_and_three_metres_apart_do_not() {
    let (x, y) = (130.7, 32.8);
    let b = (x + 0.001, y);
    let c = (x + 0.002, y);
    let features = [
        line(&[(x, y), b]),
        // Starts 0.5 m north of b: the same node (tolerance 2 m).
        line(&[(b.0, b.1 + 0.5 * DEG_PER_M), (b.0 + 0.0005, y + 0.0003), c]),
        // Starts 3 m north of c: a new node, a separate component.
        line(&[(c.0, c.1 + 3.0 * DEG_PER_M), (c.0 + 0.001, y)]),
    ];
    let text = format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",")
    );
    let g = graph_from_geojson(&text, "tiny.geojson", 40.0).unwrap();
    assert_eq!(g.node_count(), 5);
    assert_eq!(g.links().len(), 3);
    assert_eq!(g.edge_count(), 6, "undirected: two directed edges per link");
    assert_eq!(g.components().sizes, vec![3, 2]);
    // Lengths are geodesic sums over the shape: the bent middle line is longer than its chord.
    let chord = carecover::geom::geodesic_distance_m(
        LonLat::new(b.0, b.1).unwrap(),
        LonLat::new(c.0, c.1).unwrap(),
    );
    assert!(g.links()[1].length_m > chord);
    let d = distances_from(&g, 0);
    assert!((d[2] - (g.links()[0].length_m + g.links()[1].length_m)).abs() < 1e-9);
    assert!(d[3].is_infinite());
}

#[test]
fn a_bad_geojson_feature_is_named_in_the_error() {
    let text = r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[130.7,32.8],[130.71,32.8]]}},
        {"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[130.7,32.8]}}]}"#;
    let err = graph_from_geojson(text, "roads/x.geojson", 40.0)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("roads/x.geojson") && err.contains("feature 1"),
        "{err}"
    );
    let text = r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[130.7,32.8],[230.71,32.8]]}}]}"#;
    let err = graph_from_geojson(text, "x.geojson", 40.0)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("feature 0") && err.contains("vertex 1"),
        "{err}"
    );
    let err = graph_from_geojson("{", "x.geojson", 40.0)
        .unwrap_err()
        .to_string();
    assert!(err.contains("x.geojson"), "{err}");
}

#[test]
fn osm_tags_decide_driving_one_way_and_speed() {
    let rule = |tags: &[(&str, &str)]| way_rule(tags.iter().copied());
    for class in [
        "footway",
        "cycleway",
        "path",
        "steps",
        "pedestrian",
        "bus_stop",
    ] {
        assert!(rule(&[("highway", class)]).is_none(), "{class}");
    }
    assert!(rule(&[("highway", "residential"), ("access", "private")]).is_none());
    assert!(rule(&[("highway", "service"), ("access", "no")]).is_none());
    let r = rule(&[("highway", "residential")]).unwrap();
    assert!(r.forward && r.backward && r.speed_kmh == 30.0);
    let r = rule(&[
        ("highway", "primary"),
        ("oneway", "yes"),
        ("maxspeed", "50"),
    ])
    .unwrap();
    assert!(r.forward && !r.backward && r.speed_kmh == 50.0);
    let r = rule(&[("highway", "secondary"), ("oneway", "-1")]).unwrap();
    assert!(!r.forward && r.backward);
    let r = rule(&[("highway", "motorway")]).unwrap();
    assert!(r.forward && !r.backward, "motorways are one-way by default");
    let r = rule(&[("highway", "motorway"), ("oneway", "no")]).unwrap();
    assert!(r.backward);
    let r = rule(&[("highway", "tertiary"), ("junction", "roundabout")]).unwrap();
    assert!(!r.backward);
    assert!((parse_maxspeed("30 mph").unwrap() - 48.28032).abs() < 1e-9);
    assert_eq!(parse_maxspeed("60 km/h"), Some(60.0));
    for v in ["none", "FI:urban", "signals", "-5", "0"] {
        assert_eq!(parse_maxspeed(v), None, "{v}");
    }
}

fn helsinki() -> (RoadGraph, carecover::routing::OsmImportStats) {
    let path = common::helsinki_pbf();
    let bytes = std::fs::read(&path).unwrap();
    graph_from_osm_pbf(&bytes, &path.display().to_string()).unwrap()
}

#[test]
fn the_helsinki_extract_imports_its_drivable_ways() {
    let (g, stats) = helsinki();
    println!(
        "{stats:?}, nodes {}, links {}",
        g.node_count(),
        g.links().len()
    );
    assert_eq!(stats.highway_ways, 2_650, "as counted in SOURCES.md");
    // Regression figures of this importer's rules (drivable classes, access, clipping at the
    // extract's edge); the highway count above is the independent one.
    assert_eq!(stats.ways_kept, 943);
    assert_eq!(stats.oneway_ways, 458);
    assert_eq!(stats.osm_nodes_kept, 1_970);
    assert_eq!(stats.missing_node_refs, 172);
    assert_eq!((g.node_count(), g.links().len()), (951, 1_044));
    assert!(stats.osm_nodes_kept >= g.node_count());
    // Every node is an end or junction of some kept way, so none is isolated.
    let mut touched = vec![false; g.node_count()];
    for l in g.links() {
        touched[l.from as usize] = true;
        touched[l.to as usize] = true;
    }
    assert!(touched.iter().all(|t| *t));
    let km = g.total_length_m() / 1000.0;
    assert!((20.0..200.0).contains(&km), "{km} km of drivable road");
}

#[test]
fn driving_against_a_one_way_street_takes_a_detour() {
    let (g, _) = helsinki();
    let mut checked = 0;
    for l in g.links() {
        if !l.forward || l.backward || l.from == l.to || l.length_m < 30.0 {
            continue;
        }
        let with = distances_from(&g, l.from)[l.to as usize];
        if (with - l.length_m).abs() > 1e-6 {
            continue; // another road is shorter even with the flow
        }
        let against = distances_from(&g, l.to)[l.from as usize];
        assert!(
            against > with,
            "link {l:?}: with {with} m, against {against} m"
        );
        checked += 1;
        if checked == 20 {
            break;
        }
    }
    assert!(checked > 5, "the fixture has one-way links to check");
}

#[test]
fn road_layer_mistakes_name_the_file_or_field() {
    use carecover::data::RoadLayer;
    use carecover::routing::RoadNetwork;
    let layer = |files: &[&str], kmh: f64| RoadLayer {
        files: files.iter().map(|f| f.to_string()).collect(),
        source: "mlit_probe".into(),
        uniform_speed_kmh: kmh,
    };
    let dir = carecover::data::DataFiles::Folder(common::fixture(""));
    let err = |l: RoadLayer| match RoadNetwork::load(&dir, &l) {
        Ok(_) => panic!("loaded {l:?}"),
        Err(e) => e.to_string(),
    };
    let e = err(layer(&["roads/missing.geojson"], 40.0));
    assert!(e.contains("roads/missing.geojson"), "{e}");
    let e = err(layer(&["roads/x.geojson"], 0.0));
    assert!(e.contains("uniform_speed_kmh"), "{e}");
    let e = err(layer(&["a.geojson", "b.osm.pbf"], 40.0));
    assert!(e.contains("roads.files"), "{e}");
    let e = err(layer(&[], 40.0));
    assert!(e.contains("roads.files"), "{e}");
    let pbf = common::helsinki_pbf();
    let net = RoadNetwork::load(
        pbf.parent().unwrap(),
        &layer(&[pbf.file_name().unwrap().to_str().unwrap()], 40.0),
    )
    .unwrap();
    assert_eq!(net.speed_model.name(), "osm_maxspeed");
}
