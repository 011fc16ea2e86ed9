//! The Kumamoto dataset: medical regions, municipalities, providers and towns, loaded from the
//! data folder named by the manifest and validated as a whole.
//!
//! `data` owns the parsing of every layer: one CSV reader (`csv.rs`) and one issue log
//! ([`IssueLog`]: file, row or feature, field) for the providers, standards, towns, census
//! tables, the gazetteer's address tables ([`AddressTables`]) and the population mesh
//! ([`MeshTable`]); the engines (coverage, geocode, routing) compute on typed rows. The data
//! version hashes each file's decoded bytes, whatever the format.

mod addresses;
mod age_register;
mod csv;
mod files;
mod issues;
mod kinds;
mod manifest;
mod municipal_population;
mod polygons;
mod population;
pub mod provider_list;
mod providers;
mod resource_file;
pub mod resources;
mod standards;
mod text;
mod towns;

pub(crate) use addresses::{
    read_former_municipalities, read_municipalities as read_address_municipalities,
    read_postal_codes,
};
pub use addresses::{AddressMunicipality, AddressTables, FormerMunicipality, PostalRow};
pub use age_register::AgeRegister;
pub use files::{DataFiles, MAX_DECODED_BYTES};
pub use issues::{DataErrors, DataIssue, IssueLog, Severity};
pub use kinds::{KindFilter, KindRule, KindSet, ProviderKind, MAX_CLAUSES};
pub use manifest::{Manifest, ManifestError, RoadLayer, Source, DEFAULT_MANIFEST};
pub use municipal_population::{MunicipalPopulation, Projected, CENSUS_YEAR};
pub use polygons::{project_multipolygon, PolygonFeature};
pub use population::{MeshRow, MeshTable};
pub use providers::{
    table_columns as provider_table_columns, FacilityType, GeocodeLevel, Provider, Tiers,
};
pub use resource_file::{
    read_resource_input, write_checked_csv, CheckedValues, InputRow, ResourceInput,
};
pub use standards::COLUMNS as STANDARD_COLUMNS;
pub use standards::{kind_of_symbol, DerivedKinds};
pub use text::{decode_text, BadBytes, DecodedText, TextEncoding};
pub(crate) use towns::read_towns;
pub use towns::{municipality_code, Town, TownRecord};

use crate::geom::Projection;
use geo::{Contains, Distance, Euclidean, Point};
use geo_types::{MultiPolygon, Rect};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// How far (metres) a provider point may lie outside every region polygon and still be
/// assigned to the nearest one. The polygons are simplified coastlines (mapshaper 5 %), so a
/// harbour-side clinic can fall a few hundred metres into the "sea".
pub const COAST_TOLERANCE_M: f64 = 1_000.0;

/// A 二次保健医療圏 (secondary medical region).
#[derive(Debug, Clone)]
pub struct Region {
    /// 1–10 as in the data.
    pub id: u8,
    pub name: String,
    pub name_en: String,
    pub area_km2: f64,
    /// Degrees.
    pub geometry: MultiPolygon<f64>,
    /// Zone II metres.
    pub projected: MultiPolygon<f64>,
    pub bbox: Rect<f64>,
}

/// A municipality (市町村; 熊本市 as one).
#[derive(Debug, Clone)]
pub struct Municipality {
    pub jis_code: String,
    pub name: String,
    pub region_id: u8,
    pub area_km2: f64,
    pub geometry: MultiPolygon<f64>,
}

/// Everything loaded from the data folder, validated. Immutable once built.
#[derive(Debug)]
pub struct Dataset {
    pub regions: Vec<Region>,
    pub municipalities: Vec<Municipality>,
    pub providers: Vec<Provider>,
    pub towns: Vec<Town>,
    /// The gazetteer's tables (every row of the towns file, postal codes, address
    /// municipalities, former municipalities), parsed with the rest so that the towns file
    /// is read once per load.
    pub addresses: AddressTables,
    /// 2020 census population per municipality (45 rows, 熊本市 as one) when the manifest
    /// names the table; empty otherwise.
    pub municipal_population: Vec<MunicipalPopulation>,
    /// The same figures for the wards (区) of designated cities (熊本市's five), from the same
    /// table; empty without it.
    pub ward_population: Vec<MunicipalPopulation>,
    /// Resident-register counts by age per municipality (65+, 75+; 2022-01-01) when the
    /// manifest names the `municipality_age` layer; empty otherwise.
    pub municipality_age: Vec<AgeRegister>,
    pub manifest: Manifest,
    /// Where the files were read from (built in, or a folder); later layers (roads,
    /// population, addresses) read theirs from the same place.
    pub files: DataFiles,
    /// Hash of the manifest and of every input file's decoded bytes: changes whenever the
    /// data does, and is the same for the built-in data and a folder holding the same files.
    pub version: String,
    /// Warnings found while loading (errors make the load fail).
    pub warnings: Vec<DataIssue>,
    pub projection: Projection,
    /// Decoded bytes of the files read for the version but parsed elsewhere (roads,
    /// population, addresses), handed over once by [`Dataset::file_bytes`] so that no file is
    /// read or un-gzipped twice per load.
    unparsed: std::sync::Mutex<HashMap<String, Vec<u8>>>,
}

impl Dataset {
    /// Loads and validates the data folder. Strict: any error fails the whole load and lists
    /// every problem found.
    pub fn load(files: impl Into<DataFiles>, manifest: &Manifest) -> Result<Dataset, DataErrors> {
        let (ds, log) = Self::load_lenient(files, manifest);
        match ds {
            Some(ds) if !log.has_errors() => Ok(ds),
            _ => Err(DataErrors { issues: log.issues }),
        }
    }

    /// Loads as much as possible and returns every issue (for `carecover check`).
    pub fn load_lenient(
        files: impl Into<DataFiles>,
        manifest: &Manifest,
    ) -> (Option<Dataset>, IssueLog) {
        let files: DataFiles = files.into();
        let mut log = IssueLog::default();
        let proj = Projection::kumamoto();
        let mut hasher = Sha256::new();
        hasher.update(serde_json::to_vec(&manifest.files()).unwrap_or_default());
        // Every file is hashed as its decoded bytes (gunzipped when stored gzipped, so a plain
        // and a gzipped copy give one version), text or not: a road layer may be an OSM PBF.
        // Only the GeoJSON layers must be UTF-8 as a whole; a CSV reports a bad row.
        let mut unparsed = HashMap::new();
        let mut read = |file: &str, log: &mut IssueLog| -> Option<Vec<u8>> {
            match files.read(file) {
                Ok(bytes) => {
                    hasher.update(file.as_bytes());
                    hasher.update((bytes.len() as u64).to_le_bytes());
                    hasher.update(&bytes);
                    Some(bytes)
                }
                Err(e) => {
                    log.error(file, "file".into(), "", e.to_string());
                    None
                }
            }
        };
        let text = |file: &str, bytes: Option<Vec<u8>>, log: &mut IssueLog| {
            String::from_utf8(bytes?)
                .map_err(|e| log.error(file, "file".into(), "", format!("not UTF-8 text: {e}")))
                .ok()
        };

        let regions_bytes = read(&manifest.regions.file, &mut log);
        let munis_bytes = read(&manifest.municipalities.file, &mut log);
        let providers_bytes = read(&manifest.providers.file, &mut log);
        let towns_bytes = read(&manifest.towns.file, &mut log);
        for extra in manifest.files().into_iter().skip(4) {
            // Hashed so the version covers every input; parsed by the modules that use them.
            if let Some(bytes) = read(extra, &mut log) {
                unparsed.insert(extra.to_string(), bytes);
            }
        }
        let regions_text = text(&manifest.regions.file, regions_bytes, &mut log);
        let munis_text = text(&manifest.municipalities.file, munis_bytes, &mut log);
        let version = hasher
            .finalize()
            .iter()
            .take(8)
            .map(|b| format!("{b:02x}"))
            .collect::<String>();

        let regions = regions_text
            .map(|t| polygons::load_polygon_layer(&t, &manifest.regions, &proj, &mut log))
            .unwrap_or_default();
        let regions = build_regions(regions, &manifest.regions.file, &mut log);
        let munis = munis_text
            .map(|t| polygons::load_polygon_layer(&t, &manifest.municipalities, &proj, &mut log))
            .unwrap_or_default();
        let municipalities =
            build_municipalities(munis, &regions, &manifest.municipalities.file, &mut log);
        let region_of_muni: HashMap<String, u8> = municipalities
            .iter()
            .map(|m| (m.jis_code.clone(), m.region_id))
            .collect();

        let source_date = |key: &str| {
            manifest
                .sources
                .get(key)
                .map(|s| s.date.clone())
                .unwrap_or_default()
        };
        let mut providers = Vec::new();
        if let Some(bytes) = providers_bytes {
            let file = manifest.providers.file.as_str();
            let (source, date) = (
                &manifest.providers.source,
                source_date(&manifest.providers.source),
            );
            for row in providers::load_providers(&bytes, file, &mut log) {
                if let Some(mut p) = place_in_region(row, &regions, file, &proj, &mut log) {
                    p.source.clone_from(source);
                    p.source_date.clone_from(&date);
                    providers.push(p);
                }
            }
        }
        // The standards table adds the kinds the provider file has no column for (pediatric);
        // parsed here, not later, because every index, layer and answer reads the kinds.
        if let Some(layer) = &manifest.facility_standards {
            if let Some(bytes) = unparsed.remove(&layer.file) {
                let known: std::collections::HashSet<&str> =
                    providers.iter().map(|p| p.id.as_str()).collect();
                let derived = standards::load_standards(&bytes, &layer.file, &known, &mut log);
                for p in &mut providers {
                    if let Some(d) = derived.get(&p.id) {
                        p.kinds = p.kinds.union(d.kinds);
                        p.tiers.pediatric_inpatient = d.pediatric_inpatient_tier;
                    }
                }
            }
        }
        // Local resource lists: rows of one resource kind each, served like providers. Ids
        // served so far, so a row listed twice is found without scanning every provider.
        let mut ids: std::collections::HashSet<String> =
            providers.iter().map(|p| p.id.clone()).collect();
        for layer in &manifest.resources {
            let Some(bytes) = unparsed.remove(&layer.file) else {
                continue;
            };
            let date = source_date(&layer.source);
            let rows =
                resources::load_resources(&bytes, &layer.file, &layer.source, &date, &mut log);
            for row in rows {
                if ids.contains(&row.provider.id) {
                    log.error(
                        &layer.file,
                        format!("row {}", row.row),
                        "name",
                        format!(
                            "{} at {} is listed in another resource file too",
                            row.provider.name, row.provider.address
                        ),
                    );
                    continue;
                }
                if let Some(p) = place_in_region(row, &regions, &layer.file, &proj, &mut log) {
                    ids.insert(p.id.clone());
                    providers.push(p);
                }
            }
        }
        let municipal_population = match &manifest.municipality_population {
            Some(layer) => unparsed
                .remove(&layer.file)
                .map(|b| municipal_population::load(&b, &layer.file, &municipalities, &mut log))
                .unwrap_or_default(),
            None => Default::default(),
        };
        let municipality_age = match &manifest.municipality_age {
            Some(layer) => unparsed
                .remove(&layer.file)
                .map(|b| age_register::load(&b, &layer.file, &municipalities, &mut log))
                .unwrap_or_default(),
            None => Vec::new(),
        };
        let municipal_population::MunicipalTable {
            municipalities: municipal_population,
            wards: ward_population,
        } = municipal_population;
        // The towns file is parsed once: its rows feed both the dataset's towns and the
        // gazetteer (through `addresses`).
        let town_records = towns_bytes
            .map(|b| towns::read_towns(&b, &manifest.towns.file, &mut log))
            .unwrap_or_default();
        let towns = towns::towns_of(
            &town_records,
            &manifest.towns.file,
            &|code| region_of_muni.get(code).copied(),
            &mut log,
        );
        fn take<'m>(
            layer: &'m Option<manifest::FileLayer>,
            unparsed: &mut HashMap<String, Vec<u8>>,
        ) -> Option<(&'m String, Option<Vec<u8>>)> {
            let file = &layer.as_ref()?.file;
            Some((file, unparsed.remove(file)))
        }
        let postal = take(&manifest.postal_codes, &mut unparsed);
        let munis = take(&manifest.address_municipalities, &mut unparsed);
        let former = take(&manifest.former_municipalities, &mut unparsed);
        let addresses = AddressTables::parse(town_records, postal, munis, former, &mut log);

        if regions.is_empty() {
            return (None, log);
        }
        let warnings = log
            .issues
            .iter()
            .filter(|i| i.severity == Severity::Warning)
            .cloned()
            .collect();
        let ds = Dataset {
            regions,
            municipalities,
            providers,
            towns,
            addresses,
            municipal_population,
            ward_population,
            municipality_age,
            manifest: manifest.clone(),
            files,
            version,
            warnings,
            projection: proj,
            unparsed: std::sync::Mutex::new(unparsed),
        };
        (Some(ds), log)
    }

    /// The decoded bytes of `file` (named as in the manifest): the copy read and hashed at
    /// load time, handed over once (so the bytes parsed are the bytes the version describes,
    /// and a built-in file is un-gzipped once); read again from [`Dataset::files`] after that.
    pub fn file_bytes(&self, file: &str) -> std::io::Result<Vec<u8>> {
        let cached = self
            .unparsed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(file);
        match cached {
            Some(bytes) => Ok(bytes),
            None => self.files.read(file),
        }
    }

    /// The region with this id.
    pub fn region(&self, id: u8) -> Option<&Region> {
        self.regions.iter().find(|r| r.id == id)
    }

    /// Counts providers per region and kind: `counts[region index][kind index]`, regions in
    /// [`Dataset::regions`] order, kinds in [`ProviderKind::ALL`] order.
    pub fn provider_counts(&self) -> Vec<[usize; ProviderKind::ALL.len()]> {
        let mut counts = vec![[0; ProviderKind::ALL.len()]; self.regions.len()];
        for p in &self.providers {
            if let Some(ri) = self.regions.iter().position(|r| r.id == p.region_id) {
                for (ki, k) in ProviderKind::ALL.iter().enumerate() {
                    if p.kinds.contains(*k) {
                        counts[ri][ki] += 1;
                    }
                }
            }
        }
        counts
    }

    /// Attribution lines for every source the manifest names.
    pub fn attribution(&self) -> Vec<&Source> {
        self.manifest.sources.values().collect()
    }
}

/// Parses provider CSV text on its own (no region assignment) and returns every issue found
/// and the number of rows accepted. The entry point of the `provider_csv` fuzz target: any
/// bytes must give issues, never a panic.
pub fn check_provider_csv(text: &str) -> (usize, Vec<DataIssue>) {
    let mut log = IssueLog::default();
    let rows = providers::load_providers(text.as_bytes(), "providers.csv", &mut log);
    (rows.len(), log.issues)
}

/// Parses a GeoJSON polygon layer with the built-in medical-region property names and returns
/// the features accepted and every issue found. The entry point of the `polygon_geojson` fuzz
/// target.
pub fn check_polygon_geojson(text: &str) -> (usize, Vec<DataIssue>) {
    let mut log = IssueLog::default();
    let layer = manifest::PolygonLayer {
        file: "regions.geojson".into(),
        id_property: "medical_region_id".into(),
        name_property: "medical_region".into(),
        name_en_property: Some("medical_region_en".into()),
        region_property: None,
        source: "fuzz".into(),
    };
    let features = polygons::load_polygon_layer(text, &layer, &Projection::kumamoto(), &mut log);
    (features.len(), log.issues)
}

/// Assigns a provider or resource row to the medical region its point lies in (or the nearest
/// within [`COAST_TOLERANCE_M`], with a warning); a point outside every region is an error of
/// its row and the row is left out.
fn place_in_region(
    row: providers::ProviderRow,
    regions: &[Region],
    file: &str,
    proj: &Projection,
    log: &mut IssueLog,
) -> Option<Provider> {
    let mut p = row.provider;
    let at = format!("row {}", row.row);
    match locate_region(regions, p.location.point(), proj) {
        Some((id, 0.0)) => p.region_id = id,
        Some((id, d)) if d <= COAST_TOLERANCE_M => {
            log.warn(file, at.clone(), "lat",
                format!("{} {} lies {d:.0} m outside the region polygons (simplified coast); assigned to region {id}", p.name, p.id));
            p.region_id = id;
        }
        _ => {
            log.error(
                file,
                at,
                "lat",
                format!(
                    "{} {} at {} lies outside every medical region",
                    p.name, p.id, p.location
                ),
            );
            return None;
        }
    }
    if let Some(stated) = row.stated_region.filter(|s| *s != p.region_id) {
        log.warn(file, at, "medical_region_id",
            format!("provider {} is stated to be in region {stated} but its point lies in region {}; using the point", p.id, p.region_id));
    }
    Some(p)
}

/// Region id containing `p` (distance 0), or the nearest region and its distance in metres.
pub(crate) fn locate_region(
    regions: &[Region],
    p: Point<f64>,
    proj: &Projection,
) -> Option<(u8, f64)> {
    for r in regions {
        if r.bbox.contains(&p) && r.geometry.contains(&p) {
            return Some((r.id, 0.0));
        }
    }
    let xy = proj.forward_deg(p.x(), p.y());
    let q = Point::new(xy.x, xy.y);
    regions
        .iter()
        .map(|r| (r.id, Euclidean.distance(&q, &r.projected)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
}

fn build_regions(features: Vec<PolygonFeature>, file: &str, log: &mut IssueLog) -> Vec<Region> {
    let mut out: Vec<Region> = Vec::new();
    for (i, f) in features.into_iter().enumerate() {
        let id = match f.id.parse::<u8>() {
            Ok(id) if id > 0 => id,
            _ => {
                log.error(
                    file,
                    format!("feature {i}"),
                    "id",
                    format!("{:?} is not a region id 1–255", f.id),
                );
                continue;
            }
        };
        if out.iter().any(|r| r.id == id) {
            log.error(
                file,
                format!("feature {i}"),
                "id",
                format!("duplicate region id {id}"),
            );
            continue;
        }
        out.push(Region {
            id,
            name: f.name,
            name_en: f.name_en.unwrap_or_default(),
            area_km2: f.area_km2,
            geometry: f.geometry,
            projected: f.projected,
            bbox: f.bbox,
        });
    }
    out.sort_by_key(|r| r.id);
    out
}

fn build_municipalities(
    features: Vec<PolygonFeature>,
    regions: &[Region],
    file: &str,
    log: &mut IssueLog,
) -> Vec<Municipality> {
    let mut out: Vec<Municipality> = Vec::new();
    for (i, f) in features.into_iter().enumerate() {
        let region_id = f.region.as_deref().and_then(|r| r.parse::<u8>().ok());
        let Some(region_id) = region_id.filter(|id| regions.iter().any(|r| r.id == *id)) else {
            log.error(
                file,
                format!("feature {i}"),
                "region",
                format!("{:?} is not a known medical region id", f.region),
            );
            continue;
        };
        if out.iter().any(|m| m.jis_code == f.id) {
            log.error(
                file,
                format!("feature {i}"),
                "id",
                format!("duplicate municipality code {}", f.id),
            );
            continue;
        }
        out.push(Municipality {
            jis_code: f.id,
            name: f.name,
            region_id,
            area_km2: f.area_km2,
            geometry: f.geometry,
        });
    }
    out
}
