//! [`ProviderRoads`]: providers snapped to the road network once (at snapshot time), and road
//! distances from a query point to them by one early-stopping Dijkstra.

use super::dijkstra::{dijkstra, Flow, Seed};
use super::network::RoadNetwork;
use super::snap::{Snap, OFFROAD_SPEED_KMH};
use crate::geom::LonLat;
use std::collections::HashMap;

/// Why a road figure is missing; serialised as the `road_reason` of an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RoadReason {
    /// The query point is more than 3 km from any road of the network.
    #[serde(rename = "no_road_within_3km")]
    NoRoadWithin3km,
    /// The provider is more than 3 km from any road of the network.
    #[serde(rename = "provider_no_road_within_3km")]
    ProviderNoRoadWithin3km,
    /// Both are on the network, but no road path joins them (different components, or one-way
    /// streets lead only the other way).
    NotConnected,
    /// The dataset has no road layer.
    NoRoadNetwork,
}

impl RoadReason {
    pub fn as_str(&self) -> &'static str {
        match self {
            RoadReason::NoRoadWithin3km => "no_road_within_3km",
            RoadReason::ProviderNoRoadWithin3km => "provider_no_road_within_3km",
            RoadReason::NotConnected => "not_connected",
            RoadReason::NoRoadNetwork => "no_road_network",
        }
    }
}

/// The road trip from a query point to one provider.
///
/// # Units
/// Metres and seconds. `road_m` is on the network only (sum of geodesic segment lengths);
/// `offroad_m` is the two straight legs between the points and their snaps, geodesic.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RoadCost {
    pub road_m: f64,
    pub road_s: f64,
    pub offroad_m: f64,
}

impl RoadCost {
    /// Road plus off-road length, metres: the ranking key of `sort=road`. Never less than the
    /// geodesic distance between the two points (triangle inequality, up to float rounding).
    pub fn total_m(&self) -> f64 {
        self.road_m + self.offroad_m
    }

    /// Drive time, seconds: road time plus the off-road legs at [`OFFROAD_SPEED_KMH`].
    pub fn drive_s(&self) -> f64 {
        self.road_s + self.offroad_m / (OFFROAD_SPEED_KMH / 3.6)
    }
}

/// One provider reached by road.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RoadHit {
    /// Position in the provider slice the index was built from.
    pub index: u32,
    pub cost: RoadCost,
}

/// A provider's foothold on a node: the rest of its link from that node to its snap.
#[derive(Debug, Clone, Copy)]
struct Attach {
    provider: u32,
    extra_m: f64,
    extra_s: f64,
}

/// Best candidate so far for one provider: road length and time from the query's snap.
#[derive(Debug, Clone, Copy)]
struct Cand {
    road_m: f64,
    road_s: f64,
}

/// Providers on the road network.
pub struct ProviderRoads {
    snaps: Vec<Option<Snap>>,
    /// Attachments of node `u`: `attach[attach_start[u]..attach_start[u + 1]]`.
    attach_start: Vec<u32>,
    attach: Vec<Attach>,
    /// Providers by the link they snapped to (for a query on the same link).
    by_link: HashMap<u32, Vec<u32>>,
}

impl ProviderRoads {
    /// Snaps every provider location (the precomputation done at snapshot time).
    pub fn new(net: &RoadNetwork, locations: &[LonLat]) -> Self {
        let g = &net.graph;
        let snaps: Vec<Option<Snap>> = locations.iter().map(|p| net.snap(*p)).collect();
        let mut per_node: Vec<Vec<Attach>> = vec![Vec::new(); g.node_count()];
        let mut by_link: HashMap<u32, Vec<u32>> = HashMap::new();
        for (i, s) in snaps.iter().enumerate() {
            let Some(s) = s else { continue };
            let l = g.links[s.link as usize];
            let secs = |m: f64| m / (l.speed_kmh / 3.6);
            by_link.entry(s.link).or_default().push(i as u32);
            if l.forward {
                // Reached from `from`, driving forward to the snap.
                per_node[l.from as usize].push(Attach {
                    provider: i as u32,
                    extra_m: s.along_m,
                    extra_s: secs(s.along_m),
                });
            }
            if l.backward {
                let rest = (l.length_m - s.along_m).max(0.0);
                per_node[l.to as usize].push(Attach {
                    provider: i as u32,
                    extra_m: rest,
                    extra_s: secs(rest),
                });
            }
        }
        let mut attach_start = Vec::with_capacity(g.node_count() + 1);
        let mut attach = Vec::new();
        attach_start.push(0);
        for v in per_node {
            attach.extend(v);
            attach_start.push(attach.len() as u32);
        }
        Self {
            snaps,
            attach_start,
            attach,
            by_link,
        }
    }

    /// Provider `i`'s snap, `None` when it is more than 3 km from any road.
    pub fn snap(&self, i: u32) -> Option<&Snap> {
        self.snaps.get(i as usize).and_then(|s| s.as_ref())
    }

    /// The `k` providers for which `wanted(index)` holds, nearest by road length plus off-road
    /// legs ([`RoadCost::total_m`]), ties by index.
    ///
    /// # Method
    /// One Dijkstra from the query's snap settles nodes in road-distance order; a provider is
    /// priced when the node it hangs on is settled. Every provider not yet priced hangs on an
    /// unsettled node, so its cost is at least the current settled distance D: once D exceeds
    /// the k-th best cost found, the answer is proven and the search stops. (The geodesic
    /// distance is a lower bound on every cost; tests check it.)
    pub fn nearest(
        &self,
        net: &RoadNetwork,
        at: LonLat,
        k: usize,
        wanted: impl Fn(u32) -> bool,
    ) -> Result<Vec<RoadHit>, RoadReason> {
        let origin = net.snap(at).ok_or(RoadReason::NoRoadWithin3km)?;
        let mut found: HashMap<u32, Cand> = HashMap::new();
        let mut kth = f64::INFINITY;
        let key = |i: u32, c: &Cand| c.road_m + self.snaps[i as usize].map_or(0.0, |s| s.offroad_m);
        let update_kth = |found: &HashMap<u32, Cand>| -> f64 {
            if found.len() < k {
                return f64::INFINITY;
            }
            let mut keys: Vec<f64> = found.iter().map(|(i, c)| key(*i, c)).collect();
            keys.sort_by(f64::total_cmp);
            keys[k - 1]
        };
        for (i, c) in self.same_link(net, &origin) {
            if wanted(i) {
                offer(&mut found, i, c);
            }
        }
        kth = kth.min(update_kth(&found));
        dijkstra(&net.graph, &seeds(net, &origin), |u, d, t| {
            if k == 0 || d > kth {
                return Flow::Stop;
            }
            let mut changed = false;
            for a in self.attached(u) {
                if wanted(a.provider) {
                    let c = Cand {
                        road_m: d + a.extra_m,
                        road_s: t + a.extra_s,
                    };
                    changed |= offer(&mut found, a.provider, c);
                }
            }
            if changed {
                kth = update_kth(&found);
            }
            Flow::Continue
        });
        let mut hits: Vec<RoadHit> = found
            .into_iter()
            .map(|(i, c)| self.hit(&origin, i, c))
            .collect();
        hits.sort_by(|a, b| {
            a.cost
                .total_m()
                .total_cmp(&b.cost.total_m())
                .then(a.index.cmp(&b.index))
        });
        hits.truncate(k);
        Ok(hits)
    }

    /// Road costs from `at` to each of `targets` (provider indexes), in order. The outer error
    /// is the query's own (no road near it); inner errors are per provider.
    pub fn costs_to(
        &self,
        net: &RoadNetwork,
        at: LonLat,
        targets: &[u32],
    ) -> Result<Vec<Result<RoadCost, RoadReason>>, RoadReason> {
        let origin = net.snap(at).ok_or(RoadReason::NoRoadWithin3km)?;
        let want: Vec<u32> = targets
            .iter()
            .copied()
            .filter(|i| self.snap(*i).is_some())
            .collect();
        let mut found: HashMap<u32, Cand> = HashMap::new();
        for (i, c) in self.same_link(net, &origin) {
            if want.contains(&i) {
                offer(&mut found, i, c);
            }
        }
        if !want.is_empty() {
            dijkstra(&net.graph, &seeds(net, &origin), |u, d, t| {
                // A target is final once its best road length is ≤ the settled distance.
                if want
                    .iter()
                    .all(|i| found.get(i).is_some_and(|c| c.road_m <= d))
                {
                    return Flow::Stop;
                }
                for a in self.attached(u) {
                    if want.contains(&a.provider) {
                        let c = Cand {
                            road_m: d + a.extra_m,
                            road_s: t + a.extra_s,
                        };
                        offer(&mut found, a.provider, c);
                    }
                }
                Flow::Continue
            });
        }
        Ok(targets
            .iter()
            .map(|i| match (self.snap(*i), found.get(i)) {
                (None, _) => Err(RoadReason::ProviderNoRoadWithin3km),
                (Some(_), None) => Err(RoadReason::NotConnected),
                (Some(_), Some(c)) => Ok(self.hit(&origin, *i, *c).cost),
            })
            .collect())
    }

    /// The oracle: a full Dijkstra from the query's snap, then every provider priced from the
    /// final node distances (`None` where unreachable or unsnapped).
    pub fn brute_force(
        &self,
        net: &RoadNetwork,
        at: LonLat,
    ) -> Result<Vec<Option<RoadCost>>, RoadReason> {
        let origin = net.snap(at).ok_or(RoadReason::NoRoadWithin3km)?;
        let n = net.graph.node_count();
        let (mut dist, mut time) = (vec![f64::INFINITY; n], vec![f64::INFINITY; n]);
        dijkstra(&net.graph, &seeds(net, &origin), |u, d, t| {
            dist[u as usize] = d;
            time[u as usize] = t;
            Flow::Continue
        });
        let mut found: HashMap<u32, Cand> = HashMap::new();
        for (i, c) in self.same_link(net, &origin) {
            offer(&mut found, i, c);
        }
        for u in 0..n as u32 {
            for a in self.attached(u) {
                if dist[u as usize].is_finite() {
                    let c = Cand {
                        road_m: dist[u as usize] + a.extra_m,
                        road_s: time[u as usize] + a.extra_s,
                    };
                    offer(&mut found, a.provider, c);
                }
            }
        }
        Ok((0..self.snaps.len() as u32)
            .map(|i| found.get(&i).map(|c| self.hit(&origin, i, *c).cost))
            .collect())
    }

    fn attached(&self, u: u32) -> &[Attach] {
        let r = self.attach_start[u as usize] as usize..self.attach_start[u as usize + 1] as usize;
        &self.attach[r]
    }

    /// Providers on the query's own link, reached along it without passing a node.
    fn same_link(&self, net: &RoadNetwork, o: &Snap) -> Vec<(u32, Cand)> {
        let l = net.graph.links[o.link as usize];
        let mut out = Vec::new();
        for &i in self.by_link.get(&o.link).map(Vec::as_slice).unwrap_or(&[]) {
            let Some(p) = self.snaps[i as usize] else {
                continue;
            };
            let ahead = p.along_m - o.along_m;
            if (l.forward && ahead >= 0.0) || (l.backward && ahead <= 0.0) {
                let m = ahead.abs();
                out.push((
                    i,
                    Cand {
                        road_m: m,
                        road_s: m / (l.speed_kmh / 3.6),
                    },
                ));
            }
        }
        out
    }

    fn hit(&self, origin: &Snap, i: u32, c: Cand) -> RoadHit {
        let p = self.snaps[i as usize].map_or(0.0, |s| s.offroad_m);
        RoadHit {
            index: i,
            cost: RoadCost {
                road_m: c.road_m,
                road_s: c.road_s,
                offroad_m: origin.offroad_m + p,
            },
        }
    }
}

/// Keeps the cheaper candidate for a provider; whether it changed.
fn offer(found: &mut HashMap<u32, Cand>, i: u32, c: Cand) -> bool {
    match found.get(&i) {
        Some(old) if old.road_m <= c.road_m => false,
        _ => {
            found.insert(i, c);
            true
        }
    }
}

/// The search starts: the link's end nodes the query may drive to from its snap.
fn seeds(net: &RoadNetwork, o: &Snap) -> Vec<Seed> {
    let l = net.graph.links[o.link as usize];
    let secs = |m: f64| m / (l.speed_kmh / 3.6);
    let mut s = Vec::with_capacity(2);
    if l.forward {
        let m = (l.length_m - o.along_m).max(0.0);
        s.push(Seed {
            node: l.to,
            dist_m: m,
            time_s: secs(m),
        });
    }
    if l.backward {
        s.push(Seed {
            node: l.from,
            dist_m: o.along_m,
            time_s: secs(o.along_m),
        });
    }
    s
}
