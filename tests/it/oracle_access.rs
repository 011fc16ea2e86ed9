//! The E2SFCA accessibility index on the real data against brute force: every pair of cell
//! and provider measured with Karney's geodesic, the zones and sums written out here.

use crate::common;
use carecover::app::rules::Preset;
use carecover::coverage::people::{cell_people, AGE_65_PLUS};
use carecover::geom::geodesic_distance_m;

/// Luo & Qi's zones as the issue defines them: [0, 5), [5, 10), [10, 16] km.
fn weight(d: f64) -> Option<f64> {
    if d < 5_000.0 {
        Some(1.0)
    } else if d < 10_000.0 {
        Some(0.68)
    } else if d <= 16_000.0 {
        Some(0.22)
    } else {
        None
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1e-12)
}

#[test]
fn the_index_of_every_cell_and_municipality_equals_brute_force() {
    let snap = common::snapshot();
    let ds = &snap.dataset;
    let frames = &snap.coverage.frames;
    for (preset, year) in [
        (Preset::EnhancedPalliative, 2040u16),
        (Preset::PediatricHome, 2020),
    ] {
        let layer = preset.layer(&snap.coverage);
        let got = layer.access(ds, frames, year);
        let factors = frames.demography.factors(year).expect("year in the data");
        let people: Vec<f64> = cell_people(&frames.population, factors)
            .iter()
            .map(|p| p[AGE_65_PLUS])
            .collect();
        let cells = &frames.population.cells;
        let sites = &layer.sites.sites;
        assert!(sites.len() >= 5 && cells.len() >= 4_000);
        // Step 1: R_j over every cell.
        let ratio: Vec<Option<f64>> = sites
            .iter()
            .map(|s| {
                let denom: f64 = cells
                    .iter()
                    .zip(&people)
                    .filter_map(|(c, p)| {
                        Some(p * weight(geodesic_distance_m(c.center, s.location))?)
                    })
                    .sum();
                (denom > 0.0).then(|| 1.0 / denom)
            })
            .collect();
        // Step 2: A_i over every provider.
        let index: Vec<f64> = cells
            .iter()
            .map(|c| {
                sites
                    .iter()
                    .zip(&ratio)
                    .filter_map(|(s, r)| {
                        Some((*r)? * weight(geodesic_distance_m(c.center, s.location))?)
                    })
                    .sum()
            })
            .collect();
        for (j, (a, b)) in ratio.iter().zip(&got.access.ratio).enumerate() {
            match (a, b) {
                (Some(a), Some(b)) => assert!(close(*a, *b), "{preset:?} R_{j}: {a} vs {b}"),
                _ => assert_eq!(a.is_some(), b.is_some(), "{preset:?} R_{j}"),
            }
        }
        for (i, (a, b)) in index.iter().zip(&got.access.index).enumerate() {
            assert!(close(*a, *b), "{preset:?} A_{i}: {a} vs {b}");
        }
        // The identity: Σ P_i A_i = Σ S_j over providers with people in reach.
        let lhs: f64 = people.iter().zip(&index).map(|(p, a)| p * a).sum();
        let rhs = ratio.iter().filter(|r| r.is_some()).count() as f64;
        assert!(close(lhs, rhs), "{preset:?}: Σ P·A = {lhs}, Σ S = {rhs}");
        // Municipalities: means of their cells weighted by the 65+ people each gives them.
        let mut sum = vec![(0.0, 0.0); ds.municipalities.len()];
        for (i, c) in cells.iter().enumerate() {
            for &(m, share) in &c.muni_shares {
                let p = c.pop_65_plus * share * c.alloc_factor * factors[m][AGE_65_PLUS];
                sum[m].0 += p;
                sum[m].1 += p * index[i];
            }
        }
        let mut with_people = 0;
        for (m, (w, s)) in sum.iter().enumerate() {
            let want = (*w > 0.0).then(|| s / w * 10_000.0);
            let have = got.municipalities[m].index;
            match (want, have) {
                (Some(a), Some(b)) => {
                    assert!(
                        close(a, b),
                        "{preset:?} {}: {a} vs {b}",
                        ds.municipalities[m].name
                    );
                    with_people += 1;
                }
                _ => assert_eq!(
                    want.is_some(),
                    have.is_some(),
                    "{}",
                    ds.municipalities[m].name
                ),
            }
        }
        assert!(
            with_people >= 20,
            "{preset:?}: {with_people} municipalities with people"
        );
    }
}
