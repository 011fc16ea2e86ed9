//! [`ProviderIndex`]: providers in an R-tree over zone II metres, answering nearest-k and
//! within-radius queries by exact geodesic distance.

use crate::data::{KindFilter, KindSet, Provider, ProviderKind};
use crate::geom::{
    geodesic_distance_m, LonLat, Projection, Xy, GRID_GEODESIC_ERR_M, GRID_GEODESIC_MAX_M,
    SCALE_MAX, SCALE_MIN,
};
use rstar::primitives::GeomWithData;
use rstar::RTree;
use std::cmp::Ordering;

type Entry = GeomWithData<[f64; 2], u32>;

/// One answer: the provider's position in the slice the index was built from, and its geodesic
/// distance in metres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    pub index: u32,
    pub distance_m: f64,
}

/// What the index needs to know of a provider.
#[derive(Debug, Clone)]
pub struct IndexItem {
    pub id: String,
    pub location: LonLat,
    pub kinds: KindSet,
}

impl From<&Provider> for IndexItem {
    fn from(p: &Provider) -> Self {
        IndexItem {
            id: p.id.clone(),
            location: p.location,
            kinds: p.kinds,
        }
    }
}

/// Nearest-provider index.
///
/// The trees hold projected points because rstar measures Euclidean distance. Zone II's scale
/// factor k lies in [0.9999, [`SCALE_MAX`]] over the valid band, so a planar distance d_p and the
/// geodesic distance d_g satisfy d_g ≥ d_p / SCALE_MAX: walking the tree in planar order and
/// stopping once d_p / SCALE_MAX exceeds the k-th best geodesic distance proves that no farther
/// point can enter the answer. Answers are therefore exact geodesic answers, equal to a brute
/// force scan (tests check this), ordered by (distance, id).
///
/// Survivors are measured with [`Projection::grid_geodesic_m`] (within
/// [`GRID_GEODESIC_ERR_M`] of Karney, ~20× cheaper). Where that error could change an answer —
/// two candidates at different places closer than twice the bound, or a distance within the
/// bound of the exact boundary (the 16 km radius) or of a `within` radius — those candidates are measured again with
/// Karney's algorithm, so order, membership and `within_16km` are Karney's exactly, and every
/// reported distance is within 1 cm of it (11 µm within 40 km).
///
/// One tree per kind, besides the tree of all providers, keeps filtered queries for rare kinds
/// (12 在宅緩和ケア充実 among 1,324) from walking past hundreds of non-matching points. For an
/// any-of filter, the k best of the union are among the union of each kind's k best.
pub struct ProviderIndex {
    /// Every item with a medical kind or none (not the resource rows).
    all: RTree<Entry>,
    by_kind: Vec<RTree<Entry>>,
    items: Vec<IndexItem>,
    /// Per item: zone II position and 1/(ρν) at its latitude, for the grid geodesic.
    pos: Vec<(Xy, f64)>,
    proj: Projection,
    /// A distance, metres, at which answers must be exact (the caller compares distances with
    /// it, e.g. the legal 16 km): see [`ProviderIndex::with_exact_boundary`]. NaN: none.
    boundary_m: f64,
}

/// Phase 1 of [`ProviderIndex::nearest`]: a depth-first branch and bound over rstar's nodes,
/// children nearest first. For small k it visits about the nodes rstar's best-first iterator
/// does, without a heap (the heap was 60 % of a query's time).
struct Walk<'a> {
    index: &'a ProviderIndex,
    q: [f64; 2],
    filter: KindFilter,
    k: usize,
    /// (planar distance, item) of every candidate not yet excluded.
    cands: Vec<(f64, u32)>,
    /// The k smallest geodesic upper bounds seen, ascending.
    uppers: Vec<f64>,
}

impl Walk<'_> {
    /// True once a planar distance `dp` proves a point farther than k candidates.
    fn beyond(&self, dp: f64) -> bool {
        self.uppers.len() == self.k && dp / SCALE_MAX > self.uppers[self.k - 1] + 1e-6
    }

    fn node(&mut self, node: &rstar::ParentNode<Entry>) {
        use rstar::{PointDistance, RTreeNode};
        let children = node.children();
        // Bulk-loaded nodes hold at most 6 children (rstar's default MAX_SIZE); a larger
        // node (inserted by a future caller) takes the allocating path.
        let mut small = [(0.0f64, 0u32); 8];
        let mut large = Vec::new();
        let order: &mut [(f64, u32)] = if children.len() <= small.len() {
            &mut small[..children.len()]
        } else {
            large.resize(children.len(), (0.0, 0));
            &mut large
        };
        for (slot, (i, c)) in order.iter_mut().zip(children.iter().enumerate()) {
            let d2 = match c {
                RTreeNode::Leaf(e) => e.distance_2(&self.q),
                RTreeNode::Parent(p) => p.envelope().distance_2(&self.q),
            };
            *slot = (d2, i as u32);
        }
        order.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        for &(d2, i) in order.iter() {
            let dp = d2.sqrt();
            if self.beyond(dp) {
                break;
            }
            match &children[i as usize] {
                RTreeNode::Leaf(e) => self.leaf(e.data, dp),
                RTreeNode::Parent(p) => self.node(p),
            }
        }
    }

    fn leaf(&mut self, i: u32, dp: f64) {
        if !self.filter.matches(self.index.items[i as usize].kinds)
            || self.cands.iter().any(|c| c.1 == i)
        {
            return;
        }
        self.cands.push((dp, i));
        let upper = dp / SCALE_MIN;
        let pos = self.uppers.partition_point(|u| *u <= upper);
        if pos < self.k {
            self.uppers.insert(pos, upper);
            self.uppers.truncate(self.k);
        }
    }
}

/// The query point as the fast distance needs it.
#[derive(Clone, Copy)]
struct Probe {
    at: LonLat,
    xy: Xy,
    inv_rn: f64,
}

impl ProviderIndex {
    /// Bulk-loads the trees (rstar's OMT bulk load: ≈10× faster than repeated inserts and a
    /// better-balanced tree).
    pub fn new(items: Vec<IndexItem>) -> Self {
        let proj = Projection::kumamoto();
        let entry = |i: usize, it: &IndexItem| {
            let xy = proj.forward(it.location);
            Entry::new([xy.x, xy.y], i as u32)
        };
        // Items with a medical kind (or none): the tree an unnamed-kind query walks. Resource
        // rows are found through their kind's tree only.
        let medical = KindSet::medical();
        let all = RTree::bulk_load(
            items
                .iter()
                .enumerate()
                .filter(|(_, it)| it.kinds.intersects(medical) || it.kinds.is_empty())
                .map(|(i, it)| entry(i, it))
                .collect(),
        );
        let by_kind = ProviderKind::ALL
            .iter()
            .map(|k| {
                RTree::bulk_load(
                    items
                        .iter()
                        .enumerate()
                        .filter(|(_, it)| it.kinds.contains(*k))
                        .map(|(i, it)| entry(i, it))
                        .collect(),
                )
            })
            .collect();
        let pos = items
            .iter()
            .map(|it| {
                (
                    proj.forward(it.location),
                    Projection::inv_rho_nu(it.location.lat()),
                )
            })
            .collect();
        Self {
            all,
            by_kind,
            items,
            pos,
            proj,
            boundary_m: f64::NAN,
        }
    }

    /// Makes every distance within the fast distance's error of `boundary_m` Karney-exact, so
    /// that a caller's `distance_m <= boundary_m` (the 16 km rule) is decided exactly.
    pub fn with_exact_boundary(mut self, boundary_m: f64) -> Self {
        self.boundary_m = boundary_m;
        self
    }

    /// Builds the index over a dataset's providers; hit indexes are positions in `providers`.
    pub fn from_providers(providers: &[Provider]) -> Self {
        Self::new(providers.iter().map(IndexItem::from).collect())
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The `k` providers nearest to `at` that `filter` selects (a [`KindSet`] is any-of; a
    /// [`KindFilter`] adds all-of), sorted by geodesic distance (metres), ties by id.
    pub fn nearest(&self, at: LonLat, k: usize, filter: impl Into<KindFilter>) -> Vec<Hit> {
        let filter = filter.into();
        if k == 0 || filter.any.is_empty() {
            return Vec::new();
        }
        if !Projection::VALID_LON.contains(&at.lon()) {
            return self.brute_force_nearest(at, k, filter);
        }
        let probe = self.probe(at);
        let q = [probe.xy.x, probe.xy.y];
        // Phase 1: walk the tree(s), keeping every candidate whose geodesic lower bound
        // (d_p / SCALE_MAX) does not exceed the k-th smallest upper bound (d_p / SCALE_MIN)
        // seen so far. Anything not collected is provably farther than k others.
        let mut walk = Walk {
            index: self,
            q,
            filter,
            k,
            cands: Vec::with_capacity(2 * k + 4),
            uppers: Vec::with_capacity(k + 1),
        };
        for tree in self.trees_for(filter) {
            walk.node(tree.root());
        }
        let Walk { cands, uppers, .. } = walk;
        // Phase 2: distances for the survivors only, near-ties settled by Karney.
        let cutoff = uppers.last().copied().unwrap_or(f64::INFINITY) + 1e-6;
        let mut best: Vec<Hit> = cands
            .into_iter()
            .filter(|(dp, _)| dp / SCALE_MAX <= cutoff)
            .map(|(_, i)| Hit {
                index: i,
                distance_m: self.fast_distance(&probe, i),
            })
            .collect();
        best.sort_by(|a, b| self.cmp_hits(a, b));
        // Only the first k + 1 can decide the answer: the (k+1)-th matters when it ties the k-th.
        let keep = (k + 1).min(best.len());
        self.settle(&probe, &mut best[..keep], &[self.boundary_m]);
        best.truncate(k);
        best
    }

    /// Every provider `filter` selects within `radius_m` metres (geodesic) of `at`, sorted by
    /// distance, ties by id.
    pub fn within(&self, at: LonLat, radius_m: f64, filter: impl Into<KindFilter>) -> Vec<Hit> {
        let filter = filter.into();
        if filter.any.is_empty() || radius_m.is_nan() || radius_m < 0.0 {
            return Vec::new();
        }
        let mut out: Vec<Hit> = Vec::new();
        if !Projection::VALID_LON.contains(&at.lon()) {
            out = self
                .scan(at, filter)
                .filter(|h| h.distance_m <= radius_m)
                .collect();
        } else {
            let probe = self.probe(at);
            let q = probe.xy;
            // Planar radius that surely contains the geodesic disc, plus a metre of slack.
            let planar = radius_m * SCALE_MAX + 1.0;
            let trees = self.trees_for(filter);
            let multi = trees.len() > 1;
            for tree in trees {
                for e in tree.locate_within_distance([q.x, q.y], planar * planar) {
                    let it = &self.items[e.data as usize];
                    if !filter.matches(it.kinds) || (multi && out.iter().any(|h| h.index == e.data))
                    {
                        continue;
                    }
                    // Keep what might be inside; `settle` decides the doubtful ones.
                    let d = self.fast_distance(&probe, e.data);
                    if d <= radius_m + GRID_GEODESIC_ERR_M {
                        out.push(Hit {
                            index: e.data,
                            distance_m: d,
                        });
                    }
                }
            }
            out.sort_by(|a, b| self.cmp_hits(a, b));
            self.settle(&probe, &mut out, &[radius_m, self.boundary_m]);
            out.retain(|h| h.distance_m <= radius_m);
            return out;
        }
        out.sort_by(|a, b| self.cmp_hits(a, b));
        out
    }

    /// The linear-scan oracle: every matching provider with its geodesic distance.
    pub fn scan(
        &self,
        at: LonLat,
        filter: impl Into<KindFilter>,
    ) -> impl Iterator<Item = Hit> + '_ {
        let filter = filter.into();
        self.items
            .iter()
            .enumerate()
            .filter(move |(_, it)| filter.matches(it.kinds))
            .map(move |(i, it)| Hit {
                index: i as u32,
                distance_m: geodesic_distance_m(at, it.location),
            })
    }

    /// Nearest by linear scan (the oracle, and the path for points outside the projection's
    /// valid band).
    pub fn brute_force_nearest(
        &self,
        at: LonLat,
        k: usize,
        filter: impl Into<KindFilter>,
    ) -> Vec<Hit> {
        let mut all: Vec<Hit> = self.scan(at, filter).collect();
        all.sort_by(|a, b| self.cmp_hits(a, b));
        all.truncate(k);
        all
    }

    /// The provider id of a hit.
    pub fn id(&self, index: u32) -> &str {
        &self.items[index as usize].id
    }

    fn probe(&self, at: LonLat) -> Probe {
        Probe {
            at,
            xy: self.proj.forward(at),
            inv_rn: Projection::inv_rho_nu(at.lat()),
        }
    }

    /// Geodesic distance to item `i`: the grid geodesic where it is trusted, else Karney.
    fn fast_distance(&self, p: &Probe, i: u32) -> f64 {
        let (xy, inv_rn) = self.pos[i as usize];
        let d = Projection::grid_geodesic_m(p.xy, p.inv_rn, xy, inv_rn);
        if d <= GRID_GEODESIC_MAX_M {
            d
        } else {
            geodesic_distance_m(p.at, self.items[i as usize].location)
        }
    }

    /// Makes a sorted run of fast distances exact where the fast error could matter: any hit
    /// within 2 × [`GRID_GEODESIC_ERR_M`] of a neighbour at a different place, or within the
    /// error of one of `thresholds`, is measured again by Karney and the run re-sorted.
    /// Hits farther apart than twice the error keep their order whatever the true values.
    fn settle(&self, p: &Probe, hits: &mut [Hit], thresholds: &[f64]) {
        let err = GRID_GEODESIC_ERR_M;
        let mut doubtful = Vec::new();
        for j in 0..hits.len() {
            let d = hits[j].distance_m;
            let near = |o: usize| {
                (hits[o].distance_m - d).abs() < 2.0 * err
                    && self.pos[hits[o].index as usize].0 != self.pos[hits[j].index as usize].0
            };
            if (j > 0 && near(j - 1))
                || (j + 1 < hits.len() && near(j + 1))
                || thresholds.iter().any(|t| (d - t).abs() < err)
            {
                doubtful.push(j);
            }
        }
        if doubtful.is_empty() {
            return;
        }
        // Hits at one place share one fast distance and sit side by side: measure all of them
        // or none, else their order depends on which one had a neighbour elsewhere (three
        // providers at one town point: only the outer two would be measured).
        let same = |a: usize, b: usize| {
            self.pos[hits[a].index as usize].0 == self.pos[hits[b].index as usize].0
        };
        let mut group = Vec::new();
        for &j in &doubtful {
            let (mut a, mut b) = (j, j);
            while a > 0 && same(a - 1, j) {
                a -= 1;
                group.push(a);
            }
            while b + 1 < hits.len() && same(b + 1, j) {
                b += 1;
                group.push(b);
            }
        }
        doubtful.extend(group);
        doubtful.sort_unstable();
        doubtful.dedup();
        for j in doubtful {
            let h = &mut hits[j];
            h.distance_m = geodesic_distance_m(p.at, self.items[h.index as usize].location);
        }
        hits.sort_by(|a, b| self.cmp_hits(a, b));
    }

    fn cmp_hits(&self, a: &Hit, b: &Hit) -> Ordering {
        a.distance_m.total_cmp(&b.distance_m).then_with(|| {
            self.items[a.index as usize]
                .id
                .cmp(&self.items[b.index as usize].id)
        })
    }

    /// The trees to search for `filter`: with an all-of part, the smallest tree of a required
    /// kind (every match is in it); else the whole tree when every provider could match
    /// anyway (the medical tree, plus any resource kind asked for), or one per kind of the any-of part.
    fn trees_for(&self, filter: KindFilter) -> Vec<&RTree<Entry>> {
        let per_kind = |set: KindSet| {
            ProviderKind::ALL
                .iter()
                .enumerate()
                .filter(move |(_, k)| set.contains(**k))
                .map(|(i, _)| &self.by_kind[i])
        };
        if let Some(t) = per_kind(filter.all).min_by_key(|t| t.size()) {
            return vec![t];
        }
        if filter.any.contains_all(KindSet::medical()) {
            // The medical tree, plus the tree of each resource kind asked for as well.
            let resources = filter.any.intersection(KindSet::resources());
            return std::iter::once(&self.all)
                .chain(per_kind(resources))
                .collect();
        }
        per_kind(filter.any).collect()
    }
}
