//! Cutting a user's OpenStreetMap extract (data © OpenStreetMap contributors, ODbL 1.0) down
//! to the roads a Kumamoto data folder needs: the drivable ways with a node within the
//! prefecture plus a margin, written as a small `.osm.pbf` the road layer loads.
//!
//! # Method
//! The clip area is a raster of square cells in a local plane (zone II over Kumamoto): a core
//! cell has its centre inside a polygon (even–odd scanline over the rings) or a ring passing
//! through it; a cell is in when its centre lies within `margin` + two cell diagonals of a
//! core cell's centre. So every point within `margin` of a polygon is kept, and nothing
//! farther than `margin` + three cell diagonals (8 km + 4.2 km for the prefecture). A way is kept whole when any of its nodes is in the area (the drivable classes of
//! [`super::way_rule`]), so a road that leaves the area and comes back keeps its outside part.
//!
//! Two passes over the input: ways first (drivable ones kept with their references), then
//! nodes (coordinates of referenced nodes only). Memory grows with the drivable ways of the
//! input, not with its buildings: a regional extract (Kyushu) fits in a few hundred MB.

use super::graph::Plane;
use super::osm_write::{write_pbf, OsmWay};
use super::{way_rule, RoutingError};
use crate::geom::LonLat;
use geo::MultiPolygon;
use osmpbf::{Element, ElementReader};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// Tags written with a kept way: those the road importer reads, and the name.
const KEPT_TAGS: &[&str] = &[
    "highway",
    "oneway",
    "maxspeed",
    "junction",
    "access",
    "motor_vehicle",
    "motorcar",
    "name",
];

/// The cells of a clip area (see the module docs).
pub struct ClipArea {
    plane: Plane,
    cell_m: f64,
    x0: f64,
    y0: f64,
    nx: usize,
    ny: usize,
    inside: Vec<bool>,
}

impl ClipArea {
    /// The area within `margin_m` of `polygons` (lon/lat). Cells are `margin_m` / 8, between
    /// 25 m and 1 km.
    pub fn new(polygons: &[MultiPolygon<f64>], margin_m: f64) -> Result<Self, RoutingError> {
        let first = polygons
            .iter()
            .flat_map(|m| m.0.iter())
            .flat_map(|p| p.exterior().0.first())
            .next()
            .ok_or_else(|| RoutingError::Config("clip: no polygon to clip by".into()))?;
        let plane = Plane::around(
            LonLat::new(first.x, first.y).map_err(|e| RoutingError::Config(e.to_string()))?,
        );
        let cell_m = (margin_m / 8.0).clamp(25.0, 1000.0);
        let mut rings: Vec<Vec<[f64; 2]>> = Vec::new();
        for m in polygons {
            for p in &m.0 {
                for r in std::iter::once(p.exterior()).chain(p.interiors()) {
                    let mut ring = Vec::with_capacity(r.0.len());
                    for c in &r.0 {
                        let ll = LonLat::new(c.x, c.y)
                            .map_err(|e| RoutingError::Config(format!("clip polygon: {e}")))?;
                        ring.push(plane.forward(ll));
                    }
                    rings.push(ring);
                }
            }
        }
        let pts = rings.iter().flatten();
        let (mut xmin, mut ymin, mut xmax, mut ymax) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for p in pts {
            (xmin, ymin) = (xmin.min(p[0]), ymin.min(p[1]));
            (xmax, ymax) = (xmax.max(p[0]), ymax.max(p[1]));
        }
        let pad = margin_m + 2.0 * cell_m;
        let (x0, y0) = (xmin - pad, ymin - pad);
        let nx = ((xmax + pad - x0) / cell_m).ceil() as usize + 1;
        let ny = ((ymax + pad - y0) / cell_m).ceil() as usize + 1;
        let mut core = vec![false; nx * ny];
        // Inside: even–odd crossings of each row's centre line.
        let mut row_x: Vec<Vec<f64>> = vec![Vec::new(); ny];
        for ring in &rings {
            for w in ring.windows(2) {
                let (a, b) = (w[0], w[1]);
                // Cells the segment touches (sampled every half cell) are core too.
                let n = ((a[0] - b[0]).hypot(a[1] - b[1]) / (cell_m / 2.0)).ceil() as usize;
                for k in 0..=n.max(1) {
                    let t = k as f64 / n.max(1) as f64;
                    let cx = ((a[0] + t * (b[0] - a[0]) - x0) / cell_m) as usize;
                    let cy = ((a[1] + t * (b[1] - a[1]) - y0) / cell_m) as usize;
                    core[cy * nx + cx] = true;
                }
                let (lo, hi) = (a[1].min(b[1]), a[1].max(b[1]));
                let first_row = ((lo - y0) / cell_m - 0.5).ceil().max(0.0) as usize;
                for (row, xs) in row_x.iter_mut().enumerate().skip(first_row) {
                    let y = y0 + (row as f64 + 0.5) * cell_m;
                    if y >= hi {
                        break;
                    }
                    if y >= lo {
                        xs.push(a[0] + (y - a[1]) / (b[1] - a[1]) * (b[0] - a[0]));
                    }
                }
            }
        }
        for (row, xs) in row_x.iter_mut().enumerate() {
            xs.sort_by(f64::total_cmp);
            for pair in xs.chunks_exact(2) {
                let c0 = ((pair[0] - x0) / cell_m - 0.5).ceil().max(0.0) as usize;
                let c1 = ((pair[1] - x0) / cell_m - 0.5).floor() as usize;
                for c in c0..=c1.min(nx - 1) {
                    core[row * nx + c] = true;
                }
            }
        }
        // Dilate by the margin plus two cell diagonals: a point within the margin of the
        // boundary is within margin + 0.25 cell of a boundary sample, which is within 0.71 cell
        // of its cell's centre; the point's own cell centre adds 0.71 cell.
        let reach = margin_m + 2.0 * cell_m * std::f64::consts::SQRT_2;
        let r = (reach / cell_m).ceil() as isize;
        let offsets: Vec<(isize, isize)> = (-r..=r)
            .flat_map(|dx| (-r..=r).map(move |dy| (dx, dy)))
            .filter(|(dx, dy)| ((dx * dx + dy * dy) as f64).sqrt() * cell_m <= reach)
            .collect();
        let mut inside = core.clone();
        for y in 0..ny as isize {
            for x in 0..nx as isize {
                if !core[y as usize * nx + x as usize] {
                    continue;
                }
                for (dx, dy) in &offsets {
                    let (u, v) = (x + dx, y + dy);
                    if u >= 0 && v >= 0 && (u as usize) < nx && (v as usize) < ny {
                        inside[v as usize * nx + u as usize] = true;
                    }
                }
            }
        }
        Ok(Self {
            plane,
            cell_m,
            x0,
            y0,
            nx,
            ny,
            inside,
        })
    }

    /// Whether `p` (lon/lat) lies in the area.
    pub fn contains(&self, p: LonLat) -> bool {
        let xy = self.plane.forward(p);
        let (fx, fy) = (
            (xy[0] - self.x0) / self.cell_m,
            (xy[1] - self.y0) / self.cell_m,
        );
        if !(fx >= 0.0 && fy >= 0.0) {
            return false;
        }
        let (x, y) = (fx as usize, fy as usize);
        x < self.nx && y < self.ny && self.inside[y * self.nx + x]
    }
}

/// What a clip kept.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClipStats {
    /// Drivable ways in the input.
    pub drivable_ways: usize,
    /// Of those, kept (a node in the area).
    pub ways_kept: usize,
    /// Nodes written (every node of a kept way that the input locates).
    pub nodes_kept: usize,
}

/// Reads the OSM PBF `input`, keeps the drivable ways with a node in `area` (whole) and writes
/// them with their nodes to `output` (a PBF the road layer loads). Errors name the file; an
/// input with no drivable way in the area is an error (nothing is written).
pub fn clip_osm_pbf(
    input: &Path,
    area: &ClipArea,
    output: &Path,
) -> Result<ClipStats, RoutingError> {
    let name = input.display().to_string();
    let err = |message: String| RoutingError::Osm {
        file: name.clone(),
        message,
    };
    // Pass 1: drivable ways.
    let mut ways: Vec<OsmWay> = Vec::new();
    ElementReader::from_path(input)
        .map_err(|e| err(e.to_string()))?
        .for_each(|el| {
            if let Element::Way(w) = el {
                if way_rule(w.tags()).is_some() {
                    ways.push(OsmWay {
                        id: w.id(),
                        refs: w.refs().collect(),
                        tags: w
                            .tags()
                            .filter(|(k, _)| KEPT_TAGS.contains(k))
                            .map(|(k, v)| (k.to_string(), v.to_string()))
                            .collect(),
                    });
                }
            }
        })
        .map_err(|e| err(e.to_string()))?;
    let needed: HashSet<i64> = ways.iter().flat_map(|w| w.refs.iter().copied()).collect();
    // Pass 2: their nodes' coordinates, and which lie in the area.
    let mut coords: HashMap<i64, (f64, f64)> = HashMap::with_capacity(needed.len());
    let mut in_area: HashSet<i64> = HashSet::new();
    let mut visit = |id: i64, lon: f64, lat: f64| {
        if needed.contains(&id) {
            coords.insert(id, (lon, lat));
            if LonLat::new(lon, lat).is_ok_and(|p| area.contains(p)) {
                in_area.insert(id);
            }
        }
    };
    ElementReader::from_path(input)
        .map_err(|e| err(e.to_string()))?
        .for_each(|el| match el {
            Element::Node(n) => visit(n.id(), n.lon(), n.lat()),
            Element::DenseNode(n) => visit(n.id(), n.lon(), n.lat()),
            _ => {}
        })
        .map_err(|e| err(e.to_string()))?;
    let drivable_ways = ways.len();
    ways.retain(|w| w.refs.iter().any(|r| in_area.contains(r)));
    if ways.is_empty() {
        return Err(err(format!(
            "none of its {drivable_ways} drivable ways has a node within the clip area: \
             is it an extract of the area (Kumamoto, Kyushu, Japan)?"
        )));
    }
    let mut nodes: Vec<(i64, f64, f64)> = ways
        .iter()
        .flat_map(|w| w.refs.iter())
        .filter_map(|r| coords.get(r).map(|(lon, lat)| (*r, *lon, *lat)))
        .collect();
    nodes.sort_by_key(|n| n.0);
    nodes.dedup_by_key(|n| n.0);
    ways.sort_by_key(|w| w.id);
    let bytes = write_pbf(&nodes, &ways).map_err(|e| err(format!("encoding: {e}")))?;
    if let Some(dir) = output.parent() {
        std::fs::create_dir_all(dir).map_err(|source| RoutingError::Read {
            file: dir.display().to_string(),
            source,
        })?;
    }
    std::fs::write(output, bytes).map_err(|source| RoutingError::Read {
        file: output.display().to_string(),
        source,
    })?;
    Ok(ClipStats {
        drivable_ways,
        ways_kept: ways.len(),
        nodes_kept: nodes.len(),
    })
}
