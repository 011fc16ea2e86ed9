//! Criterion benchmarks: encoding a tile with ~1,000 polygons, and the
//! project/clip/simplify pipeline on a 5,000-vertex polygon.
//!
//! Run with `cargo bench --bench tiles`.

use std::hint::black_box;

use carecover::tiles::{
    lat_to_tile_y, lon_to_tile_x, render_tile, LayerBuilder, LayerSource, PropValue, RenderOptions,
    TileBuilder, TileContext, TileCoord, TileGeometry, VecLayer,
};
use criterion::{criterion_group, criterion_main, Criterion};
use geo_types::{Coord, Geometry, LineString, Polygon};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn star(rng: &mut ChaCha8Rng, cx: f64, cy: f64, r_min: f64, r_max: f64, n: usize) -> Polygon<f64> {
    let mut pts: Vec<Coord<f64>> = (0..n)
        .map(|i| {
            let a = i as f64 / n as f64 * std::f64::consts::TAU;
            let r = rng.gen_range(r_min..=r_max);
            Coord {
                x: cx + r * a.cos(),
                y: cy + r * a.sin() * 0.84,
            }
        })
        .collect();
    pts.push(pts[0]);
    Polygon::new(LineString::new(pts), vec![])
}

fn tile_at(lon: f64, lat: f64, z: u8) -> TileCoord {
    TileCoord::new(
        z,
        lon_to_tile_x(lon, z) as u32,
        lat_to_tile_y(lat, z) as u32,
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

fn bench_thousand_polygons(c: &mut Criterion) {
    let t = tile_at(130.7, 32.8, 12);
    let b = t.bounds_lonlat();
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let mut layer = VecLayer::new("coverage", 0, 22);
    let cell = (b.max().x - b.min().x) / 32.0;
    for i in 0..1000u64 {
        let cx = b.min().x + rng.gen_range(0.0..1.0) * (b.max().x - b.min().x);
        let cy = b.min().y + rng.gen_range(0.0..1.0) * (b.max().y - b.min().y);
        let p = star(&mut rng, cx, cy, cell * 0.3, cell * 0.6, 40);
        layer
            .push(
                Some(i),
                Geometry::Polygon(p),
                vec![
                    ("provider".into(), format!("p{}", i % 50).into()),
                    ("minutes".into(), PropValue::UInt(i % 4 * 10)),
                ],
            )
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let srcs: [&dyn LayerSource; 1] = [&layer];
    c.bench_function("render_tile 1000 polygons (z12)", |bch| {
        bch.iter(|| render_tile(black_box(t), &srcs).unwrap_or_default())
    });

    let ctx = TileContext::new(&t, RenderOptions::default());
    let mut geoms = Vec::new();
    let mut f = |fr: carecover::tiles::FeatureRef<'_>| {
        if let Some(g) = TileGeometry::from_lonlat(fr.geometry, &ctx) {
            geoms.push(g);
        }
    };
    layer.features(&t, ctx.bbox(), &mut f);
    let props = [
        ("provider", PropValue::from("p1")),
        ("minutes", PropValue::UInt(30)),
    ];
    c.bench_function("encode only 1000 polygons", |bch| {
        bch.iter(|| {
            let mut l = LayerBuilder::new("coverage");
            for (i, g) in geoms.iter().enumerate() {
                l.add_feature(Some(i as u64), black_box(g), &props);
            }
            let mut tile = TileBuilder::new();
            let _ = tile.add_layer(l);
            tile.encode()
        })
    });
}

fn bench_big_polygon(c: &mut Criterion) {
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    let poly = Geometry::Polygon(star(&mut rng, 130.7, 32.8, 0.25, 0.30, 5000));
    // z10 tile on the polygon's east edge (partly clipped), and a z8 tile
    // holding the whole polygon.
    let edge = tile_at(130.98, 32.8, 10);
    let whole = tile_at(130.7, 32.8, 8);
    for (name, t) in [("z10 edge tile", edge), ("z8 whole polygon", whole)] {
        let ctx = TileContext::new(&t, RenderOptions::default());
        assert!(
            TileGeometry::from_lonlat(&poly, &ctx).is_some(),
            "{name} empty"
        );
        c.bench_function(&format!("pipeline 5000-vertex polygon, {name}"), |bch| {
            bch.iter(|| TileGeometry::from_lonlat(black_box(&poly), &ctx))
        });
    }
}

criterion_group!(benches, bench_thousand_polygons, bench_big_polygon);
criterion_main!(benches);
