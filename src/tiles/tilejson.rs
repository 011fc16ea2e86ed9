//! TileJSON 3.0.0 document for the vector tile endpoint.
//!
//! # References
//! - TileJSON 3.0.0 specification (mapbox/tilejson-spec): required
//!   `tilejson`, `tiles`, `vector_layers` (each with `id` and `fields`);
//!   optional `minzoom`, `maxzoom`, `bounds` (`[w, s, e, n]` degrees),
//!   `center` (`[lon, lat, zoom]`), `attribution`, `scheme`.

use serde_json::{json, Map, Value};

use super::source::LayerSource;

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
) -> Value {
    let layers: Vec<Value> = sources
        .iter()
        .map(|s| {
            let fields: Map<String, Value> = s
                .fields()
                .into_iter()
                .map(|(k, t)| (k, Value::from(t.as_str())))
                .collect();
            json!({
                "id": s.name(),
                "fields": fields,
                "minzoom": s.minzoom().clamp(minzoom, maxzoom),
                "maxzoom": s.maxzoom().clamp(minzoom, maxzoom),
            })
        })
        .collect();
    json!({
        "tilejson": "3.0.0",
        "tiles": [tiles_url],
        "scheme": "xyz",
        "minzoom": minzoom,
        "maxzoom": maxzoom,
        "bounds": bounds,
        "center": center,
        "attribution": attribution,
        "vector_layers": layers,
    })
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
        let v = tilejson(
            "https://example.org/tiles/{z}/{x}/{y}.mvt",
            5,
            14,
            [129.9, 32.0, 131.4, 33.2],
            [130.7, 32.8, 9.0],
            "© Kumamoto",
            &[&l],
        );
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
