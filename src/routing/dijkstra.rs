//! Dijkstra's algorithm over a [`RoadGraph`] with a binary heap: one bounded multi-source
//! search, generic over the edge cost, that every road search uses ([`bounded_dijkstra`]):
//! nearest by road and road distances ([`dijkstra`], by road length) and the reach
//! precomputation behind isochrones and road coverage ([`super::Reach::compute`], by metres or
//! seconds up to a limit).
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
    cost: f64,
    node: u32,
}

impl Eq for Item {}

impl Ord for Item {
    fn cmp(&self, other: &Self) -> Ordering {
        // Reversed: BinaryHeap is a max-heap, the search wants the smallest cost (ties: the
        // smallest node).
        other
            .cost
            .total_cmp(&self.cost)
            .then_with(|| other.node.cmp(&self.node))
    }
}

impl PartialOrd for Item {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The one Dijkstra: least costs from `seeds` (`(node, cost, carried)`), never beyond `limit`.
///
/// `edge(carried, length_m, time_s)` gives the cost of a directed edge and the value carried
/// past it: the cost is what the search minimises (road metres, drive seconds, …); the carried
/// value (`A`) rides along each shortest path, e.g. the drive time along the shortest-length
/// path; use `()` when nothing is carried. Costs must be non-negative.
///
/// `settle(node, cost, carried)` is called once per node in non-decreasing order of cost (ties
/// by node number) until it returns [`Flow::Stop`] or every node within `limit` is settled.
/// Seeds beyond `limit`, or not better than an earlier seed of the same node, are ignored;
/// seeds naming no node of `g` are skipped.
///
/// Returns every node's least cost as far as the search went: exact for settled nodes,
/// an upper bound for nodes only reached, infinite for nodes never reached or beyond `limit`.
pub fn bounded_dijkstra<A: Copy + Default>(
    g: &RoadGraph,
    seeds: impl IntoIterator<Item = (u32, f64, A)>,
    limit: f64,
    mut edge: impl FnMut(A, f64, f64) -> (f64, A),
    mut settle: impl FnMut(u32, f64, A) -> Flow,
) -> Vec<f64> {
    let n = g.node_count();
    let mut cost = vec![f64::INFINITY; n];
    let mut carried = vec![A::default(); n];
    let mut done = vec![false; n];
    let mut heap = BinaryHeap::new();
    for (node, c, a) in seeds {
        let i = node as usize;
        if i < n && c <= limit && c < cost[i] {
            cost[i] = c;
            carried[i] = a;
            heap.push(Item { cost: c, node });
        }
    }
    while let Some(Item { cost: d, node: u }) = heap.pop() {
        let ui = u as usize;
        if done[ui] || d > cost[ui] {
            continue;
        }
        done[ui] = true;
        let au = carried[ui];
        if settle(u, d, au) == Flow::Stop {
            break;
        }
        for (v, len, t) in g.edges(u) {
            let vi = v as usize;
            let (c, av) = edge(au, len, t);
            let nd = d + c;
            if nd <= limit && !done[vi] && nd < cost[vi] {
                cost[vi] = nd;
                carried[vi] = av;
                heap.push(Item { cost: nd, node: v });
            }
        }
    }
    cost
}

/// Runs Dijkstra from `seeds`, minimising road length (metres), and calls `settle(node,
/// dist_m, time_s)` once per node in non-decreasing order of distance, until it returns
/// [`Flow::Stop`] or every reachable node is settled. `time_s` is the drive time along the
/// shortest-length path (not the fastest path).
pub fn dijkstra(g: &RoadGraph, seeds: &[Seed], settle: impl FnMut(u32, f64, f64) -> Flow) {
    bounded_dijkstra(
        g,
        seeds.iter().map(|s| (s.node, s.dist_m, s.time_s)),
        f64::INFINITY,
        |time_s, len, t| (len, time_s + t),
        settle,
    );
}

/// Road length (metres) from `source` to every node; infinity where unreachable.
pub fn distances_from(g: &RoadGraph, source: u32) -> Vec<f64> {
    bounded_dijkstra(
        g,
        [(source, 0.0, ())],
        f64::INFINITY,
        |(), len, _| (len, ()),
        |_, _, _| Flow::Continue,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::LonLat;
    use crate::routing::{GraphBuilder, Plane};
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// A seeded random graph in a 5 km box, a third of the links one-way, speeds 20–80 km/h.
    fn random_graph(rng: &mut ChaCha8Rng, n: usize, m: usize) -> RoadGraph {
        let mut b = GraphBuilder::new(Plane::around(LonLat::new(130.7, 32.8).unwrap()));
        let pts: Vec<LonLat> = (0..n)
            .map(|_| {
                let (dx, dy) = (rng.gen_range(0.0..0.05), rng.gen_range(0.0..0.05));
                LonLat::new(130.7 + dx, 32.8 + dy).unwrap()
            })
            .collect();
        for p in &pts {
            b.add_node(*p);
        }
        for _ in 0..m {
            let (u, v) = (rng.gen_range(0..n), rng.gen_range(0..n));
            if u != v {
                let oneway = rng.gen_bool(0.33);
                let speed = rng.gen_range(20.0..80.0);
                b.add_link(u as u32, v as u32, &[pts[u], pts[v]], true, !oneway, speed);
            }
        }
        b.build()
    }

    /// Least costs by Bellman–Ford over the links (not the CSR the search walks).
    fn bellman_ford(
        g: &RoadGraph,
        source: u32,
        cost: impl Fn(&crate::routing::Link) -> f64,
    ) -> Vec<f64> {
        let mut d = vec![f64::INFINITY; g.node_count()];
        d[source as usize] = 0.0;
        for _ in 0..g.node_count() {
            for l in g.links() {
                let (a, b, c) = (l.from as usize, l.to as usize, cost(l));
                if l.forward && d[a] + c < d[b] {
                    d[b] = d[a] + c;
                }
                if l.backward && d[b] + c < d[a] {
                    d[a] = d[b] + c;
                }
            }
        }
        d
    }

    #[test]
    fn bounded_search_matches_bellman_ford_within_the_limit_and_nothing_beyond() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        for case in 0..40 {
            let g = random_graph(&mut rng, 30, 60);
            let source = rng.gen_range(0..30u32);
            let want = bellman_ford(&g, source, |l| l.length_m * 3.6 / l.speed_kmh);
            let limit = rng.gen_range(0.0..300.0);
            let mut order = Vec::new();
            let got = bounded_dijkstra(
                &g,
                [(source, 0.0, ())],
                limit,
                |(), _, t| (t, ()),
                |u, c, ()| {
                    order.push((u, c));
                    Flow::Continue
                },
            );
            for (u, (w, c)) in want.iter().zip(&got).enumerate() {
                if *w <= limit - 1e-6 {
                    assert!((w - c).abs() < 1e-6, "case {case} node {u}: {c} vs {w}");
                } else if *w > limit + 1e-6 {
                    assert!(c.is_infinite(), "case {case} node {u}: {c} beyond {limit}");
                }
            }
            // Every node within the limit is settled once, in non-decreasing order of cost.
            assert_eq!(order.len(), got.iter().filter(|c| c.is_finite()).count());
            assert!(order.windows(2).all(|w| w[0].1 <= w[1].1), "case {case}");
        }
    }

    #[test]
    fn the_carried_time_is_that_of_the_shortest_length_path_and_stop_stops() {
        let mut rng = ChaCha8Rng::seed_from_u64(6);
        for case in 0..40 {
            let g = random_graph(&mut rng, 30, 60);
            let seed = Seed {
                node: rng.gen_range(0..30u32),
                dist_m: 10.0,
                time_s: 2.0,
            };
            let mut at = vec![None; g.node_count()];
            dijkstra(&g, &[seed], |u, d, t| {
                at[u as usize] = Some((d, t));
                Flow::Continue
            });
            // Each reached node other than the seed sits one edge past a node whose length and
            // time add up to its own: the time rode along the path that gave the length.
            for u in 0..g.node_count() as u32 {
                let Some((d, t)) = at[u as usize] else {
                    continue;
                };
                if u == seed.node {
                    assert_eq!((d, t), (10.0, 2.0));
                    continue;
                }
                let via = (0..g.node_count() as u32).any(|p| {
                    g.edges(p).any(|(v, len, et)| {
                        v == u
                            && at[p as usize].is_some_and(|(pd, pt)| pd + len == d && pt + et == t)
                    })
                });
                assert!(via, "case {case} node {u}");
            }
            // Stopping at the third settled node settles exactly three.
            let mut n = 0;
            dijkstra(&g, &[seed], |_, _, _| {
                n += 1;
                if n == 3 {
                    Flow::Stop
                } else {
                    Flow::Continue
                }
            });
            assert_eq!(n, 3.min(at.iter().flatten().count()), "case {case}");
        }
    }
}
