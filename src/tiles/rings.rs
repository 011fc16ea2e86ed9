//! Integer-space cleanup of tile geometry: rounding, removal of repeated
//! and collinear vertices, signed area and MVT winding.
//!
//! # References
//! - Mapbox Vector Tile Specification 2.1, §4.3.4.4 "Polygon Geometry Type":
//!   an exterior ring has positive area by the surveyor's formula applied in
//!   tile coordinates (clockwise on screen, y down); interior rings negative.

/// A tile-space vertex in extent units.
pub type TilePoint = [i32; 2];

/// Rounds a tile-space `f64` point to the nearest integer vertex.
pub fn round_point(p: [f64; 2]) -> TilePoint {
    // Inputs are clipped to the buffered box, so the cast cannot saturate in
    // practice; `as` saturates rather than wrapping if it ever did.
    [p[0].round() as i32, p[1].round() as i32]
}

/// Twice the signed area of an open ring by the surveyor's (shoelace)
/// formula `Σ (xᵢ·yᵢ₊₁ − xᵢ₊₁·yᵢ)`, in extent units². Positive means
/// clockwise on screen (y down) — an MVT exterior ring.
pub fn ring_area2(ring: &[TilePoint]) -> i64 {
    let n = ring.len();
    if n < 3 {
        return 0;
    }
    let mut sum = 0i64;
    let mut prev = ring[n - 1];
    for &p in ring {
        sum += i64::from(prev[0]) * i64::from(p[1]) - i64::from(p[0]) * i64::from(prev[1]);
        prev = p;
    }
    sum
}

fn cross(o: TilePoint, a: TilePoint, b: TilePoint) -> i64 {
    (i64::from(a[0]) - i64::from(o[0])) * (i64::from(b[1]) - i64::from(o[1]))
        - (i64::from(a[1]) - i64::from(o[1])) * (i64::from(b[0]) - i64::from(o[0]))
}

/// Rounds and removes consecutive duplicates from a polyline.
pub fn round_line(pts: &[[f64; 2]]) -> Vec<TilePoint> {
    let mut out: Vec<TilePoint> = Vec::with_capacity(pts.len());
    for &p in pts {
        let q = round_point(p);
        if out.last() != Some(&q) {
            out.push(q);
        }
    }
    out
}

/// Rounds an open ring and removes vertices that contribute no area:
/// repeated points, collinear points and zero-width spikes (`A→B→A`),
/// including across the wrap-around. The result is open and has either at
/// least 3 vertices with non-zero area or is empty.
pub fn round_ring(pts: &[[f64; 2]]) -> Vec<TilePoint> {
    let mut out: Vec<TilePoint> = Vec::with_capacity(pts.len());
    for &p in pts {
        push_clean(&mut out, round_point(p));
    }
    // Wrap-around: drop closing duplicates and collinear joints at the seam.
    loop {
        let n = out.len();
        if n < 3 {
            out.clear();
            return out;
        }
        if out[n - 1] == out[0] || cross(out[n - 2], out[n - 1], out[0]) == 0 {
            out.pop();
        } else if cross(out[n - 1], out[0], out[1]) == 0 {
            out.remove(0);
        } else {
            break;
        }
    }
    if ring_area2(&out) == 0 {
        out.clear();
    }
    out
}

fn push_clean(out: &mut Vec<TilePoint>, q: TilePoint) {
    if out.last() == Some(&q) {
        return;
    }
    while out.len() >= 2 && cross(out[out.len() - 2], out[out.len() - 1], q) == 0 {
        out.pop();
    }
    if out.last() != Some(&q) {
        out.push(q);
    }
}

/// Orients `ring` in place so that the sign of [`ring_area2`] is positive
/// (`exterior == true`) or negative (interior). Returns the absolute doubled
/// area.
pub fn orient(ring: &mut [TilePoint], exterior: bool) -> i64 {
    let a = ring_area2(ring);
    if (a > 0) != exterior {
        ring.reverse();
    }
    a.abs()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_area_sign_is_clockwise_on_screen() {
        // Screen (y down) clockwise square: right, down, left.
        let cw = [[0, 0], [10, 0], [10, 10], [0, 10]];
        assert_eq!(ring_area2(&cw), 200);
        let mut ccw = [[0, 0], [0, 10], [10, 10], [10, 0]];
        assert_eq!(ring_area2(&ccw), -200);
        assert_eq!(orient(&mut ccw, true), 200);
        assert!(ring_area2(&ccw) > 0);
        assert_eq!(orient(&mut ccw, false), 200);
        assert!(ring_area2(&ccw) < 0);
    }

    #[test]
    fn rounding_removes_duplicates_collinear_and_spikes() {
        let r = [
            [0.2, 0.0],
            [0.4, 0.1],
            [5.0, 0.0],
            [10.0, 0.0],
            [10.0, 10.0],
            [10.0, 20.0], // spike out and back
            [10.0, 10.0],
            [0.0, 10.0],
            [0.0, 5.0],
            [0.0, 0.0],
        ];
        let out = round_ring(&r);
        assert_eq!(out, vec![[0, 0], [10, 0], [10, 10], [0, 10]]);
    }

    #[test]
    fn degenerate_rings_become_empty() {
        assert!(round_ring(&[[0.0, 0.0], [5.0, 0.0], [10.0, 0.0]]).is_empty());
        assert!(round_ring(&[[0.0, 0.0], [0.1, 0.1], [0.2, 0.0]]).is_empty());
        assert!(round_ring(&[[0.0, 0.0], [5.0, 5.0]]).is_empty());
    }

    #[test]
    fn line_rounding_dedupes() {
        assert_eq!(
            round_line(&[[0.0, 0.0], [0.3, 0.2], [1.0, 1.0]]),
            vec![[0, 0], [1, 1]]
        );
    }
}
