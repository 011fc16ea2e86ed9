//! Roads: a road graph (from a GeoJSON line network or an OpenStreetMap PBF), snapping points
//! to it, Dijkstra, and providers nearest by road. Knows nothing of HTTP.
//!
//! The served network is the MLIT probe-link network (国土交通省「通れる道マップ」): roads
//! driven after the 2026 earthquake, undirected, without classes or speeds, so drive times
//! use one configurable average speed (`speed_model` = `uniform_40kmh`). Line ends that stop
//! on another road's vertex or segment (within 2 m) are joined to it at import
//! ([`build_graph`]). OSM PBF import (one-way, `maxspeed`, class defaults; `speed_model` =
//! `osm_maxspeed`) is tested on a real Helsinki extract; [`clip_osm_pbf`] cuts a user's
//! larger extract to the prefecture plus a margin.

mod coverage;
mod dijkstra;
mod graph;
mod grid;
mod import_geojson;
mod import_osm;
mod isochrone;
mod nearest;
mod network;
mod osm_clip;
mod osm_write;
mod outline;
mod reach;
mod road_area;
mod snap;
mod topology;
pub mod trace;

/// Kept here for the road tests and oracles that use it; the one routine is in [`crate::geom`].
pub use crate::geom::segment_distance;
pub use coverage::{road_distance_from_nearest, FlatteredTown, RegionRoadCoverage, RoadCoverage};
pub use dijkstra::{bounded_dijkstra, dijkstra, distances_from, Flow, Seed};
pub use graph::{Components, GraphBuilder, Link, Plane, RoadGraph};
pub use grid::LevelGrid;
pub use import_geojson::{geojson_lines, graph_from_geojson};
pub use import_osm::{
    graph_from_osm_pbf, parse_maxspeed, way_rule, OsmImportStats, WayRule, DEFAULT_SPEED_KMH,
    OSM_JOIN_TOLERANCE_M,
};
pub use isochrone::{
    isochrone, to_lonlat, Contour, Isochrone, AREA_CELL_M, MAX_CONTOURS, MAX_KM, MAX_MINUTES,
    ROAD_BUFFER_M,
};
pub use nearest::{ProviderRoads, RoadCost, RoadHit, RoadReason};
pub use network::{RoadNetwork, Roads, SpeedModel};
pub use osm_clip::{clip_osm_pbf, ClipArea, ClipStats};
pub use osm_write::{write_pbf, OsmWay};
pub use outline::{Outline, OUTLINE_TOLERANCE_M};
pub use reach::{sub_polyline, Metric, Reach, ReachSource};
pub use road_area::{AreaReason, RegionRoadArea, RegionShape, RoadArea, MIN_ROAD_DATA_PCT};
pub use snap::{Snap, Snapper, MAX_SNAP_M, OFFROAD_SPEED_KMH, PREFER_LARGEST_SLACK_M};
pub use topology::{
    build_graph, crossings, Crossings, RoadLine, TopologyStats, JOIN_TOLERANCE_M,
    SHALLOW_CROSSING_DEG,
};

/// Why a road network could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum RoutingError {
    #[error("cannot read road file {file}: {source}")]
    Read {
        file: String,
        source: std::io::Error,
    },
    #[error("road file {file} is not valid GeoJSON: {message}")]
    Parse { file: String, message: String },
    #[error("road file {file}, feature {feature}: {message}")]
    Feature {
        file: String,
        feature: usize,
        message: String,
    },
    #[error("OSM file {file}: {message}")]
    Osm { file: String, message: String },
    #[error("manifest: {0}")]
    Config(String),
}
