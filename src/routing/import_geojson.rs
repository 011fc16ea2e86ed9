//! Road graph from a GeoJSON line network (LineString / MultiLineString features), such as the
//! MLIT probe links: undirected, no class or speed.

use super::graph::{Plane, RoadGraph};
use super::topology::{build_graph, RoadLine, JOIN_TOLERANCE_M};
use super::RoutingError;
use crate::geom::LonLat;

/// Reads a GeoJSON FeatureCollection of lines into a graph: every part of a line is one road
/// line, travelable both ways at `speed_kmh`, and lines are joined where they meet (end to
/// end, or an end on another line's vertex or segment within [`JOIN_TOLERANCE_M`]; see
/// [`super::topology`]).
///
/// Errors name the file, the feature (0-based) and what is wrong.
pub fn graph_from_geojson(
    text: &str,
    file: &str,
    speed_kmh: f64,
) -> Result<RoadGraph, RoutingError> {
    let lines = geojson_lines(text, file, speed_kmh)?;
    Ok(build_graph(
        Plane::ZoneII(crate::geom::Projection::kumamoto()),
        &lines,
        JOIN_TOLERANCE_M,
    ))
}

/// The road lines of one GeoJSON file (several files' lines may be joined into one graph).
pub fn geojson_lines(
    text: &str,
    file: &str,
    speed_kmh: f64,
) -> Result<Vec<RoadLine>, RoutingError> {
    let gj: geojson::GeoJson = text.parse().map_err(|e| RoutingError::Parse {
        file: file.to_string(),
        message: format!("{e}"),
    })?;
    let geojson::GeoJson::FeatureCollection(fc) = gj else {
        return Err(RoutingError::Parse {
            file: file.to_string(),
            message: "expected a FeatureCollection".into(),
        });
    };
    let mut lines = Vec::with_capacity(fc.features.len());
    for (i, f) in fc.features.iter().enumerate() {
        let bad = |message: String| RoutingError::Feature {
            file: file.to_string(),
            feature: i,
            message,
        };
        let Some(g) = &f.geometry else {
            return Err(bad("has no geometry".into()));
        };
        let parts: Vec<&Vec<geojson::Position>> = match &g.value {
            geojson::GeometryValue::LineString { coordinates } => vec![coordinates],
            geojson::GeometryValue::MultiLineString { coordinates } => coordinates.iter().collect(),
            other => {
                return Err(bad(format!(
                    "is a {}, expected a LineString",
                    other.type_name()
                )))
            }
        };
        for part in parts {
            let mut shape = Vec::with_capacity(part.len());
            for (j, c) in part.iter().enumerate() {
                let (Some(&lon), Some(&lat)) = (c.as_slice().first(), c.as_slice().get(1)) else {
                    return Err(bad(format!("vertex {j} has fewer than two numbers")));
                };
                let p = LonLat::new(lon, lat).map_err(|e| bad(format!("vertex {j}: {e}")))?;
                shape.push(p);
            }
            if shape.len() < 2 {
                return Err(bad("a line has fewer than two vertices".into()));
            }
            lines.push(RoadLine {
                shape,
                forward: true,
                backward: true,
                speed_kmh,
            });
        }
    }
    Ok(lines)
}
