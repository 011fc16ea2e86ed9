//! Index build and nearest-k on the real Kumamoto providers and on 100 k synthetic points.
//! Run: `cargo bench --bench nearest`.

use carecover::data::{Dataset, KindSet, Manifest, ProviderKind};
use carecover::geom::LonLat;
use carecover::index::{IndexItem, ProviderIndex};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::hint::black_box;
use std::path::PathBuf;

fn data_dir() -> PathBuf {
    std::env::var_os("CARECOVER_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/geodata")))
}

fn queries(n: usize) -> Vec<LonLat> {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    (0..n)
        .map(|_| LonLat::new(rng.gen_range(130.2..131.2), rng.gen_range(32.2..33.1)).unwrap())
        .collect()
}

fn synthetic(n: usize) -> Vec<IndexItem> {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    (0..n)
        .map(|i| {
            let mut kinds = KindSet::EMPTY;
            for k in ProviderKind::ALL {
                if rng.gen_bool(0.2) {
                    kinds.insert(k);
                }
            }
            IndexItem {
                id: format!("{i:07}"),
                location: LonLat::new(rng.gen_range(129.96..131.33), rng.gen_range(32.09..33.2))
                    .unwrap(),
                kinds,
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let ds = Dataset::load(data_dir(), &Manifest::builtin().unwrap()).unwrap();
    let qs = queries(1024);
    let clinics = KindSet::from_kinds([ProviderKind::HomeCareSupportClinic]);
    let enhanced = KindSet::from_kinds([ProviderKind::EnhancedHomePalliative]);

    let mut g = c.benchmark_group("index_build");
    g.bench_function("real_1324", |b| {
        b.iter(|| ProviderIndex::from_providers(black_box(&ds.providers)))
    });
    let items = synthetic(100_000);
    g.sample_size(10);
    g.bench_function("synthetic_100k", |b| {
        b.iter(|| ProviderIndex::new(black_box(items.clone())))
    });
    g.finish();

    // The cost floor of an exact answer: one Karney inverse per result.
    let (a, b2) = (
        LonLat::new(130.70, 32.80).unwrap(),
        LonLat::new(130.72, 32.81).unwrap(),
    );
    c.bench_function("geodesic_distance_one_pair", |b| {
        b.iter(|| carecover::geom::geodesic_distance_m(black_box(a), black_box(b2)))
    });

    let real = ProviderIndex::from_providers(&ds.providers);
    let big = ProviderIndex::new(items);
    let mut g = c.benchmark_group("nearest");
    for (name, index) in [("real_1324", &real), ("synthetic_100k", &big)] {
        for (fname, filter) in [
            ("all", KindSet::all()),
            ("clinic", clinics),
            ("enhanced", enhanced),
        ] {
            let mut i = 0;
            g.bench_function(BenchmarkId::new(format!("{name}/k5"), fname), |b| {
                b.iter(|| {
                    i = (i + 1) % qs.len();
                    black_box(index.nearest(qs[i], 5, filter))
                })
            });
        }
        let mut i = 0;
        g.bench_function(
            BenchmarkId::new(format!("{name}/within16km"), "clinic"),
            |b| {
                b.iter(|| {
                    i = (i + 1) % qs.len();
                    black_box(index.within(qs[i], 16_000.0, clinics))
                })
            },
        );
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
