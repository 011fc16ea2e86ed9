//! Shared helpers for the `tiles_*` integration tests.
#![allow(dead_code)]

use geo_types::{Coord, LineString, MultiPolygon, Polygon};
use mvt_reader::feature::Feature;
use mvt_reader::Reader;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Twice the MVT-spec signed area (`Σ xᵢyᵢ₊₁ − xᵢ₊₁yᵢ`) of a closed or open
/// ring; positive = exterior (clockwise on screen, y down).
pub fn spec_area2(ring: &LineString<i32>) -> i64 {
    let pts = &ring.0;
    let n = pts.len();
    let mut s = 0i64;
    for i in 0..n {
        let (a, b) = (pts[i], pts[(i + 1) % n]);
        s += i64::from(a.x) * i64::from(b.y) - i64::from(b.x) * i64::from(a.y);
    }
    s
}

/// A wobbly star-shaped ring of `n` vertices around `(cx, cy)` (degrees)
/// with radii in `[r_min, r_max]`, counter-clockwise in lon/lat (geo's
/// exterior convention) unless `reverse`.
pub fn star(
    rng: &mut ChaCha8Rng,
    cx: f64,
    cy: f64,
    r_min: f64,
    r_max: f64,
    n: usize,
    reverse: bool,
) -> LineString<f64> {
    let mut pts: Vec<Coord<f64>> = (0..n)
        .map(|i| {
            let a = i as f64 / n as f64 * std::f64::consts::TAU;
            let r = rng.gen_range(r_min..=r_max);
            Coord {
                x: cx + r * a.cos(),
                y: cy + r * a.sin() * 0.84,
            }
        })
        .collect();
    if reverse {
        pts.reverse();
    }
    pts.push(pts[0]);
    LineString::new(pts)
}

/// A "municipality": ~`n`-vertex polygon around Kumamoto city with one hole.
pub fn kumamoto_polygon(n: usize) -> Polygon<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(96);
    let ext = star(&mut rng, 130.7, 32.8, 0.25, 0.30, n, false);
    let hole = star(&mut rng, 130.72, 32.79, 0.05, 0.06, 40, true);
    Polygon::new(ext, vec![hole])
}

/// An "Amakusa": `parts` islands south-west of Kumamoto.
pub fn islands(parts: usize) -> MultiPolygon<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(63);
    (0..parts)
        .map(|_| {
            let cx = rng.gen_range(129.95..130.45);
            let cy = rng.gen_range(32.2..32.6);
            let r = rng.gen_range(0.005..0.04);
            Polygon::new(star(&mut rng, cx, cy, r * 0.6, r, 30, false), vec![])
        })
        .collect()
}

/// Decodes every layer: `(name, extent, version, features as i32)`.
pub fn decode(bytes: &[u8]) -> Vec<(String, u32, u32, Vec<Feature<i32>>)> {
    let reader = Reader::new(bytes.to_vec()).expect("tile decodes");
    let meta = reader.get_layer_metadata().expect("layer metadata");
    meta.into_iter()
        .map(|m| {
            let f = reader
                .get_features_as::<i32>(m.layer_index)
                .expect("features decode");
            (m.name, m.extent, m.version, f)
        })
        .collect()
}

/// Minimal protobuf walker: `(field, wire_type, payload)` of a message
/// (payload = varint value bytes or length-delimited bytes). Independent of
/// the crate's own encoder; used to count layer keys/values.
pub fn fields(mut b: &[u8]) -> Vec<(u64, u8, Vec<u8>, u64)> {
    fn varint(b: &mut &[u8]) -> u64 {
        let mut v = 0u64;
        let mut shift = 0;
        loop {
            let byte = b[0];
            *b = &b[1..];
            v |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return v;
            }
            shift += 7;
        }
    }
    let mut out = Vec::new();
    while !b.is_empty() {
        let key = varint(&mut b);
        let (field, wire) = (key >> 3, (key & 7) as u8);
        match wire {
            0 => {
                let v = varint(&mut b);
                out.push((field, wire, Vec::new(), v));
            }
            1 => {
                out.push((field, wire, b[..8].to_vec(), 0));
                b = &b[8..];
            }
            2 => {
                let len = varint(&mut b) as usize;
                out.push((field, wire, b[..len].to_vec(), len as u64));
                b = &b[len..];
            }
            5 => {
                out.push((field, wire, b[..4].to_vec(), 0));
                b = &b[4..];
            }
            w => panic!("unexpected wire type {w}"),
        }
    }
    out
}
