//! [`RoadArea`]: per medical region, the area within a road distance of a provider set
//! (`covered_by_road_pct`), precomputed at snapshot time.
//!
//! # Method
//! One bounded multi-source Dijkstra from every provider's snap (its off-road leg as start
//! cost, [`Reach::compute`]) up to the radius R; every road part reached within R (links cut
//! where the distance reaches R) is buffered by [`ROAD_BUFFER_M`] on a [`AREA_CELL_M`] grid
//! in zone II metres ([`LevelGrid`]: a cell is in iff its centre is within the buffer), the
//! cells are outlined into polygons ([`super::trace`]) and each region polygon is intersected
//! with them (geo `BooleanOps`). `covered_by_road_pct` = covered area / region area (planar
//! zone II km², like the straight-line coverage). The same is done for the whole network
//! (every road, reached or not): `road_data_pct`, the most any provider set could reach on
//! this network. Where that is below [`MIN_ROAD_DATA_PCT`] the network does not describe
//! the region and `covered_by_road_pct` is null with a reason, so a gap in the data is never
//! read as a gap in care.

use super::grid::LevelGrid;
pub use super::isochrone::{AREA_CELL_M, ROAD_BUFFER_M};
use super::network::RoadNetwork;
use super::reach::{Metric, Reach, ReachSource};
use super::ProviderRoads;
use geo::{Area, BooleanOps, BoundingRect};
use geo_types::{MultiPolygon, Rect};
use std::time::Instant;

/// Below this share of a region within [`ROAD_BUFFER_M`] of any road of the network, the
/// network is too sparse there for a coverage figure: the probe data misses most roads, and
/// a percentage would measure the data, not the care.
pub const MIN_ROAD_DATA_PCT: f64 = 50.0;

/// Why a region has no `covered_by_road_pct`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AreaReason {
    /// No road of the network lies within the buffer of the region.
    NoRoadsInRegion,
    /// Roads within the buffer cover less than [`MIN_ROAD_DATA_PCT`] of the region.
    RoadNetworkSparse,
}

/// One region's road-coverage area.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RegionRoadArea {
    pub region_id: u8,
    pub name: String,
    #[serde(serialize_with = "round2")]
    pub area_km2: f64,
    /// Region area within R road-km of a source plus the buffer, km²; null when unreached.
    #[serde(serialize_with = "round2_opt")]
    pub covered_by_road_km2: Option<f64>,
    /// The same as a percentage of the region's area (0–100); null when unreached.
    #[serde(serialize_with = "round2_opt")]
    pub covered_by_road_pct: Option<f64>,
    /// Share of the region within the buffer of any road of the network (0–100).
    #[serde(serialize_with = "round2")]
    pub road_data_pct: f64,
    /// Why `covered_by_road_pct` is null.
    pub reason: Option<AreaReason>,
    /// The covered polygon clipped to the region, zone II metres (empty when unreached).
    #[serde(skip)]
    pub covered_xy: MultiPolygon<f64>,
    /// The same in lon/lat degrees, for tiles.
    #[serde(skip)]
    pub covered_lonlat: MultiPolygon<f64>,
}

/// Road-coverage areas of every region for one source set and radius.
#[derive(Debug, Clone)]
pub struct RoadArea {
    pub radius_m: f64,
    pub regions: Vec<RegionRoadArea>,
    /// Wall time of the computation, milliseconds.
    pub build_ms: u128,
}

/// A region to clip against: id, name, zone II polygon and its planar area (km²).
pub struct RegionShape<'a> {
    pub id: u8,
    pub name: &'a str,
    pub projected: &'a MultiPolygon<f64>,
    pub area_km2: f64,
}

impl RoadArea {
    /// The area within `radius_m` road metres of `sources` (provider indexes of `roads`), per
    /// region of `regions`.
    pub fn compute(
        net: &RoadNetwork,
        roads: &ProviderRoads,
        sources: &[u32],
        radius_m: f64,
        regions: &[RegionShape],
    ) -> Self {
        let start = Instant::now();
        let g = &net.graph;
        let seeds: Vec<ReachSource> = sources
            .iter()
            .filter_map(|&i| roads.snap(i))
            .map(|s| ReachSource {
                link: s.link,
                along_m: s.along_m,
                cost: s.offroad_m,
            })
            .collect();
        let reach = Reach::compute(g, Metric::Distance, seeds, radius_m);
        let regions = match network_extent(net) {
            None => regions
                .iter()
                .map(|r| unreached(r, 0.0, AreaReason::NoRoadsInRegion))
                .collect(),
            Some((lo, hi)) => {
                let mut grid = LevelGrid::covering(lo, hi, ROAD_BUFFER_M, AREA_CELL_M);
                // Level 0: reached within R; level 1: any other road.
                reach.paint(g, &net.outline, &mut grid, &[radius_m], ROAD_BUFFER_M);
                let mut buf = Vec::new();
                for i in 0..g.links.len() {
                    net.outline.piece(i, 0.0, g.links[i].length_m, &mut buf);
                    grid.paint_polyline(&buf, ROAD_BUFFER_M, 1);
                }
                let covered = grid.polygons(0);
                let network = grid.polygons(1);
                regions
                    .iter()
                    .map(|r| region_area(r, &covered, &network, &net.graph.plane))
                    .collect()
            }
        };
        Self {
            radius_m,
            regions,
            build_ms: start.elapsed().as_millis(),
        }
    }

    /// Regions without a figure, with their reasons.
    pub fn not_reached(&self) -> impl Iterator<Item = &RegionRoadArea> {
        self.regions.iter().filter(|r| r.reason.is_some())
    }

    /// The row of region `id`.
    pub fn region(&self, id: u8) -> Option<&RegionRoadArea> {
        self.regions.iter().find(|r| r.region_id == id)
    }
}

fn unreached(r: &RegionShape, road_data_pct: f64, reason: AreaReason) -> RegionRoadArea {
    RegionRoadArea {
        region_id: r.id,
        name: r.name.to_string(),
        area_km2: r.area_km2,
        covered_by_road_km2: None,
        covered_by_road_pct: None,
        road_data_pct,
        reason: Some(reason),
        covered_xy: MultiPolygon(Vec::new()),
        covered_lonlat: MultiPolygon(Vec::new()),
    }
}

/// Clips the covered and network polygons to one region.
fn region_area(
    r: &RegionShape,
    covered: &MultiPolygon<f64>,
    network: &MultiPolygon<f64>,
    plane: &super::Plane,
) -> RegionRoadArea {
    let Some(bbox) = r.projected.bounding_rect() else {
        return unreached(r, 0.0, AreaReason::NoRoadsInRegion);
    };
    let pct = |km2: f64| {
        if r.area_km2 > 0.0 {
            (100.0 * km2 / r.area_km2).clamp(0.0, 100.0)
        } else {
            0.0
        }
    };
    let net_km2 = r
        .projected
        .intersection(&parts_near(network, &bbox))
        .unsigned_area()
        / 1e6;
    let data_pct = pct(net_km2);
    if net_km2 <= 0.0 {
        return unreached(r, data_pct, AreaReason::NoRoadsInRegion);
    }
    if data_pct < MIN_ROAD_DATA_PCT {
        return unreached(r, data_pct, AreaReason::RoadNetworkSparse);
    }
    let covered_xy = r.projected.intersection(&parts_near(covered, &bbox));
    let km2 = covered_xy.unsigned_area() / 1e6;
    RegionRoadArea {
        region_id: r.id,
        name: r.name.to_string(),
        area_km2: r.area_km2,
        covered_by_road_km2: Some(km2),
        covered_by_road_pct: Some(pct(km2)),
        road_data_pct: data_pct,
        reason: None,
        covered_lonlat: to_degrees(&covered_xy, plane),
        covered_xy,
    }
}

/// `mp` in unrounded lon/lat degrees.
fn to_degrees(mp: &MultiPolygon<f64>, plane: &super::Plane) -> MultiPolygon<f64> {
    use geo::MapCoords;
    mp.map_coords(|c| {
        let (lon, lat) = plane.inverse([c.x, c.y]);
        geo_types::Coord { x: lon, y: lat }
    })
}

/// The polygons of `mp` whose bounding box touches `bbox` (the parts are disjoint, so this
/// needs no boolean operation).
fn parts_near(mp: &MultiPolygon<f64>, bbox: &Rect<f64>) -> MultiPolygon<f64> {
    MultiPolygon(
        mp.0.iter()
            .filter(|p| {
                p.bounding_rect().is_some_and(|b| {
                    b.min().x <= bbox.max().x
                        && bbox.min().x <= b.max().x
                        && b.min().y <= bbox.max().y
                        && bbox.min().y <= b.max().y
                })
            })
            .cloned()
            .collect(),
    )
}

/// Bounding box of every link shape, metres.
fn network_extent(net: &RoadNetwork) -> Option<([f64; 2], [f64; 2])> {
    let pts = &net.graph.shape_xy;
    let first = *pts.first()?;
    Some(pts.iter().fold((first, first), |(lo, hi), p| {
        (
            [lo[0].min(p[0]), lo[1].min(p[1])],
            [hi[0].max(p[0]), hi[1].max(p[1])],
        )
    }))
}

fn round2<S: serde::Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64((x * 100.0).round() / 100.0)
}

fn round2_opt<S: serde::Serializer>(x: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match x {
        Some(v) => s.serialize_f64((v * 100.0).round() / 100.0),
        None => s.serialize_none(),
    }
}

impl<'a> RegionShape<'a> {
    /// The medical regions of a dataset.
    pub fn of_dataset(ds: &'a crate::data::Dataset) -> Vec<Self> {
        ds.regions
            .iter()
            .map(|r| RegionShape {
                id: r.id,
                name: &r.name,
                projected: &r.projected,
                area_km2: r.area_km2,
            })
            .collect()
    }
}

impl RoadArea {
    /// A plain-text table for the `coverage` command: one line per region.
    pub fn text_table(&self) -> String {
        let mut s = format!(
            "coverage by road: home_care providers, {:.0} road-km + {:.0} m buffer \
             ({:.0} m grid)\n{:<4} {:>9} {:>11} {:>8} {:>10}  region\n",
            self.radius_m / 1000.0,
            ROAD_BUFFER_M,
            AREA_CELL_M,
            "id",
            "area_km2",
            "by_road_km2",
            "by_road%",
            "road_data%"
        );
        for r in &self.regions {
            let opt = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.1}"));
            let note = match r.reason {
                None => String::new(),
                Some(AreaReason::NoRoadsInRegion) => " (not reached: no roads in region)".into(),
                Some(AreaReason::RoadNetworkSparse) => format!(
                    " (not reached: roads within 1 km cover < {MIN_ROAD_DATA_PCT:.0} % of it)"
                ),
            };
            s.push_str(&format!(
                "{:<4} {:>9.1} {:>11} {:>8} {:>10.1}  {}{}\n",
                r.region_id,
                r.area_km2,
                opt(r.covered_by_road_km2),
                opt(r.covered_by_road_pct),
                r.road_data_pct,
                r.name,
                note
            ));
        }
        s
    }
}
