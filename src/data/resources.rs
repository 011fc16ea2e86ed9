//! Local resource lists: 訪問看護ステーション, pharmacies, care homes, care managers … that the
//! people who know them keep as spreadsheets. One CSV row per facility; the format is
//! `docs/resources.md`. Column names may be English or the Japanese an office writes
//! ([`COLUMNS`]); other columns are kept by `carecover import` and ignored here.
//!
//! Two readers share [`ResourceColumns`] and [`read_row`]: `carecover import` (rows may lack
//! coordinates; it geocodes them) and the dataset loader ([`load_resources`]: the checked file
//! `import` writes, where every placed row has `lat`, `lon` and `level`). A row becomes a
//! [`Provider`] of [`FacilityType::Resource`] with exactly one resource kind, so the index,
//! nearest, coverage, what-if and tiles serve it like any provider, asked for by its kind.

use super::csv::{CsvRow, CsvTable};
use super::issues::IssueLog;
use super::kinds::{KindSet, ProviderKind};
use super::providers::{FacilityType, GeocodeLevel, Provider, ProviderRow, Tiers};
use crate::geom::LonLat;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// A field of the format and the header names that mean it (first = the canonical name,
/// which `carecover import` writes for the columns it adds).
pub struct Column {
    pub field: Field,
    pub names: &'static [&'static str],
}

/// The fields of a resource row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Name,
    Kind,
    Address,
    PostalCode,
    Phone,
    Lat,
    Lon,
    Level,
    Capabilities,
    Source,
    Date,
}

/// Every field with the header names accepted for it (exact match after trimming).
pub const COLUMNS: &[Column] = &[
    Column {
        field: Field::Name,
        names: &["name", "名称", "施設名", "事業所名", "薬局名", "名前"],
    },
    Column {
        field: Field::Kind,
        names: &["kind", "種別"],
    },
    Column {
        field: Field::Address,
        names: &["address", "住所", "所在地"],
    },
    Column {
        field: Field::PostalCode,
        names: &["postal_code", "郵便番号"],
    },
    Column {
        field: Field::Phone,
        names: &["phone", "電話番号", "電話", "TEL", "tel"],
    },
    Column {
        field: Field::Lat,
        names: &["lat", "緯度", "latitude"],
    },
    Column {
        field: Field::Lon,
        names: &["lon", "経度", "longitude", "lng"],
    },
    Column {
        field: Field::Level,
        names: &["level", "geocode_level"],
    },
    Column {
        field: Field::Capabilities,
        names: &["capabilities", "対応", "機能"],
    },
    Column {
        field: Field::Source,
        names: &["source", "出典"],
    },
    Column {
        field: Field::Date,
        names: &["date", "時点", "更新日", "as_of"],
    },
];

impl Field {
    /// The canonical (English) column name.
    pub fn canonical(self) -> &'static str {
        COLUMNS
            .iter()
            .find(|c| c.field == self)
            .map(|c| c.names[0])
            .unwrap_or("")
    }
}

/// Where a row's point came from: the file's own coordinates, or carecover's geocoder at one
/// of its levels; `unplaced` rows have no point (the import report says why).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlaceLevel {
    /// The file gave `lat`/`lon`.
    Given,
    Town,
    PostalCode,
    Municipality,
    Unplaced,
}

impl PlaceLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Given => "given",
            Self::Town => "town",
            Self::PostalCode => "postal_code",
            Self::Municipality => "municipality",
            Self::Unplaced => "unplaced",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Given,
            Self::Town,
            Self::PostalCode,
            Self::Municipality,
            Self::Unplaced,
        ]
        .into_iter()
        .find(|l| l.as_str() == s)
    }

    /// The provider answers' level (a given point counts as town-level or better).
    pub fn geocode_level(self) -> Option<GeocodeLevel> {
        match self {
            Self::Given | Self::Town => Some(GeocodeLevel::Town),
            Self::PostalCode => Some(GeocodeLevel::PostalCode),
            Self::Municipality => Some(GeocodeLevel::Municipality),
            Self::Unplaced => None,
        }
    }
}

/// The header of a resource file resolved to fields: the column name each field is read
/// from, if the file has one.
#[derive(Debug, Clone, Default)]
pub struct ResourceColumns {
    found: HashMap<Field, String>,
}

impl ResourceColumns {
    /// Resolves `headers`. Two columns meaning the same field (`name` and `名称`) is an error
    /// naming both; so is a missing `name` or `address`, or a missing `kind` unless the caller
    /// supplies one for every row (`kind_given`).
    pub fn resolve<'h>(
        headers: impl IntoIterator<Item = &'h str>,
        kind_given: bool,
    ) -> Result<Self, Vec<String>> {
        let mut found: HashMap<Field, String> = HashMap::new();
        let mut errors = Vec::new();
        for h in headers {
            let Some(c) = COLUMNS.iter().find(|c| c.names.contains(&h)) else {
                continue;
            };
            if let Some(prev) = found.get(&c.field) {
                errors.push(format!(
                    "columns {prev:?} and {h:?} both mean {}",
                    c.field.canonical()
                ));
            } else {
                found.insert(c.field, h.to_string());
            }
        }
        let mut required = vec![Field::Name, Field::Address];
        if !kind_given {
            required.push(Field::Kind);
        }
        for f in required {
            if !found.contains_key(&f) {
                let names = COLUMNS
                    .iter()
                    .find(|c| c.field == f)
                    .map(|c| c.names.join(", "))
                    .unwrap_or_default();
                errors.push(format!(
                    "missing column {} (any of: {names})",
                    f.canonical()
                ));
            }
        }
        if errors.is_empty() {
            Ok(Self { found })
        } else {
            Err(errors)
        }
    }

    /// The column name the file uses for `field`.
    pub fn name_of(&self, field: Field) -> Option<&str> {
        self.found.get(&field).map(String::as_str)
    }

    fn get<'r>(&self, rec: &'r CsvRow<'_>, field: Field) -> &'r str {
        self.name_of(field).map_or("", |c| rec.get(c))
    }
}

/// One validated resource row: what the file says, before or after it is placed.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceRecord {
    /// 1-based data row.
    pub row: usize,
    pub name: String,
    pub kind: ProviderKind,
    pub address: String,
    pub postal_code: String,
    pub phone: String,
    /// The file's own point, if it gives one.
    pub point: Option<LonLat>,
    /// The file's `level` column, if any (the checked file always has it).
    pub level: Option<PlaceLevel>,
    /// e.g. 24時間対応, 小児, 麻薬; split on `|`, `、`, `;` or `；`.
    pub capabilities: Vec<String>,
    /// The row's own source and date (empty: the manifest entry's).
    pub source: String,
    pub date: String,
}

impl ResourceRecord {
    /// A stable id: `r` and 12 hex digits of SHA-256 over kind, name and address, so the
    /// same facility keeps its id across uploads and files (a what-if can name it).
    pub fn id(&self) -> String {
        let mut h = Sha256::new();
        h.update(self.kind.as_str().as_bytes());
        h.update([0]);
        h.update(self.name.as_bytes());
        h.update([0]);
        h.update(self.address.as_bytes());
        let d = h.finalize();
        let hex: String = d.iter().take(6).map(|b| format!("{b:02x}")).collect();
        format!("r{hex}")
    }
}

/// Reads and validates one row; every problem is logged against its row and the file's own
/// column name. `kind` (from `--kind`) replaces the file's kind column. `None` when the row
/// has an error.
pub(crate) fn read_row(
    rec: &CsvRow<'_>,
    cols: &ResourceColumns,
    kind: Option<ProviderKind>,
    log: &mut IssueLog,
) -> Option<ResourceRecord> {
    let before = log.error_count();
    let col = |f: Field| cols.name_of(f).unwrap_or(f.canonical());
    let name = cols.get(rec, Field::Name).to_string();
    if name.is_empty() {
        rec.error(log, col(Field::Name), "is empty".into());
    }
    let address = cols.get(rec, Field::Address).to_string();
    if address.is_empty() {
        rec.error(log, col(Field::Address), "is empty".into());
    }
    let kind = match kind {
        Some(k) => Some(k),
        None => {
            let v = cols.get(rec, Field::Kind);
            let k = ProviderKind::parse_resource(v);
            if let Err(e) = &k {
                rec.error(log, col(Field::Kind), e.clone());
            }
            k.ok()
        }
    };
    let point = match (cols.name_of(Field::Lat), cols.name_of(Field::Lon)) {
        (Some(lat), Some(lon)) => rec.point(log, lat, lon).ok().flatten(),
        _ => None,
    };
    let level = match cols.get(rec, Field::Level) {
        "" => None,
        v => {
            let l = PlaceLevel::parse(v);
            if l.is_none() {
                rec.error(
                    log,
                    col(Field::Level),
                    format!(
                        "{v:?} is not a level (given, town, postal_code, municipality, unplaced)"
                    ),
                );
            }
            l
        }
    };
    let date = cols.get(rec, Field::Date).to_string();
    if !date.is_empty() && !is_iso_date(&date) {
        rec.error(
            log,
            col(Field::Date),
            format!("{date:?} is not a date as YYYY-MM-DD or YYYY-MM"),
        );
    }
    let capabilities = cols
        .get(rec, Field::Capabilities)
        .split(['|', '、', ';', '；'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    if log.error_count() > before {
        return None;
    }
    Some(ResourceRecord {
        row: rec.row,
        name,
        kind: kind?,
        address,
        postal_code: cols.get(rec, Field::PostalCode).to_string(),
        phone: cols.get(rec, Field::Phone).to_string(),
        point,
        level,
        capabilities,
        source: cols.get(rec, Field::Source).to_string(),
        date,
    })
}

/// `YYYY-MM-DD` or `YYYY-MM` with a real month and day.
pub fn is_iso_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let num = |p: &str, len: usize| -> Option<u32> {
        (p.len() == len && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    match parts.as_slice() {
        [y, m] => num(y, 4).is_some() && matches!(num(m, 2), Some(1..=12)),
        [y, m, d] => {
            num(y, 4).is_some()
                && matches!(num(m, 2), Some(1..=12))
                && matches!(num(d, 2), Some(1..=31))
        }
        _ => false,
    }
}

/// Reads a checked resource file (UTF-8; what `carecover import` writes). Every placed row
/// needs `lat`, `lon` and a `level`; an `unplaced` row is a warning and is left out; any other
/// problem is an error of its row and column. Kinds come from the `kind` column.
/// `source`/`date` are the manifest entry's, used where a row has none. Ids are
/// [`ResourceRecord::id`]; the same facility twice in a file is an error.
pub(crate) fn load_resources(
    bytes: &[u8],
    file: &str,
    source: &str,
    date: &str,
    log: &mut IssueLog,
) -> Vec<ProviderRow> {
    let Some(mut rows) = CsvTable::open_any(bytes, file, log) else {
        return Vec::new();
    };
    let cols = match ResourceColumns::resolve(rows.headers(), false) {
        Ok(c) => c,
        Err(errors) => {
            for e in errors {
                log.error(file, "header".into(), "", e);
            }
            return Vec::new();
        }
    };
    for f in [Field::Lat, Field::Lon, Field::Level] {
        if cols.name_of(f).is_none() {
            log.error(
                file,
                "header".into(),
                f.canonical(),
                format!(
                    "missing column {}: a resource file in the data must be checked by `carecover import` first",
                    f.canonical()
                ),
            );
        }
    }
    if log.has_errors() {
        return Vec::new();
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::new();
    while let Some(rec) = rows.next_row(log) {
        let Some(r) = read_row(&rec, &cols, None, log) else {
            continue;
        };
        let level = r.level.unwrap_or(PlaceLevel::Unplaced);
        let Some(geocode_level) = level.geocode_level() else {
            rec.warn(
                log,
                cols.name_of(Field::Level).unwrap_or("level"),
                format!("{} is unplaced and is left off the map", r.name),
            );
            continue;
        };
        let Some(location) = r.point else {
            rec.error(
                log,
                cols.name_of(Field::Lat).unwrap_or("lat"),
                format!("a {} row needs lat and lon", level.as_str()),
            );
            continue;
        };
        let id = r.id();
        if let Some(first) = seen.insert(id.clone(), r.row) {
            rec.error(
                log,
                cols.name_of(Field::Name).unwrap_or("name"),
                format!(
                    "{} at {} is listed twice (rows {first} and {})",
                    r.name, r.address, r.row
                ),
            );
            continue;
        }
        out.push(ProviderRow {
            row: r.row,
            stated_region: None,
            provider: Provider {
                id,
                name: r.name,
                facility_type: FacilityType::Resource,
                kinds: KindSet::from_kinds([r.kind]),
                tiers: Tiers::default(),
                beds_total: None,
                palliative_ward_beds: None,
                postal_code: r.postal_code,
                address: r.address,
                phone: r.phone,
                city: String::new(),
                geocode_level,
                location,
                region_id: 0,
                source: if r.source.is_empty() {
                    source.to_string()
                } else {
                    r.source
                },
                source_date: if r.date.is_empty() {
                    date.to_string()
                } else {
                    r.date
                },
                capabilities: r.capabilities,
            },
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> (Vec<ProviderRow>, IssueLog) {
        let mut log = IssueLog::default();
        let rows = load_resources(text.as_bytes(), "r.csv", "test", "2026-11", &mut log);
        (rows, log)
    }

    #[test]
    fn a_checked_file_loads_with_japanese_headers_and_row_sources() {
        let (rows, log) = load(
            "名称,種別,住所,電話番号,対応,lat,lon,level,出典,時点\n\
             A薬局,pharmacy,熊本市中央区下通1丁目,096-000-0000,24時間対応|麻薬,32.80,130.70,town,,\n\
             B訪問看護,home_visit_nursing,八代市松江城町,,,32.50,130.60,given,八代市調査,2026-10-01\n\
             C,care_home,どこか,,,,,unplaced,,\n",
        );
        assert!(!log.has_errors(), "{:?}", log.issues);
        assert_eq!(rows.len(), 2);
        let a = &rows[0].provider;
        assert_eq!(a.facility_type, FacilityType::Resource);
        assert!(a.kinds.contains(ProviderKind::Pharmacy));
        assert_eq!(a.capabilities, vec!["24時間対応", "麻薬"]);
        assert_eq!(
            (a.source.as_str(), a.source_date.as_str()),
            ("test", "2026-11")
        );
        let b = &rows[1].provider;
        assert_eq!(
            (b.source.as_str(), b.source_date.as_str()),
            ("八代市調査", "2026-10-01")
        );
        assert!(a.id.starts_with('r') && a.id.len() == 13 && a.id != b.id);
        // The unplaced row is a warning naming its row, not silently gone.
        assert!(log
            .issues
            .iter()
            .any(|i| i.location == "row 3" && i.message.contains("unplaced")));
    }

    #[test]
    fn bad_rows_are_errors_naming_row_and_column() {
        let (rows, log) = load(
            "name,kind,address,lat,lon,level,date\n\
             ,pharmacy,x,32.8,130.7,town,\n\
             P,hospital,x,32.8,130.7,town,\n\
             Q,pharmacy,x,north,130.7,town,\n\
             R,pharmacy,x,32.8,130.7,town,2026/10/01\n\
             S,pharmacy,x,,,town,\n\
             T,pharmacy,y,32.8,130.7,town,\n\
             T,pharmacy,y,32.8,130.7,town,\n",
        );
        assert_eq!(rows.len(), 1, "only the first T loads");
        let has = |loc: &str, field: &str| {
            log.issues
                .iter()
                .any(|i| i.location == loc && i.field == field)
        };
        assert!(has("row 1", "name"));
        assert!(has("row 2", "kind"));
        assert!(has("row 3", "lat"));
        assert!(has("row 4", "date"));
        assert!(has("row 5", "lat"));
        assert!(has("row 7", "name"));
    }

    #[test]
    fn a_file_without_coordinates_or_with_twin_columns_is_refused() {
        let (_, log) = load("name,kind,address\nA,pharmacy,x\n");
        assert!(log.issues.iter().any(|i| i.field == "lat"));
        let e = ResourceColumns::resolve(["name", "名称", "address"], true).unwrap_err();
        assert!(e[0].contains("名称"), "{e:?}");
        let e = ResourceColumns::resolve(["name"], false).unwrap_err();
        assert_eq!(e.len(), 2, "{e:?}");
    }

    #[test]
    fn dates_are_iso() {
        assert!(is_iso_date("2026-10-01") && is_iso_date("2026-10"));
        assert!(!is_iso_date("2026-13") && !is_iso_date("R8.10.1") && !is_iso_date("2026"));
    }
}
