//! Loading providers (医療機関) from the 九州厚生局 list with their accepted 施設基準 flags.

use super::csv::CsvTable;
use super::issues::IssueLog;
use super::kinds::{KindSet, ProviderKind};
use crate::geom::LonLat;
use std::collections::HashSet;

/// How a provider's point was found: the town (町丁目/大字) representative point, or its postal
/// code's point. Either can be 100 m – 3 km from the building.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GeocodeLevel {
    Town,
    PostalCode,
    Municipality,
}

impl GeocodeLevel {
    fn parse(s: &str) -> Option<Self> {
        match s {
            "town" => Some(Self::Town),
            "postal_code" => Some(Self::PostalCode),
            "municipality" => Some(Self::Municipality),
            _ => None,
        }
    }
}

/// Hospital (20+ beds) or clinic (0–19 beds), as the 厚生局 list says; or a local resource
/// from a resource list (its kind says which: 訪問看護ステーション, pharmacy …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FacilityType {
    Hospital,
    Clinic,
    Resource,
}

/// Tier of the strongest accepted standard: 1 = 機能強化型（単独型）, 2 = 機能強化型（連携型）, 3 = 従来型.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Tiers {
    pub home_care_support_clinic: Option<u8>,
    pub home_care_support_hospital: Option<u8>,
    pub palliative_ward: Option<u8>,
    /// 小児入院医療管理料 tier 1–5 (1 = the most staffed), from the standards table; absent
    /// from answers when the provider has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pediatric_inpatient: Option<u8>,
}

impl Tiers {
    /// The strongest (smallest) home-care support tier, clinic or hospital.
    pub fn home_care_support(&self) -> Option<u8> {
        match (
            self.home_care_support_clinic,
            self.home_care_support_hospital,
        ) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

/// One medical institution with its location and capabilities.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Provider {
    /// 医療機関番号 with its leading zeros.
    pub id: String,
    pub name: String,
    pub facility_type: FacilityType,
    #[serde(skip)]
    pub kinds: KindSet,
    pub tiers: Tiers,
    pub beds_total: Option<u32>,
    /// 緩和ケア病棟 beds where the list notes them.
    pub palliative_ward_beds: Option<u32>,
    pub postal_code: String,
    pub address: String,
    pub phone: String,
    pub city: String,
    pub geocode_level: GeocodeLevel,
    #[serde(skip)]
    pub location: LonLat,
    /// Medical region (1–10) the point lies in, from the region polygons.
    pub region_id: u8,
    /// Where the row comes from: the manifest's source key (`kouseikyoku`), or a resource
    /// row's own `source` text.
    pub source: String,
    /// The date of that source (`2025-10-01`, `2026-10`), or empty when none is known.
    pub source_date: String,
    /// A resource row's capabilities (24時間対応, 小児, 麻薬 …); empty for the 厚生局 list,
    /// whose capabilities are its kinds.
    pub capabilities: Vec<String>,
}

/// Columns read for purposes other than kinds; any other column that is not a kind flag is
/// an error, so a renamed or new standard in a future list is noticed, not ignored.
const KNOWN_COLUMNS: &[&str] = &[
    "inst_code",
    "name",
    "kind",
    "postal_code",
    "address",
    "phone",
    "beds_raw",
    "beds_total",
    "municipality_code",
    "city_full",
    "matched_town",
    "geocode_level",
    "medical_region",
    "medical_region_id",
    "lat",
    "lon",
    "home_care_support_clinic_tier",
    "home_care_support_hospital_tier",
    "palliative_ward_tier",
    "palliative_ward_beds_noted",
    "n_standards",
];
const REQUIRED: &[&str] = &[
    "inst_code",
    "name",
    "kind",
    "address",
    "phone",
    "geocode_level",
    "lat",
    "lon",
];

/// The provider table's columns in the built-in file's order: the attributes up to `lon`, the
/// kind flags, then the tiers and counts. What `carecover import` writes for the 厚生局 list.
pub fn table_columns() -> Vec<&'static str> {
    let split = KNOWN_COLUMNS
        .iter()
        .position(|c| *c == "lon")
        .map_or(KNOWN_COLUMNS.len(), |i| i + 1);
    let (head, tail) = KNOWN_COLUMNS.split_at(split);
    let flags = ProviderKind::ALL
        .into_iter()
        .filter(|k| k.is_provider_column())
        .map(ProviderKind::as_str);
    head.iter()
        .copied()
        .chain(flags)
        .chain(tail.iter().copied())
        .collect()
}

/// A provider row before its region is assigned.
pub struct ProviderRow {
    pub provider: Provider,
    /// The region id the source file states, checked against the polygons.
    pub stated_region: Option<u8>,
    /// 1-based data row, for messages about later checks.
    pub row: usize,
}

/// Parses the provider CSV. Every problem is logged with its row and column; rows with errors
/// are left out.
pub fn load_providers(bytes: &[u8], file: &str, log: &mut IssueLog) -> Vec<ProviderRow> {
    let Some(mut rows) = CsvTable::open_any(bytes, file, log) else {
        return Vec::new();
    };
    let mut header_ok = true;
    for h in rows.headers() {
        if let Some(k) = ProviderKind::parse(h).filter(|k| !k.is_provider_column()) {
            log.error(
                file,
                "header".into(),
                h,
                format!("{k} is derived from the facility standards table, not read from the provider file"),
            );
            header_ok = false;
        } else if ProviderKind::parse(h).is_none() && !KNOWN_COLUMNS.contains(&h) {
            log.error(
                file,
                "header".into(),
                h,
                "unknown column: not a known provider kind flag or attribute".into(),
            );
            header_ok = false;
        }
    }
    let required_ok = rows.has_columns(REQUIRED, log);
    if !(header_ok && required_ok) {
        return Vec::new();
    }
    let kind_cols: Vec<ProviderKind> = ProviderKind::ALL
        .iter()
        .filter(|k| rows.has(k.as_str()))
        .copied()
        .collect();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    while let Some(rec) = rows.next_row(log) {
        let row = rec.row;
        let get = |name: &str| rec.get(name);
        let errors_before = log.issues.len();
        let mut err = |field: &str, msg: String| rec.error(log, field, msg);

        let id = get("inst_code").to_string();
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
            err(
                "inst_code",
                format!("{id:?} is not a 医療機関番号 (digits only)"),
            );
        } else if !seen.insert(id.clone()) {
            err("inst_code", format!("duplicate id {id}"));
        }
        let facility_type = match get("kind") {
            "hospital" => FacilityType::Hospital,
            "clinic" => FacilityType::Clinic,
            other => {
                err("kind", format!("{other:?} is neither hospital nor clinic"));
                FacilityType::Clinic
            }
        };
        let mut kinds = KindSet::EMPTY;
        for k in &kind_cols {
            match get(k.as_str()) {
                "True" | "true" | "1" => kinds.insert(*k),
                "False" | "false" | "0" | "" => {}
                other => err(
                    k.as_str(),
                    format!("{other:?} is not a boolean (True/False)"),
                ),
            }
        }
        let mut tier = |name: &str| -> Option<u8> {
            let v = get(name);
            if v.is_empty() {
                return None;
            }
            match v.parse::<u8>() {
                Ok(t @ 1..=3) => Some(t),
                _ => {
                    err(name, format!("{v:?} is not a tier 1–3"));
                    None
                }
            }
        };
        let tiers = Tiers {
            home_care_support_clinic: tier("home_care_support_clinic_tier"),
            home_care_support_hospital: tier("home_care_support_hospital_tier"),
            palliative_ward: tier("palliative_ward_tier"),
            pediatric_inpatient: None,
        };
        let mut count = |name: &str| -> Option<u32> {
            let v = get(name);
            if v.is_empty() {
                return None;
            }
            v.parse::<u32>()
                .map_err(|_| err(name, format!("{v:?} is not a whole number")))
                .ok()
        };
        let beds_total = count("beds_total");
        let palliative_ward_beds = count("palliative_ward_beds_noted");
        let geocode_level = GeocodeLevel::parse(get("geocode_level")).unwrap_or_else(|| {
            err(
                "geocode_level",
                format!(
                    "{:?} is not town, postal_code or municipality",
                    get("geocode_level")
                ),
            );
            GeocodeLevel::Town
        });
        let location = parse_lonlat(get("lon"), get("lat"))
            .map_err(|(field, msg)| err(field, msg))
            .ok();
        let name = get("name").to_string();
        if name.is_empty() {
            err("name", "empty name".into());
        }
        if log.issues.len() > errors_before {
            continue;
        }
        let Some(location) = location else { continue };
        out.push(ProviderRow {
            row,
            stated_region: get("medical_region_id").parse().ok(),
            provider: Provider {
                id,
                name,
                facility_type,
                kinds,
                tiers,
                beds_total,
                palliative_ward_beds,
                postal_code: get("postal_code").to_string(),
                address: get("address").to_string(),
                phone: get("phone").to_string(),
                city: get("city_full").to_string(),
                geocode_level,
                location,
                region_id: 0,
                source: String::new(),
                source_date: String::new(),
                capabilities: Vec::new(),
            },
        });
    }
    out
}

/// Parses a lon/lat pair from text, naming the bad field.
pub fn parse_lonlat(lon: &str, lat: &str) -> Result<LonLat, (&'static str, String)> {
    let lon_v: f64 = lon
        .parse()
        .map_err(|_| ("lon", format!("{lon:?} is not a number")))?;
    let lat_v: f64 = lat
        .parse()
        .map_err(|_| ("lat", format!("{lat:?} is not a number")))?;
    LonLat::new(lon_v, lat_v).map_err(|e| {
        let field = match e {
            crate::geom::CoordError::LatNotFinite(_)
            | crate::geom::CoordError::LatOutOfRange(_) => "lat",
            _ => "lon",
        };
        (field, e.to_string())
    })
}
