//! CORS for the public read-only routes (tiles, TileJSON, the GET API), via tower-http's
//! `CorsLayer`. Map widgets on other sites (hospital intranets, the prefecture's portal) load
//! tiles cross-origin; the admin routes never get CORS headers, so no web page can drive them.

use axum::http::{header, HeaderValue, Method};
use std::time::Duration;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// Which origins may read the public routes from a browser.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum CorsOrigins {
    /// `Access-Control-Allow-Origin: *` (the default: the data is public).
    #[default]
    Any,
    /// Only these origins (e.g. `https://map.example.jp`).
    List(Vec<HeaderValue>),
    /// No CORS headers at all: same-origin use only.
    None,
}

impl CorsOrigins {
    /// Parses `--cors-origin` values: `*`, `none`, or origins `scheme://host[:port]` (each
    /// value may itself be a comma list).
    pub fn parse(values: &[String]) -> Result<Self, String> {
        let items: Vec<&str> = values
            .iter()
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        match items.as_slice() {
            [] | ["*"] => return Ok(Self::Any),
            ["none"] => return Ok(Self::None),
            _ => {}
        }
        let mut out = Vec::new();
        for o in items {
            let valid = (o.starts_with("https://") || o.starts_with("http://"))
                && o.split_once("://")
                    .is_some_and(|(_, host)| !host.is_empty() && !host.contains('/'));
            if !valid {
                return Err(format!(
                    "--cors-origin {o:?} is not an origin like https://map.example.jp (or *, or none)"
                ));
            }
            out.push(HeaderValue::from_str(o).map_err(|e| format!("--cors-origin {o:?}: {e}"))?);
        }
        Ok(Self::List(out))
    }

    /// The layer for the public routes: GET/HEAD only (POST scenarios stays same-origin unless
    /// a proxy adds CORS), `ETag` readable by scripts, preflights cached for an hour.
    pub fn layer(&self) -> Option<CorsLayer> {
        let origin = match self {
            Self::Any => AllowOrigin::any(),
            Self::List(v) => AllowOrigin::list(v.clone()),
            Self::None => return None,
        };
        Some(
            CorsLayer::new()
                .allow_origin(origin)
                .allow_methods([Method::GET, Method::HEAD])
                .allow_headers([header::ACCEPT, header::IF_NONE_MATCH])
                .expose_headers([header::ETAG])
                .max_age(Duration::from_secs(3600)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_origin_lists() {
        assert_eq!(CorsOrigins::parse(&[]), Ok(CorsOrigins::Any));
        assert_eq!(CorsOrigins::parse(&["*".into()]), Ok(CorsOrigins::Any));
        assert_eq!(CorsOrigins::parse(&["none".into()]), Ok(CorsOrigins::None));
        let two = CorsOrigins::parse(&["https://a.jp, http://b.jp:8080".into()]);
        assert!(matches!(two, Ok(CorsOrigins::List(v)) if v.len() == 2));
        assert!(CorsOrigins::parse(&["a.jp".into()]).is_err());
        assert!(CorsOrigins::parse(&["https://a.jp/path".into()]).is_err());
        assert!(CorsOrigins::parse(&["*".into(), "https://a.jp".into()]).is_err());
    }
}
