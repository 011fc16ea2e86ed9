//! One tile over 熊本市 with every layer, at z8, z11 and z14: cold (render + encode) and
//! cached (a cache hit, as the HTTP route serves repeat requests). Also a full snapshot build.
//! Run: `cargo bench --bench tile_serving`.

use carecover::app::Snapshot;
use carecover::data::{Dataset, Manifest};
use carecover::tiles::{lat_to_tile_y, lon_to_tile_x, TileCoord};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;

fn data_dir() -> PathBuf {
    std::env::var_os("CARECOVER_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/geodata")))
}

fn bench(c: &mut Criterion) {
    let ds = Arc::new(Dataset::load(data_dir(), &Manifest::builtin().unwrap()).unwrap());
    let snap = Snapshot::build(ds.clone()).unwrap();
    let mut g = c.benchmark_group("tile");
    for z in [8u8, 11, 14] {
        let (lon, lat) = (130.7079, 32.8032);
        let coord = TileCoord::new(
            z,
            lon_to_tile_x(lon, z) as u32,
            lat_to_tile_y(lat, z) as u32,
        )
        .unwrap();
        let bytes = snap.layers.render(coord).unwrap();
        println!("z{z} tile {coord}: {} bytes raw", bytes.len());
        g.bench_function(BenchmarkId::new("cold", z), |b| {
            b.iter(|| snap.layers.render(black_box(coord)).unwrap())
        });
        snap.tile(coord).unwrap();
        g.bench_function(BenchmarkId::new("cached", z), |b| {
            b.iter(|| snap.tile(black_box(coord)).unwrap())
        });
    }
    g.finish();
    let mut g = c.benchmark_group("snapshot");
    g.sample_size(10);
    g.bench_function("build_all_layers_and_presets", |b| {
        b.iter(|| Snapshot::build(ds.clone()).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
