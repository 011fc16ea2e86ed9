//! The dataset manifest (`geodata/manifest.json`): which file in the data folder is which
//! layer, and the sources to credit. Unknown keys are an error, so a typo cannot silently
//! drop a layer.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// The manifest compiled into the binary; `--manifest FILE` replaces it.
pub const DEFAULT_MANIFEST: &str = include_str!("../../geodata/manifest.json");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    #[serde(default)]
    pub description: String,
    pub regions: PolygonLayer,
    pub municipalities: PolygonLayer,
    pub providers: FileLayer,
    pub towns: FileLayer,
    #[serde(default)]
    pub postal_codes: Option<FileLayer>,
    #[serde(default)]
    pub address_municipalities: Option<FileLayer>,
    /// Municipalities merged away since 1991, for addresses written with their names.
    #[serde(default)]
    pub former_municipalities: Option<FileLayer>,
    #[serde(default)]
    pub population: Option<MultiFileLayer>,
    /// The long table of accepted 施設基準 (one row per standard per institution), from which
    /// the pediatric kinds are derived at load time.
    #[serde(default)]
    pub facility_standards: Option<FileLayer>,
    /// Population by municipality (2020 census, 0–14 etc.), for the planner's children.
    #[serde(default)]
    pub municipality_population: Option<FileLayer>,
    /// Population by age per municipality from the resident register (65+, 75+): the share of
    /// 75+ among the 65+ that the census table lacks, for the estimated cells.
    #[serde(default)]
    pub municipality_age: Option<FileLayer>,
    /// The road network for distances by road (optional: without it answers carry no road
    /// figures).
    #[serde(default)]
    pub roads: Option<RoadLayer>,
    /// Local resource lists (訪問看護ステーション, pharmacies, care homes …): checked CSV files
    /// as `carecover import` writes them (format: `docs/resources.md`), one entry per file.
    /// A row's own `source`/`date` columns override the entry's source and its date.
    #[serde(default)]
    pub resources: Vec<FileLayer>,
    /// Attribution entries by key; every layer's `source` must name one.
    pub sources: BTreeMap<String, Source>,
}

/// A GeoJSON polygon layer and the properties that hold its id and names.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolygonLayer {
    pub file: String,
    pub id_property: String,
    pub name_property: String,
    #[serde(default)]
    pub name_en_property: Option<String>,
    /// For municipalities: the property naming the medical region.
    #[serde(default)]
    pub region_property: Option<String>,
    pub source: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileLayer {
    pub file: String,
    pub source: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MultiFileLayer {
    pub files: Vec<String>,
    pub source: String,
}

/// Road network files: GeoJSON LineStrings (`.geojson`) or OpenStreetMap (`.osm.pbf`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoadLayer {
    pub files: Vec<String>,
    pub source: String,
    /// The one average speed (km/h) used for drive times on a network without speeds (the
    /// probe links carry none); OSM networks use their own `maxspeed` or class defaults.
    #[serde(default = "default_uniform_speed_kmh")]
    pub uniform_speed_kmh: f64,
}

fn default_uniform_speed_kmh() -> f64 {
    40.0
}

/// Who to credit for a layer, shown in the README, TileJSON and the widget.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub name: String,
    pub name_en: String,
    pub date: String,
    pub license: String,
    pub credit: String,
}

/// Why a manifest could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("cannot read manifest {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("manifest {path} is invalid: {source}")]
    Parse {
        path: String,
        source: serde_json::Error,
    },
    #[error(
        "manifest {path}: layer {layer} names source {source_key:?}, which is not in `sources`"
    )]
    UnknownSource {
        path: String,
        layer: String,
        source_key: String,
    },
}

impl Manifest {
    /// The manifest in `path`, or the built-in one.
    pub fn from_file_or_builtin(path: Option<&std::path::Path>) -> Result<Self, ManifestError> {
        match path {
            Some(p) => Self::from_file(p),
            None => Self::builtin(),
        }
    }

    /// The built-in manifest.
    pub fn builtin() -> Result<Self, ManifestError> {
        Self::parse(DEFAULT_MANIFEST, "geodata/manifest.json (built in)")
    }

    /// Reads a manifest from a file.
    pub fn from_file(path: &Path) -> Result<Self, ManifestError> {
        let text = std::fs::read_to_string(path).map_err(|source| ManifestError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Self::parse(&text, &path.display().to_string())
    }

    /// Parses and checks that every layer's source is listed.
    pub fn parse(text: &str, path: &str) -> Result<Self, ManifestError> {
        let m: Manifest = serde_json::from_str(text).map_err(|source| ManifestError::Parse {
            path: path.to_string(),
            source,
        })?;
        let mut layers = vec![
            ("regions", m.regions.source.clone()),
            ("municipalities", m.municipalities.source.clone()),
            ("providers", m.providers.source.clone()),
            ("towns", m.towns.source.clone()),
        ];
        if let Some(p) = &m.postal_codes {
            layers.push(("postal_codes", p.source.clone()));
        }
        if let Some(p) = &m.address_municipalities {
            layers.push(("address_municipalities", p.source.clone()));
        }
        if let Some(p) = &m.former_municipalities {
            layers.push(("former_municipalities", p.source.clone()));
        }
        if let Some(p) = &m.population {
            layers.push(("population", p.source.clone()));
        }
        if let Some(r) = &m.roads {
            layers.push(("roads", r.source.clone()));
        }
        if let Some(f) = &m.facility_standards {
            layers.push(("facility_standards", f.source.clone()));
        }
        if let Some(f) = &m.municipality_population {
            layers.push(("municipality_population", f.source.clone()));
        }
        if let Some(f) = &m.municipality_age {
            layers.push(("municipality_age", f.source.clone()));
        }
        for r in &m.resources {
            layers.push(("resources", r.source.clone()));
        }
        for (layer, key) in layers {
            if !m.sources.contains_key(&key) {
                return Err(ManifestError::UnknownSource {
                    path: path.to_string(),
                    layer: layer.to_string(),
                    source_key: key,
                });
            }
        }
        Ok(m)
    }

    /// Every input file the dataset is built from, relative to the data folder; their bytes
    /// define the data version.
    pub fn files(&self) -> Vec<&str> {
        let mut v = vec![
            self.regions.file.as_str(),
            self.municipalities.file.as_str(),
            self.providers.file.as_str(),
            self.towns.file.as_str(),
        ];
        v.extend(self.postal_codes.iter().map(|l| l.file.as_str()));
        v.extend(self.address_municipalities.iter().map(|l| l.file.as_str()));
        v.extend(self.former_municipalities.iter().map(|l| l.file.as_str()));
        if let Some(p) = &self.population {
            v.extend(p.files.iter().map(String::as_str));
        }
        if let Some(r) = &self.roads {
            v.extend(r.files.iter().map(String::as_str));
        }
        v.extend(self.facility_standards.iter().map(|l| l.file.as_str()));
        v.extend(self.municipality_population.iter().map(|l| l.file.as_str()));
        v.extend(self.municipality_age.iter().map(|l| l.file.as_str()));
        v.extend(self.resources.iter().map(|l| l.file.as_str()));
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_manifest_parses() {
        let m = Manifest::builtin().unwrap();
        assert_eq!(m.regions.id_property, "medical_region_id");
        assert!(m.files().len() >= 4);
    }

    #[test]
    fn the_builtin_manifest_names_the_probe_roads() {
        let m = Manifest::builtin().unwrap();
        let roads = m.roads.as_ref().unwrap();
        assert_eq!(roads.source, "mlit_probe");
        assert_eq!(roads.uniform_speed_kmh, 40.0);
        assert!(m
            .files()
            .iter()
            .any(|f| f.ends_with(".geojson") && f.starts_with("roads/")));
    }

    #[test]
    fn the_builtin_manifest_names_the_age_register() {
        let m = Manifest::builtin().unwrap();
        let age = m.municipality_age.as_ref().unwrap();
        assert_eq!(age.source, "soumu_juki_2022");
        assert!(m.files().contains(&age.file.as_str()));
    }

    #[test]
    fn an_unknown_key_is_an_error() {
        let text = DEFAULT_MANIFEST.replacen("\"regions\"", "\"regionz\"", 1);
        let err = Manifest::parse(&text, "m.json").unwrap_err();
        assert!(err.to_string().contains("regionz"), "{err}");
    }

    #[test]
    fn a_layer_naming_an_unlisted_source_is_an_error() {
        let text =
            DEFAULT_MANIFEST.replacen("\"source\": \"kouseikyoku\"", "\"source\": \"nobody\"", 1);
        let err = Manifest::parse(&text, "m.json").unwrap_err();
        assert!(err.to_string().contains("nobody"), "{err}");
    }
}
