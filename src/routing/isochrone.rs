//! Isochrones: the area within a drive time or road distance of one point, as nested polygons.
//!
//! # Method
//! The origin is snapped (3 km limit); its off-road leg is charged at the start (metres, or
//! seconds at [`super::OFFROAD_SPEED_KMH`]). One bounded single-source Dijkstra
//! ([`Reach::compute`]) runs up to the largest contour; each contour's area is every
//! [`ROAD_BUFFER_M`]-metre buffer of the road parts reached within it, on a
//! [`AREA_CELL_M`]-metre grid in zone II metres (a cell belongs to a contour iff its centre is
//! within the buffer of a part reached within the contour: [`LevelGrid`]), outlined exactly
//! along cell edges with holes where nothing is reached ([`super::trace`]). Contours are
//! nested by construction: one grid holds, per cell, the smallest contour reaching it.

use super::grid::LevelGrid;
use super::network::RoadNetwork;
use super::reach::{Metric, Reach, ReachSource};
use super::snap::Snap;
use super::RoadReason;
use crate::geom::LonLat;
use geo_types::MultiPolygon;

/// Buffer around reached road parts, metres: a home within 1 km of a road a nurse can drive
/// is taken as reachable (the last stretch by a road the probe data lacks, or on foot). The
/// probe network misses most quiet rural roads, so a narrower buffer would mostly measure the
/// missing data.
pub const ROAD_BUFFER_M: f64 = 1_000.0;

/// Side of the raster cells the buffers are built on, metres: boundaries are exact to half a
/// cell diagonal (71 m), well under the 1 km buffer and the 100–500 m uncertainty of
/// provider points.
pub const AREA_CELL_M: f64 = 100.0;

/// Most contours one request may ask for.
pub const MAX_CONTOURS: usize = 4;
/// Largest time contour, minutes.
pub const MAX_MINUTES: f64 = 120.0;
/// Largest distance contour, km.
pub const MAX_KM: f64 = 100.0;

/// One contour's area.
#[derive(Debug, Clone)]
pub struct Contour {
    /// The contour value in the request's unit (minutes or km).
    pub value: f64,
    /// Zone II metres.
    pub area_xy: MultiPolygon<f64>,
}

/// `mp` (metres in `plane`) in lon/lat degrees rounded to 6 decimals (≈ 0.1 m).
pub fn to_lonlat(mp: &MultiPolygon<f64>, plane: &super::Plane) -> MultiPolygon<f64> {
    use geo::MapCoords;
    let r6 = |v: f64| (v * 1e6).round() / 1e6;
    mp.map_coords(|c| {
        let (lon, lat) = plane.inverse([c.x, c.y]);
        geo_types::Coord {
            x: r6(lon),
            y: r6(lat),
        }
    })
}

/// An isochrone answer: contours largest first.
#[derive(Debug, Clone)]
pub struct Isochrone {
    pub snap: Snap,
    pub metric: Metric,
    pub contours: Vec<Contour>,
    /// The search behind it (node costs in metres or seconds), for checks.
    pub reach: Reach,
}

/// The contours (in minutes for [`Metric::Time`], km for [`Metric::Distance`], strictly
/// increasing, validated by the caller) around `at`. `Err` when `at` is more than 3 km from
/// any road.
pub fn isochrone(
    net: &RoadNetwork,
    at: LonLat,
    metric: Metric,
    contours: &[f64],
) -> Result<Isochrone, RoadReason> {
    let snap = net.snap(at).ok_or(RoadReason::NoRoadWithin3km)?;
    let g = &net.graph;
    let budgets: Vec<f64> = contours
        .iter()
        .map(|c| match metric {
            Metric::Time => c * 60.0,
            Metric::Distance => c * 1000.0,
        })
        .collect();
    let limit = budgets.last().copied().unwrap_or(0.0);
    let source = ReachSource {
        link: snap.link,
        along_m: snap.along_m,
        cost: metric.offroad_cost(snap.offroad_m),
    };
    let reach = Reach::compute(g, metric, vec![source], limit);
    let mut out = Vec::with_capacity(contours.len());
    if let Some((lo, hi)) = reach.extent(g, &net.outline, limit) {
        let mut grid = LevelGrid::covering(lo, hi, ROAD_BUFFER_M, AREA_CELL_M);
        reach.paint(g, &net.outline, &mut grid, &budgets, ROAD_BUFFER_M);
        for (k, value) in contours.iter().enumerate().rev() {
            out.push(Contour {
                value: *value,
                area_xy: grid.polygons(k as u8),
            });
        }
    } else {
        // The off-road leg alone exceeds every contour: nothing is reached.
        for value in contours.iter().rev() {
            out.push(Contour {
                value: *value,
                area_xy: MultiPolygon(Vec::new()),
            });
        }
    }
    Ok(Isochrone {
        snap,
        metric,
        contours: out,
        reach,
    })
}
