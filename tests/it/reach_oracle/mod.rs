//! Brute-force oracle for reached road parts: node costs from the plain `dijkstra` (not the
//! bounded search under test), reached intervals worked out per link, and a bucket grid over
//! the reached segments to ask "is this point within r metres of a reached part?".
#![allow(dead_code)]

use carecover::routing::{dijkstra, Flow, RoadGraph, Seed};
use std::collections::HashMap;

/// A source on a link: (link, metres along, start cost in metres).
pub type Src = (u32, f64, f64);

/// Road metres from the nearest source to every node (uniform cost per metre).
pub fn node_metres(g: &RoadGraph, sources: &[Src]) -> Vec<f64> {
    let mut seeds = Vec::new();
    for &(link, along, c) in sources {
        let l = g.links()[link as usize];
        if l.forward {
            seeds.push(Seed {
                node: l.to,
                dist_m: c + (l.length_m - along),
                time_s: 0.0,
            });
        }
        if l.backward {
            seeds.push(Seed {
                node: l.from,
                dist_m: c + along,
                time_s: 0.0,
            });
        }
    }
    let mut d = vec![f64::INFINITY; g.node_count()];
    dijkstra(g, &seeds, |u, du, _| {
        d[u as usize] = du;
        Flow::Continue
    });
    d
}

/// Road metres to the point `t` metres into link `i`.
pub fn metres_at(g: &RoadGraph, d: &[f64], sources: &[Src], i: usize, t: f64) -> f64 {
    let l = g.links()[i];
    let mut best = f64::INFINITY;
    if l.forward {
        best = best.min(d[l.from as usize] + t);
    }
    if l.backward {
        best = best.min(d[l.to as usize] + l.length_m - t);
    }
    for &(link, along, c) in sources {
        if link as usize == i && ((t >= along && l.forward) || (t <= along && l.backward)) {
            best = best.min(c + (t - along).abs());
        }
    }
    best
}

/// The planar segments of every link part whose road metres are ≤ `budget`, found by cutting
/// each shape segment where the cost function crosses the budget (it is piecewise linear with
/// breaks only at the sources, so cutting at 10 m steps and at the exact crossing is exact to
/// rounding).
pub fn reached_segments(
    g: &RoadGraph,
    d: &[f64],
    sources: &[Src],
    budget: f64,
) -> Vec<([f64; 2], [f64; 2])> {
    let mut out = Vec::new();
    for i in 0..g.links().len() {
        let l = g.links()[i];
        let near = d[l.from as usize].is_finite()
            || d[l.to as usize].is_finite()
            || sources.iter().any(|s| s.0 as usize == i);
        if !near {
            continue;
        }
        let (shape, cum) = (g.shape(i), g.shape_cum(i));
        for k in 1..shape.len() {
            let (c0, c1) = (cum[k - 1], cum[k]);
            let steps = (((c1 - c0) / 10.0).ceil() as usize).max(1);
            for s in 0..steps {
                let (t0, t1) = (
                    c0 + (c1 - c0) * s as f64 / steps as f64,
                    c0 + (c1 - c0) * (s + 1) as f64 / steps as f64,
                );
                let at = |t: f64| {
                    let f = if c1 > c0 { (t - c0) / (c1 - c0) } else { 0.0 };
                    [
                        shape[k - 1][0] + f * (shape[k][0] - shape[k - 1][0]),
                        shape[k - 1][1] + f * (shape[k][1] - shape[k - 1][1]),
                    ]
                };
                let (m0, m1) = (
                    metres_at(g, d, sources, i, t0),
                    metres_at(g, d, sources, i, t1),
                );
                match (m0 <= budget, m1 <= budget) {
                    (true, true) => out.push((at(t0), at(t1))),
                    (false, false) => {}
                    // Within a 10 m step the cost is linear unless a source sits inside: cut at
                    // the crossing of the cost's slope ±1.
                    (true, false) => {
                        let t = (t0 + (budget - m0)).min(t1);
                        out.push((at(t0), at(t)));
                    }
                    (false, true) => {
                        let t = (t1 - (budget - m1)).max(t0);
                        out.push((at(t), at(t1)));
                    }
                }
            }
        }
        // A reached node without a reached link part (a one-way dead end reached exactly).
        for u in [l.from, l.to] {
            if d[u as usize] <= budget {
                let p = if u == l.from {
                    shape[0]
                } else {
                    shape[shape.len() - 1]
                };
                out.push((p, p));
            }
        }
    }
    out
}

/// Segments bucketed on a square grid for "within r" queries.
pub struct Near {
    segs: Vec<([f64; 2], [f64; 2])>,
    cell: f64,
    buckets: HashMap<(i64, i64), Vec<u32>>,
}

impl Near {
    pub fn new(segs: Vec<([f64; 2], [f64; 2])>, cell: f64) -> Self {
        let mut buckets: HashMap<(i64, i64), Vec<u32>> = HashMap::new();
        for (k, (p, q)) in segs.iter().enumerate() {
            let (x0, x1) = (p[0].min(q[0]), p[0].max(q[0]));
            let (y0, y1) = (p[1].min(q[1]), p[1].max(q[1]));
            for bx in (x0 / cell).floor() as i64..=(x1 / cell).floor() as i64 {
                for by in (y0 / cell).floor() as i64..=(y1 / cell).floor() as i64 {
                    buckets.entry((bx, by)).or_default().push(k as u32);
                }
            }
        }
        Self {
            segs,
            cell,
            buckets,
        }
    }

    /// Distance from `c` to the nearest segment, or `None` when none is within `r` (r ≤ cell).
    pub fn distance_within(&self, c: [f64; 2], r: f64) -> Option<f64> {
        let (bx, by) = (
            (c[0] / self.cell).floor() as i64,
            (c[1] / self.cell).floor() as i64,
        );
        let mut best = f64::INFINITY;
        for dx in -1..=1 {
            for dy in -1..=1 {
                for k in self.buckets.get(&(bx + dx, by + dy)).into_iter().flatten() {
                    let (p, q) = self.segs[*k as usize];
                    best = best.min(carecover::routing::segment_distance(c, p, q));
                }
            }
        }
        (best <= r).then_some(best)
    }
}
