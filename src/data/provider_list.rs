//! The monthly provider list of 九州厚生局, 「届出受理医療機関名簿（医科）熊本県」 (xlsx), read into
//! institutions with their accepted 施設基準: what `carecover import` turns into the provider
//! table and the long standards table. Parsing only; geocoding is the application's
//! (`app::provider_import`).
//!
//! # The layout
//! One sheet (every sheet with a header row is read); a few title rows (the list's name, 「令和
//! ７年１０月１日 現在」), then the header row, found by its names rather than its position:
//!
//! 項番, 都道府県コード, 都道府県名, 区分, 医療機関番号, 併設医療機関番号, 医療機関記号番号,
//! 医療機関名称, 医療機関所在地（郵便番号）, 医療機関所在地（住所）, 電話番号, FAX番号, 病床数,
//! 受理届出名称, 受理記号, 受理番号, 算定開始年月日, 個別有効開始年月日, 備考（見出し）,
//! 備考（データ）, 市町村コード, 市町村名, 種別コード, 種別
//!
//! One row per accepted standard, the institution's fields repeated on each. A standard may be
//! followed by 備考 rows (a heading and a value in the two 備考 columns, no 受理記号): the
//! details of that standard (病棟種別, 病床数 …); for 緩和ケア病棟入院料 the ward's beds
//! (「当該病棟総数 病床数①」). Headers are compared after NFKC and with spaces removed, so
//! half- and full-width brackets both match; [`COLUMNS`] lists the columns read, and a missing
//! needed one is an error naming it.
//!
//! # What an institution gets (as the built-in provider table has it)
//! - kinds and tiers from the 受理記号 through [`super::kind_of_symbol`] (the one symbol
//!   table), a tier being the strongest (smallest) digit;
//! - `beds_total`: the sum of the numbers in 病床数 (`一般  42／療養  21` → 63); hospital when
//!   20 or more, else clinic;
//! - `palliative_ward_beds`: the first whole number in a 備考 row of its 緩和ケア病棟 standard
//!   whose heading names 病床数;
//! - `n_standards`: distinct 受理記号.
//!
//! Every problem names its sheet row (as Excel numbers it) and its column.

use super::issues::{DataIssue, IssueLog, Severity};
use super::kinds::{KindSet, ProviderKind};
use super::providers::{FacilityType, Tiers};
use super::standards::kind_of_symbol;
use calamine::{Data, Range, Reader, Xlsx};
use std::collections::{HashMap, HashSet};
use unicode_normalization::UnicodeNormalization;

/// How many rows from the top of a sheet are searched for the header row.
pub const HEADER_SEARCH_ROWS: usize = 50;

/// A column of the list: its name in the header, other spellings seen, and whether the import
/// needs it.
#[derive(Debug, Clone, Copy)]
pub struct ListColumn {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub needed: bool,
}

/// Which column of [`COLUMNS`] (same order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(usize)]
enum Col {
    InstCode,
    Name,
    Postal,
    Address,
    Phone,
    Beds,
    StandardName,
    Symbol,
    AcceptanceNo,
    StartDate,
    Category,
    NoteHeading,
    NoteData,
}

/// The columns read, by header name. The others of the layout (項番, FAX番号, 市町村コード …)
/// are ignored.
pub const COLUMNS: [ListColumn; 13] = [
    col("医療機関番号", &[], true),
    col("医療機関名称", &[], true),
    col("医療機関所在地（郵便番号）", &["郵便番号"], true),
    col("医療機関所在地（住所）", &["医療機関所在地", "住所"], true),
    col("電話番号", &[], true),
    col("病床数", &[], true),
    col("受理届出名称", &[], true),
    col("受理記号", &[], true),
    col("受理番号", &[], true),
    col("算定開始年月日", &[], true),
    col("区分", &[], false),
    col("備考（見出し）", &["備考"], false),
    col("備考（データ）", &[], false),
];

const fn col(name: &'static str, aliases: &'static [&'static str], needed: bool) -> ListColumn {
    ListColumn {
        name,
        aliases,
        needed,
    }
}

/// A place in the workbook: the sheet and its 1-based row, as Excel shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SheetRow {
    pub sheet: String,
    pub row: u32,
}

impl std::fmt::Display for SheetRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "sheet {} row {}", self.sheet, self.row)
    }
}

/// A 備考 row: a heading and its value, under one standard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListNote {
    pub heading: String,
    pub data: String,
    pub at: SheetRow,
}

/// One accepted standard of an institution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListStandard {
    /// 受理記号 as written (full-width digits), e.g. 支援診３.
    pub symbol: String,
    /// 受理届出名称.
    pub name: String,
    /// 受理番号, e.g. 第239号.
    pub acceptance_no: String,
    /// 算定開始年月日 as written (和暦, e.g. 令和 6年 6月 1日); a date cell as YYYY-MM-DD.
    pub start_date: String,
    pub notes: Vec<ListNote>,
    pub at: SheetRow,
}

/// One institution of the list with its standards and what they make of it.
#[derive(Debug, Clone)]
pub struct ListInstitution {
    /// 医療機関番号, 7 digits with leading zeros.
    pub id: String,
    pub name: String,
    pub postal_code: String,
    pub address: String,
    pub phone: String,
    /// 病床数 as written, full-width spaces made ASCII (`一般  42／療養  21`).
    pub beds_raw: String,
    pub beds_total: u32,
    pub facility_type: FacilityType,
    /// Every kind its symbols stand for, the pediatric ones included.
    pub kinds: KindSet,
    pub tiers: Tiers,
    pub palliative_ward_beds: Option<u32>,
    /// Distinct 受理記号.
    pub n_standards: usize,
    /// In list order, exact repeats left out.
    pub standards: Vec<ListStandard>,
    /// Its first row.
    pub at: SheetRow,
}

/// A sheet read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ListSheet {
    pub name: String,
    /// 1-based row of the header.
    pub header_row: u32,
    /// Non-empty rows below the header.
    pub rows: usize,
}

/// How many rows of each sort a list had (also the import report's, flattened into it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct RowCounts {
    /// Non-empty data rows.
    pub rows: usize,
    /// Rows of a standard (with a 受理記号).
    pub standard_rows: usize,
    /// 備考 rows attached to the standard above them.
    pub note_rows: usize,
    /// Standard rows repeating one already read for the institution (left out).
    pub duplicate_rows: usize,
    /// Rows whose 区分 is not 医科 (left out).
    pub other_category_rows: usize,
}

/// The list as read: institutions, counts of the rows, and every problem found.
#[derive(Debug, Clone, Default)]
pub struct ProviderList {
    /// The file's name, as issues name it.
    pub file: String,
    /// The title's date line, e.g. 「令和７年１０月１日 現在」, when a title row has one.
    pub as_of: Option<String>,
    pub sheets: Vec<ListSheet>,
    /// Sheets without a header row (notes, empty sheets).
    pub sheets_skipped: Vec<String>,
    /// How the list's rows were read.
    pub counts: RowCounts,
    pub institutions: Vec<ListInstitution>,
    /// Errors (the list must not be used) and warnings, in row order.
    pub issues: Vec<DataIssue>,
}

impl ProviderList {
    pub fn has_errors(&self) -> bool {
        self.issues.iter().any(|i| i.severity == Severity::Error)
    }

    pub fn errors(&self) -> impl Iterator<Item = &DataIssue> {
        self.issues.iter().filter(|i| i.severity == Severity::Error)
    }

    pub fn warnings(&self) -> impl Iterator<Item = &DataIssue> {
        self.issues
            .iter()
            .filter(|i| i.severity == Severity::Warning)
    }

    /// Rows of the long standards table (inst_code, name, standard_symbol, standard_name,
    /// acceptance_no, start_date), in list order.
    pub fn standard_count(&self) -> usize {
        self.institutions.iter().map(|i| i.standards.len()).sum()
    }
}

/// Whether `bytes` look like an xlsx (a zip archive), the only spreadsheet format read.
pub fn is_xlsx(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// Reads the list from the bytes of an xlsx file named `file` (for messages). Never fails:
/// an unreadable file, a sheet without the needed columns and every malformed row are errors
/// in [`ProviderList::issues`], each naming its sheet row and column.
pub fn read_provider_list(bytes: &[u8], file: &str) -> ProviderList {
    let mut out = ProviderList {
        file: file.to_string(),
        ..Default::default()
    };
    let mut log = IssueLog::default();
    let mut wb: Xlsx<_> = match Xlsx::new(std::io::Cursor::new(bytes)) {
        Ok(wb) => wb,
        Err(e) => {
            log.error(
                file,
                "file".into(),
                "",
                format!("not a readable xlsx workbook: {e}"),
            );
            out.issues = log.issues;
            return out;
        }
    };
    let mut builder = Builder::default();
    for name in wb.sheet_names() {
        let range = match wb.worksheet_range(&name) {
            Ok(r) => r,
            Err(e) => {
                log.error(
                    file,
                    format!("sheet {name}"),
                    "",
                    format!("unreadable sheet: {e}"),
                );
                continue;
            }
        };
        read_sheet(&name, &range, file, &mut out, &mut builder, &mut log);
    }
    if out.sheets.is_empty() && !log.has_errors() {
        let names: Vec<&str> = COLUMNS.iter().map(|c| c.name).collect();
        log.error(
            file,
            "file".into(),
            "",
            format!(
                "no sheet has a header row: none of the first {HEADER_SEARCH_ROWS} rows of any sheet names the list's columns ({})",
                names.join(", ")
            ),
        );
    }
    out.institutions = builder.finish(file, &mut log);
    out.issues = log.issues;
    out
}

/// Where each column of [`COLUMNS`] is in a sheet.
struct Layout {
    cols: [Option<usize>; COLUMNS.len()],
    names: Vec<String>,
}

impl Layout {
    fn idx(&self, c: Col) -> Option<usize> {
        self.cols[c as usize]
    }
}

/// Header text compared: NFKC, no white space.
fn header_key(s: &str) -> String {
    s.nfkc().filter(|c| !c.is_whitespace()).collect()
}

/// The columns of `row` that [`COLUMNS`] names, if it is the header row: at least four of
/// them, 医療機関番号 among them.
fn header_layout(row: &[Data]) -> Option<Layout> {
    let keys: Vec<String> = row.iter().map(|c| header_key(&c.to_string())).collect();
    let mut cols = [None; COLUMNS.len()];
    let mut found = 0;
    for (ci, c) in COLUMNS.iter().enumerate() {
        let wanted: Vec<String> = std::iter::once(c.name)
            .chain(c.aliases.iter().copied())
            .map(header_key)
            .collect();
        // The name itself first, then the aliases, each leftmost.
        let at = wanted.iter().find_map(|w| keys.iter().position(|k| k == w));
        if at.is_some() {
            found += 1;
        }
        cols[ci] = at;
    }
    (found >= 4 && cols[Col::InstCode as usize].is_some()).then(|| Layout {
        cols,
        names: row
            .iter()
            .map(|c| c.to_string().trim().to_string())
            .collect(),
    })
}

fn read_sheet(
    name: &str,
    range: &Range<Data>,
    file: &str,
    out: &mut ProviderList,
    builder: &mut Builder,
    log: &mut IssueLog,
) {
    let Some((row0, _)) = range.start() else {
        out.sheets_skipped.push(name.to_string());
        return;
    };
    let at = |i: usize| SheetRow {
        sheet: name.to_string(),
        row: row0 + i as u32 + 1,
    };
    let rows: Vec<&[Data]> = range.rows().collect();
    let Some((hi, layout)) = rows
        .iter()
        .take(HEADER_SEARCH_ROWS)
        .enumerate()
        .find_map(|(i, r)| header_layout(r).map(|l| (i, l)))
    else {
        out.sheets_skipped.push(name.to_string());
        return;
    };
    if out.as_of.is_none() {
        out.as_of = rows[..hi]
            .iter()
            .flat_map(|r| r.iter())
            .map(|c| c.to_string().trim().to_string())
            .find(|t| t.contains("現在"));
    }
    let mut missing = false;
    for (ci, c) in COLUMNS.iter().enumerate() {
        if c.needed && layout.cols[ci].is_none() {
            log.error(
                file,
                at(hi).to_string(),
                c.name,
                format!(
                    "the header row has no column {} (columns: {})",
                    c.name,
                    layout
                        .names
                        .iter()
                        .filter(|n| !n.is_empty())
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
            missing = true;
        }
    }
    let mut sheet = ListSheet {
        name: name.to_string(),
        header_row: at(hi).row,
        rows: 0,
    };
    if missing {
        out.sheets.push(sheet);
        return;
    }
    for (i, row) in rows.iter().enumerate().skip(hi + 1) {
        let cells = Cells {
            row,
            layout: &layout,
            at: at(i),
            file,
        };
        if cells.is_blank() {
            continue;
        }
        sheet.rows += 1;
        out.counts.rows += 1;
        read_row(&cells, out, builder, log);
    }
    out.sheets.push(sheet);
}

/// The cells of one row, by column.
struct Cells<'a> {
    row: &'a [Data],
    layout: &'a Layout,
    at: SheetRow,
    file: &'a str,
}

impl Cells<'_> {
    fn cell(&self, c: Col) -> &Data {
        self.layout
            .idx(c)
            .and_then(|i| self.row.get(i))
            .unwrap_or(&Data::Empty)
    }

    /// The cell's text, trimmed; an Excel error value is logged against the row and column
    /// and read as empty.
    fn text(&self, c: Col, log: &mut IssueLog) -> String {
        match self.cell(c) {
            Data::Error(e) => {
                self.error(log, c, format!("the cell holds the Excel error {e}"));
                String::new()
            }
            d => cell_text(d),
        }
    }

    fn is_blank(&self) -> bool {
        self.row.iter().all(|d| cell_text(d).is_empty())
    }

    fn error(&self, log: &mut IssueLog, c: Col, msg: String) {
        log.error(
            self.file,
            self.at.to_string(),
            COLUMNS[c as usize].name,
            msg,
        );
    }

    fn warn(&self, log: &mut IssueLog, c: Col, msg: String) {
        log.warn(
            self.file,
            self.at.to_string(),
            COLUMNS[c as usize].name,
            msg,
        );
    }
}

/// A cell as text: strings trimmed, whole numbers without a fraction, dates as YYYY-MM-DD.
fn cell_text(d: &Data) -> String {
    match d {
        Data::String(s) => s.trim().to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::DateTime(dt) => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{d:02}")
        }
        Data::Empty => String::new(),
        other => other.to_string().trim().to_string(),
    }
}

/// A 医療機関番号: 7 digits; a number cell is padded with its leading zeros, separators
/// (`01-14303`, `01,1430,3`) and full-width digits are read.
fn inst_code(d: &Data) -> Result<String, String> {
    let whole = |f: f64| (f.fract() == 0.0 && (0.0..1e7).contains(&f)).then_some(f as u32);
    match d {
        Data::Int(i) if (0..10_000_000).contains(i) => Ok(format!("{i:07}")),
        Data::Float(f) if whole(*f).is_some() => Ok(format!("{:07}", whole(*f).unwrap_or(0))),
        _ => {
            let raw = cell_text(d);
            let digits: String = raw
                .nfkc()
                .filter(|c| !matches!(c, '-' | ',' | '・' | ' ' | '.'))
                .collect();
            if digits.len() == 7 && digits.bytes().all(|b| b.is_ascii_digit()) {
                Ok(digits)
            } else {
                Err(format!("{raw:?} is not a 医療機関番号 (7 digits)"))
            }
        }
    }
}

/// The sum of the numbers in a 病床数 text (`一般  42／療養  21` → 63; full-width digits
/// read; none → 0).
pub fn beds_total(raw: &str) -> u32 {
    let mut total = 0u32;
    let mut cur: Option<u32> = None;
    for c in raw.nfkc() {
        match c.to_digit(10).filter(|_| c.is_ascii_digit()) {
            Some(d) => cur = Some(cur.unwrap_or(0).saturating_mul(10).saturating_add(d)),
            None => total = total.saturating_add(cur.take().unwrap_or(0)),
        }
    }
    total.saturating_add(cur.unwrap_or(0))
}

/// A whole number in a 備考 value (`19`, `１９床`).
fn note_number(data: &str) -> Option<u32> {
    let t: String = data.nfkc().filter(|c| !c.is_whitespace()).collect();
    t.trim_end_matches('床').parse().ok()
}

fn read_row(cells: &Cells, out: &mut ProviderList, builder: &mut Builder, log: &mut IssueLog) {
    let errors_before = log.issues.len();
    let category = cells.text(Col::Category, log);
    if !category.is_empty() && category != "医科" {
        out.counts.other_category_rows += 1;
        return;
    }
    let symbol = cells.text(Col::Symbol, log);
    let std_name = cells.text(Col::StandardName, log);
    let heading = cells.text(Col::NoteHeading, log);
    let data = cells.text(Col::NoteData, log);
    let code_cell = cells.cell(Col::InstCode);
    let code = (!cell_text(code_cell).is_empty()).then(|| inst_code(code_cell));
    if symbol.is_empty() && std_name.is_empty() {
        if heading.is_empty() && data.is_empty() {
            cells.error(
                log,
                Col::Symbol,
                "a row without a 受理記号, a 受理届出名称 or a 備考".into(),
            );
            return;
        }
        // A 備考 row: details of the standard above it.
        out.counts.note_rows += 1;
        match (code, builder.last_standard()) {
            (Some(Err(msg)), _) => cells.error(log, Col::InstCode, msg),
            (_, None) => cells.error(
                log,
                Col::NoteHeading,
                "a 備考 row before any standard row".into(),
            ),
            (Some(Ok(id)), Some((last, _))) if id != last => cells.error(
                log,
                Col::InstCode,
                format!("a 備考 row of {id} under a standard of {last}"),
            ),
            (_, Some((_, std))) => std.notes.push(ListNote {
                heading,
                data,
                at: cells.at.clone(),
            }),
        }
        return;
    }
    out.counts.standard_rows += 1;
    let id = match code {
        None => {
            cells.error(log, Col::InstCode, "empty 医療機関番号".into());
            None
        }
        Some(Err(msg)) => {
            cells.error(log, Col::InstCode, msg);
            None
        }
        Some(Ok(id)) => Some(id),
    };
    if symbol.is_empty() {
        cells.error(
            log,
            Col::Symbol,
            format!("empty 受理記号 (受理届出名称 {std_name:?})"),
        );
    }
    let name = cells.text(Col::Name, log);
    if name.is_empty() {
        cells.error(log, Col::Name, "empty 医療機関名称".into());
    }
    let address = cells.text(Col::Address, log);
    if address.is_empty() {
        cells.error(log, Col::Address, "empty address".into());
    }
    let fields = InstFields {
        name,
        postal_code: cells
            .text(Col::Postal, log)
            .trim_start_matches('〒')
            .trim()
            .to_string(),
        address,
        phone: cells.text(Col::Phone, log),
        beds_raw: cells.text(Col::Beds, log).replace('\u{3000}', " "),
    };
    let standard = ListStandard {
        symbol,
        name: std_name,
        acceptance_no: cells.text(Col::AcceptanceNo, log),
        start_date: cells.text(Col::StartDate, log),
        notes: if heading.is_empty() && data.is_empty() {
            Vec::new()
        } else {
            out.counts.note_rows += 1;
            vec![ListNote {
                heading,
                data,
                at: cells.at.clone(),
            }]
        },
        at: cells.at.clone(),
    };
    let Some(id) = id.filter(|_| log.issues.len() == errors_before) else {
        builder.last = None;
        return;
    };
    if !builder.add(id, fields, standard, cells, log) {
        out.counts.duplicate_rows += 1;
    }
}

/// The institution fields repeated on each row.
#[derive(Debug, Clone, PartialEq, Eq)]
struct InstFields {
    name: String,
    postal_code: String,
    address: String,
    phone: String,
    beds_raw: String,
}

/// Groups rows into institutions (first-appearance order).
#[derive(Default)]
struct Builder {
    by_id: HashMap<String, usize>,
    insts: Vec<(String, InstFields, Vec<ListStandard>, SheetRow)>,
    /// The institution and standard the next 備考 row belongs to.
    last: Option<(usize, usize)>,
}

impl Builder {
    fn last_standard(&mut self) -> Option<(String, &mut ListStandard)> {
        let (i, s) = self.last?;
        let inst = self.insts.get_mut(i)?;
        Some((inst.0.clone(), inst.2.get_mut(s)?))
    }

    /// Adds a standard row; `false` when it repeats one of the institution's (then left out,
    /// its 備考 rows going to the first).
    fn add(
        &mut self,
        id: String,
        fields: InstFields,
        standard: ListStandard,
        cells: &Cells,
        log: &mut IssueLog,
    ) -> bool {
        let i = match self.by_id.get(&id) {
            Some(&i) => {
                let first = &self.insts[i];
                let differs = [
                    (Col::Name, &first.1.name, &fields.name),
                    (Col::Postal, &first.1.postal_code, &fields.postal_code),
                    (Col::Address, &first.1.address, &fields.address),
                    (Col::Phone, &first.1.phone, &fields.phone),
                    (Col::Beds, &first.1.beds_raw, &fields.beds_raw),
                ];
                for (c, a, b) in differs {
                    if a != b {
                        cells.warn(
                            log,
                            c,
                            format!(
                                "{id}: {b:?} differs from {a:?} on its first row ({}); the first is used",
                                first.3
                            ),
                        );
                    }
                }
                i
            }
            None => {
                self.by_id.insert(id.clone(), self.insts.len());
                self.insts
                    .push((id, fields, Vec::new(), standard.at.clone()));
                self.insts.len() - 1
            }
        };
        let stds = &mut self.insts[i].2;
        let same = |s: &ListStandard| {
            s.symbol == standard.symbol
                && s.name == standard.name
                && s.acceptance_no == standard.acceptance_no
                && s.start_date == standard.start_date
        };
        if let Some(pos) = stds.iter().position(same) {
            stds[pos].notes.extend(standard.notes);
            self.last = Some((i, pos));
            return false;
        }
        stds.push(standard);
        self.last = Some((i, stds.len() - 1));
        true
    }

    fn finish(self, file: &str, log: &mut IssueLog) -> Vec<ListInstitution> {
        self.insts
            .into_iter()
            .map(|(id, f, standards, at)| institution(id, f, standards, at, file, log))
            .collect()
    }
}

/// What an institution's standards make of it.
fn institution(
    id: String,
    f: InstFields,
    standards: Vec<ListStandard>,
    at: SheetRow,
    file: &str,
    log: &mut IssueLog,
) -> ListInstitution {
    let mut kinds = KindSet::EMPTY;
    let mut tiers = Tiers::default();
    let mut palliative_ward_beds = None;
    let strongest = |slot: &mut Option<u8>, t: Option<u8>| {
        if let Some(t) = t {
            *slot = Some(slot.map_or(t, |o| o.min(t)));
        }
    };
    for s in &standards {
        let Some((kind, tier)) = kind_of_symbol(&s.symbol) else {
            continue;
        };
        kinds.insert(kind);
        match kind {
            ProviderKind::HomeCareSupportClinic => {
                strongest(&mut tiers.home_care_support_clinic, tier)
            }
            ProviderKind::HomeCareSupportHospital => {
                strongest(&mut tiers.home_care_support_hospital, tier)
            }
            ProviderKind::PalliativeCareWard => {
                strongest(&mut tiers.palliative_ward, tier);
                if palliative_ward_beds.is_none() {
                    palliative_ward_beds = s
                        .notes
                        .iter()
                        .filter(|n| header_key(&n.heading).contains("病床数"))
                        .find_map(|n| note_number(&n.data));
                }
            }
            ProviderKind::PediatricInpatient => strongest(&mut tiers.pediatric_inpatient, tier),
            _ => {}
        }
    }
    if kinds.contains(ProviderKind::PalliativeCareWard) && palliative_ward_beds.is_none() {
        log.warn(
            file,
            at.to_string(),
            "備考（データ）",
            format!("{id}: 緩和ケア病棟 without its beds in a 備考 row (病床数)"),
        );
    }
    let n_standards = standards
        .iter()
        .map(|s| s.symbol.as_str())
        .collect::<HashSet<_>>()
        .len();
    let beds = beds_total(&f.beds_raw);
    ListInstitution {
        id,
        name: f.name,
        postal_code: f.postal_code,
        address: f.address,
        phone: f.phone,
        beds_raw: f.beds_raw,
        beds_total: beds,
        facility_type: if beds >= 20 {
            FacilityType::Hospital
        } else {
            FacilityType::Clinic
        },
        kinds,
        tiers,
        palliative_ward_beds,
        n_standards,
        standards,
        at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beds_are_summed_over_every_number() {
        assert_eq!(beds_total("一般  42／療養  21"), 63);
        assert_eq!(beds_total("一般 一般 60／療養 療養 65"), 125);
        assert_eq!(beds_total("一般　　１２０"), 120);
        assert_eq!(beds_total("一般"), 0);
        assert_eq!(beds_total(""), 0);
    }

    #[test]
    fn institution_codes_keep_their_leading_zeros() {
        assert_eq!(inst_code(&Data::Float(114303.0)), Ok("0114303".into()));
        assert_eq!(inst_code(&Data::Int(114303)), Ok("0114303".into()));
        assert_eq!(
            inst_code(&Data::String("01,1430,3".into())),
            Ok("0114303".into())
        );
        assert_eq!(
            inst_code(&Data::String("０１１４３０３".into())),
            Ok("0114303".into())
        );
        assert!(inst_code(&Data::String("01X4303".into())).is_err());
        assert!(inst_code(&Data::String("011430".into())).is_err());
    }

    #[test]
    fn headers_match_across_bracket_widths_and_spaces() {
        let row: Vec<Data> = [
            "項番",
            "医療機関番号",
            "医療機関名称",
            "医療機関所在地(郵便番号)",
            "医療機関所在地（住所）",
            "受理 記号",
        ]
        .into_iter()
        .map(|s| Data::String(s.into()))
        .collect();
        let l = header_layout(&row).expect("a header row");
        assert_eq!(l.idx(Col::InstCode), Some(1));
        assert_eq!(l.idx(Col::Postal), Some(3));
        assert_eq!(l.idx(Col::Symbol), Some(5));
        assert_eq!(l.idx(Col::Phone), None);
        let title = vec![Data::String("届出受理医療機関名簿".into())];
        assert!(header_layout(&title).is_none());
    }

    #[test]
    fn ward_beds_come_from_a_note_naming_its_beds() {
        assert_eq!(note_number("１９"), Some(19));
        assert_eq!(note_number("25床"), Some(25));
        assert_eq!(note_number("一般"), None);
    }
}
