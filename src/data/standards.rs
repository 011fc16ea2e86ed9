//! The long table of accepted 施設基準 (one row per standard per institution, joined to the
//! providers by 医療機関番号) and the kinds derived from it: the pediatric kinds.
//!
//! [`kind_of_symbol`] is the one table from a 受理記号 (standard symbol) to a kind. The
//! provider file carries the flags of the home-care and palliative kinds (derived from the
//! same symbols when the monthly list is imported, see [`super::provider_list`]); the
//! pediatric standards are read from the long table here:
//!
//! | symbol | standard | kind |
//! |---|---|---|
//! | 支援診１/２/３ | 在宅療養支援診療所 | [`ProviderKind::HomeCareSupportClinic`] (tier = the digit) |
//! | 支援病１/２/３ | 在宅療養支援病院 | [`ProviderKind::HomeCareSupportHospital`] (tier = the digit) |
//! | 緩１, 緩２ | 緩和ケア病棟入院料１/２ | [`ProviderKind::PalliativeCareWard`] (tier = the digit) |
//! | 緩診 | 緩和ケア診療加算 | [`ProviderKind::PalliativeCareTeam`] |
//! | 診緩診 | 有床診療所緩和ケア診療加算 | [`ProviderKind::ClinicBedPalliative`] |
//! | 外緩 | 外来緩和ケア管理料 | [`ProviderKind::OutpatientPalliative`] |
//! | 在緩診実, 在緩診病 | 在宅緩和ケア充実診療所・病院加算 | [`ProviderKind::EnhancedHomePalliative`] |
//! | 在総 | 在宅がん医療総合診療料 | [`ProviderKind::HomeCancerComprehensive`] |
//! | 在医総管１, 在医総管２ | 在宅時医学総合管理料 (and its 注14 standard) | [`ProviderKind::HomeMedicalMgmt`] |
//! | 在後病 | 在宅療養後方支援病院 | [`ProviderKind::HomeBackupHospital`] |
//! | 在看 | 在宅患者訪問看護・指導料 | [`ProviderKind::HomeVisitNursingByInst`] |
//! | 小か診１, 小か診２ | 小児かかりつけ診療料１/２ | [`ProviderKind::PediatricPrimaryCare`] |
//! | 小入１ … 小入５ | 小児入院医療管理料１–５ | [`ProviderKind::PediatricInpatient`] (tier = the digit) |
//! | 小集 | 小児特定集中治療室管理料 | [`ProviderKind::PediatricIcu`] |
//! | 小夜１, 小夜２ | 地域連携小児夜間・休日診療料１/２ | [`ProviderKind::PediatricAfterHours`] |
//!
//! The home-care rows reproduce the built-in provider file's flags and tiers exactly (2025-10:
//! every one of the 1,324 institutions). The pediatric kinds are proxies: no standard marks
//! home visits to children. 小児かかりつけ診療料 is an outpatient fee (a child's regular
//! doctor); a pediatric ward is a hospital a child at home can be admitted to, not a
//! home-visiting service.

use super::csv::CsvTable;
use super::issues::IssueLog;
use super::kinds::{KindSet, ProviderKind};
use std::collections::{HashMap, HashSet};

/// Columns of the standards table, in the built-in file's order; any other column is an error
/// (a changed format is noticed, not ignored).
pub const COLUMNS: [&str; 6] = [
    "inst_code",
    "name",
    "standard_symbol",
    "standard_name",
    "acceptance_no",
    "start_date",
];
const REQUIRED: &[&str] = &["inst_code", "standard_symbol"];

/// What one institution's standards add to its provider: kinds and the pediatric ward tier.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DerivedKinds {
    pub kinds: KindSet,
    /// Strongest (smallest) 小児入院医療管理料 tier, 1–5.
    pub pediatric_inpatient_tier: Option<u8>,
}

/// The kind a standard symbol stands for, if it is one carecover tracks, and its tier where
/// the digit is one (支援診/支援病 1–3, 緩 1–2, 小入 1–5; 1 = the strongest). Symbols are
/// matched exactly as the list writes them (full-width digits).
pub fn kind_of_symbol(symbol: &str) -> Option<(ProviderKind, Option<u8>)> {
    use ProviderKind::*;
    Some(match symbol {
        "支援診１" => (HomeCareSupportClinic, Some(1)),
        "支援診２" => (HomeCareSupportClinic, Some(2)),
        "支援診３" => (HomeCareSupportClinic, Some(3)),
        "支援病１" => (HomeCareSupportHospital, Some(1)),
        "支援病２" => (HomeCareSupportHospital, Some(2)),
        "支援病３" => (HomeCareSupportHospital, Some(3)),
        "緩１" => (PalliativeCareWard, Some(1)),
        "緩２" => (PalliativeCareWard, Some(2)),
        "緩診" => (PalliativeCareTeam, None),
        "診緩診" => (ClinicBedPalliative, None),
        "外緩" => (OutpatientPalliative, None),
        "在緩診実" | "在緩診病" => (EnhancedHomePalliative, None),
        "在総" => (HomeCancerComprehensive, None),
        "在医総管１" | "在医総管２" => (HomeMedicalMgmt, None),
        "在後病" => (HomeBackupHospital, None),
        "在看" => (HomeVisitNursingByInst, None),
        "小か診１" | "小か診２" => (PediatricPrimaryCare, None),
        "小入１" => (PediatricInpatient, Some(1)),
        "小入２" => (PediatricInpatient, Some(2)),
        "小入３" => (PediatricInpatient, Some(3)),
        "小入４" => (PediatricInpatient, Some(4)),
        "小入５" => (PediatricInpatient, Some(5)),
        "小集" => (PediatricIcu, None),
        "小夜１" | "小夜２" => (PediatricAfterHours, None),
        _ => None?,
    })
}

/// Parses the standards table and returns the derived kinds per 医療機関番号 in `known` (the
/// providers loaded). A malformed row (unreadable, a bad or missing inst_code, an empty
/// symbol) is an error naming its row and column; a row whose inst_code is no provider is a
/// warning with its row (the provider may have been dropped for its own errors, or the two
/// files are of different months), and only rows carrying a derived standard are reported.
pub fn load_standards(
    bytes: &[u8],
    file: &str,
    known: &HashSet<&str>,
    log: &mut IssueLog,
) -> HashMap<String, DerivedKinds> {
    let mut out: HashMap<String, DerivedKinds> = HashMap::new();
    let Some(mut rows) = CsvTable::open_any(bytes, file, log) else {
        return out;
    };
    let mut header_ok = true;
    for h in rows.headers().filter(|h| !COLUMNS.contains(h)) {
        log.error(
            file,
            "header".into(),
            h,
            "unknown column: not a column of the facility standards table".into(),
        );
        header_ok = false;
    }
    // Both checks report before the table is refused.
    let required_ok = rows.has_columns(REQUIRED, log);
    if !(header_ok && required_ok) {
        return out;
    }
    while let Some(rec) = rows.next_row(log) {
        let loc = rec.location();
        let id = rec.get("inst_code");
        let symbol = rec.get("standard_symbol");
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
            log.error(
                file,
                loc,
                "inst_code",
                format!("{id:?} is not a 医療機関番号 (digits only)"),
            );
            continue;
        }
        if symbol.is_empty() {
            log.error(file, loc, "standard_symbol", "empty standard symbol".into());
            continue;
        }
        // The provider file's own flag columns stay authoritative for its kinds: only the
        // kinds it has no column for (pediatric) are taken from this table.
        let Some((kind, tier)) = kind_of_symbol(symbol).filter(|(k, _)| !k.is_provider_column())
        else {
            continue;
        };
        if !known.contains(id) {
            rec.warn(
                log,
                "inst_code",
                format!(
                    "{id} ({symbol}) is not a provider of the provider file; the standard is not applied"
                ),
            );
            continue;
        }
        let d = out.entry(id.to_string()).or_default();
        d.kinds.insert(kind);
        if let Some(t) = tier.filter(|_| kind == ProviderKind::PediatricInpatient) {
            d.pediatric_inpatient_tier = Some(d.pediatric_inpatient_tier.map_or(t, |o| o.min(t)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> (HashMap<String, DerivedKinds>, IssueLog) {
        let known: HashSet<&str> = ["0110001", "0110002"].into_iter().collect();
        let mut log = IssueLog::default();
        let m = load_standards(text.as_bytes(), "std.csv", &known, &mut log);
        (m, log)
    }

    const HEAD: &str = "inst_code,name,standard_symbol,standard_name,acceptance_no,start_date\n";

    #[test]
    fn pediatric_symbols_become_kinds_with_the_strongest_ward_tier() {
        let (m, log) = run(&format!(
            "{HEAD}0110001,A,小入４,x,1,r\n0110001,A,小入２,x,2,r\n0110001,A,小集,x,3,r\n0110002,B,小か診２,x,4,r\n0110002,B,支援診３,x,5,r\n"
        ));
        assert!(log.issues.is_empty(), "{:?}", log.issues);
        let a = m["0110001"];
        assert!(a.kinds.contains(ProviderKind::PediatricInpatient));
        assert!(a.kinds.contains(ProviderKind::PediatricIcu));
        assert_eq!(a.pediatric_inpatient_tier, Some(2));
        assert_eq!(
            m["0110002"].kinds,
            KindSet::from_kinds([ProviderKind::PediatricPrimaryCare])
        );
    }

    #[test]
    fn the_home_care_symbols_are_in_the_one_table_but_not_taken_from_the_long_table() {
        use ProviderKind::*;
        assert_eq!(
            kind_of_symbol("支援診２"),
            Some((HomeCareSupportClinic, Some(2)))
        );
        assert_eq!(kind_of_symbol("緩１"), Some((PalliativeCareWard, Some(1))));
        assert_eq!(kind_of_symbol("緩診"), Some((PalliativeCareTeam, None)));
        assert_eq!(kind_of_symbol("在医総管１"), Some((HomeMedicalMgmt, None)));
        assert_eq!(kind_of_symbol("在データ提"), None);
        // The provider file's flags stay authoritative for the kinds it has columns for.
        let (m, log) = run(&format!(
            "{HEAD}0110001,A,支援病１,x,1,r\n0110001,A,緩２,x,2,r\n"
        ));
        assert!(log.issues.is_empty(), "{:?}", log.issues);
        assert!(m.is_empty(), "{m:?}");
    }

    #[test]
    fn an_unknown_institution_is_a_warning_and_a_malformed_row_an_error() {
        let (m, log) = run(&format!(
            "{HEAD}0999999,Z,小夜１,x,1,r\n01x,Y,小夜１,x,1,r\n0110001,A,,x,1,r\n0110001,A,小夜１\n"
        ));
        assert!(m.is_empty());
        let s: Vec<String> = log.issues.iter().map(ToString::to_string).collect();
        assert_eq!(s.len(), 4, "{s:?}");
        assert!(s[0].starts_with("warning: std.csv: row 1: field inst_code: 0999999"));
        assert!(s[1].starts_with("error: std.csv: row 2: field inst_code"));
        assert!(s[2].starts_with("error: std.csv: row 3: field standard_symbol"));
        assert!(s[3].starts_with("error: std.csv: row 4"), "{}", s[3]);
    }

    #[test]
    fn an_unknown_or_missing_column_is_an_error() {
        let (_, log) = run("inst_code,symbol\n0110001,小集\n");
        let s: Vec<String> = log.issues.iter().map(ToString::to_string).collect();
        assert!(
            s.iter().any(|i| i.contains("field symbol: unknown column")),
            "{s:?}"
        );
        assert!(
            s.iter()
                .any(|i| i.contains("field standard_symbol: required")),
            "{s:?}"
        );
    }
}
