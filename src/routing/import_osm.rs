//! Road graph from an OpenStreetMap PBF extract (data © OpenStreetMap contributors, ODbL 1.0),
//! for driving: highway ways of drivable classes, one-way rules, `maxspeed` or a class default.

use super::graph::{Plane, RoadGraph};
use super::topology::{build_graph, RoadLine};
use super::RoutingError;
use crate::geom::LonLat;
use osmpbf::{Element, ElementReader};
use std::collections::HashMap;

/// Drivable `highway=*` classes and the speed (km/h) assumed when a way has no usable
/// `maxspeed`. Values follow common router profiles for a mixed urban/rural network (OSRM car
/// profile ballpark; Japanese legal limits are 100 on expressways, 60 on ordinary roads, 30 in
/// zone-30 residential streets). Classes not listed (footway, cycleway, path, steps,
/// pedestrian, bridleway, track, construction, proposed, …) are not driven on.
pub const DEFAULT_SPEED_KMH: &[(&str, f64)] = &[
    ("motorway", 100.0),
    ("motorway_link", 60.0),
    ("trunk", 80.0),
    ("trunk_link", 50.0),
    ("primary", 60.0),
    ("primary_link", 40.0),
    ("secondary", 50.0),
    ("secondary_link", 40.0),
    ("tertiary", 40.0),
    ("tertiary_link", 30.0),
    ("unclassified", 30.0),
    ("residential", 30.0),
    ("road", 30.0),
    ("living_street", 10.0),
    ("service", 15.0),
];

/// Ends joined by topology cleaning in OSM data: only where they coincide (metres). OSM ways
/// share node ids at junctions, and a way end left near another way without a shared node is
/// a mapper's statement (a barrier, a ramp under a bridge), not digitising noise; on the
/// Helsinki fixture a 2 m tolerance would add 27 links across such gaps.
pub const OSM_JOIN_TOLERANCE_M: f64 = 0.0;

/// What the importer kept, for reports and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OsmImportStats {
    /// `highway=*` ways in the file.
    pub highway_ways: usize,
    /// Ways kept for driving.
    pub ways_kept: usize,
    /// Kept ways that are one-way.
    pub oneway_ways: usize,
    /// Distinct located OSM nodes referenced by kept ways.
    pub osm_nodes_kept: usize,
    /// References of kept ways to nodes not in the file (ways clipped by the extract).
    pub missing_node_refs: usize,
}

/// How a way may be driven, from its tags.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WayRule {
    pub forward: bool,
    pub backward: bool,
    pub speed_kmh: f64,
}

/// The driving rule for a way's tags, or `None` when cars may not use it: not a drivable class
/// (see [`DEFAULT_SPEED_KMH`]), or `access` / `motor_vehicle` / `motorcar` = `no` / `private`.
///
/// One-way: `oneway=yes|1|true` forward only, `-1|reverse` backward only, `no|false|0` both
/// ways; without a tag, `motorway`, `motorway_link` and `junction=roundabout` are one-way.
/// Speed: `maxspeed` in km/h (`50`) or miles per hour (`30 mph`, × 1.609344); anything else
/// (`none`, `signals`, `FI:urban`) falls back to the class default.
pub fn way_rule<'a>(tags: impl Iterator<Item = (&'a str, &'a str)>) -> Option<WayRule> {
    let mut highway = None;
    let mut oneway = None;
    let mut maxspeed = None;
    let mut roundabout = false;
    for (k, v) in tags {
        match k {
            "highway" => highway = Some(v),
            "oneway" => oneway = Some(v),
            "maxspeed" => maxspeed = Some(v),
            "junction" => roundabout = v == "roundabout",
            "access" | "motor_vehicle" | "motorcar" if v == "no" || v == "private" => return None,
            _ => {}
        }
    }
    let class = highway?;
    let default = DEFAULT_SPEED_KMH.iter().find(|(c, _)| *c == class)?.1;
    let implied = matches!(class, "motorway" | "motorway_link") || roundabout;
    let (forward, backward) = match oneway {
        Some("yes" | "1" | "true") => (true, false),
        Some("-1" | "reverse") => (false, true),
        Some("no" | "false" | "0") => (true, true),
        _ => (true, !implied),
    };
    let speed_kmh = maxspeed.and_then(parse_maxspeed).unwrap_or(default);
    Some(WayRule {
        forward,
        backward,
        speed_kmh,
    })
}

/// `maxspeed` in km/h: a positive number, optionally followed by `mph` or `km/h`.
pub fn parse_maxspeed(v: &str) -> Option<f64> {
    let v = v.trim();
    let (num, factor) = if let Some(n) = v.strip_suffix("mph") {
        (n.trim(), 1.609_344)
    } else if let Some(n) = v.strip_suffix("km/h") {
        (n.trim(), 1.0)
    } else {
        (v, 1.0)
    };
    match num.parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 && x <= 200.0 => Some(x * factor),
        _ => None,
    }
}

/// Reads an OSM PBF (bytes of `file`) into a driving graph. Ways are split into links at every
/// node that two kept ways share (junctions) and at their ends; a way's inner nodes are shape.
/// Errors name the file and the way.
pub fn graph_from_osm_pbf(
    bytes: &[u8],
    file: &str,
) -> Result<(RoadGraph, OsmImportStats), RoutingError> {
    let osm_err = |message: String| RoutingError::Osm {
        file: file.to_string(),
        message,
    };
    let mut coords: HashMap<i64, (f64, f64)> = HashMap::new();
    let mut ways: Vec<(i64, Vec<i64>, WayRule)> = Vec::new();
    let mut highway_ways = 0usize;
    ElementReader::new(bytes)
        .for_each(|el| match el {
            Element::Node(n) => {
                coords.insert(n.id(), (n.lon(), n.lat()));
            }
            Element::DenseNode(n) => {
                coords.insert(n.id(), (n.lon(), n.lat()));
            }
            Element::Way(w) => {
                if w.tags().any(|(k, _)| k == "highway") {
                    highway_ways += 1;
                    if let Some(rule) = way_rule(w.tags()) {
                        ways.push((w.id(), w.refs().collect(), rule));
                    }
                }
            }
            Element::Relation(_) => {}
        })
        .map_err(|e| osm_err(e.to_string()))?;
    // A node used by two ways, or twice by one (a loop), is a junction.
    let mut uses: HashMap<i64, u32> = HashMap::new();
    for (_, refs, _) in &ways {
        for r in refs {
            *uses.entry(*r).or_default() += 1;
        }
    }
    let first = ways
        .iter()
        .flat_map(|(_, refs, _)| refs.first())
        .find_map(|r| coords.get(r))
        .ok_or_else(|| osm_err("no drivable highway way with located nodes".into()))?;
    let origin = LonLat::new(first.0, first.1).map_err(|e| osm_err(e.to_string()))?;
    let oneway_ways = ways
        .iter()
        .filter(|w| !(w.2.forward && w.2.backward))
        .count();
    let mut missing_refs = 0usize;
    let mut lines: Vec<RoadLine> = Vec::new();
    for (_, refs, rule) in &ways {
        // Extracts clip ways at their boundary: references to nodes not in the file split the
        // way into runs of located nodes, each run's ends becoming graph nodes.
        missing_refs += refs.iter().filter(|r| !coords.contains_key(r)).count();
        for run in refs.split(|r| !coords.contains_key(r)) {
            if run.len() < 2 {
                continue; // a lone located node drives nowhere
            }
            let mut shape: Vec<LonLat> = Vec::with_capacity(run.len());
            for (i, r) in run.iter().enumerate() {
                let Some(&(lon, lat)) = coords.get(r) else {
                    continue;
                };
                let p = LonLat::new(lon, lat).map_err(|e| osm_err(format!("node {r}: {e}")))?;
                shape.push(p);
                // Cut at junctions (shared node ids): the cut ends coincide exactly, so the
                // topology step joins them back as one node.
                let is_end = i + 1 == run.len();
                if shape.len() >= 2 && (is_end || uses.get(r).copied().unwrap_or(0) > 1) {
                    lines.push(RoadLine {
                        shape: std::mem::replace(&mut shape, vec![p]),
                        forward: rule.forward,
                        backward: rule.backward,
                        speed_kmh: rule.speed_kmh,
                    });
                }
            }
        }
    }
    let graph = build_graph(Plane::around(origin), &lines, OSM_JOIN_TOLERANCE_M);
    let stats = OsmImportStats {
        highway_ways,
        ways_kept: ways.len(),
        oneway_ways,
        osm_nodes_kept: uses.len() - missing_refs_distinct(&uses, &coords),
        missing_node_refs: missing_refs,
    };
    Ok((graph, stats))
}

/// Distinct referenced node ids without a location in the file.
fn missing_refs_distinct(uses: &HashMap<i64, u32>, coords: &HashMap<i64, (f64, f64)>) -> usize {
    uses.keys().filter(|r| !coords.contains_key(r)).count()
}
