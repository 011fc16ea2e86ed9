//! Census population on a 500 m grid (国勢調査 地域メッシュ統計, 4次メッシュ), read from every file the
//! manifest lists under `population.files` — another mesh file needs only a manifest line.
//!
//! # Method (how people are counted per region)
//! Each cell's counts are allocated to regions **by area share**: the file gives, per cell, the
//! share of the square inside each municipality (`muni_shares`, `jis:share|…`), and an
//! `alloc_factor` (1 / share inside Kumamoto for coastal cells, whose remainder is sea; 1 for
//! cells on the land border, whose remainder is another prefecture). A region receives
//! `count × Σ(shares of its municipalities) × alloc_factor`. A cell counts as **covered** when
//! its centre is within r (geodesic) of a chosen provider — exact for the centre, and a 500 m
//! cell is small against a 16 km radius.
//!
//! The census lists inhabited cells only: a square without a row has nobody living in it, as
//! long as it lies inside a 1st-level mesh square a file covers ([`super::regions::data_extent`]).
//!
//! Blank (secrecy-suppressed, 秘匿) age counts are read as 0: e-Stat merges such cells (合算元)
//! into a neighbour (合算先) whose counts include them, so the people are counted there.

use crate::data::{column_index, has_columns, CsvRows};
use crate::data::{DataErrors, Dataset, IssueLog};
use crate::geom::{LonLat, Projection};
use std::collections::{HashMap, HashSet};

/// One 500 m cell.
#[derive(Debug, Clone)]
pub struct PopCell {
    pub mesh_code: String,
    /// Centre of the square.
    pub center: LonLat,
    /// Planar zone II area of the whole square, km².
    pub area_km2: f64,
    pub pop_total: f64,
    /// Children 0–14 (0 where the column is missing or the count suppressed).
    pub pop_0_14: f64,
    pub pop_65_plus: f64,
    pub pop_75_plus: f64,
    /// Multiplier applied to counts when allocating them by area share.
    pub alloc_factor: f64,
    /// (region id, share of the square's area in that region).
    pub region_shares: Vec<(u8, f64)>,
    /// (position in [`Dataset::municipalities`], share of the square's area in it).
    pub muni_shares: Vec<(usize, f64)>,
}

/// Every cell of every population file.
#[derive(Debug, Clone, Default)]
pub struct Population {
    pub cells: Vec<PopCell>,
    /// Files read, relative to the data folder.
    pub files: Vec<String>,
    /// Cells whose 65+ or 75+ count was blank (suppressed) and read as 0.
    pub suppressed_cells: usize,
}

const COLUMNS: [&str; 10] = [
    "lon_min",
    "lat_min",
    "lon_max",
    "lat_max",
    "pop_total",
    "pop_65_plus",
    "pop_75_plus",
    "kumamoto_area_share",
    "alloc_factor",
    "muni_shares",
];

impl Population {
    /// Reads every file of `manifest.population` from the dataset's data folder. Errors name
    /// the file, the row (1-based, header excluded) and the field.
    pub fn load(ds: &Dataset) -> Result<Self, DataErrors> {
        let mut log = IssueLog::default();
        let mut pop = Population::default();
        let Some(layer) = &ds.manifest.population else {
            return Ok(pop);
        };
        let region_of: HashMap<&str, (usize, u8)> = ds
            .municipalities
            .iter()
            .enumerate()
            .map(|(i, m)| (m.jis_code.as_str(), (i, m.region_id)))
            .collect();
        let mut seen = HashSet::new();
        for file in &layer.files {
            match ds.file_bytes(file) {
                Ok(bytes) => read_cells(
                    &bytes,
                    file,
                    &region_of,
                    &ds.projection,
                    &mut seen,
                    &mut pop,
                    &mut log,
                ),
                Err(e) => log.error(file, "file".into(), "", e.to_string()),
            }
            pop.files.push(file.clone());
        }
        if log.has_errors() {
            return Err(DataErrors { issues: log.issues });
        }
        Ok(pop)
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }
}

fn read_cells(
    bytes: &[u8],
    file: &str,
    region_of: &HashMap<&str, (usize, u8)>,
    proj: &Projection,
    seen: &mut HashSet<String>,
    pop: &mut Population,
    log: &mut IssueLog,
) {
    let Some((mut rows, headers)) = CsvRows::open(bytes, file, log) else {
        return;
    };
    let col = column_index(&headers);
    if !has_columns(&col, &COLUMNS, file, log) {
        return;
    }
    while let Some((row, rec)) = rows.next_row(file, log) {
        let loc = format!("row {row}");
        let before = log.issues.len();
        let get = |name: &str| col.get(name).and_then(|i| rec.get(*i)).unwrap_or("").trim();
        let mut num = |name: &str, blank_ok: bool| -> Option<f64> {
            let v = get(name);
            if v.is_empty() && blank_ok {
                return None;
            }
            match v.parse::<f64>() {
                Ok(x) if x.is_finite() && x >= 0.0 => Some(x),
                _ => {
                    log.error(
                        file,
                        loc.clone(),
                        name,
                        format!("{v:?} is not a non-negative number"),
                    );
                    None
                }
            }
        };
        let lon_min = num("lon_min", false);
        let lat_min = num("lat_min", false);
        let lon_max = num("lon_max", false);
        let lat_max = num("lat_max", false);
        let pop_total = num("pop_total", true);
        let p0_14 = num("pop_0_14", true);
        let p65 = num("pop_65_plus", true);
        let p75 = num("pop_75_plus", true);
        let share_in = num("kumamoto_area_share", false);
        let alloc = num("alloc_factor", false);
        let shares = parse_shares(get("muni_shares"), region_of).map_err(|m| {
            log.error(file, loc.clone(), "muni_shares", m);
        });
        if let Some(s) = share_in.filter(|s| *s > 1.0 + 1e-6) {
            log.error(
                file,
                loc.clone(),
                "kumamoto_area_share",
                format!("{s} is above 1"),
            );
        }
        let centre = match (lon_min, lat_min, lon_max, lat_max) {
            (Some(a), Some(b), Some(c), Some(d)) if a < c && b < d => {
                LonLat::new((a + c) / 2.0, (b + d) / 2.0).map_err(|e| e.to_string())
            }
            (Some(_), Some(_), Some(_), Some(_)) => {
                Err("lon_min/lat_min must be below lon_max/lat_max".into())
            }
            _ => Err(String::new()),
        };
        let centre = match centre {
            Ok(c) if Projection::VALID_LON.contains(&c.lon()) => Some(c),
            Ok(c) => {
                log.error(
                    file,
                    loc.clone(),
                    "lon_min",
                    format!("cell centre {c} is far outside Kumamoto"),
                );
                None
            }
            Err(m) if !m.is_empty() => {
                log.error(file, loc.clone(), "lon_min", m);
                None
            }
            Err(_) => None,
        };
        let code = get("mesh_code").to_string();
        if !code.is_empty() && !seen.insert(code.clone()) {
            log.error(
                file,
                loc.clone(),
                "mesh_code",
                format!("cell {code} appears twice (in this or an earlier file)"),
            );
        }
        if log.issues.len() > before {
            continue;
        }
        let (
            Some(centre),
            Ok((shares, muni_shares)),
            Some(alloc),
            Some(lo0),
            Some(la0),
            Some(lo1),
            Some(la1),
        ) = (centre, shares, alloc, lon_min, lat_min, lon_max, lat_max)
        else {
            continue;
        };
        if p65.is_none() || p75.is_none() || pop_total.is_none() {
            pop.suppressed_cells += 1;
        }
        let corners =
            [(lo0, la0), (lo1, la0), (lo1, la1), (lo0, la1)].map(|(x, y)| proj.forward_deg(x, y));
        let area_m2 = 0.5
            * (0..4)
                .map(|j| {
                    let (a, b) = (corners[j], corners[(j + 1) % 4]);
                    a.x * b.y - b.x * a.y
                })
                .sum::<f64>()
                .abs();
        pop.cells.push(PopCell {
            mesh_code: code,
            center: centre,
            area_km2: area_m2 / 1e6,
            pop_total: pop_total.unwrap_or(0.0),
            pop_0_14: p0_14.unwrap_or(0.0),
            pop_65_plus: p65.unwrap_or(0.0),
            pop_75_plus: p75.unwrap_or(0.0),
            alloc_factor: alloc,
            region_shares: shares,
            muni_shares,
        });
    }
}

/// Shares per region and per municipality.
type Shares = (Vec<(u8, f64)>, Vec<(usize, f64)>);

/// `43100:0.6|43211:0.4` → shares per region (municipalities of one region summed) and per
/// municipality (its position in the layer). `region_of` maps a code to (position, region).
fn parse_shares(s: &str, region_of: &HashMap<&str, (usize, u8)>) -> Result<Shares, String> {
    let mut out: Vec<(u8, f64)> = Vec::new();
    let mut munis: Vec<(usize, f64)> = Vec::new();
    for part in s.split('|').map(str::trim).filter(|p| !p.is_empty()) {
        let (jis, share) = part
            .split_once(':')
            .ok_or_else(|| format!("{part:?} is not jis_code:share"))?;
        let share: f64 = share
            .trim()
            .parse()
            .ok()
            .filter(|x: &f64| x.is_finite() && (0.0..=1.0 + 1e-6).contains(x))
            .ok_or_else(|| format!("share {share:?} of {jis} is not a number in 0..1"))?;
        let (muni, region) = *region_of
            .get(jis.trim())
            .ok_or_else(|| format!("municipality {jis:?} is not in the municipality layer"))?;
        match out.iter_mut().find(|(r, _)| *r == region) {
            Some(e) => e.1 += share,
            None => out.push((region, share)),
        }
        match munis.iter_mut().find(|(m, _)| *m == muni) {
            Some(e) => e.1 += share,
            None => munis.push((muni, share)),
        }
    }
    Ok((out, munis))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_are_summed_per_region_and_bad_ones_named() {
        let m: HashMap<&str, (usize, u8)> =
            [("43100", (0, 1u8)), ("43348", (1, 1)), ("43211", (2, 2))].into();
        let (regions, munis) = parse_shares("43100:0.5|43348:0.25|43211:0.25", &m).unwrap();
        assert_eq!(regions, vec![(1, 0.75), (2, 0.25)]);
        assert_eq!(munis, vec![(0, 0.5), (1, 0.25), (2, 0.25)]);
        assert!(parse_shares("43999:0.5", &m).unwrap_err().contains("43999"));
        assert!(parse_shares("43100:x", &m).unwrap_err().contains("43100"));
        assert!(parse_shares("", &m).unwrap().0.is_empty());
    }

    #[test]
    fn loader_errors_name_file_row_and_field() {
        let m: HashMap<&str, (usize, u8)> = [("43100", (0, 1u8))].into();
        let text = "mesh_code,lon_min,lat_min,lon_max,lat_max,pop_total,pop_65_plus,pop_75_plus,kumamoto_area_share,alloc_factor,muni_shares\n\
            1,130.5,32.5,130.50625,32.50416,10,,,1,1,43100:1\n\
            2,130.5,32.5,130.50625,32.50416,abc,1,1,1,1,43100:1\n";
        let mut pop = Population::default();
        let mut log = IssueLog::default();
        let proj = Projection::kumamoto();
        read_cells(
            text.as_bytes(),
            "f.csv",
            &m,
            &proj,
            &mut HashSet::new(),
            &mut pop,
            &mut log,
        );
        assert_eq!(pop.cells.len(), 1);
        assert_eq!(pop.suppressed_cells, 1);
        assert_eq!(log.issues.len(), 1);
        let e = &log.issues[0];
        assert_eq!(
            (e.file.as_str(), e.location.as_str(), e.field.as_str()),
            ("f.csv", "row 2", "pop_total")
        );
        // A 500 m cell at 32.5°N is about 0.59 km × 0.46 km.
        assert!(
            (pop.cells[0].area_km2 - 0.27).abs() < 0.02,
            "{}",
            pop.cells[0].area_km2
        );
    }
}
