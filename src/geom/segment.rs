//! Point-to-segment distance on plain planar coordinates (`[x, y]`, any unit): the one routine
//! that road snapping, road topology, the road buffer oracle and Douglas–Peucker share.
//!
//! # Method
//! The foot of `p` on segment `a`–`b` is `a + t·(b − a)` with
//! `t = clamp((p − a)·(b − a) / |b − a|², 0, 1)`; a segment of zero length has its foot at `a`
//! (`t = 0`). The distance is `|p − foot|`.

/// The point of segment `a`–`b` nearest to `p`, and its fraction along the segment (0 at `a`,
/// 1 at `b`). A degenerate segment (`a = b`) gives `a` and 0.
#[inline]
pub fn segment_foot(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> ([f64; 2], f64) {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    ([a[0] + t * dx, a[1] + t * dy], t)
}

/// Squared distance from `p` to segment `a`–`b` (to `a` when the segment is degenerate).
#[inline]
pub fn segment_distance2(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    let (f, _) = segment_foot(p, a, b);
    let (ex, ey) = (p[0] - f[0], p[1] - f[1]);
    ex * ex + ey * ey
}

/// Distance from `p` to segment `a`–`b` (to `a` when the segment is degenerate), in the unit
/// of the coordinates.
#[inline]
pub fn segment_distance(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    let (f, _) = segment_foot(p, a, b);
    (p[0] - f[0]).hypot(p[1] - f[1])
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn hand_checked_distances() {
        let (a, b) = ([0.0, 0.0], [10.0, 0.0]);
        // Above the middle, beyond each end, on the segment.
        assert_eq!(segment_foot([4.0, 3.0], a, b), ([4.0, 0.0], 0.4));
        assert_eq!(segment_distance([4.0, 3.0], a, b), 3.0);
        assert_eq!(segment_foot([-3.0, 4.0], a, b), ([0.0, 0.0], 0.0));
        assert_eq!(segment_distance([-3.0, 4.0], a, b), 5.0);
        assert_eq!(segment_foot([13.0, -4.0], a, b), ([10.0, 0.0], 1.0));
        assert_eq!(segment_distance([13.0, -4.0], a, b), 5.0);
        assert_eq!(segment_distance2([13.0, -4.0], a, b), 25.0);
        assert_eq!(segment_distance([7.0, 0.0], a, b), 0.0);
        // A diagonal: (0, 2) is √2 from the line y = x, its foot (1, 1) halfway along.
        let (f, t) = segment_foot([0.0, 2.0], [0.0, 0.0], [2.0, 2.0]);
        assert_eq!((f, t), ([1.0, 1.0], 0.5));
        assert!((segment_distance([0.0, 2.0], [0.0, 0.0], [2.0, 2.0]) - 2f64.sqrt()).abs() < 1e-15);
        // A degenerate segment is its point.
        assert_eq!(
            segment_foot([3.0, 4.0], [1.0, 1.0], [1.0, 1.0]),
            ([1.0, 1.0], 0.0)
        );
        assert_eq!(segment_distance([4.0, 5.0], [1.0, 1.0], [1.0, 1.0]), 5.0);
    }

    /// The closed form against the minimum over 10 001 evenly spaced points of the segment: the
    /// brute force can only be larger, by at most half a sample step.
    #[test]
    fn distance_matches_a_dense_sampling_of_the_segment() {
        let mut rng = ChaCha8Rng::seed_from_u64(14);
        for case in 0..300 {
            let mut pt = || [rng.gen_range(-100.0..100.0), rng.gen_range(-100.0..100.0)];
            let (p, a) = (pt(), pt());
            let b = if case % 10 == 0 { a } else { pt() };
            let n = 10_000;
            let brute = (0..=n)
                .map(|k| {
                    let s = f64::from(k) / f64::from(n);
                    let q = [a[0] + s * (b[0] - a[0]), a[1] + s * (b[1] - a[1])];
                    (p[0] - q[0]).hypot(p[1] - q[1])
                })
                .fold(f64::INFINITY, f64::min);
            let d = segment_distance(p, a, b);
            let step = (b[0] - a[0]).hypot(b[1] - a[1]) / f64::from(n);
            assert!(d <= brute + 1e-9, "case {case}: {d} > {brute}");
            assert!(
                brute - d <= step / 2.0 + 1e-9,
                "case {case}: {d} vs {brute}"
            );
            let d2 = segment_distance2(p, a, b);
            assert!((d2.sqrt() - d).abs() <= 1e-9 * d.max(1.0), "case {case}");
            // The foot lies on the segment at its fraction, at the distance.
            let (f, t) = segment_foot(p, a, b);
            assert!((0.0..=1.0).contains(&t));
            let on = [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
            assert_eq!(f, on);
            assert_eq!((p[0] - f[0]).hypot(p[1] - f[1]), d);
        }
    }
}
