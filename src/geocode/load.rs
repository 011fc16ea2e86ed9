//! Reading the three gazetteer CSV files into checked rows.
//!
//! Only parsing and field validation happen here; building the search
//! structures is in `index.rs`.

use std::collections::HashMap;
use std::io::Read;

use super::error::GeocodeError;

/// Towns file, relative to the data folder.
pub const TOWNS_FILE: &str = "addresses/kumamoto_towns.csv";
/// Postal-code file, relative to the data folder.
pub const POSTAL_FILE: &str = "addresses/kumamoto_postal_codes.csv";
/// Municipalities (city/ward units) file, relative to the data folder.
pub const MUNICIPALITIES_FILE: &str = "addresses/kumamoto_municipalities.csv";
/// Former municipalities (merged 1991–2010) file, relative to the data folder.
pub const FORMER_MUNICIPALITIES_FILE: &str = "addresses/kumamoto_former_municipalities.csv";

/// A point in WGS84 degrees: (lat, lon).
pub(crate) type LatLon = (f64, f64);

/// One row of the towns file.
#[derive(Debug, Clone)]
pub(crate) struct TownRow {
    pub row: u64,
    pub jis_code: String,
    pub town: String,
    pub koaza: String,
    pub chome: Option<u32>,
    /// Katakana reading of the 大字/町 part (never of the 丁目); may be empty.
    pub oaza_kana: String,
    pub point: Option<LatLon>,
}

/// One row of the municipalities file (a city, town, village or ward).
#[derive(Debug, Clone)]
pub(crate) struct MunicipalityRow {
    pub row: u64,
    pub jis_code: String,
    pub county: String,
    pub city: String,
    pub ward: String,
    pub city_full: String,
    /// Katakana reading of `city_full` (with the 郡 and ward); may be empty.
    pub city_kana: String,
    pub point: LatLon,
}

/// One row of the former-municipalities file: a 市町村 that ceased in a merger.
#[derive(Debug, Clone)]
pub(crate) struct FormerRow {
    pub row: u64,
    pub county: String,
    pub name: String,
    pub ceased: String,
    /// 5-digit code of the city or ward the whole former municipality is in now.
    pub jis_code: String,
    /// 町名 prefix its 大字 carry in today's addresses (empty: names kept).
    pub town_prefix: String,
}

/// One row of the postal-code file.
#[derive(Debug, Clone)]
pub(crate) struct PostalRow {
    pub row: u64,
    pub code: u32,
    pub jis_code: String,
    pub town: String,
    pub point: Option<LatLon>,
    pub coord_source: String,
}

/// A CSV file with its header resolved to column positions.
struct Table<R: Read> {
    file: &'static str,
    reader: csv::Reader<R>,
    columns: HashMap<String, usize>,
}

/// One data record with its row number, for field access with good errors.
struct Record<'a> {
    file: &'static str,
    row: u64,
    record: csv::StringRecord,
    columns: &'a HashMap<String, usize>,
}

impl<R: Read> Table<R> {
    fn open(file: &'static str, input: R, required: &[&'static str]) -> Result<Self, GeocodeError> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(input);
        let headers = reader.headers().map_err(|source| GeocodeError::Csv {
            file: file.to_string(),
            row: 1,
            source,
        })?;
        let columns: HashMap<String, usize> = headers
            .iter()
            .enumerate()
            .map(|(i, h)| (h.trim_start_matches('\u{feff}').trim().to_string(), i))
            .collect();
        for &column in required {
            if !columns.contains_key(column) {
                return Err(GeocodeError::MissingColumn {
                    file: file.to_string(),
                    column,
                });
            }
        }
        Ok(Table {
            file,
            reader,
            columns,
        })
    }

    /// Calls `f` for every data record, stopping at the first error.
    fn for_each(
        mut self,
        mut f: impl FnMut(&Record) -> Result<(), GeocodeError>,
    ) -> Result<(), GeocodeError> {
        let mut record = csv::StringRecord::new();
        loop {
            match self.reader.read_record(&mut record) {
                Ok(false) => return Ok(()),
                Ok(true) => {
                    let row = record.position().map_or(0, |p| p.line());
                    let rec = Record {
                        file: self.file,
                        row,
                        record: std::mem::take(&mut record),
                        columns: &self.columns,
                    };
                    f(&rec)?;
                    record = rec.record;
                }
                Err(source) => {
                    let row = source.position().map_or(0, |p| p.line());
                    return Err(GeocodeError::Csv {
                        file: self.file.to_string(),
                        row,
                        source,
                    });
                }
            }
        }
    }
}

impl Record<'_> {
    /// Trimmed text of a column known to exist (checked in `Table::open`).
    fn get(&self, column: &'static str) -> &str {
        self.columns
            .get(column)
            .and_then(|&i| self.record.get(i))
            .unwrap_or("")
            .trim()
    }

    fn error(&self, field: &'static str, message: String) -> GeocodeError {
        GeocodeError::Field {
            file: self.file.to_string(),
            row: self.row,
            field,
            message,
        }
    }

    fn non_empty(&self, column: &'static str) -> Result<String, GeocodeError> {
        let v = self.get(column);
        if v.is_empty() {
            return Err(self.error(column, "is empty".to_string()));
        }
        Ok(v.to_string())
    }

    /// A 5-digit 全国地方公共団体コード.
    fn jis_code(&self, column: &'static str) -> Result<String, GeocodeError> {
        let v = self.get(column);
        if v.len() == 5 && v.bytes().all(|b| b.is_ascii_digit()) {
            Ok(v.to_string())
        } else {
            Err(self.error(column, format!("{v:?} is not a 5-digit code")))
        }
    }

    fn number(
        &self,
        column: &'static str,
        min: f64,
        max: f64,
    ) -> Result<Option<f64>, GeocodeError> {
        let v = self.get(column);
        if v.is_empty() {
            return Ok(None);
        }
        let x: f64 = v
            .parse()
            .map_err(|_| self.error(column, format!("{v:?} is not a number")))?;
        if !x.is_finite() || x < min || x > max {
            return Err(self.error(column, format!("{v:?} is outside {min}..{max}")));
        }
        Ok(Some(x))
    }

    /// A (lat, lon) pair: both blank gives `None`, one blank is an error.
    fn point(&self, lat: &'static str, lon: &'static str) -> Result<Option<LatLon>, GeocodeError> {
        match (
            self.number(lat, -90.0, 90.0)?,
            self.number(lon, -180.0, 180.0)?,
        ) {
            (Some(a), Some(b)) => Ok(Some((a, b))),
            (None, None) => Ok(None),
            (Some(_), None) => Err(self.error(lon, "is empty while lat is set".to_string())),
            (None, Some(_)) => Err(self.error(lat, "is empty while lon is set".to_string())),
        }
    }
}

/// Reads the towns file.
pub(crate) fn read_towns(input: impl Read) -> Result<Vec<TownRow>, GeocodeError> {
    let table = Table::open(
        TOWNS_FILE,
        input,
        &["jis_code", "town", "koaza", "chome", "lat", "lon"],
    )?;
    let mut rows = Vec::new();
    table.for_each(|r| {
        let chome_text = r.get("chome");
        let chome = if chome_text.is_empty() {
            None
        } else {
            match chome_text.parse::<u32>() {
                Ok(n) if (1..=99).contains(&n) => Some(n),
                _ => {
                    return Err(r.error("chome", format!("{chome_text:?} is not a number 1..99")));
                }
            }
        };
        rows.push(TownRow {
            row: r.row,
            jis_code: r.jis_code("jis_code")?,
            town: r.non_empty("town")?,
            koaza: r.get("koaza").to_string(),
            chome,
            oaza_kana: r.get("oaza_kana").to_string(),
            point: r.point("lat", "lon")?,
        });
        Ok(())
    })?;
    Ok(rows)
}

/// Reads the municipalities file; every row must have a point.
pub(crate) fn read_municipalities(input: impl Read) -> Result<Vec<MunicipalityRow>, GeocodeError> {
    let table = Table::open(
        MUNICIPALITIES_FILE,
        input,
        &[
            "jis_code",
            "county",
            "city",
            "ward",
            "city_full",
            "median_lat",
            "median_lon",
        ],
    )?;
    let mut rows = Vec::new();
    table.for_each(|r| {
        let point = r
            .point("median_lat", "median_lon")?
            .ok_or_else(|| r.error("median_lat", "is empty".to_string()))?;
        rows.push(MunicipalityRow {
            row: r.row,
            jis_code: r.jis_code("jis_code")?,
            county: r.get("county").to_string(),
            city: r.non_empty("city")?,
            ward: r.get("ward").to_string(),
            city_full: r.non_empty("city_full")?,
            city_kana: r.get("city_kana").to_string(),
            point,
        });
        Ok(())
    })?;
    Ok(rows)
}

/// Reads the postal-code file.
pub(crate) fn read_postal_codes(input: impl Read) -> Result<Vec<PostalRow>, GeocodeError> {
    let table = Table::open(
        POSTAL_FILE,
        input,
        &[
            "postal_code",
            "jis_code",
            "town",
            "lat",
            "lon",
            "coord_source",
        ],
    )?;
    let mut rows = Vec::new();
    table.for_each(|r| {
        let text = r.get("postal_code");
        let code = if text.len() == 7 && text.bytes().all(|b| b.is_ascii_digit()) {
            text.parse::<u32>()
                .map_err(|_| r.error("postal_code", format!("{text:?} is not a 7-digit code")))?
        } else {
            return Err(r.error("postal_code", format!("{text:?} is not a 7-digit code")));
        };
        rows.push(PostalRow {
            row: r.row,
            code,
            jis_code: r.jis_code("jis_code")?,
            town: r.get("town").to_string(),
            point: r.point("lat", "lon")?,
            coord_source: r.get("coord_source").to_string(),
        });
        Ok(())
    })?;
    Ok(rows)
}

/// Reads the former-municipalities file (one row per 市町村 merged away since 1991).
pub(crate) fn read_former_municipalities(input: impl Read) -> Result<Vec<FormerRow>, GeocodeError> {
    let table = Table::open(
        FORMER_MUNICIPALITIES_FILE,
        input,
        &[
            "former_county",
            "former_name",
            "ceased",
            "current_jis_code",
            "town_prefix",
            "source_url",
        ],
    )?;
    let mut rows = Vec::new();
    table.for_each(|r| {
        let ceased = r.non_empty("ceased")?;
        let b = ceased.as_bytes();
        let date_like = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !date_like {
            return Err(r.error("ceased", format!("{ceased:?} is not a YYYY-MM-DD date")));
        }
        // Every row must say where its facts come from.
        r.non_empty("source_url")?;
        rows.push(FormerRow {
            row: r.row,
            county: r.get("former_county").to_string(),
            name: r.non_empty("former_name")?,
            ceased,
            jis_code: r.jis_code("current_jis_code")?,
            town_prefix: r.get("town_prefix").to_string(),
        });
        Ok(())
    })?;
    Ok(rows)
}
