//! Geometry primitives: validated coordinates, geodesic distance and the metric
//! projection every planar computation (index, coverage) runs in.

mod lonlat;
mod projection;

pub use lonlat::{geodesic_distance_m, CoordError, LonLat};
pub use projection::{
    Projection, Xy, GRID_GEODESIC_ERR_M, GRID_GEODESIC_MAX_M, SCALE_MAX, SCALE_MIN,
};
