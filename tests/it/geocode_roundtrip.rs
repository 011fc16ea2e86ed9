//! Every town of the towns file must find itself, written as in the file
//! and written the "other" way (no 郡, no 大字, Arabic 丁目 with a house
//! number in N-N form). Misses are printed.

use carecover::geocode::{Gazetteer, Level, TOWNS_FILE};

use crate::common;
use common::data_dir;

struct Row {
    city_full: String,
    city: String,
    ward: String,
    town: String,
    koaza: String,
    oaza: String,
    chome: String,
}

fn rows() -> Vec<Row> {
    let path = data_dir().join(TOWNS_FILE);
    let mut reader = match csv::Reader::from_path(&path) {
        Ok(r) => r,
        Err(e) => panic!("{}: {e}", path.display()),
    };
    let headers = reader.headers().cloned().unwrap_or_default();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    let (cf, c, w, t, k, o, ch) = (
        col("city_full"),
        col("city"),
        col("ward"),
        col("town"),
        col("koaza"),
        col("oaza"),
        col("chome"),
    );
    reader
        .records()
        .map(|r| {
            let r = r.unwrap_or_else(|e| panic!("{e}"));
            Row {
                city_full: r[cf].to_string(),
                city: r[c].to_string(),
                ward: r[w].to_string(),
                town: r[t].to_string(),
                koaza: r[k].to_string(),
                oaza: r[o].to_string(),
                chome: r[ch].to_string(),
            }
        })
        .collect()
}

fn expected_name(r: &Row) -> String {
    if r.koaza.is_empty() {
        r.town.clone()
    } else {
        format!("{}字{}", r.town, r.koaza)
    }
}

fn run(gaz: &Gazetteer, rows: &[Row], make: impl Fn(&Row) -> String) -> Vec<String> {
    let mut misses = Vec::new();
    for r in rows {
        let q = make(r);
        let want = expected_name(r);
        let a = gaz.geocode(&q, 5);
        let ok = a.best().is_some_and(|c| {
            c.level == Level::Town && c.city == r.city_full && c.town.as_deref() == Some(&want)
        });
        if !ok {
            let got = a
                .best()
                .map(|c| (c.city.clone(), c.town.clone(), c.level, c.rest.clone()));
            misses.push(format!(
                "MISS {q:?}: want {} {want}, got {got:?}",
                r.city_full
            ));
        }
    }
    misses
}

#[test]
fn every_town_finds_itself_as_written_in_the_file() {
    let (gaz, _) = Gazetteer::load(data_dir(), &carecover::data::Manifest::builtin().unwrap())
        .unwrap_or_else(|e| panic!("{e}"));
    let rows = rows();
    assert!(rows.len() > 2000);
    let misses = run(&gaz, &rows, |r| {
        format!("熊本県{}{}123番地", r.city_full, expected_name(r))
    });
    for m in &misses {
        println!("{m}");
    }
    println!("as written: {} of {} missed", misses.len(), rows.len());
    assert!(misses.is_empty());
}

#[test]
fn every_town_finds_itself_written_the_other_way() {
    let (gaz, _) = Gazetteer::load(data_dir(), &carecover::data::Manifest::builtin().unwrap())
        .unwrap_or_else(|e| panic!("{e}"));
    let rows = rows();
    let misses = run(&gaz, &rows, |r| {
        // 熊本市 keeps its ward; other municipalities lose their 郡.
        let city = if r.ward.is_empty() {
            r.city.clone()
        } else {
            r.city_full.clone()
        };
        let town = if r.chome.is_empty() {
            r.town.replace("大字", "")
        } else {
            format!("{}{}-", r.oaza, r.chome)
        };
        let koaza = if r.koaza.is_empty() {
            String::new()
        } else {
            format!("字{}", r.koaza)
        };
        format!("{city}{town}{koaza}12-3")
    });
    for m in &misses {
        println!("{m}");
    }
    println!("other way: {} of {} missed", misses.len(), rows.len());
    assert!(misses.is_empty());
}
