//! Topology cleaning on seeded synthetic networks: side roads ending on a through road's
//! vertex or segment within the tolerance (both sides of it), near misses beyond it, lines
//! crossing with no end near, one-way lines. The built graph's shortest paths between every
//! pair of line ends equal those of a reference graph built here by brute force (every end
//! against every vertex and segment), and its join counts equal the reference's.

use carecover::geom::{geodesic_distance_m, LonLat, Projection, Xy};
use carecover::routing::{
    build_graph, crossings, distances_from, Plane, RoadLine, JOIN_TOLERANCE_M,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const TOL: f64 = JOIN_TOLERANCE_M;

fn proj() -> Projection {
    Projection::kumamoto()
}

fn ll(xy: [f64; 2]) -> LonLat {
    let (lon, lat) = proj().inverse(Xy { x: xy[0], y: xy[1] });
    LonLat::new(lon, lat).unwrap()
}

/// A synthetic network in zone II metres: `lines` (planar vertices, one-way flag) and what the
/// generator meant each side road's end to be.
struct Synthetic {
    lines: Vec<(Vec<[f64; 2]>, bool)>,
}

/// Horizontal through roads (wiggly, vertices every 30–90 m; some split into two lines sharing
/// an exact end), side roads from the north or south ending near them — on a vertex, on a
/// segment, or missing it by 1.3–3 × the tolerance — and long north–south lines crossing the
/// through roads with no end near.
fn synthetic(seed: u64) -> Synthetic {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (x0, y0) = (-20_000.0, -10_000.0);
    let mut lines = Vec::new();
    // Through roads and the vertex where each is split into two lines (if it is).
    let mut mains: Vec<(Vec<[f64; 2]>, Option<usize>)> = Vec::new();
    for r in 0..3 {
        let y = y0 + 400.0 * r as f64;
        let mut v = vec![[x0, y]];
        while v.last().unwrap()[0] < x0 + 1_500.0 {
            let last = *v.last().unwrap();
            v.push([
                last[0] + rng.gen_range(30.0..90.0),
                y + rng.gen_range(-6.0..6.0),
            ]);
        }
        if rng.gen_bool(0.5) {
            let cut = v.len() / 2;
            lines.push((v[..=cut].to_vec(), false));
            lines.push((v[cut..].to_vec(), rng.gen_bool(0.3)));
            mains.push((v, Some(cut)));
        } else {
            lines.push((v.clone(), rng.gen_bool(0.3)));
            mains.push((v, None));
        }
    }
    for (main, cut) in &mains {
        // Side roads at well-separated places along the through road (not at its cut, whose
        // end node would be within the tolerance of the side road's end).
        let mut at = 2;
        while at + 3 < main.len() {
            let k = at;
            at += rng.gen_range(2..4);
            if *cut == Some(k) {
                continue;
            }
            let north = rng.gen_bool(0.5);
            let side = if north { 1.0 } else { -1.0 };
            let (a, b) = (main[k], main[k + 1]);
            let kind = rng.gen_range(0..3);
            let end = match kind {
                // Near vertex k (within the tolerance).
                0 => {
                    let d = rng.gen_range(0.0..TOL * 0.9);
                    let th: f64 = rng.gen_range(0.0..std::f64::consts::TAU);
                    [a[0] + d * th.cos(), a[1] + d * th.sin()]
                }
                // Near the middle of segment k, across or short of it.
                1 => {
                    let t = rng.gen_range(0.3..0.7);
                    let off = rng.gen_range(-TOL * 0.9..TOL * 0.9);
                    [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]) + off]
                }
                // A near miss: short of the road by 1.3–3 × the tolerance.
                _ => {
                    let t = rng.gen_range(0.3..0.7);
                    let off = side * rng.gen_range(TOL * 1.3..TOL * 3.0);
                    // Segment y at t, plus the offset and the segment's own slope margin.
                    let y = a[1] + t * (b[1] - a[1]);
                    [a[0] + t * (b[0] - a[0]), y + off + side * 0.6]
                }
            };
            let far = [end[0] + rng.gen_range(-40.0..40.0), end[1] + side * 150.0];
            let mid = [
                (end[0] + far[0]) / 2.0 + rng.gen_range(-10.0..10.0),
                (end[1] + far[1]) / 2.0,
            ];
            let oneway = rng.gen_bool(0.25);
            if rng.gen_bool(0.5) {
                lines.push((vec![end, mid, far], oneway));
            } else {
                lines.push((vec![far, mid, end], oneway));
            }
        }
    }
    // Crossing lines: north–south through all three through roads, no vertex near them.
    for i in 0..3 {
        let x = x0 + 100.0 + 450.0 * i as f64 + rng.gen_range(0.0..300.0);
        lines.push((vec![[x, y0 - 100.0], [x + 5.0, y0 + 900.0]], false));
    }
    Synthetic { lines }
}

fn dist(a: [f64; 2], b: [f64; 2]) -> f64 {
    (a[0] - b[0]).hypot(a[1] - b[1])
}

/// The reference: every end tested against every vertex and segment of every other line.
/// Returns the end points' node positions (planar) and all-pairs shortest lengths between
/// them (Floyd–Warshall), plus (joined to vertex, joined to segment) counts.
struct Reference {
    node_of_end: Vec<[f64; 2]>,
    dist: Vec<Vec<f64>>,
    to_vertex: usize,
    to_segment: usize,
}

fn reference(s: &Synthetic) -> Reference {
    let lines = &s.lines;
    // End clusters: the generator puts distinct ends ≫ 2 × tolerance apart, or exactly
    // together (a split through road), so clustering within the tolerance is unambiguous.
    let mut clusters: Vec<[f64; 2]> = Vec::new();
    let mut end_cluster = Vec::new();
    for (l, _) in lines {
        for e in [l[0], l[l.len() - 1]] {
            let c = clusters.iter().position(|c| dist(*c, e) <= TOL);
            let c = c.unwrap_or_else(|| {
                clusters.push(e);
                clusters.len() - 1
            });
            end_cluster.push(c);
        }
    }
    for (i, a) in clusters.iter().enumerate() {
        for b in &clusters[i + 1..] {
            assert!(
                dist(*a, *b) > 2.0 * TOL,
                "generator: ambiguous end cluster {a:?} {b:?}"
            );
        }
    }
    let lines_of = |c: usize| -> Vec<usize> {
        (0..lines.len())
            .filter(|&i| end_cluster[2 * i] == c || end_cluster[2 * i + 1] == c)
            .collect()
    };
    // Joins: cluster → (line, position along as seg + t, point).
    let mut stations: Vec<Vec<(f64, usize)>> = vec![Vec::new(); lines.len()];
    let mut pos = clusters.clone();
    let (mut to_vertex, mut to_segment) = (0, 0);
    for (c, q) in clusters.iter().enumerate() {
        let own = lines_of(c);
        let n_ends = end_cluster.iter().filter(|e| **e == c).count();
        let mut best_v: Option<(f64, usize, usize)> = None;
        let mut best_s: Option<(f64, usize, usize, f64)> = None;
        for (i, (l, _)) in lines.iter().enumerate() {
            if own.contains(&i) {
                continue;
            }
            for (k, v) in l.iter().enumerate() {
                let d = dist(*q, *v);
                if d <= TOL && best_v.is_none_or(|b| d < b.0) {
                    best_v = Some((d, i, k));
                }
            }
            for k in 0..l.len() - 1 {
                let (a, b) = (l[k], l[k + 1]);
                let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
                let t = (((q[0] - a[0]) * dx + (q[1] - a[1]) * dy) / (dx * dx + dy * dy))
                    .clamp(0.0, 1.0);
                let d = dist(*q, [a[0] + t * dx, a[1] + t * dy]);
                if d <= TOL && t > 0.0 && t < 1.0 && best_s.is_none_or(|b| d < b.0) {
                    best_s = Some((d, i, k, t));
                }
            }
        }
        if let Some((_, i, k)) = best_v {
            assert!(
                k > 0 && k + 1 < lines[i].0.len(),
                "generator: end near an end"
            );
            stations[i].push((k as f64, c));
            pos[c] = lines[i].0[k];
            to_vertex += n_ends;
        } else if let Some((_, i, k, t)) = best_s {
            stations[i].push((k as f64 + t, c));
            let (a, b) = (lines[i].0[k], lines[i].0[k + 1]);
            pos[c] = [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
            to_segment += n_ends;
        }
    }
    // Edges: along every line between consecutive stations (its ends included), geodesic
    // lengths over the vertices, with the end connectors.
    let n = clusters.len();
    let mut d = vec![vec![f64::INFINITY; n]; n];
    for (i, row) in d.iter_mut().enumerate() {
        row[i] = 0.0;
    }
    for (i, (l, oneway)) in lines.iter().enumerate() {
        let mut st = stations[i].clone();
        st.push((0.0, end_cluster[2 * i]));
        st.push(((l.len() - 1) as f64, end_cluster[2 * i + 1]));
        st.sort_by(|a, b| a.0.total_cmp(&b.0));
        let point_at = |at: f64| -> [f64; 2] {
            let k = (at.floor() as usize).min(l.len() - 2);
            let t = at - k as f64;
            let (a, b) = (l[k], l[k + 1]);
            [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]
        };
        for w in st.windows(2) {
            let ((a_at, a_c), (b_at, b_c)) = (w[0], w[1]);
            // Path: node a, the point on the line, the vertices strictly between, the point,
            // node b.
            let mut path = vec![pos[a_c], point_at(a_at)];
            for v in l
                .iter()
                .take(b_at.ceil() as usize)
                .skip(a_at.floor() as usize + 1)
            {
                path.push(*v);
            }
            path.push(point_at(b_at));
            path.push(pos[b_c]);
            let path: Vec<LonLat> = path.iter().map(|p| ll(*p)).collect();
            let len: f64 = path
                .windows(2)
                .map(|w| geodesic_distance_m(w[0], w[1]))
                .sum();
            d[a_c][b_c] = d[a_c][b_c].min(len);
            if !oneway {
                d[b_c][a_c] = d[b_c][a_c].min(len);
            }
        }
    }
    for k in 0..n {
        for i in 0..n {
            for j in 0..n {
                if d[i][k] + d[k][j] < d[i][j] {
                    d[i][j] = d[i][k] + d[k][j];
                }
            }
        }
    }
    Reference {
        node_of_end: pos,
        dist: d,
        to_vertex,
        to_segment,
    }
}

fn road_lines(s: &Synthetic) -> Vec<RoadLine> {
    s.lines
        .iter()
        .map(|(l, oneway)| RoadLine {
            shape: l.iter().map(|p| ll(*p)).collect(),
            forward: true,
            backward: !oneway,
            speed_kmh: 40.0,
        })
        .collect()
}

#[test]
fn shortest_paths_equal_a_brute_force_reference_on_seeded_networks() {
    let (mut vertex, mut segment, mut missed) = (0, 0, 0);
    for seed in 0..12 {
        let s = synthetic(seed);
        let r = reference(&s);
        let g = build_graph(Plane::ZoneII(proj()), &road_lines(&s), TOL);
        let t = *g.topology().unwrap();
        assert_eq!(
            (
                t.ends_joined_to_vertex,
                t.ends_joined_to_segment,
                t.ends_joined_to_end
            ),
            (r.to_vertex, r.to_segment, 0),
            "seed {seed}"
        );
        vertex += r.to_vertex;
        segment += r.to_segment;
        // The built node at each reference node (its position, to a centimetre).
        let node_at = |p: [f64; 2]| -> u32 {
            let (i, d) = (0..g.node_count() as u32)
                .map(|i| (i, dist(g.plane().forward(g.node(i)), p)))
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .unwrap();
            assert!(d < 0.01, "seed {seed}: no built node at {p:?} ({d} m)");
            i
        };
        let nodes: Vec<u32> = r.node_of_end.iter().map(|p| node_at(*p)).collect();
        assert_eq!(g.node_count(), r.node_of_end.len(), "seed {seed}");
        for (i, &u) in nodes.iter().enumerate() {
            let got = distances_from(&g, u);
            for (j, &v) in nodes.iter().enumerate() {
                let (a, b) = (got[v as usize], r.dist[i][j]);
                assert!(
                    (a.is_infinite() && b.is_infinite()) || (a - b).abs() < 0.01,
                    "seed {seed}: {i}->{j}: built {a}, reference {b}"
                );
            }
        }
        missed += r.dist.iter().flatten().filter(|d| d.is_infinite()).count();
        // The crossing lines were not joined to the through roads they cross.
        assert!(crossings(&g, TOL).crossings >= 9, "seed {seed}");
    }
    // The generator did exercise every case.
    assert!(
        vertex > 20 && segment > 20 && missed > 0,
        "{vertex} {segment} {missed}"
    );
}

#[test]
fn a_side_road_ending_on_a_segment_splits_it_and_a_near_miss_does_not() {
    // A through road west–east with one interior vertex, a side road ending 1 m south of its
    // first segment, and one ending 3 m north of its second.
    let main = vec![[0.0, 0.0], [100.0, 0.0], [200.0, 0.0]];
    let t_end = vec![[50.0, -60.0], [50.0, -1.0]];
    let miss = vec![[150.0, 60.0], [150.0, 3.0]];
    let s = Synthetic {
        lines: vec![(main, false), (t_end, false), (miss, false)],
    };
    let g = build_graph(Plane::ZoneII(proj()), &road_lines(&s), TOL);
    let t = g.topology().unwrap();
    assert_eq!((t.ends_joined_to_segment, t.ends_joined_to_vertex), (1, 0));
    assert_eq!((t.components_before, t.components_after), (3, 2));
    assert_eq!(t.lines_split, 1);
    // Two pieces of the through road, the side road (with its 1 m connector), the near miss.
    assert_eq!(g.links().len(), 4);
    let lens: Vec<f64> = g.links().iter().map(|l| l.length_m).collect();
    assert!(lens.iter().any(|l| (l - 50.0).abs() < 0.05), "{lens:?}");
    assert!(lens.iter().any(|l| (l - 150.0).abs() < 0.05), "{lens:?}");
    assert!(lens.iter().any(|l| (l - 60.0).abs() < 0.05), "{lens:?}");
}
