//! CORS for the public read-only routes (tiles, TileJSON, the GET API), via tower-http's
//! `CorsLayer`. Map widgets on other sites (hospital intranets, the prefecture's portal) load
//! tiles cross-origin; the admin routes never get CORS headers, so no web page can drive them.

use axum::http::{header, HeaderValue, Method};
use std::time::Duration;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// One origin `scheme://host[:port]` (http or https, no path) as a header value; the error
/// names the flag and the value.
pub(super) fn parse_origin(flag: &str, o: &str, alternatives: &str) -> Result<HeaderValue, String> {
    let valid = (o.starts_with("https://") || o.starts_with("http://"))
        && o.split_once("://").is_some_and(|(_, host)| {
            !host.is_empty() && !host.contains(['/', ' ', ';', ',', '\'', '"'])
        });
    if !valid {
        return Err(format!(
            "{flag} {o:?} is not an origin like https://map.example.jp{alternatives}"
        ));
    }
    HeaderValue::from_str(o).map_err(|e| format!("{flag} {o:?}: {e}"))
}

/// Which pages may show the widget in a frame (`<iframe>` on a hospital intranet page): the
/// CSP `frame-ancestors` of every widget response. The widget's own origin always may.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FrameAncestors(Vec<HeaderValue>);

impl FrameAncestors {
    /// Parses `--frame-ancestors` values: origins `scheme://host[:port]`, each value possibly a
    /// comma list; none = same origin only.
    pub fn parse(values: &[String]) -> Result<Self, String> {
        values
            .iter()
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|o| parse_origin("--frame-ancestors", o, ""))
            .collect::<Result<_, _>>()
            .map(Self)
    }

    /// The directive, e.g. `frame-ancestors 'self' https://intra.example.jp`.
    pub fn directive(&self) -> String {
        let mut d = String::from("frame-ancestors 'self'");
        for o in &self.0 {
            d.push(' ');
            d.push_str(o.to_str().unwrap_or_default());
        }
        d
    }

    /// True when only the widget's own origin may frame it.
    pub fn same_origin_only(&self) -> bool {
        self.0.is_empty()
    }
}

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
        let out = items
            .into_iter()
            .map(|o| parse_origin("--cors-origin", o, " (or *, or none)"))
            .collect::<Result<_, _>>()?;
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

    #[test]
    fn frame_ancestors_are_origins_and_always_include_self() {
        let none = FrameAncestors::parse(&[]).unwrap();
        assert!(none.same_origin_only());
        assert_eq!(none.directive(), "frame-ancestors 'self'");
        let two = FrameAncestors::parse(&["https://intra.example.jp,http://10.0.0.5:8000".into()])
            .unwrap();
        assert_eq!(
            two.directive(),
            "frame-ancestors 'self' https://intra.example.jp http://10.0.0.5:8000"
        );
        // A value that could smuggle another directive or a wildcard is refused, named.
        for bad in [
            "*",
            "https://a.jp; script-src *",
            "intra.example.jp",
            "https://a.jp/x",
        ] {
            let e = FrameAncestors::parse(&[bad.into()]).unwrap_err();
            assert!(e.contains("--frame-ancestors"), "{e}");
        }
    }
}
