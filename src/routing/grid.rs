//! [`LevelGrid`]: a raster of square cells in planar metres on which road pieces are painted
//! with a buffer, each cell keeping the smallest level (contour index) that reached it.
//!
//! # Method
//! A cell belongs to the buffer of a segment when its **centre** lies within the buffer width
//! of the segment (a capsule: the segment's rectangle plus a disc at each end). Painting walks
//! the capsule row by row: on the horizontal line through a row of cell centres the capsule is
//! one interval (it is convex), the union of the intervals cut by the two end discs and by the
//! rectangle strip, so the covered cells of the row are one run. The result is exact for the
//! cell centres: a cell is painted iff its centre is within `buffer_m` of some painted piece.
//! The area of the painted cells differs from the true buffer only along its boundary, by at
//! most half a cell diagonal.
//!
//! # Units
//! Metres in the plane of the road graph (zone II over Kumamoto, where planar metres are
//! ground metres to 0.05 %).

/// "No level": the cell was not reached.
pub const NONE: u8 = u8::MAX;

/// A raster of levels over a rectangle of the plane.
#[derive(Debug, Clone)]
pub struct LevelGrid {
    /// Lower-left corner of cell (0, 0), metres.
    pub origin: [f64; 2],
    /// Side of a cell, metres.
    pub cell_m: f64,
    pub width: usize,
    pub height: usize,
    cells: Vec<u8>,
}

impl LevelGrid {
    /// A grid covering `min`..`max` plus `margin_m` on every side, plus two spare cells so no
    /// painted cell touches the grid's edge. Cells are aligned to multiples of `cell_m`, so
    /// grids over different extents share cell boundaries.
    pub fn covering(min: [f64; 2], max: [f64; 2], margin_m: f64, cell_m: f64) -> Self {
        let lo = |v: f64| ((v - margin_m) / cell_m).floor() - 2.0;
        let hi = |v: f64| ((v + margin_m) / cell_m).ceil() + 2.0;
        let (i0, j0) = (lo(min[0]), lo(min[1]));
        let (i1, j1) = (hi(max[0]), hi(max[1]));
        let width = (i1 - i0).max(1.0) as usize;
        let height = (j1 - j0).max(1.0) as usize;
        Self {
            origin: [i0 * cell_m, j0 * cell_m],
            cell_m,
            width,
            height,
            cells: vec![NONE; width * height],
        }
    }

    /// The level of cell (i, j), [`NONE`] when unpainted or outside.
    pub fn level(&self, i: usize, j: usize) -> u8 {
        if i < self.width && j < self.height {
            self.cells[j * self.width + i]
        } else {
            NONE
        }
    }

    /// The cell holding point `p` (metres), if it lies on the grid.
    pub fn cell_of(&self, p: [f64; 2]) -> Option<(usize, usize)> {
        let i = ((p[0] - self.origin[0]) / self.cell_m).floor();
        let j = ((p[1] - self.origin[1]) / self.cell_m).floor();
        (i >= 0.0 && j >= 0.0 && (i as usize) < self.width && (j as usize) < self.height)
            .then_some((i as usize, j as usize))
    }

    /// The centre of cell (i, j), metres.
    pub fn center(&self, i: usize, j: usize) -> [f64; 2] {
        [
            self.origin[0] + (i as f64 + 0.5) * self.cell_m,
            self.origin[1] + (j as f64 + 0.5) * self.cell_m,
        ]
    }

    /// Cells with a level ≤ `max_level`.
    pub fn count_at_most(&self, max_level: u8) -> usize {
        self.cells.iter().filter(|l| **l <= max_level).count()
    }

    /// Paints every segment of the polyline `pts` (a single point paints a disc).
    pub fn paint_polyline(&mut self, pts: &[[f64; 2]], buffer_m: f64, level: u8) {
        match pts {
            [] => {}
            [p] => self.paint_segment(*p, *p, buffer_m, level),
            _ => {
                for w in pts.windows(2) {
                    self.paint_segment(w[0], w[1], buffer_m, level);
                }
            }
        }
    }

    /// Lowers to `level` every cell whose centre lies within `r` metres of segment `p`–`q`.
    pub fn paint_segment(&mut self, p: [f64; 2], q: [f64; 2], r: f64, level: u8) {
        if !(p[0].is_finite() && p[1].is_finite() && q[0].is_finite() && q[1].is_finite()) {
            return;
        }
        let h = self.cell_m;
        let (ox, oy) = (self.origin[0], self.origin[1]);
        // Rows whose centre line y = oy + (j + ½)h meets the capsule's y-range.
        let ymin = p[1].min(q[1]) - r;
        let ymax = p[1].max(q[1]) + r;
        let j0 = ((ymin - oy) / h - 0.5).ceil().max(0.0);
        let j1 = ((ymax - oy) / h - 0.5)
            .floor()
            .min(self.height as f64 - 1.0);
        if j1 < j0 {
            return;
        }
        let (dx, dy) = (q[0] - p[0], q[1] - p[1]);
        let len = dx.hypot(dy);
        let r2 = r * r;
        for j in j0 as usize..=j1 as usize {
            let y = oy + (j as f64 + 0.5) * h;
            let mut lo = f64::INFINITY;
            let mut hi = f64::NEG_INFINITY;
            for c in [p, q] {
                let ddy = y - c[1];
                let s = r2 - ddy * ddy;
                if s >= 0.0 {
                    let s = s.sqrt();
                    lo = lo.min(c[0] - s);
                    hi = hi.max(c[0] + s);
                }
            }
            if len > 0.0 {
                // Points (x, y) with 0 ≤ u·(x − p) ≤ len and |n·(x − p)| ≤ r, where u is the
                // unit direction and n the unit normal: each a linear condition on x.
                let (ux, uy) = (dx / len, dy / len);
                let (nx, ny) = (-uy, ux);
                let ry = y - p[1];
                let mut a = f64::NEG_INFINITY;
                let mut b = f64::INFINITY;
                let mut empty = false;
                for (cx, c0, lo_v, hi_v) in [(ux, uy * ry, 0.0, len), (nx, ny * ry, -r, r)] {
                    // lo_v ≤ cx·(x − px) + c0 ≤ hi_v
                    if cx.abs() < 1e-12 {
                        if c0 < lo_v || c0 > hi_v {
                            empty = true;
                        }
                    } else {
                        let e0 = p[0] + (lo_v - c0) / cx;
                        let e1 = p[0] + (hi_v - c0) / cx;
                        a = a.max(e0.min(e1));
                        b = b.min(e0.max(e1));
                    }
                }
                if !empty && a <= b {
                    lo = lo.min(a);
                    hi = hi.max(b);
                }
            }
            if lo > hi {
                continue;
            }
            let i0 = ((lo - ox) / h - 0.5).ceil().max(0.0);
            let i1 = ((hi - ox) / h - 0.5).floor().min(self.width as f64 - 1.0);
            if i1 < i0 {
                continue;
            }
            let row = &mut self.cells[j * self.width..(j + 1) * self.width];
            for c in &mut row[i0 as usize..=i1 as usize] {
                *c = (*c).min(level);
            }
        }
    }

    /// The cells with a level ≤ `max_level` as polygons in metres (see [`super::trace`]).
    pub fn polygons(&self, max_level: u8) -> geo_types::MultiPolygon<f64> {
        let (w, h) = (self.width, self.height);
        let cells = &self.cells;
        let rings = super::trace::trace(w, h, |i, j| cells[j * w + i] <= max_level);
        let (ox, oy, s) = (self.origin[0], self.origin[1], self.cell_m);
        super::trace::to_polygons(rings, |i, j| geo_types::Coord {
            x: ox + i as f64 * s,
            y: oy + j as f64 * s,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::segment_distance;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn painted_cells_are_exactly_those_whose_centre_is_within_the_buffer() {
        let mut rng = ChaCha8Rng::seed_from_u64(17);
        for case in 0..200 {
            let mut g = LevelGrid::covering([0.0, 0.0], [2_000.0, 2_000.0], 600.0, 50.0);
            let mut segs = Vec::new();
            for k in 0..rng.gen_range(1..4) {
                let p = [rng.gen_range(0.0..2_000.0), rng.gen_range(0.0..2_000.0)];
                // Some axis-parallel and some degenerate segments.
                let q = match case % 4 {
                    0 => [p[0], rng.gen_range(0.0..2_000.0)],
                    1 => [rng.gen_range(0.0..2_000.0), p[1]],
                    2 if k == 0 => p,
                    _ => [rng.gen_range(0.0..2_000.0), rng.gen_range(0.0..2_000.0)],
                };
                let r = rng.gen_range(1.0..600.0);
                let level = rng.gen_range(0..3u8);
                g.paint_segment(p, q, r, level);
                segs.push((p, q, r, level));
            }
            for j in 0..g.height {
                for i in 0..g.width {
                    let c = g.center(i, j);
                    let want = segs
                        .iter()
                        .filter(|(p, q, r, _)| segment_distance(c, *p, *q) <= *r)
                        .map(|s| s.3)
                        .min()
                        .unwrap_or(NONE);
                    let got = g.level(i, j);
                    if got != want {
                        // Only a centre on the buffer's edge (rounding) may disagree.
                        let edge = segs
                            .iter()
                            .any(|(p, q, r, _)| (segment_distance(c, *p, *q) - r).abs() < 1e-6);
                        assert!(edge, "case {case} cell ({i},{j}): {got} vs {want}");
                    }
                }
            }
        }
    }

    #[test]
    fn the_grid_leaves_a_free_border_around_its_extent() {
        let mut g = LevelGrid::covering([0.0, 0.0], [1_000.0, 500.0], 300.0, 100.0);
        g.paint_polyline(&[[0.0, 0.0], [1_000.0, 500.0]], 300.0, 0);
        for i in 0..g.width {
            assert_eq!(g.level(i, 0), NONE);
            assert_eq!(g.level(i, g.height - 1), NONE);
        }
        for j in 0..g.height {
            assert_eq!(g.level(0, j), NONE);
            assert_eq!(g.level(g.width - 1, j), NONE);
        }
        assert!(g.count_at_most(0) > 0);
    }
}
