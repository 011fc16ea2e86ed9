//! The pediatric kinds (issue 20) against an independent re-read of the two source tables:
//! the kinds themselves, nearest with `require=` (all-of), the `pediatric_home` preset, and
//! every new 4xx.

use crate::common;

use carecover::data::{KindFilter, KindSet, ProviderKind};
use carecover::geom::{geodesic_distance_m, LonLat};
use common::{assert_error, get_json, router};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read;

const GEODATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/geodata");

/// One provider as the oracle sees it: id, point, kind names, pediatric ward tier.
#[derive(Debug, Clone)]
struct Row {
    id: String,
    at: LonLat,
    kinds: BTreeSet<String>,
    ward_tier: Option<u8>,
}

/// The provider file's flag columns and the standards table, read here with the csv crate
/// only, and the symbols mapped by prefix (the loader matches exact symbols): written apart
/// from the loader on purpose.
fn oracle() -> Vec<Row> {
    let mut rdr = csv::Reader::from_path(format!(
        "{GEODATA}/kumamoto_medical_institutions_kouseikyoku_2025-10.csv"
    ))
    .unwrap();
    let h = rdr.headers().unwrap().clone();
    let flags = [
        "home_care_support_clinic",
        "home_care_support_hospital",
        "palliative_care_ward",
        "palliative_care_team",
        "clinic_bed_palliative",
        "outpatient_palliative",
        "enhanced_home_palliative",
        "home_cancer_comprehensive",
        "home_medical_mgmt",
        "home_backup_hospital",
        "home_visit_nursing_by_inst",
    ];
    let idx = |n: &str| h.iter().position(|c| c == n).unwrap();
    let mut rows: Vec<Row> = Vec::new();
    for rec in rdr.records() {
        let rec = rec.unwrap();
        let kinds = flags
            .iter()
            .filter(|f| rec[idx(f)].eq_ignore_ascii_case("true"))
            .map(|f| f.to_string())
            .collect();
        rows.push(Row {
            id: rec[idx("inst_code")].to_string(),
            at: LonLat::new(
                rec[idx("lon")].parse().unwrap(),
                rec[idx("lat")].parse().unwrap(),
            )
            .unwrap(),
            kinds,
            ward_tier: None,
        });
    }
    let mut gz = Vec::new();
    flate2::read::GzDecoder::new(
        std::fs::File::open(format!(
            "{GEODATA}/kumamoto_facility_standards_kouseikyoku_2025-10.csv.gz"
        ))
        .unwrap(),
    )
    .read_to_end(&mut gz)
    .unwrap();
    let mut rdr = csv::Reader::from_reader(gz.as_slice());
    let by_id: HashMap<String, usize> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.clone(), i))
        .collect();
    for rec in rdr.records() {
        let rec = rec.unwrap();
        let (id, sym) = (&rec[0], &rec[2]);
        let kind = if sym.starts_with("小か診") {
            "pediatric_primary_care"
        } else if sym.starts_with("小入") {
            "pediatric_inpatient"
        } else if sym == "小集" {
            "pediatric_icu"
        } else if sym.starts_with("小夜") {
            "pediatric_after_hours"
        } else {
            continue;
        };
        let r = &mut rows[by_id[id]];
        r.kinds.insert(kind.to_string());
        if kind == "pediatric_inpatient" {
            // Full-width digit １–５ → 1–5.
            let t = sym.chars().last().unwrap() as u32 - '０' as u32;
            r.ward_tier = Some(r.ward_tier.map_or(t as u8, |o| o.min(t as u8)));
        }
    }
    rows
}

fn kind_names(k: KindSet) -> BTreeSet<String> {
    k.iter().map(|k| k.as_str().to_string()).collect()
}

#[test]
fn pediatric_kinds_equal_a_brute_force_reread_of_the_standards_table() {
    let ds = common::dataset();
    let rows = oracle();
    // The 厚生局 list's institutions (resource lists have no 施設基準).
    let providers: Vec<_> = ds
        .providers
        .iter()
        .filter(|p| p.facility_type != carecover::data::FacilityType::Resource)
        .collect();
    assert_eq!(rows.len(), providers.len());
    let by_id: HashMap<&str, &Row> = rows.iter().map(|r| (r.id.as_str(), r)).collect();
    let mut per_kind: BTreeMap<String, usize> = BTreeMap::new();
    for p in providers {
        let want = by_id[p.id.as_str()];
        assert_eq!(kind_names(p.kinds), want.kinds, "provider {}", p.id);
        assert_eq!(
            p.tiers.pediatric_inpatient, want.ward_tier,
            "provider {}",
            p.id
        );
        for k in &want.kinds {
            *per_kind.entry(k.clone()).or_default() += 1;
        }
    }
    // The table's figures (docs and README quote them).
    assert_eq!(per_kind["pediatric_primary_care"], 45);
    assert_eq!(per_kind["pediatric_inpatient"], 11);
    assert_eq!(per_kind["pediatric_icu"], 1);
    assert_eq!(per_kind["pediatric_after_hours"], 5);
}

/// The oracle's filter: any of `any` and all of `all`, by name.
fn brute_nearest(rows: &[Row], at: LonLat, k: usize, any: &[&str], all: &[&str]) -> Vec<String> {
    let mut hits: Vec<(f64, &str)> = rows
        .iter()
        .filter(|r| any.iter().any(|a| r.kinds.contains(*a)))
        .filter(|r| all.iter().all(|a| r.kinds.contains(*a)))
        .map(|r| (geodesic_distance_m(at, r.at), r.id.as_str()))
        .collect();
    hits.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(b.1)));
    hits.into_iter().take(k).map(|h| h.1.to_string()).collect()
}

fn set(names: &[&str]) -> KindSet {
    KindSet::from_kinds(names.iter().map(|n| ProviderKind::parse(n).unwrap()))
}

#[test]
fn nearest_with_require_equals_brute_force_on_random_points_over_the_real_data() {
    let ds = common::dataset();
    let index = carecover::index::ProviderIndex::from_providers(&ds.providers);
    let rows = oracle();
    let filters: [(&[&str], &[&str]); 5] = [
        (&["home_care_support_clinic"], &["pediatric_primary_care"]),
        (
            &["home_care_support_clinic", "home_care_support_hospital"],
            &["pediatric_primary_care"],
        ),
        (&["home_care_support_hospital"], &["pediatric_inpatient"]),
        (
            &["pediatric_inpatient", "pediatric_after_hours"],
            &["home_medical_mgmt"],
        ),
        (
            &["home_medical_mgmt"],
            &["pediatric_primary_care", "home_cancer_comprehensive"],
        ),
    ];
    let mut rng = ChaCha8Rng::seed_from_u64(20);
    for i in 0..300 {
        let at = LonLat::new(rng.gen_range(130.1..131.3), rng.gen_range(32.1..33.2)).unwrap();
        let (any, all) = filters[i % filters.len()];
        let k = rng.gen_range(1..=12);
        let f = KindFilter {
            any: set(any),
            all: set(all),
        };
        let got: Vec<String> = index
            .nearest(at, k, f)
            .iter()
            .map(|h| ds.providers[h.index as usize].id.clone())
            .collect();
        assert_eq!(
            got,
            brute_nearest(&rows, at, k, any, all),
            "{at} k={k} {f:?}"
        );
    }
}

#[tokio::test]
async fn the_issue_query_answers_only_providers_holding_both_kinds() {
    let rows = oracle();
    let at = LonLat::new(130.7079, 32.8032).unwrap();
    let want = brute_nearest(
        &rows,
        at,
        50,
        &["home_care_support_clinic"],
        &["pediatric_primary_care"],
    );
    assert!(!want.is_empty() && want.len() < 50, "{want:?}");
    let r = router();
    let url = "/api/nearest?lat=32.8032&lon=130.7079&kind=home_care_support_clinic&require=pediatric_primary_care";
    // The default k = 5, then every holder (k = 50).
    for (q, n) in [(url.to_string(), 5), (format!("{url}&k=50"), 50)] {
        let (s, v) = get_json(&r, &q).await;
        assert_eq!(s, 200, "{v}");
        let got: Vec<String> = v["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(got, want.iter().take(n).cloned().collect::<Vec<_>>());
        assert_eq!(v["kinds"], serde_json::json!(["home_care_support_clinic"]));
        assert_eq!(v["require"], serde_json::json!(["pediatric_primary_care"]));
        for x in v["results"].as_array().unwrap() {
            let kinds = x["kinds"].as_array().unwrap();
            assert!(kinds.contains(&"pediatric_primary_care".into()), "{x}");
            assert!(kinds.contains(&"home_care_support_clinic".into()), "{x}");
        }
    }
}

#[tokio::test]
async fn an_unknown_or_empty_require_is_a_400_naming_the_value() {
    let r = router();
    let v = assert_error(
        &r,
        "/api/nearest?lat=32.8&lon=130.7&require=pediatric_hospice",
        400,
        "unknown_kind",
    )
    .await;
    let m = v["error"]["message"].as_str().unwrap();
    assert!(
        m.contains("require") && m.contains("pediatric_hospice"),
        "{m}"
    );
    assert_error(
        &r,
        "/api/nearest?lat=32.8&lon=130.7&require=",
        400,
        "unknown_kind",
    )
    .await;
    assert_error(&r, "/api/regions?require=nope", 400, "unknown_kind").await;
    assert_error(
        &r,
        "/api/nearest?lat=32.8&lon=130.7&require=pediatric_icu&require=pediatric_icu",
        400,
        "duplicate_parameter",
    )
    .await;
}

#[tokio::test]
async fn an_unknown_preset_or_a_preset_with_kinds_is_a_400() {
    let r = router();
    let v = assert_error(&r, "/api/regions?preset=children", 400, "unknown_preset").await;
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("pediatric_home"));
    for q in [
        "/api/regions?preset=pediatric_home&kind=pediatric_icu",
        "/api/coverage?preset=pediatric_home&require=pediatric_icu",
        "/api/suggest?region=1&preset=pediatric_home&tier_max=2",
    ] {
        assert_error(&r, q, 400, "conflicting_parameters").await;
    }
}

#[tokio::test]
async fn the_pediatric_preset_counts_the_providers_its_definition_selects() {
    let rows = oracle();
    let ds = common::dataset();
    let home = ["home_care_support_clinic", "home_care_support_hospital"];
    let ped = [
        "pediatric_primary_care",
        "pediatric_inpatient",
        "pediatric_icu",
        "pediatric_after_hours",
    ];
    let chosen: BTreeSet<&str> = rows
        .iter()
        .filter(|r| {
            let has = |k: &str| r.kinds.contains(k);
            (home.iter().any(|k| has(k)) && ped.iter().any(|k| has(k)))
                || has("pediatric_inpatient")
        })
        .map(|r| r.id.as_str())
        .collect();
    let r = router();
    let (s, v) = get_json(&r, "/api/regions?preset=pediatric_home").await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["preset"], "pediatric_home");
    assert_eq!(v["rule"].as_array().unwrap().len(), 4);
    assert_eq!(v["total"]["providers_total"], chosen.len());
    let mut per_region: BTreeMap<u64, usize> = BTreeMap::new();
    for p in ds
        .providers
        .iter()
        .filter(|p| chosen.contains(p.id.as_str()))
    {
        *per_region.entry(p.region_id.into()).or_default() += 1;
    }
    for reg in v["regions"].as_array().unwrap() {
        let id = reg["id"].as_u64().unwrap();
        assert_eq!(
            reg["providers_total"].as_u64().unwrap() as usize,
            per_region.get(&id).copied().unwrap_or(0),
            "{reg}"
        );
    }
    // The preset is also reachable as its kinds (one clause can't say it, so only by name),
    // and a plain request says which preset it equals.
    let (_, v) = get_json(&r, "/api/regions").await;
    assert_eq!(v["preset"], "home_care");
}

#[tokio::test]
async fn a_scenario_takes_the_pediatric_preset_and_require() {
    let r = router();
    let body = serde_json::json!({"add":[{"lat":32.35,"lon":130.95}],"preset":"pediatric_home"});
    let (s, v) = common::post_json(&r, "/api/scenarios", &body).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["preset"], "pediatric_home");
    let body = serde_json::json!({"add":[{"lat":32.35,"lon":130.95,"kinds":["home_care_support_clinic"]}],
        "kind":"home_care_support_clinic","require":"pediatric_primary_care"});
    let (s, v) = common::post_json(&r, "/api/scenarios", &body).await;
    assert_eq!(s, 400, "{v}");
    assert_eq!(v["error"]["code"], "kind_mismatch");
    let body = serde_json::json!({"add":[], "require":"pediatric_nope"});
    let (s, v) = common::post_json(&r, "/api/scenarios", &body).await;
    assert_eq!(
        (s.as_u16(), v["error"]["code"].as_str()),
        (400, Some("unknown_kind"))
    );
    let body = serde_json::json!({"add":[], "preset":"pediatric_home", "kind":"pediatric_icu"});
    let (s, v) = common::post_json(&r, "/api/scenarios", &body).await;
    assert_eq!(
        (s.as_u16(), v["error"]["code"].as_str()),
        (400, Some("conflicting_parameters"))
    );
}
