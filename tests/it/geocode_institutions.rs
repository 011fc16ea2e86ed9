//! Cross-check on ~1,800 real public addresses (hospitals, clinics and
//! pharmacies, not patients) whose town was matched independently by the
//! data helper (`matched_town` / geocode_level in the shared files).
//! Agreement: their town is among our town/postal candidates, or our best
//! is a 丁目/小字 inside their town (we are more precise). At least 99 % must agree.

use carecover::geocode::{Gazetteer, Level};

use crate::common;
use common::data_dir;

/// The reference tables in the data (a missing one fails the test: it used to list two files
/// the data does not have, skipped with a note).
const FILES: [&str; 1] = ["kumamoto_medical_institutions_kouseikyoku_2025-10.csv"];

#[test]
fn public_facility_addresses_agree_with_the_reference_match() {
    let (gaz, _) = Gazetteer::load(data_dir(), &carecover::data::Manifest::builtin().unwrap())
        .unwrap_or_else(|e| panic!("{e}"));
    let (mut total, mut agree) = (0usize, 0usize);
    for file in FILES {
        let path = data_dir().join(file);
        let mut reader =
            csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let headers = reader.headers().cloned().unwrap_or_default();
        let col = |n: &str| headers.iter().position(|h| h == n);
        let (Some(addr), Some(city), Some(town)) =
            (col("address"), col("city_full"), col("matched_town"))
        else {
            panic!("{file}: no address, city_full or matched_town column");
        };
        let postal = col("postal_code");
        for rec in reader.records().flatten() {
            let (want_city, want_town) = (&rec[city], &rec[town]);
            if want_town.is_empty() {
                continue;
            }
            let q = format!("{} {}", postal.map_or("", |i| &rec[i]), &rec[addr]);
            let a = gaz.geocode(&q, 5);
            total += 1;
            let listed = a.candidates.iter().any(|c| {
                c.level != Level::Municipality
                    && c.city == want_city
                    && c.town.as_deref() == Some(want_town)
            });
            // A 丁目 or 小字 inside their 大字 (世安 → 世安一丁目).
            let finer = a.best().is_some_and(|c| {
                c.level == Level::Town
                    && c.city == want_city
                    && c.town
                        .as_deref()
                        .is_some_and(|t| t.len() > want_town.len() && t.starts_with(want_town))
            });
            if listed || finer {
                agree += 1;
            } else {
                let got = a.best().map(|c| (c.city.clone(), c.town.clone(), c.level));
                println!("DIFF {file}: {q:?} reference {want_city} {want_town}, got {got:?}");
            }
        }
    }
    println!("agree {agree}/{total}");
    assert!(total > 1000, "only {total} rows found");
    assert!(agree as f64 >= 0.99 * total as f64, "agree {agree}/{total}");
}
