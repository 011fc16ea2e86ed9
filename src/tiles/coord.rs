//! Tile addressing: `z/x/y` in the XYZ ("slippy map") scheme, bounds in
//! lon/lat and Web Mercator metres, and bbox → tile enumeration.
//!
//! # References
//! - OpenStreetMap wiki, "Slippy map tilenames".
//! - TileJSON 3.0 `scheme: "xyz"` (row 0 is the northernmost row).

use std::fmt;

use geo_types::{coord, Rect};

use super::project::{
    lat_to_tile_y, lon_to_tile_x, tile_x_to_lon, tile_y_to_lat, MAX_LATITUDE, MERCATOR_HALF_WORLD_M,
};
use super::{TileError, MAX_ZOOM};

/// A validated tile address: `z <= 22` and `x, y < 2^z`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TileCoord {
    z: u8,
    x: u32,
    y: u32,
}

impl TileCoord {
    /// Validates and builds a tile address.
    ///
    /// # Errors
    /// [`TileError::ZoomOutOfRange`], [`TileError::XOutOfRange`] or
    /// [`TileError::YOutOfRange`], e.g. `x=9 is out of range for z=3 (must be < 8)`.
    pub fn new(z: u8, x: u32, y: u32) -> Result<Self, TileError> {
        if z > MAX_ZOOM {
            return Err(TileError::ZoomOutOfRange {
                z: u32::from(z),
                max: MAX_ZOOM,
            });
        }
        let limit = 1u32 << z;
        if x >= limit {
            return Err(TileError::XOutOfRange { x, z, limit });
        }
        if y >= limit {
            return Err(TileError::YOutOfRange { y, z, limit });
        }
        Ok(Self { z, x, y })
    }

    /// Parses the three last segments of a `/{z}/{x}/{y}.mvt` route. The last
    /// segment must carry a `.mvt` or `.pbf` extension.
    ///
    /// # Errors
    /// [`TileError::NotAnInteger`], [`TileError::MissingExtension`],
    /// [`TileError::UnsupportedExtension`], or the range errors of [`Self::new`].
    pub fn parse_path(z: &str, x: &str, y_with_ext: &str) -> Result<Self, TileError> {
        let (y, ext) = y_with_ext
            .rsplit_once('.')
            .ok_or_else(|| TileError::MissingExtension {
                value: y_with_ext.to_owned(),
            })?;
        if ext != "mvt" && ext != "pbf" {
            return Err(TileError::UnsupportedExtension {
                ext: ext.to_owned(),
            });
        }
        let zv = parse_u32("z", z)?;
        let xv = parse_u32("x", x)?;
        let yv = parse_u32("y", y)?;
        let zz = u8::try_from(zv).ok().filter(|zz| *zz <= MAX_ZOOM).ok_or(
            TileError::ZoomOutOfRange {
                z: zv,
                max: MAX_ZOOM,
            },
        )?;
        Self::new(zz, xv, yv)
    }

    /// Zoom level.
    pub fn z(&self) -> u8 {
        self.z
    }

    /// Column, 0 at 180°W.
    pub fn x(&self) -> u32 {
        self.x
    }

    /// Row, 0 at the north edge (XYZ scheme, not TMS).
    pub fn y(&self) -> u32 {
        self.y
    }

    /// The tile one zoom level up, `None` at z0.
    pub fn parent(&self) -> Option<Self> {
        (self.z > 0).then(|| Self {
            z: self.z - 1,
            x: self.x / 2,
            y: self.y / 2,
        })
    }

    /// Lon/lat bounds in degrees: `min = (west, south)`, `max = (east, north)`.
    pub fn bounds_lonlat(&self) -> Rect<f64> {
        let (x, y) = (f64::from(self.x), f64::from(self.y));
        Rect::new(
            coord! { x: tile_x_to_lon(x, self.z), y: tile_y_to_lat(y + 1.0, self.z) },
            coord! { x: tile_x_to_lon(x + 1.0, self.z), y: tile_y_to_lat(y, self.z) },
        )
    }

    /// Bounds in EPSG:3857 metres (`min = (west, south)`).
    ///
    /// # References
    /// World square `±π·6 378 137 m`; tile size `2π·R / 2^z`.
    pub fn bounds_mercator(&self) -> Rect<f64> {
        let size = 2.0 * MERCATOR_HALF_WORLD_M / f64::from(1u32 << self.z);
        let west = -MERCATOR_HALF_WORLD_M + f64::from(self.x) * size;
        let north = MERCATOR_HALF_WORLD_M - f64::from(self.y) * size;
        Rect::new(
            coord! { x: west, y: north - size },
            coord! { x: west + size, y: north },
        )
    }
}

impl fmt::Display for TileCoord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.z, self.x, self.y)
    }
}

fn parse_u32(param: &'static str, s: &str) -> Result<u32, TileError> {
    let err = || TileError::NotAnInteger {
        param,
        value: s.to_owned(),
    };
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(err());
    }
    s.parse().map_err(|_| err())
}

/// Row-major iterator over the tiles of one zoom level that intersect a
/// lon/lat bbox, produced by [`tiles_covering`].
#[derive(Debug, Clone)]
pub struct TileRange {
    z: u8,
    x0: u32,
    x1: u32,
    y0: u32,
    y1: u32,
    next: Option<(u32, u32)>,
}

impl TileRange {
    /// Number of tiles in the whole range (independent of iteration).
    pub fn total(&self) -> u64 {
        (u64::from(self.x1 - self.x0) + 1) * (u64::from(self.y1 - self.y0) + 1)
    }
}

impl Iterator for TileRange {
    type Item = TileCoord;

    fn next(&mut self) -> Option<TileCoord> {
        let (x, y) = self.next?;
        self.next = if x < self.x1 {
            Some((x + 1, y))
        } else if y < self.y1 {
            Some((self.x0, y + 1))
        } else {
            None
        };
        Some(TileCoord { z: self.z, x, y })
    }
}

/// Tiles at zoom `z` whose area intersects `bbox` (lon/lat degrees,
/// `min = (west, south)`). Latitudes are clamped to the Mercator limit and
/// longitudes to ±180°; a bbox edge that falls exactly on a tile boundary
/// includes the tile on the bbox's side only for the west/north edges.
///
/// # Errors
/// [`TileError::ZoomOutOfRange`] or [`TileError::InvalidBbox`] (non-finite).
pub fn tiles_covering(bbox: &Rect<f64>, z: u8) -> Result<TileRange, TileError> {
    if z > MAX_ZOOM {
        return Err(TileError::ZoomOutOfRange {
            z: u32::from(z),
            max: MAX_ZOOM,
        });
    }
    let (min, max) = (bbox.min(), bbox.max());
    if ![min.x, min.y, max.x, max.y].iter().all(|v| v.is_finite()) {
        return Err(TileError::InvalidBbox {
            what: "for tiles_covering",
            min_x: min.x,
            min_y: min.y,
            max_x: max.x,
            max_y: max.y,
        });
    }
    let last = (1u32 << z) - 1;
    let col = |lon: f64| -> u32 {
        let t = lon_to_tile_x(lon.clamp(-180.0, 180.0), z).floor();
        (t.max(0.0) as u32).min(last)
    };
    let row = |lat: f64| -> u32 {
        let t = lat_to_tile_y(lat.clamp(-MAX_LATITUDE, MAX_LATITUDE), z).floor();
        (t.max(0.0) as u32).min(last)
    };
    // East/south edges: a max exactly on a boundary must not pull in the
    // next tile, so nudge by a tiny fraction of a tile.
    let east_col = |lon: f64| -> u32 {
        let t = lon_to_tile_x(lon.clamp(-180.0, 180.0), z);
        let c = (t - 1e-9).floor().max(0.0) as u32;
        c.min(last)
    };
    let south_row = |lat: f64| -> u32 {
        let t = lat_to_tile_y(lat.clamp(-MAX_LATITUDE, MAX_LATITUDE), z);
        let r = (t - 1e-9).floor().max(0.0) as u32;
        r.min(last)
    };
    let (x0, y0) = (col(min.x), row(max.y));
    let (x1, y1) = (east_col(max.x).max(x0), south_row(min.y).max(y0));
    Ok(TileRange {
        z,
        x0,
        x1,
        y0,
        y1,
        next: Some((x0, y0)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Intersects;

    #[test]
    fn new_validates_every_parameter() {
        assert!(TileCoord::new(0, 0, 0).is_ok());
        assert!(TileCoord::new(22, (1 << 22) - 1, (1 << 22) - 1).is_ok());
        let e = TileCoord::new(23, 0, 0).unwrap_err();
        assert_eq!(e.to_string(), "z=23 is out of range (must be <= 22)");
        let e = TileCoord::new(3, 9, 0).unwrap_err();
        assert_eq!(e.to_string(), "x=9 is out of range for z=3 (must be < 8)");
        let e = TileCoord::new(3, 7, 8).unwrap_err();
        assert_eq!(e.to_string(), "y=8 is out of range for z=3 (must be < 8)");
        assert!(matches!(
            TileCoord::new(0, 1, 0),
            Err(TileError::XOutOfRange {
                x: 1,
                z: 0,
                limit: 1
            })
        ));
    }

    #[test]
    fn getters_and_display() {
        let t = TileCoord::new(10, 883, 415).unwrap();
        assert_eq!((t.z(), t.x(), t.y()), (10, 883, 415));
        assert_eq!(t.to_string(), "10/883/415");
        assert_eq!(t.parent(), Some(TileCoord::new(9, 441, 207).unwrap()));
        assert_eq!(TileCoord::new(0, 0, 0).unwrap().parent(), None);
    }

    #[test]
    fn parse_path_accepts_mvt_and_pbf() {
        let t = TileCoord::parse_path("10", "883", "415.mvt").unwrap();
        assert_eq!(t, TileCoord::new(10, 883, 415).unwrap());
        let t = TileCoord::parse_path("10", "883", "415.pbf").unwrap();
        assert_eq!(t.y(), 415);
    }

    #[test]
    fn parse_path_error_paths() {
        let msg = |r: Result<TileCoord, TileError>| r.unwrap_err().to_string();
        assert!(matches!(
            TileCoord::parse_path("1", "0", "0"),
            Err(TileError::MissingExtension { .. })
        ));
        assert_eq!(
            msg(TileCoord::parse_path("1", "0", "0.png")),
            "tile extension \"png\" is not supported: use .mvt or .pbf"
        );
        assert!(matches!(
            TileCoord::parse_path("1", "0", "0.MVT"),
            Err(TileError::UnsupportedExtension { .. })
        ));
        assert_eq!(
            msg(TileCoord::parse_path("a", "0", "0.mvt")),
            "z=\"a\" is not a valid tile z: expected a non-negative integer"
        );
        assert!(matches!(
            TileCoord::parse_path("1", "-1", "0.mvt"),
            Err(TileError::NotAnInteger { param: "x", .. })
        ));
        assert!(matches!(
            TileCoord::parse_path("1", "0", ".mvt"),
            Err(TileError::NotAnInteger { param: "y", .. })
        ));
        assert!(matches!(
            TileCoord::parse_path("1", "0", "+1.mvt"),
            Err(TileError::NotAnInteger { param: "y", .. })
        ));
        assert!(matches!(
            TileCoord::parse_path("1", "99999999999", "0.mvt"),
            Err(TileError::NotAnInteger { param: "x", .. })
        ));
        assert_eq!(
            msg(TileCoord::parse_path("300", "0", "0.mvt")),
            "z=300 is out of range (must be <= 22)"
        );
        assert_eq!(
            msg(TileCoord::parse_path("3", "0", "8.mvt")),
            "y=8 is out of range for z=3 (must be < 8)"
        );
    }

    #[test]
    fn bounds_of_z0_and_z1() {
        let b = TileCoord::new(0, 0, 0).unwrap().bounds_lonlat();
        assert!((b.min().x + 180.0).abs() < 1e-9 && (b.max().x - 180.0).abs() < 1e-9);
        assert!((b.max().y - MAX_LATITUDE).abs() < 1e-9);
        assert!((b.min().y + MAX_LATITUDE).abs() < 1e-9);
        let b = TileCoord::new(1, 1, 0).unwrap().bounds_lonlat();
        assert!(b.min().x.abs() < 1e-9 && b.min().y.abs() < 1e-9);
        let m = TileCoord::new(1, 0, 1).unwrap().bounds_mercator();
        assert!((m.min().x + MERCATOR_HALF_WORLD_M).abs() < 1e-6);
        assert!((m.min().y + MERCATOR_HALF_WORLD_M).abs() < 1e-6);
        assert!(m.max().x.abs() < 1e-6 && m.max().y.abs() < 1e-6);
        assert!((MERCATOR_HALF_WORLD_M - 20_037_508.342_789_244).abs() < 1e-6);
    }

    #[test]
    fn covering_tiles() {
        let world = Rect::new(coord! { x: -180.0, y: -90.0 }, coord! { x: 180.0, y: 90.0 });
        assert_eq!(tiles_covering(&world, 0).unwrap().count(), 1);
        assert_eq!(tiles_covering(&world, 2).unwrap().count(), 16);
        assert_eq!(tiles_covering(&world, 2).unwrap().total(), 16);
        // A single point lies in exactly one tile.
        let p = Rect::new(coord! { x: 130.7, y: 32.8 }, coord! { x: 130.7, y: 32.8 });
        let v: Vec<_> = tiles_covering(&p, 10).unwrap().collect();
        assert_eq!(v.len(), 1);
        assert!(v[0].bounds_lonlat().intersects(&p));
        // Exactly on the boundary lon 0 / lat 0 at z1: east/south edge
        // must not pull in the next tile.
        let q = Rect::new(coord! { x: -10.0, y: 0.0 }, coord! { x: 0.0, y: 10.0 });
        let v: Vec<_> = tiles_covering(&q, 1).unwrap().collect();
        assert_eq!(v, vec![TileCoord::new(1, 0, 0).unwrap()]);
        // Kumamoto prefecture at z8 is a handful of tiles, all intersecting.
        let k = Rect::new(coord! { x: 129.9, y: 32.0 }, coord! { x: 131.4, y: 33.2 });
        for t in tiles_covering(&k, 8).unwrap() {
            assert!(t.bounds_lonlat().intersects(&k), "{t}");
        }
        assert!(tiles_covering(&k, 23).is_err());
        let bad = Rect::new(coord! { x: f64::NAN, y: 0.0 }, coord! { x: 1.0, y: 1.0 });
        assert!(matches!(
            tiles_covering(&bad, 3),
            Err(TileError::InvalidBbox { .. })
        ));
    }
}
