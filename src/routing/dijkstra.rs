//! Dijkstra's algorithm over a [`RoadGraph`] with a binary heap, by road length.
//!
//! # References
//! E. W. Dijkstra, "A note on two problems in connexion with graphs", Numer. Math. 1 (1959).

use super::graph::RoadGraph;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// A start of the search: a node already reached at some road length and time (the part of
/// the snapped link between the query and that node).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Seed {
    pub node: u32,
    pub dist_m: f64,
    pub time_s: f64,
}

/// Whether the search goes on after a node is settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Stop,
}

#[derive(PartialEq)]
struct Item {
    dist: f64,
    node: u32,
}

impl Eq for Item {}

impl Ord for Item {
    fn cmp(&self, other: &Self) -> Ordering {
        // Reversed: BinaryHeap is a max-heap, the search wants the smallest distance.
        other
            .dist
            .total_cmp(&self.dist)
            .then_with(|| other.node.cmp(&self.node))
    }
}

impl PartialOrd for Item {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Runs Dijkstra from `seeds`, minimising road length (metres), and calls `settle(node,
/// dist_m, time_s)` once per node in non-decreasing order of distance, until it returns
/// [`Flow::Stop`] or every reachable node is settled. `time_s` is the drive time along the
/// shortest-length path (not the fastest path).
pub fn dijkstra(g: &RoadGraph, seeds: &[Seed], mut settle: impl FnMut(u32, f64, f64) -> Flow) {
    let n = g.node_count();
    let mut dist = vec![f64::INFINITY; n];
    let mut time = vec![f64::INFINITY; n];
    let mut done = vec![false; n];
    let mut heap = BinaryHeap::new();
    for s in seeds {
        let i = s.node as usize;
        if i < n && s.dist_m < dist[i] {
            dist[i] = s.dist_m;
            time[i] = s.time_s;
            heap.push(Item {
                dist: s.dist_m,
                node: s.node,
            });
        }
    }
    while let Some(Item { dist: d, node: u }) = heap.pop() {
        let ui = u as usize;
        if done[ui] || d > dist[ui] {
            continue;
        }
        done[ui] = true;
        if settle(u, d, time[ui]) == Flow::Stop {
            return;
        }
        for (v, len, t) in g.edges(u) {
            let vi = v as usize;
            let nd = d + len;
            if !done[vi] && nd < dist[vi] {
                dist[vi] = nd;
                time[vi] = time[ui] + t;
                heap.push(Item { dist: nd, node: v });
            }
        }
    }
}

/// Road length (metres) from `source` to every node; infinity where unreachable.
pub fn distances_from(g: &RoadGraph, source: u32) -> Vec<f64> {
    let mut out = vec![f64::INFINITY; g.node_count()];
    dijkstra(
        g,
        &[Seed {
            node: source,
            dist_m: 0.0,
            time_s: 0.0,
        }],
        |u, d, _| {
            out[u as usize] = d;
            Flow::Continue
        },
    );
    out
}
