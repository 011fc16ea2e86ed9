//! A resource list as `carecover import` reads and writes it: the input file's rows kept
//! whole (every column, in order) next to what [`read_row`] made of them, and the checked
//! UTF-8 CSV written back with `lat`, `lon`, `level` and `kind` filled in, which
//! [`super::resources::load_resources`] loads. Placing the rows (geocoding) is the caller's.

use super::csv::CsvTable;
use super::issues::IssueLog;
use super::kinds::ProviderKind;
use super::resources::{read_row, Field, PlaceLevel, ResourceColumns, ResourceRecord};
use crate::geom::LonLat;

/// One data record of the input file.
#[derive(Debug, Clone)]
pub struct InputRow {
    /// 1-based data row (header excluded), as the issues name it.
    pub row: usize,
    /// Line of the file the record starts on (header = 1).
    pub line: u64,
    /// Every field as written, in column order.
    pub fields: Vec<String>,
    /// The validated row; `None` when the row has an error (logged).
    pub record: Option<ResourceRecord>,
}

/// The input file read: its header, the header resolved to fields (`None` when it is
/// unusable, logged), and every readable record.
#[derive(Debug, Clone, Default)]
pub struct ResourceInput {
    pub headers: Vec<String>,
    pub columns: Option<ResourceColumns>,
    pub rows: Vec<InputRow>,
}

/// Reads a decoded resource list: the header (errors on `header`), then every row through
/// [`read_row`] (`kind`, from `--kind`, replaces the file's kind column, which is then not
/// checked). Every problem is logged against its row and column; unreadable records are
/// logged and left out of [`ResourceInput::rows`].
pub fn read_resource_input(
    text: &str,
    file: &str,
    kind: Option<ProviderKind>,
    log: &mut IssueLog,
) -> ResourceInput {
    let Some(mut table) = CsvTable::open_any(text.as_bytes(), file, log) else {
        return ResourceInput::default();
    };
    let headers: Vec<String> = table.headers().map(str::to_string).collect();
    let columns = match ResourceColumns::resolve(headers.iter().map(String::as_str), kind.is_some())
    {
        Ok(c) => Some(c),
        Err(errors) => {
            for e in errors {
                log.error(file, "header".into(), "", e);
            }
            None
        }
    };
    let mut rows = Vec::new();
    while let Some(rec) = table.next_row(log) {
        let record = columns
            .as_ref()
            .and_then(|cols| read_row(&rec, cols, kind, log));
        rows.push(InputRow {
            row: rec.row,
            line: rec.line,
            fields: rec.fields().map(str::to_string).collect(),
            record,
        });
    }
    ResourceInput {
        headers,
        columns,
        rows,
    }
}

/// What the checked file says of a row beyond its input columns.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CheckedValues {
    /// `None` for an unplaced row (written with empty `lat`/`lon`).
    pub point: Option<LonLat>,
    pub level: PlaceLevel,
    pub kind: ProviderKind,
}

/// The checked CSV (UTF-8, no byte-order mark): the input's columns in order, then `lat`,
/// `lon`, `level` and `kind` — written into the file's own columns when it has them under
/// any accepted name, else appended under the canonical name. Coordinates with 6 decimals
/// (about 0.1 m).
pub fn write_checked_csv<'a>(
    headers: &[String],
    columns: &ResourceColumns,
    rows: impl IntoIterator<Item = (&'a [String], CheckedValues)>,
) -> Vec<u8> {
    let mut out_headers = headers.to_vec();
    let mut at = |field: Field| -> usize {
        let found = columns
            .name_of(field)
            .and_then(|name| headers.iter().position(|h| h == name));
        found.unwrap_or_else(|| {
            out_headers.push(field.canonical().to_string());
            out_headers.len() - 1
        })
    };
    let (lat, lon, level, kind) = (
        at(Field::Lat),
        at(Field::Lon),
        at(Field::Level),
        at(Field::Kind),
    );
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    // Writing to a Vec cannot fail.
    let _ = w.write_record(&out_headers);
    for (fields, v) in rows {
        let mut rec: Vec<String> = fields.to_vec();
        rec.resize(out_headers.len(), String::new());
        let (la, lo) = v.point.map_or((String::new(), String::new()), |p| {
            (format!("{:.6}", p.lat()), format!("{:.6}", p.lon()))
        });
        rec[lat] = la;
        rec[lon] = lo;
        rec[level] = v.level.as_str().to_string();
        rec[kind] = v.kind.as_str().to_string();
        let _ = w.write_record(&rec);
    }
    w.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_keep_every_field_and_kind_overrides_the_column() {
        let mut log = IssueLog::default();
        let input = read_resource_input(
            "名称,種別,所在地,備考\nA病院,hospital,熊本市中央区下通1丁目, 2階 \n,x,y,z\n",
            "h.csv",
            Some(ProviderKind::OtherResource),
            &mut log,
        );
        assert_eq!(input.rows.len(), 2);
        assert_eq!(input.rows[0].fields[3], " 2階 ");
        let a = input.rows[0].record.as_ref().unwrap();
        assert_eq!(a.kind, ProviderKind::OtherResource);
        assert!(input.rows[1].record.is_none());
        assert_eq!(log.issues.len(), 1, "{:?}", log.issues);
        assert_eq!(
            (
                log.issues[0].location.as_str(),
                log.issues[0].field.as_str()
            ),
            ("row 2", "名称")
        );

        let cols = input.columns.as_ref().unwrap();
        let p = LonLat::new(130.708322, 32.801311).unwrap();
        let v = CheckedValues {
            point: Some(p),
            level: PlaceLevel::Town,
            kind: ProviderKind::OtherResource,
        };
        let out = write_checked_csv(&input.headers, cols, [(input.rows[0].fields.as_slice(), v)]);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "名称,種別,所在地,備考,lat,lon,level\n\
             A病院,other,熊本市中央区下通1丁目, 2階 ,32.801311,130.708322,town\n"
        );
    }

    #[test]
    fn an_unusable_header_is_logged_and_rows_still_counted() {
        let mut log = IssueLog::default();
        let input = read_resource_input("name,kind\nA,pharmacy\n", "r.csv", None, &mut log);
        assert!(input.columns.is_none());
        assert_eq!(input.rows.len(), 1);
        assert!(log.issues.iter().all(|i| i.location == "header"));
    }
}
