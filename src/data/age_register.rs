//! Population by age per municipality from the resident register (住民基本台帳, 2022-01-01;
//! the manifest's `municipality_age` layer): 65+ and 75+ for every municipality, which the
//! 2020 census table lacks for 75+. Only their ratio is used: the census 65+ of a municipality
//! times `pop_75_plus / pop_65_plus` of the register estimates its census 75+ (the register
//! counts residents by address, the census where they live: totals differ by about 0.5 %,
//! the age mix far less).

use super::csv::CsvTable;
use super::issues::IssueLog;
use super::Municipality;
use std::collections::HashMap;

/// One municipality's register counts by age (2022-01-01).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AgeRegister {
    /// 5-digit code of the municipality layer (熊本市 as one, 43100).
    pub jis_code: String,
    pub pop_total: u32,
    pub pop_65_plus: u32,
    pub pop_75_plus: u32,
}

impl AgeRegister {
    /// Share of the 65+ who are 75+, 0–1 (`None` without 65+ residents).
    pub fn share_75_of_65(&self) -> Option<f64> {
        (self.pop_65_plus > 0).then(|| f64::from(self.pop_75_plus) / f64::from(self.pop_65_plus))
    }
}

const REQUIRED: &[&str] = &[
    "jis_code",
    "unit_kind",
    "pop_total",
    "pop_65_plus",
    "pop_75_plus",
];

/// Reads the rows of the municipalities of the municipality layer; the prefecture and ward
/// rows are skipped (wards are in their city's row). A bad number, 75+ above 65+ or 65+ above
/// the total is an error naming file, row and column; a municipality without a row a warning.
pub fn load(
    bytes: &[u8],
    file: &str,
    municipalities: &[Municipality],
    log: &mut IssueLog,
) -> Vec<AgeRegister> {
    let mut out: Vec<AgeRegister> = Vec::new();
    let Some(mut rows) = CsvTable::open(bytes, file, REQUIRED, log) else {
        return out;
    };
    let known: HashMap<&str, &Municipality> = municipalities
        .iter()
        .map(|m| (m.jis_code.as_str(), m))
        .collect();
    while let Some(rec) = rows.next_row(log) {
        if matches!(rec.get("unit_kind"), "prefecture" | "ward") {
            continue;
        }
        let code = rec.get("jis_code");
        if !known.contains_key(code) {
            rec.warn(
                log,
                "jis_code",
                format!("{code:?} is not a municipality of the municipality layer; row skipped"),
            );
            continue;
        }
        let mut num = |c: &str| rec.people(log, c);
        let (Some(total), Some(p65), Some(p75)) =
            (num("pop_total"), num("pop_65_plus"), num("pop_75_plus"))
        else {
            continue;
        };
        if p75 > p65 {
            rec.error(
                log,
                "pop_75_plus",
                format!("{p75} people aged 75+ but only {p65} aged 65+"),
            );
            continue;
        }
        if p65 > total {
            rec.error(
                log,
                "pop_65_plus",
                format!("{p65} people aged 65+ but only {total} in all"),
            );
            continue;
        }
        if out.iter().any(|a| a.jis_code == code) {
            rec.error(log, "jis_code", format!("duplicate municipality {code}"));
            continue;
        }
        out.push(AgeRegister {
            jis_code: code.to_string(),
            pop_total: total,
            pop_65_plus: p65,
            pop_75_plus: p75,
        });
    }
    super::municipal_population::warn_missing(municipalities, &out, |a| &a.jis_code, file, log);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::MultiPolygon;

    fn muni(code: &str) -> Municipality {
        Municipality {
            jis_code: code.into(),
            name: format!("m{code}"),
            region_id: 1,
            area_km2: 1.0,
            geometry: MultiPolygon(vec![]),
        }
    }

    #[test]
    fn rows_are_read_and_errors_name_file_row_and_column() {
        let text = "jis_code,name,unit_kind,pop_total,pop_65_plus,pop_75_plus\n\
            43000,県,prefecture,100,50,20\n\
            43100,市,designated_city,1000,300,150\n\
            43101,区,ward,500,100,50\n\
            43202,A,city,200,x,10\n\
            43203,B,city,200,50,60\n\
            43204,C,city,200,50,20\n\
            43999,Z,city,200,50,20\n";
        let munis = [
            muni("43100"),
            muni("43202"),
            muni("43203"),
            muni("43204"),
            muni("43205"),
        ];
        let mut log = IssueLog::default();
        let rows = load(text.as_bytes(), "age.csv", &munis, &mut log);
        let codes: Vec<&str> = rows.iter().map(|r| r.jis_code.as_str()).collect();
        assert_eq!(codes, ["43100", "43204"]);
        assert_eq!(rows[0].share_75_of_65(), Some(0.5));
        let errors: Vec<(&str, &str, &str)> = log
            .issues
            .iter()
            .filter(|i| i.severity == crate::data::Severity::Error)
            .map(|i| (i.file.as_str(), i.location.as_str(), i.field.as_str()))
            .collect();
        assert_eq!(
            errors,
            [
                ("age.csv", "row 4", "pop_65_plus"),
                ("age.csv", "row 5", "pop_75_plus")
            ]
        );
        // 43999 is skipped with a warning, and the municipalities without a row are named.
        let warned: Vec<&str> = log
            .issues
            .iter()
            .filter(|i| i.severity == crate::data::Severity::Warning)
            .map(|i| i.message.as_str())
            .collect();
        assert!(warned.iter().any(|m| m.contains("43999")), "{warned:?}");
        assert!(warned.iter().any(|m| m.contains("43205")), "{warned:?}");
    }
}
