//! The one CSV loop of the loaders: the header read once (an unreadable one is an error on
//! `header`), then each data row with its 1-based number; an unreadable record is an error
//! naming its row and is skipped. Column checks and field parsing stay with each loader.

use super::IssueLog;
use std::collections::HashMap;

/// The data rows of one CSV file, read one at a time.
pub(crate) struct CsvRows<'a> {
    rdr: csv::Reader<&'a [u8]>,
    row: usize,
}

impl<'a> CsvRows<'a> {
    /// Reads the header of `bytes` (strict: every record has the header's width). `None`, with
    /// the error logged against `file`, when the header cannot be read.
    pub(crate) fn open(
        bytes: &'a [u8],
        file: &str,
        log: &mut IssueLog,
    ) -> Option<(Self, csv::StringRecord)> {
        let mut rdr = csv::ReaderBuilder::new().flexible(false).from_reader(bytes);
        match rdr.headers() {
            Ok(h) => {
                let headers = h.clone();
                Some((Self { rdr, row: 0 }, headers))
            }
            Err(e) => {
                log.error(
                    file,
                    "header".into(),
                    "",
                    format!("unreadable CSV header: {e}"),
                );
                None
            }
        }
    }

    /// The next readable record and its 1-based row number (header excluded); unreadable
    /// records are logged as errors of their row and skipped.
    pub(crate) fn next_row(
        &mut self,
        file: &str,
        log: &mut IssueLog,
    ) -> Option<(usize, csv::StringRecord)> {
        loop {
            let mut rec = csv::StringRecord::new();
            self.row += 1;
            match self.rdr.read_record(&mut rec) {
                Ok(true) => return Some((self.row, rec)),
                Ok(false) => return None,
                Err(e) => log.error(
                    file,
                    format!("row {}", self.row),
                    "",
                    format!("unreadable CSV record: {e}"),
                ),
            }
        }
    }
}

/// Column name → index, for the header of a file.
pub(crate) fn column_index(headers: &csv::StringRecord) -> HashMap<&str, usize> {
    headers.iter().enumerate().map(|(i, h)| (h, i)).collect()
}

/// Logs each column of `required` that the header lacks ("required column is missing", on
/// `header`); true when none is missing.
pub(crate) fn has_columns(
    col: &HashMap<&str, usize>,
    required: &[&str],
    file: &str,
    log: &mut IssueLog,
) -> bool {
    let mut ok = true;
    for r in required.iter().filter(|r| !col.contains_key(*r)) {
        log.error(
            file,
            "header".into(),
            r,
            "required column is missing".into(),
        );
        ok = false;
    }
    ok
}
