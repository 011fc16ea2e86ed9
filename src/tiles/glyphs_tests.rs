use super::*;

static FONT: &[u8] = include_bytes!("../../tiles/fonts/BIZUDPGothic-Regular-subset.ttf");

fn font() -> FontGlyphs {
    FontGlyphs::new("BIZ UDPGothic Regular", FONT).unwrap()
}

/// A reader for the few protobuf records a glyph PBF holds (independent of the writer).
fn varint(b: &[u8], i: &mut usize) -> u64 {
    let (mut v, mut shift) = (0u64, 0);
    loop {
        let byte = b[*i];
        *i += 1;
        v |= u64::from(byte & 0x7f) << shift;
        if byte < 0x80 {
            return v;
        }
        shift += 7;
    }
}

/// `(field, varint or bytes)` records of one message.
fn fields(b: &[u8]) -> Vec<(u64, Result<u64, Vec<u8>>)> {
    let mut i = 0;
    let mut out = Vec::new();
    while i < b.len() {
        let key = varint(b, &mut i);
        match key & 7 {
            0 => out.push((key >> 3, Ok(varint(b, &mut i)))),
            2 => {
                let len = varint(b, &mut i) as usize;
                out.push((key >> 3, Err(b[i..i + len].to_vec())));
                i += len;
            }
            w => panic!("unexpected wire type {w}"),
        }
    }
    out
}

fn unzigzag(v: u64) -> i32 {
    ((v >> 1) as i32) ^ -((v & 1) as i32)
}

/// Decodes a glyph PBF back into (name, range, glyphs).
fn decode(pbf: &[u8]) -> (String, String, Vec<Glyph>) {
    let top = fields(pbf);
    assert_eq!(top.len(), 1, "one fontstack");
    let (1, Err(stack)) = &top[0] else {
        panic!("field 1 must be the fontstack message")
    };
    let (mut name, mut range, mut glyphs) = (String::new(), String::new(), Vec::new());
    for (f, v) in fields(stack) {
        match (f, v) {
            (1, Err(s)) => name = String::from_utf8(s).unwrap(),
            (2, Err(s)) => range = String::from_utf8(s).unwrap(),
            (3, Err(g)) => {
                let mut glyph = Glyph {
                    id: 0,
                    width: 0,
                    height: 0,
                    left: 0,
                    top: 0,
                    advance: 0,
                    bitmap: Vec::new(),
                };
                for (gf, gv) in fields(&g) {
                    match (gf, gv) {
                        (1, Ok(v)) => glyph.id = v as u32,
                        (2, Err(b)) => glyph.bitmap = b,
                        (3, Ok(v)) => glyph.width = v as u32,
                        (4, Ok(v)) => glyph.height = v as u32,
                        (5, Ok(v)) => glyph.left = unzigzag(v),
                        (6, Ok(v)) => glyph.top = unzigzag(v),
                        (7, Ok(v)) => glyph.advance = v as u32,
                        other => panic!("unexpected glyph field {other:?}"),
                    }
                }
                glyphs.push(glyph);
            }
            other => panic!("unexpected fontstack field {other:?}"),
        }
    }
    (name, range, glyphs)
}

#[test]
fn a_range_decodes_back_to_the_glyphs_rendered() {
    let f = font();
    let range = GlyphRange::parse("0-255").unwrap();
    let pbf = f.range_pbf(range);
    let (name, label, glyphs) = decode(&pbf);
    assert_eq!(name, "BIZ UDPGothic Regular");
    assert_eq!(label, "0-255");
    // Printable ASCII and Latin-1 are in the subset.
    assert!(glyphs.len() >= 95 + 90, "{} glyphs", glyphs.len());
    let a = glyphs.iter().find(|g| g.id == 'A' as u32).unwrap();
    assert_eq!(a, &f.glyph('A').unwrap());
    for g in &glyphs {
        let want = if g.width == 0 {
            0
        } else {
            (g.width as usize + 2 * BUFFER) * (g.height as usize + 2 * BUFFER)
        };
        assert_eq!(g.bitmap.len(), want, "glyph {}", g.id);
    }
    let space = glyphs.iter().find(|g| g.id == ' ' as u32).unwrap();
    assert!(space.bitmap.is_empty() && space.advance > 0);
    // Rendered once: the same bytes.
    assert!(Arc::ptr_eq(&pbf, &f.range_pbf(range)));
}

#[test]
fn an_empty_range_is_a_valid_pbf() {
    let f = font();
    // Private use area: no glyph.
    let pbf = f.range_pbf(GlyphRange::parse("57344-57599").unwrap());
    let (name, label, glyphs) = decode(&pbf);
    assert_eq!(
        (name.as_str(), label.as_str()),
        ("BIZ UDPGothic Regular", "57344-57599")
    );
    assert!(glyphs.is_empty());
}

#[test]
fn sdf_is_bright_inside_the_outline_and_zero_far_outside() {
    let f = font();
    // 一 (one): a horizontal bar across the middle of the em.
    let g = f.glyph('一').unwrap();
    let gw = g.width as usize + 2 * BUFFER;
    let gh = g.height as usize + 2 * BUFFER;
    let centre = g.bitmap[(gh / 2) * gw + gw / 2];
    assert!(centre > 191, "inside the bar: {centre}");
    // Corners of the bitmap are at least BUFFER px outside the outline's bounds.
    for v in [g.bitmap[0], g.bitmap[gw - 1], g.bitmap[gw * gh - 1]] {
        assert!(u32::from(v) < 191 - 2 * 255 / 8, "outside: {v}");
    }
    // 口: the centre of the box is outside the strokes (a hole), the strokes are inside.
    let g = f.glyph('口').unwrap();
    let gw = g.width as usize + 2 * BUFFER;
    let gh = g.height as usize + 2 * BUFFER;
    assert!(g.bitmap[(gh / 2) * gw + gw / 2] < 100, "the hole of 口");
    let stroke = (0..gw).map(|x| g.bitmap[(gh / 2) * gw + x]).max().unwrap();
    assert!(stroke > 191, "the strokes of 口: {stroke}");
    // Values fall monotonically from the outline outward along the middle row's left end.
    let row: Vec<u8> = (0..BUFFER + 1)
        .map(|x| g.bitmap[(gh / 2) * gw + x])
        .collect();
    assert!(row.windows(2).all(|w| w[0] <= w[1]), "{row:?}");
}

#[test]
fn metrics_agree_with_the_font() {
    let f = font();
    let face = ttf_parser::Face::parse(FONT, 0).unwrap();
    let scale = FONT_SIZE / f64::from(face.units_per_em());
    for ch in ['A', 'g', '熊', '本', 'ア', 'の', '１', '、'] {
        let gid = face.glyph_index(ch).unwrap();
        let b = face.glyph_bounding_box(gid).unwrap();
        let g = f.glyph(ch).unwrap();
        let adv = f64::from(face.glyph_hor_advance(gid).unwrap()) * scale;
        assert_eq!(g.advance, adv.round() as u32, "{ch} advance");
        assert_eq!(
            g.left,
            (f64::from(b.x_min) * scale).floor() as i32,
            "{ch} left"
        );
        let width = (f64::from(b.x_max) * scale).ceil() - (f64::from(b.x_min) * scale).floor();
        assert_eq!(g.width, width as u32, "{ch} width");
        let top = (f64::from(b.y_max) * scale).ceil() as i32;
        assert_eq!(g.top, top - f.top_origin(), "{ch} top");
        let height = top - (f64::from(b.y_min) * scale).floor() as i32;
        assert_eq!(g.height, height as u32, "{ch} height");
    }
    // Full-width kanji advance one em; 24 px em → 24 px.
    assert_eq!(f.glyph('熊').unwrap().advance, 24);
    // The em box is centred on the anchor: origin 17 + (ascender - descender) / 2.
    assert!((20..=30).contains(&f.top_origin()), "{}", f.top_origin());
}

#[test]
fn the_distance_transform_equals_brute_force() {
    // Seeded pseudo-random grid of zeros (sites) and FAR.
    let (w, h) = (13usize, 9usize);
    let mut state = 12345u32;
    let grid: Vec<f64> = (0..w * h)
        .map(|_| {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            if (state >> 16).is_multiple_of(7) {
                0.0
            } else {
                FAR
            }
        })
        .collect();
    let mut got = grid.clone();
    Edt::new(w.max(h)).transform_2d(&mut got, 0, 0, w, h, w);
    for y in 0..h {
        for x in 0..w {
            let want = (0..w * h)
                .filter(|&i| grid[i] == 0.0)
                .map(|i| {
                    let (sx, sy) = ((i % w) as f64, (i / w) as f64);
                    (sx - x as f64).powi(2) + (sy - y as f64).powi(2)
                })
                .fold(FAR, f64::min);
            assert_eq!(got[y * w + x], want, "({x}, {y})");
        }
    }
}

#[test]
fn ranges_must_be_256_aligned_blocks() {
    assert_eq!(GlyphRange::parse("12288-12543").unwrap().start(), 12288);
    assert_eq!(GlyphRange::parse("65280-65535").unwrap().end(), 65535);
    for bad in [
        "0-256",
        "1-256",
        "256-255",
        "65536-65791",
        "-255",
        "0-",
        "a-b",
        "0_255",
        "00000000-255",
    ] {
        let err = GlyphRange::parse(bad).unwrap_err();
        assert!(err.to_string().contains(bad), "{err}");
    }
    assert_eq!(
        GlyphRange::containing(0x718A).unwrap().label(),
        "28928-29183"
    );
}
