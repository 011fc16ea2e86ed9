//! Loading towns (町丁目/大字 representative points): the settlements coverage counts.

use super::issues::IssueLog;
use super::providers::parse_lonlat;
use super::CsvRows;
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

/// Parses the towns CSV. Rows without coordinates (the source has 4) are warnings and are
/// skipped; malformed values are errors. `region_of` maps a municipality code to its region.
pub fn load_towns(
    text: &str,
    file: &str,
    region_of: &dyn Fn(&str) -> Option<u8>,
    log: &mut IssueLog,
) -> Vec<Town> {
    let Some((mut rows, headers)) = CsvRows::open(text.as_bytes(), file, log) else {
        return Vec::new();
    };
    let idx = |name: &str| headers.iter().position(|h| h == name);
    let (Some(jis), Some(city), Some(town), Some(lat), Some(lon)) = (
        idx("jis_code"),
        idx("city_full"),
        idx("town"),
        idx("lat"),
        idx("lon"),
    ) else {
        log.error(
            file,
            "header".into(),
            "",
            "needs columns jis_code, city_full, town, lat, lon".into(),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    while let Some((row, rec)) = rows.next_row(file, log) {
        let loc = format!("row {row}");
        let get = |i: usize| rec.get(i).unwrap_or("").trim();
        let name = get(town).to_string();
        let city_name = get(city).to_string();
        if get(lat).is_empty() && get(lon).is_empty() {
            log.warn(
                file,
                loc,
                "lat",
                format!("{city_name}{name} has no coordinates in the source; skipped"),
            );
            continue;
        }
        let location = match parse_lonlat(get(lon), get(lat)) {
            Ok(p) => p,
            Err((field, msg)) => {
                log.error(file, loc, field, msg);
                continue;
            }
        };
        let jis_code = get(jis).to_string();
        let Some(region_id) = region_of(&municipality_code(&jis_code)) else {
            log.error(
                file,
                loc,
                "jis_code",
                format!("{jis_code:?} is not a municipality of the region layer"),
            );
            continue;
        };
        out.push(Town {
            jis_code,
            city: city_name,
            name,
            location,
            region_id,
        });
    }
    out
}
