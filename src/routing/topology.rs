//! Topology cleaning at import: road lines whose ends stop a metre or two short of (or past)
//! another road become junctions with it, so shortest paths see the T-junctions the data
//! means.
//!
//! The MLIT probe links were re-chained from the union of 20 snapshots, each digitised
//! separately: where a side road meets a through road, its end often lies on the through
//! road's *interior* vertex or segment 1–2 m off, and joining end points only (as the first
//! importer did) misses those junctions — trips detour, components split.
//!
//! # Method
//! In planar metres (zone II over Kumamoto), with tolerance `tol` ([`JOIN_TOLERANCE_M`]):
//! 1. Line ends within `tol` of each other become one end node (greedy: an end joins the
//!    nearest existing end node within `tol`, else starts one).
//! 2. Each end node looks at the lines that do not end in it: the nearest vertex within `tol`
//!    wins (an interior vertex splits that line there; another line's end merges the two end
//!    nodes); otherwise the nearest point on a segment within `tol` splits that segment.
//!    Vertices win over a nearer segment because a vertex of another snapshot's line is where
//!    that snapshot put the same junction.
//! 3. Lines are cut at their split points into links; a line end that is not exactly at its
//!    node gets a short connector (≤ `tol`) so every link shape starts and ends at its nodes.
//!
//! Lines that cross with no end within `tol` of the crossing stay unjoined: without levels
//! the data cannot tell a bridge or underpass from an at-grade crossing, and a road
//! network digitised from driven traces has a vertex pair, and so a line end, wherever a
//! vehicle turned. [`crossings`] counts them for `carecover check`.
//!
//! OpenStreetMap ways already share node ids at junctions, so their ends coincide exactly and
//! step 1 rebuilds the OSM topology; step 2 joins only ends a mapper left within `tol` of
//! another way (a handful in the Helsinki fixture).

use super::graph::{GraphBuilder, Plane, RoadGraph};
use crate::geom::{segment_foot, LonLat};
use std::collections::HashMap;

/// Line ends within this distance (metres, planar) of another road's end, vertex or segment
/// become a junction with it.
///
/// Chosen from the probe data: of the 8,901 line ends that share their end point with no
/// other line (dead ends), 7,185 lie within 1.25 m of another line's segment, 7,398 within
/// 2 m, and from 2.5 m on the count per 0.25 m settles at the 5–15 of genuinely separate
/// roads that happen to end near another (digitising noise of the snapshots ≈ one 1e-5°
/// step, 0.9–1.1 m, or two). 2 m takes the noise and stays well under the ≥ 5 m between the
/// carriageways of a divided road.
pub const JOIN_TOLERANCE_M: f64 = 2.0;

/// One road line as read from a file, before topology cleaning.
#[derive(Debug, Clone, PartialEq)]
pub struct RoadLine {
    /// At least two vertices, lon/lat.
    pub shape: Vec<LonLat>,
    /// Travel from the first vertex to the last is allowed.
    pub forward: bool,
    /// Travel from the last vertex to the first is allowed.
    pub backward: bool,
    pub speed_kmh: f64,
}

/// What topology cleaning did, for the log, `carecover check` and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct TopologyStats {
    pub tolerance_m: f64,
    /// Lines read (each part of a MultiLineString counts).
    pub lines: usize,
    /// Line ends (2 per line).
    pub line_ends: usize,
    /// Line ends joined to another line's interior vertex (that line split there).
    pub ends_joined_to_vertex: usize,
    /// Line ends joined to a point inside another line's segment (that line split there).
    pub ends_joined_to_segment: usize,
    /// Line ends whose end node merged with another line's end node in step 2 (ends within
    /// `tol` that the greedy first step left apart).
    pub ends_joined_to_end: usize,
    /// Lines cut at one or more junctions.
    pub lines_split: usize,
    /// Graph nodes, components and largest component with end points merged only (step 1,
    /// no joins to interiors): the topology before cleaning.
    pub nodes_before: usize,
    pub components_before: usize,
    pub largest_before: usize,
    /// The same after cleaning.
    pub nodes_after: usize,
    pub components_after: usize,
    pub largest_after: usize,
}

impl TopologyStats {
    /// Share of nodes in the largest component before / after cleaning, 0–1.
    pub fn largest_share(&self) -> (f64, f64) {
        let s = |a: usize, n: usize| if n == 0 { 0.0 } else { a as f64 / n as f64 };
        (
            s(self.largest_before, self.nodes_before),
            s(self.largest_after, self.nodes_after),
        )
    }
}

/// Where an end node meets another line.
#[derive(Debug, Clone, Copy)]
enum Hit {
    /// Interior vertex `k` of `line`.
    Vertex { line: u32, k: u32 },
    /// Another end node.
    End { node: u32 },
    /// Segment `seg` of `line` at parameter `t` (0 < t < 1).
    Segment { line: u32, seg: u32, t: f64 },
}

/// Builds a graph from `lines`, joining ends to nearby roads within `tol` metres (see the
/// module docs). The graph carries its [`TopologyStats`].
pub fn build_graph(plane: Plane, lines: &[RoadLine], tol: f64) -> RoadGraph {
    let lines: Vec<&RoadLine> = lines
        .iter()
        .filter(|l| l.shape.len() >= 2 && (l.forward || l.backward))
        .collect();
    let xy: Vec<Vec<[f64; 2]>> = lines
        .iter()
        .map(|l| l.shape.iter().map(|p| plane.forward(*p)).collect())
        .collect();
    let mut stats = TopologyStats {
        tolerance_m: tol,
        lines: lines.len(),
        line_ends: 2 * lines.len(),
        ..Default::default()
    };

    // 1. End nodes.
    let mut ends = EndNodes::new(tol);
    let end_node: Vec<[u32; 2]> = xy
        .iter()
        .zip(&lines)
        .map(|(s, l)| {
            [
                ends.node(s[0], l.shape[0]),
                ends.node(s[s.len() - 1], l.shape[s.len() - 1]),
            ]
        })
        .collect();
    let n_end = ends.xy.len();
    let mut lines_at: Vec<Vec<u32>> = vec![Vec::new(); n_end];
    let mut ends_at = vec![0usize; n_end];
    for (i, e) in end_node.iter().enumerate() {
        for &n in e {
            ends_at[n as usize] += 1;
            if lines_at[n as usize].last() != Some(&(i as u32)) {
                lines_at[n as usize].push(i as u32);
            }
        }
    }
    let mut before = UnionFind::new(n_end);
    for e in &end_node {
        before.union(e[0], e[1]);
    }
    (stats.components_before, stats.largest_before) = before.summary();
    stats.nodes_before = n_end;

    // 2. Joins: each end node to its nearest other road within `tol`.
    let hits = nearest_hits(&xy, &ends.xy, &end_node, &lines_at, tol);
    let mut uf = UnionFind::new(n_end);
    // Per line: (position along the line as segment index + t, end node) of its splits.
    let mut splits: Vec<Vec<(f64, u32)>> = vec![Vec::new(); lines.len()];
    // Where a joined end node lies (the junction point on the other line).
    let mut join_at: Vec<Option<LonLat>> = vec![None; n_end];
    for (c, hit) in hits.into_iter().enumerate() {
        let Some(hit) = hit else {
            continue;
        };
        let n_ends = ends_at[c];
        match hit {
            Hit::End { node } => {
                stats.ends_joined_to_end += n_ends;
                uf.union(c as u32, node);
            }
            Hit::Vertex { line, k } => {
                stats.ends_joined_to_vertex += n_ends;
                splits[line as usize].push((k as f64, c as u32));
                join_at[c] = Some(lines[line as usize].shape[k as usize]);
            }
            Hit::Segment { line, seg, t } => {
                stats.ends_joined_to_segment += n_ends;
                splits[line as usize].push((seg as f64 + t, c as u32));
                let (a, b) = (
                    lines[line as usize].shape[seg as usize],
                    lines[line as usize].shape[seg as usize + 1],
                );
                join_at[c] = Some(lerp(a, b, t));
            }
        }
    }
    // Splits at the same place on a line (two side roads meeting the same vertex from either
    // side) are one junction.
    for s in splits.iter_mut() {
        s.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for w in s.windows(2) {
            if w[1].0 - w[0].0 < 1e-9 {
                uf.union(w[0].1, w[1].1);
            }
        }
        s.dedup_by(|b, a| b.0 - a.0 < 1e-9);
    }
    stats.lines_split = splits.iter().filter(|s| !s.is_empty()).count();

    // 3. Nodes (one per union of end nodes) and links.
    let mut b = GraphBuilder::new(plane);
    let mut node_of_root: HashMap<u32, u32> = HashMap::new();
    let mut pos_of_root: HashMap<u32, LonLat> = HashMap::new();
    for c in 0..n_end as u32 {
        let r = uf.find(c);
        if let Some(p) = join_at[c as usize] {
            pos_of_root.entry(r).or_insert(p);
        }
    }
    let mut node_of = vec![0u32; n_end];
    for c in 0..n_end as u32 {
        let r = uf.find(c);
        let id = *node_of_root.entry(r).or_insert_with(|| {
            let p = pos_of_root
                .get(&r)
                .copied()
                .unwrap_or(ends.lonlat[r as usize]);
            b.add_node(p)
        });
        node_of[c as usize] = id;
    }
    let node_pos: Vec<LonLat> = (0..b.node_count() as u32).map(|i| b.node_at(i)).collect();
    let node_xy: Vec<[f64; 2]> = node_pos.iter().map(|p| b.plane().forward(*p)).collect();
    // The piece being cut, lon/lat and planar.
    let mut shape: Vec<LonLat> = Vec::new();
    let mut sxy: Vec<[f64; 2]> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let from = node_of[end_node[i][0] as usize];
        let to = node_of[end_node[i][1] as usize];
        let (fw, bw, kmh) = (l.forward, l.backward, l.speed_kmh);
        shape.clear();
        sxy.clear();
        push_distinct(
            &mut shape,
            &mut sxy,
            node_pos[from as usize],
            node_xy[from as usize],
        );
        let mut start = from;
        let mut next_split = splits[i].iter().peekable();
        for (k, p) in l.shape.iter().enumerate() {
            // Splits inside the segment ending at vertex k, then a split at vertex k itself.
            while let Some(&&(at, c)) = next_split.peek() {
                if at >= k as f64 {
                    break;
                }
                let node = node_of[c as usize];
                let (np, nxy) = (node_pos[node as usize], node_xy[node as usize]);
                push_distinct(&mut shape, &mut sxy, np, nxy);
                b.add_link_xy(start, node, &shape, Some(&sxy), fw, bw, kmh);
                shape.clear();
                sxy.clear();
                shape.push(np);
                sxy.push(nxy);
                start = node;
                next_split.next();
            }
            push_distinct(&mut shape, &mut sxy, *p, xy[i][k]);
            if let Some(&&(at, c)) = next_split.peek() {
                if at == k as f64 {
                    let node = node_of[c as usize];
                    b.add_link_xy(start, node, &shape, Some(&sxy), fw, bw, kmh);
                    shape.clear();
                    sxy.clear();
                    shape.push(*p);
                    sxy.push(xy[i][k]);
                    start = node;
                    next_split.next();
                }
            }
        }
        push_distinct(
            &mut shape,
            &mut sxy,
            node_pos[to as usize],
            node_xy[to as usize],
        );
        b.add_link_xy(start, to, &shape, Some(&sxy), fw, bw, kmh);
    }
    let mut g = b.build();
    stats.nodes_after = g.node_count();
    stats.components_after = g.components().count();
    stats.largest_after = g.components().largest() as usize;
    g.topology = Some(stats);
    g
}

fn push_distinct(shape: &mut Vec<LonLat>, xy: &mut Vec<[f64; 2]>, p: LonLat, pxy: [f64; 2]) {
    if shape.last() != Some(&p) {
        shape.push(p);
        xy.push(pxy);
    }
}

fn lerp(a: LonLat, b: LonLat, t: f64) -> LonLat {
    LonLat::new(
        a.lon() + (b.lon() - a.lon()) * t,
        a.lat() + (b.lat() - a.lat()) * t,
    )
    .unwrap_or(a)
}

/// For every end node `q`: the nearest vertex (interior, or another end node's) within `tol`
/// on a line not ending at `q`, else the nearest point inside a segment within `tol`.
/// Ties go to the lowest (line, vertex or segment) index, so the answer does not depend on
/// the order of the search.
///
/// One pass over the segments against a hash grid of the end nodes (a few per cell): cheaper
/// than indexing the ~250 k segments, and each segment looks only at the cells within `tol`
/// of it.
fn nearest_hits(
    xy: &[Vec<[f64; 2]>],
    end_xy: &[[f64; 2]],
    end_node: &[[u32; 2]],
    lines_at: &[Vec<u32>],
    tol: f64,
) -> Vec<Option<Hit>> {
    const CELL_M: f64 = 32.0;
    let key = |p: [f64; 2]| {
        (
            (p[0] / CELL_M).floor() as i64,
            (p[1] / CELL_M).floor() as i64,
        )
    };
    let mut grid: HashMap<(i64, i64), Vec<u32>> = HashMap::new();
    for (c, p) in end_xy.iter().enumerate() {
        grid.entry(key(*p)).or_default().push(c as u32);
    }
    let mut vertex: Vec<Option<(f64, u32, u32)>> = vec![None; end_xy.len()];
    let mut segment: Vec<Option<(f64, u32, u32, f64)>> = vec![None; end_xy.len()];
    let mut cells: Vec<(i64, i64)> = Vec::new();
    for (li, s) in xy.iter().enumerate() {
        let line = li as u32;
        for (si, w) in s.windows(2).enumerate() {
            let (a, b) = (w[0], w[1]);
            // Cells within `tol` of the segment: its widened box when that is small (most
            // segments), else around samples every ≤ one cell.
            let len = dist(a, b);
            let n = (len / CELL_M).ceil().max(1.0) as usize;
            let half = len / n as f64 / 2.0 + tol;
            cells.clear();
            let lo = key([a[0].min(b[0]) - tol, a[1].min(b[1]) - tol]);
            let hi = key([a[0].max(b[0]) + tol, a[1].max(b[1]) + tol]);
            let small = (hi.0 - lo.0 + 1) * (hi.1 - lo.1 + 1) <= 4;
            if small {
                for x in lo.0..=hi.0 {
                    for y in lo.1..=hi.1 {
                        cells.push((x, y));
                    }
                }
            }
            for k in (0..=n).filter(|_| !small) {
                let t = k as f64 / n as f64;
                let p = [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
                let (lo, hi) = (
                    key([p[0] - half, p[1] - half]),
                    key([p[0] + half, p[1] + half]),
                );
                for x in lo.0..=hi.0 {
                    for y in lo.1..=hi.1 {
                        cells.push((x, y));
                    }
                }
            }
            if !small {
                cells.sort_unstable();
                cells.dedup();
            }
            let seg = si as u32;
            for cell in &cells {
                for &c in grid.get(cell).into_iter().flatten() {
                    let c = c as usize;
                    if lines_at[c].contains(&line) {
                        continue;
                    }
                    let q = end_xy[c];
                    for (k, v) in [(seg, a), (seg + 1, b)] {
                        let d = dist(q, v);
                        if d <= tol && vertex[c].is_none_or(|x| (d, line, k) < (x.0, x.1, x.2)) {
                            vertex[c] = Some((d, line, k));
                        }
                    }
                    let (d, t) = project(q, a, b);
                    // A foot within a centimetre of a vertex is that vertex (found above).
                    if d <= tol
                        && t * len > 0.01
                        && (1.0 - t) * len > 0.01
                        && segment[c].is_none_or(|x| (d, line, seg) < (x.0, x.1, x.2))
                    {
                        segment[c] = Some((d, line, seg, t));
                    }
                }
            }
        }
    }
    vertex
        .into_iter()
        .zip(segment)
        .map(|(v, s)| {
            if let Some((_, line, k)) = v {
                let last = xy[line as usize].len() as u32 - 1;
                return Some(if k == 0 {
                    Hit::End {
                        node: end_node[line as usize][0],
                    }
                } else if k == last {
                    Hit::End {
                        node: end_node[line as usize][1],
                    }
                } else {
                    Hit::Vertex { line, k }
                });
            }
            s.map(|(_, line, seg, t)| Hit::Segment { line, seg, t })
        })
        .collect()
}

fn dist(a: [f64; 2], b: [f64; 2]) -> f64 {
    (a[0] - b[0]).hypot(a[1] - b[1])
}

/// Distance from `q` to segment `a`–`b` and the parameter of the foot (0 at `a`, 1 at `b`).
fn project(q: [f64; 2], a: [f64; 2], b: [f64; 2]) -> (f64, f64) {
    let (foot, t) = segment_foot(q, a, b);
    (dist(q, foot), t)
}

/// End nodes on a hash grid of `tol` cells: a new end joins the nearest node within `tol` in
/// its 3 × 3 cells, else becomes a node.
struct EndNodes {
    tol: f64,
    cells: HashMap<(i64, i64), Vec<u32>>,
    xy: Vec<[f64; 2]>,
    lonlat: Vec<LonLat>,
}

impl EndNodes {
    fn new(tol: f64) -> Self {
        Self {
            tol: tol.max(1e-6),
            cells: HashMap::new(),
            xy: Vec::new(),
            lonlat: Vec::new(),
        }
    }

    fn node(&mut self, xy: [f64; 2], p: LonLat) -> u32 {
        let cell = |v: f64| (v / self.tol).floor() as i64;
        let (cx, cy) = (cell(xy[0]), cell(xy[1]));
        let mut best: Option<(f64, u32)> = None;
        for dx in -1..=1 {
            for dy in -1..=1 {
                for &id in self.cells.get(&(cx + dx, cy + dy)).into_iter().flatten() {
                    let d = dist(self.xy[id as usize], xy);
                    if d <= self.tol && best.is_none_or(|b| (d, id) < b) {
                        best = Some((d, id));
                    }
                }
            }
        }
        if let Some((_, id)) = best {
            return id;
        }
        let id = self.xy.len() as u32;
        self.xy.push(xy);
        self.lonlat.push(p);
        self.cells.entry((cx, cy)).or_default().push(id);
        id
    }
}

/// Segments (line, segment index) on a hash grid, each registered in every cell holding a
/// point within `reach` metres of it: two segments that cross share the cell of the crossing.
pub(crate) struct SegmentGrid {
    cell: f64,
    cells: HashMap<(i64, i64), Vec<(u32, u32)>>,
}

impl SegmentGrid {
    /// Cell size: long enough that most segments (median ≈ 20 m in the probe data) touch one
    /// or two cells, short enough that a cell lists few segments.
    const CELL_M: f64 = 32.0;

    pub(crate) fn new(xy: &[Vec<[f64; 2]>], reach: f64) -> Self {
        let cell = Self::CELL_M;
        let mut cells: HashMap<(i64, i64), Vec<(u32, u32)>> = HashMap::new();
        let mut touched: Vec<(i64, i64)> = Vec::new();
        for (li, s) in xy.iter().enumerate() {
            for (si, w) in s.windows(2).enumerate() {
                // Sample the segment every ≤ `cell` metres; a point within `reach` of the
                // segment is within step / 2 + reach of a sample in each coordinate.
                let len = dist(w[0], w[1]);
                let n = (len / cell).ceil().max(1.0) as usize;
                let half = len / n as f64 / 2.0 + reach;
                touched.clear();
                for k in 0..=n {
                    let t = k as f64 / n as f64;
                    let p = [
                        w[0][0] + (w[1][0] - w[0][0]) * t,
                        w[0][1] + (w[1][1] - w[0][1]) * t,
                    ];
                    let (x0, x1) = (
                        ((p[0] - half) / cell).floor() as i64,
                        ((p[0] + half) / cell).floor() as i64,
                    );
                    let (y0, y1) = (
                        ((p[1] - half) / cell).floor() as i64,
                        ((p[1] + half) / cell).floor() as i64,
                    );
                    for x in x0..=x1 {
                        for y in y0..=y1 {
                            touched.push((x, y));
                        }
                    }
                }
                touched.sort_unstable();
                touched.dedup();
                for c in &touched {
                    cells.entry(*c).or_default().push((li as u32, si as u32));
                }
            }
        }
        Self { cell, cells }
    }

    fn cells(&self) -> impl Iterator<Item = (&(i64, i64), &Vec<(u32, u32)>)> {
        self.cells.iter()
    }
}

/// Union–find over end nodes (path halving; the smaller id becomes the root).
struct UnionFind(Vec<u32>);

impl UnionFind {
    fn new(n: usize) -> Self {
        Self((0..n as u32).collect())
    }

    fn find(&mut self, mut x: u32) -> u32 {
        while self.0[x as usize] != x {
            self.0[x as usize] = self.0[self.0[x as usize] as usize];
            x = self.0[x as usize];
        }
        x
    }

    fn union(&mut self, a: u32, b: u32) {
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            self.0[a.max(b) as usize] = a.min(b);
        }
    }

    /// Number of sets and size of the largest.
    fn summary(&mut self) -> (usize, usize) {
        let mut size = vec![0usize; self.0.len()];
        for x in 0..self.0.len() as u32 {
            let r = self.find(x);
            size[r as usize] += 1;
        }
        (
            size.iter().filter(|s| **s > 0).count(),
            size.iter().copied().max().unwrap_or(0),
        )
    }
}

/// Crossings of two links with no link end within `tol` of the crossing point: bridges,
/// underpasses, or at-grade crossings the data does not mark. Left unjoined (see the module
/// docs); counted for `carecover check`.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct Crossings {
    /// Points where segments of two different links properly cross, away from link ends.
    pub crossings: usize,
    /// Of the crossings that are not shallow, those where both links have a vertex within
    /// `tol` of the crossing (two snapshots' vertices of one place: possibly an at-grade
    /// junction without a line end).
    pub with_vertices_near: usize,
    /// Of those, crossings at less than [`SHALLOW_CROSSING_DEG`]: two traces of one road
    /// (snapshots digitised the same street a metre apart) weaving across each other, not two
    /// roads.
    pub shallow: usize,
}

/// Crossings at a smaller angle (degrees) are two traces of one road, not two roads.
pub const SHALLOW_CROSSING_DEG: f64 = 20.0;

/// Counts the [`Crossings`] of `g`'s links (planar metres).
pub fn crossings(g: &RoadGraph, tol: f64) -> Crossings {
    let xy: Vec<Vec<[f64; 2]>> = (0..g.links().len()).map(|i| g.shape(i).to_vec()).collect();
    let grid = SegmentGrid::new(&xy, 0.0);
    let mut out = Crossings::default();
    for (cell, segs) in grid.cells() {
        for (i, &(la, sa)) in segs.iter().enumerate() {
            for &(lb, sb) in &segs[i + 1..] {
                if la == lb {
                    continue;
                }
                let (a, b) = (&xy[la as usize], &xy[lb as usize]);
                let Some(p) = intersect(
                    a[sa as usize],
                    a[sa as usize + 1],
                    b[sb as usize],
                    b[sb as usize + 1],
                ) else {
                    continue;
                };
                // Count each crossing once: in the cell that holds it.
                let key = (
                    (p[0] / grid.cell).floor() as i64,
                    (p[1] / grid.cell).floor() as i64,
                );
                if key != *cell {
                    continue;
                }
                let near_end =
                    |s: &[[f64; 2]]| dist(s[0], p) <= tol || dist(s[s.len() - 1], p) <= tol;
                if near_end(a) || near_end(b) {
                    continue;
                }
                out.crossings += 1;
                let (u, v) = (
                    [
                        a[sa as usize + 1][0] - a[sa as usize][0],
                        a[sa as usize + 1][1] - a[sa as usize][1],
                    ],
                    [
                        b[sb as usize + 1][0] - b[sb as usize][0],
                        b[sb as usize + 1][1] - b[sb as usize][1],
                    ],
                );
                let sin = (u[0] * v[1] - u[1] * v[0]).abs() / (u[0].hypot(u[1]) * v[0].hypot(v[1]));
                let near_vertex = |s: &[[f64; 2]]| s.iter().any(|v| dist(*v, p) <= tol);
                if sin < SHALLOW_CROSSING_DEG.to_radians().sin() {
                    out.shallow += 1;
                } else if near_vertex(a) && near_vertex(b) {
                    out.with_vertices_near += 1;
                }
            }
        }
    }
    out
}

/// The crossing point of segments p1–p2 and q1–q2 when they cross (touching counts, parallel
/// overlaps do not).
fn intersect(p1: [f64; 2], p2: [f64; 2], q1: [f64; 2], q2: [f64; 2]) -> Option<[f64; 2]> {
    let r = [p2[0] - p1[0], p2[1] - p1[1]];
    let s = [q2[0] - q1[0], q2[1] - q1[1]];
    let den = r[0] * s[1] - r[1] * s[0];
    if den.abs() < 1e-12 {
        return None;
    }
    let qp = [q1[0] - p1[0], q1[1] - p1[1]];
    let t = (qp[0] * s[1] - qp[1] * s[0]) / den;
    let u = (qp[0] * r[1] - qp[1] * r[0]) / den;
    ((0.0..=1.0).contains(&t) && (0.0..=1.0).contains(&u))
        .then(|| [p1[0] + t * r[0], p1[1] + t * r[1]])
}
