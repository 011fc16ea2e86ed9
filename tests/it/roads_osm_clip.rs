//! The user's own OpenStreetMap extract: clipping the real Helsinki fixture by a polygon keeps
//! every drivable way with a node inside (checked with geo's point-in-polygon, not the clip's
//! raster) and little else, writes a PBF that reads back node for node, and the clipped
//! extract loads as a road layer (`osm_maxspeed`) that answers nearest by road.

use crate::common;

use carecover::data::RoadLayer;
use carecover::geom::{geodesic_distance_m, LonLat};
use carecover::routing::{clip_osm_pbf, way_rule, ClipArea, ProviderRoads, RoadNetwork};
use geo::{Contains, Coord, LineString, MultiPolygon, Point, Polygon};
use osmpbf::{Element, ElementReader};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Drivable ways (id → refs, tags) and node coordinates of a PBF, read with osmpbf directly.
type Ways = HashMap<i64, (Vec<i64>, Vec<(String, String)>)>;
fn read(path: &Path) -> (Ways, HashMap<i64, (f64, f64)>) {
    let (mut ways, mut nodes) = (HashMap::new(), HashMap::new());
    ElementReader::from_path(path)
        .unwrap()
        .for_each(|el| match el {
            Element::Way(w) if way_rule(w.tags()).is_some() => {
                let tags = w
                    .tags()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect();
                ways.insert(w.id(), (w.refs().collect(), tags));
            }
            Element::Node(n) => {
                nodes.insert(n.id(), (n.lon(), n.lat()));
            }
            Element::DenseNode(n) => {
                nodes.insert(n.id(), (n.lon(), n.lat()));
            }
            _ => {}
        })
        .unwrap();
    (ways, nodes)
}

/// A quadrilateral over the south-west of the fixture (bbox 24.9352–24.9534 E,
/// 60.1642–60.1791 N).
fn polygon() -> MultiPolygon<f64> {
    let ring: Vec<Coord<f64>> = [
        (24.938, 60.166),
        (24.948, 60.1665),
        (24.946, 60.174),
        (24.9375, 60.172),
        (24.938, 60.166),
    ]
    .iter()
    .map(|&(x, y)| Coord { x, y })
    .collect();
    MultiPolygon(vec![Polygon::new(LineString(ring), vec![])])
}

/// Metres from `p` to the polygon's boundary (0 inside): the nearest of densely sampled
/// boundary points, geodesic.
fn metres_to_polygon(poly: &MultiPolygon<f64>, p: (f64, f64)) -> f64 {
    if poly.contains(&Point::new(p.0, p.1)) {
        return 0.0;
    }
    let at = LonLat::new(p.0, p.1).unwrap();
    let ring = &poly.0[0].exterior().0;
    let mut best = f64::INFINITY;
    for w in ring.windows(2) {
        for k in 0..=200 {
            let t = k as f64 / 200.0;
            let q = LonLat::new(
                w[0].x + t * (w[1].x - w[0].x),
                w[0].y + t * (w[1].y - w[0].y),
            )
            .unwrap();
            best = best.min(geodesic_distance_m(at, q));
        }
    }
    best
}

fn out_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("carecover-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(d.join("roads")).unwrap();
    d
}

#[test]
fn a_clipped_extract_keeps_the_ways_touching_the_polygon_and_serves_road_answers() {
    let input = common::helsinki_pbf();
    let poly = polygon();
    let margin_m = 50.0;
    let area = ClipArea::new(std::slice::from_ref(&poly), margin_m).unwrap();
    let dir = out_dir("clip");
    let out = dir.join("roads/helsinki_clip.osm.pbf");
    let stats = clip_osm_pbf(&input, &area, &out).unwrap();
    println!("{stats:?}");

    let (in_ways, in_nodes) = read(&input);
    let (out_ways, out_nodes) = read(&out);
    assert_eq!(stats.drivable_ways, in_ways.len());
    assert_eq!(stats.ways_kept, out_ways.len());
    assert!(out_ways.len() < in_ways.len(), "the clip dropped something");
    // Every drivable way with a node inside the polygon is kept, whole, with its tags.
    let mut inside = 0;
    for (id, (refs, tags)) in &in_ways {
        let touches = refs
            .iter()
            .filter_map(|r| in_nodes.get(r))
            .any(|c| poly.contains(&Point::new(c.0, c.1)));
        if touches {
            inside += 1;
            let (orefs, otags) = out_ways
                .get(id)
                .unwrap_or_else(|| panic!("way {id} touches the polygon but was dropped"));
            assert_eq!(orefs, refs, "way {id}");
            for t in otags {
                assert!(tags.contains(t), "way {id}: {t:?}");
            }
            assert!(otags.iter().any(|(k, _)| k == "highway"));
        }
    }
    assert!(inside > 50, "{inside} ways inside the polygon");
    // Every kept way has a node within the margin plus three cell diagonals (cells of 25 m).
    let slack = margin_m + 3.0 * 25.0 * std::f64::consts::SQRT_2;
    for (id, (refs, _)) in &out_ways {
        let near = refs
            .iter()
            .filter_map(|r| in_nodes.get(r))
            .map(|c| metres_to_polygon(&poly, *c))
            .fold(f64::INFINITY, f64::min);
        assert!(near <= slack, "way {id} kept {near:.0} m from the polygon");
    }
    // Nodes are written exactly (1e-7°) and only those of kept ways.
    let wanted: HashSet<i64> = out_ways
        .values()
        .flat_map(|w| w.0.iter().copied())
        .collect();
    for (id, c) in &out_nodes {
        assert!(wanted.contains(id));
        let o = in_nodes[id];
        assert!(
            (c.0 - o.0).abs() < 1e-9 && (c.1 - o.1).abs() < 1e-9,
            "node {id}"
        );
    }
    assert_eq!(
        out_nodes.len(),
        wanted.iter().filter(|r| in_nodes.contains_key(r)).count()
    );

    // The clipped file is a road layer with OSM speeds, and answers nearest by road.
    let layer = RoadLayer {
        files: vec!["roads/helsinki_clip.osm.pbf".into()],
        source: "osm".into(),
        uniform_speed_kmh: 40.0,
    };
    let net = RoadNetwork::load(&dir, &layer).unwrap();
    assert_eq!(net.speed_model.name(), "osm_maxspeed");
    // "Providers" at a few nodes inside the polygon; queries from points around them.
    let mut ids: Vec<&i64> = out_nodes.keys().collect();
    ids.sort();
    let inner: Vec<LonLat> = ids
        .iter()
        .map(|id| out_nodes[*id])
        .filter(|c| poly.contains(&Point::new(c.0, c.1)))
        .step_by(37)
        .take(6)
        .map(|c| LonLat::new(c.0, c.1).unwrap())
        .collect();
    assert!(inner.len() >= 4);
    let providers = ProviderRoads::new(&net, &inner);
    let mut answered = 0;
    for q in [(24.941, 60.168), (24.944, 60.170), (24.940, 60.1715)] {
        let at = LonLat::new(q.0, q.1).unwrap();
        let hits = providers.nearest(&net, at, 2, |_| true).unwrap();
        let all = providers.brute_force(&net, at).unwrap();
        let mut want: Vec<f64> = all.iter().flatten().map(|c| c.total_m()).collect();
        want.sort_by(f64::total_cmp);
        for (h, w) in hits.iter().zip(&want) {
            assert!((h.cost.total_m() - w).abs() < 1e-6);
            let p = inner[h.index as usize];
            assert!(h.cost.total_m() >= geodesic_distance_m(at, p) * 0.999);
            assert!(h.cost.drive_s() > 0.0);
        }
        answered += usize::from(!hits.is_empty());
    }
    assert_eq!(answered, 3);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_prefecture_clip_area_keeps_the_margin_and_drops_far_places() {
    let ds = common::dataset();
    let polys: Vec<MultiPolygon<f64>> = ds.regions.iter().map(|r| r.geometry.clone()).collect();
    let area = ClipArea::new(&polys, carecover::app::rules::OSM_CLIP_MARGIN_M).unwrap();
    // 大牟田駅 (福岡) lies outside the prefecture, a few km north of 荒尾: in the margin.
    let omuta = Point::new(130.4466, 33.0306);
    assert!(!polys.iter().any(|m| m.contains(&omuta)));
    for (lon, lat, kept) in [
        (130.6886, 32.7898, true),  // 熊本駅
        (130.4466, 33.0306, true),  // 大牟田駅
        (130.4017, 33.5902, false), // 福岡市
        (131.6126, 33.2382, false), // 大分市
        (130.5581, 31.5966, false), // 鹿児島市
    ] {
        let p = LonLat::new(lon, lat).unwrap();
        assert_eq!(area.contains(p), kept, "({lon}, {lat})");
    }
    // Every town point of the dataset is inside.
    assert!(ds.towns.iter().all(|t| area.contains(t.location)));
}

/// A data folder whose manifest's roads layer is a clipped OSM extract: the other layers are
/// the real ones (linked), the roads the clipped Helsinki fixture.
#[test]
fn an_osm_roads_layer_loads_through_the_manifest() {
    let dir = out_dir("manifest");
    let area = ClipArea::new(&[polygon()], 50.0).unwrap();
    clip_osm_pbf(
        &common::helsinki_pbf(),
        &area,
        &dir.join("roads/osm.osm.pbf"),
    )
    .unwrap();
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata/manifest.json"),
    )
    .unwrap();
    let mut m: serde_json::Value = serde_json::from_str(&text).unwrap();
    m["roads"] = serde_json::json!({"files": ["roads/osm.osm.pbf"], "source": "osm"});
    m["sources"]["osm"] = serde_json::json!({
        "name": "OpenStreetMap", "name_en": "OpenStreetMap", "date": "2019-04-21",
        "license": "ODbL 1.0", "credit": "© OpenStreetMap contributors"});
    let manifest = carecover::data::Manifest::parse(&m.to_string(), "test manifest").unwrap();
    for f in manifest.files() {
        let to = dir.join(f);
        if !to.exists() {
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            #[cfg(unix)]
            std::os::unix::fs::symlink(common::data_dir().join(f), &to).unwrap();
        }
    }
    let ds = carecover::data::Dataset::load(&dir, &manifest).unwrap_or_else(|e| panic!("{e}"));
    let roads = carecover::app::load_roads(&ds).unwrap().unwrap();
    assert_eq!(roads.network.speed_model.name(), "osm_maxspeed");
    assert!(roads.network.graph.node_count() > 100);
    std::fs::remove_dir_all(&dir).unwrap();
}
