//! PMTiles v3 archive writer (clustered, gzip internal and tile
//! compression, MVT tile type, deduplicated and run-length encoded).
//!
//! # References
//! - PMTiles Version 3 Specification (protomaps/PMTiles, `spec/v3/spec.md`):
//!   127-byte little-endian header; directories as varint count, delta
//!   tile ids, run lengths, lengths, offsets (`0` = contiguous, else
//!   `offset + 1`), then compressed; header + root directory ≤ 16 384 bytes,
//!   overflow goes to leaf directories (entries with run length 0).
//! - Tile ids: cumulative Hilbert curve index, `Σ_{i<z} 4^i + d(x, y)`.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::Path;

use super::cache::gzip;
use super::pbf::write_varint;
use super::{TileCoord, TileError};

/// Header length in bytes.
pub const HEADER_LEN: usize = 127;
/// Maximum size of header + root directory.
pub const ROOT_BUDGET: usize = 16_384;

/// Archive-level metadata written to the header and JSON section.
#[derive(Debug, Clone, PartialEq)]
pub struct PmtilesMeta {
    /// Lowest zoom present.
    pub minzoom: u8,
    /// Highest zoom present.
    pub maxzoom: u8,
    /// `[west, south, east, north]` in degrees.
    pub bounds: [f64; 4],
    /// `[lon, lat, zoom]` initial view.
    pub center: [f64; 3],
    /// JSON metadata; for MVT it should hold `vector_layers` (TileJSON 3.0
    /// style), e.g. the output of [`super::tilejson`].
    pub metadata: serde_json::Value,
}

/// What [`write_pmtiles`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PmtilesStats {
    /// Non-empty tiles addressed.
    pub addressed_tiles: u64,
    /// Directory entries with run length > 0.
    pub tile_entries: u64,
    /// Distinct tile blobs stored.
    pub tile_contents: u64,
    /// Leaf directories written (0 if the root holds everything).
    pub leaf_directories: u64,
    /// Total file size in bytes.
    pub file_bytes: u64,
}

/// PMTiles tile id of `t`: tiles of all lower zooms, plus the position of
/// `(x, y)` on the zoom's Hilbert curve.
pub fn tile_id(t: &TileCoord) -> u64 {
    let z = u32::from(t.z());
    let base = ((1u64 << (2 * z)) - 1) / 3;
    let (mut x, mut y) = (u64::from(t.x()), u64::from(t.y()));
    let mut d = 0u64;
    let mut s = 1u64 << z >> 1;
    while s > 0 {
        let rx = u64::from(x & s != 0);
        let ry = u64::from(y & s != 0);
        d += s * s * ((3 * rx) ^ ry);
        // Keep only the bits still to be visited, then rotate the quadrant.
        x &= s - 1;
        y &= s - 1;
        if ry == 0 {
            if rx == 1 {
                x = s - 1 - x;
                y = s - 1 - y;
            }
            std::mem::swap(&mut x, &mut y);
        }
        s >>= 1;
    }
    base + d
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    tile_id: u64,
    offset: u64,
    length: u32,
    run_length: u32,
}

fn serialize_directory(entries: &[Entry]) -> Result<Vec<u8>, TileError> {
    let mut b = Vec::with_capacity(entries.len() * 6 + 8);
    write_varint(&mut b, entries.len() as u64);
    let mut last = 0u64;
    for e in entries {
        write_varint(&mut b, e.tile_id - last);
        last = e.tile_id;
    }
    for e in entries {
        write_varint(&mut b, u64::from(e.run_length));
    }
    for e in entries {
        write_varint(&mut b, u64::from(e.length));
    }
    for (i, e) in entries.iter().enumerate() {
        let contiguous = i > 0 && {
            let p = &entries[i - 1];
            e.offset == p.offset + u64::from(p.length)
        };
        write_varint(&mut b, if contiguous { 0 } else { e.offset + 1 });
    }
    gzip(&b)
}

/// Root directory bytes and leaf-directory section bytes.
fn build_directories(entries: &[Entry]) -> Result<(Vec<u8>, Vec<u8>, u64), TileError> {
    let root = serialize_directory(entries)?;
    if HEADER_LEN + root.len() <= ROOT_BUDGET {
        return Ok((root, Vec::new(), 0));
    }
    let mut leaf_size = 4096usize;
    loop {
        let mut leaves = Vec::new();
        let mut root_entries = Vec::new();
        for chunk in entries.chunks(leaf_size) {
            let leaf = serialize_directory(chunk)?;
            root_entries.push(Entry {
                tile_id: chunk[0].tile_id,
                offset: leaves.len() as u64,
                length: leaf.len() as u32,
                run_length: 0,
            });
            leaves.extend_from_slice(&leaf);
        }
        let root = serialize_directory(&root_entries)?;
        if HEADER_LEN + root.len() <= ROOT_BUDGET {
            return Ok((root, leaves, root_entries.len() as u64));
        }
        leaf_size *= 2;
    }
}

fn e7(deg: f64) -> i32 {
    (deg * 10_000_000.0).round() as i32
}

/// Writes a PMTiles v3 archive to `path`. `tiles` yields raw (uncompressed)
/// MVT bytes per tile in any order; empty tiles are skipped, every other
/// tile is gzip-compressed, identical tiles are stored once, and runs of
/// identical tiles with consecutive ids share one entry.
///
/// # Errors
/// [`TileError::EmptyExport`] if no tile had content, [`TileError::Io`] on
/// write failure, [`TileError::Json`] / [`TileError::Compression`].
pub fn write_pmtiles(
    path: &Path,
    tiles: impl IntoIterator<Item = (TileCoord, Vec<u8>)>,
    meta: &PmtilesMeta,
) -> Result<PmtilesStats, TileError> {
    let mut blobs: Vec<(u64, Vec<u8>)> = Vec::new();
    for (t, raw) in tiles {
        if !raw.is_empty() {
            blobs.push((tile_id(&t), gzip(&raw)?));
        }
    }
    if blobs.is_empty() {
        return Err(TileError::EmptyExport);
    }
    blobs.sort_by_key(|(id, _)| *id);
    blobs.dedup_by_key(|(id, _)| *id);

    let mut data: Vec<u8> = Vec::new();
    let mut seen: HashMap<u64, Vec<(u64, u32)>> = HashMap::new();
    let mut entries: Vec<Entry> = Vec::new();
    let mut contents = 0u64;
    for (id, blob) in &blobs {
        let mut h = DefaultHasher::new();
        blob.hash(&mut h);
        let hash = h.finish();
        let existing = seen.get(&hash).and_then(|cands| {
            cands.iter().copied().find(|&(off, len)| {
                let (o, l) = (off as usize, len as usize);
                data.get(o..o + l) == Some(blob.as_slice())
            })
        });
        let (offset, length) = match existing {
            Some(found) => found,
            None => {
                let off = data.len() as u64;
                let len = blob.len() as u32;
                data.extend_from_slice(blob);
                seen.entry(hash).or_default().push((off, len));
                contents += 1;
                (off, len)
            }
        };
        if let Some(last) = entries.last_mut() {
            if last.offset == offset && last.tile_id + u64::from(last.run_length) == *id {
                last.run_length += 1;
                continue;
            }
        }
        entries.push(Entry {
            tile_id: *id,
            offset,
            length,
            run_length: 1,
        });
    }

    let (root, leaves, leaf_count) = build_directories(&entries)?;
    let metadata = gzip(&serde_json::to_vec(&meta.metadata)?)?;

    let root_off = HEADER_LEN as u64;
    let meta_off = root_off + root.len() as u64;
    let leaf_off = meta_off + metadata.len() as u64;
    let data_off = leaf_off + leaves.len() as u64;
    let mut h: Vec<u8> = Vec::with_capacity(HEADER_LEN);
    h.extend_from_slice(b"PMTiles");
    h.push(3);
    for v in [
        root_off,
        root.len() as u64,
        meta_off,
        metadata.len() as u64,
        leaf_off,
        leaves.len() as u64,
        data_off,
        data.len() as u64,
        blobs.len() as u64,
        entries.len() as u64,
        contents,
    ] {
        h.extend_from_slice(&v.to_le_bytes());
    }
    h.extend_from_slice(&[1, 2, 2, 1, meta.minzoom, meta.maxzoom]);
    for v in meta.bounds {
        h.extend_from_slice(&e7(v).to_le_bytes());
    }
    h.push(meta.center[2].round().clamp(0.0, 255.0) as u8);
    h.extend_from_slice(&e7(meta.center[0]).to_le_bytes());
    h.extend_from_slice(&e7(meta.center[1]).to_le_bytes());
    debug_assert_eq!(h.len(), HEADER_LEN);

    let mut file = h;
    file.reserve(root.len() + metadata.len() + leaves.len() + data.len());
    file.extend_from_slice(&root);
    file.extend_from_slice(&metadata);
    file.extend_from_slice(&leaves);
    file.extend_from_slice(&data);
    std::fs::write(path, &file).map_err(|source| TileError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(PmtilesStats {
        addressed_tiles: blobs.len() as u64,
        tile_entries: entries.len() as u64,
        tile_contents: contents,
        leaf_directories: leaf_count,
        file_bytes: file.len() as u64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(z: u8, x: u32, y: u32) -> TileCoord {
        TileCoord::new(z, x, y).unwrap()
    }

    #[test]
    fn known_tile_ids() {
        assert_eq!(tile_id(&t(0, 0, 0)), 0);
        assert_eq!(tile_id(&t(1, 0, 0)), 1);
        assert_eq!(tile_id(&t(1, 0, 1)), 2);
        assert_eq!(tile_id(&t(1, 1, 1)), 3);
        assert_eq!(tile_id(&t(1, 1, 0)), 4);
        assert_eq!(tile_id(&t(2, 0, 0)), 5);
    }

    #[test]
    fn hilbert_is_a_bijective_adjacent_walk() {
        for z in 1..=5u8 {
            let n = 1u32 << z;
            let base = ((1u64 << (2 * u32::from(z))) - 1) / 3;
            let mut by_id = vec![None; (n * n) as usize];
            for x in 0..n {
                for y in 0..n {
                    let i = (tile_id(&t(z, x, y)) - base) as usize;
                    assert!(by_id[i].is_none(), "duplicate id at z{z}");
                    by_id[i] = Some((x, y));
                }
            }
            let walk: Vec<(u32, u32)> = by_id.into_iter().map(|p| p.unwrap()).collect();
            for w in walk.windows(2) {
                let d = w[0].0.abs_diff(w[1].0) + w[0].1.abs_diff(w[1].1);
                assert_eq!(d, 1, "z{z}: {:?} -> {:?} not adjacent", w[0], w[1]);
            }
        }
    }

    #[test]
    fn empty_export_is_an_error() {
        let dir = std::env::temp_dir().join("carecover-pmtiles-empty.pmtiles");
        let meta = PmtilesMeta {
            minzoom: 0,
            maxzoom: 0,
            bounds: [0.0; 4],
            center: [0.0; 3],
            metadata: serde_json::json!({}),
        };
        let r = write_pmtiles(&dir, vec![(t(0, 0, 0), Vec::new())], &meta);
        assert!(matches!(r, Err(TileError::EmptyExport)));
    }
}
