//! Property-style checks on seeded random polygons: MVT 2.1 winding,
//! clip bounds, ring validity, decoded by `mvt-reader`.

use crate::common;
use crate::tiles_common;

use carecover::tiles::{
    lat_to_tile_y, lon_to_tile_x, render_tile_with, tile_x_to_lon, tile_y_to_lat, LayerSource,
    RenderOptions, TileContext, TileCoord, TileGeometry, VecLayer,
};
use geo_types::{Geometry, MultiPolygon, Polygon};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tiles_common::{decode, spec_area2, star};

fn random_polygon(rng: &mut ChaCha8Rng, t: &TileCoord) -> Polygon<f64> {
    let z = t.z();
    // Centre within ±1.5 tiles of the tile, size from sub-pixel to 4 tiles.
    let fx = f64::from(t.x()) + rng.gen_range(-1.5..2.5);
    let fy = f64::from(t.y()) + rng.gen_range(-1.5..2.5);
    let cx = tile_x_to_lon(fx, z);
    let cy = tile_y_to_lat(fy, z);
    let tile_deg = 360.0 / f64::from(1u32 << z);
    let r_max = tile_deg * rng.gen_range(0.001..4.0);
    let spiky = rng.gen_bool(0.3);
    let r_min = if spiky { r_max * 0.05 } else { r_max * 0.7 };
    let n = rng.gen_range(3..300);
    let rev = rng.gen_bool(0.3);
    let ext = star(rng, cx, cy, r_min, r_max, n, rev);
    let holes = if rng.gen_bool(0.5) {
        let hr = r_min * 0.6;
        let hn = rng.gen_range(3..60);
        let hrev = rng.gen_bool(0.7);
        vec![star(rng, cx, cy, hr * 0.5, hr, hn, hrev)]
    } else {
        vec![]
    };
    Polygon::new(ext, holes)
}

#[test]
fn random_polygons_have_mvt_winding_and_stay_in_the_clip_box() {
    let mut rng = ChaCha8Rng::seed_from_u64(0x4b55_4d41);
    let mut rings_checked = 0usize;
    let mut holes_checked = 0usize;
    for case in 0..400 {
        let z: u8 = rng.gen_range(0..=16);
        let lon = 130.7 + rng.gen_range(-1.0..1.0);
        let lat = 32.8 + rng.gen_range(-1.0..1.0);
        let t = TileCoord::new(
            z,
            lon_to_tile_x(lon, z) as u32,
            lat_to_tile_y(lat, z) as u32,
        )
        .unwrap();
        let parts = rng.gen_range(1..4);
        let geom = if parts == 1 {
            Geometry::Polygon(random_polygon(&mut rng, &t))
        } else {
            Geometry::MultiPolygon(MultiPolygon(
                (0..parts).map(|_| random_polygon(&mut rng, &t)).collect(),
            ))
        };
        let opts = if case % 5 == 0 {
            RenderOptions {
                simplify_tolerance: 0.0,
                min_ring_area: 0.0,
            }
        } else {
            RenderOptions::default()
        };
        let mut layer = VecLayer::new("random", 0, 22);
        layer.push(Some(case), geom.clone(), vec![]).unwrap();
        let bytes = render_tile_with(t, &[&layer as &dyn LayerSource], &opts).unwrap();
        let want = TileGeometry::from_lonlat(&geom, &TileContext::new(&t, opts));
        let Some(TileGeometry::Polygons(want)) = want else {
            assert!(
                bytes.is_empty(),
                "case {case}: no geometry but tile not empty"
            );
            continue;
        };
        let layers = decode(&bytes);
        let Geometry::MultiPolygon(mp) = &layers[0].3[0].geometry else {
            panic!("case {case}: not polygons");
        };
        // mvt-reader groups rings by area sign; wrong winding would change
        // the grouping.
        assert_eq!(mp.0.len(), want.len(), "case {case} {t}: polygon count");
        for (p, w) in mp.0.iter().zip(&want) {
            assert_eq!(
                p.interiors().len(),
                w.interiors.len(),
                "case {case}: hole count"
            );
            for (i, r) in std::iter::once(p.exterior())
                .chain(p.interiors())
                .enumerate()
            {
                assert!(
                    r.0.len() >= 4,
                    "case {case}: ring with {} points",
                    r.0.len()
                );
                assert_eq!(r.0.first(), r.0.last(), "case {case}: ring not closed");
                for c in &r.0 {
                    assert!(
                        (-65..=4161).contains(&c.x) && (-65..=4161).contains(&c.y),
                        "case {case} {t}: vertex {c:?} outside the clip box"
                    );
                }
                for s in r.0.windows(2) {
                    assert_ne!(s[0], s[1], "case {case}: zero-length segment");
                }
                let a = spec_area2(r);
                if i == 0 {
                    assert!(a > 0, "case {case} {t}: exterior area {a} not positive");
                    rings_checked += 1;
                } else {
                    assert!(a < 0, "case {case} {t}: hole area {a} not negative");
                    holes_checked += 1;
                }
            }
        }
    }
    assert!(
        rings_checked > 200,
        "only {rings_checked} exteriors checked"
    );
    assert!(holes_checked > 50, "only {holes_checked} holes checked");
}

/// The real `road_coverage` layer: staircase outlines of a 100 m grid with many holes, the
/// hardest rings the service draws. Every ring of every tile over its extent at three zooms is
/// closed, inside the clip box and wound as MVT 2.1 requires, and holes survive.
#[test]
fn the_real_road_coverage_layer_has_mvt_winding_at_every_zoom() {
    let roads = common::roads();
    let layer = carecover::app::layers::road_coverage_layer(&roads.area).unwrap();
    let (mut rings, mut holes) = (0usize, 0usize);
    for z in [7u8, 10, 13] {
        // Tiles along a west–east and a north–south line through the covered west.
        let mut coords = Vec::new();
        for k in 0..12 {
            let f = k as f64 / 11.0;
            coords.push((130.45 + 0.5 * f, 32.8));
            coords.push((130.7, 32.45 + 0.6 * f));
        }
        let mut seen = std::collections::BTreeSet::new();
        for (lon, lat) in coords {
            let t = TileCoord::new(
                z,
                lon_to_tile_x(lon, z) as u32,
                lat_to_tile_y(lat, z) as u32,
            )
            .unwrap();
            if !seen.insert((t.x(), t.y())) {
                continue;
            }
            let bytes =
                render_tile_with(t, &[&layer as &dyn LayerSource], &RenderOptions::default())
                    .unwrap();
            if bytes.is_empty() {
                continue;
            }
            for (_, _, _, features) in decode(&bytes) {
                for f in features {
                    let polys = match f.geometry {
                        Geometry::Polygon(p) => vec![p],
                        Geometry::MultiPolygon(mp) => mp.0,
                        other => panic!("z{z} {t}: not polygons: {other:?}"),
                    };
                    for p in polys {
                        for (i, r) in std::iter::once(p.exterior())
                            .chain(p.interiors())
                            .enumerate()
                        {
                            assert!(r.0.len() >= 4, "{t}: ring of {} points", r.0.len());
                            assert_eq!(r.0.first(), r.0.last(), "{t}: open ring");
                            assert!(r.0.iter().all(
                                |c| (-65..=4161).contains(&c.x) && (-65..=4161).contains(&c.y)
                            ));
                            let a = spec_area2(r);
                            if i == 0 {
                                assert!(a > 0, "{t}: exterior area {a}");
                                rings += 1;
                            } else {
                                assert!(a < 0, "{t}: hole area {a}");
                                holes += 1;
                            }
                        }
                    }
                }
            }
        }
    }
    assert!(rings > 30 && holes > 10, "{rings} exteriors, {holes} holes");
}
