//! Nearest by road on hand-made networks, against distances worked out by hand: providers
//! on the query's own link, one-way links, the off-road legs and the speed model.

use carecover::geom::{geodesic_distance_m, LonLat};
use carecover::routing::{GraphBuilder, Plane, ProviderRoads, RoadNetwork, RoadReason, SpeedModel};

fn p(lon: f64, lat: f64) -> LonLat {
    LonLat::new(lon, lat).unwrap()
}

/// A straight road along 32.8°N: A (130.70) — B (130.71) — C (130.72), one-way A→B→C when
/// `oneway`, else both ways.
fn line_network(oneway: bool) -> RoadNetwork {
    let mut b = GraphBuilder::new(Plane::around(p(130.7, 32.8)));
    let (a, bb, c) = (p(130.70, 32.8), p(130.71, 32.8), p(130.72, 32.8));
    let (na, nb, nc) = (b.add_node(a), b.add_node(bb), b.add_node(c));
    b.add_link(na, nb, &[a, bb], true, !oneway, 40.0);
    b.add_link(nb, nc, &[bb, c], true, !oneway, 40.0);
    RoadNetwork::new(b.build(), SpeedModel::Uniform { kmh: 40.0 })
}

/// 20 m north of the road at `lon`.
fn beside(lon: f64) -> LonLat {
    p(lon, 32.8 + 20.0 / 110_900.0)
}

#[test]
fn distances_along_the_road_match_the_geodesic_along_the_line() {
    let net = line_network(false);
    let providers = [beside(130.705), beside(130.715), beside(130.7005)];
    let roads = ProviderRoads::new(&net, &providers);
    let q = beside(130.702);
    let hits = roads.nearest(&net, q, 3, |_| true).unwrap();
    let order: Vec<u32> = hits.iter().map(|h| h.index).collect();
    assert_eq!(order, vec![2, 0, 1]);
    for h in &hits {
        let lon = [130.705, 130.715, 130.7005][h.index as usize];
        let want = geodesic_distance_m(p(130.702, 32.8), p(lon, 32.8));
        assert!((h.cost.road_m - want).abs() < 0.05, "{h:?} vs {want}");
        assert!(
            (h.cost.offroad_m - 40.0).abs() < 0.5,
            "two legs of 20 m: {h:?}"
        );
        // 40 km/h on the road, 10 km/h off it.
        let secs = h.cost.road_m / (40.0 / 3.6) + h.cost.offroad_m / (10.0 / 3.6);
        assert!((h.cost.drive_s() - secs).abs() < 1e-6);
    }
    assert_eq!(net.speed_model.name(), "uniform_40kmh");
}

#[test]
fn a_one_way_road_is_driven_only_with_the_flow() {
    let net = line_network(true);
    let providers = [beside(130.705), beside(130.715), beside(130.701)];
    let roads = ProviderRoads::new(&net, &providers);
    let q = beside(130.702);
    let hits = roads.nearest(&net, q, 3, |_| true).unwrap();
    let order: Vec<u32> = hits.iter().map(|h| h.index).collect();
    assert_eq!(
        order,
        vec![0, 1],
        "the provider behind the query cannot be reached"
    );
    let costs = roads.costs_to(&net, q, &[2, 1]).unwrap();
    assert_eq!(costs[0], Err(RoadReason::NotConnected));
    assert!(costs[1].is_ok());
    // From the far end, everything lies against the flow.
    let back = roads.costs_to(&net, beside(130.718), &[0, 1, 2]).unwrap();
    assert!(back.iter().all(|c| *c == Err(RoadReason::NotConnected)));
}

#[test]
fn points_beyond_three_kilometres_have_no_road() {
    let net = line_network(false);
    let far = p(130.71, 32.8 + 3_100.0 / 110_900.0);
    let roads = ProviderRoads::new(&net, &[far, beside(130.71)]);
    assert!(roads.snap(0).is_none());
    let costs = roads.costs_to(&net, beside(130.705), &[0, 1]).unwrap();
    assert_eq!(costs[0], Err(RoadReason::ProviderNoRoadWithin3km));
    assert!(costs[1].is_ok());
    assert_eq!(
        roads.nearest(&net, far, 1, |_| true).unwrap_err(),
        RoadReason::NoRoadWithin3km
    );
    let near = p(130.71, 32.8 + 2_900.0 / 110_900.0);
    assert!(net
        .snap(near)
        .is_some_and(|s| (s.offroad_m - 2_900.0).abs() < 20.0));
}
