//! Per-municipality rows of one region's coverage: towns beyond the radius and children
//! (0–14, 2020 census by municipality), for pediatric planning where the 500 m cells are
//! missing (the south of the prefecture).

use super::RegionCoverage;
use crate::data::Dataset;
use serde::Serialize;
use std::collections::BTreeMap;

/// One municipality of a region under one coverage layer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MunicipalityRow {
    pub jis_code: String,
    pub name: String,
    /// Children 0–14 (census 2020); null without the municipal table.
    pub children_0_14: Option<u32>,
    pub towns_total: usize,
    /// Towns (町丁目/大字 points) farther than the radius from every chosen provider.
    pub towns_uncovered: usize,
    /// `towns_uncovered / towns_total` (0 when the municipality has no town point).
    pub towns_uncovered_share: f64,
}

/// The municipalities of `rc`'s region, in the municipality layer's order.
pub fn municipality_rows(ds: &Dataset, rc: &RegionCoverage) -> Vec<MunicipalityRow> {
    let mut towns: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for t in ds.towns.iter().filter(|t| t.region_id == rc.region_id) {
        towns.entry(t.municipality_code()).or_default().0 += 1;
    }
    for g in &rc.uncovered_towns {
        towns
            .entry(ds.towns[g.town].municipality_code())
            .or_default()
            .1 += 1;
    }
    ds.municipalities
        .iter()
        .filter(|m| m.region_id == rc.region_id)
        .map(|m| {
            let (total, uncovered) = towns.get(&m.jis_code).copied().unwrap_or((0, 0));
            MunicipalityRow {
                jis_code: m.jis_code.clone(),
                name: m.name.clone(),
                children_0_14: ds
                    .municipal_population
                    .iter()
                    .find(|p| p.jis_code == m.jis_code)
                    .map(|p| p.pop_0_14),
                towns_total: total,
                towns_uncovered: uncovered,
                towns_uncovered_share: if total > 0 {
                    ((uncovered as f64 / total as f64) * 1000.0).round() / 1000.0
                } else {
                    0.0
                },
            }
        })
        .collect()
}
