//! GeoJSON output of coverage layers (RFC 7946: lon/lat degrees, exterior rings
//! counter-clockwise as geo produces them).

use super::{CoverageResult, RegionCoverage, UncoveredTown};
use crate::data::Dataset;
use geo_types::{LineString, MultiPolygon};
use serde_json::{json, Value};

/// Degrees rounded to 1e-6 (≈ 0.1 m): finer digits only inflate the response.
fn coord(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// A MultiPolygon's `coordinates` array.
pub fn multipolygon_coordinates(mp: &MultiPolygon<f64>) -> Value {
    let ring = |r: &LineString<f64>| -> Value {
        Value::Array(
            r.0.iter()
                .map(|c| json!([coord(c.x), coord(c.y)]))
                .collect(),
        )
    };
    Value::Array(
        mp.iter()
            .map(|p| {
                let mut rings = vec![ring(p.exterior())];
                rings.extend(p.interiors().iter().map(ring));
                Value::Array(rings)
            })
            .collect(),
    )
}

/// One region's `coverage` or `gap` feature.
pub fn region_feature(rc: &RegionCoverage, name: &str, layer: &str) -> Value {
    let geom = if layer == "gap" {
        &rc.gap_lonlat
    } else {
        &rc.covered_lonlat
    };
    json!({
        "type": "Feature",
        "geometry": { "type": "MultiPolygon", "coordinates": multipolygon_coordinates(geom) },
        "properties": {
            "region_id": rc.region_id,
            "region": name,
            "layer": layer,
            "stats": rc.stats,
        }
    })
}

/// Per region a `coverage` and a `gap` feature (MultiPolygon, lon/lat) with the stats.
pub fn coverage_feature_collection(result: &CoverageResult) -> Value {
    let features: Vec<Value> = result
        .regions
        .iter()
        .flat_map(|rc| {
            [
                region_feature(rc, &rc.stats.name, "coverage"),
                region_feature(rc, &rc.stats.name, "gap"),
            ]
        })
        .collect();
    json!({ "type": "FeatureCollection", "features": features })
}

/// The layer's towns beyond the radius as GeoJSON points (properties: [`UncoveredTown`]),
/// region by region, farthest first within each.
pub fn uncovered_towns_feature_collection(ds: &Dataset, result: &CoverageResult) -> Value {
    let features: Vec<Value> = result
        .regions
        .iter()
        .flat_map(|rc| rc.uncovered_towns.iter())
        .map(|g| {
            let t = UncoveredTown::new(ds, g);
            json!({
                "type": "Feature",
                "geometry": { "type": "Point", "coordinates": [t.lon, t.lat] },
                "properties": t,
            })
        })
        .collect();
    json!({ "type": "FeatureCollection", "features": features })
}
