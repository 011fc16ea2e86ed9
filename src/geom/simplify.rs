//! Douglas–Peucker simplification on plain planar coordinates (`[x, y]`, any unit): the one
//! implementation behind the vector tiles (tile extent units) and the road outlines (metres).
//!
//! # Method
//! A vertex is kept when it is the farthest from the chord of its current span (the first of
//! equally far ones) and lies more than the tolerance from it ([`segment_distance2`] compared
//! with the squared tolerance); the span is then split at it. Both ends are always kept.
//! Implemented iteratively (explicit stack), so lines with tens of thousands of vertices cannot
//! overflow the call stack.
//!
//! # References
//! D. H. Douglas and T. K. Peucker, "Algorithms for the reduction of the number of points
//! required to represent a digitized line or its caricature", Cartographica 10(2) (1973).

use super::segment::segment_distance2;

/// Douglas–Peucker with reusable buffers: [`Simplifier::mask`] allocates nothing once the
/// buffers have grown to the longest line.
#[derive(Debug, Default, Clone)]
pub struct Simplifier {
    keep: Vec<bool>,
    stack: Vec<(usize, usize)>,
}

impl Simplifier {
    pub fn new() -> Self {
        Self::default()
    }

    /// Which vertices of `pts` Douglas–Peucker keeps at `tolerance` (same unit as the
    /// coordinates); both ends are always kept. Empty for an empty line.
    pub fn mask(&mut self, pts: &[[f64; 2]], tolerance: f64) -> &[bool] {
        let n = pts.len();
        self.keep.clear();
        self.keep.resize(n, false);
        if n == 0 {
            return &self.keep;
        }
        self.keep[0] = true;
        self.keep[n - 1] = true;
        let tol2 = tolerance * tolerance;
        self.stack.clear();
        self.stack.push((0, n - 1));
        while let Some((first, last)) = self.stack.pop() {
            if last <= first + 1 {
                continue;
            }
            let (a, b) = (pts[first], pts[last]);
            let (mut best, mut best_d) = (0usize, -1.0f64);
            for (i, p) in pts.iter().enumerate().take(last).skip(first + 1) {
                let d = segment_distance2(*p, a, b);
                if d > best_d {
                    best = i;
                    best_d = d;
                }
            }
            if best_d > tol2 {
                self.keep[best] = true;
                self.stack.push((first, best));
                self.stack.push((best, last));
            }
        }
        &self.keep
    }
}

/// Simplifies an open polyline; the result keeps both endpoints.
/// `tolerance <= 0` returns the input unchanged.
pub fn simplify_line(pts: &[[f64; 2]], tolerance: f64) -> Vec<[f64; 2]> {
    if tolerance <= 0.0 || pts.len() < 3 {
        return pts.to_vec();
    }
    let mut s = Simplifier::new();
    pts.iter()
        .zip(s.mask(pts, tolerance))
        .filter_map(|(p, k)| k.then_some(*p))
        .collect()
}

/// Simplifies an open ring (no repeated closing point). The ring is closed internally, so the
/// first vertex is the anchor and the vertex farthest from it is always kept. The result is
/// open; it may have fewer than 3 points when the ring is smaller than `tolerance` (callers
/// then drop it).
pub fn simplify_ring(ring: &[[f64; 2]], tolerance: f64) -> Vec<[f64; 2]> {
    if tolerance <= 0.0 || ring.len() < 4 {
        return ring.to_vec();
    }
    let mut closed = Vec::with_capacity(ring.len() + 1);
    closed.extend_from_slice(ring);
    closed.push(ring[0]);
    let mut out = simplify_line(&closed, tolerance);
    out.pop();
    out
}

#[cfg(test)]
mod tests {
    use super::super::segment::segment_distance;
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn collinear_points_are_removed() {
        let l = vec![[0.0, 0.0], [1.0, 0.1], [2.0, 0.0], [3.0, 0.0], [10.0, 0.0]];
        assert_eq!(simplify_line(&l, 1.0), vec![[0.0, 0.0], [10.0, 0.0]]);
        assert_eq!(simplify_line(&l, 0.0), l);
    }

    #[test]
    fn significant_vertices_survive() {
        let l = vec![[0.0, 0.0], [5.0, 5.0], [10.0, 0.0]];
        assert_eq!(simplify_line(&l, 1.0), l);
    }

    #[test]
    fn hand_checked_zigzag() {
        // Chord (0,0)–(10,0): (3,4) is 4 off, (6,1) is 1 off. The first split keeps (3,4); on
        // (3,4)–(10,0), (6,1) is 9/√65 ≈ 1.12 off: dropped at tolerance 2, kept at 1.
        let l = vec![[0.0, 0.0], [3.0, 4.0], [6.0, 1.0], [10.0, 0.0]];
        assert_eq!(
            simplify_line(&l, 2.0),
            vec![[0.0, 0.0], [3.0, 4.0], [10.0, 0.0]]
        );
        assert_eq!(simplify_line(&l, 1.0), l);
        // (2,1) and (8,1) are equally far (1) from the chord; the split at the first leaves
        // (8,1) 6/√65 ≈ 0.74 from (2,1)–(10,0), so both survive at 0.5 and both go at 1.
        let t = vec![[0.0, 0.0], [2.0, 1.0], [8.0, 1.0], [10.0, 0.0]];
        assert_eq!(simplify_line(&t, 0.5), t);
        assert_eq!(simplify_line(&t, 1.0), vec![[0.0, 0.0], [10.0, 0.0]]);
    }

    #[test]
    fn ring_keeps_corners_and_collapses_when_tiny() {
        let mut r = Vec::new();
        for i in 0..10 {
            r.push([f64::from(i) * 10.0, 0.0]);
        }
        for i in 0..10 {
            r.push([100.0, f64::from(i) * 10.0]);
        }
        for i in 0..10 {
            r.push([100.0 - f64::from(i) * 10.0, 100.0]);
        }
        for i in 0..10 {
            r.push([0.0, 100.0 - f64::from(i) * 10.0]);
        }
        let s = simplify_ring(&r, 1.0);
        assert_eq!(
            s,
            vec![[0.0, 0.0], [100.0, 0.0], [100.0, 100.0], [0.0, 100.0]]
        );
        let tiny = vec![[0.0, 0.0], [0.5, 0.0], [0.5, 0.5], [0.0, 0.5]];
        assert!(simplify_ring(&tiny, 16.0).len() < 3);
    }

    /// Textbook recursive Douglas–Peucker on plain distances, the oracle for the iterative one.
    fn recursive(pts: &[[f64; 2]], first: usize, last: usize, tol: f64, keep: &mut [bool]) {
        if last <= first + 1 {
            return;
        }
        let mut best = (first, -1.0);
        for k in first + 1..last {
            let d = segment_distance(pts[k], pts[first], pts[last]);
            if d > best.1 {
                best = (k, d);
            }
        }
        if best.1 > tol {
            keep[best.0] = true;
            recursive(pts, first, best.0, tol, keep);
            recursive(pts, best.0, last, tol, keep);
        }
    }

    #[test]
    fn mask_matches_a_recursive_oracle_and_the_tolerance_bound() {
        let mut rng = ChaCha8Rng::seed_from_u64(73);
        let mut s = Simplifier::new();
        for case in 0..300 {
            let n = rng.gen_range(1..60);
            let mut p = [0.0, 0.0];
            let pts: Vec<[f64; 2]> = (0..n)
                .map(|_| {
                    p = [
                        p[0] + rng.gen_range(0.0..10.0),
                        p[1] + rng.gen_range(-5.0..5.0),
                    ];
                    p
                })
                .collect();
            let tol = rng.gen_range(0.0..6.0);
            let mut want = vec![false; n];
            want[0] = true;
            want[n - 1] = true;
            recursive(&pts, 0, n - 1, tol, &mut want);
            let got = s.mask(&pts, tol).to_vec();
            assert_eq!(got, want, "case {case}");
            // Every dropped vertex lies within the tolerance of the kept chord spanning it.
            let kept: Vec<usize> = (0..n).filter(|&k| got[k]).collect();
            for w in kept.windows(2) {
                for k in w[0] + 1..w[1] {
                    assert!(segment_distance(pts[k], pts[w[0]], pts[w[1]]) <= tol + 1e-9);
                }
            }
        }
    }
}
