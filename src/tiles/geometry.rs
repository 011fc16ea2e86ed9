//! The lon/lat → tile geometry pipeline: project → clip to the buffered tile
//! → simplify → round → clean → drop sub-pixel rings → orient per MVT 2.1.
//!
//! # References
//! - Mapbox Vector Tile Specification 2.1, §4.3 (geometry encoding, winding).
//! - See [`super::clip`], [`crate::geom::simplify_line`], [`super::rings`] for methods.

use geo_types::{Coord, Geometry, LineString, Polygon, Rect};

use super::clip::{clip_line, clip_ring, ClipBox};
use super::project::TileProjector;
use super::rings::{orient, round_line, round_point, round_ring, TilePoint};
use super::{TileCoord, BUFFER, EXTENT};
use crate::geom::{simplify_line, simplify_ring};

/// A polygon in tile space: open rings (the closing vertex is implied, as
/// MVT's ClosePath does), exterior with positive spec area, holes negative.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TilePolygon {
    /// Exterior ring, ≥ 3 vertices, clockwise on screen.
    pub exterior: Vec<TilePoint>,
    /// Holes, each ≥ 3 vertices, counter-clockwise on screen.
    pub interiors: Vec<Vec<TilePoint>>,
}

/// Geometry ready for MVT encoding, in integer extent units (tile-local,
/// y down). Never empty when produced by [`TileGeometry::from_lonlat`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TileGeometry {
    /// One or more points (MVT `POINT`).
    Points(Vec<TilePoint>),
    /// One or more polylines of ≥ 2 vertices (MVT `LINESTRING`).
    Lines(Vec<Vec<TilePoint>>),
    /// One or more polygons (MVT `POLYGON`).
    Polygons(Vec<TilePolygon>),
}

impl TileGeometry {
    /// Whether there is nothing to encode.
    pub fn is_empty(&self) -> bool {
        match self {
            TileGeometry::Points(p) => p.is_empty(),
            TileGeometry::Lines(l) => l.is_empty(),
            TileGeometry::Polygons(p) => p.is_empty(),
        }
    }

    /// Runs the full pipeline for one lon/lat geometry and one tile, using
    /// `ctx` (see [`TileContext::new`]). Returns `None` when nothing of the
    /// feature is visible in the buffered tile (or everything collapsed below
    /// one pixel) and for `GeometryCollection`, which MVT cannot express as
    /// one feature.
    pub fn from_lonlat(geom: &Geometry<f64>, ctx: &TileContext) -> Option<TileGeometry> {
        let out = match geom {
            Geometry::Point(p) => points(std::iter::once(p.0), ctx),
            Geometry::MultiPoint(mp) => points(mp.iter().map(|p| p.0), ctx),
            Geometry::Line(l) => lines([&LineString::new(vec![l.start, l.end])].into_iter(), ctx),
            Geometry::LineString(ls) => lines(std::iter::once(ls), ctx),
            Geometry::MultiLineString(mls) => lines(mls.iter(), ctx),
            Geometry::Polygon(p) => polygons(std::iter::once(p), ctx),
            Geometry::MultiPolygon(mp) => polygons(mp.iter(), ctx),
            Geometry::Rect(r) => polygons(std::iter::once(&r.to_polygon()), ctx),
            Geometry::Triangle(t) => polygons(std::iter::once(&t.to_polygon()), ctx),
            Geometry::GeometryCollection(_) => return None,
        };
        (!out.is_empty()).then_some(out)
    }
}

/// Simplification and filtering knobs of the pipeline.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RenderOptions {
    /// Douglas–Peucker tolerance in extent units. Default `16.0` =
    /// `EXTENT / 256`, one pixel of a 256-px tile at every zoom.
    /// `0.0` disables simplification.
    pub simplify_tolerance: f64,
    /// Rings whose area is below this many extent units² after rounding are
    /// dropped (a dropped exterior drops its holes). Default `256.0` = one
    /// pixel² of a 256-px tile.
    pub min_ring_area: f64,
}

impl Default for RenderOptions {
    fn default() -> Self {
        Self {
            simplify_tolerance: f64::from(EXTENT) / 256.0,
            min_ring_area: (f64::from(EXTENT) / 256.0).powi(2),
        }
    }
}

/// Everything the pipeline needs for one tile, computed once per tile.
#[derive(Debug, Clone)]
pub struct TileContext {
    projector: TileProjector,
    bbox: Rect<f64>,
    clip: ClipBox,
    opts: RenderOptions,
}

impl TileContext {
    /// Context for `tile`: projection, the buffered lon/lat bbox used for
    /// pre-filtering, and the clip box `[-BUFFER, EXTENT + BUFFER]²`.
    pub fn new(tile: &TileCoord, opts: RenderOptions) -> Self {
        let projector = TileProjector::new(tile);
        Self {
            projector,
            bbox: projector.buffered_bounds(),
            clip: ClipBox {
                min: -f64::from(BUFFER),
                max: f64::from(EXTENT + BUFFER),
            },
            opts,
        }
    }

    /// Buffered tile bounds in lon/lat degrees (`min = (west, south)`).
    pub fn bbox(&self) -> &Rect<f64> {
        &self.bbox
    }

    fn project_ring(&self, ls: &LineString<f64>) -> Vec<[f64; 2]> {
        let mut v: Vec<[f64; 2]> =
            ls.0.iter()
                .map(|c| self.projector.project(c.x, c.y))
                .collect();
        if v.len() > 1 && v.first() == v.last() {
            v.pop();
        }
        v
    }

    /// Cheap lon/lat rejection of a ring that cannot touch the tile.
    fn ring_misses(&self, ls: &LineString<f64>) -> bool {
        let (mut w, mut s, mut e, mut n) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for c in &ls.0 {
            w = w.min(c.x);
            e = e.max(c.x);
            s = s.min(c.y);
            n = n.max(c.y);
        }
        let b = &self.bbox;
        e < b.min().x || w > b.max().x || n < b.min().y || s > b.max().y
    }
}

fn points(iter: impl Iterator<Item = Coord<f64>>, ctx: &TileContext) -> TileGeometry {
    let pts = iter
        .map(|c| ctx.projector.project(c.x, c.y))
        .filter(|p| ctx.clip.contains(*p))
        .map(round_point)
        .collect();
    TileGeometry::Points(pts)
}

fn lines<'a>(iter: impl Iterator<Item = &'a LineString<f64>>, ctx: &TileContext) -> TileGeometry {
    let mut out = Vec::new();
    for ls in iter {
        if ls.0.len() < 2 || ctx.ring_misses(ls) {
            continue;
        }
        let projected: Vec<[f64; 2]> =
            ls.0.iter()
                .map(|c| ctx.projector.project(c.x, c.y))
                .collect();
        for part in clip_line(&projected, &ctx.clip) {
            let simplified = simplify_line(&part, ctx.opts.simplify_tolerance);
            let rounded = round_line(&simplified);
            if rounded.len() >= 2 {
                out.push(rounded);
            }
        }
    }
    TileGeometry::Lines(out)
}

/// Clip → simplify → round/clean → area filter → orient, for one ring.
fn ring(ls: &LineString<f64>, exterior: bool, ctx: &TileContext) -> Option<Vec<TilePoint>> {
    if ls.0.len() < 3 || ctx.ring_misses(ls) {
        return None;
    }
    let projected = ctx.project_ring(ls);
    let clipped = clip_ring(&projected, &ctx.clip);
    if clipped.len() < 3 {
        return None;
    }
    let simplified = simplify_ring(&clipped, ctx.opts.simplify_tolerance);
    let mut r = round_ring(&simplified);
    if r.len() < 3 {
        return None;
    }
    let area2 = orient(&mut r, exterior);
    // Doubled area as i64 is exact for coordinates inside the clip box.
    ((area2 as f64) / 2.0 >= ctx.opts.min_ring_area).then_some(r)
}

fn polygons<'a>(iter: impl Iterator<Item = &'a Polygon<f64>>, ctx: &TileContext) -> TileGeometry {
    let mut out = Vec::new();
    for poly in iter {
        let Some(exterior) = ring(poly.exterior(), true, ctx) else {
            continue;
        };
        let interiors = poly
            .interiors()
            .iter()
            .filter_map(|h| ring(h, false, ctx))
            .collect();
        out.push(TilePolygon {
            exterior,
            interiors,
        });
    }
    TileGeometry::Polygons(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tiles::rings::ring_area2;
    use geo_types::{line_string, point, polygon, MultiPoint};

    fn ctx(z: u8, x: u32, y: u32) -> TileContext {
        TileContext::new(&TileCoord::new(z, x, y).unwrap(), RenderOptions::default())
    }

    #[test]
    fn point_at_origin_z0() {
        let g = Geometry::Point(point!(x: 0.0, y: 0.0));
        assert_eq!(
            TileGeometry::from_lonlat(&g, &ctx(0, 0, 0)),
            Some(TileGeometry::Points(vec![[2048, 2048]]))
        );
    }

    #[test]
    fn points_outside_buffer_are_dropped() {
        let c = ctx(1, 1, 0); // NE quadrant
        let mp: MultiPoint<f64> = vec![point!(x: 90.0, y: 40.0), point!(x: -90.0, y: 40.0)].into();
        match TileGeometry::from_lonlat(&Geometry::MultiPoint(mp), &c) {
            Some(TileGeometry::Points(p)) => assert_eq!(p.len(), 1),
            other => panic!("{other:?}"),
        }
        let far = Geometry::Point(point!(x: -90.0, y: -40.0));
        assert_eq!(TileGeometry::from_lonlat(&far, &c), None);
    }

    #[test]
    fn geo_ccw_exterior_becomes_positive_spec_area() {
        // geo convention: exterior CCW with y up (lon/lat).
        let p = polygon!(
            exterior: [(x: -10.0, y: -10.0), (x: 10.0, y: -10.0), (x: 10.0, y: 10.0), (x: -10.0, y: 10.0)],
            interiors: [[(x: -5.0, y: -5.0), (x: -5.0, y: 5.0), (x: 5.0, y: 5.0), (x: 5.0, y: -5.0)]],
        );
        let Some(TileGeometry::Polygons(ps)) =
            TileGeometry::from_lonlat(&Geometry::Polygon(p), &ctx(0, 0, 0))
        else {
            panic!("polygon vanished");
        };
        assert_eq!(ps.len(), 1);
        assert!(ring_area2(&ps[0].exterior) > 0);
        assert_eq!(ps[0].interiors.len(), 1);
        assert!(ring_area2(&ps[0].interiors[0]) < 0);
    }

    #[test]
    fn subpixel_polygon_is_dropped_and_line_clipped() {
        let tiny = polygon![(x: 0.0, y: 0.0), (x: 0.01, y: 0.0), (x: 0.01, y: 0.01)];
        assert_eq!(
            TileGeometry::from_lonlat(&Geometry::Polygon(tiny), &ctx(0, 0, 0)),
            None
        );
        let l = line_string![(x: -170.0, y: 0.0), (x: 170.0, y: 0.0)];
        let Some(TileGeometry::Lines(ls)) =
            TileGeometry::from_lonlat(&Geometry::LineString(l), &ctx(1, 1, 1))
        else {
            panic!("line vanished");
        };
        assert_eq!(ls.len(), 1);
        assert_eq!(ls[0][0], [-64, 0]);
    }

    #[test]
    fn collections_are_skipped() {
        let gc = Geometry::GeometryCollection(geo_types::GeometryCollection::default());
        assert_eq!(TileGeometry::from_lonlat(&gc, &ctx(0, 0, 0)), None);
    }
}
