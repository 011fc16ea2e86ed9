//! Building the in-memory gazetteer from the checked CSV rows.
//!
//! Everything a query needs is precomputed here: normalised keys, one trie
//! of town keys per city/ward unit, a trie of municipality names, the
//! postal-code table, and "parent" points for 大字 that the file only lists
//! by 丁目 or 小字 (e.g. 水前寺 → 水前寺一〜六丁目, 下原田町 → its 小字).

use std::collections::{HashMap, HashSet};

use std::io::Read;

use super::error::GeocodeError;
use super::former::FormerEntry;
use super::kana::kana_name_key;
use super::load::{
    latlon, read_tables, tables_from_readers, LatLon, Tables, MUNICIPALITIES_FILE, POSTAL_FILE,
    TOWNS_FILE,
};
use super::normalize::name_key;
use super::points::median_point;
use super::towns::{build_towns, TownEntry};
use super::trie::Trie;
use crate::data::{AddressTables, DataFiles, Dataset, Manifest};

/// The 46 prefectures other than 熊本県; a query starting with one of these
/// is answered `not_in_kumamoto`.
const OTHER_PREFECTURES: [&str; 46] = [
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
    "富山県",
    "石川県",
    "福井県",
    "山梨県",
    "長野県",
    "岐阜県",
    "静岡県",
    "愛知県",
    "三重県",
    "滋賀県",
    "京都府",
    "大阪府",
    "兵庫県",
    "奈良県",
    "和歌山県",
    "鳥取県",
    "島根県",
    "岡山県",
    "広島県",
    "山口県",
    "徳島県",
    "香川県",
    "愛媛県",
    "高知県",
    "福岡県",
    "佐賀県",
    "長崎県",
    "大分県",
    "宮崎県",
    "鹿児島県",
    "沖縄県",
];

/// What kind of city/ward unit a [`Unit`] is.
#[derive(Debug, Clone)]
pub(crate) enum UnitKind {
    /// A city, town or village without wards.
    Plain,
    /// A ward of a designated city; `city` is the whole-city unit.
    Ward { city: u32 },
    /// A designated city as a whole (熊本市); towns live in its wards.
    WholeCity { wards: Vec<u32> },
}

/// A municipality or ward with its own town trie.
#[derive(Debug, Clone)]
pub(crate) struct Unit {
    pub jis_code: String,
    pub city_full: String,
    /// Median of the unit's town points (coarse fallback).
    pub point: LatLon,
    /// Town keys → indices into [`Gazetteer::towns`].
    pub trie: Trie,
    /// Folded 大字 readings (see `kana.rs`) → the 大字 entries in [`Gazetteer::towns`].
    pub kana_trie: Trie,
    pub kind: UnitKind,
}

/// How a postal code's point was derived (the file's `coord_source`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PostalQuality {
    /// The postal town is one town of the towns file.
    Exact,
    /// The nearest-to-centre 丁目 / 小字 / prefix match of the postal town.
    Medoid,
    /// No town matched; the municipality median (catch-all codes).
    CityMedian,
}

/// One postal code row.
#[derive(Debug, Clone)]
pub(crate) struct PostalEntry {
    pub unit: u32,
    pub town: String,
    pub point: LatLon,
    pub quality: PostalQuality,
}

/// Offline gazetteer of Kumamoto towns, municipalities and postal codes.
///
/// Build once with [`Gazetteer::from_dataset`] or [`Gazetteer::load`] (about 2,500 towns; a
/// few MB of RAM), then call [`Gazetteer::geocode`] from any number of threads (`&self`).
#[derive(Debug, Clone)]
pub struct Gazetteer {
    pub(crate) units: Vec<Unit>,
    pub(crate) towns: Vec<TownEntry>,
    /// Municipality names (with and without 郡) → unit ids.
    pub(crate) muni_trie: Trie,
    pub(crate) postal: HashMap<u32, Vec<PostalEntry>>,
    /// First three digits of every known postal code.
    pub(crate) postal_areas: HashSet<u32>,
    /// Folded keys of the other 46 prefectures.
    pub(crate) other_prefectures: Vec<Vec<char>>,
    /// Folded key of 熊本県.
    pub(crate) prefecture: Vec<char>,
    /// Folded readings of municipalities and wards (with and without 郡) → unit ids.
    pub(crate) muni_kana_trie: Trie,
    /// Folded reading of 熊本県.
    pub(crate) prefecture_kana: Vec<char>,
    /// Municipalities merged away since 1991 (empty until
    /// [`Gazetteer::with_former_municipalities`]).
    pub(crate) formers: Vec<FormerEntry>,
    /// Former names (with and without 郡) → indices into `formers`.
    pub(crate) former_trie: Trie,
}

impl Gazetteer {
    /// The gazetteer of a loaded dataset, from the address tables it parsed (the layers its
    /// manifest names; the towns file is not read again). Its warnings are dropped, as the
    /// snapshot always did: the towns without a point are those the dataset loader reported.
    pub fn from_dataset(ds: &Dataset) -> Result<Gazetteer, GeocodeError> {
        Ok(Self::from_tables(&ds.addresses, &ds.manifest)?.0)
    }

    /// Reads only the address files `manifest` names (towns, postal codes, address
    /// municipalities and, when named, former municipalities) from `files` — the built-in
    /// data or a folder.
    ///
    /// Returns the gazetteer and human-readable warnings (rows without a
    /// point, points outside Kumamoto). Warnings name data rows only, never
    /// a query.
    pub fn load(
        files: impl Into<DataFiles>,
        manifest: &Manifest,
    ) -> Result<(Gazetteer, Vec<String>), GeocodeError> {
        let tables = read_tables(&files.into(), manifest)?;
        Self::from_tables(&tables, manifest)
    }

    /// Builds from parsed address tables, the files named as in `manifest`.
    fn from_tables(
        t: &AddressTables,
        manifest: &Manifest,
    ) -> Result<(Gazetteer, Vec<String>), GeocodeError> {
        let (gaz, mut warnings) = Self::build(&Tables::of(t, manifest)?)?;
        // Optional layer: without it, addresses written with pre-merger names are not read.
        match (&t.former_municipalities, &manifest.former_municipalities) {
            (Some(rows), Some(layer)) => {
                let (gaz, more) = gaz.with_former_rows(rows, &layer.file)?;
                warnings.extend(more);
                Ok((gaz, warnings))
            }
            _ => Ok((gaz, warnings)),
        }
    }

    /// Builds a gazetteer from CSV text with the same columns as the files
    /// (for tests and embedding). Errors still name the file each reader
    /// stands for.
    pub fn from_readers(
        towns: impl Read,
        postal_codes: impl Read,
        municipalities: impl Read,
    ) -> Result<(Gazetteer, Vec<String>), GeocodeError> {
        let t = tables_from_readers(towns, postal_codes, municipalities)?;
        Self::build(&Tables {
            towns: &t.towns,
            towns_file: TOWNS_FILE,
            postal: t.postal_codes.as_deref().unwrap_or_default(),
            postal_file: POSTAL_FILE,
            municipalities: t.municipalities.as_deref().unwrap_or_default(),
            municipalities_file: MUNICIPALITIES_FILE,
        })
    }

    /// Builds the search structures from checked rows.
    fn build(t: &Tables) -> Result<(Gazetteer, Vec<String>), GeocodeError> {
        let muni_rows = t.municipalities;
        let postal_rows = t.postal;
        let mut warnings = Vec::new();

        // 1. Units and the municipality trie.
        let mut units: Vec<Unit> = Vec::with_capacity(muni_rows.len() + 1);
        let mut by_jis: HashMap<String, u32> = HashMap::new();
        let mut muni_trie = Trie::new();
        let mut cities: Vec<(String, Vec<u32>)> = Vec::new();
        let mut muni_kana_trie = Trie::new();
        let mut ward_kana: HashMap<String, Vec<Vec<char>>> = HashMap::new();
        for m in muni_rows {
            let id = units.len() as u32;
            if by_jis.insert(m.jis_code.clone(), id).is_some() {
                return Err(GeocodeError::Field {
                    file: t.municipalities_file.to_string(),
                    row: m.line,
                    field: "jis_code".into(),
                    message: format!("{:?} appears twice", m.jis_code),
                });
            }
            muni_trie.insert(&name_key(&m.city_full), id);
            let kana = kana_name_key(&m.city_kana);
            muni_kana_trie.insert(&kana, id);
            // Without the 郡: クマグンニシキマチ → ニシキマチ.
            if !m.county.is_empty() {
                if let Some(i) = kana.windows(2).position(|w| w == ['グ', 'ン']) {
                    muni_kana_trie.insert(&kana[i + 2..], id);
                }
            }
            if !m.ward.is_empty() {
                ward_kana.entry(m.city.clone()).or_default().push(kana);
            }
            if m.ward.is_empty() {
                if !m.county.is_empty() {
                    muni_trie.insert(&name_key(&m.city), id);
                }
            } else {
                match cities.iter_mut().find(|(c, _)| *c == m.city) {
                    Some((_, wards)) => wards.push(id),
                    None => cities.push((m.city.clone(), vec![id])),
                }
            }
            units.push(Unit {
                jis_code: m.jis_code.clone(),
                city_full: m.city_full.clone(),
                point: latlon(m.point),
                trie: Trie::new(),
                kana_trie: Trie::new(),
                kind: UnitKind::Plain,
            });
        }
        for (city, wards) in cities {
            let id = units.len() as u32;
            let mut jis = units[wards[0] as usize].jis_code.clone();
            jis.replace_range(4..5, "0");
            for &w in &wards {
                units[w as usize].kind = UnitKind::Ward { city: id };
            }
            let ward_points: Vec<LatLon> = wards.iter().map(|&w| units[w as usize].point).collect();
            muni_trie.insert(&name_key(&city), id);
            // The city's reading is what its wards' readings share: クマモトシ.
            if let Some(kanas) = ward_kana.get(&city) {
                let mut common = kanas[0].clone();
                for k in &kanas[1..] {
                    let n = common.iter().zip(k).take_while(|(a, b)| a == b).count();
                    common.truncate(n);
                }
                if kanas.len() > 1 {
                    muni_kana_trie.insert(&common, id);
                }
            }
            units.push(Unit {
                jis_code: jis,
                city_full: city,
                point: median_point(&ward_points).unwrap_or((0.0, 0.0)),
                trie: Trie::new(),
                kana_trie: Trie::new(),
                kind: UnitKind::WholeCity { wards },
            });
        }

        // 2.–4. Towns, parents and town tries.
        let towns = build_towns(&mut units, &by_jis, t, &mut warnings)?;

        // 5. Whole-city points: median of all town points in its wards.
        for unit in &mut units {
            if let UnitKind::WholeCity { wards } = &unit.kind {
                let pts: Vec<LatLon> = towns
                    .iter()
                    .filter(|t| !t.synthetic && wards.contains(&t.unit))
                    .filter_map(|t| t.point)
                    .collect();
                if let Some(p) = median_point(&pts) {
                    unit.point = p;
                }
            }
        }

        // 6. Postal codes.
        let mut postal: HashMap<u32, Vec<PostalEntry>> = HashMap::new();
        let mut postal_areas = HashSet::new();
        for r in postal_rows {
            let unit = *by_jis.get(&r.jis_code).ok_or_else(|| GeocodeError::Field {
                file: t.postal_file.to_string(),
                row: r.line,
                field: "jis_code".into(),
                message: format!("{:?} is not in {}", r.jis_code, t.municipalities_file),
            })?;
            postal_areas.insert(r.code / 10_000);
            let Some(point) = r.point.map(latlon) else {
                warnings.push(format!(
                    "{} row {}: postal code {:07} has no lat/lon; skipped",
                    t.postal_file, r.line, r.code
                ));
                continue;
            };
            let quality = match r.coord_source.as_str() {
                "town_exact" => PostalQuality::Exact,
                "city_median" | "" => PostalQuality::CityMedian,
                _ => PostalQuality::Medoid,
            };
            postal.entry(r.code).or_default().push(PostalEntry {
                unit,
                town: r.town.clone(),
                point,
                quality,
            });
        }

        let gazetteer = Gazetteer {
            units,
            towns,
            muni_trie,
            postal,
            postal_areas,
            other_prefectures: OTHER_PREFECTURES.iter().map(|p| name_key(p)).collect(),
            prefecture: name_key("熊本県"),
            muni_kana_trie,
            prefecture_kana: kana_name_key("クマモトケン"),
            formers: Vec::new(),
            former_trie: Trie::new(),
        };
        Ok((gazetteer, warnings))
    }

    /// Number of towns in the gazetteer, synthetic parents included.
    pub fn town_count(&self) -> usize {
        self.towns.len()
    }

    /// Number of distinct postal codes.
    pub fn postal_code_count(&self) -> usize {
        self.postal.len()
    }
}
