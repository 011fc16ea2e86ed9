//! Loading towns (町丁目/大字 representative points): the settlements coverage counts.

use super::csv::CsvTable;
use super::issues::IssueLog;
use crate::geom::LonLat;

/// One 町丁目 or 大字 with its representative point.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Town {
    /// 5-digit municipality code as in addresses (熊本市's wards are 43101–43105).
    pub jis_code: String,
    /// City as written in addresses, e.g. 熊本市中央区, 上益城郡益城町.
    pub city: String,
    /// Town name as in the source, e.g. 水前寺六丁目, 大字万江.
    pub name: String,
    #[serde(skip)]
    pub location: LonLat,
    /// Medical region (1–10), from the municipality.
    pub region_id: u8,
}

impl Town {
    /// The municipality code of the polygon layer (熊本市's wards fold into 43100).
    pub fn municipality_code(&self) -> String {
        municipality_code(&self.jis_code)
    }
}

/// Folds a ward code of 熊本市 (43101–43105) into the city's code 43100.
pub fn municipality_code(jis: &str) -> String {
    if jis.len() == 5 && jis.starts_with("4310") {
        "43100".to_string()
    } else {
        jis.to_string()
    }
}

/// One row of the towns file (`addresses/…towns.csv`) as read, with or without a point: the
/// dataset's [`Town`]s are the rows with a point, the gazetteer reads them all.
#[derive(Debug, Clone)]
pub struct TownRecord {
    /// 1-based data row (header excluded).
    pub row: usize,
    /// Line of the file (header = 1), for the gazetteer's messages.
    pub line: u64,
    /// 5-digit municipality code as in addresses (熊本市's wards are 43101–43105).
    pub jis_code: String,
    /// City as written in addresses, e.g. 熊本市中央区.
    pub city: String,
    /// 町丁目 or 大字 as in the source, e.g. 水前寺六丁目, 大字万江.
    pub town: String,
    /// 小字, empty for most rows.
    pub koaza: String,
    /// The 丁目 number (1–99) of a 丁目 row.
    pub chome: Option<u32>,
    /// Katakana reading of the 大字/町 part (never of the 丁目); may be empty.
    pub oaza_kana: String,
    /// Representative point; `None` where the source has none (a warning).
    pub point: Option<LonLat>,
}

/// Columns the towns file must have.
const REQUIRED: &[&str] = &[
    "jis_code",
    "city_full",
    "town",
    "koaza",
    "chome",
    "lat",
    "lon",
];

/// Parses the towns CSV: every row with valid fields, with or without a point. A malformed
/// value is an error naming row and column, and its row is left out.
pub fn read_towns(bytes: &[u8], file: &str, log: &mut IssueLog) -> Vec<TownRecord> {
    let Some(mut rows) = CsvTable::open(bytes, file, REQUIRED, log) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    while let Some(r) = rows.next_row(log) {
        let chome_text = r.get("chome");
        let chome = match chome_text.parse::<u32>() {
            _ if chome_text.is_empty() => Ok(None),
            Ok(n) if (1..=99).contains(&n) => Ok(Some(n)),
            _ => {
                r.error(
                    log,
                    "chome",
                    format!("{chome_text:?} is not a number 1..99"),
                );
                Err(())
            }
        };
        let jis_code = r.jis_code(log, "jis_code");
        let town = r.non_empty(log, "town");
        let point = r.point(log, "lat", "lon");
        let (Ok(chome), Some(jis_code), Some(town), Ok(point)) = (chome, jis_code, town, point)
        else {
            continue;
        };
        out.push(TownRecord {
            row: r.row,
            line: r.line,
            jis_code,
            city: r.get("city_full").to_string(),
            town,
            koaza: r.get("koaza").to_string(),
            chome,
            oaza_kana: r.get("oaza_kana").to_string(),
            point,
        });
    }
    out
}

/// The towns coverage counts: the rows with a point, each in the region of its municipality.
/// Rows without coordinates (the source has 4) are warnings and are skipped; a municipality
/// code the region layer does not know is an error. `region_of` maps a municipality code to
/// its region.
pub fn towns_of(
    records: &[TownRecord],
    file: &str,
    region_of: &dyn Fn(&str) -> Option<u8>,
    log: &mut IssueLog,
) -> Vec<Town> {
    let mut out = Vec::new();
    for r in records {
        let loc = format!("row {}", r.row);
        let Some(location) = r.point else {
            log.warn(
                file,
                loc,
                "lat",
                format!(
                    "{}{} has no coordinates in the source; skipped",
                    r.city, r.town
                ),
            );
            continue;
        };
        let Some(region_id) = region_of(&municipality_code(&r.jis_code)) else {
            log.error(
                file,
                loc,
                "jis_code",
                format!("{:?} is not a municipality of the region layer", r.jis_code),
            );
            continue;
        };
        out.push(Town {
            jis_code: r.jis_code.clone(),
            city: r.city.clone(),
            name: r.town.clone(),
            location,
            region_id,
        });
    }
    out
}
