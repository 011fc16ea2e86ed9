//! [`Reach`]: which parts of the road network lie within a cost (road metres or drive
//! seconds) of a set of sources, down to the point inside a link where the budget runs out,
//! and painting those parts with a buffer on a [`LevelGrid`].
//!
//! # Method
//! The bounded multi-source Dijkstra ([`super::bounded_dijkstra`]) gives every node its least
//! cost from the sources. Cost grows linearly along a link (uniform speed per link), so within link `a → b`
//! of length L and cost rate k per metre the part reached within budget c is
//! `[0, (c − d(a))/k]` from `a` (when travel `a → b` is allowed), `[L − (c − d(b))/k, L]`
//! from `b` (when `b → a` is allowed), and `[s − (c − c₀)/k, s + (c − c₀)/k]` around a source
//! snapped at `s` with start cost c₀ (each side only in an allowed direction), clipped to
//! `[0, L]` and merged. Travel runs from the sources outwards (provider → home, origin →
//! destination).

use super::dijkstra::{bounded_dijkstra, Flow};
use super::graph::RoadGraph;
use super::grid::LevelGrid;
use super::outline::Outline;
use std::collections::HashMap;

/// What a budget is measured in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// Road metres (plus off-road metres of the start leg).
    Distance,
    /// Drive seconds at each link's speed (plus the start leg at the off-road speed).
    Time,
}

impl Metric {
    /// Cost per metre along link `i` of `g`.
    pub fn rate(&self, g: &RoadGraph, i: usize) -> f64 {
        match self {
            Metric::Distance => 1.0,
            Metric::Time => 3.6 / g.links[i].speed_kmh,
        }
    }

    /// Cost of an off-road leg of `m` metres (at [`super::OFFROAD_SPEED_KMH`] for time).
    pub fn offroad_cost(&self, m: f64) -> f64 {
        match self {
            Metric::Distance => m,
            Metric::Time => m / (super::OFFROAD_SPEED_KMH / 3.6),
        }
    }
}

/// A start of the search on a link: the point `along_m` metres from the link's `from` node,
/// reached at `cost` (its off-road leg).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReachSource {
    pub link: u32,
    pub along_m: f64,
    pub cost: f64,
}

/// Least costs from a set of sources, up to a limit.
#[derive(Debug, Clone)]
pub struct Reach {
    pub metric: Metric,
    /// Costs are exact up to this limit; nodes beyond it are infinite.
    pub limit: f64,
    node_cost: Vec<f64>,
    sources: Vec<ReachSource>,
    /// Positions in `sources` by link.
    on_link: HashMap<u32, Vec<usize>>,
}

impl Reach {
    /// Runs the bounded multi-source Dijkstra.
    pub fn compute(g: &RoadGraph, metric: Metric, sources: Vec<ReachSource>, limit: f64) -> Self {
        let mut on_link: HashMap<u32, Vec<usize>> = HashMap::new();
        // Each source enters the graph at the ends of its link it may drive to.
        let mut seeds: Vec<(u32, f64, ())> = Vec::with_capacity(2 * sources.len());
        for (k, s) in sources.iter().enumerate() {
            let i = s.link as usize;
            let Some(l) = g.links.get(i) else { continue };
            on_link.entry(s.link).or_default().push(k);
            let rate = metric.rate(g, i);
            if l.forward {
                seeds.push((l.to, s.cost + (l.length_m - s.along_m).max(0.0) * rate, ()));
            }
            if l.backward {
                seeds.push((l.from, s.cost + s.along_m.max(0.0) * rate, ()));
            }
        }
        // Per directed edge cost: the CSR stores length and time (one rate per link).
        let settle = |_, _, _| Flow::Continue;
        let node_cost = match metric {
            Metric::Distance => bounded_dijkstra(g, seeds, limit, |(), len, _| (len, ()), settle),
            Metric::Time => bounded_dijkstra(g, seeds, limit, |(), _, t| (t, ()), settle),
        };
        Self {
            metric,
            limit,
            node_cost,
            sources,
            on_link,
        }
    }

    /// Least cost of node `u` (infinite beyond the limit or unreachable).
    pub fn node_cost(&self, u: u32) -> f64 {
        self.node_cost[u as usize]
    }

    pub fn node_costs(&self) -> &[f64] {
        &self.node_cost
    }

    pub fn sources(&self) -> &[ReachSource] {
        &self.sources
    }

    /// The parts of link `i` reached within `budget` (≤ the limit), as sorted disjoint
    /// intervals of metres along the link from its `from` node. A single point (a node reached
    /// with nothing left) is an interval of zero length.
    pub fn intervals(&self, g: &RoadGraph, i: usize, budget: f64) -> Vec<(f64, f64)> {
        let l = g.links[i];
        let len = l.length_m;
        let rate = self.metric.rate(g, i);
        let mut iv: Vec<(f64, f64)> = Vec::new();
        let (ca, cb) = (
            self.node_cost[l.from as usize],
            self.node_cost[l.to as usize],
        );
        if ca <= budget {
            let reach = if l.forward {
                ((budget - ca) / rate).min(len)
            } else {
                0.0
            };
            iv.push((0.0, reach));
        }
        if cb <= budget {
            let reach = if l.backward {
                ((budget - cb) / rate).min(len)
            } else {
                0.0
            };
            iv.push((len - reach, len));
        }
        for &k in self.sources_on(i) {
            let s = self.sources[k];
            if s.cost > budget {
                continue;
            }
            let r = (budget - s.cost) / rate;
            let at = s.along_m.clamp(0.0, len);
            let lo = if l.backward { (at - r).max(0.0) } else { at };
            let hi = if l.forward { (at + r).min(len) } else { at };
            iv.push((lo, hi));
        }
        iv.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut out: Vec<(f64, f64)> = Vec::with_capacity(iv.len());
        for (a, b) in iv {
            match out.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => out.push((a, b)),
            }
        }
        out
    }

    /// The sources snapped onto link `i` (indexes into `sources`).
    fn sources_on(&self, i: usize) -> &[usize] {
        self.on_link
            .get(&(i as u32))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Least cost of the point `along_m` metres into link `i` (infinite beyond the limit): the
    /// oracle the intervals are tested against.
    pub fn cost_at(&self, g: &RoadGraph, i: usize, along_m: f64) -> f64 {
        let l = g.links[i];
        let rate = self.metric.rate(g, i);
        let mut best = f64::INFINITY;
        if l.forward {
            best = best.min(self.node_cost[l.from as usize] + along_m * rate);
        }
        if l.backward {
            best = best.min(self.node_cost[l.to as usize] + (l.length_m - along_m) * rate);
        }
        for &k in self.sources_on(i) {
            let s = self.sources[k];
            let ahead = along_m - s.along_m;
            if (ahead >= 0.0 && l.forward) || (ahead <= 0.0 && l.backward) {
                best = best.min(s.cost + ahead.abs() * rate);
            }
        }
        if best <= self.limit {
            best
        } else {
            f64::INFINITY
        }
    }

    /// Paints the parts reached within each of `budgets` (increasing; level = position) with
    /// a buffer of `buffer_m` metres. A link already painted whole at a lower level is not
    /// painted again.
    pub fn paint(
        &self,
        g: &RoadGraph,
        outline: &Outline,
        grid: &mut LevelGrid,
        budgets: &[f64],
        buffer_m: f64,
    ) {
        for_each_piece(self, g, outline, budgets, |pts, level| {
            grid.paint_polyline(pts, buffer_m, level)
        });
    }

    /// Bounding box (metres) of the parts reached within `budget`, `None` when nothing is.
    pub fn extent(
        &self,
        g: &RoadGraph,
        outline: &Outline,
        budget: f64,
    ) -> Option<([f64; 2], [f64; 2])> {
        let mut b: Option<([f64; 2], [f64; 2])> = None;
        for_each_piece(self, g, outline, &[budget], |pts, _| {
            for p in pts {
                let e = b.get_or_insert((*p, *p));
                e.0 = [e.0[0].min(p[0]), e.0[1].min(p[1])];
                e.1 = [e.1[0].max(p[0]), e.1[1].max(p[1])];
            }
        });
        b
    }
}

/// Calls `f(polyline, level)` for every reached piece at every budget level.
fn for_each_piece(
    r: &Reach,
    g: &RoadGraph,
    outline: &Outline,
    budgets: &[f64],
    mut f: impl FnMut(&[[f64; 2]], u8),
) {
    let mut buf = Vec::new();
    for i in 0..g.links.len() {
        let l = g.links[i];
        let near = |u: u32| r.node_cost[u as usize].is_finite();
        if !near(l.from) && !near(l.to) && !r.on_link.contains_key(&(i as u32)) {
            continue;
        }
        let mut prev: Option<Vec<(f64, f64)>> = None;
        for (level, b) in budgets.iter().enumerate() {
            let iv = r.intervals(g, i, *b);
            if prev.as_ref() == Some(&iv) {
                continue;
            }
            for &(a, z) in &iv {
                outline.piece(i, a, z, &mut buf);
                f(&buf, level as u8);
            }
            let whole = matches!(iv.as_slice(), [(a, z)] if *a <= 0.0 && *z >= l.length_m);
            if whole {
                break;
            }
            prev = Some(iv);
        }
    }
}

/// The exact shape of link `i` between `a` and `b` metres along it, into `out` (planar
/// metres).
pub fn sub_polyline(g: &RoadGraph, i: usize, a: f64, b: f64, out: &mut Vec<[f64; 2]>) {
    super::outline::cut(g.shape(i), g.shape_cum(i), a, b, out);
}
