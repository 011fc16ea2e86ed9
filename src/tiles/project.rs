//! Spherical Web Mercator (EPSG:3857) maths: lon/lat ⇄ fractional tile
//! coordinates, and the projection into tile-local integer space.
//!
//! # References
//! - OpenStreetMap wiki, "Slippy map tilenames" (tile numbering, y down from
//!   the north edge).
//! - EPSG:3857 "WGS 84 / Pseudo-Mercator", sphere radius 6 378 137 m.
//! - Mapbox Vector Tile Specification 2.1, §4.3 (tile coordinate space:
//!   origin top-left, x right, y down, `extent` units per tile edge).

use super::{TileCoord, BUFFER, EXTENT};

/// Largest latitude (degrees) representable in Web Mercator:
/// `atan(sinh(π))·180/π`.
pub const MAX_LATITUDE: f64 = 85.051_128_779_806_59;

/// Earth radius used by EPSG:3857, in metres.
pub const EARTH_RADIUS_M: f64 = 6_378_137.0;

/// Half the width of the Mercator world, in metres (`π · R`).
pub const MERCATOR_HALF_WORLD_M: f64 = std::f64::consts::PI * EARTH_RADIUS_M;

/// Fractional tile column of longitude `lon` (degrees) at zoom `z`;
/// `0.0` is the antimeridian at 180°W, `2^z` at 180°E.
pub fn lon_to_tile_x(lon: f64, z: u8) -> f64 {
    (lon + 180.0) / 360.0 * f64::from(1u32 << z)
}

/// Fractional tile row of latitude `lat` (degrees, clamped to
/// ±[`MAX_LATITUDE`]) at zoom `z`; `0.0` is the north edge.
///
/// # References
/// `y = (1 − asinh(tan φ)/π) / 2 · 2^z` (OSM wiki, "Slippy map tilenames").
pub fn lat_to_tile_y(lat: f64, z: u8) -> f64 {
    let phi = lat.clamp(-MAX_LATITUDE, MAX_LATITUDE).to_radians();
    (1.0 - phi.tan().asinh() / std::f64::consts::PI) / 2.0 * f64::from(1u32 << z)
}

/// Longitude (degrees) of fractional tile column `tx` at zoom `z`.
pub fn tile_x_to_lon(tx: f64, z: u8) -> f64 {
    tx / f64::from(1u32 << z) * 360.0 - 180.0
}

/// Latitude (degrees) of fractional tile row `ty` at zoom `z`
/// (inverse of [`lat_to_tile_y`]: `atan(sinh(π(1 − 2y/2^z)))`).
pub fn tile_y_to_lat(ty: f64, z: u8) -> f64 {
    let n = f64::from(1u32 << z);
    (std::f64::consts::PI * (1.0 - 2.0 * ty / n))
        .sinh()
        .atan()
        .to_degrees()
}

/// Projects lon/lat degrees into the local coordinate space of one tile:
/// `extent` ([`EXTENT`] = 4096) units per tile edge, origin at the tile's
/// top-left corner, y down. Values are `f64` so clipping and simplification
/// happen before rounding.
#[derive(Debug, Clone, Copy)]
pub struct TileProjector {
    z: u8,
    x: f64,
    y: f64,
}

impl TileProjector {
    /// Projector for `tile`.
    pub fn new(tile: &TileCoord) -> Self {
        Self {
            z: tile.z(),
            x: f64::from(tile.x()),
            y: f64::from(tile.y()),
        }
    }

    /// Tile-local `(x, y)` in extent units of the point `lon`, `lat`
    /// (degrees). Points inside the tile map to `[0, 4096)`.
    pub fn project(&self, lon: f64, lat: f64) -> [f64; 2] {
        let e = f64::from(EXTENT);
        [
            (lon_to_tile_x(lon, self.z) - self.x) * e,
            (lat_to_tile_y(lat, self.z) - self.y) * e,
        ]
    }

    /// Inverse of [`Self::project`]: lon/lat degrees of tile-local `(x, y)`.
    pub fn unproject(&self, px: f64, py: f64) -> [f64; 2] {
        let e = f64::from(EXTENT);
        [
            tile_x_to_lon(self.x + px / e, self.z),
            tile_y_to_lat(self.y + py / e, self.z),
        ]
    }

    /// Lon/lat rectangle covered by the tile plus its [`BUFFER`], clamped
    /// to the Mercator world; used to pre-filter features by bbox.
    pub fn buffered_bounds(&self) -> geo_types::Rect<f64> {
        let b = f64::from(BUFFER);
        let e = f64::from(EXTENT);
        let [w, n] = self.unproject(-b, -b);
        let [east, s] = self.unproject(e + b, e + b);
        geo_types::Rect::new(
            geo_types::coord! { x: w.max(-180.0), y: s.max(-MAX_LATITUDE) },
            geo_types::coord! { x: east.min(180.0), y: n.min(MAX_LATITUDE) },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, eps: f64) -> bool {
        (a - b).abs() <= eps
    }

    #[test]
    fn origin_projects_to_tile_centre_at_z0() {
        let p = TileProjector::new(&TileCoord::new(0, 0, 0).unwrap());
        let [x, y] = p.project(0.0, 0.0);
        assert!(close(x, 2048.0, 1e-9) && close(y, 2048.0, 1e-9), "{x},{y}");
        let [x, y] = p.project(-180.0, MAX_LATITUDE);
        assert!(close(x, 0.0, 1e-9) && close(y, 0.0, 1e-6), "{x},{y}");
        let [x, y] = p.project(180.0, -MAX_LATITUDE);
        assert!(close(x, 4096.0, 1e-9) && close(y, 4096.0, 1e-6), "{x},{y}");
    }

    #[test]
    fn kumamoto_projects_into_its_tile() {
        // Kumamoto castle ≈ 130.7058 E, 32.8061 N lies in z10 tile 883/413.
        let t = TileCoord::new(10, 883, 413).unwrap();
        let [x, y] = TileProjector::new(&t).project(130.7058, 32.8061);
        assert!(
            (0.0..4096.0).contains(&x) && (0.0..4096.0).contains(&y),
            "{x},{y}"
        );
    }

    #[test]
    fn project_unproject_round_trip() {
        let t = TileCoord::new(14, 14_139, 6_648).unwrap();
        let p = TileProjector::new(&t);
        let [x, y] = p.project(130.7, 32.8);
        let [lon, lat] = p.unproject(x, y);
        assert!(close(lon, 130.7, 1e-9) && close(lat, 32.8, 1e-9));
    }

    #[test]
    fn latitude_is_clamped() {
        assert!(close(lat_to_tile_y(90.0, 0), 0.0, 1e-9));
        assert!(close(lat_to_tile_y(-90.0, 0), 1.0, 1e-9));
        assert!(close(tile_y_to_lat(0.0, 0), MAX_LATITUDE, 1e-9));
    }
}
