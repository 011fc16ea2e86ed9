//! Coverage benchmarks on the real data: a full rebuild of every preset (10 regions, stats,
//! lon/lat copies) and one what-if scenario. Run with `cargo bench --bench coverage`.

use carecover::app::rules::{preset_params, Preset};
use carecover::coverage::{
    municipality_stats, AddedSite, CoverageResult, CoverageSet, Population, Scenario,
};
use carecover::data::{Dataset, Manifest};
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::path::PathBuf;

fn dataset() -> Dataset {
    let dir = std::env::var_os("CARECOVER_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/geodata")));
    let m = Manifest::builtin().expect("builtin manifest");
    Dataset::load(&dir, &m).unwrap_or_else(|e| panic!("{e}"))
}

fn bench(c: &mut Criterion) {
    let ds = dataset();
    let pop = Population::load(&ds).unwrap_or_else(|e| panic!("{e}"));
    let mut g = c.benchmark_group("coverage");
    g.sample_size(20);
    g.bench_function("rebuild_all_presets", |b| {
        b.iter(|| {
            black_box(CoverageSet::with_population(
                &ds,
                pop.clone(),
                &preset_params(),
            ))
        })
    });
    g.bench_function("load_population", |b| {
        b.iter(|| black_box(Population::load(&ds).map(|p| p.len()).unwrap_or(0)))
    });
    let set = CoverageSet::with_population(&ds, pop, &preset_params());
    let base = Preset::HomeCare.layer(&set);
    // The 45 municipalities of one layer (computed once per layer, on first request), next
    // to the whole layer for the 10 regions it is cut from.
    g.bench_function("municipalities_of_one_layer", |b| {
        b.iter(|| black_box(municipality_stats(&ds, &set.frames, base).len()))
    });
    g.bench_function("one_layer_for_the_regions", |b| {
        b.iter(|| {
            black_box(
                CoverageResult::compute(&ds, &set.frames, base.params)
                    .total
                    .gap_km2,
            )
        })
    });
    let add_one = Scenario {
        add: vec![AddedSite {
            lat: 32.25,
            lon: 130.65,
            kinds: None,
        }],
        remove: vec![],
    };
    g.bench_function("what_if_add_one", |b| {
        b.iter(|| {
            black_box(
                add_one
                    .apply(&ds, &set.frames, base)
                    .map(|o| o.changed.len()),
            )
        })
    });
    let central = base
        .sites
        .sites
        .iter()
        .find(|s| s.region_id == 1)
        .map(|s| s.id.clone())
        .unwrap_or_default();
    let remove_one = Scenario {
        add: vec![],
        remove: vec![central],
    };
    g.bench_function("what_if_remove_one_central", |b| {
        b.iter(|| {
            black_box(
                remove_one
                    .apply(&ds, &set.frames, base)
                    .map(|o| o.changed.len()),
            )
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
