//! Road graph from a GeoJSON line network (LineString / MultiLineString features), such as the
//! MLIT probe links: undirected, no class or speed.

use super::graph::{GraphBuilder, Plane, RoadGraph};
use super::RoutingError;
use crate::geom::LonLat;
use std::collections::HashMap;

/// End points closer than this (metres, zone II planar, ≈ geodesic within 0.05 %) become one
/// node. The probe links share exact vertices at junctions; the tolerance absorbs rounding of
/// re-published coordinates (6 decimals ≈ 0.1 m) without joining distinct roads.
pub const MERGE_TOLERANCE_M: f64 = 1.0;

/// Reads a GeoJSON FeatureCollection of lines into a graph. Every part of a line becomes one
/// link between its end points (inner vertices are shape only: the probe network is split at
/// junctions already), travelable both ways at `speed_kmh`.
///
/// Errors name the file, the feature (0-based) and what is wrong.
pub fn graph_from_geojson(
    text: &str,
    file: &str,
    speed_kmh: f64,
) -> Result<RoadGraph, RoutingError> {
    let mut b = GraphBuilder::new(Plane::ZoneII(crate::geom::Projection::kumamoto()));
    add_geojson(&mut b, text, file, speed_kmh)?;
    Ok(b.build())
}

/// Adds the lines of one GeoJSON file to a builder (several files may share one builder and
/// join at common end points).
pub fn add_geojson(
    b: &mut GraphBuilder,
    text: &str,
    file: &str,
    speed_kmh: f64,
) -> Result<(), RoutingError> {
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
    let mut merger = NodeMerger::default();
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
            let (first, last) = (shape[0], shape[shape.len() - 1]);
            let from = merger.node(b, first);
            let to = merger.node(b, last);
            b.add_link(from, to, &shape, true, true, speed_kmh);
        }
    }
    Ok(())
}

/// Finds or creates the node for an end point: a hash grid of 1 m cells over zone II metres;
/// a point joins the first existing node within [`MERGE_TOLERANCE_M`] in its 3 × 3 cells.
#[derive(Default)]
struct NodeMerger {
    cells: HashMap<(i64, i64), Vec<CellNode>>,
}

/// A node id and its planar position.
type CellNode = (u32, [f64; 2]);

impl NodeMerger {
    fn node(&mut self, b: &mut GraphBuilder, p: LonLat) -> u32 {
        let xy = b.plane().forward(p);
        let cell = |v: f64| (v / MERGE_TOLERANCE_M).floor() as i64;
        let (cx, cy) = (cell(xy[0]), cell(xy[1]));
        let mut best: Option<(f64, u32)> = None;
        for dx in -1..=1 {
            for dy in -1..=1 {
                if let Some(v) = self.cells.get(&(cx + dx, cy + dy)) {
                    for (id, q) in v {
                        let d = (q[0] - xy[0]).hypot(q[1] - xy[1]);
                        if d <= MERGE_TOLERANCE_M && best.is_none_or(|(bd, _)| d < bd) {
                            best = Some((d, *id));
                        }
                    }
                }
            }
        }
        if let Some((_, id)) = best {
            return id;
        }
        let id = b.add_node(p);
        self.cells.entry((cx, cy)).or_default().push((id, xy));
        id
    }
}
