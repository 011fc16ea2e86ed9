//! Clipping of projected (tile-space, `f64`) rings and polylines against the
//! buffered tile square `[min, max]²`.
//!
//! # References
//! - Sutherland & Hodgman (1974), "Reentrant polygon clipping", CACM 17(1)
//!   — rings, one half-plane at a time. Parts of a concave ring that leave
//!   the box are joined by edges running along the box border; MVT renderers
//!   fill these zero-width overlaps harmlessly.
//! - Liang & Barsky (1984), "A new concept and method for line clipping",
//!   ACM TOG 3(1) — segments.

/// An axis-aligned square clip window in tile units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClipBox {
    /// Lower bound for x and y (e.g. `-64`).
    pub min: f64,
    /// Upper bound for x and y (e.g. `4160`).
    pub max: f64,
}

impl ClipBox {
    /// Whether `p` lies inside or on the border.
    pub fn contains(&self, p: [f64; 2]) -> bool {
        p[0] >= self.min && p[0] <= self.max && p[1] >= self.min && p[1] <= self.max
    }
}

/// Axis-aligned bounds `[min_x, min_y, max_x, max_y]` of a point list.
pub fn bounds(points: &[[f64; 2]]) -> [f64; 4] {
    let mut b = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for p in points {
        b[0] = b[0].min(p[0]);
        b[1] = b[1].min(p[1]);
        b[2] = b[2].max(p[0]);
        b[3] = b[3].max(p[1]);
    }
    b
}

#[derive(Clone, Copy)]
enum Edge {
    Left,
    Right,
    Top,
    Bottom,
}

impl Edge {
    fn inside(self, p: [f64; 2], c: &ClipBox) -> bool {
        match self {
            Edge::Left => p[0] >= c.min,
            Edge::Right => p[0] <= c.max,
            Edge::Top => p[1] >= c.min,
            Edge::Bottom => p[1] <= c.max,
        }
    }

    /// Intersection of segment `a→b` (one end inside, one outside) with the
    /// edge's line; the coordinate on the edge is set exactly.
    fn intersect(self, a: [f64; 2], b: [f64; 2], c: &ClipBox) -> [f64; 2] {
        let (axis, v) = match self {
            Edge::Left => (0, c.min),
            Edge::Right => (0, c.max),
            Edge::Top => (1, c.min),
            Edge::Bottom => (1, c.max),
        };
        let t = (v - a[axis]) / (b[axis] - a[axis]);
        let mut p = [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
        p[axis] = v;
        p
    }
}

/// Clips an open ring (first point not repeated at the end; a repeated
/// closing point is tolerated) to `clip`. Returns the clipped open ring,
/// empty if nothing remains. Rings fully inside are returned unchanged
/// without per-edge work; rings whose bbox misses the box are dropped.
pub fn clip_ring(ring: &[[f64; 2]], clip: &ClipBox) -> Vec<[f64; 2]> {
    let b = bounds(ring);
    if b[2] < clip.min || b[0] > clip.max || b[3] < clip.min || b[1] > clip.max {
        return Vec::new();
    }
    if b[0] >= clip.min && b[2] <= clip.max && b[1] >= clip.min && b[3] <= clip.max {
        return ring.to_vec();
    }
    let mut input: Vec<[f64; 2]> = ring.to_vec();
    let mut output: Vec<[f64; 2]> = Vec::with_capacity(ring.len() + 8);
    for edge in [Edge::Left, Edge::Right, Edge::Top, Edge::Bottom] {
        output.clear();
        let Some(&last) = input.last() else {
            return Vec::new();
        };
        let mut prev = last;
        for &cur in &input {
            let cur_in = edge.inside(cur, clip);
            let prev_in = edge.inside(prev, clip);
            if cur_in {
                if !prev_in {
                    output.push(edge.intersect(prev, cur, clip));
                }
                output.push(cur);
            } else if prev_in {
                output.push(edge.intersect(prev, cur, clip));
            }
            prev = cur;
        }
        std::mem::swap(&mut input, &mut output);
    }
    input
}

/// Clips one segment with Liang–Barsky; returns the parameters
/// `(t0, t1)` with `0 <= t0 <= t1 <= 1` of the visible part, if any.
fn clip_segment(a: [f64; 2], b: [f64; 2], clip: &ClipBox) -> Option<(f64, f64)> {
    let d = [b[0] - a[0], b[1] - a[1]];
    let mut t0 = 0.0_f64;
    let mut t1 = 1.0_f64;
    for (p, q) in [
        (-d[0], a[0] - clip.min),
        (d[0], clip.max - a[0]),
        (-d[1], a[1] - clip.min),
        (d[1], clip.max - a[1]),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let r = q / p;
            if p < 0.0 {
                if r > t1 {
                    return None;
                }
                t0 = t0.max(r);
            } else {
                if r < t0 {
                    return None;
                }
                t1 = t1.min(r);
            }
        }
    }
    Some((t0, t1))
}

/// Clips a polyline to `clip`; each visible stretch becomes its own part
/// (a line leaving and re-entering the box yields two parts). Parts have at
/// least two points.
pub fn clip_line(line: &[[f64; 2]], clip: &ClipBox) -> Vec<Vec<[f64; 2]>> {
    let b = bounds(line);
    if b[2] < clip.min || b[0] > clip.max || b[3] < clip.min || b[1] > clip.max {
        return Vec::new();
    }
    if b[0] >= clip.min && b[2] <= clip.max && b[1] >= clip.min && b[3] <= clip.max {
        return if line.len() >= 2 {
            vec![line.to_vec()]
        } else {
            Vec::new()
        };
    }
    let mut parts = Vec::new();
    let mut current: Vec<[f64; 2]> = Vec::new();
    let lerp =
        |a: [f64; 2], b: [f64; 2], t: f64| [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
    for w in line.windows(2) {
        let (a, b) = (w[0], w[1]);
        match clip_segment(a, b, clip) {
            None => {
                if current.len() >= 2 {
                    parts.push(std::mem::take(&mut current));
                }
                current.clear();
            }
            Some((t0, t1)) => {
                if t0 > 0.0 || current.is_empty() {
                    if current.len() >= 2 {
                        parts.push(std::mem::take(&mut current));
                    }
                    current.clear();
                    current.push(if t0 > 0.0 { lerp(a, b, t0) } else { a });
                }
                current.push(if t1 < 1.0 { lerp(a, b, t1) } else { b });
                if t1 < 1.0 {
                    if current.len() >= 2 {
                        parts.push(std::mem::take(&mut current));
                    }
                    current.clear();
                }
            }
        }
    }
    if current.len() >= 2 {
        parts.push(current);
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    const C: ClipBox = ClipBox {
        min: 0.0,
        max: 10.0,
    };

    fn area(r: &[[f64; 2]]) -> f64 {
        let n = r.len();
        (0..n)
            .map(|i| {
                let (a, b) = (r[i], r[(i + 1) % n]);
                a[0] * b[1] - b[0] * a[1]
            })
            .sum::<f64>()
            / 2.0
    }

    #[test]
    fn ring_inside_is_unchanged_and_outside_is_dropped() {
        let r = vec![[1.0, 1.0], [5.0, 1.0], [5.0, 5.0]];
        assert_eq!(clip_ring(&r, &C), r);
        let far = vec![[20.0, 20.0], [30.0, 20.0], [30.0, 30.0]];
        assert!(clip_ring(&far, &C).is_empty());
    }

    #[test]
    fn ring_enclosing_box_becomes_box() {
        let r = vec![[-5.0, -5.0], [15.0, -5.0], [15.0, 15.0], [-5.0, 15.0]];
        let out = clip_ring(&r, &C);
        assert!((area(&out) - 100.0).abs() < 1e-9, "{out:?}");
        assert!(out.iter().all(|p| C.contains(*p)));
    }

    #[test]
    fn ring_half_outside_keeps_orientation_and_area() {
        let r = vec![[5.0, 2.0], [15.0, 2.0], [15.0, 8.0], [5.0, 8.0]];
        let out = clip_ring(&r, &C);
        assert!((area(&out) - 30.0).abs() < 1e-9, "{out:?}");
        let rev: Vec<_> = r.iter().rev().copied().collect();
        assert!((area(&clip_ring(&rev, &C)) + 30.0).abs() < 1e-9);
    }

    #[test]
    fn line_crossing_box_is_cut() {
        let l = vec![[-5.0, 5.0], [15.0, 5.0]];
        assert_eq!(clip_line(&l, &C), vec![vec![[0.0, 5.0], [10.0, 5.0]]]);
        // Leave and re-enter: two parts.
        let l = vec![[2.0, 2.0], [2.0, 20.0], [8.0, 20.0], [8.0, 2.0]];
        let parts = clip_line(&l, &C);
        assert_eq!(parts.len(), 2, "{parts:?}");
        assert_eq!(parts[0], vec![[2.0, 2.0], [2.0, 10.0]]);
        assert_eq!(parts[1], vec![[8.0, 10.0], [8.0, 2.0]]);
        // Fully outside.
        assert!(clip_line(&[[-5.0, -5.0], [-1.0, 20.0]], &C).is_empty());
        // Inside with a kink stays one part.
        let l = vec![[1.0, 1.0], [2.0, 20.0], [3.0, 1.0], [4.0, 2.0]];
        let parts = clip_line(&l, &C);
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[1].len(), 3);
    }
}
