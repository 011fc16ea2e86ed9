//! Union of many service areas.
//!
//! # Method
//! Balanced pairwise ("cascaded") union: the discs are ordered along a Z-order (Morton) curve so
//! that neighbours in the list are neighbours on the map, then merged pairwise level by level,
//! like a merge sort. Each boolean operation then works on two operands of similar, small size,
//! and overlapping discs collapse early; a left fold instead drags one ever-growing polygon
//! through every step. Both give the same set; a test checks their areas agree to 0.1 %.
//!
//! # References
//! M. Davis, "Fast polygon merging in JTS using Cascaded Union" (2007). Boolean operations:
//! geo 0.33 `BooleanOps` (the i_overlay crate).

use geo::BooleanOps;
use geo_types::MultiPolygon;

/// The union of `parts`, merged pairwise in the given order (callers sort with [`z_order`]).
pub fn balanced_union(parts: Vec<MultiPolygon<f64>>) -> MultiPolygon<f64> {
    let mut layer = parts;
    while layer.len() > 1 {
        let mut next = Vec::with_capacity(layer.len().div_ceil(2));
        let mut it = layer.into_iter();
        while let Some(a) = it.next() {
            match it.next() {
                Some(b) => next.push(a.union(&b)),
                None => next.push(a),
            }
        }
        layer = next;
    }
    layer.pop().unwrap_or_else(|| MultiPolygon(Vec::new()))
}

/// The union by a left fold: the oracle the balanced union is tested against.
pub fn fold_union(parts: &[MultiPolygon<f64>]) -> MultiPolygon<f64> {
    parts
        .iter()
        .fold(MultiPolygon(Vec::new()), |acc, p| acc.union(p))
}

/// A Z-order (Morton) key of a point within `origin`..`origin + 2^16 · cell` metres: sorting
/// by it keeps map neighbours close in a list.
pub fn z_order(x: f64, y: f64, origin: (f64, f64), cell: f64) -> u64 {
    let q = |v: f64, o: f64| (((v - o) / cell).clamp(0.0, 65_535.0)) as u64;
    let spread = |mut v: u64| {
        v &= 0xffff;
        v = (v | (v << 8)) & 0x00ff_00ff;
        v = (v | (v << 4)) & 0x0f0f_0f0f;
        v = (v | (v << 2)) & 0x3333_3333;
        v = (v | (v << 1)) & 0x5555_5555;
        v
    };
    spread(q(x, origin.0)) | (spread(q(y, origin.1)) << 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn z_order_interleaves_bits() {
        assert_eq!(z_order(0.0, 0.0, (0.0, 0.0), 1.0), 0);
        assert_eq!(z_order(1.0, 0.0, (0.0, 0.0), 1.0), 1);
        assert_eq!(z_order(0.0, 1.0, (0.0, 0.0), 1.0), 2);
        assert_eq!(z_order(3.0, 3.0, (0.0, 0.0), 1.0), 15);
    }

    #[test]
    fn the_union_of_nothing_is_empty() {
        assert!(balanced_union(Vec::new()).0.is_empty());
        assert!(fold_union(&[]).0.is_empty());
    }
}
