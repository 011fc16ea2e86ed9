//! Isochrones against brute force: every node reached within a contour lies inside its
//! polygon, every node far (in the plane) from all road parts reached within it lies outside,
//! and contours nest — on the real probe network and on seeded random networks.

use crate::common;
use crate::reach_oracle;

use carecover::geom::{LonLat, Projection, Xy};
use carecover::routing::{
    isochrone, GraphBuilder, Metric, Plane, RoadNetwork, SpeedModel, AREA_CELL_M,
    OUTLINE_TOLERANCE_M, ROAD_BUFFER_M,
};
use geo::{Area, BooleanOps, BoundingRect, Intersects};
use geo_types::{MultiPolygon, Point};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use common::roads;

/// How far outside the buffer a painted cell's area can reach: half a cell diagonal plus the
/// outline tolerance, plus a metre for rounding.
fn slack() -> f64 {
    AREA_CELL_M * std::f64::consts::FRAC_1_SQRT_2 + OUTLINE_TOLERANCE_M + 1.0
}

/// Checks one isochrone of `net` around `at` (contours in the metric's unit) against the
/// oracle. Returns how many nodes were checked inside and outside.
fn check(net: &RoadNetwork, at: LonLat, metric: Metric, contours: &[f64]) -> (usize, usize) {
    let g = &net.graph;
    let iso = isochrone(net, at, metric, contours).unwrap();
    let kmh = match net.speed_model {
        SpeedModel::Uniform { kmh } => kmh,
        SpeedModel::OsmMaxspeed => panic!("uniform networks only"),
    };
    // Oracle in road metres: a minute is kmh/60 km of road; the off-road leg at 10 km/h costs
    // kmh/10 times its length.
    let (unit_m, offroad_factor) = match metric {
        Metric::Time => (kmh * 1000.0 / 60.0, kmh / 10.0),
        Metric::Distance => (1000.0, 1.0),
    };
    let s = iso.snap;
    let src = [(s.link, s.along_m, s.offroad_m * offroad_factor)];
    let d = reach_oracle::node_metres(g, &src);
    assert_eq!(iso.contours.len(), contours.len());
    // Largest first.
    for w in iso.contours.windows(2) {
        assert!(w[0].value > w[1].value);
        let stray = w[1].area_xy.difference(&w[0].area_xy).unsigned_area();
        assert!(
            stray < 1.0,
            "contour {} pokes out of {}: {stray} m²",
            w[1].value,
            w[0].value
        );
    }
    let (mut inside_checked, mut outside_checked) = (0, 0);
    for c in &iso.contours {
        let budget = c.value * unit_m;
        let near = reach_oracle::Near::new(
            reach_oracle::reached_segments(g, &d, &src, budget),
            ROAD_BUFFER_M + 200.0,
        );
        let area: &MultiPolygon<f64> = &c.area_xy;
        let bbox = area.bounding_rect();
        for u in 0..g.node_count() as u32 {
            let p = g.plane().forward(g.node(u));
            let pt = Point::new(p[0], p[1]);
            let in_box = bbox.is_some_and(|b| b.intersects(&pt));
            if d[u as usize] < budget * (1.0 - 1e-9) {
                assert!(
                    in_box && area.intersects(&pt),
                    "contour {}: node {u} at {} m (budget {budget}) is outside",
                    c.value,
                    d[u as usize]
                );
                inside_checked += 1;
            } else if in_box && near.distance_within(p, ROAD_BUFFER_M + slack()).is_none() {
                assert!(
                    !area.intersects(&pt),
                    "contour {}: node {u} is more than {} m from every reached part but inside",
                    c.value,
                    ROAD_BUFFER_M + slack()
                );
                outside_checked += 1;
            }
        }
    }
    (inside_checked, outside_checked)
}

#[test]
fn real_isochrones_hold_every_reached_node_and_no_far_one() {
    let net = &roads().network;
    // 熊本駅 by time, and 人吉 by distance.
    let (n, out) = check(
        net,
        LonLat::new(130.6889, 32.7898).unwrap(),
        Metric::Time,
        &[5.0, 10.0, 15.0],
    );
    assert!(
        n > 1_000 && out > 100,
        "only {n} nodes inside, {out} outside"
    );
    let (n, out) = check(
        net,
        LonLat::new(130.7627, 32.2108).unwrap(),
        Metric::Distance,
        &[3.0, 8.0],
    );
    assert!(n > 100 && out > 10, "only {n} nodes inside, {out} outside");
}

/// A jittered grid of roads in zone II metres, some links missing, some one-way, each with a
/// bent middle vertex.
fn random_network(seed: u64) -> RoadNetwork {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let proj = Projection::kumamoto();
    let at = |x: f64, y: f64| {
        let (lon, lat) = proj.inverse(Xy { x, y });
        LonLat::new(lon, lat).unwrap()
    };
    let n = 14;
    let mut b = GraphBuilder::new(Plane::ZoneII(Projection::kumamoto()));
    let mut xy = Vec::new();
    for j in 0..n {
        for i in 0..n {
            let (x, y) = (
                -10_000.0 + 700.0 * i as f64 + rng.gen_range(-150.0..150.0),
                -40_000.0 + 700.0 * j as f64 + rng.gen_range(-150.0..150.0),
            );
            xy.push((x, y));
            b.add_node(at(x, y));
        }
    }
    for j in 0..n {
        for i in 0..n {
            let u = j * n + i;
            for v in [(i + 1 < n).then_some(u + 1), (j + 1 < n).then_some(u + n)]
                .into_iter()
                .flatten()
            {
                if rng.gen_bool(0.15) {
                    continue;
                }
                let (a, z) = (xy[u], xy[v]);
                let mid = (
                    (a.0 + z.0) / 2.0 + rng.gen_range(-120.0..120.0),
                    (a.1 + z.1) / 2.0 + rng.gen_range(-120.0..120.0),
                );
                let one_way = rng.gen_bool(0.2);
                let fwd = !one_way || rng.gen_bool(0.5);
                b.add_link(
                    u as u32,
                    v as u32,
                    &[at(a.0, a.1), at(mid.0, mid.1), at(z.0, z.1)],
                    fwd,
                    !one_way || !fwd,
                    40.0,
                );
            }
        }
    }
    RoadNetwork::new(b.build(), SpeedModel::Uniform { kmh: 40.0 })
}

#[test]
fn random_network_isochrones_hold_every_reached_node_and_no_far_one() {
    for seed in 0..4 {
        let net = random_network(seed);
        let mut rng = ChaCha8Rng::seed_from_u64(100 + seed);
        let (x, y) = (
            -10_000.0 + rng.gen_range(1_000.0..8_000.0),
            -40_000.0 + rng.gen_range(1_000.0..8_000.0),
        );
        let (lon, lat) = Projection::kumamoto().inverse(Xy { x, y });
        let at = LonLat::new(lon, lat).unwrap();
        let (n, out) = check(&net, at, Metric::Distance, &[1.0, 2.5, 4.0, 6.0]);
        assert!(
            n > 20 && out > 5,
            "seed {seed}: only {n} nodes inside, {out} outside"
        );
    }
}
