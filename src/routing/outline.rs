//! [`Outline`]: link shapes generalised for buffering (Douglas–Peucker, a few metres:
//! [`crate::geom::Simplifier`]), with the along-link distance of every kept vertex, so reached
//! parts can be cut from them.
//!
//! The probe links carry a vertex every few metres along curves; buffering by 1 km on a 100 m
//! grid gains nothing from them but costs one capsule each. Dropping vertices that lie within
//! [`OUTLINE_TOLERANCE_M`] of the chord moves no shape point by more than that, so buffer
//! boundaries move by at most as much. Kept vertices keep their exact along-link distance, and
//! the end vertices (the nodes) are always kept.

use super::graph::RoadGraph;
use crate::geom::Simplifier;

/// Largest distance between a link's shape and its outline, metres.
pub const OUTLINE_TOLERANCE_M: f64 = 20.0;

/// Generalised shapes of every link: link `i` is `xy[start[i]..start[i + 1]]` with distances
/// along the link `cum[..]`, metres (planar xy, geodesic along).
#[derive(Debug, Clone)]
pub struct Outline {
    start: Vec<u32>,
    xy: Vec<[f64; 2]>,
    cum: Vec<f64>,
}

impl Outline {
    /// Generalises every link of `g` to `tolerance_m`.
    pub fn new(g: &RoadGraph, tolerance_m: f64) -> Self {
        let mut out = Self {
            start: Vec::with_capacity(g.links.len() + 1),
            xy: Vec::new(),
            cum: Vec::new(),
        };
        out.start.push(0);
        let mut simplifier = Simplifier::new();
        for i in 0..g.links.len() {
            let (shape, cum) = (g.shape(i), g.shape_cum(i));
            let keep = simplifier.mask(shape, tolerance_m);
            for k in 0..shape.len() {
                if keep[k] {
                    out.xy.push(shape[k]);
                    out.cum.push(cum[k]);
                }
            }
            out.start.push(out.xy.len() as u32);
        }
        out
    }

    /// Vertices of the whole outline.
    pub fn vertex_count(&self) -> usize {
        self.xy.len()
    }

    /// Every vertex, metres.
    pub fn points(&self) -> &[[f64; 2]] {
        &self.xy
    }

    /// The outline of link `i` between `a` and `b` metres along it, into `out`.
    pub fn piece(&self, i: usize, a: f64, b: f64, out: &mut Vec<[f64; 2]>) {
        let r = self.start[i] as usize..self.start[i + 1] as usize;
        cut(&self.xy[r.clone()], &self.cum[r], a, b, out);
    }
}

/// The part of polyline `shape` (with along-distances `cum`) between `a` and `b`.
pub fn cut(shape: &[[f64; 2]], cum: &[f64], a: f64, b: f64, out: &mut Vec<[f64; 2]>) {
    out.clear();
    let point = |t: f64| {
        // The segment holding distance t, by binary search on the cumulative lengths.
        let k = cum.partition_point(|c| *c < t).clamp(1, cum.len() - 1);
        let (c0, c1) = (cum[k - 1], cum[k]);
        let f = if c1 > c0 {
            ((t - c0) / (c1 - c0)).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let (p, q) = (shape[k - 1], shape[k]);
        ([p[0] + f * (q[0] - p[0]), p[1] + f * (q[1] - p[1])], k)
    };
    let (pa, ka) = point(a);
    out.push(pa);
    if b > a {
        let (pb, kb) = point(b);
        for (k, v) in shape.iter().enumerate().take(kb).skip(ka) {
            if cum[k] > a && cum[k] < b {
                out.push(*v);
            }
        }
        out.push(pb);
    }
}
