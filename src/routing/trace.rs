//! Raster to polygons: the outline of a set of grid cells as rings along cell edges, with
//! holes, exact (the polygons' area is the cells' area).
//!
//! # Method
//! Every edge between an inside cell and an outside one is a boundary edge, directed so the
//! inside cell is on its left (exterior rings counter-clockwise, holes clockwise, y up). Edges
//! are chained into rings; where two inside cells touch only at a corner (a saddle) the chain
//! turns left, so every ring hugs 4-connected cells. A ring passing twice through a saddle is
//! split there into simple rings. Straight runs keep only their end vertices. Each hole goes
//! to the smallest exterior containing the centre of the inside cell on its left — a
//! half-integer point, never on a ring, so the test is exact.
//!
//! # References
//! The boundary-following idea of S. Suzuki and K. Abe, "Topological structural analysis of
//! digitized binary images by border following", CVGIP 30 (1985), on cell edges instead of
//! pixel centres.

use geo_types::{Coord, LineString, MultiPolygon, Polygon};

/// A closed ring of grid vertices (i, j), without the repeated first vertex.
pub type Ring = Vec<(i64, i64)>;

/// East, north, west, south.
const DIRS: [(i64, i64); 4] = [(1, 0), (0, 1), (-1, 0), (0, -1)];

/// The boundary rings of the cells (i, j) in `0..width` × `0..height` for which `inside`
/// holds. Cells outside the grid count as outside.
pub fn trace(width: usize, height: usize, inside: impl Fn(usize, usize) -> bool) -> Vec<Ring> {
    let at = |i: i64, j: i64| {
        i >= 0
            && j >= 0
            && (i as usize) < width
            && (j as usize) < height
            && inside(i as usize, j as usize)
    };
    let vid = |i: i64, j: i64| (j * (width as i64 + 1) + i) as u64;
    // (start vertex id, direction): the boundary edges.
    let mut edges: Vec<(u64, u8)> = Vec::new();
    for j in 0..height as i64 {
        for i in 0..width as i64 {
            if !at(i, j) {
                continue;
            }
            if !at(i, j - 1) {
                edges.push((vid(i, j), 0));
            }
            if !at(i + 1, j) {
                edges.push((vid(i + 1, j), 1));
            }
            if !at(i, j + 1) {
                edges.push((vid(i + 1, j + 1), 2));
            }
            if !at(i - 1, j) {
                edges.push((vid(i, j + 1), 3));
            }
        }
    }
    edges.sort_unstable();
    let mut used = vec![false; edges.len()];
    let find = |v: u64, d: u8| edges.binary_search(&(v, d)).ok();
    let stride = width as i64 + 1;
    let mut rings = Vec::new();
    for start in 0..edges.len() {
        if used[start] {
            continue;
        }
        let mut ring: Ring = Vec::new();
        let mut e = start;
        loop {
            used[e] = true;
            let (v, d) = edges[e];
            let (i, j) = ((v as i64) % stride, (v as i64) / stride);
            let (di, dj) = DIRS[d as usize];
            let (ni, nj) = (i + di, j + dj);
            let nv = vid(ni, nj);
            // Left turn first (keeps corner-touching cells apart), then straight, then right.
            let next = [(d + 1) % 4, d, (d + 3) % 4]
                .into_iter()
                .find_map(|nd| find(nv, nd).map(|k| (k, nd)));
            let Some((k, nd)) = next else {
                // Unreachable for a consistent edge set; stop rather than loop.
                break;
            };
            if nd != d {
                ring.push((ni, nj));
            }
            if k == start {
                break;
            }
            e = k;
        }
        rings.extend(split_at_repeats(ring));
    }
    rings
}

/// Splits a ring that visits a vertex twice into simple rings.
fn split_at_repeats(ring: Ring) -> Vec<Ring> {
    let mut out = Vec::new();
    let mut stack: Ring = Vec::with_capacity(ring.len());
    let mut pos: std::collections::HashMap<(i64, i64), usize> = Default::default();
    for v in ring {
        if let Some(&k) = pos.get(&v) {
            let sub: Ring = stack.drain(k..).collect();
            for u in &sub[1..] {
                pos.remove(u);
            }
            stack.push(v);
            if sub.len() >= 4 {
                out.push(sub);
            }
        } else {
            pos.insert(v, stack.len());
            stack.push(v);
        }
    }
    if stack.len() >= 4 {
        out.push(stack);
    }
    out
}

/// Twice the signed area of a ring (positive counter-clockwise).
fn area2(r: &Ring) -> i64 {
    let n = r.len();
    (0..n)
        .map(|k| {
            let (a, b) = (r[k], r[(k + 1) % n]);
            a.0 * b.1 - b.0 * a.1
        })
        .sum()
}

/// Whether the point (x + ½, y + ½) given as doubled integers lies inside the ring (crossing
/// number; the point is never on an edge).
fn contains2(r: &Ring, px2: i64, py2: i64) -> bool {
    let n = r.len();
    let mut inside = false;
    for k in 0..n {
        let (a, b) = (r[k], r[(k + 1) % n]);
        let (ay, by) = (2 * a.1, 2 * b.1);
        if (ay > py2) != (by > py2) {
            // Vertical edges only cross a horizontal ray (edges are axis-parallel).
            if 2 * a.0 > px2 {
                inside = !inside;
            }
        }
    }
    inside
}

/// Assembles rings into polygons (holes in their exteriors) and maps grid vertices to
/// coordinates with `at`.
pub fn to_polygons(rings: Vec<Ring>, at: impl Fn(i64, i64) -> Coord<f64>) -> MultiPolygon<f64> {
    let mut exteriors: Vec<(Ring, i64, [i64; 4], Vec<usize>)> = Vec::new();
    let mut holes: Vec<Ring> = Vec::new();
    for r in rings {
        let a = area2(&r);
        if a > 0 {
            let mut b = [i64::MAX, i64::MAX, i64::MIN, i64::MIN];
            for v in &r {
                b = [b[0].min(v.0), b[1].min(v.1), b[2].max(v.0), b[3].max(v.1)];
            }
            exteriors.push((r, a, b, Vec::new()));
        } else if a < 0 {
            holes.push(r);
        }
    }
    for (h, ring) in holes.iter().enumerate() {
        // The inside cell on the left of the hole's first edge.
        let (a, b) = (ring[0], ring[1]);
        let (dx, dy) = ((b.0 - a.0).signum(), (b.1 - a.1).signum());
        // Midpoint of the first unit step, moved half a cell to the left: doubled coordinates.
        let px2 = 2 * a.0 + dx - dy;
        let py2 = 2 * a.1 + dy + dx;
        let owner = exteriors
            .iter()
            .enumerate()
            .filter(|(_, (_, _, bb, _))| {
                px2 > 2 * bb[0] && px2 < 2 * bb[2] && py2 > 2 * bb[1] && py2 < 2 * bb[3]
            })
            .filter(|(_, (r, _, _, _))| contains2(r, px2, py2))
            .min_by_key(|(_, (_, area, _, _))| *area)
            .map(|(k, _)| k);
        if let Some(k) = owner {
            exteriors[k].3.push(h);
        }
    }
    let ls = |r: &Ring| {
        let mut c: Vec<Coord<f64>> = r.iter().map(|v| at(v.0, v.1)).collect();
        c.push(c[0]);
        LineString(c)
    };
    MultiPolygon(
        exteriors
            .iter()
            .map(|(r, _, _, hs)| Polygon::new(ls(r), hs.iter().map(|h| ls(&holes[*h])).collect()))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Area, Contains, Validation};
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn polygons(w: usize, h: usize, cells: &[bool]) -> MultiPolygon<f64> {
        let rings = trace(w, h, |i, j| cells[j * w + i]);
        to_polygons(rings, |i, j| Coord {
            x: i as f64,
            y: j as f64,
        })
    }

    #[test]
    fn a_square_with_a_hole_and_an_island() {
        // 7 × 7: a 5 × 5 block with a 3 × 3 hole holding one cell.
        let (w, h) = (7, 7);
        let mut cells = vec![false; w * h];
        for j in 1..6 {
            for i in 1..6 {
                let ring = !(2..5).contains(&i) || !(2..5).contains(&j);
                cells[j * w + i] = ring || (i == 3 && j == 3);
            }
        }
        let mp = polygons(w, h, &cells);
        assert_eq!(mp.0.len(), 2);
        let big = mp.0.iter().find(|p| p.interiors().len() == 1).unwrap();
        assert_eq!(big.exterior().0.len(), 5, "straight runs keep only corners");
        assert!((mp.unsigned_area() - 17.0).abs() < 1e-9);
        assert!(mp.is_valid());
    }

    #[test]
    fn cells_touching_at_a_corner_become_two_polygons() {
        let cells = [true, false, false, true];
        let mp = polygons(2, 2, &cells);
        assert_eq!(mp.0.len(), 2);
        assert!((mp.unsigned_area() - 2.0).abs() < 1e-9);
    }

    #[test]
    fn random_rasters_keep_their_area_and_every_cell_centre_is_classified_right() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        for case in 0..150 {
            let (w, h) = (rng.gen_range(1..24), rng.gen_range(1..24));
            let p = rng.gen_range(0.1..0.9);
            let cells: Vec<bool> = (0..w * h).map(|_| rng.gen_bool(p)).collect();
            let mp = polygons(w, h, &cells);
            let n = cells.iter().filter(|c| **c).count();
            assert!(
                (mp.signed_area() - n as f64).abs() < 1e-9,
                "case {case}: area {} vs {n} cells",
                mp.signed_area()
            );
            for j in 0..h {
                for i in 0..w {
                    let c = geo_types::Point::new(i as f64 + 0.5, j as f64 + 0.5);
                    assert_eq!(mp.contains(&c), cells[j * w + i], "case {case} ({i},{j})");
                }
            }
            for poly in &mp.0 {
                assert!(poly.exterior().0.len() >= 5);
            }
        }
    }
}
