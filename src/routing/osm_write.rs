//! A minimal OpenStreetMap PBF writer: dense nodes without tags and ways with tags, zlib
//! blobs, as the format's specification describes (wiki.openstreetmap.org/wiki/PBF_Format).
//! Enough for a clipped road extract that `osmpbf` (and osmium, osm2pgsql) read back.

use std::io::Write;

/// A way to write: id, node references, tags.
#[derive(Debug, Clone, PartialEq)]
pub struct OsmWay {
    pub id: i64,
    pub refs: Vec<i64>,
    pub tags: Vec<(String, String)>,
}

/// Entities per primitive block: the specification recommends at most 8,000.
const PER_BLOCK: usize = 8_000;

/// Encodes `nodes` (id, lon, lat; sorted by id) and `ways` (sorted by id) as a PBF file.
pub fn write_pbf(nodes: &[(i64, f64, f64)], ways: &[OsmWay]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    // Header block: bbox (nanodegrees), required features, writing program.
    let mut header = Vec::new();
    if !nodes.is_empty() {
        let nano = |v: f64| (v * 1e9).round() as i64;
        let (mut l, mut r, mut b, mut t) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for (_, lon, lat) in nodes {
            (l, r, b, t) = (l.min(*lon), r.max(*lon), b.min(*lat), t.max(*lat));
        }
        let mut bbox = Vec::new();
        for (field, v) in [(1, l), (2, r), (3, t), (4, b)] {
            key(&mut bbox, field, 0);
            varint(&mut bbox, zigzag(nano(v)));
        }
        bytes_field(&mut header, 1, &bbox);
    }
    for f in ["OsmSchema-V0.6", "DenseNodes"] {
        bytes_field(&mut header, 4, f.as_bytes());
    }
    bytes_field(&mut header, 16, b"carecover clip-osm");
    blob(&mut out, "OSMHeader", &header)?;

    for chunk in nodes.chunks(PER_BLOCK) {
        // Coordinates in units of 100 nanodegrees (the default granularity), delta coded.
        let (mut ids, mut lats, mut lons) = (Vec::new(), Vec::new(), Vec::new());
        let (mut pid, mut plat, mut plon) = (0i64, 0i64, 0i64);
        for (id, lon, lat) in chunk {
            let (la, lo) = ((lat * 1e7).round() as i64, (lon * 1e7).round() as i64);
            varint(&mut ids, zigzag(id - pid));
            varint(&mut lats, zigzag(la - plat));
            varint(&mut lons, zigzag(lo - plon));
            (pid, plat, plon) = (*id, la, lo);
        }
        let mut dense = Vec::new();
        bytes_field(&mut dense, 1, &ids);
        bytes_field(&mut dense, 8, &lats);
        bytes_field(&mut dense, 9, &lons);
        let mut group = Vec::new();
        bytes_field(&mut group, 2, &dense);
        blob(
            &mut out,
            "OSMData",
            &primitive_block(&[String::new()], &group),
        )?;
    }
    for chunk in ways.chunks(PER_BLOCK) {
        let mut strings: Vec<String> = vec![String::new()];
        let mut index: std::collections::HashMap<String, u64> = Default::default();
        let mut group = Vec::new();
        for w in chunk {
            let mut sid = |s: &str| -> u64 {
                if let Some(i) = index.get(s) {
                    return *i;
                }
                strings.push(s.to_string());
                let i = (strings.len() - 1) as u64;
                index.insert(s.to_string(), i);
                i
            };
            let (mut keys, mut vals, mut refs) = (Vec::new(), Vec::new(), Vec::new());
            for (k, v) in &w.tags {
                varint(&mut keys, sid(k));
                varint(&mut vals, sid(v));
            }
            let mut prev = 0i64;
            for r in &w.refs {
                varint(&mut refs, zigzag(r - prev));
                prev = *r;
            }
            let mut way = Vec::new();
            key(&mut way, 1, 0);
            varint(&mut way, w.id as u64);
            bytes_field(&mut way, 2, &keys);
            bytes_field(&mut way, 3, &vals);
            bytes_field(&mut way, 8, &refs);
            bytes_field(&mut group, 3, &way);
        }
        blob(&mut out, "OSMData", &primitive_block(&strings, &group))?;
    }
    Ok(out)
}

/// A PrimitiveBlock with its string table and one group.
fn primitive_block(strings: &[String], group: &[u8]) -> Vec<u8> {
    let mut table = Vec::new();
    for s in strings {
        bytes_field(&mut table, 1, s.as_bytes());
    }
    let mut block = Vec::new();
    bytes_field(&mut block, 1, &table);
    bytes_field(&mut block, 2, group);
    block
}

/// Appends one fileblock: BlobHeader length (big-endian u32), BlobHeader, zlib Blob.
fn blob(out: &mut Vec<u8>, kind: &str, data: &[u8]) -> std::io::Result<()> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(data)?;
    let zdata = z.finish()?;
    let mut blob = Vec::new();
    key(&mut blob, 2, 0);
    varint(&mut blob, data.len() as u64);
    bytes_field(&mut blob, 3, &zdata);
    let mut header = Vec::new();
    bytes_field(&mut header, 1, kind.as_bytes());
    key(&mut header, 3, 0);
    varint(&mut header, blob.len() as u64);
    out.extend_from_slice(&(header.len() as u32).to_be_bytes());
    out.extend_from_slice(&header);
    out.extend_from_slice(&blob);
    Ok(())
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn key(out: &mut Vec<u8>, field: u32, wire: u32) {
    varint(out, u64::from(field << 3 | wire));
}

/// A length-delimited field (bytes, string, sub-message or packed repeated).
fn bytes_field(out: &mut Vec<u8>, field: u32, data: &[u8]) {
    key(out, field, 2);
    varint(out, data.len() as u64);
    out.extend_from_slice(data);
}
