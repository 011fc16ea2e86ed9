//! ProviderIndex against a brute-force geodesic scan, on seeded random data and on the real
//! Kumamoto providers.

use crate::common;

use carecover::data::{KindSet, ProviderKind};
use carecover::geom::{LonLat, GRID_GEODESIC_ERR_M};
use carecover::index::{Hit, IndexItem, ProviderIndex};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn random_point(rng: &mut ChaCha8Rng, lon: (f64, f64), lat: (f64, f64)) -> LonLat {
    LonLat::new(rng.gen_range(lon.0..lon.1), rng.gen_range(lat.0..lat.1)).unwrap()
}

/// Random kinds; one set in five is a single resource kind, as a resource list's row is.
fn random_kinds(rng: &mut ChaCha8Rng) -> KindSet {
    if rng.gen_bool(0.2) {
        let k = ProviderKind::RESOURCE[rng.gen_range(0..ProviderKind::RESOURCE.len())];
        return KindSet::from_kinds([k]);
    }
    let mut s = KindSet::EMPTY;
    for k in ProviderKind::ALL {
        if rng.gen_bool(0.25) {
            s.insert(k);
        }
    }
    s
}

fn assert_same(index: &ProviderIndex, got: &[Hit], want: &[Hit], ctx: &str) {
    let ids = |h: &[Hit]| {
        h.iter()
            .map(|h| index.id(h.index).to_string())
            .collect::<Vec<_>>()
    };
    // Same providers in the same order exactly; distances within the documented bound of the
    // index's fast geodesic (Karney is the oracle).
    assert_eq!(ids(got), ids(want), "{ctx}");
    for (g, w) in got.iter().zip(want) {
        assert!(
            (g.distance_m - w.distance_m).abs() <= GRID_GEODESIC_ERR_M,
            "{ctx}: {} vs {}",
            g.distance_m,
            w.distance_m
        );
    }
}

/// The filters a query without kinds, with kinds and with a resource kind use: every kind,
/// the medical kinds (the default), the medical kinds and pharmacies.
fn wide_filter(q: usize) -> KindSet {
    match (q / 3) % 3 {
        0 => KindSet::all(),
        1 => KindSet::medical(),
        _ => KindSet::medical().union(KindSet::from_kinds([ProviderKind::Pharmacy])),
    }
}

/// Random providers; some share a point exactly so ties by id are exercised.
fn random_index(seed: u64, n: usize) -> ProviderIndex {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut items: Vec<IndexItem> = Vec::with_capacity(n);
    for i in 0..n {
        let location = if i > 0 && rng.gen_bool(0.05) {
            items[rng.gen_range(0..i)].location
        } else {
            random_point(&mut rng, (129.9, 131.4), (32.0, 33.3))
        };
        items.push(IndexItem {
            id: format!("{:07}", rng.gen_range(0..10_000_000u32)),
            location,
            kinds: random_kinds(&mut rng),
        });
    }
    ProviderIndex::new(items)
}

#[test]
fn nearest_equals_brute_force_on_seeded_random_data() {
    for seed in 0..8 {
        let index = random_index(seed, 500 + 300 * seed as usize);
        let mut rng = ChaCha8Rng::seed_from_u64(1000 + seed);
        for q in 0..300 {
            // Mostly inside the prefecture, some far outside the projection's band.
            let at = if q % 10 == 0 {
                random_point(&mut rng, (120.0, 145.0), (20.0, 45.0))
            } else {
                random_point(&mut rng, (129.8, 131.5), (31.9, 33.4))
            };
            let k = rng.gen_range(1..=50);
            let filter = if q % 3 == 0 {
                wide_filter(q)
            } else {
                random_kinds(&mut rng)
            };
            let got = index.nearest(at, k, filter);
            let want = index.brute_force_nearest(at, k, filter);
            assert_same(&index, &got, &want, &format!("seed {seed} query {q} k {k}"));
        }
    }
}

#[test]
fn within_equals_brute_force_on_seeded_random_data() {
    let index = random_index(42, 2000);
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for q in 0..400 {
        let at = random_point(&mut rng, (129.8, 131.5), (31.9, 33.4));
        let r = rng.gen_range(0.0..40_000.0);
        let filter = if q % 4 == 0 {
            wide_filter(q / 4 * 3)
        } else {
            random_kinds(&mut rng)
        };
        let got = index.within(at, r, filter);
        let mut want: Vec<Hit> = index
            .scan(at, filter)
            .filter(|h| h.distance_m <= r)
            .collect();
        want.sort_by(|a, b| {
            a.distance_m
                .total_cmp(&b.distance_m)
                .then_with(|| index.id(a.index).cmp(index.id(b.index)))
        });
        assert_same(&index, &got, &want, &format!("query {q} r {r}"));
    }
}

#[test]
fn nearest_equals_brute_force_on_the_real_providers() {
    let ds = common::dataset();
    let index = ProviderIndex::from_providers(&ds.providers);
    let mut rng = ChaCha8Rng::seed_from_u64(2026);
    let filters = [
        KindSet::all(),
        KindSet::from_kinds([ProviderKind::HomeCareSupportClinic]),
        KindSet::from_kinds([
            ProviderKind::HomeCareSupportClinic,
            ProviderKind::HomeCareSupportHospital,
        ]),
        KindSet::from_kinds([ProviderKind::EnhancedHomePalliative]),
        KindSet::from_kinds([
            ProviderKind::PalliativeCareWard,
            ProviderKind::HomeCancerComprehensive,
        ]),
    ];
    // ≥ 1,000 random points over the prefecture's bounding box (SOURCES.md).
    for q in 0..1200 {
        let at = random_point(&mut rng, (129.963393, 131.329343), (32.094924, 33.195123));
        let filter = filters[q % filters.len()];
        let k = [1, 5, 10, 50][q % 4];
        let got = index.nearest(at, k, filter);
        let want = index.brute_force_nearest(at, k, filter);
        assert_same(&index, &got, &want, &format!("query {q}"));
        let r = 16_000.0;
        let got = index.within(at, r, filter);
        let want: Vec<Hit> = index
            .brute_force_nearest(at, ds.providers.len(), filter)
            .into_iter()
            .filter(|h| h.distance_m <= r)
            .collect();
        assert_same(&index, &got, &want, &format!("within, query {q}"));
    }
}

#[test]
fn k_zero_and_an_empty_filter_give_nothing() {
    let index = random_index(1, 50);
    let at = LonLat::new(130.7, 32.8).unwrap();
    assert!(index.nearest(at, 0, KindSet::all()).is_empty());
    assert!(index.nearest(at, 5, KindSet::EMPTY).is_empty());
    assert!(index.within(at, 1e6, KindSet::EMPTY).is_empty());
}

/// Two providers whose geodesic distances differ by 1 mm, 150 km from a query at the west
/// edge of the projection's band, where the fast grid geodesic errs by millimetres: the
/// index must settle the order by Karney's distance, whichever of the two is nearer.
#[test]
fn near_ties_far_from_the_meridian_are_settled_exactly() {
    use geo::{Destination, Geodesic, Point};
    let q = Point::new(129.2, 33.4);
    for (da, db, bearing_b) in [
        (150_000.0, 150_000.001, 100.0),
        (150_000.001, 150_000.0, 100.0),
        (150_000.0, 150_000.001, 150.0),
        (150_000.001, 150_000.0, 150.0),
    ] {
        let a = Geodesic.destination(q, 95.0, da);
        let b = Geodesic.destination(q, bearing_b, db);
        let item = |id: &str, p: Point| IndexItem {
            id: id.into(),
            location: LonLat::new(p.x(), p.y()).unwrap(),
            kinds: KindSet::all(),
        };
        let index = ProviderIndex::new(vec![item("a", a), item("b", b)]);
        let at = LonLat::new(q.x(), q.y()).unwrap();
        let got = index.nearest(at, 1, KindSet::all());
        let want = if da < db { "a" } else { "b" };
        assert_eq!(index.id(got[0].index), want, "{da} vs {db} at {bearing_b}°");
        assert_same(
            &index,
            &index.nearest(at, 2, KindSet::all()),
            &index.brute_force_nearest(at, 2, KindSet::all()),
            "both",
        );
    }
}

#[test]
fn several_providers_at_one_point_next_to_a_near_tie_stay_in_id_order() {
    // Three providers at one town point (a clinic, a hospital and a pharmacy share it in the
    // built-in data) and one elsewhere at almost the same distance: the whole group is measured
    // exactly or not at all, so ties keep their id order.
    use geo::{Destination, Geodesic, Point};
    let q = Point::new(130.70, 32.80);
    let at = LonLat::new(q.x(), q.y()).unwrap();
    let item = |id: &str, p: Point| IndexItem {
        id: id.into(),
        location: LonLat::new(p.x(), p.y()).unwrap(),
        kinds: KindSet::all(),
    };
    for step in 0..72 {
        let bearing = f64::from(step) * 5.0;
        for offset in [-0.006, -0.002, 0.002, 0.006] {
            let x = Geodesic.destination(q, bearing, 5_000.0);
            let y = Geodesic.destination(q, bearing + 170.0, 5_000.0 + offset);
            let index = ProviderIndex::new(vec![
                item("x1", x),
                item("x2", x),
                item("x3", x),
                item("y", y),
            ]);
            let ctx = format!("bearing {bearing}, offset {offset}");
            assert_same(
                &index,
                &index.within(at, 16_000.0, KindSet::all()),
                &index.brute_force_nearest(at, 4, KindSet::all()),
                &ctx,
            );
            assert_same(
                &index,
                &index.nearest(at, 4, KindSet::all()),
                &index.brute_force_nearest(at, 4, KindSet::all()),
                &ctx,
            );
        }
    }
}
