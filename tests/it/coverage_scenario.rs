//! What-if scenarios and site suggestions on the real data.

use crate::common;

use carecover::app::rules::Preset;
use carecover::coverage::{
    suggest_sites, AddedSite, CoverageResult, CoverageSet, Objective, Scenario, ScenarioError,
    Site, SiteSet,
};
use std::sync::OnceLock;

fn set() -> &'static CoverageSet {
    static SET: OnceLock<CoverageSet> = OnceLock::new();
    SET.get_or_init(|| {
        CoverageSet::build(&common::dataset(), &carecover::app::rules::preset_params())
    })
}

/// A full recompute of the same site set, the oracle for the incremental update.
fn recomputed(after: &CoverageResult) -> CoverageResult {
    let ds = common::dataset();
    let sites: Vec<Site> = after.sites.sites.clone();
    CoverageResult::from_sites(&ds, &set().frames, after.params, SiteSet::new(sites))
}

fn assert_matches_full_recompute(after: &CoverageResult) {
    let full = recomputed(after);
    for (a, f) in after.regions.iter().zip(&full.regions) {
        let (a, f) = (&a.stats, &f.stats);
        assert!(
            (a.covered_km2 - f.covered_km2).abs() <= 1e-3 * a.area_km2,
            "region {}: {} vs {}",
            a.id,
            a.covered_km2,
            f.covered_km2
        );
        assert_eq!(a.towns_uncovered, f.towns_uncovered, "region {}", a.id);
        assert_eq!(a.people, f.people, "region {}", a.id);
        assert_eq!(a.providers, f.providers, "region {}", a.id);
    }
}

#[test]
fn adding_a_clinic_at_an_uncovered_town_reduces_the_gap_and_uncovered_towns() {
    let ds = common::dataset();
    let base = Preset::HomeCare.layer(set());
    let rc = base
        .regions
        .iter()
        .find(|rc| !rc.uncovered_towns.is_empty())
        .expect("some region has an uncovered town");
    let town = &ds.towns[rc.uncovered_towns[0].town];
    let scenario = Scenario {
        add: vec![AddedSite {
            lat: town.location.lat(),
            lon: town.location.lon(),
            kinds: None,
        }],
        remove: vec![],
    };
    let out = scenario.apply(&ds, &set().frames, base).unwrap();
    let after = out.after.region(rc.region_id).unwrap();
    assert!(
        after.stats.gap_km2 < rc.stats.gap_km2 - 1.0,
        "{} vs {}",
        after.stats.gap_km2,
        rc.stats.gap_km2
    );
    assert!(after.stats.towns_uncovered < rc.stats.towns_uncovered);
    assert!(out.changed.contains(&rc.region_id));
    assert!(out.after.total.gap_km2 < base.total.gap_km2);
    assert_eq!(
        out.after.total.providers_total,
        base.total.providers_total + 1
    );
    assert_matches_full_recompute(&out.after);
}

#[test]
fn removing_every_clinic_of_a_region_leaves_only_neighbour_coverage() {
    let ds = common::dataset();
    let base = Preset::HomeCare.layer(set());
    for region in [4u8, 6] {
        let ids: Vec<String> = base
            .sites
            .sites
            .iter()
            .filter(|s| s.region_id == region)
            .map(|s| s.id.clone())
            .collect();
        assert!(!ids.is_empty());
        let out = Scenario {
            add: vec![],
            remove: ids,
        }
        .apply(&ds, &set().frames, base)
        .unwrap();
        let after = out.after.region(region).unwrap();
        assert_eq!(after.stats.providers_total, 0);
        // The oracle: coverage from the other regions' providers only.
        let others: Vec<Site> = base
            .sites
            .sites
            .iter()
            .filter(|s| s.region_id != region)
            .cloned()
            .collect();
        let only_neighbours =
            CoverageResult::from_sites(&ds, &set().frames, base.params, SiteSet::new(others));
        let want = only_neighbours.region(region).unwrap().stats.covered_km2;
        let got = after.stats.covered_km2;
        assert!(
            (got - want).abs() <= 1e-3 * after.stats.area_km2,
            "region {region}: {got} vs {want}"
        );
        assert!(got < base.region(region).unwrap().stats.covered_km2);
        assert_matches_full_recompute(&out.after);
    }
}

#[test]
fn a_mixed_scenario_matches_a_full_recompute() {
    let ds = common::dataset();
    let base = Preset::Strengthened.layer(set());
    let remove: Vec<String> = base
        .sites
        .sites
        .iter()
        .step_by(7)
        .map(|s| s.id.clone())
        .collect();
    let add = [(32.45, 130.2), (32.25, 130.75), (33.05, 131.15)]
        .iter()
        .map(|(lat, lon)| AddedSite {
            lat: *lat,
            lon: *lon,
            kinds: None,
        })
        .collect();
    let out = Scenario { add, remove }
        .apply(&ds, &set().frames, base)
        .unwrap();
    assert_matches_full_recompute(&out.after);
}

#[test]
fn scenario_errors_name_the_item() {
    let ds = common::dataset();
    let base = Preset::HomeCare.layer(set());
    let far = Scenario {
        add: vec![AddedSite {
            lat: 35.68,
            lon: 139.76,
            kinds: None,
        }],
        remove: vec![],
    };
    assert_eq!(
        far.apply(&ds, &set().frames, base).err(),
        Some(ScenarioError::OutOfKumamoto(0))
    );
    // 40 km out in the East China Sea: inside the service box, outside Kumamoto.
    let sea = Scenario {
        add: vec![AddedSite {
            lat: 32.5,
            lon: 129.6,
            kinds: None,
        }],
        remove: vec![],
    };
    assert_eq!(
        sea.apply(&ds, &set().frames, base).err(),
        Some(ScenarioError::OutOfKumamoto(0))
    );
    let unknown = Scenario {
        add: vec![],
        remove: vec!["9999999".into()],
    };
    assert_eq!(
        unknown.apply(&ds, &set().frames, base).err(),
        Some(ScenarioError::UnknownProvider("9999999".into()))
    );
}

#[test]
fn suggestions_have_falling_gains_and_shrink_the_gap() {
    let ds = common::dataset();
    let base = Preset::HomeCare.layer(set());
    for (region, objective) in [
        (3u8, Objective::Uncovered65Plus),
        (10, Objective::UncoveredTowns),
    ] {
        let s = suggest_sites(&ds, &set().frames, base, region, 3)
            .unwrap()
            .unwrap();
        assert_eq!(s.objective, objective, "region {region}");
        assert!(!s.sites.is_empty() || s.stopped_early);
        for w in s.sites.windows(2) {
            assert!(
                w[0].gain >= w[1].gain,
                "greedy gains must not rise: {:?}",
                s.sites
            );
        }
        assert!(s.after.gap_km2 <= s.before.gap_km2 + 1e-6);
        assert!(s.after.towns_uncovered <= s.before.towns_uncovered);
        if objective == Objective::UncoveredTowns && !s.sites.is_empty() {
            let gained: f64 = s.sites.iter().map(|x| x.gain).sum();
            assert_eq!(
                s.before.towns_uncovered - s.after.towns_uncovered,
                gained as usize
            );
        }
    }
    assert!(suggest_sites(&ds, &set().frames, base, 42, 3).is_none());
}
