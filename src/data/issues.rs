//! Problems found while loading data: each names the file, the row or feature, and the field.

use std::fmt;

/// How serious a [`DataIssue`] is. Errors stop a load (strict policy); warnings are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in one place of one input file.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DataIssue {
    pub severity: Severity,
    /// Path relative to the data folder.
    pub file: String,
    /// `row 17` (1-based data row, header excluded), `feature 3`, or `header`.
    pub location: String,
    /// The column or property at fault, empty when the whole record is.
    pub field: String,
    pub message: String,
}

impl fmt::Display for DataIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{sev}: {}: {}", self.file, self.location)?;
        if !self.field.is_empty() {
            write!(f, ": field {}", self.field)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Collects issues while a loader runs, so `carecover check` can list every problem at once
/// instead of stopping at the first.
#[derive(Debug, Default)]
pub struct IssueLog {
    pub issues: Vec<DataIssue>,
}

impl IssueLog {
    pub fn error(&mut self, file: &str, location: String, field: &str, message: String) {
        self.push(Severity::Error, file, location, field, message);
    }

    pub fn warn(&mut self, file: &str, location: String, field: &str, message: String) {
        self.push(Severity::Warning, file, location, field, message);
    }

    fn push(
        &mut self,
        severity: Severity,
        file: &str,
        location: String,
        field: &str,
        message: String,
    ) {
        self.issues.push(DataIssue {
            severity,
            file: file.to_string(),
            location,
            field: field.to_string(),
            message,
        });
    }

    /// How many errors (not warnings) the log holds.
    pub fn error_count(&self) -> usize {
        self.issues
            .iter()
            .filter(|i| i.severity == Severity::Error)
            .count()
    }

    pub fn has_errors(&self) -> bool {
        self.issues.iter().any(|i| i.severity == Severity::Error)
    }
}

/// A load that failed: every issue found (errors and warnings), in file order.
#[derive(Debug, thiserror::Error)]
pub struct DataErrors {
    pub issues: Vec<DataIssue>,
}

impl DataErrors {
    pub fn errors(&self) -> impl Iterator<Item = &DataIssue> {
        self.issues.iter().filter(|i| i.severity == Severity::Error)
    }
}

impl fmt::Display for DataErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.errors().count();
        write!(f, "the data has {n} error(s)")?;
        for issue in self.errors().take(20) {
            write!(f, "\n  {issue}")?;
        }
        if n > 20 {
            write!(
                f,
                "\n  … and {} more (run `carecover check` for all)",
                n - 20
            )?;
        }
        Ok(())
    }
}
