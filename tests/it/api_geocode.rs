//! API behaviour: the must-hit example, JSON shape, load errors and
//! warnings, fallbacks, limits. Small hand-made CSVs where possible.

use std::path::Path;

use carecover::geocode::{reason, Gazetteer, GeocodeError, Level};

use crate::common;
use common::data_dir;

fn real() -> Gazetteer {
    Gazetteer::load(data_dir(), &carecover::data::Manifest::builtin().unwrap())
        .unwrap_or_else(|e| panic!("{e}"))
        .0
}

const MUNIS: &str = "jis_code,pref,county,city,ward,city_full,city_kana,n_town_rows,n_oaza_chome,median_lat,median_lon
43101,熊本県,,熊本市,中央区,熊本市中央区,,3,3,32.79,130.71
43102,熊本県,,熊本市,東区,熊本市東区,,2,2,32.80,130.76
43443,熊本県,上益城郡,益城町,,上益城郡益城町,,1,1,32.79,130.81
";

const TOWNS: &str = "pref_code,pref,jis_code,county,city,ward,city_full,city_kana,town,koaza,oaza,chome,oaza_kana,kana_match,lat,lon
43,熊本県,43101,,熊本市,中央区,熊本市中央区,,水前寺六丁目,,水前寺,6,,,32.790360,130.742601
43,熊本県,43101,,熊本市,中央区,熊本市中央区,,水前寺公園,,水前寺公園,,,,32.789936,130.735830
43,熊本県,43101,,熊本市,中央区,熊本市中央区,,三郎一丁目,,三郎,1,,,32.800110,130.756669
43,熊本県,43102,,熊本市,東区,熊本市東区,,三郎一丁目,,三郎,1,,,32.799113,130.757724
43,熊本県,43102,,熊本市,東区,熊本市東区,,健軍本町,,健軍本町,,,,,
43,熊本県,43443,上益城郡,益城町,,上益城郡益城町,,大字木山,,木山,,,,32.757,130.81
";

const POSTAL: &str = "postal_code,jis_code,pref,city,city_kana,town,town_kana,note,chome_flag,alternate_of,lat,lon,coord_source
8620950,43101,熊本県,熊本市中央区,,水前寺,,,1,,32.790360,130.742601,town_chome_medoid
8612200,43443,熊本県,上益城郡益城町,,,,以下に掲載がない場合,0,,32.79,130.81,city_median
";

fn small() -> (Gazetteer, Vec<String>) {
    Gazetteer::from_readers(TOWNS.as_bytes(), POSTAL.as_bytes(), MUNIS.as_bytes())
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn must_hit_example_resolves_to_suizenji_6_chome() {
    let gaz = real();
    let a = gaz.geocode("熊本市中央区水前寺６丁目１８－１", 5);
    let c = a
        .best()
        .unwrap_or_else(|| panic!("no candidate: {:?}", a.reason));
    assert_eq!(c.level, Level::Town);
    assert_eq!(c.city, "熊本市中央区");
    assert_eq!(c.town.as_deref(), Some("水前寺六丁目"));
    assert_eq!(c.rest, "18-1");
    assert_eq!(c.jis_code, "43101");
    assert_eq!(c.score, 1.0);
    assert!((c.lat - 32.790360).abs() < 1e-6 && (c.lon - 130.742601).abs() < 1e-6);
    assert!(a.reason.is_none());
}

#[test]
fn json_shape_uses_the_documented_field_names() {
    let gaz = real();
    let a = gaz.geocode("熊本市中央区水前寺６丁目１８－１", 1);
    let v: serde_json::Value = serde_json::to_value(&a).unwrap_or_default();
    let c = &v["candidates"][0];
    let mut keys: Vec<&str> = c
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["city", "jis_code", "lat", "level", "lon", "rest", "score", "town"]
    );
    assert_eq!(c["level"], "town");
    assert!(v["reason"].is_null());
    let m = serde_json::to_value(gaz.geocode("天草市", 1)).unwrap_or_default();
    assert_eq!(m["candidates"][0]["level"], "municipality");
    assert!(m["candidates"][0]["town"].is_null());
    assert!(m["candidates"][0]["note"]
        .as_str()
        .is_some_and(|n| n.contains("coarse")));
    let p = serde_json::to_value(gaz.geocode("〒862-0950", 1)).unwrap_or_default();
    assert_eq!(p["candidates"][0]["level"], "postal_code");
    let e = serde_json::to_value(gaz.geocode("", 1)).unwrap_or_default();
    assert_eq!(e["reason"], "empty_query");
    assert_eq!(e["candidates"].as_array().map(Vec::len), Some(0));
}

#[test]
fn real_data_loads_with_exactly_the_four_known_warnings() {
    let (gaz, warnings) =
        Gazetteer::load(data_dir(), &carecover::data::Manifest::builtin().unwrap())
            .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(warnings.len(), 4, "{warnings:#?}");
    for name in ["世安一丁目", "世安二丁目", "世安三丁目", "十禅寺四丁目"] {
        assert!(
            warnings
                .iter()
                .any(|w| w.contains(name) && w.contains("addresses/kumamoto_towns.csv row")),
            "{name}: {warnings:#?}"
        );
    }
    assert!(gaz.town_count() >= 2496);
    assert_eq!(gaz.postal_code_count(), 1861);
}

#[test]
fn towns_without_points_are_answered_with_a_noted_nearby_point() {
    let gaz = real();
    let a = gaz.geocode("熊本市中央区十禅寺4丁目5-1", 3);
    let c = a.best().unwrap_or_else(|| panic!("no candidate"));
    assert_eq!(
        (c.level, c.town.as_deref()),
        (Level::Town, Some("十禅寺四丁目"))
    );
    assert!(c.note.as_deref().is_some_and(|n| n.contains("no point")));
    assert!(c.score < 0.75);
    let a = gaz.geocode("熊本市中央区世安3丁目12番1号", 3);
    let c = a.best().unwrap_or_else(|| panic!("no candidate"));
    assert_eq!(
        (c.town.as_deref(), c.rest.as_str()),
        (Some("世安三丁目"), "12-1")
    );
    assert!(c.note.as_deref().is_some_and(|n| n.contains("postal")));
}

#[test]
fn bad_number_names_file_row_and_field() {
    let towns = TOWNS.replace("32.757,130.81", "abc,130.81");
    let err = Gazetteer::from_readers(towns.as_bytes(), POSTAL.as_bytes(), MUNIS.as_bytes())
        .err()
        .map(|e| e.to_string());
    assert_eq!(
        err.as_deref(),
        Some(r#"addresses/kumamoto_towns.csv row 7: field lat: "abc" is not a number"#)
    );
}

#[test]
fn other_load_errors_are_precise() {
    let msg = |t: &str, p: &str, m: &str| {
        Gazetteer::from_readers(t.as_bytes(), p.as_bytes(), m.as_bytes())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    };
    // Out of range.
    let t = TOWNS.replace("32.757,130.81", "32.757,230.81");
    assert_eq!(
        msg(&t, POSTAL, MUNIS),
        r#"addresses/kumamoto_towns.csv row 7: field lon: "230.81" is outside -180..180"#
    );
    // Only one of lat/lon.
    let t = TOWNS.replace("32.757,130.81", ",130.81");
    assert_eq!(
        msg(&t, POSTAL, MUNIS),
        "addresses/kumamoto_towns.csv row 7: field lat: is empty while lon is set"
    );
    // Unknown municipality code.
    let t = TOWNS.replace("43,熊本県,43443", "43,熊本県,43999");
    assert!(msg(&t, POSTAL, MUNIS)
        .starts_with(r#"addresses/kumamoto_towns.csv row 7: field jis_code: "43999" is not in"#));
    // Bad postal code.
    let p = POSTAL.replace("8612200", "861220");
    assert_eq!(
        msg(TOWNS, &p, MUNIS),
        r#"addresses/kumamoto_postal_codes.csv row 3: field postal_code: "861220" is not a 7-digit code"#
    );
    // Missing column.
    let m = MUNIS.replace("median_lat", "mlat");
    assert_eq!(
        msg(TOWNS, POSTAL, &m),
        "addresses/kumamoto_municipalities.csv: missing column median_lat"
    );
    // Bad 丁目.
    let t = TOWNS.replace("水前寺,6,", "水前寺,six,");
    assert_eq!(
        msg(&t, POSTAL, MUNIS),
        r#"addresses/kumamoto_towns.csv row 2: field chome: "six" is not a number 1..99"#
    );
}

#[test]
fn missing_file_is_named() {
    let err = Gazetteer::load(
        Path::new("/nonexistent/carecover-data"),
        &carecover::data::Manifest::builtin().unwrap(),
    )
    .err();
    match err {
        Some(GeocodeError::Open { file, .. }) => assert!(file.starts_with("addresses/kumamoto_")),
        other => panic!("expected Open error, got {other:?}"),
    }
}

#[test]
fn small_gazetteer_warns_and_matches() {
    let (gaz, warnings) = small();
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].contains("row 6") && warnings[0].contains("健軍本町"));
    // 健軍本町 has no point and no parent: municipality point with a note.
    let a = gaz.geocode("熊本市東区健軍本町1-1", 3);
    let c = a.best().unwrap_or_else(|| panic!("no candidate"));
    assert_eq!(
        (c.level, c.city.as_str()),
        (Level::Municipality, "熊本市東区")
    );
    assert!(c.note.as_deref().is_some_and(|n| n.contains("no point")));
    // Ward-less, several wards: both, same lower score.
    let a = gaz.geocode("熊本市三郎1-5", 5);
    assert_eq!(a.candidates.len(), 2);
    assert!(a.candidates.iter().all(|c| c.score == 0.6 && c.rest == "5"));
    // Ward-less, one ward.
    let a = gaz.geocode("熊本市水前寺公園", 5);
    assert_eq!(
        a.best().map(|c| (c.city.as_str(), c.score)),
        Some(("熊本市中央区", 0.95))
    );
    // Catch-all postal code: coarse, with a note.
    let a = gaz.geocode("〒861-2200", 5);
    let c = a.best().unwrap_or_else(|| panic!("no candidate"));
    assert_eq!(
        (c.level, c.town.as_deref(), c.score),
        (Level::PostalCode, None, 0.3)
    );
    assert!(c.note.is_some());
}

#[test]
fn limit_truncates_and_zero_means_one() {
    let gaz = real();
    assert_eq!(gaz.geocode("熊本市三郎1丁目", 5).candidates.len(), 2);
    assert_eq!(gaz.geocode("熊本市三郎1丁目", 1).candidates.len(), 1);
    assert_eq!(gaz.geocode("熊本市三郎1丁目", 0).candidates.len(), 1);
}

#[test]
fn chome_or_banchi_ambiguity_returns_both_readings() {
    let gaz = real();
    let a = gaz.geocode("熊本市南区元三町1-2", 5);
    let towns: Vec<(&str, &str)> = a
        .candidates
        .iter()
        .map(|c| (c.town.as_deref().unwrap_or(""), c.rest.as_str()))
        .collect();
    assert_eq!(towns, [("元三町一丁目", "2"), ("元三町", "1-2")]);
    assert!(a.candidates[0].note.is_some());
    // Unambiguous forms.
    assert_eq!(gaz.geocode("熊本市南区元三町1丁目2", 5).candidates.len(), 1);
    assert_eq!(
        gaz.geocode("熊本市南区元三町123", 5)
            .best()
            .and_then(|c| c.town.as_deref()),
        Some("元三町")
    );
}

#[test]
fn postal_code_that_disagrees_with_the_text_is_flagged() {
    let gaz = real();
    // 866-0862 is 八代市松江城町; the text says 熊本市中央区水前寺.
    let a = gaz.geocode("〒866-0862 熊本市中央区水前寺6丁目18-1", 5);
    assert_eq!(
        a.best().and_then(|c| c.town.as_deref()),
        Some("水前寺六丁目")
    );
    let p = a.candidates.iter().find(|c| c.level == Level::PostalCode);
    assert!(p.is_some_and(
        |p| p.city == "八代市" && p.note.as_deref().is_some_and(|n| n.contains("disagree"))
    ));
    // Municipality + unknown town + matching postal code: the postal point leads.
    let a = gaz.geocode("〒862-0950 熊本市中央区ふじこ町1-1", 5);
    let levels: Vec<Level> = a.candidates.iter().map(|c| c.level).collect();
    assert_eq!(levels, [Level::PostalCode, Level::Municipality]);
}

#[test]
fn reasons_are_codes() {
    let gaz = real();
    for (q, r) in [
        ("", reason::EMPTY_QUERY),
        ("東京都千代田区", reason::NOT_IN_KUMAMOTO),
        ("大阪府大阪市北区", reason::NOT_IN_KUMAMOTO),
        ("鹿児島県出水市", reason::NOT_IN_KUMAMOTO),
        ("asdfghjkl", reason::NO_MATCH),
        ("12345", reason::NO_MATCH),
    ] {
        let a = gaz.geocode(q, 5);
        assert!(a.candidates.is_empty(), "{q}");
        assert_eq!(a.reason.as_deref(), Some(r), "{q}");
    }
}

#[test]
fn gazetteer_can_be_shared_between_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Gazetteer>();
}
