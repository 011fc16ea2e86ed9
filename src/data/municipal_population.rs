//! Population per municipality from the 2020 census (the municipal table of
//! `population/kumamoto_municipality_population_2020census_ipss2023.csv`): total and 0–14 for
//! all 45 municipalities (熊本市 as one), where the 500 m census cells cover only the north,
//! 65+ where the table has the column, and the wards of a designated city (熊本市's five) as
//! rows of their own.

use super::csv::CsvTable;
use super::issues::IssueLog;
use super::Municipality;
use std::collections::HashMap;

/// One municipality's 2020 census figures.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MunicipalPopulation {
    pub jis_code: String,
    pub name: String,
    pub region_id: u8,
    pub pop_total: u32,
    /// Children aged 0–14 (2020 census, ages 不詳補完).
    pub pop_0_14: u32,
    /// People aged 65 and over (2020 census, ages 不詳補完); `None` without the column.
    pub pop_65_plus: Option<u32>,
    /// Projected figures (IPSS 2023) for later years, ascending; empty when the table has no
    /// `pop_total_YYYY` columns after 2020.
    pub projections: Vec<Projected>,
}

/// One projected year of a municipality (国立社会保障・人口問題研究所, 令和5年推計).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Projected {
    pub year: u16,
    pub pop_total: u32,
    pub pop_0_14: u32,
    pub pop_65_plus: u32,
}

impl MunicipalPopulation {
    /// The projection for `year`, if the table has it.
    pub fn projected(&self, year: u16) -> Option<&Projected> {
        self.projections.iter().find(|p| p.year == year)
    }
}

/// The census year of the `*_2020` columns.
pub const CENSUS_YEAR: u16 = 2020;

/// The table's rows: the municipalities of the layer, and the wards (区) of its designated
/// cities, whose `region_id` is their city's.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MunicipalTable {
    pub municipalities: Vec<MunicipalPopulation>,
    pub wards: Vec<MunicipalPopulation>,
}

const REQUIRED: &[&str] = &[
    "jis_code",
    "name",
    "unit_kind",
    "pop_total_2020",
    "pop_0_14_2020",
];

/// Reads the rows of the municipalities of the municipality layer, and of the wards of its
/// designated cities (a `ward` row whose code folds into a municipality's, 4310x → 43100); the
/// prefecture row is skipped. A bad number is an error naming row and column, a municipality
/// without a row a warning.
pub fn load(
    bytes: &[u8],
    file: &str,
    municipalities: &[Municipality],
    log: &mut IssueLog,
) -> MunicipalTable {
    let mut out = MunicipalTable::default();
    let Some(mut rows) = CsvTable::open(bytes, file, REQUIRED, log) else {
        return out;
    };
    let has_65 = rows.has("pop_65_plus_2020");
    // Projected years: every `pop_total_YYYY` after the census whose 0–14 and 65+ columns
    // are there too.
    let years: Vec<u16> = rows
        .headers()
        .filter_map(|h| h.strip_prefix("pop_total_")?.parse::<u16>().ok())
        .filter(|y| *y > CENSUS_YEAR)
        .filter(|y| rows.has(&format!("pop_0_14_{y}")) && rows.has(&format!("pop_65_plus_{y}")))
        .collect();
    let by_code: HashMap<&str, &Municipality> = municipalities
        .iter()
        .map(|m| (m.jis_code.as_str(), m))
        .collect();
    while let Some(rec) = rows.next_row(log) {
        let loc = rec.location();
        let get = |c: &str| rec.get(c);
        let ward = match get("unit_kind") {
            "prefecture" => continue,
            "ward" => true,
            _ => false,
        };
        let code = get("jis_code");
        let layer_code = if ward {
            super::towns::municipality_code(code)
        } else {
            code.to_string()
        };
        let Some(m) = by_code.get(layer_code.as_str()) else {
            rec.warn(
                log,
                "jis_code",
                format!("{code:?} is not a municipality of the municipality layer; row skipped"),
            );
            continue;
        };
        let mut num = |c: &str| rec.people(log, c);
        let (Some(pop_total), Some(pop_0_14)) = (num("pop_total_2020"), num("pop_0_14_2020"))
        else {
            continue;
        };
        let pop_65_plus = if has_65 {
            match num("pop_65_plus_2020") {
                Some(n) => Some(n),
                None => continue,
            }
        } else {
            None
        };
        let mut projections = Vec::with_capacity(years.len());
        for &year in &years {
            let (Some(pop_total), Some(pop_0_14), Some(pop_65_plus)) = (
                num(&format!("pop_total_{year}")),
                num(&format!("pop_0_14_{year}")),
                num(&format!("pop_65_plus_{year}")),
            ) else {
                continue;
            };
            projections.push(Projected {
                year,
                pop_total,
                pop_0_14,
                pop_65_plus,
            });
        }
        if projections.len() < years.len() {
            continue;
        }
        let rows = if ward {
            &mut out.wards
        } else {
            &mut out.municipalities
        };
        if rows.iter().any(|p| p.jis_code == code) {
            log.error(
                file,
                loc,
                "jis_code",
                format!("duplicate municipality {code}"),
            );
            continue;
        }
        rows.push(MunicipalPopulation {
            jis_code: code.to_string(),
            name: if ward {
                get("name").to_string()
            } else {
                m.name.clone()
            },
            region_id: m.region_id,
            pop_total,
            pop_0_14,
            pop_65_plus,
            projections,
        });
    }
    warn_missing(
        municipalities,
        &out.municipalities,
        |p| &p.jis_code,
        file,
        log,
    );
    out
}

/// Warns (file-level, column `jis_code`) for every municipality of the layer without a row in
/// a per-municipality table.
pub(super) fn warn_missing<R>(
    municipalities: &[Municipality],
    rows: &[R],
    code: impl Fn(&R) -> &str,
    file: &str,
    log: &mut IssueLog,
) {
    for m in municipalities {
        if !rows.iter().any(|r| code(r) == m.jis_code) {
            log.warn(
                file,
                "file".into(),
                "jis_code",
                format!("municipality {} {} has no row", m.jis_code, m.name),
            );
        }
    }
}
