//! E2SFCA accessibility (`coverage::access`): the `home_care` preset's providers as supply
//! against the built-in population cells (65+ people, allocated to Kumamoto by area share),
//! and against a synthetic grid of 35,000 cells over the prefecture's bounding box (what the
//! whole-prefecture population grid will be); plus A at one point.
//! Run: `cargo bench --bench access` (`-- --quick` for a short run).

use carecover::app::rules::Preset;
use carecover::app::Snapshot;
use carecover::coverage::{e2sfca, AccessFigures, Demand, Supply, Zones};
use carecover::data::{DataFiles, Manifest};
use carecover::geom::{LonLat, Projection};
use criterion::{criterion_group, criterion_main, Criterion};
use rand::{Rng, SeedableRng};
use std::hint::black_box;

/// Cells of the synthetic grid.
const SYNTHETIC_CELLS: usize = 35_000;

/// A regular grid of about `n` cells over `[w, s, e, n]`, square on the ground, with seeded
/// random 65+ counts (a third of the cells empty).
fn synthetic_grid(bounds: [f64; 4], n: usize) -> Vec<Demand> {
    let [w, s, e, north] = bounds;
    let km_x = (e - w) * 111.32 * ((s + north) / 2.0).to_radians().cos();
    let km_y = (north - s) * 110.95;
    let side = (km_x * km_y / n as f64).sqrt();
    let (nx, ny) = (
        (km_x / side).round() as usize,
        (km_y / side).round() as usize,
    );
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(15);
    let mut out = Vec::with_capacity(nx * ny);
    for iy in 0..ny {
        for ix in 0..nx {
            let lon = w + (e - w) * (ix as f64 + 0.5) / nx as f64;
            let lat = s + (north - s) * (iy as f64 + 0.5) / ny as f64;
            let people = if rng.gen_bool(1.0 / 3.0) {
                0.0
            } else {
                rng.gen_range(1.0..150.0)
            };
            out.push(Demand {
                at: LonLat::new(lon, lat).unwrap(),
                people,
            });
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let snap = Snapshot::load(DataFiles::Builtin, &Manifest::builtin().unwrap()).unwrap();
    let supply: Vec<Supply> = Preset::HomeCare
        .layer(&snap.coverage)
        .sites
        .sites
        .iter()
        .map(|s| Supply {
            at: s.location,
            amount: 1.0,
        })
        .collect();
    let cells: Vec<Demand> = snap
        .coverage
        .frames
        .population
        .cells
        .iter()
        .map(|c| Demand {
            at: c.center,
            people: c.pop_65_plus
                * c.muni_shares.iter().map(|(_, s)| s).sum::<f64>()
                * c.alloc_factor,
        })
        .collect();
    let synthetic = synthetic_grid(snap.area.bounds(), SYNTHETIC_CELLS);
    let zones = Zones::luo_qi_16km();
    let proj = Projection::kumamoto();

    let mut g = c.benchmark_group("access");
    g.sample_size(20);
    for (name, demand) in [
        ("e2sfca_home_care_cells", &cells),
        ("e2sfca_home_care_synthetic_35k", &synthetic),
    ] {
        let a = e2sfca(demand, &supply, &zones, &proj);
        println!(
            "{name}: {} cells, {} providers, {} pairs, {} Karney calls, {} providers without people in reach",
            demand.len(),
            supply.len(),
            a.pairs,
            a.exact_calls,
            a.ratio.iter().filter(|r| r.is_none()).count()
        );
        g.bench_function(name, |b| {
            b.iter(|| black_box(e2sfca(black_box(demand), &supply, &zones, &proj).pairs))
        });
    }
    // The whole computation the API runs for one kind set and year: the year's 65+ per cell,
    // both E2SFCA steps, the municipal, regional and prefectural means.
    let layer = Preset::HomeCare.layer(&snap.coverage);
    g.bench_function("full_home_care_2040", |b| {
        b.iter(|| {
            black_box(
                AccessFigures::compute(&snap.dataset, &snap.coverage.frames, layer, 2040)
                    .total
                    .index,
            )
        })
    });
    // A at one place (熊本市中央区), as an answer for a town or an address would ask.
    let a = e2sfca(&synthetic, &supply, &zones, &proj);
    let town = LonLat::new(130.7079, 32.8032).unwrap();
    g.bench_function("at_one_point", |b| {
        b.iter(|| black_box(a.at(black_box(town), &supply, &zones, &proj)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
