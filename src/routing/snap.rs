//! [`Snapper`]: puts a point on the nearest road segment (R-tree over link segments in planar
//! metres), preferring the largest connected component.

use super::graph::RoadGraph;
use crate::geom::{geodesic_distance_m, segment_foot, LonLat};
use rstar::primitives::{GeomWithData, Line};
use rstar::RTree;

/// A point farther than this (metres, geodesic) from every road gets no road answer.
pub const MAX_SNAP_M: f64 = 3_000.0;

/// A segment of a small component wins over the largest component only when it is nearer by
/// more than this (metres): a home beside a disconnected fragment of the probe network is
/// usually also reachable over the main network a little farther away, while a really isolated
/// place (an island ferry port) keeps its own fragment.
pub const PREFER_LARGEST_SLACK_M: f64 = 300.0;

/// Speed of the off-road leg between a point and its snap (walking, or a driveway), km/h.
pub const OFFROAD_SPEED_KMH: f64 = 10.0;

/// Segment `j..j + 1` of link `link`'s shape.
type SegEntry = GeomWithData<Line<[f64; 2]>, (u32, u32)>;

/// Where a point meets the road network.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Snap {
    /// Link index in the graph.
    pub link: u32,
    /// Distance along the link from its `from` node, metres.
    pub along_m: f64,
    /// The point on the road.
    pub point: LonLat,
    /// Geodesic distance from the query point to `point`, metres (the off-road leg).
    pub offroad_m: f64,
    /// Whether the link belongs to the largest connected component.
    pub in_largest: bool,
}

/// R-trees over the segments of the largest component and of all others.
pub struct Snapper {
    main: RTree<SegEntry>,
    rest: RTree<SegEntry>,
}

impl Snapper {
    /// Bulk-loads the segment trees of `g`.
    pub fn new(g: &RoadGraph) -> Self {
        let (mut main, mut rest) = (Vec::new(), Vec::new());
        for (i, l) in g.links.iter().enumerate() {
            let shape = g.shape(i);
            let target = if g.components.in_largest(l.from) {
                &mut main
            } else {
                &mut rest
            };
            for (j, w) in shape.windows(2).enumerate() {
                target.push(SegEntry::new(Line::new(w[0], w[1]), (i as u32, j as u32)));
            }
        }
        Self {
            main: RTree::bulk_load(main),
            rest: RTree::bulk_load(rest),
        }
    }

    /// The snap of `at`, or `None` when no road lies within [`MAX_SNAP_M`]. The nearest segment
    /// of the largest component is taken unless another is nearer by more than
    /// [`PREFER_LARGEST_SLACK_M`].
    pub fn snap(&self, g: &RoadGraph, at: LonLat) -> Option<Snap> {
        let q = g.plane.forward(at);
        let best = |t: &RTree<SegEntry>| {
            t.nearest_neighbor(&q).map(|e| {
                let (j, (p, f)) = (e.data, project(e.geom(), q));
                (dist(p, q), j, p, f)
            })
        };
        let chosen = match (best(&self.main), best(&self.rest)) {
            (Some(m), Some(r)) if r.0 + PREFER_LARGEST_SLACK_M < m.0 => r,
            (Some(m), _) => m,
            (None, r) => r?,
        };
        self.finish(g, at, chosen)
    }

    /// The same rule by a linear scan over every segment (the test oracle).
    pub fn snap_brute_force(&self, g: &RoadGraph, at: LonLat) -> Option<Snap> {
        let q = g.plane.forward(at);
        let scan = |t: &RTree<SegEntry>| {
            t.iter()
                .map(|e| {
                    let (p, f) = project(e.geom(), q);
                    (dist(p, q), e.data, p, f)
                })
                .min_by(|a, b| a.0.total_cmp(&b.0))
        };
        let chosen = match (scan(&self.main), scan(&self.rest)) {
            (Some(m), Some(r)) if r.0 + PREFER_LARGEST_SLACK_M < m.0 => r,
            (Some(m), _) => m,
            (None, r) => r?,
        };
        self.finish(g, at, chosen)
    }

    fn finish(
        &self,
        g: &RoadGraph,
        at: LonLat,
        (_, (link, j), p, f): (f64, (u32, u32), [f64; 2], f64),
    ) -> Option<Snap> {
        let (lon, lat) = g.plane.inverse(p);
        let point = LonLat::new(lon, lat).ok()?;
        let offroad_m = geodesic_distance_m(at, point);
        if offroad_m > MAX_SNAP_M {
            return None;
        }
        let cum = g.shape_cum(link as usize);
        let j = j as usize;
        let along_m = cum[j] + f * (cum[j + 1] - cum[j]);
        Some(Snap {
            link,
            along_m,
            point,
            offroad_m,
            in_largest: g.components.in_largest(g.links[link as usize].from),
        })
    }
}

/// The point of segment `s` nearest to `q`, and its fraction along the segment.
fn project(s: &Line<[f64; 2]>, q: [f64; 2]) -> ([f64; 2], f64) {
    segment_foot(q, s.from, s.to)
}

fn dist(a: [f64; 2], b: [f64; 2]) -> f64 {
    (a[0] - b[0]).hypot(a[1] - b[1])
}
