//! People for every place: estimated 500 m cells where the census mesh files say nothing.
//!
//! The census cells ([`super::Population`]) cover only the 1st-level mesh squares the files
//! hold (the built-in file: 4930, about 71 % of residents). Everywhere else the people of each
//! municipality are known only as a total (2020 census by municipality). This module spreads
//! those totals over the JIS X 0410 500 m cells of the municipality polygons outside the
//! measured extent.
//!
//! # Method
//! 1. **The grid** ([`MeshCell`], [`ShareGrid`]): 4th-level (2分の1地域メッシュ) cells, 15″ of
//!    latitude × 22.5″ of longitude, coded as the census files code them. Every municipality
//!    polygon is rasterised on [`SUB_ROWS`] horizontal scanlines per cell row, in degrees (the
//!    cells are rectangles there): the exact length of each scanline inside a municipality,
//!    per cell, gives the share of the cell's area in it (a 500 m square is small enough for
//!    the degree-to-area scale to be constant across it to 1e-5).
//! 2. **Residuals**: for municipality m and each count (total, 0–14, 65+, 75+),
//!    residual_m = census_m − Σ measured cells' count × share_m × alloc_factor. 75+ is not in
//!    the census table: census 65+_m × register 75+_m / register 65+_m (resident register,
//!    2022). A negative residual (the measured cells' area weighting gives more than the
//!    census) is clamped at 0 and reported as `over`; a positive one with no cell of m outside
//!    the extent is reported as `unplaced` — no cell is invented for it. Age residuals that
//!    are no possible age mix of the people placed (more 65+ than people: 熊本市, whose census
//!    ages are imputed where the mesh leaves unknown ages out) are placed with the census mix
//!    and the rest reported as unplaced ([`MunicipalEstimate::unplaced`]).
//! 3. **Spreading**: residual_m goes to m's cells outside the extent in proportion to a
//!    [`Weighting`]: a blend of the cell piece's area, a Gaussian kernel density of the town
//!    points (町丁目/大字) of m, and the length of probe roads in the piece, each component
//!    normalised over m's target cells first. Which blend is the default
//!    ([`DEFAULT_WEIGHTING`]: towns at 750 m 70 %, roads 30 % where the probe layer is dense
//!    enough) is decided by the hold-out ([`holdout`]): inside the measured extent the truth
//!    is known, so each weighting spreads each municipality's measured people over its
//!    measured-extent cells and is scored per cell against the census.
//!
//! Every estimated figure is a [`PopCell`] with `source` [`CellSource::Estimated`], one per
//! (cell, municipality) piece, wholly in that municipality (`muni_shares = [(m, 1)]`,
//! `alloc_factor = 1`). Measured cells are left exactly as they are.

use super::population::{CellSource, PopCell, Population};
use crate::data::Dataset;
use crate::geom::{LonLat, Projection};
use geo_types::MultiPolygon;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Instant;

/// Rows of 500 m cells per degree of latitude (15″ each).
pub const ROWS_PER_DEG: f64 = 240.0;
/// Columns of 500 m cells per degree of longitude (22.5″ each).
pub const COLS_PER_DEG: f64 = 160.0;
/// Rows and columns of 500 m cells per 1st-level square (40′ × 1°).
const ROWS_PER_SQUARE: i32 = 160;
const COLS_PER_SQUARE: i32 = 160;
/// Scanlines per cell row when rasterising the municipality polygons (one every ~29 m).
pub const SUB_ROWS: usize = 16;
/// Spacing of the points at which road lines are sampled into cells, metres.
const ROAD_SAMPLE_M: f64 = 20.0;

// ---------------------------------------------------------------------------------------------
// The grid

/// One JIS X 0410 4th-level (500 m, 2分の1地域メッシュ) cell by its global row and column:
/// `row = ⌊lat × 240⌋`, `col = ⌊lon × 160⌋`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MeshCell {
    pub row: i32,
    pub col: i32,
}

impl MeshCell {
    /// The cell containing a point (degrees).
    pub fn containing(lon: f64, lat: f64) -> Self {
        MeshCell {
            row: (lat * ROWS_PER_DEG).floor() as i32,
            col: (lon * COLS_PER_DEG).floor() as i32,
        }
    }

    /// The cell of a 9-digit code: 1st level `pp uu` (⌊lat × 1.5⌋, ⌊lon⌋ − 100), 2nd `q v`
    /// (0–7), 3rd `r w` (0–9), then the quadrant 1–4 (1 south-west, 2 south-east, 3 north-west,
    /// 4 north-east). `None` when the code is not one.
    pub fn from_code(code: &str) -> Option<Self> {
        let d: Vec<i32> = code
            .bytes()
            .map(|b| b.is_ascii_digit().then(|| i32::from(b - b'0')))
            .collect::<Option<_>>()?;
        if d.len() != 9 || d[4] > 7 || d[5] > 7 || !(1..=4).contains(&d[8]) {
            return None;
        }
        let (p, u) = (d[0] * 10 + d[1], d[2] * 10 + d[3]);
        let quad = d[8] - 1;
        Some(MeshCell {
            row: p * ROWS_PER_SQUARE + d[4] * 20 + d[6] * 2 + quad / 2,
            col: (u + 100) * COLS_PER_SQUARE + d[5] * 20 + d[7] * 2 + quad % 2,
        })
    }

    /// The 9-digit code, as in the census files (e.g. `493004031`).
    pub fn code(self) -> String {
        let (p, ii) = (
            self.row.div_euclid(ROWS_PER_SQUARE),
            self.row.rem_euclid(ROWS_PER_SQUARE),
        );
        let (u, jj) = (
            self.col.div_euclid(COLS_PER_SQUARE) - 100,
            self.col.rem_euclid(COLS_PER_SQUARE),
        );
        let quad = 1 + (ii % 2) * 2 + jj % 2;
        format!(
            "{p:02}{u:02}{}{}{}{}{quad}",
            ii / 20,
            jj / 20,
            (ii % 20) / 2,
            (jj % 20) / 2
        )
    }

    /// `[lon_min, lat_min, lon_max, lat_max]`, degrees.
    pub fn bounds(self) -> [f64; 4] {
        [
            f64::from(self.col) / COLS_PER_DEG,
            f64::from(self.row) / ROWS_PER_DEG,
            f64::from(self.col + 1) / COLS_PER_DEG,
            f64::from(self.row + 1) / ROWS_PER_DEG,
        ]
    }

    /// Centre (lon, lat), degrees.
    pub fn center(self) -> (f64, f64) {
        (
            (f64::from(self.col) + 0.5) / COLS_PER_DEG,
            (f64::from(self.row) + 0.5) / ROWS_PER_DEG,
        )
    }

    /// The 1st-level mesh square holding the cell as `(⌊lat × 1.5⌋, ⌊lon⌋)`, the key of
    /// [`super::regions::data_extent`].
    pub fn first_level(self) -> (i64, i64) {
        (
            i64::from(self.row.div_euclid(ROWS_PER_SQUARE)),
            i64::from(self.col.div_euclid(COLS_PER_SQUARE)),
        )
    }

    /// Planar zone II area of the whole square, km².
    pub fn area_km2(self, proj: &Projection) -> f64 {
        let [lo0, la0, lo1, la1] = self.bounds();
        let c =
            [(lo0, la0), (lo1, la0), (lo1, la1), (lo0, la1)].map(|(x, y)| proj.forward_deg(x, y));
        0.5 * (0..4)
            .map(|j| {
                let (a, b) = (c[j], c[(j + 1) % 4]);
                a.x * b.y - b.x * a.y
            })
            .sum::<f64>()
            .abs()
            / 1e6
    }

    /// Whether two cells are the same or neighbours (Chebyshev distance ≤ 1).
    pub fn touches(self, other: MeshCell) -> bool {
        (self.row - other.row).abs() <= 1 && (self.col - other.col).abs() <= 1
    }
}

/// The 1st-level squares (as [`MeshCell::first_level`]) of the measured cells: the measured
/// files' extent, the same squares as [`super::regions::data_extent`] unites.
pub fn measured_squares(pop: &Population) -> BTreeSet<(i64, i64)> {
    pop.cells
        .iter()
        .filter(|c| c.source == CellSource::Measured)
        .map(|c| MeshCell::containing(c.center.lon(), c.center.lat()).first_level())
        .collect()
}

/// The part of one cell inside one municipality.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Piece {
    pub cell: MeshCell,
    /// Position of the municipality (in the polygons given to [`ShareGrid::build`]).
    pub muni: usize,
    /// Share of the cell's area inside the municipality, 0–1.
    pub share: f64,
}

/// Metres per degree of latitude and of longitude at a latitude (GRS80 meridian and
/// parallel arcs).
fn metres_per_degree(lat: f64) -> (f64, f64) {
    let phi = lat.to_radians();
    (
        111_132.954 - 559.822 * (2.0 * phi).cos() + 1.175 * (4.0 * phi).cos(),
        111_412.84 * phi.cos() - 93.5 * (3.0 * phi).cos(),
    )
}

/// One polygon edge in grid units (x = lon × 160, y = lat × 240), stored from its lower end.
struct Edge {
    y_lo: f64,
    y_hi: f64,
    x_at_lo: f64,
    dx_dy: f64,
    muni: u32,
}

/// Every (cell, municipality) piece of a set of municipality polygons, with the share of the
/// cell's area in each, and the scanline spans to look up which municipality holds a point.
#[derive(Debug, Clone)]
pub struct ShareGrid {
    /// Sorted by cell (row, then column), then municipality.
    pub pieces: Vec<Piece>,
    row0: i32,
    col0: i32,
    nrows: usize,
    ncols: usize,
    /// `pieces[cell_start[k]..cell_start[k + 1]]` are the pieces of dense cell `k`.
    cell_start: Vec<u32>,
    /// Per scanline: (x from, x to, municipality) in grid units, sorted by x.
    spans: Vec<Vec<(f64, f64, u32)>>,
    /// Wall time of [`ShareGrid::build`], milliseconds.
    pub build_ms: f64,
}

impl ShareGrid {
    /// Rasterises the polygons (degrees; position = municipality) on [`SUB_ROWS`] scanlines
    /// per cell row. Rings are filled even–odd per municipality, so holes are holes.
    pub fn build(polygons: &[&MultiPolygon<f64>]) -> Self {
        let t = Instant::now();
        let mut edges: Vec<Edge> = Vec::new();
        let (mut lon_min, mut lat_min) = (f64::INFINITY, f64::INFINITY);
        let (mut lon_max, mut lat_max) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
        for (m, mp) in polygons.iter().enumerate() {
            for poly in &mp.0 {
                for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                    for w in ring.0.windows(2) {
                        let (a, b) = (w[0], w[1]);
                        lon_min = lon_min.min(a.x);
                        lon_max = lon_max.max(a.x);
                        lat_min = lat_min.min(a.y);
                        lat_max = lat_max.max(a.y);
                        let (ax, ay) = (a.x * COLS_PER_DEG, a.y * ROWS_PER_DEG);
                        let (bx, by) = (b.x * COLS_PER_DEG, b.y * ROWS_PER_DEG);
                        if ay == by || !(ay.is_finite() && by.is_finite()) {
                            continue;
                        }
                        // From the lower end, so an edge two municipalities share gives both
                        // the same crossings to the last bit.
                        let ((lx, ly), (hx, hy)) = if ay < by {
                            ((ax, ay), (bx, by))
                        } else {
                            ((bx, by), (ax, ay))
                        };
                        edges.push(Edge {
                            y_lo: ly,
                            y_hi: hy,
                            x_at_lo: lx,
                            dx_dy: (hx - lx) / (hy - ly),
                            muni: m as u32,
                        });
                    }
                }
            }
        }
        if edges.is_empty() {
            return ShareGrid {
                pieces: Vec::new(),
                row0: 0,
                col0: 0,
                nrows: 0,
                ncols: 0,
                cell_start: vec![0],
                spans: Vec::new(),
                build_ms: t.elapsed().as_secs_f64() * 1e3,
            };
        }
        let row0 = (lat_min * ROWS_PER_DEG).floor() as i32;
        let row1 = (lat_max * ROWS_PER_DEG).ceil() as i32 + 1;
        let col0 = (lon_min * COLS_PER_DEG).floor() as i32;
        let col1 = (lon_max * COLS_PER_DEG).ceil() as i32 + 1;
        let (nrows, ncols) = ((row1 - row0) as usize, (col1 - col0) as usize);
        edges.sort_by(|a, b| a.y_lo.total_cmp(&b.y_lo));

        let mut pieces: Vec<Piece> = Vec::new();
        let mut cell_start: Vec<u32> = Vec::with_capacity(nrows * ncols + 1);
        let mut spans: Vec<Vec<(f64, f64, u32)>> = Vec::with_capacity(nrows * SUB_ROWS);
        let mut active: Vec<usize> = Vec::new();
        let mut next = 0;
        let mut crossings: Vec<(u32, f64)> = Vec::new();
        // Per column of the current cell row: (municipality, summed scanline length).
        let mut acc: Vec<Vec<(u32, f64)>> = vec![Vec::new(); ncols];
        let x0 = f64::from(col0);
        for r in 0..nrows {
            for k in 0..SUB_ROWS {
                let y = f64::from(row0) + r as f64 + (k as f64 + 0.5) / SUB_ROWS as f64;
                while next < edges.len() && edges[next].y_lo <= y {
                    active.push(next);
                    next += 1;
                }
                active.retain(|&e| edges[e].y_hi > y);
                crossings.clear();
                for &e in &active {
                    let e = &edges[e];
                    crossings.push((e.muni, e.x_at_lo + (y - e.y_lo) * e.dx_dy));
                }
                crossings.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
                let mut row_spans = Vec::new();
                for pair in crossings.chunks_exact(2) {
                    // Crossings of one municipality come in pairs (closed rings); a pair
                    // straddling two municipalities cannot occur when each ring is closed.
                    let ((ma, a), (mb, b)) = (pair[0], pair[1]);
                    if ma != mb || b <= a {
                        continue;
                    }
                    row_spans.push((a, b, ma));
                    add_span(&mut acc, a - x0, b - x0, ma);
                }
                row_spans.sort_by(|a, b| a.0.total_cmp(&b.0));
                spans.push(row_spans);
            }
            for (c, col) in acc.iter_mut().enumerate() {
                cell_start.push(pieces.len() as u32);
                col.sort_by_key(|e| e.0);
                for &(m, len) in col.iter() {
                    let share = (len / SUB_ROWS as f64).min(1.0);
                    if share > 0.0 {
                        pieces.push(Piece {
                            cell: MeshCell {
                                row: row0 + r as i32,
                                col: col0 + c as i32,
                            },
                            muni: m as usize,
                            share,
                        });
                    }
                }
                col.clear();
            }
        }
        cell_start.push(pieces.len() as u32);
        ShareGrid {
            pieces,
            row0,
            col0,
            nrows,
            ncols,
            cell_start,
            spans,
            build_ms: t.elapsed().as_secs_f64() * 1e3,
        }
    }

    fn dense(&self, cell: MeshCell) -> Option<usize> {
        let (r, c) = (cell.row - self.row0, cell.col - self.col0);
        (r >= 0 && c >= 0 && (r as usize) < self.nrows && (c as usize) < self.ncols)
            .then(|| r as usize * self.ncols + c as usize)
    }

    /// Positions in [`ShareGrid::pieces`] of a cell's pieces.
    pub fn piece_range(&self, cell: MeshCell) -> std::ops::Range<usize> {
        match self.dense(cell) {
            Some(k) => self.cell_start[k] as usize..self.cell_start[k + 1] as usize,
            None => 0..0,
        }
    }

    /// A cell's pieces (empty outside every municipality).
    pub fn pieces_of(&self, cell: MeshCell) -> &[Piece] {
        &self.pieces[self.piece_range(cell)]
    }

    /// Position of the piece of `cell` in municipality `muni`.
    pub fn piece(&self, cell: MeshCell, muni: usize) -> Option<usize> {
        self.piece_range(cell)
            .find(|&i| self.pieces[i].muni == muni)
    }

    /// The municipality holding a point (degrees), read from the nearest scanline.
    pub fn muni_at(&self, lon: f64, lat: f64) -> Option<usize> {
        let y = (lat * ROWS_PER_DEG - f64::from(self.row0)) * SUB_ROWS as f64;
        if y.is_nan() || y < 0.0 {
            return None;
        }
        let spans = self.spans.get(y as usize)?;
        let x = lon * COLS_PER_DEG;
        let i = spans.partition_point(|s| s.0 <= x);
        let s = spans.get(i.checked_sub(1)?)?;
        (x < s.1).then_some(s.2 as usize)
    }

    /// Sum of the shares of every piece of a cell.
    pub fn cell_share(&self, cell: MeshCell) -> f64 {
        self.pieces_of(cell).iter().map(|p| p.share).sum()
    }

    /// Every cell with at least one piece.
    pub fn cells(&self) -> impl Iterator<Item = MeshCell> + '_ {
        self.pieces
            .iter()
            .enumerate()
            .filter(|(i, p)| *i == 0 || self.pieces[i - 1].cell != p.cell)
            .map(|(_, p)| p.cell)
    }
}

/// Adds the scanline span `[a, b)` (grid units relative to the first column) to the columns
/// it crosses.
fn add_span(acc: &mut [Vec<(u32, f64)>], a: f64, b: f64, muni: u32) {
    let n = acc.len() as f64;
    let (a, b) = (a.clamp(0.0, n), b.clamp(0.0, n));
    if b <= a {
        return;
    }
    let mut add = |c: usize, len: f64| {
        if len <= 0.0 || c >= acc.len() {
            return;
        }
        match acc[c].iter_mut().find(|e| e.0 == muni) {
            Some(e) => e.1 += len,
            None => acc[c].push((muni, len)),
        }
    };
    let (ca, cb) = (a.floor() as usize, b.floor() as usize);
    if ca == cb {
        add(ca, b - a);
        return;
    }
    add(ca, (ca + 1) as f64 - a);
    for c in ca + 1..cb {
        add(c, 1.0);
    }
    add(cb, b - cb as f64);
}

// ---------------------------------------------------------------------------------------------
// What the weights are made of

/// A town point and its municipality (position in the polygons).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TownPoint {
    pub lon: f64,
    pub lat: f64,
    pub muni: usize,
}

/// The per-piece quantities the weightings blend, for every piece of a [`ShareGrid`].
#[derive(Debug, Clone)]
pub struct Features {
    /// Area of the piece, km² (share × the cell's zone II area).
    pub area_km2: Vec<f64>,
    /// Town kernel density per bandwidth (metres), summed over the municipality's town points
    /// and multiplied by the piece's share.
    pub towns: Vec<(f64, Vec<f64>)>,
    /// Road length inside the piece, metres; `None` without a road layer.
    pub roads_m: Option<Vec<f64>>,
}

impl Features {
    /// The features of every piece: areas, the town kernel at each bandwidth in `sigmas_m`,
    /// and road lengths when `roads` (lon/lat polylines) is given.
    pub fn compute(
        grid: &ShareGrid,
        proj: &Projection,
        towns: &[TownPoint],
        roads: Option<&[Vec<[f64; 2]>]>,
        sigmas_m: &[f64],
    ) -> Self {
        let mut row_area: HashMap<i32, f64> = HashMap::new();
        let area_km2 = grid
            .pieces
            .iter()
            .map(|p| {
                // A cell's area depends on its latitude only (to 1e-4 over Kumamoto).
                let a = *row_area
                    .entry(p.cell.row)
                    .or_insert_with(|| p.cell.area_km2(proj));
                p.share * a
            })
            .collect();
        let mut sig: Vec<f64> = sigmas_m.to_vec();
        sig.sort_by(f64::total_cmp);
        sig.dedup();
        let towns = sig
            .iter()
            .map(|&s| (s, town_density(grid, towns, s)))
            .collect();
        Features {
            area_km2,
            towns,
            roads_m: roads.map(|r| road_length(grid, r)),
        }
    }

    fn towns_at(&self, sigma_m: f64) -> Option<&[f64]> {
        self.towns
            .iter()
            .find(|(s, _)| (s - sigma_m).abs() < 1e-6)
            .map(|(_, v)| v.as_slice())
    }
}

/// Σ over the town points of the piece's municipality of a Gaussian kernel of bandwidth σ at
/// the cell centre (cut at 3σ), times the piece's share.
fn town_density(grid: &ShareGrid, towns: &[TownPoint], sigma_m: f64) -> Vec<f64> {
    let mut out = vec![0.0; grid.pieces.len()];
    let reach = 3.0 * sigma_m;
    for t in towns {
        let (m_lat, m_lon) = metres_per_degree(t.lat);
        let dr = (reach / m_lat * ROWS_PER_DEG).ceil() as i32 + 1;
        let dc = (reach / m_lon * COLS_PER_DEG).ceil() as i32 + 1;
        let home = MeshCell::containing(t.lon, t.lat);
        for row in home.row - dr..=home.row + dr {
            for col in home.col - dc..=home.col + dc {
                let cell = MeshCell { row, col };
                let (lon, lat) = cell.center();
                let dx = (lon - t.lon) * m_lon;
                let dy = (lat - t.lat) * m_lat;
                let d2 = dx * dx + dy * dy;
                if d2 > reach * reach {
                    continue;
                }
                let k = (-d2 / (2.0 * sigma_m * sigma_m)).exp();
                for i in grid.piece_range(cell) {
                    let p = &grid.pieces[i];
                    if p.muni == t.muni {
                        out[i] += k * p.share;
                    }
                }
            }
        }
    }
    out
}

/// Road length (metres) inside each piece: every line sampled every [`ROAD_SAMPLE_M`], each
/// sample credited to the piece of the municipality holding it.
fn road_length(grid: &ShareGrid, lines: &[Vec<[f64; 2]>]) -> Vec<f64> {
    let mut out = vec![0.0; grid.pieces.len()];
    for line in lines {
        for w in line.windows(2) {
            let ([lon0, lat0], [lon1, lat1]) = (w[0], w[1]);
            let (m_lat, m_lon) = metres_per_degree((lat0 + lat1) / 2.0);
            let len = ((lon1 - lon0) * m_lon).hypot((lat1 - lat0) * m_lat);
            if !len.is_finite() || len <= 0.0 {
                continue;
            }
            let n = (len / ROAD_SAMPLE_M).ceil().max(1.0) as usize;
            for k in 0..n {
                let f = (k as f64 + 0.5) / n as f64;
                let (lon, lat) = (lon0 + (lon1 - lon0) * f, lat0 + (lat1 - lat0) * f);
                let Some(m) = grid.muni_at(lon, lat) else {
                    continue;
                };
                if let Some(i) = grid.piece(MeshCell::containing(lon, lat), m) {
                    out[i] += len / n as f64;
                }
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Weightings

/// How a municipality's people are spread over its cells: a blend of three components, each
/// first normalised to sum 1 over the municipality's target cells — the piece's **area**,
/// the **towns** kernel density at bandwidth `sigma_m`, and the **roads** length. The roads
/// component is used only where the road layer describes the targets at least as densely as
/// `min_road_km_per_km2` (the probe layer is missing or nearly so in parts of 阿蘇, 天草 and
/// 山都; a few probe roads there would pull people onto themselves). A component that is
/// zero over all targets (no town near, no road layer) is left out and the others rescaled;
/// with none left, area.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Weighting {
    pub name: &'static str,
    pub area: f64,
    pub towns: f64,
    pub roads: f64,
    /// Kernel bandwidth of the towns component, metres.
    pub sigma_m: f64,
    /// Road km per km² of the targets below which the roads component is left out.
    pub min_road_km_per_km2: f64,
}

impl Weighting {
    pub const fn new(name: &'static str, area: f64, towns: f64, roads: f64, sigma_m: f64) -> Self {
        Weighting {
            name,
            area,
            towns,
            roads,
            sigma_m,
            min_road_km_per_km2: 0.0,
        }
    }

    /// The same weighting, its roads component used only where the targets hold at least
    /// `km_per_km2` of road per km².
    pub const fn roads_where_dense(self, name: &'static str, km_per_km2: f64) -> Self {
        Weighting {
            name,
            min_road_km_per_km2: km_per_km2,
            ..self
        }
    }

    /// The area baseline: people spread evenly over the land.
    pub const AREA: Weighting = Weighting::new("area", 1.0, 0.0, 0.0, 0.0);

    /// The weights (summing to 1, or all 0 without targets) of `targets`, positions in the
    /// features' pieces.
    pub fn weights(&self, features: &Features, targets: &[usize]) -> Vec<f64> {
        let mut parts: Vec<(f64, &[f64])> = Vec::new();
        if self.area > 0.0 {
            parts.push((self.area, &features.area_km2));
        }
        if self.towns > 0.0 {
            if let Some(t) = features.towns_at(self.sigma_m) {
                parts.push((self.towns, t));
            }
        }
        if self.roads > 0.0 {
            if let Some(r) = &features.roads_m {
                let km: f64 = targets.iter().map(|&i| r[i]).sum::<f64>() / 1e3;
                let km2: f64 = targets.iter().map(|&i| features.area_km2[i]).sum();
                if km >= self.min_road_km_per_km2 * km2 {
                    parts.push((self.roads, r));
                }
            }
        }
        let mut w = vec![0.0; targets.len()];
        let mut used = 0.0;
        for (alpha, f) in &parts {
            let sum: f64 = targets.iter().map(|&i| f[i]).sum();
            if sum > 0.0 {
                used += alpha;
                for (wi, &i) in w.iter_mut().zip(targets) {
                    *wi += alpha * f[i] / sum;
                }
            }
        }
        if used > 0.0 {
            w.iter_mut().for_each(|x| *x /= used);
            return w;
        }
        let sum: f64 = targets.iter().map(|&i| features.area_km2[i]).sum();
        if sum > 0.0 {
            return targets
                .iter()
                .map(|&i| features.area_km2[i] / sum)
                .collect();
        }
        w
    }
}

/// The weightings the hold-out compares (bandwidths in metres).
pub const CANDIDATES: &[Weighting] = &[
    Weighting::AREA,
    Weighting::new("towns_500m", 0.0, 1.0, 0.0, 500.0),
    Weighting::new("towns_750m", 0.0, 1.0, 0.0, 750.0),
    Weighting::new("towns_1km", 0.0, 1.0, 0.0, 1000.0),
    Weighting::new("towns_2km", 0.0, 1.0, 0.0, 2000.0),
    Weighting::new("roads", 0.0, 0.0, 1.0, 0.0),
    Weighting::new("area10_towns750m90", 0.1, 0.9, 0.0, 750.0),
    Weighting::new("towns750m50_roads50", 0.0, 0.5, 0.5, 750.0),
    Weighting::new("towns750m70_roads30_anywhere", 0.0, 0.7, 0.3, 750.0),
    DEFAULT_WEIGHTING,
];

/// The default weighting, chosen by the hold-out (`carecover population --holdout`, numbers
/// in `docs/methods.md`): 70 % town points with a 750 m kernel, 30 % probe-road length, the
/// roads part only where the targets hold at least 1 km of probe road per km² (every
/// hold-out municipality but 山鹿, 阿蘇, 玉東 and 小国 does; outside the census extent 天草,
/// 山都 and the 阿蘇 east do not). Better than every other candidate on mean absolute error
/// but the same blend with roads anywhere, which the hold-out cannot judge where roads are
/// missing.
pub const DEFAULT_WEIGHTING: Weighting =
    Weighting::new("", 0.0, 0.7, 0.3, 750.0).roads_where_dense("towns750m70_roads30", 1.0);

/// Every bandwidth a list of weightings needs.
pub fn sigmas(ws: &[Weighting]) -> Vec<f64> {
    ws.iter()
        .filter(|w| w.towns > 0.0)
        .map(|w| w.sigma_m)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The estimate

/// People counts of one unit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Counts {
    pub total: f64,
    pub age_0_14: f64,
    pub age_65_plus: f64,
    pub age_75_plus: f64,
}

impl Counts {
    fn of_cell(c: &PopCell, w: f64) -> Self {
        Counts {
            total: c.pop_total * w,
            age_0_14: c.pop_0_14 * w,
            age_65_plus: c.pop_65_plus * w,
            age_75_plus: c.pop_75_plus * w,
        }
    }

    fn add(&mut self, o: Counts) {
        self.total += o.total;
        self.age_0_14 += o.age_0_14;
        self.age_65_plus += o.age_65_plus;
        self.age_75_plus += o.age_75_plus;
    }

    fn zip(self, o: Counts, f: impl Fn(f64, f64) -> f64) -> Counts {
        Counts {
            total: f(self.total, o.total),
            age_0_14: f(self.age_0_14, o.age_0_14),
            age_65_plus: f(self.age_65_plus, o.age_65_plus),
            age_75_plus: f(self.age_75_plus, o.age_75_plus),
        }
    }

    fn scale(self, w: f64) -> Counts {
        self.zip(self, |a, _| a * w)
    }

    fn any_positive(&self) -> bool {
        self.total > 0.0 || self.age_0_14 > 0.0 || self.age_65_plus > 0.0 || self.age_75_plus > 0.0
    }
}

/// One municipality's people: census, measured cells, estimated cells, and what could not be
/// placed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MunicipalEstimate {
    pub jis_code: String,
    pub name: String,
    pub region_id: u8,
    /// 2020 census by municipality; 75+ = census 65+ × register 75+/65+.
    pub census: Counts,
    /// The measured cells allocated to the municipality (count × share × alloc factor).
    pub measured: Counts,
    /// Placed in estimated cells (outside the extent, and `imputed`).
    pub estimated: Counts,
    /// Of `estimated`, the age residuals no outside cell could take, put on the
    /// municipality's measured cells in proportion to each group's measured count: the
    /// census's imputed unknown ages (不詳補完) that the mesh's age columns lack. Ages only
    /// (`total` 0): the cells' totals already hold these people.
    pub imputed: Counts,
    /// Residual placed nowhere: people of a municipality with no cell outside the measured
    /// extent (its border cells' area shares gave it fewer than the census).
    pub unplaced: Counts,
    /// Measured above census (the negative residual, clamped at 0).
    pub over: Counts,
    /// Pieces of the municipality outside the measured extent, and their area (km²).
    pub outside_cells: usize,
    pub outside_km2: f64,
}

impl MunicipalEstimate {
    /// Estimated share of the municipality's people in the cells (measured + estimated), 0–1.
    pub fn estimated_share(&self) -> f64 {
        let all = self.measured.total + self.estimated.total;
        if all > 0.0 {
            self.estimated.total / all
        } else {
            0.0
        }
    }
}

/// What [`estimate`] did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EstimateReport {
    pub weighting: Weighting,
    /// Whether road lengths were available to the weighting.
    pub roads: bool,
    /// Rasterising the municipality polygons, milliseconds.
    pub grid_ms: f64,
    /// The whole estimate (grid, features, spreading), milliseconds.
    pub build_ms: f64,
    /// Estimated cells (pieces) added.
    pub cells: usize,
    pub municipalities: Vec<MunicipalEstimate>,
}

/// What the dataset gives the estimate: the municipality polygons and towns by position.
pub struct Inputs<'a> {
    pub ds: &'a Dataset,
    pub grid: ShareGrid,
    pub towns: Vec<TownPoint>,
}

impl<'a> Inputs<'a> {
    /// The grid of the dataset's municipalities and its town points.
    pub fn new(ds: &'a Dataset) -> Self {
        let polys: Vec<&MultiPolygon<f64>> =
            ds.municipalities.iter().map(|m| &m.geometry).collect();
        let grid = ShareGrid::build(&polys);
        let index: HashMap<&str, usize> = ds
            .municipalities
            .iter()
            .enumerate()
            .map(|(i, m)| (m.jis_code.as_str(), i))
            .collect();
        let towns = ds
            .towns
            .iter()
            .filter_map(|t| {
                let muni = *index.get(t.municipality_code().as_str())?;
                Some(TownPoint {
                    lon: t.location.lon(),
                    lat: t.location.lat(),
                    muni,
                })
            })
            .collect();
        Inputs { ds, grid, towns }
    }
}

/// The census counts of every municipality (by position), 75+ derived from the register;
/// `None` without the municipal table.
fn census_counts(ds: &Dataset, measured: &[Counts]) -> Option<Vec<Counts>> {
    if ds.municipal_population.is_empty() {
        return None;
    }
    // Fallback ratios (a table without 65+, a municipality without a register row): the
    // measured cells' own.
    let all = measured.iter().fold(Counts::default(), |mut a, c| {
        a.add(*c);
        a
    });
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
    let r65 = ratio(all.age_65_plus, all.total);
    let r75 = ratio(all.age_75_plus, all.age_65_plus);
    Some(
        ds.municipalities
            .iter()
            .map(|m| {
                let Some(p) = ds
                    .municipal_population
                    .iter()
                    .find(|p| p.jis_code == m.jis_code)
                else {
                    return Counts::default();
                };
                let total = f64::from(p.pop_total);
                let p65 = p.pop_65_plus.map_or(total * r65, f64::from);
                let share75 = ds
                    .municipality_age
                    .iter()
                    .find(|a| a.jis_code == m.jis_code)
                    .and_then(|a| a.share_75_of_65())
                    .unwrap_or(r75);
                Counts {
                    total,
                    age_0_14: f64::from(p.pop_0_14),
                    age_65_plus: p65,
                    age_75_plus: p65 * share75,
                }
            })
            .collect(),
    )
}

/// The measured cells' people allocated to each municipality (by position).
fn measured_counts(ds: &Dataset, pop: &Population) -> Vec<Counts> {
    let mut out = vec![Counts::default(); ds.municipalities.len()];
    for c in pop
        .cells
        .iter()
        .filter(|c| c.source == CellSource::Measured)
    {
        for &(m, share) in &c.muni_shares {
            if let Some(o) = out.get_mut(m) {
                o.add(Counts::of_cell(c, share * c.alloc_factor));
            }
        }
    }
    out
}

/// Adds estimated cells to a measured population: every municipality's residual (census −
/// measured) spread over its cells outside the measured extent by `weighting`. Without the
/// municipal census table the population is returned as it is (`estimate` stays `None`).
/// `roads`: lon/lat polylines of the road layer, when there is one.
pub fn estimate(
    inputs: &Inputs,
    mut pop: Population,
    roads: Option<&[Vec<[f64; 2]>]>,
    weighting: Weighting,
) -> Population {
    let t = Instant::now();
    let ds = inputs.ds;
    let measured = measured_counts(ds, &pop);
    let Some(census) = census_counts(ds, &measured) else {
        return pop;
    };
    let grid = &inputs.grid;
    let squares = measured_squares(&pop);
    let features = Features::compute(
        grid,
        &ds.projection,
        &inputs.towns,
        roads.filter(|_| weighting.roads > 0.0),
        &sigmas(&[weighting]),
    );
    let mut targets: Vec<Vec<usize>> = vec![Vec::new(); ds.municipalities.len()];
    for (i, p) in grid.pieces.iter().enumerate() {
        if !squares.contains(&p.cell.first_level()) && p.muni < targets.len() {
            targets[p.muni].push(i);
        }
    }
    // The measured cells of each municipality (position, share × alloc factor), to take what
    // cannot be placed outside.
    let mut measured_of: Vec<Vec<(usize, f64)>> = vec![Vec::new(); ds.municipalities.len()];
    for (i, c) in pop.cells.iter().enumerate() {
        for &(m, share) in &c.muni_shares {
            if let Some(v) = measured_of.get_mut(m) {
                v.push((i, share * c.alloc_factor));
            }
        }
    }
    let mut rows = Vec::with_capacity(ds.municipalities.len());
    let mut cells = Vec::new();
    for (m, muni) in ds.municipalities.iter().enumerate() {
        let residual = census[m].zip(measured[m], |c, s| c - s);
        let want = residual.zip(residual, |r, _| r.max(0.0));
        let tg = &targets[m];
        let w = weighting.weights(&features, tg);
        let placeable = w.iter().any(|x| *x > 0.0);
        let goal = if placeable {
            placeable_mix(want, census[m])
        } else {
            Counts::default()
        };
        let mut placed = Counts::default();
        for (&i, &wi) in tg.iter().zip(&w) {
            let c = goal.scale(wi);
            if !c.any_positive() {
                continue;
            }
            placed.add(c);
            let p = grid.pieces[i];
            cells.push(estimated_cell(p.cell, muni.region_id, m, c, &ds.projection));
        }
        // Ages the cells lack: the census imputes unknown ages (不詳補完), the mesh's age
        // columns do not, so a municipality's cells hold fewer people per age group than its
        // people at the census's age mix. What the outside cells did not make up goes to its
        // measured cells, in proportion to each group's measured count — ages, not people
        // (`total` 0: the cells' totals already hold them). The target is the census mix of
        // the people the cells hold, so a municipality whose border cells' area shares gave
        // it more or fewer people than the census keeps that difference, not more. People
        // left over (no cell outside the extent) stay unplaced: putting them on its cells
        // would count twice the people its neighbours' shares gave them.
        let held = measured[m].zip(placed, |a, b| a + b);
        let mix = |g: f64| {
            if census[m].total > 0.0 {
                g / census[m].total * held.total
            } else {
                0.0
            }
        };
        let ages = Counts {
            total: 0.0,
            age_0_14: (mix(census[m].age_0_14) - held.age_0_14).max(0.0),
            age_65_plus: (mix(census[m].age_65_plus) - held.age_65_plus).max(0.0),
            age_75_plus: (mix(census[m].age_75_plus) - held.age_75_plus).max(0.0),
        };
        let mut imputed = Counts::default();
        if ages.any_positive() {
            for &(i, w) in &measured_of[m] {
                let c = Counts::of_cell(&pop.cells[i], w);
                let piece = ages.zip(
                    c.zip(measured[m], |x, all| if all > 0.0 { x / all } else { 0.0 }),
                    |l, f| l * f,
                );
                if !piece.any_positive() {
                    continue;
                }
                imputed.add(piece);
                cells.push(imputed_cell(&pop.cells[i], muni.region_id, m, piece));
            }
        }
        placed.add(imputed);
        // What the census has that the cells do not (unplaced), or the reverse (over).
        let balance = census[m].zip(held, |c, h| c - h).zip(imputed, |b, i| b - i);
        rows.push(MunicipalEstimate {
            jis_code: muni.jis_code.clone(),
            name: muni.name.clone(),
            region_id: muni.region_id,
            census: census[m],
            measured: measured[m],
            estimated: placed,
            imputed,
            unplaced: balance.zip(balance, |b, _| b.max(0.0)),
            over: balance.zip(balance, |b, _| (-b).max(0.0)),
            outside_cells: tg.len(),
            outside_km2: tg.iter().map(|&i| features.area_km2[i]).sum(),
        });
    }
    let report = EstimateReport {
        weighting,
        roads: features.roads_m.is_some(),
        grid_ms: grid.build_ms,
        build_ms: grid.build_ms + t.elapsed().as_secs_f64() * 1e3,
        cells: cells.len(),
        municipalities: rows,
    };
    pop.cells.extend(cells);
    pop.estimate = Some(report);
    pop
}

/// The people to place from the residuals `want`: the residuals themselves when they are a
/// possible age mix (65+ ≤ total, 75+ ≤ 65+, 0–14 + 65+ ≤ total). Where they are not — a
/// municipality almost wholly measured, whose age residuals are mostly the census's imputed
/// unknown ages (不詳補完) that the mesh's age columns lack, not people outside (熊本市: 425
/// people, 4,238 aged 65+) — the total is placed with the municipality's census age mix, each
/// group capped by its residual. Never more than `want` in any group.
fn placeable_mix(want: Counts, census: Counts) -> Counts {
    let coherent = want.age_65_plus <= want.total
        && want.age_75_plus <= want.age_65_plus
        && want.age_0_14 + want.age_65_plus <= want.total;
    if coherent {
        return want;
    }
    let share = |g: f64| {
        if census.total > 0.0 {
            g / census.total
        } else {
            0.0
        }
    };
    let t = want.total;
    let p65 = (t * share(census.age_65_plus)).min(want.age_65_plus).min(t);
    Counts {
        total: t,
        age_65_plus: p65,
        age_75_plus: (t * share(census.age_75_plus))
            .min(want.age_75_plus)
            .min(p65),
        age_0_14: (t * share(census.age_0_14)).min(want.age_0_14).min(t - p65),
    }
}

/// An estimated piece at a measured cell: ages of municipality `muni`'s people the census
/// counts and the cell's age columns lack.
fn imputed_cell(at: &PopCell, region: u8, muni: usize, c: Counts) -> PopCell {
    estimated_piece(
        at.mesh_code.clone(),
        at.center,
        at.area_km2,
        region,
        muni,
        c,
    )
}

/// An estimated piece of a grid cell outside the measured extent.
fn estimated_cell(
    cell: MeshCell,
    region: u8,
    muni: usize,
    c: Counts,
    proj: &Projection,
) -> PopCell {
    let (lon, lat) = cell.center();
    let center = LonLat::new(lon, lat).expect("a mesh cell centre is a valid coordinate");
    estimated_piece(cell.code(), center, cell.area_km2(proj), region, muni, c)
}

/// A piece wholly in one municipality, with estimated counts.
fn estimated_piece(
    mesh_code: String,
    center: LonLat,
    area_km2: f64,
    region: u8,
    muni: usize,
    c: Counts,
) -> PopCell {
    PopCell {
        mesh_code,
        center,
        area_km2,
        pop_total: c.total,
        pop_0_14: c.age_0_14,
        pop_65_plus: c.age_65_plus,
        pop_75_plus: c.age_75_plus,
        alloc_factor: 1.0,
        region_shares: vec![(region, 1.0)],
        muni_shares: vec![(muni, 1.0)],
        source: CellSource::Estimated,
    }
}

// ---------------------------------------------------------------------------------------------
// The hold-out

/// One weighting's score over a set of cells.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    pub weighting: &'static str,
    /// (cell, municipality) pieces scored, and the people in them.
    pub cells: usize,
    pub people: f64,
    /// Mean absolute error per piece, people: Σ|E − T| / cells.
    pub mae: f64,
    /// Share of the people placed in the right cell: Σ min(E, T) / Σ T.
    pub exact_share: f64,
    /// Share placed in the right cell or one of its 8 neighbours: the maximum flow of
    /// estimated to true people between pieces of one municipality at most one cell apart
    /// (each estimated person used once, each true person matched once), / Σ T. Exact
    /// (max-flow), not a greedy bound.
    pub near_share: f64,
}

/// One municipality's scores.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HoldoutMunicipality {
    pub jis_code: String,
    pub name: String,
    pub scores: Vec<Score>,
}

/// The hold-out: every weighting over every municipality with measured cells.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HoldoutReport {
    pub weightings: Vec<Weighting>,
    pub default: &'static str,
    pub overall: Vec<Score>,
    pub municipalities: Vec<HoldoutMunicipality>,
    /// Rasterising the municipality polygons, milliseconds.
    pub grid_ms: f64,
}

/// Scores `weightings` on the measured cells: for each municipality with measured people, its
/// measured total (allocated) is spread over its pieces inside the measured extent as if the
/// cells were missing, and compared per piece with the measured value.
pub fn holdout(
    inputs: &Inputs,
    pop: &Population,
    roads: Option<&[Vec<[f64; 2]>]>,
    weightings: &[Weighting],
) -> HoldoutReport {
    let ds = inputs.ds;
    let grid = &inputs.grid;
    let features = Features::compute(
        grid,
        &ds.projection,
        &inputs.towns,
        roads,
        &sigmas(weightings),
    );
    // Truth per (cell, municipality): count × share × alloc factor.
    let mut truth: BTreeMap<(MeshCell, usize), f64> = BTreeMap::new();
    for c in pop
        .cells
        .iter()
        .filter(|c| c.source == CellSource::Measured)
    {
        let cell = MeshCell::from_code(&c.mesh_code)
            .unwrap_or_else(|| MeshCell::containing(c.center.lon(), c.center.lat()));
        for &(m, share) in &c.muni_shares {
            *truth.entry((cell, m)).or_default() += c.pop_total * share * c.alloc_factor;
        }
    }
    let squares = measured_squares(pop);
    let names: Vec<(String, String)> = ds
        .municipalities
        .iter()
        .map(|m| (m.jis_code.clone(), m.name.clone()))
        .collect();
    let mut r = holdout_scores(
        grid,
        &features,
        &truth,
        |c| squares.contains(&c.first_level()),
        weightings,
        &names,
    );
    r.grid_ms = grid.build_ms;
    r
}

/// The hold-out on plain inputs: `truth` per (cell, municipality); `inside` says which cells
/// may receive people; `names` (code, name) per municipality position.
pub fn holdout_scores(
    grid: &ShareGrid,
    features: &Features,
    truth: &BTreeMap<(MeshCell, usize), f64>,
    inside: impl Fn(MeshCell) -> bool,
    weightings: &[Weighting],
    names: &[(String, String)],
) -> HoldoutReport {
    // Targets per municipality: its grid pieces inside, plus measured pieces the raster
    // missed (slivers; they get no weight but their people count).
    let mut per_muni: BTreeMap<usize, Vec<(MeshCell, Option<usize>)>> = BTreeMap::new();
    let has_truth: BTreeSet<usize> = truth
        .iter()
        .filter(|(_, v)| **v > 0.0)
        .map(|((_, m), _)| *m)
        .collect();
    for (i, p) in grid.pieces.iter().enumerate() {
        if has_truth.contains(&p.muni) && inside(p.cell) {
            per_muni.entry(p.muni).or_default().push((p.cell, Some(i)));
        }
    }
    for (cell, m) in truth.keys() {
        if has_truth.contains(m) && grid.piece(*cell, *m).is_none() {
            per_muni.entry(*m).or_default().push((*cell, None));
        }
    }
    let mut overall: Vec<Acc> = vec![Acc::default(); weightings.len()];
    let mut municipalities = Vec::new();
    for (m, targets) in &per_muni {
        let t: Vec<f64> = targets
            .iter()
            .map(|(c, _)| truth.get(&(*c, *m)).copied().unwrap_or(0.0))
            .collect();
        let total: f64 = t.iter().sum();
        let idx: Vec<usize> = targets.iter().filter_map(|(_, i)| *i).collect();
        let mut scores = Vec::new();
        for (k, w) in weightings.iter().enumerate() {
            let wi = w.weights(features, &idx);
            let mut e = vec![0.0; targets.len()];
            let mut j = 0;
            for (slot, (_, i)) in e.iter_mut().zip(targets) {
                if i.is_some() {
                    *slot = total * wi[j];
                    j += 1;
                }
            }
            let cells: Vec<MeshCell> = targets.iter().map(|(c, _)| *c).collect();
            let a = Acc::of(&cells, &e, &t);
            scores.push(a.score(w.name));
            overall[k].add(&a);
        }
        let (code, name) = names.get(*m).cloned().unwrap_or_default();
        municipalities.push(HoldoutMunicipality {
            jis_code: code,
            name,
            scores,
        });
    }
    HoldoutReport {
        weightings: weightings.to_vec(),
        default: DEFAULT_WEIGHTING.name,
        overall: overall
            .iter()
            .zip(weightings)
            .map(|(a, w)| a.score(w.name))
            .collect(),
        municipalities,
        grid_ms: grid.build_ms,
    }
}

/// Sums behind a [`Score`].
#[derive(Debug, Clone, Default)]
struct Acc {
    cells: usize,
    people: f64,
    abs_err: f64,
    exact: f64,
    near: f64,
}

impl Acc {
    fn of(cells: &[MeshCell], e: &[f64], t: &[f64]) -> Self {
        Acc {
            cells: cells.len(),
            people: t.iter().sum(),
            abs_err: e.iter().zip(t).map(|(a, b)| (a - b).abs()).sum(),
            exact: e.iter().zip(t).map(|(a, b)| a.min(*b)).sum(),
            near: near_matching(cells, e, t),
        }
    }

    fn add(&mut self, o: &Acc) {
        self.cells += o.cells;
        self.people += o.people;
        self.abs_err += o.abs_err;
        self.exact += o.exact;
        self.near += o.near;
    }

    fn score(&self, name: &'static str) -> Score {
        let share = |x: f64| {
            if self.people > 0.0 {
                x / self.people
            } else {
                0.0
            }
        };
        Score {
            weighting: name,
            cells: self.cells,
            people: self.people,
            mae: if self.cells > 0 {
                self.abs_err / self.cells as f64
            } else {
                0.0
            },
            exact_share: share(self.exact),
            near_share: share(self.near),
        }
    }
}

/// The most true people that estimated people can be matched to within one cell (the cell
/// itself or its 8 neighbours): the maximum flow from estimated to true people over edges
/// between cells that [`MeshCell::touches`] (Dinic's algorithm).
pub fn near_matching(cells: &[MeshCell], e: &[f64], t: &[f64]) -> f64 {
    let n = cells.len();
    let scale: f64 = t.iter().chain(e).fold(0.0, |a, b| a.max(*b));
    if n == 0 || scale <= 0.0 {
        return 0.0;
    }
    // Nodes: source 0, estimated 1..=n, true n+1..=2n, sink 2n+1.
    let (s, sink) = (0, 2 * n + 1);
    let mut g = Flow::new(2 * n + 2, scale * 1e-12);
    let at: HashMap<MeshCell, Vec<usize>> =
        cells
            .iter()
            .enumerate()
            .fold(HashMap::new(), |mut h, (i, c)| {
                h.entry(*c).or_default().push(i);
                h
            });
    for i in 0..n {
        if e[i] > 0.0 {
            g.add(s, 1 + i, e[i]);
        }
        if t[i] > 0.0 {
            g.add(n + 1 + i, sink, t[i]);
        }
    }
    for (i, c) in cells.iter().enumerate() {
        if e[i] <= 0.0 {
            continue;
        }
        for dr in -1..=1 {
            for dc in -1..=1 {
                let nb = MeshCell {
                    row: c.row + dr,
                    col: c.col + dc,
                };
                for &j in at.get(&nb).into_iter().flatten() {
                    if t[j] > 0.0 {
                        g.add(1 + i, n + 1 + j, f64::INFINITY);
                    }
                }
            }
        }
    }
    g.max_flow(s, sink)
}

/// A flow network with real capacities (Dinic).
struct Flow {
    adj: Vec<Vec<usize>>,
    to: Vec<usize>,
    cap: Vec<f64>,
    eps: f64,
}

impl Flow {
    fn new(n: usize, eps: f64) -> Self {
        Flow {
            adj: vec![Vec::new(); n],
            to: Vec::new(),
            cap: Vec::new(),
            eps,
        }
    }

    fn add(&mut self, u: usize, v: usize, c: f64) {
        self.adj[u].push(self.to.len());
        self.to.push(v);
        self.cap.push(c);
        self.adj[v].push(self.to.len());
        self.to.push(u);
        self.cap.push(0.0);
    }

    fn max_flow(&mut self, s: usize, t: usize) -> f64 {
        let n = self.adj.len();
        let mut flow = 0.0;
        loop {
            let mut level = vec![usize::MAX; n];
            level[s] = 0;
            let mut queue = std::collections::VecDeque::from([s]);
            while let Some(u) = queue.pop_front() {
                for &e in &self.adj[u] {
                    let v = self.to[e];
                    if self.cap[e] > self.eps && level[v] == usize::MAX {
                        level[v] = level[u] + 1;
                        queue.push_back(v);
                    }
                }
            }
            if level[t] == usize::MAX {
                return flow;
            }
            let mut next = vec![0; n];
            loop {
                let f = self.push(s, t, f64::INFINITY, &level, &mut next);
                if f <= self.eps {
                    break;
                }
                flow += f;
            }
        }
    }

    fn push(&mut self, u: usize, t: usize, limit: f64, level: &[usize], next: &mut [usize]) -> f64 {
        if u == t {
            return limit;
        }
        while next[u] < self.adj[u].len() {
            let e = self.adj[u][next[u]];
            let v = self.to[e];
            if self.cap[e] > self.eps && level[v] == level[u] + 1 {
                let f = self.push(v, t, limit.min(self.cap[e]), level, next);
                if f > self.eps {
                    self.cap[e] -= f;
                    self.cap[e ^ 1] += f;
                    return f;
                }
            }
            next[u] += 1;
        }
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::{polygon, Polygon};
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// Codes and bounds of rows of the census file (`kumamoto_census2020_500m_mesh4930.csv`).
    const KNOWN: &[(&str, [f64; 4])] = &[
        (
            "493004031",
            [130.5375, 32.6666666667, 130.54375, 32.6708333333],
        ),
        (
            "493004032",
            [130.54375, 32.6666666667, 130.55, 32.6708333333],
        ),
    ];

    #[test]
    fn codes_and_bounds_match_the_census_file() {
        for (code, b) in KNOWN {
            let c = MeshCell::from_code(code).unwrap();
            assert_eq!(c.code(), *code);
            for (x, y) in c.bounds().iter().zip(b) {
                assert!((x - y).abs() < 1e-9, "{code}: {:?} vs {b:?}", c.bounds());
            }
            let (lon, lat) = c.center();
            assert_eq!(MeshCell::containing(lon, lat), c);
            assert_eq!(c.first_level(), (49, 130));
        }
        assert_eq!(MeshCell::from_code("49300403"), None);
        assert_eq!(MeshCell::from_code("493084031"), None);
        assert_eq!(MeshCell::from_code("493004035"), None);
    }

    #[test]
    fn every_cell_code_round_trips_over_kumamoto() {
        for row in (32 * 240)..(34 * 240) {
            for col in (129 * 160)..(132 * 160) {
                let c = MeshCell { row, col };
                assert_eq!(MeshCell::from_code(&c.code()), Some(c), "{}", c.code());
            }
        }
        // The quadrants: 1 south-west, 2 south-east, 3 north-west, 4 north-east.
        let sw = MeshCell::from_code("493004031").unwrap();
        let ne = MeshCell::from_code("493004034").unwrap();
        assert_eq!((ne.row - sw.row, ne.col - sw.col), (1, 1));
    }

    fn square(x0: f64, y0: f64, x1: f64, y1: f64) -> Polygon<f64> {
        polygon![(x: x0, y: y0), (x: x1, y: y0), (x: x1, y: y1), (x: x0, y: y1), (x: x0, y: y0)]
    }

    /// Two municipalities side by side, the western one with a hole, over a 6 × 8 cell area.
    fn two_munis() -> (MultiPolygon<f64>, MultiPolygon<f64>) {
        let (lon0, lat0) = (130.0, 32.5);
        let dx = 1.0 / COLS_PER_DEG;
        let dy = 1.0 / ROWS_PER_DEG;
        // The border runs through the middle of column 3 and is slanted over the rows.
        let west = polygon!(
            exterior: [(x: lon0, y: lat0), (x: lon0 + 3.3 * dx, y: lat0), (x: lon0 + 3.7 * dx, y: lat0 + 6.0 * dy), (x: lon0, y: lat0 + 6.0 * dy), (x: lon0, y: lat0)],
            interiors: [[(x: lon0 + 1.0 * dx, y: lat0 + 2.0 * dy), (x: lon0 + 2.0 * dx, y: lat0 + 2.0 * dy), (x: lon0 + 2.0 * dx, y: lat0 + 3.0 * dy), (x: lon0 + 1.0 * dx, y: lat0 + 3.0 * dy), (x: lon0 + 1.0 * dx, y: lat0 + 2.0 * dy)]],
        );
        let east = polygon![(x: lon0 + 3.3 * dx, y: lat0), (x: lon0 + 8.0 * dx, y: lat0), (x: lon0 + 8.0 * dx, y: lat0 + 6.0 * dy), (x: lon0 + 3.7 * dx, y: lat0 + 6.0 * dy), (x: lon0 + 3.3 * dx, y: lat0)];
        (MultiPolygon(vec![west]), MultiPolygon(vec![east]))
    }

    #[test]
    fn shares_sum_to_one_inland_and_follow_the_polygons() {
        let (w, e) = two_munis();
        let grid = ShareGrid::build(&[&w, &e]);
        let base = MeshCell::containing(130.0 + 1e-9, 32.5 + 1e-9);
        let cell = |r: i32, c: i32| MeshCell {
            row: base.row + r,
            col: base.col + c,
        };
        for r in 0..6 {
            for c in 0..8 {
                let s = grid.cell_share(cell(r, c));
                let hole = (r, c) == (2, 1);
                if hole {
                    assert!(s.abs() < 1e-12, "hole {s}");
                } else {
                    assert!((s - 1.0).abs() < 1e-9, "cell {r},{c}: {s}");
                }
            }
        }
        // Outside the polygons: nothing.
        assert!(grid.pieces_of(cell(6, 0)).is_empty());
        assert!(grid.pieces_of(cell(0, 8)).is_empty());
        // The slanted border: column 3 of row r holds the west from 0.3 + 0.4 (r + 0.5) / 6
        // of its width on average (exact for a linear border).
        for r in 0..6 {
            let p = grid.pieces_of(cell(r, 3));
            assert_eq!(p.len(), 2);
            let west = p.iter().find(|p| p.muni == 0).unwrap().share;
            let want = 0.3 + 0.4 * (r as f64 + 0.5) / 6.0;
            assert!((west - want).abs() < 1e-9, "row {r}: {west} vs {want}");
        }
        // A cell half outside: the share is the part inside.
        let half = MultiPolygon(vec![square(
            130.0,
            32.5,
            130.0 + 0.5 / COLS_PER_DEG,
            32.5 + 1.0 / ROWS_PER_DEG,
        )]);
        let g = ShareGrid::build(&[&half]);
        assert!((g.cell_share(cell(0, 0)) - 0.5).abs() < 1e-9);
        assert_eq!(
            grid.muni_at(130.0 + 0.5 / COLS_PER_DEG, 32.5 + 0.5 / ROWS_PER_DEG),
            Some(0)
        );
        assert_eq!(
            grid.muni_at(130.0 + 6.5 / COLS_PER_DEG, 32.5 + 0.5 / ROWS_PER_DEG),
            Some(1)
        );
        assert_eq!(
            grid.muni_at(130.0 + 1.5 / COLS_PER_DEG, 32.5 + 2.5 / ROWS_PER_DEG),
            None
        );
        assert_eq!(grid.muni_at(129.9, 32.5), None);
    }

    #[test]
    fn the_weights_blend_normalised_components() {
        let f = Features {
            area_km2: vec![1.0, 1.0, 2.0],
            towns: vec![(1000.0, vec![0.0, 3.0, 1.0])],
            roads_m: None,
        };
        let t = [0, 1, 2];
        assert_eq!(Weighting::AREA.weights(&f, &t), vec![0.25, 0.25, 0.5]);
        let towns = Weighting::new("t", 0.0, 1.0, 0.0, 1000.0);
        assert_eq!(towns.weights(&f, &t), vec![0.0, 0.75, 0.25]);
        let blend = Weighting::new("b", 0.5, 0.5, 0.0, 1000.0);
        assert_eq!(blend.weights(&f, &t), vec![0.125, 0.5, 0.375]);
        // No road layer: the roads part is dropped and the rest rescaled.
        let with_roads = Weighting::new("r", 0.5, 0.0, 0.5, 0.0);
        assert_eq!(with_roads.weights(&f, &t), vec![0.25, 0.25, 0.5]);
        // Only a town-less cell: back to area.
        assert_eq!(towns.weights(&f, &[0]), vec![1.0]);
    }

    #[test]
    fn an_impossible_age_residual_is_placed_with_the_census_mix() {
        let c = |total, age_0_14, age_65_plus, age_75_plus| Counts {
            total,
            age_0_14,
            age_65_plus,
            age_75_plus,
        };
        let census = c(738_865.0, 99_610.0, 195_240.0, 97_620.0);
        let fine = c(100.0, 10.0, 40.0, 20.0);
        assert_eq!(placeable_mix(fine, census), fine);
        // 熊本市: 425 people but 4,238 aged 65+ missing from the cells.
        let p = placeable_mix(c(425.0, 402.0, 4238.0, 1270.0), census);
        assert_eq!(p.total, 425.0);
        assert!((p.age_65_plus - 425.0 * 195_240.0 / 738_865.0).abs() < 1e-9);
        assert!((p.age_75_plus - 425.0 * 97_620.0 / 738_865.0).abs() < 1e-9);
        assert!((p.age_0_14 - 425.0 * 99_610.0 / 738_865.0).abs() < 1e-9);
        // Each group capped by its residual: no 0–14 missing, none placed.
        let p = placeable_mix(c(425.0, 0.0, 4238.0, 1270.0), census);
        assert_eq!(p.age_0_14, 0.0);
    }

    /// Brute force: the neighbourhood matching is the max flow; checked against an exhaustive
    /// LP-free bound on a case worked by hand.
    #[test]
    fn the_neighbourhood_matching_is_a_maximum_flow() {
        let c = |row, col| MeshCell { row, col };
        // Estimated people in (0,0), true ones in (0,1) and (0,2): only (0,1) is near.
        let cells = [c(0, 0), c(0, 1), c(0, 2)];
        assert_eq!(
            near_matching(&cells, &[10.0, 0.0, 0.0], &[0.0, 4.0, 6.0]),
            4.0
        );
        // A greedy pass from the left would send (0,1)'s estimate to (0,0)'s truth and leave
        // (0,2)'s truth unmatched; the maximum matches all 10.
        let e = [0.0, 5.0, 5.0];
        let t = [5.0, 0.0, 5.0];
        assert!((near_matching(&cells, &e, &t) - 10.0).abs() < 1e-9);
        let cells = [c(0, 0), c(0, 1), c(0, 3)];
        assert!((near_matching(&cells, &[0.0, 5.0, 5.0], &[5.0, 5.0, 0.0]) - 5.0).abs() < 1e-9);
    }

    /// A seeded synthetic municipality whose people follow a known rule: the hold-out finds
    /// the weighting that made them (zero error) and ranks it first.
    #[test]
    fn the_holdout_recovers_the_weighting_that_made_the_truth() {
        let mut rng = ChaCha8Rng::seed_from_u64(15);
        let (w, e) = two_munis();
        // A larger area: 40 × 30 cells in one municipality, the two small ones beside it.
        let big = MultiPolygon(vec![square(
            130.1,
            32.5,
            130.1 + 40.0 / COLS_PER_DEG,
            32.5 + 30.0 / ROWS_PER_DEG,
        )]);
        let grid = ShareGrid::build(&[&w, &e, &big]);
        let towns: Vec<TownPoint> = (0..25)
            .map(|_| TownPoint {
                lon: rng.gen_range(130.1..130.1 + 40.0 / COLS_PER_DEG),
                lat: rng.gen_range(32.5..32.5 + 30.0 / ROWS_PER_DEG),
                muni: 2,
            })
            .collect();
        let features = Features::compute(
            &grid,
            &Projection::kumamoto(),
            &towns,
            None,
            &[1000.0, 2000.0],
        );
        let make = |w: Weighting| -> BTreeMap<(MeshCell, usize), f64> {
            let idx: Vec<usize> = (0..grid.pieces.len())
                .filter(|&i| grid.pieces[i].muni == 2)
                .collect();
            let ws = w.weights(&features, &idx);
            idx.iter()
                .zip(ws)
                .filter(|(_, x)| *x > 0.0)
                .map(|(&i, x)| ((grid.pieces[i].cell, 2), 50_000.0 * x))
                .collect()
        };
        let names = vec![(String::new(), String::new()); 3];
        let cands = [
            Weighting::AREA,
            Weighting::new("towns_1km", 0.0, 1.0, 0.0, 1000.0),
            Weighting::new("towns_2km", 0.0, 1.0, 0.0, 2000.0),
        ];
        for (k, truth_w) in cands.iter().enumerate() {
            let truth = make(*truth_w);
            let r = holdout_scores(&grid, &features, &truth, |_| true, &cands, &names);
            assert_eq!(r.municipalities.len(), 1);
            let s = &r.overall;
            assert!(s[k].mae < 1e-6, "{s:?}");
            assert!((s[k].exact_share - 1.0).abs() < 1e-9, "{s:?}");
            assert!((s[k].near_share - 1.0).abs() < 1e-6, "{s:?}");
            for (j, o) in s.iter().enumerate() {
                if j != k {
                    assert!(
                        o.mae > 1.0,
                        "{} should miss {}: {s:?}",
                        o.weighting,
                        truth_w.name
                    );
                    assert!(o.exact_share < 0.95 && o.near_share >= o.exact_share - 1e-9);
                }
            }
            assert!((s[k].people - 50_000.0).abs() < 1e-6);
        }
        // Truth from random noise around the towns: the towns weighting beats area.
        let noisy: BTreeMap<(MeshCell, usize), f64> = make(cands[1])
            .into_iter()
            .map(|(k, v)| (k, v * rng.gen_range(0.5..1.5)))
            .collect();
        let r = holdout_scores(&grid, &features, &noisy, |_| true, &cands, &names);
        assert!(r.overall[1].mae < r.overall[0].mae, "{:?}", r.overall);
    }
}
