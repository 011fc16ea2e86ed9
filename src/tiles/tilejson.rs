//! TileJSON 3.0.0 document for the vector tile endpoint.
//!
//! # References
//! - TileJSON 3.0.0 specification (mapbox/tilejson-spec): required
//!   `tilejson`, `tiles`, `vector_layers` (each with `id` and `fields`);
//!   optional `minzoom`, `maxzoom`, `bounds` (`[w, s, e, n]` degrees),
//!   `center` (`[lon, lat, zoom]`), `attribution`, `scheme`.

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;

use super::source::LayerSource;

/// One `vector_layers` entry: a layer's id, its fields and their types, and its zooms.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct VectorLayer {
    pub id: String,
    /// Field name → `String`, `Number` or `Boolean`.
    pub fields: BTreeMap<String, String>,
    pub minzoom: u8,
    pub maxzoom: u8,
}

/// A TileJSON 3.0.0 document. The optional members a server adds (`name`, `description`,
/// `version`, and carecover's `dataset`) are left out when unset.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TileJson {
    pub tilejson: &'static str,
    pub tiles: Vec<String>,
    pub scheme: &'static str,
    pub minzoom: u8,
    pub maxzoom: u8,
    /// West, south, east, north, degrees.
    pub bounds: [f64; 4],
    /// Longitude, latitude, zoom.
    pub center: [f64; 3],
    pub attribution: String,
    pub vector_layers: Vec<VectorLayer>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Which data: `builtin` or the folder it was loaded from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dataset: Option<String>,
}

/// Builds the TileJSON document. `tiles_url` is a template such as
/// `https://example.org/tiles/{z}/{x}/{y}.mvt`; `bounds` is
/// `[west, south, east, north]` in degrees; `center` is
/// `[lon, lat, zoom]`. Each source becomes a `vector_layers` entry with its
/// own zoom range (clamped into `minzoom..=maxzoom`) and field types.
pub fn tilejson(
    tiles_url: &str,
    minzoom: u8,
    maxzoom: u8,
    bounds: [f64; 4],
    center: [f64; 3],
    attribution: &str,
    sources: &[&dyn LayerSource],
) -> TileJson {
    let vector_layers = sources
        .iter()
        .map(|s| VectorLayer {
            id: s.name().to_string(),
            fields: s
                .fields()
                .into_iter()
                .map(|(k, t)| (k, t.as_str().to_string()))
                .collect(),
            minzoom: s.minzoom().clamp(minzoom, maxzoom),
            maxzoom: s.maxzoom().clamp(minzoom, maxzoom),
        })
        .collect();
    TileJson {
        tilejson: "3.0.0",
        tiles: vec![tiles_url.to_string()],
        scheme: "xyz",
        minzoom,
        maxzoom,
        bounds,
        center,
        attribution: attribution.to_string(),
        vector_layers,
        name: None,
        description: None,
        version: None,
        dataset: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tiles::{PropValue, VecLayer};
    use geo_types::{point, Geometry};

    #[test]
    fn has_required_fields() {
        let mut l = VecLayer::new("providers", 8, 16);
        l.push(
            Some(1),
            Geometry::Point(point!(x: 130.7, y: 32.8)),
            vec![
                ("name".into(), "診療所".into()),
                ("beds".into(), PropValue::UInt(3)),
            ],
        )
        .unwrap();
        let v = serde_json::to_value(tilejson(
            "https://example.org/tiles/{z}/{x}/{y}.mvt",
            5,
            14,
            [129.9, 32.0, 131.4, 33.2],
            [130.7, 32.8, 9.0],
            "© Kumamoto",
            &[&l],
        ))
        .unwrap();
        assert_eq!(v["tilejson"], "3.0.0");
        assert_eq!(v["tiles"][0], "https://example.org/tiles/{z}/{x}/{y}.mvt");
        let vl = &v["vector_layers"][0];
        assert_eq!(vl["id"], "providers");
        assert_eq!(vl["minzoom"], 8);
        assert_eq!(vl["maxzoom"], 14);
        assert_eq!(vl["fields"]["name"], "String");
        assert_eq!(vl["fields"]["beds"], "Number");
        assert_eq!(v["bounds"][2], 131.4);
        assert_eq!(v["center"][2], 9.0);
    }
}
