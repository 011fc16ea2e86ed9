//! Query-string parsing with errors that name the parameter and the value. axum's `Query`
//! extractor answers bad input with a plain-text 400; the API promises JSON errors with codes.

use super::error::AppError;
use crate::app::rules::ServiceArea;
use crate::data::KindSet;
use crate::geom::LonLat;
use std::collections::HashMap;

/// Parsed query parameters, each at most once, only from an allowed list.
pub struct Params {
    map: HashMap<String, String>,
}

impl Params {
    /// Parses `raw` and rejects parameters outside `allowed` and repeated ones.
    pub fn parse(raw: Option<&str>, allowed: &[impl AsRef<str>]) -> Result<Self, AppError> {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(raw.unwrap_or("")).map_err(|e| {
                AppError::bad(
                    "invalid_query",
                    format!("the query string cannot be parsed: {e}"),
                )
            })?;
        let mut map = HashMap::new();
        for (k, v) in pairs {
            if !allowed.iter().any(|a| a.as_ref() == k) {
                let names: Vec<&str> = allowed.iter().map(AsRef::as_ref).collect();
                let takes = if names.is_empty() {
                    "no parameter".to_string()
                } else {
                    names.join(", ")
                };
                return Err(AppError::bad(
                    "unknown_parameter",
                    format!("unknown parameter {k:?}; this route takes {takes}"),
                ));
            }
            if map.contains_key(&k) {
                return Err(AppError::bad(
                    "duplicate_parameter",
                    format!("parameter {k:?} is given more than once"),
                ));
            }
            map.insert(k, v);
        }
        Ok(Self { map })
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.map.get(name).map(String::as_str)
    }

    /// A required finite number.
    pub fn number(&self, name: &str) -> Result<f64, AppError> {
        let v = self.get(name).ok_or_else(|| {
            AppError::bad("missing_parameter", format!("parameter {name} is required"))
        })?;
        match v.trim().parse::<f64>() {
            Ok(x) if x.is_finite() => Ok(x),
            _ => Err(AppError::bad(
                "invalid_number",
                format!("{name}={v:?} is not a number"),
            )),
        }
    }

    /// `lat` + `lon` inside the area the data serves, with its margin (a nurse's patient can
    /// live over the prefecture border; far outside, a query is a mistake).
    pub fn point(&self, area: &ServiceArea) -> Result<LonLat, AppError> {
        let lat = self.number("lat")?;
        let lon = self.number("lon")?;
        let (service_lat, service_lon) = (area.query_lat(), area.query_lon());
        if !service_lat.contains(&lat) {
            return Err(AppError::bad(
                "out_of_range",
                format!(
                    "lat={lat} is outside the area served ({}–{} °N, around Kumamoto)",
                    service_lat.start(),
                    service_lat.end()
                ),
            ));
        }
        if !service_lon.contains(&lon) {
            return Err(AppError::bad(
                "out_of_range",
                format!(
                    "lon={lon} is outside the area served ({}–{} °E, around Kumamoto)",
                    service_lon.start(),
                    service_lon.end()
                ),
            ));
        }
        LonLat::new(lon, lat).map_err(|e| AppError::bad("out_of_range", e.to_string()))
    }

    /// An optional `true`/`false` (also `1`/`0`), false when absent.
    pub fn flag(&self, name: &str) -> Result<bool, AppError> {
        match self.get(name).map(str::trim) {
            None | Some("false") | Some("0") => Ok(false),
            Some("true") | Some("1") => Ok(true),
            Some(v) => Err(AppError::bad(
                "invalid_flag",
                format!("{name}={v:?} must be true or false"),
            )),
        }
    }

    /// An optional integer in `range`, `default` when absent; `code` names the error.
    pub fn integer(
        &self,
        name: &str,
        default: usize,
        range: std::ops::RangeInclusive<usize>,
        code: &'static str,
    ) -> Result<usize, AppError> {
        let Some(v) = self.get(name) else {
            return Ok(default);
        };
        match v.trim().parse::<usize>() {
            Ok(n) if range.contains(&n) => Ok(n),
            _ => Err(AppError::bad(
                code,
                format!(
                    "{name}={v:?} must be a whole number from {} to {}",
                    range.start(),
                    range.end()
                ),
            )),
        }
    }

    /// `kind=` as a comma list (any-of); `default` when absent.
    pub fn kinds(&self, default: KindSet) -> Result<KindSet, AppError> {
        self.kind_list("kind", default)
    }

    /// `require=` as a comma list (all-of: a provider must hold every kind); empty when
    /// absent. An unknown or empty list is `unknown_kind` naming the value.
    pub fn required_kinds(&self) -> Result<KindSet, AppError> {
        self.kind_list("require", KindSet::EMPTY)
    }

    fn kind_list(&self, name: &str, default: KindSet) -> Result<KindSet, AppError> {
        let Some(v) = self.get(name) else {
            return Ok(default);
        };
        KindSet::parse_list(v)
            .map_err(|bad| AppError::bad("unknown_kind", unknown_kind_message(name, &bad)))
    }
}

/// The message of an `unknown_kind` error: the list (`kind`, `require`, a scenario's
/// `add[].kinds`) and the value, then every kind, the local resource kinds apart.
pub fn unknown_kind_message(list: &str, bad: &str) -> String {
    let names = |resource: bool| {
        crate::data::ProviderKind::ALL
            .iter()
            .filter(|k| k.is_resource() == resource)
            .map(|k| k.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "{list}: unknown kind {bad:?}; known kinds: {}; local resources: {}",
        names(false),
        names(true)
    )
}
