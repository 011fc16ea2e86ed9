//! [`LonLat`]: a longitude/latitude pair that is finite and in range by construction.

use geo::{Distance, Geodesic, Point};
use std::fmt;

/// Why a coordinate pair was rejected.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CoordError {
    #[error("longitude {0} is not a finite number")]
    LonNotFinite(f64),
    #[error("latitude {0} is not a finite number")]
    LatNotFinite(f64),
    #[error("longitude {0} is outside -180..=180")]
    LonOutOfRange(f64),
    #[error("latitude {0} is outside -90..=90")]
    LatOutOfRange(f64),
}

/// A point on the JGD2011 / WGS84 ellipsoid in degrees (the two datums agree within 1 m in
/// Kumamoto, so they are treated as one).
///
/// Invalid states are unrepresentable: [`LonLat::new`] rejects NaN, infinities and values out
/// of range, so nothing downstream (rstar, geo) ever sees a NaN.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct LonLat {
    lon: f64,
    lat: f64,
}

impl LonLat {
    /// Validates and builds a coordinate. `lon` in -180..=180 degrees, `lat` in -90..=90 degrees.
    pub fn new(lon: f64, lat: f64) -> Result<Self, CoordError> {
        if !lon.is_finite() {
            return Err(CoordError::LonNotFinite(lon));
        }
        if !lat.is_finite() {
            return Err(CoordError::LatNotFinite(lat));
        }
        if !(-180.0..=180.0).contains(&lon) {
            return Err(CoordError::LonOutOfRange(lon));
        }
        if !(-90.0..=90.0).contains(&lat) {
            return Err(CoordError::LatOutOfRange(lat));
        }
        Ok(Self { lon, lat })
    }

    /// Longitude in degrees east.
    pub fn lon(&self) -> f64 {
        self.lon
    }

    /// Latitude in degrees north.
    pub fn lat(&self) -> f64 {
        self.lat
    }

    /// As a geo point (x = lon, y = lat).
    pub fn point(&self) -> Point<f64> {
        Point::new(self.lon, self.lat)
    }

    /// This point rounded to about 1 km (0.01°), the only precision at which a patient's
    /// location may appear in a log line.
    pub fn rounded_for_log(&self) -> (f64, f64) {
        (
            (self.lon * 100.0).round() / 100.0,
            (self.lat * 100.0).round() / 100.0,
        )
    }
}

impl fmt::Display for LonLat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({:.6}, {:.6})", self.lon, self.lat)
    }
}

/// Geodesic (ellipsoidal, WGS84/GRS80) distance between two points.
///
/// # Units
/// Metres.
///
/// # Why geodesic and not haversine
/// The 16 km home-visit rule is decided at the boundary: haversine on a sphere is off by up to
/// 0.5 % (80 m at 16 km) in this latitude band, enough to flip a home in or out of a clinic's
/// legal radius. The geodesic is exact to nanometres.
///
/// # References
/// C. F. F. Karney, "Algorithms for geodesics", J. Geodesy 87 (2013), via geo's `Geodesic`.
pub fn geodesic_distance_m(a: LonLat, b: LonLat) -> f64 {
    Geodesic.distance(a.point(), b.point())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_non_finite_and_out_of_range_values() {
        assert!(matches!(
            LonLat::new(f64::NAN, 0.0),
            Err(CoordError::LonNotFinite(_))
        ));
        assert!(matches!(
            LonLat::new(0.0, f64::INFINITY),
            Err(CoordError::LatNotFinite(_))
        ));
        assert!(matches!(
            LonLat::new(180.5, 0.0),
            Err(CoordError::LonOutOfRange(_))
        ));
        assert!(matches!(
            LonLat::new(0.0, -90.1),
            Err(CoordError::LatOutOfRange(_))
        ));
        assert!(LonLat::new(130.7, 32.8).is_ok());
    }

    #[test]
    fn geodesic_distance_matches_a_known_value() {
        // Reference values from pyproj's Geod(ellps="GRS80").inv (GeographicLib).
        let a = LonLat::new(130.7, 32.0).unwrap();
        let b = LonLat::new(130.7, 33.0).unwrap();
        assert!((geodesic_distance_m(a, b) - 110_895.608_918).abs() < 1e-3);
        let c = LonLat::new(130.7079, 32.8032).unwrap();
        let d = LonLat::new(130.9, 32.5).unwrap();
        assert!((geodesic_distance_m(c, d) - 38_149.826_671).abs() < 1e-3);
    }

    #[test]
    fn rounding_for_logs_keeps_only_two_decimals() {
        let p = LonLat::new(130.70791, 32.80324).unwrap();
        assert_eq!(p.rounded_for_log(), (130.71, 32.8));
    }
}
