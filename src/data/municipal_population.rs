//! Population per municipality from the 2020 census (the municipal table of
//! `population/kumamoto_municipality_population_2020census_ipss2023.csv`): total and 0–14 for
//! all 45 municipalities (熊本市 as one), where the 500 m census cells cover only the north.

use super::issues::IssueLog;
use super::Municipality;
use super::{column_index, has_columns, CsvRows};
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
}

const REQUIRED: &[&str] = &[
    "jis_code",
    "name",
    "unit_kind",
    "pop_total_2020",
    "pop_0_14_2020",
];

/// Reads the rows of the municipalities of the municipality layer (the prefecture and ward rows
/// are skipped by `unit_kind`); a bad number is an error naming row and column, a municipality
/// without a row a warning.
pub fn load(
    text: &str,
    file: &str,
    municipalities: &[Municipality],
    log: &mut IssueLog,
) -> Vec<MunicipalPopulation> {
    let Some((mut rows, headers)) = CsvRows::open(text.as_bytes(), file, log) else {
        return Vec::new();
    };
    let col = column_index(&headers);
    if !has_columns(&col, REQUIRED, file, log) {
        return Vec::new();
    }
    let by_code: HashMap<&str, &Municipality> = municipalities
        .iter()
        .map(|m| (m.jis_code.as_str(), m))
        .collect();
    let mut out: Vec<MunicipalPopulation> = Vec::new();
    while let Some((row, rec)) = rows.next_row(file, log) {
        let loc = format!("row {row}");
        let get = |c: &str| rec.get(col[c]).unwrap_or("").trim();
        if matches!(get("unit_kind"), "prefecture" | "ward") {
            continue;
        }
        let code = get("jis_code");
        let Some(m) = by_code.get(code) else {
            log.warn(
                file,
                loc,
                "jis_code",
                format!("{code:?} is not a municipality of the municipality layer; row skipped"),
            );
            continue;
        };
        let mut num = |c: &str| -> Option<u32> {
            get(c)
                .parse::<u32>()
                .map_err(|_| {
                    log.error(
                        file,
                        loc.clone(),
                        c,
                        format!("{:?} is not a whole number of people", get(c)),
                    )
                })
                .ok()
        };
        let (Some(pop_total), Some(pop_0_14)) = (num("pop_total_2020"), num("pop_0_14_2020"))
        else {
            continue;
        };
        if out.iter().any(|p| p.jis_code == code) {
            log.error(
                file,
                loc,
                "jis_code",
                format!("duplicate municipality {code}"),
            );
            continue;
        }
        out.push(MunicipalPopulation {
            jis_code: code.to_string(),
            name: m.name.clone(),
            region_id: m.region_id,
            pop_total,
            pop_0_14,
        });
    }
    for m in municipalities {
        if !out.iter().any(|p| p.jis_code == m.jis_code) {
            log.warn(
                file,
                "file".into(),
                "jis_code",
                format!("municipality {} {} has no row", m.jis_code, m.name),
            );
        }
    }
    out
}
