//! The 厚生局 monthly provider list made into the data's provider table: each institution of a
//! [`ProviderList`] placed with the crate's own gazetteer (town level; the listed postal
//! code when the town is not found), given its medical region and municipality from the
//! dataset's polygons, and written as (a) the provider CSV that `Dataset::load` reads (the
//! columns of the built-in `kumamoto_medical_institutions_kouseikyoku_*.csv`, in its order)
//! and (b) the long standards CSV (`kumamoto_facility_standards_kouseikyoku_*.csv`).
//!
//! Nothing is dropped silently: an institution that cannot be placed is listed in the report
//! with its reason; a malformed row of the list is an error, and no file is written then
//! ([`ProviderImport::csv`] is `None`).

use crate::data::provider_list::{ListInstitution, ListSheet, ProviderList, RowCounts, SheetRow};
use crate::data::{
    check_provider_csv, project_multipolygon, DataIssue, Dataset, FacilityType, ProviderKind,
    COAST_TOLERANCE_M,
};
use crate::geocode::{Gazetteer, Level};
use geo::{BoundingRect, Contains, Distance, Euclidean, MultiPolygon, Point, Rect};
use serde::Serialize;
use std::time::Instant;

pub use crate::data::{provider_table_columns, STANDARD_COLUMNS};

/// Institutions placed, by the level of their point.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct LevelCounts {
    pub town: usize,
    pub postal_code: usize,
    pub municipality: usize,
}

/// An institution left out of the provider table, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NotPlaced {
    pub id: String,
    pub name: String,
    pub address: String,
    /// Its first row in the list.
    pub at: SheetRow,
    /// `no_match`, `not_in_kumamoto`, `empty_query` (the geocoder's reasons) or
    /// `outside_regions` (placed, but farther than the coast tolerance from every region).
    pub reason: String,
    pub message: String,
}

/// How many institutions hold a kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KindCount {
    pub kind: ProviderKind,
    pub name_ja: &'static str,
    pub institutions: usize,
}

/// What an import did: the list's rows, the institutions and where they were placed, and
/// every problem. Shared by the text and the `--json` output.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub file: String,
    /// The list's date line (「令和７年１０月１日 現在」), when its title has one.
    pub as_of: Option<String>,
    pub sheets: Vec<ListSheet>,
    pub sheets_skipped: Vec<String>,
    /// The list's rows by sort (flattened: `rows`, `standard_rows`, … in the JSON).
    #[serde(flatten)]
    pub counts: RowCounts,
    pub institutions: usize,
    pub hospitals: usize,
    pub clinics: usize,
    /// Rows of the long standards table.
    pub standards: usize,
    /// Institutions in the provider table.
    pub placed: usize,
    pub by_level: LevelCounts,
    pub not_placed: Vec<NotPlaced>,
    /// Institutions per kind (placed or not), in the kinds' order.
    pub kinds: Vec<KindCount>,
    /// Malformed rows (nothing is written when there is one).
    pub errors: Vec<DataIssue>,
    pub warnings: Vec<DataIssue>,
    /// Time to place every institution and write both tables, ms.
    pub place_ms: f64,
}

impl ImportReport {
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }
}

/// The two tables of an import.
#[derive(Debug, Clone)]
pub struct ImportCsv {
    /// The provider table (UTF-8, the built-in file's columns).
    pub providers: Vec<u8>,
    /// The long standards table.
    pub standards: Vec<u8>,
}

/// An import's report and, when the list had no malformed row, its tables.
#[derive(Debug, Clone)]
pub struct ProviderImport {
    pub report: ImportReport,
    pub csv: Option<ImportCsv>,
}

/// What an import reads: the data (its polygons) and its gazetteer — not a whole snapshot.
pub struct ImportData {
    pub dataset: Dataset,
    pub gazetteer: Gazetteer,
}

impl ImportData {
    pub fn load(
        files: impl Into<crate::data::DataFiles>,
        manifest: &crate::data::Manifest,
    ) -> Result<Self, super::SnapshotError> {
        let dataset = Dataset::load(files, manifest)?;
        let gazetteer = Gazetteer::from_dataset(&dataset)?;
        Ok(Self { dataset, gazetteer })
    }

    /// [`import_provider_list`] on this data.
    pub fn import(&self, list: &ProviderList) -> ProviderImport {
        import_provider_list(&self.dataset, &self.gazetteer, list)
    }
}

/// A polygon with its bounding box and its zone II copy, for point location.
struct Area<'a> {
    geometry: &'a MultiPolygon<f64>,
    bbox: Option<Rect<f64>>,
    projected: MultiPolygon<f64>,
}

/// Regions and municipalities of a dataset, to locate points as the dataset's loader does:
/// the polygon containing the point, else the nearest within [`COAST_TOLERANCE_M`].
struct Locator<'a> {
    ds: &'a Dataset,
    regions: Vec<Area<'a>>,
    municipalities: Vec<Area<'a>>,
}

impl<'a> Locator<'a> {
    fn new(ds: &'a Dataset) -> Self {
        let regions = ds
            .regions
            .iter()
            .map(|r| Area {
                geometry: &r.geometry,
                bbox: Some(r.bbox),
                projected: r.projected.clone(),
            })
            .collect();
        let municipalities = ds
            .municipalities
            .iter()
            .map(|m| Area {
                geometry: &m.geometry,
                bbox: m.geometry.bounding_rect(),
                projected: project_multipolygon(&m.geometry, &ds.projection),
            })
            .collect();
        Self {
            ds,
            regions,
            municipalities,
        }
    }

    /// Index of the area containing `p`, else of the nearest one within the tolerance.
    fn locate(&self, areas: &[Area], p: Point<f64>) -> Option<usize> {
        if let Some(i) = areas
            .iter()
            .position(|a| a.bbox.is_some_and(|b| b.contains(&p)) && a.geometry.contains(&p))
        {
            return Some(i);
        }
        let xy = self.ds.projection.forward_deg(p.x(), p.y());
        let q = Point::new(xy.x, xy.y);
        areas
            .iter()
            .enumerate()
            .map(|(i, a)| (i, Euclidean.distance(&q, &a.projected)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .filter(|(_, d)| *d <= COAST_TOLERANCE_M)
            .map(|(i, _)| i)
    }
}

/// Where an institution was placed.
struct Placement {
    lat: f64,
    lon: f64,
    level: Level,
    city_full: String,
    town: String,
    region: usize,
    municipality_code: String,
}

/// Places every institution of `list` and writes both tables (see the module doc). The list's
/// errors and warnings are carried into the report; with an error no table is written.
pub fn import_provider_list(ds: &Dataset, gaz: &Gazetteer, list: &ProviderList) -> ProviderImport {
    let started = Instant::now();
    let locator = Locator::new(ds);
    let mut warnings: Vec<DataIssue> = list.warnings().cloned().collect();
    let mut by_level = LevelCounts::default();
    let mut not_placed = Vec::new();
    let mut placed: Vec<(&ListInstitution, Placement)> = Vec::new();
    for inst in &list.institutions {
        match place(&locator, gaz, inst, &list.file, &mut warnings) {
            Ok(p) => {
                match p.level {
                    Level::Town => by_level.town += 1,
                    Level::PostalCode => by_level.postal_code += 1,
                    Level::Municipality => by_level.municipality += 1,
                }
                placed.push((inst, p));
            }
            Err(np) => not_placed.push(*np),
        }
    }
    let errors: Vec<DataIssue> = list.errors().cloned().collect();
    let csv = errors.is_empty().then(|| ImportCsv {
        providers: provider_csv(ds, &placed),
        standards: standards_csv(&list.institutions),
    });
    if let Some(c) = &csv {
        // The table must load as the data's provider table: any issue here is a bug of this
        // module, reported rather than written silently.
        let (_, issues) = check_provider_csv(&String::from_utf8_lossy(&c.providers));
        warnings.extend(issues);
    }
    let kinds = ProviderKind::ALL
        .iter()
        .map(|&k| KindCount {
            kind: k,
            name_ja: k.name_ja(),
            institutions: list
                .institutions
                .iter()
                .filter(|i| i.kinds.contains(k))
                .count(),
        })
        .collect();
    let hospitals = list
        .institutions
        .iter()
        .filter(|i| i.facility_type == FacilityType::Hospital)
        .count();
    let report = ImportReport {
        file: list.file.clone(),
        as_of: list.as_of.clone(),
        sheets: list.sheets.clone(),
        sheets_skipped: list.sheets_skipped.clone(),
        counts: list.counts,
        institutions: list.institutions.len(),
        hospitals,
        clinics: list.institutions.len() - hospitals,
        standards: list.standard_count(),
        placed: placed.len(),
        by_level,
        not_placed,
        kinds,
        errors,
        warnings,
        place_ms: started.elapsed().as_secs_f64() * 1000.0,
    };
    ProviderImport { report, csv }
}

/// Places one institution: its postal code and address through the gazetteer (the text
/// finds the town; the postal code's point when it does not), then the polygons.
fn place(
    locator: &Locator,
    gaz: &Gazetteer,
    inst: &ListInstitution,
    file: &str,
    warnings: &mut Vec<DataIssue>,
) -> Result<Placement, Box<NotPlaced>> {
    let not_placed = |reason: &str, message: String| {
        Box::new(NotPlaced {
            id: inst.id.clone(),
            name: inst.name.clone(),
            address: inst.address.clone(),
            at: inst.at.clone(),
            reason: reason.to_string(),
            message,
        })
    };
    let query = if inst.postal_code.is_empty() {
        inst.address.clone()
    } else {
        format!("{} {}", inst.postal_code, inst.address)
    };
    let answer = gaz.geocode(&query, 3);
    let Some(best) = answer.best() else {
        let reason = answer.reason.as_deref().unwrap_or("no_match");
        return Err(not_placed(
            reason,
            format!("the address {query:?} was not placed ({reason})"),
        ));
    };
    if answer.ambiguous {
        warnings.push(DataIssue {
            severity: crate::data::Severity::Warning,
            file: file.to_string(),
            location: inst.at.to_string(),
            field: "医療機関所在地（住所）".into(),
            message: format!(
                "{}: the address fits several towns; placed at {}{}",
                inst.id,
                best.city,
                best.town.as_deref().unwrap_or("")
            ),
        });
    }
    // The table's precision: 6 decimals (about 0.1 m), as the town points are given.
    let round6 = |x: f64| (x * 1e6).round() / 1e6;
    let (lat, lon) = (round6(best.lat), round6(best.lon));
    let p = Point::new(lon, lat);
    let Some(region) = locator.locate(&locator.regions, p) else {
        return Err(not_placed(
            "outside_regions",
            format!(
                "placed at ({lat}, {lon}), more than {COAST_TOLERANCE_M} m from every medical region"
            ),
        ));
    };
    let municipality_code = match locator.locate(&locator.municipalities, p) {
        Some(i) => locator.ds.municipalities[i].jis_code.clone(),
        None => crate::data::municipality_code(&best.jis_code),
    };
    Ok(Placement {
        lat,
        lon,
        level: best.level,
        city_full: best.city.clone(),
        town: best.town.clone().unwrap_or_default(),
        region,
        municipality_code,
    })
}

fn level_name(l: Level) -> &'static str {
    match l {
        Level::Town => "town",
        Level::PostalCode => "postal_code",
        Level::Municipality => "municipality",
    }
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// The provider table of the placed institutions, in list order.
fn provider_csv(ds: &Dataset, placed: &[(&ListInstitution, Placement)]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail.
    let columns = provider_table_columns();
    let _ = w.write_record(&columns);
    for (inst, p) in placed {
        let region = &ds.regions[p.region];
        let rec = columns.iter().map(|c| match *c {
            "inst_code" => inst.id.clone(),
            "name" => inst.name.clone(),
            // The 厚生局 list holds hospitals and clinics only (no local resources).
            "kind" => {
                if inst.facility_type == FacilityType::Hospital {
                    "hospital".into()
                } else {
                    "clinic".into()
                }
            }
            "postal_code" => inst.postal_code.clone(),
            "address" => inst.address.clone(),
            "phone" => inst.phone.clone(),
            "beds_raw" => inst.beds_raw.clone(),
            "beds_total" => inst.beds_total.to_string(),
            "municipality_code" => p.municipality_code.clone(),
            "city_full" => p.city_full.clone(),
            "matched_town" => p.town.clone(),
            "geocode_level" => level_name(p.level).into(),
            "medical_region" => region.name.clone(),
            "medical_region_id" => region.id.to_string(),
            "lat" => format!("{:.6}", p.lat),
            "lon" => format!("{:.6}", p.lon),
            "home_care_support_clinic_tier" => opt(inst.tiers.home_care_support_clinic),
            "home_care_support_hospital_tier" => opt(inst.tiers.home_care_support_hospital),
            "palliative_ward_tier" => opt(inst.tiers.palliative_ward),
            "palliative_ward_beds_noted" => opt(inst.palliative_ward_beds),
            "n_standards" => inst.n_standards.to_string(),
            // The rest are the kinds' flag columns.
            flag => match ProviderKind::parse(flag) {
                Some(k) if inst.kinds.contains(k) => "True".into(),
                _ => "False".into(),
            },
        });
        let rec: Vec<String> = rec.collect();
        let _ = w.write_record(&rec);
    }
    w.into_inner().unwrap_or_default()
}

/// The long standards table: one row per standard of every institution (placed or not: the
/// table joins by 医療機関番号), exact repeats left out.
fn standards_csv(insts: &[ListInstitution]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(STANDARD_COLUMNS);
    for inst in insts {
        for s in &inst.standards {
            let _ = w.write_record([
                inst.id.as_str(),
                inst.name.as_str(),
                s.symbol.as_str(),
                s.name.as_str(),
                s.acceptance_no.as_str(),
                s.start_date.as_str(),
            ]);
        }
    }
    w.into_inner().unwrap_or_default()
}
