//! Errors raised while loading the gazetteer files.

use crate::data::DataIssue;

/// A gazetteer file could not be read or holds a bad value.
///
/// Every variant names the file as a path relative to the data folder
/// (e.g. `addresses/kumamoto_towns.csv`); row numbers count lines as a
/// spreadsheet does, the header being row 1 and the first data row row 2.
#[derive(Debug, thiserror::Error)]
pub enum GeocodeError {
    /// The file could not be opened.
    #[error("{file}: cannot open: {source}")]
    Open {
        /// File, relative to the data folder.
        file: String,
        /// Underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The CSV layer failed (bad UTF-8, ragged row, unreadable header).
    #[error("{file} row {row}: cannot read CSV: {message}")]
    Csv {
        /// File, relative to the data folder.
        file: String,
        /// Row (header = 1).
        row: u64,
        /// What the CSV reader said.
        message: String,
    },
    /// A required column is absent from the header.
    #[error("{file}: missing column {column}")]
    MissingColumn {
        /// File, relative to the data folder.
        file: String,
        /// Name of the missing column.
        column: String,
    },
    /// A field holds a value that cannot be used.
    #[error("{file} row {row}: field {field}: {message}")]
    Field {
        /// File, relative to the data folder.
        file: String,
        /// Row (header = 1).
        row: u64,
        /// Column name.
        field: String,
        /// What is wrong, quoting the value (e.g. `"abc" is not a number`).
        message: String,
    },
    /// The manifest names no such layer, and address search needs it.
    #[error("the manifest has no `{0}` layer, which address search needs")]
    MissingLayer(&'static str),
}

impl GeocodeError {
    /// The error for one issue of the data loader (whose `row N` counts data rows: the line is
    /// N + 1).
    pub(crate) fn from_issue(issue: &DataIssue) -> Self {
        let file = issue.file.clone();
        let row = issue
            .location
            .strip_prefix("row ")
            .and_then(|n| n.parse::<u64>().ok());
        match (issue.location.as_str(), row) {
            ("file", _) => GeocodeError::Open {
                file,
                source: std::io::Error::other(issue.message.clone()),
            },
            ("header", _) if !issue.field.is_empty() => GeocodeError::MissingColumn {
                file,
                column: issue.field.clone(),
            },
            (_, Some(n)) if !issue.field.is_empty() => GeocodeError::Field {
                file,
                row: n + 1,
                field: issue.field.clone(),
                message: issue.message.clone(),
            },
            (_, n) => GeocodeError::Csv {
                file,
                row: n.map_or(1, |n| n + 1),
                message: issue.message.clone(),
            },
        }
    }
}
