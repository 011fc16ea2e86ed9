//! People for every place, on the real data: the 500 m grid against the census file's own
//! cells, the municipal shares against the file's (computed independently, by polygon
//! intersection), the estimated cells adding up to the census per prefecture, region and
//! municipality, and the hold-out that chose the default weighting.

use crate::common;

use carecover::app::population as app_pop;
use carecover::coverage::estimate::{measured_squares, MeshCell, ShareGrid, DEFAULT_WEIGHTING};
use carecover::coverage::{CellSource, Population};
use carecover::data::{Dataset, MeshTable};
use geo::Contains;
use geo_types::{LineString, Polygon};
use std::collections::HashMap;
use std::sync::OnceLock;

/// The snapshot's population (measured + estimated with roads), built once.
fn complete() -> &'static Population {
    static P: OnceLock<Population> = OnceLock::new();
    P.get_or_init(|| {
        let ds = common::dataset();
        app_pop::load(&ds, Some(&common::roads().network.graph)).unwrap_or_else(|e| panic!("{e}"))
    })
}

fn grid(ds: &Dataset) -> ShareGrid {
    let polys: Vec<_> = ds.municipalities.iter().map(|m| &m.geometry).collect();
    ShareGrid::build(&polys)
}

#[test]
fn grid_codes_and_bounds_match_every_census_cell() {
    let ds = common::dataset();
    let table = MeshTable::load(&ds).unwrap_or_else(|e| panic!("{e}"));
    assert!(table.rows.len() > 4000);
    for r in &table.rows {
        let c = MeshCell::from_code(&r.mesh_code).unwrap_or_else(|| panic!("{}", r.mesh_code));
        assert_eq!(c.code(), r.mesh_code);
        let b = c.bounds();
        for k in 0..4 {
            assert!(
                (b[k] - r.bounds[k]).abs() < 1e-9,
                "{}: {b:?} vs {:?}",
                r.mesh_code,
                r.bounds
            );
        }
        assert_eq!(MeshCell::containing(r.center.lon(), r.center.lat()), c);
        assert_eq!(c.first_level(), (49, 130), "{}", r.mesh_code);
    }
}

#[test]
fn shares_sum_to_at_most_one_and_to_one_inland_and_match_the_files_shares() {
    let ds = common::dataset();
    let g = grid(&ds);
    println!(
        "grid: {} pieces in {:.1} ms (this build's profile)",
        g.pieces.len(),
        g.build_ms
    );
    let cells: Vec<MeshCell> = g.cells().collect();
    let mut inland = 0;
    for (k, c) in cells.iter().enumerate() {
        let s = g.cell_share(*c);
        assert!(s <= 1.0 + 1e-9, "{}: shares sum to {s}", c.code());
        // Inland: the square lies inside one region polygon (checked on every 7th cell).
        if k % 7 == 0 {
            let [x0, y0, x1, y1] = c.bounds();
            let sq = Polygon::new(
                LineString::from(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]),
                vec![],
            );
            if ds.regions.iter().any(|r| r.geometry.contains(&sq)) {
                inland += 1;
                assert!((s - 1.0).abs() < 1e-9, "inland {}: {s}", c.code());
            }
        }
    }
    assert!(inland > 2000, "{inland}");
    // Against the census file's shares (exact polygon intersection by the data's helper).
    let table = MeshTable::load(&ds).unwrap_or_else(|e| panic!("{e}"));
    let (mut n, mut sum_diff, mut worst) = (0usize, 0.0, 0.0f64);
    for r in &table.rows {
        let c = MeshCell::from_code(&r.mesh_code).unwrap();
        for &(m, share) in &r.muni_shares {
            let ours = g.piece(c, m).map_or(0.0, |i| g.pieces[i].share);
            let d = (ours - share).abs();
            n += 1;
            sum_diff += d;
            worst = worst.max(d);
        }
    }
    let mean = sum_diff / n as f64;
    println!("shares vs the census file: {n} pieces, mean |Δ| {mean:.5}, max {worst:.4}");
    assert!(mean < 0.002, "{mean}");
    assert!(worst < 0.05, "{worst}");
}

/// Σ over cells of count × share × alloc factor, per key.
fn allocated<K: std::hash::Hash + Eq + Copy>(
    pop: &Population,
    shares: impl Fn(&carecover::coverage::PopCell) -> Vec<(K, f64)>,
) -> HashMap<K, (f64, f64)> {
    let mut out: HashMap<K, (f64, f64)> = HashMap::new();
    for c in &pop.cells {
        for (k, s) in shares(c) {
            let e = out.entry(k).or_default();
            e.0 += c.pop_total * s * c.alloc_factor;
            e.1 += c.pop_65_plus * s * c.alloc_factor;
        }
    }
    out
}

/// The 65+ the estimate could not place although the municipality has cells outside the
/// census extent, per region: age residuals no possible age mix of the people placed can hold
/// (熊本市's 65+ that the mesh's age columns lack, see `placeable_mix`).
fn unplaced_65_by_region(pop: &Population) -> HashMap<u8, f64> {
    let mut out = HashMap::new();
    for m in &pop.estimate.as_ref().unwrap().municipalities {
        if m.outside_cells > 0 {
            *out.entry(m.region_id).or_default() += m.unplaced.age_65_plus;
        }
    }
    out
}

#[test]
fn every_place_has_its_people_prefecture_and_regions_within_half_a_percent() {
    let ds = common::dataset();
    let pop = complete();
    let by_cells = allocated(pop, |c| {
        c.muni_shares.iter().map(|&(_, s)| ((), s)).collect()
    });
    let (people, p65) = by_cells[&()];
    let unplaced65 = unplaced_65_by_region(pop);
    let u65: f64 = unplaced65.values().sum();
    println!(
        "all cells: {people:.0} people ({:+.2} %), {p65:.0} aged 65+ ({:+.2} %; with the {u65:.0} of an impossible age mix {:+.2} %)",
        100.0 * (people / 1_738_301.0 - 1.0),
        100.0 * (p65 / 546_232.0 - 1.0),
        100.0 * ((p65 + u65) / 546_232.0 - 1.0)
    );
    assert!((people / 1_738_301.0 - 1.0).abs() < 0.005, "{people}");
    // 65+: the cells hold the census to 1 % — short by 熊本市's 65+ that the mesh's age columns
    // lack and that its 425 estimated people cannot hold — and with what was reported as not
    // placed to 0.5 %.
    assert!((p65 / 546_232.0 - 1.0).abs() < 0.01, "{p65}");
    assert!(
        ((p65 + u65) / 546_232.0 - 1.0).abs() < 0.005,
        "{p65} + {u65}"
    );
    let regions = allocated(pop, |c| c.region_shares.clone());
    for r in &ds.regions {
        let census: f64 = ds
            .municipal_population
            .iter()
            .filter(|m| m.region_id == r.id)
            .map(|m| f64::from(m.pop_total))
            .sum();
        let census65: f64 = ds
            .municipal_population
            .iter()
            .filter(|m| m.region_id == r.id)
            .map(|m| f64::from(m.pop_65_plus.unwrap()))
            .sum();
        let (got, got65) = regions[&r.id];
        let u = unplaced65.get(&r.id).copied().unwrap_or(0.0);
        println!(
            "region {:>2} {}: {got:.0} of {census:.0} ({:+.2} %), 65+ {got65:.0} + {u:.0} of an impossible age mix, of {census65:.0} ({:+.2} %)",
            r.id,
            r.name,
            100.0 * (got / census - 1.0),
            100.0 * ((got65 + u) / census65 - 1.0)
        );
        assert!((got / census - 1.0).abs() < 0.005, "region {}", r.id);
        assert!(
            ((got65 + u) / census65 - 1.0).abs() < 0.005,
            "region {} 65+",
            r.id
        );
        // Only 熊本・上益城 (熊本市) has such a residual.
        assert!(u == 0.0 || r.id == 1, "region {}: {u}", r.id);
    }
}

#[test]
fn measured_cells_stay_as_read_and_estimated_ones_follow_the_rules() {
    let ds = common::dataset();
    let pop = complete();
    let measured = Population::load(&ds).unwrap();
    let n = measured.cells.len();
    assert!(pop.cells.len() > n + 10_000, "{}", pop.cells.len());
    for (a, b) in measured.cells.iter().zip(&pop.cells) {
        assert_eq!(a.mesh_code, b.mesh_code);
        assert_eq!(b.source, CellSource::Measured);
        assert_eq!(
            (a.pop_total, a.pop_65_plus, a.pop_75_plus, a.pop_0_14),
            (b.pop_total, b.pop_65_plus, b.pop_75_plus, b.pop_0_14)
        );
        assert_eq!(a.muni_shares, b.muni_shares);
        assert_eq!(a.alloc_factor, b.alloc_factor);
    }
    let squares = measured_squares(&measured);
    assert_eq!(squares.len(), 1);
    let mut seen = std::collections::HashSet::new();
    for c in &pop.cells[n..] {
        assert_eq!(c.source, CellSource::Estimated);
        let cell = MeshCell::from_code(&c.mesh_code).unwrap();
        assert!(!squares.contains(&cell.first_level()), "{}", c.mesh_code);
        let (lon, lat) = cell.center();
        assert_eq!((c.center.lon(), c.center.lat()), (lon, lat));
        assert_eq!(c.alloc_factor, 1.0);
        assert_eq!(c.muni_shares.len(), 1);
        assert_eq!(c.muni_shares[0].1, 1.0);
        let m = &ds.municipalities[c.muni_shares[0].0];
        assert_eq!(c.region_shares, vec![(m.region_id, 1.0)]);
        assert!(
            seen.insert((c.mesh_code.clone(), c.muni_shares[0].0)),
            "one piece per (cell, municipality)"
        );
        assert!(c.pop_65_plus <= c.pop_total + 1e-9 && c.pop_75_plus <= c.pop_65_plus + 1e-9);
        assert!(c.pop_total >= 0.0 && c.pop_0_14 >= 0.0);
    }
    // Per municipality: census = measured + estimated + unplaced − over, for every count.
    let est = pop.estimate.as_ref().expect("the estimate ran");
    assert_eq!(est.weighting, DEFAULT_WEIGHTING);
    assert!(est.roads);
    let by_muni = allocated(pop, |c| c.muni_shares.clone());
    for (i, m) in est.municipalities.iter().enumerate() {
        for (c, s, e, u, o) in [
            (
                m.census.total,
                m.measured.total,
                m.estimated.total,
                m.unplaced.total,
                m.over.total,
            ),
            (
                m.census.age_0_14,
                m.measured.age_0_14,
                m.estimated.age_0_14,
                m.unplaced.age_0_14,
                m.over.age_0_14,
            ),
            (
                m.census.age_65_plus,
                m.measured.age_65_plus,
                m.estimated.age_65_plus,
                m.unplaced.age_65_plus,
                m.over.age_65_plus,
            ),
            (
                m.census.age_75_plus,
                m.measured.age_75_plus,
                m.estimated.age_75_plus,
                m.unplaced.age_75_plus,
                m.over.age_75_plus,
            ),
        ] {
            assert!(
                (s + e + u - o - c).abs() < 1e-6 * c.max(1.0),
                "{}: {c} {s} {e} {u} {o}",
                m.name
            );
        }
        // All the people go somewhere when there are cells; only age groups may stay unplaced
        // (an impossible age mix, see `placeable_mix`), and then only where the cells hold
        // nearly everyone.
        if m.outside_cells > 0 {
            assert_eq!(m.unplaced.total, 0.0, "{}", m.name);
            if m.unplaced.age_65_plus > 0.0 {
                assert!(m.estimated_share() < 0.01, "{}: {:?}", m.name, m.unplaced);
            }
        }
        let (cells_total, _) = by_muni.get(&i).copied().unwrap_or_default();
        assert!((cells_total - m.measured.total - m.estimated.total).abs() < 1e-6 * m.census.total);
    }
    // The south has cells now, wholly estimated; 熊本市 nearly wholly measured.
    let find = |name: &str| est.municipalities.iter().find(|m| m.name == name).unwrap();
    assert_eq!(find("天草市").estimated_share(), 1.0);
    assert!(find("熊本市").estimated_share() < 0.001);
    // 75+ = census 65+ × the register's 75+/65+ (球磨村: 814 / 1,507).
    let kuma = find("球磨村");
    let want = kuma.census.age_65_plus * 814.0 / 1507.0;
    assert!((kuma.census.age_75_plus - want).abs() < 1e-9, "{kuma:?}");
}

#[test]
fn the_holdout_default_beats_the_area_baseline() {
    let ds = common::dataset();
    let r = app_pop::holdout(&ds, Some(&common::roads().network.graph)).unwrap();
    println!("hold-out (weighting, pieces, people, MAE, exact, 3×3):");
    for s in &r.overall {
        println!(
            "  {:<30} {:>6} {:>9.0} {:>8.2} {:>6.1}% {:>6.1}%",
            s.weighting,
            s.cells,
            s.people,
            s.mae,
            100.0 * s.exact_share,
            100.0 * s.near_share
        );
    }
    let get = |n: &str| r.overall.iter().find(|s| s.weighting == n).unwrap();
    let (area, def) = (get("area"), get(DEFAULT_WEIGHTING.name));
    assert_eq!(r.default, DEFAULT_WEIGHTING.name);
    assert!(
        def.mae < 0.7 * area.mae,
        "default MAE {:.2} vs area {:.2}",
        def.mae,
        area.mae
    );
    assert!(def.exact_share > area.exact_share + 0.15);
    assert!(def.near_share > area.near_share + 0.2);
    assert!(def.near_share >= def.exact_share);
    // The measured people of the hold-out are the measured cells, all of them.
    assert!((area.people - 1_242_342.0).abs() < 1.0, "{}", area.people);
    // No candidate beats the default by more than rounding on MAE, except the same blend
    // with roads even where they are sparse (which the hold-out cannot judge).
    for s in &r.overall {
        if s.weighting != "towns750m70_roads30_anywhere" {
            assert!(
                s.mae >= def.mae - 1e-9,
                "{} {:.2} < default {:.2}",
                s.weighting,
                s.mae,
                def.mae
            );
        }
    }
}

#[tokio::test]
async fn the_snapshot_serves_estimated_people_in_every_region() {
    let (s, v) = common::get_json(&common::shared_router(), "/api/v1/regions").await;
    assert_eq!(s.as_u16(), 200, "{v}");
    let ds = common::dataset();
    for r in v["regions"].as_array().unwrap() {
        let id = r["id"].as_u64().unwrap() as u8;
        let census: f64 = ds
            .municipal_population
            .iter()
            .filter(|m| m.region_id == id)
            .map(|m| f64::from(m.pop_total))
            .sum();
        let got = r["population"]
            .as_f64()
            .unwrap_or_else(|| panic!("region {id}: {r}"));
        assert!(
            (got / census - 1.0).abs() < 0.005,
            "region {id}: {got} vs {census}"
        );
    }
}
