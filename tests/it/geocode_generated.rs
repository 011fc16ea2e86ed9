//! Generated table: addresses as people write them, built from the data files themselves
//! (every town of the towns file, every row of the former-municipalities table), not
//! picked by hand. One kind per way in; each kind must put the right town first for at
//! least 95 % of its cases, and the accuracy of every kind is printed:
//!
//! ```sh
//! cargo test --test geocode_generated -- --nocapture
//! ```
//!
//! The expected answer is the row the query was written from, so a test fails when the
//! geocoder answers another town, another municipality, or nothing.

use std::collections::{BTreeMap, HashMap, HashSet};

use carecover::geocode::{normalize_address, Gazetteer, GeocodeAnswer, Level};

use crate::common;
use common::data_dir;

/// One row of the towns file, as the test reads it (independently of the geocoder).
#[derive(Debug, Clone)]
struct Town {
    jis: String,
    city_full: String,
    city_kana: String,
    /// Display name the geocoder answers: `town`, plus `字koaza` for a 小字 row.
    name: String,
    town: String,
    koaza: String,
    chome: Option<u32>,
    oaza_kana: String,
    has_point: bool,
}

#[derive(Debug, Clone)]
struct Former {
    county: String,
    name: String,
    jis: String,
    prefix: String,
}

fn read_csv(path: &std::path::Path) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn towns() -> Vec<Town> {
    read_csv(&data_dir().join("addresses/kumamoto_towns.csv"))
        .into_iter()
        .map(|r| {
            let koaza = r["koaza"].clone();
            let name = if koaza.is_empty() {
                r["town"].clone()
            } else {
                format!("{}字{}", r["town"], koaza)
            };
            Town {
                jis: r["jis_code"].clone(),
                city_full: r["city_full"].clone(),
                city_kana: r["city_kana"].clone(),
                name,
                town: r["town"].clone(),
                koaza,
                chome: r["chome"].parse().ok(),
                oaza_kana: r["oaza_kana"].clone(),
                has_point: !r["lat"].is_empty(),
            }
        })
        .collect()
}

fn formers() -> Vec<Former> {
    read_csv(&data_dir().join("addresses/kumamoto_former_municipalities.csv"))
        .into_iter()
        .map(|r| Former {
            county: r["former_county"].clone(),
            name: r["former_name"].clone(),
            jis: r["current_jis_code"].clone(),
            prefix: r["town_prefix"].clone(),
        })
        .collect()
}

fn key(s: &str) -> String {
    normalize_address(s).key
}

/// Town name without a leading 大字 and without its N丁目 (the 大字 a reader looks for).
fn base(t: &Town) -> String {
    let n = t.town.trim_start_matches("大字");
    match (t.chome, n.strip_suffix("丁目")) {
        (Some(_), Some(b)) => b
            .trim_end_matches(|c: char| "一二三四五六七八九十".contains(c) || c.is_ascii_digit())
            .to_string(),
        _ => n.to_string(),
    }
}

fn hiragana(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'ァ'..='ヶ' => char::from_u32(c as u32 - 0x60).unwrap_or(c),
            _ => c,
        })
        .collect()
}

fn half_width(s: &str) -> String {
    const FULL: &str = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲンァィゥェォャュョッー";
    const HALF: &str = "ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜｦﾝｧｨｩｪｫｬｭｮｯｰ";
    const VOICED: &str = "ガギグゲゴザジズゼゾダヂヅデドバビブベボ";
    const VOICED_BASE: &str = "カキクケコサシスセソタチツテトハヒフヘホ";
    const SEMI: &str = "パピプペポ";
    let half_of = |c: char| {
        FULL.chars()
            .position(|f| f == c)
            .and_then(|i| HALF.chars().nth(i))
    };
    let mut out = String::new();
    for c in s.chars() {
        if let Some(h) = half_of(c) {
            out.push(h);
        } else if let Some(i) = VOICED.chars().position(|v| v == c) {
            let b = VOICED_BASE.chars().nth(i).and_then(half_of).unwrap_or(c);
            out.push(b);
            out.push('ﾞ');
        } else if let Some(i) = SEMI.chars().position(|v| v == c) {
            let b = "ハヒフヘホ".chars().nth(i).and_then(half_of).unwrap_or(c);
            out.push(b);
            out.push('ﾟ');
        } else if c == 'ヴ' {
            out.push_str("ｳﾞ");
        } else {
            out.push(c);
        }
    }
    out
}

/// A generated case: kind, query, expected (city_full, town), whether the town is shared
/// by several municipalities (then the answer must say it is ambiguous and list the town).
struct Case {
    kind: &'static str,
    query: String,
    city: String,
    town: String,
    shared: bool,
}

fn cases() -> Vec<Case> {
    let towns = towns();
    let formers = formers();
    let mut out = Vec::new();

    // Name keys (大字 dropped) → the units that have them, to know which names are shared;
    // a 大字 listed only by its 丁目 counts under its own name too.
    let mut units_of: HashMap<String, HashSet<String>> = HashMap::new();
    for t in &towns {
        units_of
            .entry(key(t.name.trim_start_matches("大字")))
            .or_default()
            .insert(t.jis.clone());
        units_of
            .entry(key(&base(t)))
            .or_default()
            .insert(t.jis.clone());
    }
    // Names written twice in one unit are ambiguous by nature: left out.
    let mut count_in_unit: HashMap<(String, String), usize> = HashMap::new();
    for t in &towns {
        *count_in_unit
            .entry((t.jis.clone(), key(&t.name)))
            .or_default() += 1;
    }
    let usable = |t: &Town| t.has_point && count_in_unit[&(t.jis.clone(), key(&t.name))] == 1;

    // 1. Former municipality + the rest of today's town name (鹿本郡植木町岩野).
    for (i, f) in formers.iter().enumerate() {
        let prefix_key = key(&f.prefix);
        for (j, t) in towns
            .iter()
            .filter(|t| t.jis == f.jis && usable(t))
            .enumerate()
        {
            let plain = t.name.trim_start_matches("大字");
            let tk = key(plain);
            let rest: String = if f.prefix.is_empty() {
                // Names kept: the town as it is, unless another former of the same unit
                // carries it (then it was not this former's town).
                let claimed = formers.iter().any(|g| {
                    g.jis == f.jis && !g.prefix.is_empty() && tk.starts_with(&key(&g.prefix))
                });
                if claimed {
                    continue;
                }
                plain.to_string()
            } else if tk.starts_with(&prefix_key) && tk.len() > prefix_key.len() {
                plain.chars().skip(f.prefix.chars().count()).collect()
            } else {
                continue;
            };
            let county = if (i + j) % 2 == 0 {
                f.county.as_str()
            } else {
                ""
            };
            let oaza = if j % 3 == 0 { "大字" } else { "" };
            let number = match j % 4 {
                0 => " 12-3",
                1 => "123番地",
                2 => "45番地6 コーポ松橋201",
                _ => "",
            };
            out.push(Case {
                kind: if f.prefix.is_empty() {
                    "former name, 大字 kept"
                } else {
                    "former name, 町名 prefix"
                },
                query: format!("{county}{}{oaza}{rest}{number}", f.name),
                city: t.city_full.clone(),
                town: t.name.clone(),
                shared: false,
            });
        }
    }

    // 2. No municipality written: the town name alone, then a house number.
    for (j, t) in towns.iter().filter(|t| usable(t)).enumerate() {
        let shared = units_of[&key(t.name.trim_start_matches("大字"))].len() > 1;
        let number = if j % 2 == 0 { " 12番地" } else { "12番地3" };
        out.push(Case {
            kind: if shared {
                "no municipality, name in several"
            } else {
                "no municipality, unique name"
            },
            query: format!("{}{number}", t.name),
            city: t.city_full.clone(),
            town: t.name.clone(),
            shared,
        });
    }

    // 3. Kana: the municipality's and the 大字's readings, three spellings; 丁目 as digits.
    for (j, t) in towns.iter().filter(|t| usable(t)).enumerate() {
        if t.oaza_kana.is_empty() || t.city_kana.is_empty() || !t.koaza.is_empty() {
            continue;
        }
        // A bare number after a 大字 could be its 丁目; a 番地 cannot.
        let chome = t.chome.map_or(" 5番地".to_string(), |n| format!("{n}-5"));
        let (kind, query) = match j % 3 {
            0 => (
                "kana, hiragana with spaces",
                format!(
                    "{} {}{chome}",
                    hiragana(&t.city_kana),
                    hiragana(&t.oaza_kana)
                ),
            ),
            1 => (
                "kana, katakana",
                format!("{}{}{chome}", t.city_kana, t.oaza_kana),
            ),
            _ => (
                "kana, half-width katakana",
                format!(
                    "{} {}{chome}",
                    half_width(&t.city_kana),
                    half_width(&t.oaza_kana)
                ),
            ),
        };
        out.push(Case {
            kind,
            query,
            city: t.city_full.clone(),
            town: t.name.clone(),
            shared: false,
        });
    }
    out
}

fn is_right(a: &GeocodeAnswer, c: &Case) -> (bool, bool) {
    let right = |x: &carecover::geocode::Candidate| {
        x.level == Level::Town && x.city == c.city && x.town.as_deref() == Some(c.town.as_str())
    };
    let first = a.candidates.first().is_some_and(right);
    let listed = a.candidates.iter().any(right);
    (first, listed)
}

fn show(a: &GeocodeAnswer) -> String {
    match a.candidates.first() {
        Some(x) => format!(
            "{:?} {} {:?} score {} ({} candidates, ambiguous {})",
            x.level,
            x.city,
            x.town,
            x.score,
            a.candidates.len(),
            a.ambiguous
        ),
        None => format!("nothing ({:?})", a.reason),
    }
}

#[test]
fn generated_addresses_resolve_to_their_town_per_kind() {
    let (gaz, _) = Gazetteer::load(data_dir(), &carecover::data::Manifest::builtin().unwrap())
        .unwrap_or_else(|e| panic!("{e}"));
    let cases = cases();
    // kind → (cases, first right, listed, flagged ambiguous)
    let mut stats: BTreeMap<&str, (usize, usize, usize, usize)> = BTreeMap::new();
    let mut misses: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for c in &cases {
        let a = gaz.geocode(&c.query, 20);
        let (first, listed) = is_right(&a, c);
        let s = stats.entry(c.kind).or_default();
        s.0 += 1;
        s.1 += usize::from(first);
        s.2 += usize::from(listed);
        s.3 += usize::from(a.ambiguous);
        let ok = if c.shared {
            listed && a.ambiguous
        } else {
            first
        };
        if !ok {
            misses.entry(c.kind).or_default().push(format!(
                "{:?} want {} {}: {}",
                c.query,
                c.city,
                c.town,
                show(&a)
            ));
        }
        if a.ambiguous {
            assert!(
                a.candidates.len() >= 2,
                "{:?}: ambiguous with one candidate",
                c.query
            );
        }
    }
    let mut failed = Vec::new();
    println!("kind | cases | right town first | listed | flagged ambiguous");
    for (kind, (n, first, listed, amb)) in &stats {
        let pct = |x: usize| 100.0 * x as f64 / *n as f64;
        println!(
            "{kind} | {n} | {first} ({:.1} %) | {listed} ({:.1} %) | {amb}",
            pct(*first),
            pct(*listed)
        );
        for m in misses.get(kind).into_iter().flatten().take(8) {
            println!("    MISS {m}");
        }
        // Shared names: the right town must be listed and the answer flagged (which of
        // them is first is a guess); every other kind: the right town first.
        let good = if kind.contains("several") {
            n - misses.get(kind).map_or(0, Vec::len)
        } else {
            *first
        };
        assert!(*n >= 20, "{kind}: only {n} cases generated");
        if (good as f64) < 0.95 * *n as f64 {
            failed.push(format!("{kind}: {good}/{n}"));
        }
    }
    assert!(failed.is_empty(), "below 95 %: {failed:?}");
}

/// Each former municipality's 町名 prefix occurs among its current municipality's towns,
/// and the table names each former municipality once.
#[test]
fn every_former_prefix_occurs_among_the_current_towns() {
    let towns = towns();
    let formers = formers();
    assert!(formers.len() >= 60, "{} rows", formers.len());
    let mut seen = HashSet::new();
    for f in &formers {
        assert!(
            seen.insert(format!("{}{}", f.county, f.name)),
            "{}{} twice",
            f.county,
            f.name
        );
        assert!(
            towns.iter().any(|t| t.jis == f.jis),
            "{}: current_jis_code {} has no towns",
            f.name,
            f.jis
        );
        if f.prefix.is_empty() {
            continue;
        }
        let n = towns
            .iter()
            .filter(|t| {
                t.jis == f.jis
                    && key(t.town.trim_start_matches("大字")).starts_with(&key(&f.prefix))
            })
            .count();
        assert!(
            n > 0,
            "{}: no town of {} starts with {}",
            f.name,
            f.jis,
            f.prefix
        );
    }
}

/// The same 大字 name in two municipalities stays ambiguous: all are listed, flagged.
#[test]
fn a_name_shared_by_two_municipalities_stays_ambiguous() {
    let (gaz, _) = Gazetteer::load(data_dir(), &carecover::data::Manifest::builtin().unwrap())
        .unwrap_or_else(|e| panic!("{e}"));
    // 宮原 is a 大字 of 玉名市, 阿蘇郡小国町 and 八代郡氷川町.
    let a = gaz.geocode("宮原 100番地", 10);
    assert!(a.ambiguous, "{a:?}");
    for city in ["玉名市", "阿蘇郡小国町", "八代郡氷川町"] {
        assert!(
            a.candidates
                .iter()
                .any(|c| c.city == city && c.town.as_deref().is_some_and(|t| t.ends_with("宮原"))),
            "{city} missing: {a:?}"
        );
    }
    // Writing the municipality removes the ambiguity.
    let a = gaz.geocode("氷川町宮原 100番地", 10);
    assert!(!a.ambiguous, "{a:?}");
    assert_eq!(a.candidates[0].city, "八代郡氷川町");
}
