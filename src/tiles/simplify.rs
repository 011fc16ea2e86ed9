//! Douglas–Peucker simplification in tile space (`f64` extent units).
//!
//! # References
//! - Douglas & Peucker (1973), "Algorithms for the reduction of the number of
//!   points required to represent a digitized line or its caricature",
//!   Cartographica 10(2). Implemented iteratively (explicit stack) so rings
//!   with tens of thousands of vertices cannot overflow the call stack.

/// Squared distance from `p` to segment `a–b` (to `a` if degenerate).
fn seg_dist2(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    let (cx, cy) = if len2 == 0.0 {
        (a[0], a[1])
    } else {
        let t = (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0);
        (a[0] + t * dx, a[1] + t * dy)
    };
    (p[0] - cx).powi(2) + (p[1] - cy).powi(2)
}

/// Marks the points of `pts` kept by Douglas–Peucker at `tolerance`
/// (extent units); endpoints are always kept.
fn keep_mask(pts: &[[f64; 2]], tolerance: f64) -> Vec<bool> {
    let n = pts.len();
    let mut keep = vec![false; n];
    if n == 0 {
        return keep;
    }
    keep[0] = true;
    keep[n - 1] = true;
    let tol2 = tolerance * tolerance;
    let mut stack = vec![(0usize, n - 1)];
    while let Some((first, last)) = stack.pop() {
        if last <= first + 1 {
            continue;
        }
        let (mut best, mut best_d) = (0usize, -1.0f64);
        for (i, p) in pts.iter().enumerate().take(last).skip(first + 1) {
            let d = seg_dist2(*p, pts[first], pts[last]);
            if d > best_d {
                best = i;
                best_d = d;
            }
        }
        if best_d > tol2 {
            keep[best] = true;
            stack.push((first, best));
            stack.push((best, last));
        }
    }
    keep
}

/// Simplifies an open polyline; the result keeps both endpoints.
/// `tolerance <= 0` returns the input unchanged.
pub fn simplify_line(pts: &[[f64; 2]], tolerance: f64) -> Vec<[f64; 2]> {
    if tolerance <= 0.0 || pts.len() < 3 {
        return pts.to_vec();
    }
    let keep = keep_mask(pts, tolerance);
    pts.iter()
        .zip(keep)
        .filter_map(|(p, k)| k.then_some(*p))
        .collect()
}

/// Simplifies an open ring (no repeated closing point). The ring is closed
/// internally, so the first vertex is the anchor and the vertex farthest from
/// it is always kept. The result is open; it may have fewer than 3 points
/// when the ring is smaller than `tolerance`, and callers then drop it.
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
    use super::*;

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
}
