//! `covered_by_road_pct`: the area within 16 road-km (+ 1 km buffer) of a home-care provider,
//! per region — against a shape with a known area, and on the real data against random points
//! checked by brute force over the reached road segments.

use crate::common;
use crate::reach_oracle;

use carecover::geom::{LonLat, Projection, Xy};
use carecover::routing::{
    AreaReason, GraphBuilder, Plane, ProviderRoads, RegionShape, RoadArea, RoadNetwork, SpeedModel,
    ROAD_BUFFER_M,
};
use geo::{Area, Contains};
use geo_types::{coord, MultiPolygon, Point, Rect};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::f64::consts::PI;

use common::roads;

const X0: f64 = -20_000.0;
const Y0: f64 = -30_000.0;

fn at(x: f64, y: f64) -> LonLat {
    let (lon, lat) = Projection::kumamoto().inverse(Xy { x, y });
    LonLat::new(lon, lat).unwrap()
}

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> MultiPolygon<f64> {
    Rect::new(coord! { x: x0, y: y0 }, coord! { x: x1, y: y1 })
        .to_polygon()
        .into()
}

#[test]
fn a_straight_road_with_one_provider_covers_a_stadium() {
    // A 10 km road due east from (X0, Y0), straight in zone II metres; one provider on its
    // start. Within 4 road-km plus 1 km: a 4 km × 2 km rectangle and a disc of 1 km.
    let mut b = GraphBuilder::new(Plane::ZoneII(Projection::kumamoto()));
    let shape: Vec<LonLat> = (0..=10).map(|k| at(X0 + 1_000.0 * k as f64, Y0)).collect();
    let (a, z) = (b.add_node(shape[0]), b.add_node(shape[10]));
    b.add_link(a, z, &shape, true, true, 40.0);
    let net = RoadNetwork::new(b.build(), SpeedModel::Uniform { kmh: 40.0 });
    let providers = ProviderRoads::new(&net, &[shape[0]]);
    // Planar metres are geodesic metres times the scale factor k here.
    let k = Projection::kumamoto().scale_at(shape[0]);
    let r = 4_000.0;
    let w = ROAD_BUFFER_M / 1000.0;
    let whole = rect(X0 - 1_500.0, Y0 - 1_200.0, X0 + 11_500.0, Y0 + 1_200.0);
    let east = rect(X0 + 2_000.0, Y0 - 1_200.0, X0 + 11_500.0, Y0 + 1_200.0);
    let empty = rect(X0 + 50_000.0, Y0, X0 + 60_000.0, Y0 + 10_000.0);
    let wide = rect(X0 - 20_000.0, Y0 - 20_000.0, X0 + 30_000.0, Y0 + 20_000.0);
    let shapes: Vec<(u8, &str, &MultiPolygon<f64>)> = vec![
        (1, "whole", &whole),
        (2, "east", &east),
        (3, "empty", &empty),
        (4, "wide", &wide),
    ];
    let regions: Vec<RegionShape> = shapes
        .iter()
        .map(|(id, name, mp)| RegionShape {
            id: *id,
            name,
            projected: mp,
            area_km2: mp.unsigned_area() / 1e6,
        })
        .collect();
    let area = RoadArea::compute(&net, &providers, &[0], r, &regions);
    let want_whole = 2.0 * w * (r * k / 1000.0) + PI * w * w;
    let got = area.region(1).unwrap();
    assert!(got.reason.is_none(), "{got:?}");
    let km2 = got.covered_by_road_km2.unwrap();
    assert!(
        (km2 / want_whole - 1.0).abs() < 0.01,
        "{km2} vs {want_whole}"
    );
    let pct = got.covered_by_road_pct.unwrap();
    assert!((pct - 100.0 * km2 / 31.2).abs() < 1e-9, "{pct}");
    // The part east of x = 2 km: a 2 km × 2 km rectangle and half the end disc.
    let want_east = 2.0 * w * (r * k / 1000.0 - 2.0) + PI * w * w / 2.0;
    let km2 = area.region(2).unwrap().covered_by_road_km2.unwrap();
    assert!((km2 / want_east - 1.0).abs() < 0.01, "{km2} vs {want_east}");
    // Network share of `east`: the whole road's buffer east of 2 km.
    let data = area.region(2).unwrap().road_data_pct;
    let want = 100.0 * (2.0 * w * (8.0 * k) + PI * w * w / 2.0) / 22.8;
    assert!((data - want).abs() < 1.0, "{data} vs {want}");
    assert_eq!(
        area.region(3).unwrap().reason,
        Some(AreaReason::NoRoadsInRegion)
    );
    assert!(area.region(3).unwrap().covered_by_road_pct.is_none());
    // 23 km² of road buffer in 2,000 km²: too sparse to say anything.
    assert_eq!(
        area.region(4).unwrap().reason,
        Some(AreaReason::RoadNetworkSparse)
    );
    let ids: Vec<u8> = area.not_reached().map(|r| r.region_id).collect();
    assert_eq!(ids, [3, 4]);
}

#[test]
fn a_one_way_road_is_covered_only_downstream_of_the_provider() {
    // The provider sits 3 km into a 10 km one-way road: 4 road-km reach forward to 7 km and
    // nothing behind it.
    let mut b = GraphBuilder::new(Plane::ZoneII(Projection::kumamoto()));
    let shape: Vec<LonLat> = (0..=10).map(|k| at(X0 + 1_000.0 * k as f64, Y0)).collect();
    let (a, z) = (b.add_node(shape[0]), b.add_node(shape[10]));
    b.add_link(a, z, &shape, true, false, 40.0);
    let net = RoadNetwork::new(b.build(), SpeedModel::Uniform { kmh: 40.0 });
    let providers = ProviderRoads::new(&net, &[shape[3]]);
    let whole = rect(X0 - 1_500.0, Y0 - 1_200.0, X0 + 11_500.0, Y0 + 1_200.0);
    let regions = [RegionShape {
        id: 1,
        name: "whole",
        projected: &whole,
        area_km2: whole.unsigned_area() / 1e6,
    }];
    let area = RoadArea::compute(&net, &providers, &[0], 4_000.0, &regions);
    let k = Projection::kumamoto().scale_at(shape[3]);
    let want = 2.0 * (4.0 * k) + PI;
    let km2 = area.region(1).unwrap().covered_by_road_km2.unwrap();
    assert!((km2 / want - 1.0).abs() < 0.01, "{km2} vs {want}");
    let covered = &area.region(1).unwrap().covered_xy;
    assert!(covered.contains(&Point::new(X0 + 6_900.0, Y0)));
    assert!(!covered.contains(&Point::new(X0 + 1_500.0, Y0)));
}

#[test]
fn covered_by_road_pct_matches_random_points_checked_against_every_reached_segment() {
    let ds = common::dataset();
    let r = roads();
    let g = &r.network.graph;
    let home_care = carecover::app::rules::default_home_care();
    let radius = home_care.radius_m();
    let sources: Vec<reach_oracle::Src> = (0..ds.providers.len() as u32)
        .filter(|i| home_care.selects(&ds.providers[*i as usize]))
        .filter_map(|i| r.providers.snap(i))
        .map(|s| (s.link, s.along_m, s.offroad_m))
        .collect();
    assert!(sources.len() > 100);
    let d = reach_oracle::node_metres(g, &sources);
    let near = reach_oracle::Near::new(
        reach_oracle::reached_segments(g, &d, &sources, radius),
        2_000.0,
    );
    let mut rng = ChaCha8Rng::seed_from_u64(99);
    let mut reached = 0;
    for region in &ds.regions {
        let row = r.area.region(region.id).unwrap();
        let Some(pct) = row.covered_by_road_pct else {
            continue;
        };
        reached += 1;
        let b = region.bbox;
        let (n, mut hits, mut inside) = (1_200, 0, 0);
        let mut polygon_agrees = 0;
        while inside < n {
            let (lon, lat) = (
                rng.gen_range(b.min().x..b.max().x),
                rng.gen_range(b.min().y..b.max().y),
            );
            if !region.geometry.contains(&Point::new(lon, lat)) {
                continue;
            }
            inside += 1;
            let xy = ds.projection.forward_deg(lon, lat);
            let c = [xy.x, xy.y];
            let oracle = near.distance_within(c, ROAD_BUFFER_M).is_some();
            hits += usize::from(oracle);
            let poly = row.covered_xy.contains(&Point::new(c[0], c[1]));
            // Away from the buffer's edge (grid ±71 m, outline ±20 m) they must agree.
            let edge = near
                .distance_within(c, ROAD_BUFFER_M + 120.0)
                .is_some_and(|m| (m - ROAD_BUFFER_M).abs() < 120.0);
            assert!(
                poly == oracle || edge,
                "region {} point ({lon}, {lat}): polygon {poly}, oracle {oracle}",
                region.id
            );
            polygon_agrees += usize::from(poly == oracle);
        }
        let sampled = 100.0 * hits as f64 / n as f64;
        // 1,200 samples: standard error ≤ 1.5 points; 4.5 points is three of them.
        assert!(
            (sampled - pct).abs() < 4.5,
            "region {}: sampled {sampled:.1} % vs covered_by_road_pct {pct:.1} %",
            region.id
        );
        assert!(polygon_agrees as f64 >= 0.97 * n as f64);
    }
    assert!(reached >= 5, "most regions have a figure");
}

#[test]
fn sparse_regions_are_listed_with_a_reason_and_no_figure() {
    let r = roads();
    let not: Vec<(u8, Option<AreaReason>)> = r
        .area
        .not_reached()
        .map(|a| (a.region_id, a.reason))
        .collect();
    // 阿蘇 (南小国・小国・産山・高森 ≈ 0 km of probe roads) and 天草 (138 km) at least.
    assert!(not.iter().any(|(id, _)| *id == 6), "{not:?}");
    assert!(not.iter().any(|(id, _)| *id == 10), "{not:?}");
    for a in r.area.not_reached() {
        assert!(a.covered_by_road_pct.is_none() && a.covered_xy.0.is_empty());
        assert!(a.road_data_pct < carecover::routing::MIN_ROAD_DATA_PCT);
    }
    for a in r.area.regions.iter().filter(|a| a.reason.is_none()) {
        let pct = a.covered_by_road_pct.unwrap();
        assert!(pct > 0.0 && pct <= a.road_data_pct + 1e-9, "{a:?}");
    }
}
