//! The gazetteer's tables: the towns file (see [`super::towns`]), postal codes, the
//! municipalities and wards as addresses write them, and the municipalities merged away since
//! 1991. Parsed and checked here field by field; the geocoder builds its search structures
//! from these rows ([`crate::geocode::Gazetteer::from_dataset`]).

use super::csv::CsvTable;
use super::towns::{read_towns, TownRecord};
use super::{DataErrors, DataFiles, IssueLog, Manifest};
use crate::geom::LonLat;

/// One row of the postal-code file.
#[derive(Debug, Clone)]
pub struct PostalRow {
    /// Line of the file (header = 1).
    pub line: u64,
    /// The 7-digit code as a number.
    pub code: u32,
    pub jis_code: String,
    pub town: String,
    pub point: Option<LonLat>,
    /// How the point was derived (`town_exact`, `town_chome_medoid`, `city_median`, …).
    pub coord_source: String,
}

/// One row of the address municipalities file (a city, town, village or ward).
#[derive(Debug, Clone)]
pub struct AddressMunicipality {
    /// Line of the file (header = 1).
    pub line: u64,
    pub jis_code: String,
    pub county: String,
    pub city: String,
    pub ward: String,
    pub city_full: String,
    /// Katakana reading of `city_full` (with the 郡 and ward); may be empty.
    pub city_kana: String,
    /// Median of its town points.
    pub point: LonLat,
}

/// One row of the former-municipalities file: a 市町村 that ceased in a merger.
#[derive(Debug, Clone)]
pub struct FormerMunicipality {
    /// Line of the file (header = 1).
    pub line: u64,
    pub county: String,
    pub name: String,
    /// YYYY-MM-DD.
    pub ceased: String,
    /// 5-digit code of the city or ward the whole former municipality is in now.
    pub jis_code: String,
    /// 町名 prefix its 大字 carry in today's addresses (empty: names kept).
    pub town_prefix: String,
}

/// Every address table the manifest names, parsed. A layer the manifest lacks is `None`.
#[derive(Debug, Clone, Default)]
pub struct AddressTables {
    /// Every row of the towns file, with or without a point (parsed once per load: the
    /// dataset's towns are taken from these rows).
    pub towns: Vec<TownRecord>,
    pub postal_codes: Option<Vec<PostalRow>>,
    pub municipalities: Option<Vec<AddressMunicipality>>,
    pub former_municipalities: Option<Vec<FormerMunicipality>>,
}

impl AddressTables {
    /// Reads and parses only the address files the manifest names (towns, postal codes,
    /// address municipalities, former municipalities), for a gazetteer without the rest of
    /// the dataset. Every problem found is returned; a file that cannot be read is an error
    /// on `file`.
    pub fn read(files: &DataFiles, manifest: &Manifest) -> Result<Self, DataErrors> {
        let mut log = IssueLog::default();
        let read = |file: &str, log: &mut IssueLog| match files.read(file) {
            Ok(b) => Some(b),
            Err(e) => {
                log.error(file, "file".into(), "", e.to_string());
                None
            }
        };
        let towns = read(&manifest.towns.file, &mut log);
        let postal = manifest
            .postal_codes
            .as_ref()
            .map(|l| (&l.file, read(&l.file, &mut log)));
        let munis = manifest
            .address_municipalities
            .as_ref()
            .map(|l| (&l.file, read(&l.file, &mut log)));
        let former = manifest
            .former_municipalities
            .as_ref()
            .map(|l| (&l.file, read(&l.file, &mut log)));
        let towns = towns
            .map(|b| read_towns(&b, &manifest.towns.file, &mut log))
            .unwrap_or_default();
        let tables = Self::parse(towns, postal, munis, former, &mut log);
        if log.has_errors() {
            return Err(DataErrors { issues: log.issues });
        }
        Ok(tables)
    }
}

impl AddressTables {
    /// The tables from the parsed towns and the bytes of the other three layers (file and
    /// bytes, `None` when unreadable; the layer itself `None` when the manifest lacks it).
    pub(crate) fn parse(
        towns: Vec<TownRecord>,
        postal: Option<(&String, Option<Vec<u8>>)>,
        munis: Option<(&String, Option<Vec<u8>>)>,
        former: Option<(&String, Option<Vec<u8>>)>,
        log: &mut IssueLog,
    ) -> Self {
        AddressTables {
            municipalities: parse_layer(munis, read_municipalities, log),
            towns,
            postal_codes: parse_layer(postal, read_postal_codes, log),
            former_municipalities: parse_layer(former, read_former_municipalities, log),
        }
    }
}

/// A parser of one table.
type Parser<T> = fn(&[u8], &str, &mut IssueLog) -> Vec<T>;

/// The rows of an optional layer (file and bytes, `None` when unreadable), or `None` without
/// the layer.
fn parse_layer<T>(
    layer: Option<(&String, Option<Vec<u8>>)>,
    parse: Parser<T>,
    log: &mut IssueLog,
) -> Option<Vec<T>> {
    let (file, bytes) = layer?;
    Some(bytes.map(|b| parse(&b, file, log)).unwrap_or_default())
}

/// Parses the address municipalities file; every row must have a point.
pub fn read_municipalities(
    bytes: &[u8],
    file: &str,
    log: &mut IssueLog,
) -> Vec<AddressMunicipality> {
    const REQUIRED: &[&str] = &[
        "jis_code",
        "county",
        "city",
        "ward",
        "city_full",
        "median_lat",
        "median_lon",
    ];
    let Some(mut rows) = CsvTable::open(bytes, file, REQUIRED, log) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    while let Some(r) = rows.next_row(log) {
        let point = match r.point(log, "median_lat", "median_lon") {
            Ok(Some(p)) => Some(p),
            Ok(None) => {
                r.error(log, "median_lat", "is empty".into());
                None
            }
            Err(()) => None,
        };
        let jis_code = r.jis_code(log, "jis_code");
        let city = r.non_empty(log, "city");
        let city_full = r.non_empty(log, "city_full");
        let (Some(point), Some(jis_code), Some(city), Some(city_full)) =
            (point, jis_code, city, city_full)
        else {
            continue;
        };
        out.push(AddressMunicipality {
            line: r.line,
            jis_code,
            county: r.get("county").to_string(),
            city,
            ward: r.get("ward").to_string(),
            city_full,
            city_kana: r.get("city_kana").to_string(),
            point,
        });
    }
    out
}

/// Parses the postal-code file.
pub fn read_postal_codes(bytes: &[u8], file: &str, log: &mut IssueLog) -> Vec<PostalRow> {
    const REQUIRED: &[&str] = &[
        "postal_code",
        "jis_code",
        "town",
        "lat",
        "lon",
        "coord_source",
    ];
    let Some(mut rows) = CsvTable::open(bytes, file, REQUIRED, log) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    while let Some(r) = rows.next_row(log) {
        let text = r.get("postal_code");
        let code = if text.len() == 7 && text.bytes().all(|b| b.is_ascii_digit()) {
            text.parse::<u32>().ok()
        } else {
            None
        };
        if code.is_none() {
            r.error(
                log,
                "postal_code",
                format!("{text:?} is not a 7-digit code"),
            );
        }
        let jis_code = r.jis_code(log, "jis_code");
        let point = r.point(log, "lat", "lon");
        let (Some(code), Some(jis_code), Ok(point)) = (code, jis_code, point) else {
            continue;
        };
        out.push(PostalRow {
            line: r.line,
            code,
            jis_code,
            town: r.get("town").to_string(),
            point,
            coord_source: r.get("coord_source").to_string(),
        });
    }
    out
}

/// Parses the former-municipalities file (one row per 市町村 merged away since 1991); every
/// row must name its source.
pub fn read_former_municipalities(
    bytes: &[u8],
    file: &str,
    log: &mut IssueLog,
) -> Vec<FormerMunicipality> {
    const REQUIRED: &[&str] = &[
        "former_county",
        "former_name",
        "ceased",
        "current_jis_code",
        "town_prefix",
        "source_url",
    ];
    let Some(mut rows) = CsvTable::open(bytes, file, REQUIRED, log) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    while let Some(r) = rows.next_row(log) {
        let ceased = r.non_empty(log, "ceased").filter(|ceased| {
            let b = ceased.as_bytes();
            let date_like = b.len() == 10
                && b[4] == b'-'
                && b[7] == b'-'
                && b.iter()
                    .enumerate()
                    .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
            if !date_like {
                r.error(
                    log,
                    "ceased",
                    format!("{ceased:?} is not a YYYY-MM-DD date"),
                );
            }
            date_like
        });
        // Every row must say where its facts come from.
        let source = r.non_empty(log, "source_url");
        let name = r.non_empty(log, "former_name");
        let jis_code = r.jis_code(log, "current_jis_code");
        let (Some(ceased), Some(_), Some(name), Some(jis_code)) = (ceased, source, name, jis_code)
        else {
            continue;
        };
        out.push(FormerMunicipality {
            line: r.line,
            county: r.get("former_county").to_string(),
            name,
            ceased,
            jis_code,
            town_prefix: r.get("town_prefix").to_string(),
        });
    }
    out
}
