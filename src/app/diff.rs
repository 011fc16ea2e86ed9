//! What changed between two provider tables (`carecover diff OLD NEW`): providers added and
//! gone, flags gained and lost, points moved, and per medical region the covered share of
//! the area and of the people and the uncovered towns before → after, for the coverage
//! presets asked for.
//!
//! Each side is the rest of the data (built in, or a `--data` folder) with that side's
//! provider table — and, when given, its facility standards table — swapped in, loaded as a
//! [`Dataset`] like any other data ([`DiffData::load`]). Coverage is the engine's: a
//! [`CoverageSet`] per side with the presets pinned, built on the population the snapshot
//! builds (census cells completed by the estimate, weighted by the road layer), read with
//! [`crate::coverage::CoverageResult::stats_in`] as `GET /api/v1/regions` reads it. The
//! population does not depend on the providers, so it is computed once for both sides.

use super::rules::Preset;
use crate::coverage::{CoverageSet, Population, RegionStats};
use crate::data::{DataErrors, DataFiles, Dataset, GeocodeLevel, Manifest, ProviderKind, Tiers};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// Why a diff could not be made.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    #[error("{0}: no such file or folder")]
    NotFound(String),
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{0}")]
    Manifest(#[from] crate::data::ManifestError),
    #[error("{side}: {source}")]
    Data { side: String, source: DataErrors },
    #[error("population: {0}")]
    Population(DataErrors),
    #[error("roads: {0}")]
    Roads(#[from] crate::routing::RoutingError),
    #[error("year: {0}")]
    Year(String),
}

/// One side of a diff: a provider table, and the standards table that goes with it when it
/// has its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderTables {
    /// What the user named (a CSV file or a data folder).
    pub label: String,
    pub providers: PathBuf,
    pub standards: Option<PathBuf>,
}

impl ProviderTables {
    /// A provider CSV file, or a data folder: then the provider table its manifest names
    /// (its `manifest.json`, else `manifest`'s file names) and its facility standards table.
    pub fn resolve(path: &Path, manifest: &Manifest) -> Result<Self, DiffError> {
        let label = path.display().to_string();
        let abs = std::path::absolute(path).map_err(|source| DiffError::Io {
            path: label.clone(),
            source,
        })?;
        if abs.is_dir() {
            let own = abs.join("manifest.json");
            let m = if own.is_file() {
                Manifest::from_file(&own)?
            } else {
                manifest.clone()
            };
            return Ok(Self {
                label,
                providers: abs.join(&m.providers.file),
                standards: m.facility_standards.as_ref().map(|l| abs.join(&l.file)),
            });
        }
        let gz = PathBuf::from(format!("{}.gz", abs.display()));
        if !abs.is_file() && !gz.is_file() {
            return Err(DiffError::NotFound(label));
        }
        Ok(Self {
            label,
            providers: abs,
            standards: None,
        })
    }

    /// With this standards table (a CSV file).
    pub fn with_standards(mut self, path: &Path) -> Result<Self, DiffError> {
        let abs = std::path::absolute(path).map_err(|source| DiffError::Io {
            path: path.display().to_string(),
            source,
        })?;
        if !abs.is_file() {
            return Err(DiffError::NotFound(path.display().to_string()));
        }
        self.standards = Some(abs);
        Ok(self)
    }
}

/// The rest of the data that both sides share: a folder (`--data`) or the built-in data,
/// copied once into a temporary folder (the built-in files cannot be combined with a file
/// from elsewhere, a folder can: a manifest may name a file by its absolute path).
pub struct DiffData {
    files: DataFiles,
    manifest: Manifest,
    /// The copy of the built-in data, removed on drop.
    copy: Option<PathBuf>,
}

impl DiffData {
    pub fn new(files: &DataFiles, manifest: &Manifest) -> Result<Self, DiffError> {
        let (files, copy) = match files {
            DataFiles::Folder(_) => (files.clone(), None),
            DataFiles::Builtin => {
                let dir = std::env::temp_dir().join(format!(
                    "carecover-diff-{}-{}",
                    std::process::id(),
                    std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |d| d.as_nanos())
                ));
                let io = |source| DiffError::Io {
                    path: dir.display().to_string(),
                    source,
                };
                for name in DataFiles::builtin_names() {
                    let to = dir.join(name);
                    if let Some(parent) = to.parent() {
                        std::fs::create_dir_all(parent).map_err(io)?;
                    }
                    let bytes = DataFiles::builtin_stored(name).unwrap_or_default();
                    std::fs::write(&to, bytes).map_err(io)?;
                }
                (DataFiles::Folder(dir.clone()), Some(dir))
            }
        };
        Ok(Self {
            files,
            manifest: manifest.clone(),
            copy,
        })
    }

    /// The dataset of one side: this data with its tables swapped in. Strict, as
    /// `carecover check` and a server load it: any error fails.
    pub fn load(&self, side: &ProviderTables) -> Result<Dataset, DiffError> {
        let mut m = self.manifest.clone();
        m.providers.file = side.providers.display().to_string();
        if let Some(std) = &side.standards {
            match m.facility_standards.as_mut() {
                Some(layer) => layer.file = std.display().to_string(),
                None => {
                    return Err(DiffError::Data {
                        side: side.label.clone(),
                        source: DataErrors {
                            issues: vec![crate::data::DataIssue {
                                severity: crate::data::Severity::Error,
                                file: std.display().to_string(),
                                location: "file".into(),
                                field: String::new(),
                                message:
                                    "the manifest names no facility_standards layer to replace"
                                        .into(),
                            }],
                        },
                    })
                }
            }
        }
        Dataset::load(&self.files, &m).map_err(|source| DiffError::Data {
            side: side.label.clone(),
            source,
        })
    }
}

impl Drop for DiffData {
    fn drop(&mut self) {
        if let Some(dir) = &self.copy {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// The population a snapshot of `ds` builds (measured cells and the estimate, weighted by
/// the road layer when there is one).
pub fn population(ds: &Dataset) -> Result<Population, DiffError> {
    let network = super::population::load_road_network(ds)?;
    super::population::load(ds, network.as_ref().map(|n| &n.graph)).map_err(DiffError::Population)
}

/// One side's summary.
#[derive(Debug, Clone, Serialize)]
pub struct DiffSide {
    pub source: String,
    pub providers: usize,
    /// The data version of the side's dataset.
    pub version: String,
}

/// A provider added or gone.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProviderEntry {
    pub id: String,
    pub name: String,
    /// The municipality (ward) as written in addresses, e.g. 熊本市東区.
    pub municipality: String,
    pub region_id: u8,
    pub kinds: Vec<ProviderKind>,
}

/// A provider in both tables whose flags or tiers differ.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlagChange {
    pub id: String,
    pub name: String,
    pub municipality: String,
    pub gained: Vec<ProviderKind>,
    pub lost: Vec<ProviderKind>,
    /// Both, when the tiers differ.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tiers: Option<(Tiers, Tiers)>,
}

/// A provider in both tables whose point moved (a new address or a new geocoding).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Moved {
    pub id: String,
    pub name: String,
    pub municipality: String,
    /// Geodesic distance between the two points, km (m precision).
    pub km: f64,
    pub level_before: GeocodeLevel,
    pub level_after: GeocodeLevel,
}

/// A region's (or the prefecture's) coverage on one side.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoveredShare {
    /// Providers of the preset located in the region.
    pub providers: usize,
    pub covered_km2: f64,
    /// Covered share of the area, %.
    pub area_pct: f64,
    pub population: Option<f64>,
    pub covered_population: Option<f64>,
    /// Covered share of the people, %.
    pub people_pct: Option<f64>,
    pub towns_uncovered: usize,
}

impl CoveredShare {
    fn of(s: &RegionStats) -> Self {
        let covered = match (s.people.population, s.people.uncovered_population) {
            (Some(p), Some(u)) => Some(p - u),
            _ => None,
        };
        let pct = match (covered, s.people.population) {
            (Some(c), Some(p)) if p > 0.0 => Some(round2(100.0 * c / p)),
            _ => None,
        };
        Self {
            providers: s.providers_total,
            covered_km2: round2(s.covered_km2),
            area_pct: round2(s.covered_pct),
            population: s.people.population.map(f64::round),
            covered_population: covered.map(f64::round),
            people_pct: pct,
            towns_uncovered: s.towns_uncovered,
        }
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// A region (id 0: the prefecture) before and after.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegionDiff {
    pub id: u8,
    pub name: String,
    pub before: CoveredShare,
    pub after: CoveredShare,
    /// Towns (city + town) beyond every provider after but not before.
    pub newly_uncovered: Vec<String>,
    /// Towns uncovered before and not after.
    pub newly_covered: Vec<String>,
    /// Whether anything above differs.
    pub changed: bool,
}

/// One preset's regions before and after.
#[derive(Debug, Clone, Serialize)]
pub struct PresetDiff {
    pub preset: &'static str,
    pub name_ja: &'static str,
    pub radius_km: f64,
    /// The year of the people figures.
    pub year: u16,
    pub regions: Vec<RegionDiff>,
    pub total: RegionDiff,
}

/// `carecover diff`'s answer, the text table and `--json` alike.
#[derive(Debug, Clone, Serialize)]
pub struct ProviderDiff {
    pub old: DiffSide,
    pub new: DiffSide,
    pub added: Vec<ProviderEntry>,
    pub gone: Vec<ProviderEntry>,
    pub flags_changed: Vec<FlagChange>,
    pub moved: Vec<Moved>,
    pub coverage: Vec<PresetDiff>,
}

/// The two sides to compare.
pub struct DiffInputs<'a> {
    pub old_label: &'a str,
    pub old: &'a Dataset,
    pub new_label: &'a str,
    pub new: &'a Dataset,
    /// The people of both sides (see [`population`]).
    pub population: &'a Population,
}

/// Points closer than this are the same point (the tables carry 6 decimals, ~0.1 m).
const MOVED_MIN_M: f64 = 1.0;

/// Compares the two sides under each preset, people in `year` (`None`: the census year).
pub fn diff(
    inputs: &DiffInputs,
    presets: &[Preset],
    year: Option<u16>,
) -> Result<ProviderDiff, DiffError> {
    let (old, new) = (inputs.old, inputs.new);
    let entry = |p: &crate::data::Provider| ProviderEntry {
        id: p.id.clone(),
        name: p.name.clone(),
        municipality: p.city.clone(),
        region_id: p.region_id,
        kinds: p.kinds.iter().collect(),
    };
    let old_by: HashMap<&str, &crate::data::Provider> =
        old.providers.iter().map(|p| (p.id.as_str(), p)).collect();
    let new_by: HashMap<&str, &crate::data::Provider> =
        new.providers.iter().map(|p| (p.id.as_str(), p)).collect();
    let mut added: Vec<ProviderEntry> = new
        .providers
        .iter()
        .filter(|p| !old_by.contains_key(p.id.as_str()))
        .map(entry)
        .collect();
    let mut gone: Vec<ProviderEntry> = old
        .providers
        .iter()
        .filter(|p| !new_by.contains_key(p.id.as_str()))
        .map(entry)
        .collect();
    added.sort_by(|a, b| a.id.cmp(&b.id));
    gone.sort_by(|a, b| a.id.cmp(&b.id));
    let mut flags_changed = Vec::new();
    let mut moved = Vec::new();
    let mut both: Vec<(&crate::data::Provider, &crate::data::Provider)> = old
        .providers
        .iter()
        .filter_map(|a| new_by.get(a.id.as_str()).map(|b| (a, *b)))
        .collect();
    both.sort_by(|a, b| a.0.id.cmp(&b.0.id));
    for (a, b) in both {
        let gained: Vec<ProviderKind> = b.kinds.iter().filter(|k| !a.kinds.contains(*k)).collect();
        let lost: Vec<ProviderKind> = a.kinds.iter().filter(|k| !b.kinds.contains(*k)).collect();
        let tiers = (a.tiers != b.tiers).then_some((a.tiers, b.tiers));
        if !gained.is_empty() || !lost.is_empty() || tiers.is_some() {
            flags_changed.push(FlagChange {
                id: b.id.clone(),
                name: b.name.clone(),
                municipality: b.city.clone(),
                gained,
                lost,
                tiers,
            });
        }
        let m = crate::geom::geodesic_distance_m(a.location, b.location);
        if m >= MOVED_MIN_M {
            moved.push(Moved {
                id: b.id.clone(),
                name: b.name.clone(),
                municipality: b.city.clone(),
                km: (m.round()) / 1000.0,
                level_before: a.geocode_level,
                level_after: b.geocode_level,
            });
        }
    }
    let params: Vec<_> = presets.iter().map(|p| p.params()).collect();
    let old_set = CoverageSet::with_population(old, inputs.population.clone(), &params);
    let new_set = CoverageSet::with_population(new, inputs.population.clone(), &params);
    let demography = &old_set.frames.demography;
    let year = match year {
        Some(y) => demography
            .parse_year(&y.to_string())
            .map_err(|e| DiffError::Year(e.to_string()))?,
        None => demography.base_year(),
    };
    let coverage = presets
        .iter()
        .map(|&preset| preset_diff(preset, (old, &old_set), (new, &new_set), year))
        .collect();
    Ok(ProviderDiff {
        old: DiffSide {
            source: inputs.old_label.to_string(),
            providers: old.providers.len(),
            version: old.version.clone(),
        },
        new: DiffSide {
            source: inputs.new_label.to_string(),
            providers: new.providers.len(),
            version: new.version.clone(),
        },
        added,
        gone,
        flags_changed,
        moved,
        coverage,
    })
}

/// The uncovered towns of a layer by region id (and all of them under 0), as city + town.
fn uncovered_towns(
    ds: &Dataset,
    r: &crate::coverage::CoverageResult,
) -> HashMap<u8, BTreeSet<String>> {
    let mut out: HashMap<u8, BTreeSet<String>> = HashMap::new();
    for rc in &r.regions {
        for g in &rc.uncovered_towns {
            let t = &ds.towns[g.town];
            let name = format!("{}{}", t.city, t.name);
            out.entry(0).or_default().insert(name.clone());
            out.entry(rc.region_id).or_default().insert(name);
        }
    }
    out
}

fn preset_diff(
    preset: Preset,
    (old, old_set): (&Dataset, &CoverageSet),
    (new, new_set): (&Dataset, &CoverageSet),
    year: u16,
) -> PresetDiff {
    let (a, b) = (preset.layer(old_set), preset.layer(new_set));
    let (a_rows, a_total) = a.stats_in(&old_set.frames, year);
    let (b_rows, b_total) = b.stats_in(&new_set.frames, year);
    let a_towns = uncovered_towns(old, a);
    let b_towns = uncovered_towns(new, b);
    let empty = BTreeSet::new();
    let row = |before: &RegionStats, after: &RegionStats| {
        let ta = a_towns.get(&before.id).unwrap_or(&empty);
        let tb = b_towns.get(&before.id).unwrap_or(&empty);
        let before = CoveredShare::of(before);
        let after_share = CoveredShare::of(after);
        let newly_uncovered: Vec<String> = tb.difference(ta).cloned().collect();
        let newly_covered: Vec<String> = ta.difference(tb).cloned().collect();
        RegionDiff {
            id: after.id,
            name: after.name.clone(),
            changed: before != after_share
                || !newly_uncovered.is_empty()
                || !newly_covered.is_empty(),
            before,
            after: after_share,
            newly_uncovered,
            newly_covered,
        }
    };
    let regions = a_rows
        .iter()
        .filter_map(|ra| {
            let rb = b_rows.iter().find(|rb| rb.id == ra.id)?;
            Some(row(ra, rb))
        })
        .collect();
    PresetDiff {
        preset: preset.name(),
        name_ja: preset.name_ja(),
        radius_km: preset.params().radius_km(),
        year,
        regions,
        total: row(&a_total, &b_total),
    }
}

fn kind_list(k: &[ProviderKind]) -> String {
    k.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(",")
}

fn opt_pct(x: Option<f64>) -> String {
    x.map_or_else(|| "–".into(), |v| format!("{v:.2}"))
}

impl ProviderDiff {
    /// The text form of the answer (`carecover diff` without `--json`).
    pub fn to_text(&self) -> String {
        let d = self;
        use std::fmt::Write;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{} ({} providers) → {} ({} providers)",
            d.old.source, d.old.providers, d.new.source, d.new.providers
        );
        let _ = writeln!(s);
        for (label, sign, list) in [("added", '+', &d.added), ("gone", '-', &d.gone)] {
            let _ = writeln!(s, "{label}: {}", list.len());
            for p in list {
                let _ = writeln!(
                    s,
                    "  {sign} {} {} ({}) [{}]",
                    p.id,
                    p.name,
                    p.municipality,
                    kind_list(&p.kinds)
                );
            }
        }
        let _ = writeln!(s, "flags changed: {}", d.flags_changed.len());
        for f in &d.flags_changed {
            let mut parts = Vec::new();
            if !f.gained.is_empty() {
                parts.push(format!("gained {}", kind_list(&f.gained)));
            }
            if !f.lost.is_empty() {
                parts.push(format!("lost {}", kind_list(&f.lost)));
            }
            if let Some((a, b)) = &f.tiers {
                parts.push(format!(
                    "tiers (clinic, hospital, ward) {:?} → {:?}",
                    (
                        a.home_care_support_clinic,
                        a.home_care_support_hospital,
                        a.palliative_ward
                    ),
                    (
                        b.home_care_support_clinic,
                        b.home_care_support_hospital,
                        b.palliative_ward
                    )
                ));
            }
            let _ = writeln!(
                s,
                "  * {} {} ({}): {}",
                f.id,
                f.name,
                f.municipality,
                parts.join("; ")
            );
        }
        let _ = writeln!(s, "moved: {}", d.moved.len());
        let level = |l: GeocodeLevel| match l {
            GeocodeLevel::Town => "town",
            GeocodeLevel::PostalCode => "postal code",
            GeocodeLevel::Municipality => "municipality",
        };
        for m in &d.moved {
            let _ = writeln!(
                s,
                "  ~ {} {} ({}): {:.3} km ({} → {})",
                m.id,
                m.name,
                m.municipality,
                m.km,
                level(m.level_before),
                level(m.level_after)
            );
        }
        for p in &d.coverage {
            let _ = writeln!(
                s,
                "\ncoverage {} ({}), {} km, people {}:",
                p.preset, p.name_ja, p.radius_km, p.year
            );
            // The region's name last: Japanese names are wider than their char count.
            let _ = writeln!(
                s,
                "{:>11} {:>17} {:>17} {:>11}  region",
                "providers", "area covered %", "people covered %", "uncovered"
            );
            for r in p.regions.iter().chain(std::iter::once(&p.total)) {
                let name = if r.id == 0 {
                    "熊本県".to_string()
                } else {
                    format!("{} {}", r.id, r.name)
                };
                let _ = writeln!(
                    s,
                    "{:>4} → {:<4} {:>7.2} → {:<7.2} {:>7} → {:<7} {:>4} → {:<4} {}{}",
                    r.before.providers,
                    r.after.providers,
                    r.before.area_pct,
                    r.after.area_pct,
                    opt_pct(r.before.people_pct),
                    opt_pct(r.after.people_pct),
                    r.before.towns_uncovered,
                    r.after.towns_uncovered,
                    name,
                    if r.changed && r.id != 0 { "  *" } else { "" }
                );
            }
            for r in p.regions.iter().filter(|r| r.changed) {
                if !r.newly_uncovered.is_empty() {
                    let _ = writeln!(
                        s,
                        "  {} newly uncovered ({}): {}",
                        r.name,
                        r.newly_uncovered.len(),
                        r.newly_uncovered.join("、")
                    );
                }
                if !r.newly_covered.is_empty() {
                    let _ = writeln!(
                        s,
                        "  {} newly covered ({}): {}",
                        r.name,
                        r.newly_covered.len(),
                        r.newly_covered.join("、")
                    );
                }
            }
        }
        s
    }
}
