//! The census population mesh files (国勢調査 地域メッシュ統計, 500 m cells) the manifest lists
//! under `population.files`, parsed and checked row by row. What the counts mean per region
//! (allocation by area share, coverage) is computed in [`crate::coverage::Population`].

use super::csv::CsvTable;
use super::{DataErrors, Dataset, IssueLog};
use crate::geom::{LonLat, Projection};
use std::collections::{HashMap, HashSet};

/// One checked row of a mesh file: a 500 m square and its counts.
#[derive(Debug, Clone, PartialEq)]
pub struct MeshRow {
    pub mesh_code: String,
    /// `[lon_min, lat_min, lon_max, lat_max]`, degrees.
    pub bounds: [f64; 4],
    /// Centre of the square.
    pub center: LonLat,
    /// Counts; `None` where blank (secrecy-suppressed, 秘匿) or the column is missing.
    pub pop_total: Option<f64>,
    pub pop_0_14: Option<f64>,
    pub pop_65_plus: Option<f64>,
    pub pop_75_plus: Option<f64>,
    /// Multiplier applied to counts when allocating them by area share.
    pub alloc_factor: f64,
    /// (region id, share of the square's area in that region).
    pub region_shares: Vec<(u8, f64)>,
    /// (position in [`Dataset::municipalities`], share of the square's area in it).
    pub muni_shares: Vec<(usize, f64)>,
}

/// Every row of every mesh file the manifest lists.
#[derive(Debug, Clone, Default)]
pub struct MeshTable {
    pub rows: Vec<MeshRow>,
    /// Files read, relative to the data folder.
    pub files: Vec<String>,
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

impl MeshTable {
    /// Reads every file of `manifest.population` from the dataset's data folder (empty
    /// without the layer). Errors name the file, the row (1-based, header excluded) and the
    /// field; a mesh code seen twice, in one file or two, is an error.
    pub fn load(ds: &Dataset) -> Result<Self, DataErrors> {
        let mut log = IssueLog::default();
        let mut table = MeshTable::default();
        let Some(layer) = &ds.manifest.population else {
            return Ok(table);
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
                Ok(bytes) => {
                    let rows = read_mesh(&bytes, file, &region_of, &mut seen, &mut log);
                    table.rows.extend(rows);
                }
                Err(e) => log.error(file, "file".into(), "", e.to_string()),
            }
            table.files.push(file.clone());
        }
        if log.has_errors() {
            return Err(DataErrors { issues: log.issues });
        }
        Ok(table)
    }
}

/// Parses one mesh file. `region_of` maps a municipality code to (position, region); `seen`
/// holds the mesh codes of earlier rows and files.
pub(crate) fn read_mesh(
    bytes: &[u8],
    file: &str,
    region_of: &HashMap<&str, (usize, u8)>,
    seen: &mut HashSet<String>,
    log: &mut IssueLog,
) -> Vec<MeshRow> {
    let mut out = Vec::new();
    let Some(mut rows) = CsvTable::open(bytes, file, &COLUMNS, log) else {
        return out;
    };
    while let Some(r) = rows.next_row(log) {
        let before = log.issues.len();
        let mut num = |name: &str, blank_ok: bool| -> Option<f64> {
            let v = r.get(name);
            if v.is_empty() && blank_ok {
                return None;
            }
            match v.parse::<f64>() {
                Ok(x) if x.is_finite() && x >= 0.0 => Some(x),
                _ => {
                    r.error(log, name, format!("{v:?} is not a non-negative number"));
                    None
                }
            }
        };
        let lon_min = num("lon_min", false);
        let lat_min = num("lat_min", false);
        let lon_max = num("lon_max", false);
        let lat_max = num("lat_max", false);
        let pop_total = num("pop_total", true);
        let pop_0_14 = num("pop_0_14", true);
        let pop_65_plus = num("pop_65_plus", true);
        let pop_75_plus = num("pop_75_plus", true);
        let share_in = num("kumamoto_area_share", false);
        let alloc = num("alloc_factor", false);
        let shares = parse_shares(r.get("muni_shares"), region_of)
            .map_err(|m| r.error(log, "muni_shares", m));
        if let Some(s) = share_in.filter(|s| *s > 1.0 + 1e-6) {
            r.error(log, "kumamoto_area_share", format!("{s} is above 1"));
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
                r.error(
                    log,
                    "lon_min",
                    format!("cell centre {c} is far outside Kumamoto"),
                );
                None
            }
            Err(m) if !m.is_empty() => {
                r.error(log, "lon_min", m);
                None
            }
            Err(_) => None,
        };
        let code = r.get("mesh_code").to_string();
        if !code.is_empty() && !seen.insert(code.clone()) {
            r.error(
                log,
                "mesh_code",
                format!("cell {code} appears twice (in this or an earlier file)"),
            );
        }
        if log.issues.len() > before {
            continue;
        }
        let (
            Some(center),
            Ok((region_shares, muni_shares)),
            Some(alloc_factor),
            Some(lo0),
            Some(la0),
            Some(lo1),
            Some(la1),
        ) = (centre, shares, alloc, lon_min, lat_min, lon_max, lat_max)
        else {
            continue;
        };
        out.push(MeshRow {
            mesh_code: code,
            bounds: [lo0, la0, lo1, la1],
            center,
            pop_total,
            pop_0_14,
            pop_65_plus,
            pop_75_plus,
            alloc_factor,
            region_shares,
            muni_shares,
        });
    }
    out
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
    fn mesh_errors_name_file_row_and_field() {
        let m: HashMap<&str, (usize, u8)> = [("43100", (0, 1u8))].into();
        let text = "mesh_code,lon_min,lat_min,lon_max,lat_max,pop_total,pop_65_plus,pop_75_plus,kumamoto_area_share,alloc_factor,muni_shares\n\
            1,130.5,32.5,130.50625,32.50416,10,,,1,1,43100:1\n\
            2,130.5,32.5,130.50625,32.50416,abc,1,1,1,1,43100:1\n\
            1,130.5,32.5,130.50625,32.50416,10,1,1,1,1,43100:1\n";
        let mut log = IssueLog::default();
        let rows = read_mesh(text.as_bytes(), "f.csv", &m, &mut HashSet::new(), &mut log);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].pop_total, Some(10.0));
        assert_eq!(rows[0].pop_65_plus, None);
        assert_eq!(rows[0].region_shares, vec![(1, 1.0)]);
        let at: Vec<(&str, &str, &str)> = log
            .issues
            .iter()
            .map(|e| (e.file.as_str(), e.location.as_str(), e.field.as_str()))
            .collect();
        assert_eq!(
            at,
            [
                ("f.csv", "row 2", "pop_total"),
                ("f.csv", "row 3", "mesh_code")
            ]
        );
    }
}
