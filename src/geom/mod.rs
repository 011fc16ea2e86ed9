//! Geometry primitives: validated coordinates, geodesic distance, the metric projection every
//! planar computation (index, coverage) runs in, and the planar routines on plain `[x, y]`
//! coordinates that several engines share (point-to-segment distance, Douglas–Peucker).

mod lonlat;
mod projection;
mod segment;
mod simplify;

pub use lonlat::{geodesic_distance_m, CoordError, LonLat};
pub use projection::{
    Projection, Xy, GRID_GEODESIC_ERR_M, GRID_GEODESIC_MAX_M, SCALE_MAX, SCALE_MIN,
};
pub use segment::{segment_distance, segment_distance2, segment_foot};
pub use simplify::{simplify_line, simplify_ring, Simplifier};
