//! The probe road network on the real data: import, snapping against a linear scan, and
//! nearest by road against road distances to every provider.

use crate::common;

use carecover::data::{KindSet, ProviderKind};
use carecover::geom::{geodesic_distance_m, LonLat};
use carecover::routing::{RoadCost, RoadReason, MAX_SNAP_M};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use common::roads;

fn points(seed: u64, n: usize) -> Vec<LonLat> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n)
        .map(|_| LonLat::new(rng.gen_range(130.2..131.2), rng.gen_range(32.1..33.2)).unwrap())
        .collect()
}

#[test]
fn the_probe_network_loads_as_described_in_sources() {
    let g = &roads().network.graph;
    let c = g.components();
    println!(
        "nodes {}, links {}, km {:.0}, components {}, largest {}\n{:?}",
        g.node_count(),
        g.links().len(),
        g.total_length_m() / 1000.0,
        c.count(),
        c.largest(),
        g.topology()
    );
    let t = g.topology().expect("imported from lines");
    assert_eq!(t.lines, 33_634, "SOURCES.md: 33,634 LineStrings");
    assert!(g.links().len() >= t.lines + t.lines_split);
    // 10,461 km of lines, plus the connectors (≤ 2 m each) that take a moved end to its node.
    let km = g.total_length_m() / 1000.0;
    assert!((-30.0..60.0).contains(&(km - 10_461.0)), "{km} km");
    // SOURCES.md: 26,348 distinct end points in 561 components (exact vertex sharing); merging
    // ends within the tolerance and joining them to interiors only joins, never splits.
    assert!(t.nodes_before < 26_348 && t.nodes_after <= t.nodes_before);
    assert_eq!(t.nodes_after, g.node_count());
    assert!(t.components_before < 561 && t.components_after < t.components_before);
    // Issue 18's outside count: 7,624 line ends lie within 2 m of another line's interior
    // vertex (2,722 within 1 m); nearly all of them join one (a vertex wins over a segment).
    assert!(
        (7_000..=7_700).contains(&t.ends_joined_to_vertex),
        "{}",
        t.ends_joined_to_vertex
    );
    assert!(t.ends_joined_to_segment > 0);
    assert!(c.count() == t.components_after && c.largest() as usize == t.largest_after);
    let (before, after) = t.largest_share();
    assert!(
        before > 0.94 && after > before && after > 0.97,
        "{before} → {after}"
    );
    assert_eq!(roads().network.speed_model.name(), "uniform_40kmh");
}

#[test]
fn snapping_agrees_with_a_scan_over_every_segment() {
    let net = &roads().network;
    for at in points(7, 150) {
        let fast = net.snap(at);
        let slow = net.snapper.snap_brute_force(&net.graph, at);
        match (fast, slow) {
            (None, None) => {}
            (Some(f), Some(s)) => {
                assert!((f.offroad_m - s.offroad_m).abs() < 1e-6, "{f:?} vs {s:?}");
                assert_eq!(f.in_largest, s.in_largest);
                assert!(f.offroad_m <= MAX_SNAP_M);
                assert!(f.along_m >= 0.0);
                assert!(f.along_m <= net.graph.links()[f.link as usize].length_m + 1e-6);
            }
            (f, s) => panic!("r-tree {f:?} vs scan {s:?}"),
        }
    }
}

#[test]
fn a_point_at_sea_has_no_road() {
    let at = LonLat::new(129.7, 32.3).unwrap();
    assert!(roads().network.snap(at).is_none());
    let err = roads()
        .providers
        .nearest(&roads().network, at, 3, |_| true)
        .unwrap_err();
    assert_eq!(err, RoadReason::NoRoadWithin3km);
}

fn check_against_brute_force(kinds: KindSet, k: usize, seed: u64) {
    let ds = common::dataset();
    let r = roads();
    let wanted = |i: u32| ds.providers[i as usize].kinds.intersects(kinds);
    let mut answered = 0;
    for at in points(seed, 25) {
        let fast = r.providers.nearest(&r.network, at, k, wanted);
        let all = r.providers.brute_force(&r.network, at);
        let (fast, all) = match (fast, all) {
            (Err(a), Err(b)) => {
                assert_eq!(a, b);
                continue;
            }
            (Ok(f), Ok(a)) => (f, a),
            (f, a) => panic!("{f:?} vs {a:?}"),
        };
        let mut want: Vec<(u32, RoadCost)> = all
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.map(|c| (i as u32, c)))
            .filter(|(i, _)| wanted(*i))
            .collect();
        want.sort_by(|a, b| a.1.total_m().total_cmp(&b.1.total_m()).then(a.0.cmp(&b.0)));
        want.truncate(k);
        assert_eq!(fast.len(), want.len());
        for (h, (i, c)) in fast.iter().zip(&want) {
            // Equal costs may tie between providers at one town point: compare costs.
            assert!(
                (h.cost.total_m() - c.total_m()).abs() < 1e-6,
                "{h:?} vs {i} {c:?}"
            );
            assert!((h.cost.drive_s() - c.drive_s()).abs() < 1e-3 || h.index != *i);
            // The geodesic is a lower bound on the road (up to the projection's 0.05 %).
            let p = ds.providers[h.index as usize].location;
            assert!(h.cost.total_m() >= geodesic_distance_m(at, p) * 0.9995 - 1.0);
        }
        // Road figures for the straight-line k agree with the oracle too.
        let targets: Vec<u32> = want.iter().map(|w| w.0).collect();
        let costs = r.providers.costs_to(&r.network, at, &targets).unwrap();
        for (c, t) in costs.iter().zip(&targets) {
            let c = c.as_ref().unwrap();
            let o = all[*t as usize].unwrap();
            assert!((c.total_m() - o.total_m()).abs() < 1e-6);
        }
        answered += 1;
    }
    assert!(answered > 10, "most random points lie near a road");
}

#[test]
fn nearest_by_road_equals_road_distance_to_every_provider() {
    check_against_brute_force(KindSet::all(), 3, 21);
    check_against_brute_force(
        KindSet::from_kinds([
            ProviderKind::HomeCareSupportClinic,
            ProviderKind::HomeCareSupportHospital,
        ]),
        2,
        22,
    );
}

#[test]
fn providers_unreachable_by_road_get_a_reason() {
    let r = roads();
    let ds = common::dataset();
    let at = LonLat::new(130.7079, 32.8032).unwrap();
    let all: Vec<u32> = (0..ds.providers.len() as u32).collect();
    let costs = r.providers.costs_to(&r.network, at, &all).unwrap();
    let ok = costs.iter().filter(|c| c.is_ok()).count();
    assert!(ok > all.len() * 3 / 4, "{ok} of {} reached", all.len());
    for (i, c) in costs.iter().enumerate() {
        match c {
            Err(RoadReason::ProviderNoRoadWithin3km) => {
                assert!(r.providers.snap(i as u32).is_none())
            }
            Err(RoadReason::NotConnected) => assert!(r.providers.snap(i as u32).is_some()),
            Err(other) => panic!("{other:?}"),
            Ok(_) => {}
        }
    }
}

#[test]
fn road_coverage_from_all_sources_equals_the_nearest_source_by_road() {
    let ds = common::dataset();
    let r = roads();
    let home_care = carecover::app::rules::default_home_care();
    let sources: Vec<u32> = (0..ds.providers.len() as u32)
        .filter(|i| home_care.selects(&ds.providers[*i as usize]))
        .collect();
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let towns: Vec<LonLat> = (0..30)
        .map(|_| ds.towns[rng.gen_range(0..ds.towns.len())].location)
        .collect();
    let got =
        carecover::routing::road_distance_from_nearest(&r.network, &r.providers, &sources, &towns);
    for (t, g) in towns.iter().zip(got) {
        // The probe network is undirected, so town → provider equals provider → town.
        let want = r
            .providers
            .costs_to(&r.network, *t, &sources)
            .ok()
            .and_then(|cs| {
                cs.iter()
                    .filter_map(|c| c.as_ref().ok().map(RoadCost::total_m))
                    .min_by(f64::total_cmp)
            });
        match (g, want) {
            (Some(a), Some(b)) => assert!((a - b).abs() < 1e-6, "{a} vs {b}"),
            (a, b) => assert_eq!(a, b),
        }
    }
    for row in &r.coverage.regions {
        assert!(row.towns_beyond_road_km + row.towns_without_road <= row.towns_within_km);
        assert!(row.towns_within_km <= row.towns);
    }
    let total: usize = r.coverage.regions.iter().map(|x| x.towns).sum();
    assert_eq!(total, ds.towns.len());
    println!("{:?}", r.coverage.regions);

    // The flattered towns, checked one by one against a brute-force straight-line scan and
    // the single-source road costs from every home-care provider.
    let mut listed = 0;
    for row in &r.coverage.regions {
        assert_eq!(row.towns_flattered.len(), row.towns_beyond_road_km);
        assert!(row
            .towns_flattered
            .windows(2)
            .all(|w| w[0].road_km - w[0].straight_km >= w[1].road_km - w[1].straight_km));
        for f in &row.towns_flattered {
            listed += 1;
            let t = ds
                .towns
                .iter()
                .find(|t| t.city == f.city && t.name == f.town && t.region_id == row.region_id)
                .unwrap_or_else(|| panic!("{f:?} is not a town of region {}", row.region_id));
            let straight = sources
                .iter()
                .map(|&i| geodesic_distance_m(t.location, ds.providers[i as usize].location))
                .fold(f64::INFINITY, f64::min);
            assert!(straight <= 16_000.0, "{f:?}: {straight}");
            assert!((straight / 1000.0 - f.straight_km).abs() <= 0.0005, "{f:?}");
            let road = r
                .providers
                .costs_to(&r.network, t.location, &sources)
                .unwrap()
                .iter()
                .filter_map(|c| c.as_ref().ok().map(RoadCost::total_m))
                .fold(f64::INFINITY, f64::min);
            assert!(road > 16_000.0, "{f:?}: {road}");
            assert!((road / 1000.0 - f.road_km).abs() <= 0.0005, "{f:?}: {road}");
        }
    }
    assert!(listed > 0, "the probe network flatters no town at all?");
}
