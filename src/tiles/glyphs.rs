//! Glyph PBFs for MapLibre's `glyphs` URL (`{fontstack}/{range}.pbf`): signed-distance-field
//! (SDF) glyphs rendered from a TrueType/OpenType font, 256 code points per range. Engine
//! only: no HTTP, no knowledge of which font the map uses.
//!
//! # Parameters
//! As MapLibre's TinySDF and Mapbox's fontnik/sdf-glyph-foundry, whose glyphs MapLibre expects:
//! a **24 px** em ([`FONT_SIZE`]), a **3 px** border around each bitmap ([`BUFFER`]; MapLibre's
//! `GLYPH_PBF_BORDER`), SDF **radius 8 px** ([`RADIUS`]) and **cutoff 0.25** ([`CUTOFF`]): a
//! pixel on the outline is 191 (= 255 × (1 − 0.25)), inside is brighter, and the value falls by
//! 255/8 per pixel outside, reaching 0 at 6 px.
//!
//! # Method
//! 1. The outline (quadratic and cubic curves flattened to segments) is rasterised with the
//!    non-zero winding rule at 8 × 8 samples per pixel: the alpha of each pixel.
//! 2. As TinySDF does, alpha seeds two squared-distance grids (to the outside and to the
//!    inside; a partly covered pixel is 0.5 − alpha px from the edge), each transformed by the
//!    exact 2-D Euclidean distance transform of Felzenszwalb and Huttenlocher (two 1-D passes
//!    of the lower envelope of parabolas), and the SDF is `√outer − √inner`.
//!
//! # Metrics (the glyph PBF's fields, in px at 24 px)
//! `width`/`height`: the outline's pixel bounds (the bitmap is `(width + 6) × (height + 6)`
//! bytes); `left`: the bounds' left edge from the pen; `top`: the bounds' top edge above the
//! baseline minus the font's [`FontGlyphs::top_origin`] — MapLibre places lines at
//! y = −17 px and, as fontnik's glyphs do, expects `top` relative to an origin above the em box;
//! we choose the origin that centres this font's em box on the label anchor; `advance`: the
//! horizontal advance, rounded.
//!
//! # References
//! - P. F. Felzenszwalb, D. P. Huttenlocher, "Distance Transforms of Sampled Functions",
//!   Theory of Computing 8 (2012) 415–428.
//! - MapLibre `glyphs.proto`: `glyphs { fontstack stacks = 1 }`, `fontstack { name = 1,
//!   range = 2, glyphs = 3 }`, `glyph { id = 1, bitmap = 2, width = 3, height = 4,
//!   left = 5 (sint32), top = 6 (sint32), advance = 7 }`.

use std::sync::{Arc, OnceLock};

use super::pbf::{write_bytes_field, write_key, write_varint, write_varint_field, zigzag32};

/// Em size the glyphs are rendered at, px (MapLibre's `ONE_EM`).
pub const FONT_SIZE: f64 = 24.0;
/// Border around each glyph bitmap, px.
pub const BUFFER: usize = 3;
/// Distance in px over which the SDF falls from inside to outside.
pub const RADIUS: f64 = 8.0;
/// Where the outline sits in the 0–1 SDF scale (0.25: value 191 on the outline).
pub const CUTOFF: f64 = 0.25;
/// Code points per glyph range.
pub const RANGE_SIZE: u32 = 256;
/// Samples per pixel along each axis when rasterising.
const SUPERSAMPLE: usize = 8;
/// Line segments per flattened quadratic / cubic curve (at 24 px a curve spans a few pixels).
const QUAD_STEPS: usize = 8;
const CUBIC_STEPS: usize = 12;
/// "Infinitely" far, squared px: finite, so the envelope's intersections never become NaN
/// (as TinySDF's 1e20).
const FAR: f64 = 1e20;
/// MapLibre's `SHAPING_DEFAULT_OFFSET`: the y (px, down) where it starts a line of glyphs.
const SHAPING_OFFSET_PX: f64 = 17.0;

/// Why glyphs cannot be served.
#[derive(Debug, thiserror::Error)]
pub enum GlyphError {
    /// The font bytes do not parse.
    #[error("font {name:?} does not parse: {message}")]
    Font {
        /// The font's name as given.
        name: String,
        /// The parser's reason.
        message: String,
    },
    /// A range that is not `{start}-{end}` with `start` a multiple of 256 and
    /// `end = start + 255`, within Unicode's 0–65535 (the ranges MapLibre asks for).
    #[error("range={value:?} is not a glyph range: expected \"{{start}}-{{end}}\" with start a multiple of 256 below 65536 and end = start + 255 (e.g. \"0-255\", \"12288-12543\")")]
    InvalidRange {
        /// The raw value.
        value: String,
    },
}

/// A 256-code-point block, `start..=start + 255`, `start` a multiple of 256 below 65536.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GlyphRange {
    start: u32,
}

impl GlyphRange {
    /// Parses `"{start}-{end}"` (e.g. `"12288-12543"`).
    ///
    /// # Errors
    /// [`GlyphError::InvalidRange`] naming the value for anything else.
    pub fn parse(value: &str) -> Result<Self, GlyphError> {
        let bad = || GlyphError::InvalidRange {
            value: value.to_string(),
        };
        let (a, b) = value.split_once('-').ok_or_else(bad)?;
        let digits =
            |s: &str| !s.is_empty() && s.len() <= 5 && s.bytes().all(|c| c.is_ascii_digit());
        if !digits(a) || !digits(b) {
            return Err(bad());
        }
        let start: u32 = a.parse().map_err(|_| bad())?;
        let end: u32 = b.parse().map_err(|_| bad())?;
        if !start.is_multiple_of(RANGE_SIZE) || end != start + RANGE_SIZE - 1 || end > 0xFFFF {
            return Err(bad());
        }
        Ok(Self { start })
    }

    /// The range starting at `start` (rounded down to a multiple of 256; `None` above 65535).
    pub fn containing(code_point: u32) -> Option<Self> {
        (code_point <= 0xFFFF).then(|| Self {
            start: code_point - code_point % RANGE_SIZE,
        })
    }

    /// First code point.
    pub fn start(&self) -> u32 {
        self.start
    }

    /// Last code point.
    pub fn end(&self) -> u32 {
        self.start + RANGE_SIZE - 1
    }

    /// `"{start}-{end}"`, as in the URL and the PBF's `range` field.
    pub fn label(&self) -> String {
        format!("{}-{}", self.start, self.end())
    }

    fn index(&self) -> usize {
        (self.start / RANGE_SIZE) as usize
    }
}

/// One rendered glyph: metrics in px (see the module doc) and the SDF bitmap, `(width + 6) ×
/// (height + 6)` bytes, rows top to bottom (empty for a glyph without outline, e.g. a space).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glyph {
    pub id: u32,
    pub width: u32,
    pub height: u32,
    pub left: i32,
    pub top: i32,
    pub advance: u32,
    pub bitmap: Vec<u8>,
}

/// A parsed font serving glyph ranges under one fontstack name; each range is rendered on its
/// first request and kept (the whole Basic Multilingual Plane is 256 ranges).
pub struct FontGlyphs {
    name: String,
    face: ttf_parser::Face<'static>,
    top_origin: i32,
    ranges: Vec<OnceLock<Arc<[u8]>>>,
}

impl std::fmt::Debug for FontGlyphs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FontGlyphs")
            .field("name", &self.name)
            .field("glyphs", &self.face.number_of_glyphs())
            .finish()
    }
}

impl FontGlyphs {
    /// Parses `font` (TrueType or OpenType bytes) to be served as fontstack `name`.
    ///
    /// # Errors
    /// [`GlyphError::Font`] when the bytes are not a font.
    pub fn new(name: impl Into<String>, font: &'static [u8]) -> Result<Self, GlyphError> {
        let name = name.into();
        let face = ttf_parser::Face::parse(font, 0).map_err(|e| GlyphError::Font {
            name: name.clone(),
            message: e.to_string(),
        })?;
        let scale = FONT_SIZE / f64::from(face.units_per_em());
        let asc = f64::from(face.ascender()) * scale;
        let desc = -f64::from(face.descender()) * scale;
        // Centre the em box (ascender over descender) on the anchor: MapLibre's line starts at
        // y = -17 and puts a glyph's top edge at -17 - top.
        let top_origin = (SHAPING_OFFSET_PX + (asc - desc) / 2.0).round() as i32;
        Ok(Self {
            name,
            face,
            top_origin,
            ranges: (0..=0xFFFF / RANGE_SIZE).map(|_| OnceLock::new()).collect(),
        })
    }

    /// The fontstack name this font is served under.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The origin `top` is measured from, px above the baseline (see the module doc).
    pub fn top_origin(&self) -> i32 {
        self.top_origin
    }

    /// Whether the font maps `ch` to a glyph.
    pub fn has_char(&self, ch: char) -> bool {
        self.face.glyph_index(ch).is_some_and(|g| g.0 != 0)
    }

    /// The glyph PBF of `range`, rendered once per font.
    pub fn range_pbf(&self, range: GlyphRange) -> Arc<[u8]> {
        self.ranges[range.index()]
            .get_or_init(|| {
                let glyphs: Vec<Glyph> = (range.start()..=range.end())
                    .filter_map(char::from_u32)
                    .filter_map(|c| self.glyph(c))
                    .collect();
                encode_pbf(&self.name, range, &glyphs).into()
            })
            .clone()
    }

    /// Renders `ch`, or `None` when the font has no glyph for it.
    pub fn glyph(&self, ch: char) -> Option<Glyph> {
        let gid = self.face.glyph_index(ch).filter(|g| g.0 != 0)?;
        let scale = FONT_SIZE / f64::from(self.face.units_per_em());
        let advance = (f64::from(self.face.glyph_hor_advance(gid).unwrap_or(0)) * scale).round();
        let mut outline = Outline::default();
        let bounds = self.face.outline_glyph(gid, &mut outline);
        let empty = Glyph {
            id: ch as u32,
            width: 0,
            height: 0,
            left: 0,
            top: -self.top_origin,
            advance: advance as u32,
            bitmap: Vec::new(),
        };
        let Some(b) = bounds else {
            return Some(empty);
        };
        let left = (f64::from(b.x_min) * scale).floor();
        let right = (f64::from(b.x_max) * scale).ceil();
        let bottom = (f64::from(b.y_min) * scale).floor();
        let top = (f64::from(b.y_max) * scale).ceil();
        let (w, h) = ((right - left) as usize, (top - bottom) as usize);
        if w == 0 || h == 0 {
            return Some(empty);
        }
        // Font units (y up) to bitmap pixels (y down from the bounds' top edge).
        let segs: Vec<[f64; 4]> = outline
            .segs
            .iter()
            .map(|s| {
                [
                    s[0] * scale - left,
                    top - s[1] * scale,
                    s[2] * scale - left,
                    top - s[3] * scale,
                ]
            })
            .collect();
        let alpha = rasterize(&segs, w, h);
        Some(Glyph {
            id: ch as u32,
            width: w as u32,
            height: h as u32,
            left: left as i32,
            top: top as i32 - self.top_origin,
            advance: advance as u32,
            bitmap: sdf(&alpha, w, h),
        })
    }
}

/// The outline as line segments `[x0, y0, x1, y1]` in font units, curves flattened.
#[derive(Default)]
struct Outline {
    segs: Vec<[f64; 4]>,
    pen: (f64, f64),
    start: (f64, f64),
}

impl Outline {
    fn line(&mut self, x: f64, y: f64) {
        if (x, y) != self.pen {
            self.segs.push([self.pen.0, self.pen.1, x, y]);
        }
        self.pen = (x, y);
    }
}

impl ttf_parser::OutlineBuilder for Outline {
    fn move_to(&mut self, x: f32, y: f32) {
        self.pen = (f64::from(x), f64::from(y));
        self.start = self.pen;
    }

    fn line_to(&mut self, x: f32, y: f32) {
        self.line(f64::from(x), f64::from(y));
    }

    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let (x0, y0) = self.pen;
        let (x1, y1, x, y) = (f64::from(x1), f64::from(y1), f64::from(x), f64::from(y));
        for i in 1..=QUAD_STEPS {
            let t = i as f64 / QUAD_STEPS as f64;
            let u = 1.0 - t;
            self.line(
                u * u * x0 + 2.0 * u * t * x1 + t * t * x,
                u * u * y0 + 2.0 * u * t * y1 + t * t * y,
            );
        }
    }

    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let (x0, y0) = self.pen;
        let [x1, y1, x2, y2, x, y] = [x1, y1, x2, y2, x, y].map(f64::from);
        for i in 1..=CUBIC_STEPS {
            let t = i as f64 / CUBIC_STEPS as f64;
            let u = 1.0 - t;
            let (a, b, c, d) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
            self.line(
                a * x0 + b * x1 + c * x2 + d * x,
                a * y0 + b * y1 + c * y2 + d * y,
            );
        }
    }

    fn close(&mut self) {
        let (x, y) = self.start;
        self.line(x, y);
    }
}

/// Pixel coverage (0–1) of the non-zero-winding interior of closed segments in pixel space,
/// sampled at `SUPERSAMPLE²` points per pixel: per sample row, the signed crossings sorted by x
/// are swept left to right.
fn rasterize(segs: &[[f64; 4]], w: usize, h: usize) -> Vec<f64> {
    let n = SUPERSAMPLE;
    let mut count = vec![0u32; w * h];
    let mut crossings: Vec<(f64, i32)> = Vec::new();
    for sy in 0..h * n {
        let yc = (sy as f64 + 0.5) / n as f64;
        crossings.clear();
        for s in segs {
            let (y0, y1) = (s[1], s[3]);
            // Half-open in y so a vertex shared by two segments counts once.
            let dir = if y0 <= yc && yc < y1 {
                1
            } else if y1 <= yc && yc < y0 {
                -1
            } else {
                continue;
            };
            let t = (yc - y0) / (y1 - y0);
            crossings.push((s[0] + t * (s[2] - s[0]), dir));
        }
        if crossings.is_empty() {
            continue;
        }
        crossings.sort_by(|a, b| a.0.total_cmp(&b.0));
        let row = (sy / n) * w;
        let (mut k, mut winding) = (0usize, 0i32);
        for sx in 0..w * n {
            let xc = (sx as f64 + 0.5) / n as f64;
            while k < crossings.len() && crossings[k].0 <= xc {
                winding += crossings[k].1;
                k += 1;
            }
            if winding != 0 {
                count[row + sx / n] += 1;
            }
        }
    }
    let total = (n * n) as f64;
    count.into_iter().map(|c| f64::from(c) / total).collect()
}

/// The SDF bitmap (`(w + 2·BUFFER) × (h + 2·BUFFER)`) of a coverage image, as TinySDF computes
/// it from a canvas' alpha.
fn sdf(alpha: &[f64], w: usize, h: usize) -> Vec<u8> {
    let (gw, gh) = (w + 2 * BUFFER, h + 2 * BUFFER);
    let mut outer = vec![FAR; gw * gh];
    let mut inner = vec![0.0; gw * gh];
    for y in 0..h {
        for x in 0..w {
            let a = alpha[y * w + x];
            if a == 0.0 {
                continue;
            }
            let j = (y + BUFFER) * gw + x + BUFFER;
            if a >= 1.0 {
                outer[j] = 0.0;
                inner[j] = FAR;
            } else {
                // A partly covered pixel's centre is about 0.5 - a px from the edge.
                let d = 0.5 - a;
                outer[j] = if d > 0.0 { d * d } else { 0.0 };
                inner[j] = if d < 0.0 { d * d } else { 0.0 };
            }
        }
    }
    let mut scratch = Edt::new(gw.max(gh));
    scratch.transform_2d(&mut outer, 0, 0, gw, gh, gw);
    scratch.transform_2d(&mut inner, BUFFER, BUFFER, w, h, gw);
    outer
        .iter()
        .zip(&inner)
        .map(|(o, i)| {
            let d = o.sqrt() - i.sqrt();
            (255.0 - 255.0 * (d / RADIUS + CUTOFF))
                .round()
                .clamp(0.0, 255.0) as u8
        })
        .collect()
}

/// Buffers of the Felzenszwalb–Huttenlocher squared Euclidean distance transform.
struct Edt {
    /// Input values of one row or column.
    f: Vec<f64>,
    /// Positions of the parabolas of the lower envelope.
    v: Vec<usize>,
    /// Boundaries between the envelope's parabolas (`z[k]..z[k+1]` belongs to `v[k]`).
    z: Vec<f64>,
}

impl Edt {
    fn new(n: usize) -> Self {
        Self {
            f: vec![0.0; n],
            v: vec![0; n],
            z: vec![0.0; n + 1],
        }
    }

    /// Transforms the `w × h` window at `(x0, y0)` of a row-major grid `stride` wide in place:
    /// columns first, then rows (the 2-D transform separates into 1-D ones).
    fn transform_2d(
        &mut self,
        grid: &mut [f64],
        x0: usize,
        y0: usize,
        w: usize,
        h: usize,
        stride: usize,
    ) {
        for x in x0..x0 + w {
            self.transform_1d(grid, y0 * stride + x, stride, h);
        }
        for y in y0..y0 + h {
            self.transform_1d(grid, y * stride + x0, 1, w);
        }
    }

    /// `d(q) = min_p ((q − p)² + f(p))` over the `n` values at `offset, offset + step, …`.
    fn transform_1d(&mut self, grid: &mut [f64], offset: usize, step: usize, n: usize) {
        if n == 0 {
            return;
        }
        for q in 0..n {
            self.f[q] = grid[offset + q * step];
        }
        let f = &self.f;
        // Intersection of the parabolas rooted at p and q (p < q).
        let meet = |p: usize, q: usize| -> f64 {
            let (pf, qf) = (p as f64, q as f64);
            ((f[q] + qf * qf) - (f[p] + pf * pf)) / (2.0 * (qf - pf))
        };
        let mut k = 0usize;
        self.v[0] = 0;
        self.z[0] = f64::NEG_INFINITY;
        self.z[1] = f64::INFINITY;
        for q in 1..n {
            // Drop the parabolas q's parabola hides, then append it.
            let mut s = meet(self.v[k], q);
            while s <= self.z[k] && k > 0 {
                k -= 1;
                s = meet(self.v[k], q);
            }
            if s <= self.z[k] {
                // Below the whole envelope (cannot happen with z[0] = -inf; kept for safety).
                self.v[0] = q;
                self.z[1] = f64::INFINITY;
                continue;
            }
            k += 1;
            self.v[k] = q;
            self.z[k] = s;
            self.z[k + 1] = f64::INFINITY;
        }
        let mut k = 0usize;
        for q in 0..n {
            while self.z[k + 1] < q as f64 {
                k += 1;
            }
            let p = self.v[k];
            let d = q as f64 - p as f64;
            grid[offset + q * step] = f[p] + d * d;
        }
    }
}

/// Encodes glyphs of one font and range as a glyph PBF (`glyphs.proto`). An empty `glyphs`
/// is valid: the fontstack then carries its name and range only.
pub fn encode_pbf(name: &str, range: GlyphRange, glyphs: &[Glyph]) -> Vec<u8> {
    let mut stack = Vec::new();
    write_bytes_field(&mut stack, 1, name.as_bytes());
    write_bytes_field(&mut stack, 2, range.label().as_bytes());
    let mut g = Vec::new();
    for glyph in glyphs {
        g.clear();
        write_varint_field(&mut g, 1, u64::from(glyph.id));
        if !glyph.bitmap.is_empty() {
            write_bytes_field(&mut g, 2, &glyph.bitmap);
        }
        write_varint_field(&mut g, 3, u64::from(glyph.width));
        write_varint_field(&mut g, 4, u64::from(glyph.height));
        write_varint_field(&mut g, 5, u64::from(zigzag32(glyph.left)));
        write_varint_field(&mut g, 6, u64::from(zigzag32(glyph.top)));
        write_varint_field(&mut g, 7, u64::from(glyph.advance));
        write_bytes_field(&mut stack, 3, &g);
    }
    let mut out = Vec::with_capacity(stack.len() + 8);
    write_key(&mut out, 1, super::pbf::WIRE_LEN);
    write_varint(&mut out, stack.len() as u64);
    out.extend_from_slice(&stack);
    out
}

#[cfg(test)]
#[path = "glyphs_tests.rs"]
mod tests;
