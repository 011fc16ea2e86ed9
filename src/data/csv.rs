//! The one CSV reader of the loaders (providers, standards, towns, census tables, the
//! gazetteer's address files, the population mesh): the header is read once and resolved to
//! columns (a byte-order mark and spaces around names ignored), every missing required
//! column is logged, then each data row comes with its 1-based number; an unreadable record
//! is an error naming its row and is skipped, so one bad row never hides the next.
//!
//! Field helpers ([`CsvRow::number`], [`CsvRow::point`], …) log a bad value as an error of
//! the row and the column, through the one [`IssueLog`]; what a value means stays with each
//! loader.

use super::IssueLog;
use crate::geom::LonLat;
use std::collections::HashMap;

/// The data rows of one CSV file, read one at a time.
pub(crate) struct CsvTable<'a> {
    file: &'a str,
    rdr: csv::Reader<&'a [u8]>,
    headers: Vec<String>,
    columns: HashMap<String, usize>,
    row: usize,
}

impl<'a> CsvTable<'a> {
    /// Reads the header of `bytes` (strict: every record has the header's width) and checks
    /// that it has every column of `required`. `None`, with the problems logged against
    /// `file` (`header`, the column as field), when the header cannot be read or lacks a
    /// required column.
    pub(crate) fn open(
        bytes: &'a [u8],
        file: &'a str,
        required: &[&str],
        log: &mut IssueLog,
    ) -> Option<Self> {
        let table = Self::open_any(bytes, file, log)?;
        table.has_columns(required, log).then_some(table)
    }

    /// Reads the header without checking columns (for loaders that check the header as a
    /// whole first, then call [`CsvTable::has_columns`]).
    pub(crate) fn open_any(bytes: &'a [u8], file: &'a str, log: &mut IssueLog) -> Option<Self> {
        let mut rdr = csv::ReaderBuilder::new().flexible(false).from_reader(bytes);
        let headers: Vec<String> = match rdr.headers() {
            Ok(h) => h
                .iter()
                .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
                .collect(),
            Err(e) => {
                log.error(
                    file,
                    "header".into(),
                    "",
                    format!("unreadable CSV header: {e}"),
                );
                return None;
            }
        };
        let mut columns = HashMap::new();
        for (i, h) in headers.iter().enumerate() {
            columns.entry(h.clone()).or_insert(i);
        }
        Some(Self {
            file,
            rdr,
            headers,
            columns,
            row: 0,
        })
    }

    /// The column names, in file order.
    pub(crate) fn headers(&self) -> impl Iterator<Item = &str> {
        self.headers.iter().map(String::as_str)
    }

    /// Whether the header has `column`.
    pub(crate) fn has(&self, column: &str) -> bool {
        self.columns.contains_key(column)
    }

    /// Logs each column of `required` that the header lacks ("required column is missing", on
    /// `header`); true when none is missing.
    pub(crate) fn has_columns(&self, required: &[&str], log: &mut IssueLog) -> bool {
        let mut ok = true;
        for r in required.iter().filter(|r| !self.has(r)) {
            log.error(
                self.file,
                "header".into(),
                r,
                "required column is missing".into(),
            );
            ok = false;
        }
        ok
    }

    /// The next readable record; unreadable records are logged as errors of their row and
    /// skipped.
    pub(crate) fn next_row(&mut self, log: &mut IssueLog) -> Option<CsvRow<'_>> {
        loop {
            let mut record = csv::StringRecord::new();
            self.row += 1;
            match self.rdr.read_record(&mut record) {
                Ok(true) => {
                    return Some(CsvRow {
                        file: self.file,
                        row: self.row,
                        line: record.position().map_or(0, |p| p.line()),
                        record,
                        columns: &self.columns,
                    })
                }
                Ok(false) => return None,
                Err(e) => log.error(
                    self.file,
                    format!("row {}", self.row),
                    "",
                    format!("unreadable CSV record: {e}"),
                ),
            }
        }
    }
}

/// One data record of a [`CsvTable`], with field access that names the row and column of a
/// bad value.
pub(crate) struct CsvRow<'t> {
    file: &'t str,
    /// 1-based data row (header excluded): the `row N` of issues.
    pub row: usize,
    /// Line of the file the record starts on (header = 1), as a spreadsheet numbers it.
    pub line: u64,
    record: csv::StringRecord,
    columns: &'t HashMap<String, usize>,
}

impl CsvRow<'_> {
    /// Trimmed text of `column`; empty when the file has no such column.
    pub(crate) fn get(&self, column: &str) -> &str {
        self.columns
            .get(column)
            .and_then(|&i| self.record.get(i))
            .unwrap_or("")
            .trim()
    }

    /// Every field of the record in column order, as written (untrimmed).
    pub(crate) fn fields(&self) -> impl Iterator<Item = &str> {
        self.record.iter()
    }

    /// `row N`, the location of this row's issues.
    pub(crate) fn location(&self) -> String {
        format!("row {}", self.row)
    }

    /// Logs an error of this row in `field`.
    pub(crate) fn error(&self, log: &mut IssueLog, field: &str, message: String) {
        log.error(self.file, self.location(), field, message);
    }

    /// Logs a warning of this row in `field`.
    pub(crate) fn warn(&self, log: &mut IssueLog, field: &str, message: String) {
        log.warn(self.file, self.location(), field, message);
    }

    /// A count of people in `column`: a whole number, else an error naming row and column.
    pub(crate) fn people(&self, log: &mut IssueLog, column: &str) -> Option<u32> {
        let v = self.get(column);
        v.parse::<u32>()
            .map_err(|_| {
                self.error(
                    log,
                    column,
                    format!("{v:?} is not a whole number of people"),
                )
            })
            .ok()
    }

    /// The text of `column`, which must not be empty.
    pub(crate) fn non_empty(&self, log: &mut IssueLog, column: &str) -> Option<String> {
        let v = self.get(column);
        if v.is_empty() {
            self.error(log, column, "is empty".into());
            return None;
        }
        Some(v.to_string())
    }

    /// A 5-digit 全国地方公共団体コード.
    pub(crate) fn jis_code(&self, log: &mut IssueLog, column: &str) -> Option<String> {
        let v = self.get(column);
        if v.len() == 5 && v.bytes().all(|b| b.is_ascii_digit()) {
            Some(v.to_string())
        } else {
            self.error(log, column, format!("{v:?} is not a 5-digit code"));
            None
        }
    }

    /// A number in `min..=max`; `Ok(None)` when blank, `Err` (logged) when not a number or out
    /// of range.
    pub(crate) fn number(
        &self,
        log: &mut IssueLog,
        column: &str,
        min: f64,
        max: f64,
    ) -> Result<Option<f64>, ()> {
        let v = self.get(column);
        if v.is_empty() {
            return Ok(None);
        }
        let Ok(x) = v.parse::<f64>() else {
            self.error(log, column, format!("{v:?} is not a number"));
            return Err(());
        };
        if !x.is_finite() || x < min || x > max {
            self.error(log, column, format!("{v:?} is outside {min}..{max}"));
            return Err(());
        }
        Ok(Some(x))
    }

    /// A point from a latitude and a longitude column: both blank gives `Ok(None)`, one blank
    /// or a bad number is an error (logged) of the column at fault.
    pub(crate) fn point(
        &self,
        log: &mut IssueLog,
        lat: &str,
        lon: &str,
    ) -> Result<Option<LonLat>, ()> {
        let lat_v = self.number(log, lat, -90.0, 90.0);
        let lon_v = self.number(log, lon, -180.0, 180.0);
        match (lat_v?, lon_v?) {
            (Some(a), Some(b)) => LonLat::new(b, a).map(Some).map_err(|e| {
                let field = match e {
                    crate::geom::CoordError::LatNotFinite(_)
                    | crate::geom::CoordError::LatOutOfRange(_) => lat,
                    _ => lon,
                };
                self.error(log, field, e.to_string());
            }),
            (None, None) => Ok(None),
            (Some(_), None) => {
                self.error(log, lon, "is empty while lat is set".into());
                Err(())
            }
            (None, Some(_)) => {
                self.error(log, lat, "is empty while lon is set".into());
                Err(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_numbered_and_bad_records_skipped() {
        let text = "\u{feff}a, b\n1,2\n3\n4,5\n";
        let mut log = IssueLog::default();
        let mut t = CsvTable::open(text.as_bytes(), "f.csv", &["a", "b"], &mut log).unwrap();
        let mut seen = Vec::new();
        while let Some(r) = t.next_row(&mut log) {
            seen.push((r.row, r.line, r.get("b").to_string()));
        }
        assert_eq!(seen, vec![(1, 2, "2".into()), (3, 4, "5".into())]);
        assert_eq!(log.issues.len(), 1);
        assert_eq!(log.issues[0].location, "row 2");
        assert!(log.issues[0].message.contains("unreadable CSV record"));
    }

    #[test]
    fn missing_columns_are_each_named() {
        let mut log = IssueLog::default();
        assert!(CsvTable::open(b"a\n1\n", "f.csv", &["a", "b", "c"], &mut log).is_none());
        let fields: Vec<&str> = log.issues.iter().map(|i| i.field.as_str()).collect();
        assert_eq!(fields, ["b", "c"]);
        assert!(log.issues.iter().all(|i| i.location == "header"));
    }

    #[test]
    fn points_name_the_column_at_fault() {
        let text = "lat,lon\n32.8,130.7\n,\nabc,130\n32.8,\n32.8,230\n";
        let mut log = IssueLog::default();
        let mut t = CsvTable::open(text.as_bytes(), "f.csv", &[], &mut log).unwrap();
        let mut got = Vec::new();
        while let Some(r) = t.next_row(&mut log) {
            got.push(r.point(&mut log, "lat", "lon").map(|p| p.is_some()));
        }
        assert_eq!(got, [Ok(true), Ok(false), Err(()), Err(()), Err(())]);
        let msgs: Vec<String> = log.issues.iter().map(|i| i.to_string()).collect();
        assert_eq!(
            msgs,
            [
                r#"error: f.csv: row 3: field lat: "abc" is not a number"#,
                "error: f.csv: row 4: field lon: is empty while lat is set",
                r#"error: f.csv: row 5: field lon: "230" is outside -180..180"#,
            ]
        );
    }
}
