//! Minimal protocol-buffers wire-format writer and MVT geometry command
//! encoding.
//!
//! # References
//! - Protocol Buffers "Encoding" guide: base-128 varints, field keys
//!   `(field_number << 3) | wire_type`, ZigZag for `sint`, packed repeated
//!   fields as one length-delimited record.
//! - Mapbox Vector Tile Specification 2.1, §4.3.1–4.3.3: `CommandInteger =
//!   (id & 0x7) | (count << 3)`, `ParameterInteger = zigzag(delta)`.

use super::geometry::TileGeometry;
use super::rings::TilePoint;

/// Wire type of varint fields.
pub const WIRE_VARINT: u8 = 0;
/// Wire type of 64-bit fixed fields (`double`, `fixed64`).
pub const WIRE_I64: u8 = 1;
/// Wire type of length-delimited fields (strings, messages, packed).
pub const WIRE_LEN: u8 = 2;
/// Wire type of 32-bit fixed fields (`float`, `fixed32`).
pub const WIRE_I32: u8 = 5;

/// MVT `MoveTo` command id.
pub const CMD_MOVE_TO: u32 = 1;
/// MVT `LineTo` command id.
pub const CMD_LINE_TO: u32 = 2;
/// MVT `ClosePath` command id.
pub const CMD_CLOSE_PATH: u32 = 7;

/// MVT `GeomType` enum values.
pub const GEOM_POINT: u32 = 1;
/// MVT `LINESTRING`.
pub const GEOM_LINESTRING: u32 = 2;
/// MVT `POLYGON`.
pub const GEOM_POLYGON: u32 = 3;

/// Appends `v` as a base-128 varint (1–10 bytes).
pub fn write_varint(buf: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        buf.push((v as u8 & 0x7f) | 0x80);
        v >>= 7;
    }
    buf.push(v as u8);
}

/// ZigZag-maps a signed 32-bit integer (`0,-1,1,-2… → 0,1,2,3…`).
pub fn zigzag32(n: i32) -> u32 {
    ((n << 1) ^ (n >> 31)) as u32
}

/// ZigZag-maps a signed 64-bit integer.
pub fn zigzag64(n: i64) -> u64 {
    ((n << 1) ^ (n >> 63)) as u64
}

/// Appends a field key.
pub fn write_key(buf: &mut Vec<u8>, field: u32, wire: u8) {
    write_varint(buf, (u64::from(field) << 3) | u64::from(wire));
}

/// Appends a varint field.
pub fn write_varint_field(buf: &mut Vec<u8>, field: u32, v: u64) {
    write_key(buf, field, WIRE_VARINT);
    write_varint(buf, v);
}

/// Appends a length-delimited field holding `bytes`.
pub fn write_bytes_field(buf: &mut Vec<u8>, field: u32, bytes: &[u8]) {
    write_key(buf, field, WIRE_LEN);
    write_varint(buf, bytes.len() as u64);
    buf.extend_from_slice(bytes);
}

/// Appends a packed repeated `uint32` field (omitted when `vals` is empty).
pub fn write_packed_u32(buf: &mut Vec<u8>, field: u32, vals: &[u32], scratch: &mut Vec<u8>) {
    if vals.is_empty() {
        return;
    }
    scratch.clear();
    for &v in vals {
        write_varint(scratch, u64::from(v));
    }
    write_bytes_field(buf, field, scratch);
}

/// `CommandInteger` for command `id` repeated `count` times.
pub fn command(id: u32, count: u32) -> u32 {
    (id & 0x7) | (count << 3)
}

/// Cursor-relative geometry command stream writer.
struct Cmds<'a> {
    out: &'a mut Vec<u32>,
    cursor: TilePoint,
}

impl Cmds<'_> {
    fn param(&mut self, p: TilePoint) {
        self.out.push(zigzag32(p[0].wrapping_sub(self.cursor[0])));
        self.out.push(zigzag32(p[1].wrapping_sub(self.cursor[1])));
        self.cursor = p;
    }

    fn path(&mut self, pts: &[TilePoint], close: bool) {
        let Some((&first, rest)) = pts.split_first() else {
            return;
        };
        self.out.push(command(CMD_MOVE_TO, 1));
        self.param(first);
        self.out.push(command(CMD_LINE_TO, rest.len() as u32));
        for &p in rest {
            self.param(p);
        }
        if close {
            self.out.push(command(CMD_CLOSE_PATH, 1));
        }
    }
}

/// Encodes `geom` as MVT commands into `out` (cleared first) and returns the
/// MVT `GeomType`. Rings are written open and closed with `ClosePath`; lines
/// with fewer than 2 points and rings with fewer than 3 are skipped.
pub fn encode_geometry(geom: &TileGeometry, out: &mut Vec<u32>) -> u32 {
    out.clear();
    let mut c = Cmds {
        out,
        cursor: [0, 0],
    };
    match geom {
        TileGeometry::Points(pts) => {
            if !pts.is_empty() {
                c.out.push(command(CMD_MOVE_TO, pts.len() as u32));
                for &p in pts {
                    c.param(p);
                }
            }
            GEOM_POINT
        }
        TileGeometry::Lines(lines) => {
            for l in lines.iter().filter(|l| l.len() >= 2) {
                c.path(l, false);
            }
            GEOM_LINESTRING
        }
        TileGeometry::Polygons(polys) => {
            for p in polys.iter().filter(|p| p.exterior.len() >= 3) {
                c.path(&p.exterior, true);
                for h in p.interiors.iter().filter(|h| h.len() >= 3) {
                    c.path(h, true);
                }
            }
            GEOM_POLYGON
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tiles::geometry::TilePolygon;

    fn varint(v: u64) -> Vec<u8> {
        let mut b = Vec::new();
        write_varint(&mut b, v);
        b
    }

    #[test]
    fn varints() {
        assert_eq!(varint(0), [0x00]);
        assert_eq!(varint(1), [0x01]);
        assert_eq!(varint(127), [0x7f]);
        assert_eq!(varint(128), [0x80, 0x01]);
        assert_eq!(varint(300), [0xac, 0x02]);
        assert_eq!(varint(u64::MAX).len(), 10);
        assert_eq!(varint(u64::MAX)[9], 0x01);
    }

    #[test]
    fn zigzag() {
        assert_eq!([0, -1, 1, -2, 2].map(zigzag32), [0, 1, 2, 3, 4]);
        assert_eq!(zigzag32(i32::MAX), u32::MAX - 1);
        assert_eq!(zigzag32(i32::MIN), u32::MAX);
        assert_eq!(zigzag64(-1), 1);
        assert_eq!(zigzag64(i64::MIN), u64::MAX);
    }

    #[test]
    fn field_keys() {
        let mut b = Vec::new();
        write_varint_field(&mut b, 15, 2);
        assert_eq!(b, [0x78, 0x02]);
        b.clear();
        write_bytes_field(&mut b, 1, b"ab");
        assert_eq!(b, [0x0a, 0x02, b'a', b'b']);
    }

    #[test]
    fn command_integers_match_spec_examples() {
        assert_eq!(command(CMD_MOVE_TO, 1), 9);
        assert_eq!(command(CMD_LINE_TO, 3), 26);
        assert_eq!(command(CMD_CLOSE_PATH, 1), 15);
    }

    // The examples of MVT 2.1 §4.3.5.
    #[test]
    fn spec_point_and_multipoint() {
        let mut out = Vec::new();
        assert_eq!(
            encode_geometry(&TileGeometry::Points(vec![[25, 17]]), &mut out),
            GEOM_POINT
        );
        assert_eq!(out, [9, 50, 34]);
        encode_geometry(&TileGeometry::Points(vec![[5, 7], [3, 2]]), &mut out);
        assert_eq!(out, [17, 10, 14, 3, 9]);
    }

    #[test]
    fn spec_lines() {
        let mut out = Vec::new();
        let g = TileGeometry::Lines(vec![vec![[2, 2], [2, 10], [10, 10]]]);
        assert_eq!(encode_geometry(&g, &mut out), GEOM_LINESTRING);
        assert_eq!(out, [9, 4, 4, 18, 0, 16, 16, 0]);
        let g = TileGeometry::Lines(vec![vec![[2, 2], [2, 10], [10, 10]], vec![[1, 1], [3, 5]]]);
        encode_geometry(&g, &mut out);
        assert_eq!(out, [9, 4, 4, 18, 0, 16, 16, 0, 9, 17, 17, 10, 4, 8]);
    }

    #[test]
    fn spec_polygons() {
        let mut out = Vec::new();
        let g = TileGeometry::Polygons(vec![TilePolygon {
            exterior: vec![[3, 6], [8, 12], [20, 34]],
            interiors: vec![],
        }]);
        assert_eq!(encode_geometry(&g, &mut out), GEOM_POLYGON);
        assert_eq!(out, [9, 6, 12, 18, 10, 12, 24, 44, 15]);
        let g = TileGeometry::Polygons(vec![
            TilePolygon {
                exterior: vec![[0, 0], [10, 0], [10, 10], [0, 10]],
                interiors: vec![],
            },
            TilePolygon {
                exterior: vec![[11, 11], [20, 11], [20, 20], [11, 20]],
                interiors: vec![vec![[13, 13], [13, 17], [17, 17], [17, 13]]],
            },
        ]);
        encode_geometry(&g, &mut out);
        assert_eq!(
            out,
            [
                9, 0, 0, 26, 20, 0, 0, 20, 19, 0, 15, 9, 22, 2, 26, 18, 0, 0, 18, 17, 0, 15, 9, 4,
                13, 26, 0, 8, 8, 0, 0, 7, 15
            ]
        );
    }
}
