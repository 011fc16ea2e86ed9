//! Errors raised while loading the gazetteer files.

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
    /// The CSV layer failed (bad UTF-8, ragged row, I/O error while reading).
    #[error("{file} row {row}: cannot read CSV: {source}")]
    Csv {
        /// File, relative to the data folder.
        file: String,
        /// Row (header = 1); 0 when the CSV reader could not tell.
        row: u64,
        /// Underlying CSV error.
        #[source]
        source: csv::Error,
    },
    /// A required column is absent from the header.
    #[error("{file}: missing column {column}")]
    MissingColumn {
        /// File, relative to the data folder.
        file: String,
        /// Name of the missing column.
        column: &'static str,
    },
    /// A field holds a value that cannot be used.
    #[error("{file} row {row}: field {field}: {message}")]
    Field {
        /// File, relative to the data folder.
        file: String,
        /// Row (header = 1).
        row: u64,
        /// Column name.
        field: &'static str,
        /// What is wrong, quoting the value (e.g. `"abc" is not a number`).
        message: String,
    },
}
