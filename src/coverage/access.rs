//! Spatial accessibility by the enhanced two-step floating catchment area method (E2SFCA,
//! Luo & Qi 2009): how much provider supply each demand point (a 500 m cell's 65+ people)
//! can reach, discounted by distance.
//!
//! # Definition
//! Demand points k with people P_k, supply points j with amount S_j (1 per provider), and
//! distance zones with weights W: [0, 5), [5, 10), [10, 16] km → 1.00, 0.68, 0.22 by geodesic
//! distance ([`Zones::luo_qi_16km`]; the last zone is closed, so 16 000 m is inside and the
//! catchment is 16 km).
//! - Step 1, per provider: R_j = S_j / Σ_k P_k·W(d_kj) over the demand within j's catchment;
//!   `None` when that sum is 0 (no people in reach).
//! - Step 2, per demand point: A_i = Σ_j R_j·W(d_ij) over the providers within i's catchment
//!   (providers whose R_j is `None` are skipped). Callers report A × [`PER_10K_PEOPLE`].
//!
//! Identity: Σ_i P_i·A_i = Σ_j S_j over the providers with people in reach — the supply is
//! shared out, never created or lost.
//!
//! # Exact zones, quickly
//! Zone membership is the one Karney's geodesic ([`geodesic_distance_m`], ≈ 1 µs) gives, but
//! most pairs never call it. Zone II's point scale factor lies in [[`SCALE_MIN`],
//! [`SCALE_MAX`]] over the band the bounds hold for, so a planar distance d_p bounds the
//! geodesic one: d_p / SCALE_MAX ≤ d_g ≤ d_p / SCALE_MIN. When that interval (widened by
//! [`PLANAR_SLACK_M`]) lies within one zone, the zone is decided; only pairs whose interval
//! straddles a zone edge (a band about 0.06 % of the edge wide: 3 m at 5 km, 10 m at 16 km)
//! are measured with Karney. The comparisons run on squared planar distances, no square root.
//!
//! Demand points sit in a bucket grid over zone II metres, so each provider visits only the
//! buckets that meet its planar catchment. The (demand, provider, zone) pairs found in step 1
//! are kept (sparse, by provider) and step 2 walks them again instead of searching anew.
//!
//! Points outside the band the scale bounds are proven for ([`Projection::VALID_LON`],
//! latitudes 30–35°) are measured with Karney against everything — exact, only slower.

use crate::geom::{geodesic_distance_m, LonLat, Projection, Xy, SCALE_MAX, SCALE_MIN};

/// Accessibility is reported per this many people (A × 10 000).
pub const PER_10K_PEOPLE: f64 = 10_000.0;

/// Slack (metres) added to both planar bounds of a geodesic distance: it covers the
/// projection's series truncation (well under 1 mm over Kumamoto) and rounding in d_p, so a
/// zone decided from the bounds is the one Karney gives.
pub const PLANAR_SLACK_M: f64 = 1e-2;

/// Side of a demand bucket, metres (planar). Against a 16 km catchment a 2 km bucket keeps
/// the visited area within ~20 % of the catchment disc without many empty buckets.
const BUCKET_M: f64 = 2_000.0;

/// Latitudes (degrees) over which the scale-factor bounds are checked
/// (`scale_factor_stays_within_the_published_bounds` in `geom::projection`).
const VALID_LAT: std::ops::RangeInclusive<f64> = 30.0..=35.0;

/// `A` as callers report it: per 10 000 people.
pub fn per_10k_people(a: f64) -> f64 {
    a * PER_10K_PEOPLE
}

/// Why a zone table was rejected.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ZonesError {
    #[error("a zone table needs at least one zone")]
    Empty,
    #[error("{edges} zone edges but {weights} weights")]
    Lengths { edges: usize, weights: usize },
    #[error("zone edges must be finite, positive and strictly ascending: {0:?}")]
    Edges(Vec<f64>),
    #[error("zone weights must be finite and not negative: {0:?}")]
    Weights(Vec<f64>),
}

/// Distance zones and their weights.
///
/// Zone i holds the distances d with `edges[i-1] ≤ d < edges[i]` (`0 ≤ d` for the first);
/// the last zone is closed, `edges[n-2] ≤ d ≤ edges[n-1]`, and its upper edge is the
/// catchment: beyond it a pair is out of reach.
#[derive(Debug, Clone, PartialEq)]
pub struct Zones {
    edges_m: Vec<f64>,
    weights: Vec<f64>,
}

impl Zones {
    /// A zone table from ascending upper edges (metres; the last is the catchment) and one
    /// weight per zone.
    pub fn new(edges_m: Vec<f64>, weights: Vec<f64>) -> Result<Self, ZonesError> {
        if edges_m.is_empty() {
            return Err(ZonesError::Empty);
        }
        if edges_m.len() != weights.len() {
            return Err(ZonesError::Lengths {
                edges: edges_m.len(),
                weights: weights.len(),
            });
        }
        let ascending = edges_m.windows(2).all(|w| w[0] < w[1]);
        if !ascending || !edges_m.iter().all(|e| e.is_finite() && *e > 0.0) {
            return Err(ZonesError::Edges(edges_m));
        }
        if !weights.iter().all(|w| w.is_finite() && *w >= 0.0) {
            return Err(ZonesError::Weights(weights));
        }
        Ok(Self { edges_m, weights })
    }

    /// Luo & Qi's three zones over the 16 km home-visit catchment: [0, 5), [5, 10), [10, 16]
    /// km weighted 1.00, 0.68, 0.22.
    pub fn luo_qi_16km() -> Self {
        Self {
            edges_m: vec![5_000.0, 10_000.0, 16_000.0],
            weights: vec![1.00, 0.68, 0.22],
        }
    }

    /// The zone of a geodesic distance (metres), `None` beyond the catchment (or for NaN).
    pub fn zone(&self, d_m: f64) -> Option<usize> {
        if d_m.is_nan() || d_m < 0.0 {
            return None;
        }
        let n = self.edges_m.len();
        let i = self.edges_m.partition_point(|e| *e <= d_m);
        if i < n {
            Some(i)
        } else if d_m == self.edges_m[n - 1] {
            Some(n - 1)
        } else {
            None
        }
    }

    /// The weight at a geodesic distance (metres), `None` beyond the catchment.
    pub fn weight(&self, d_m: f64) -> Option<f64> {
        self.zone(d_m).map(|z| self.weights[z])
    }

    /// The catchment radius, metres (the last zone's upper edge, inclusive).
    pub fn catchment_m(&self) -> f64 {
        self.edges_m[self.edges_m.len() - 1]
    }

    pub fn edges_m(&self) -> &[f64] {
        &self.edges_m
    }

    pub fn weights(&self) -> &[f64] {
        &self.weights
    }
}

/// One demand point: people (e.g. a cell's 65+ people) at a place (the cell's centre).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Demand {
    pub at: LonLat,
    /// Finite and not negative.
    pub people: f64,
}

/// One supply point: an amount of care (1 per provider) at a place.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Supply {
    pub at: LonLat,
    /// Finite and not negative.
    pub amount: f64,
}

/// The E2SFCA answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Access {
    /// R_j per supply point, in supply order: supply per weighted person in reach, `None` for
    /// a provider with no people in reach.
    pub ratio: Vec<Option<f64>>,
    /// A_i per demand point, in demand order (per person; × [`PER_10K_PEOPLE`] to report).
    pub index: Vec<f64>,
    /// (demand, supply) pairs within the catchment.
    pub pairs: usize,
    /// Pairs whose zone the planar bounds could not decide, measured with Karney.
    pub exact_calls: usize,
    /// Per supply point, its zone II position (`None` outside the band), for [`Access::at`].
    supply_xy: Vec<Option<Xy>>,
}

/// The two E2SFCA steps over `demand` and `supply` with `zones`; `proj` is zone II (its scale
/// bounds decide most zones without a geodesic, see the module docs).
///
/// # Panics
/// If a people count or a supply amount is negative or not finite (a caller's bug: census
/// counts and amounts are checked when they are loaded).
pub fn e2sfca(demand: &[Demand], supply: &[Supply], zones: &Zones, proj: &Projection) -> Access {
    assert!(
        demand
            .iter()
            .all(|d| d.people.is_finite() && d.people >= 0.0),
        "people must be finite and not negative"
    );
    assert!(
        supply
            .iter()
            .all(|s| s.amount.is_finite() && s.amount >= 0.0),
        "supply amounts must be finite and not negative"
    );
    let bounds = PlanarZones::new(zones);
    let grid = Grid::new(demand, proj);
    let mut exact_calls = 0usize;

    // Step 1: the pairs, by provider, and each provider's ratio.
    let mut pair_start = Vec::with_capacity(supply.len() + 1);
    pair_start.push(0usize);
    let mut pair_slot: Vec<u32> = Vec::new();
    let mut pair_zone: Vec<u8> = Vec::new();
    let mut ratio = Vec::with_capacity(supply.len());
    let supply_xy: Vec<Option<Xy>> = supply
        .iter()
        .map(|s| in_band(s.at).then(|| proj.forward(s.at)))
        .collect();
    for (s, xy) in supply.iter().zip(&supply_xy) {
        let from = pair_slot.len();
        let mut push = |slot: u32, zone: usize| {
            pair_slot.push(slot);
            pair_zone.push(zone as u8);
        };
        if let Some(q) = *xy {
            grid.visit(q, bounds.reach_m, |slot, d2| match bounds.classify(d2) {
                Class::Zone(z) => push(slot, z),
                Class::Outside => {}
                Class::Doubtful => {
                    exact_calls += 1;
                    let at = demand[grid.orig[slot as usize] as usize].at;
                    if let Some(z) = zones.zone(geodesic_distance_m(s.at, at)) {
                        push(slot, z);
                    }
                }
            });
            for &slot in &grid.far {
                exact_calls += 1;
                let at = demand[grid.orig[slot as usize] as usize].at;
                if let Some(z) = zones.zone(geodesic_distance_m(s.at, at)) {
                    push(slot, z);
                }
            }
        } else {
            for (slot, &k) in grid.orig.iter().enumerate() {
                exact_calls += 1;
                if let Some(z) = zones.zone(geodesic_distance_m(s.at, demand[k as usize].at)) {
                    push(slot as u32, z);
                }
            }
        }
        let weighted: f64 = pair_slot[from..]
            .iter()
            .zip(&pair_zone[from..])
            .map(|(&slot, &z)| grid.people[slot as usize] * zones.weights[z as usize])
            .sum();
        ratio.push((weighted != 0.0).then(|| s.amount / weighted));
        pair_start.push(pair_slot.len());
    }

    // Step 2: the same pairs, providers in supply order, so each A_i sums its terms in the
    // order `Access::at` does.
    let mut a_slot = vec![0.0f64; grid.orig.len()];
    for (j, r) in ratio.iter().enumerate() {
        let Some(r) = *r else { continue };
        let (lo, hi) = (pair_start[j], pair_start[j + 1]);
        for (&slot, &z) in pair_slot[lo..hi].iter().zip(&pair_zone[lo..hi]) {
            a_slot[slot as usize] += r * zones.weights[z as usize];
        }
    }
    let mut index = vec![0.0f64; demand.len()];
    for (slot, &k) in grid.orig.iter().enumerate() {
        index[k as usize] = a_slot[slot];
    }
    Access {
        ratio,
        index,
        pairs: pair_slot.len(),
        exact_calls,
        supply_xy,
    }
}

impl Access {
    /// A at any point (a town, an address): Σ_j R_j·W(d) over the supply in reach, one
    /// projection and a planar test per provider (their positions are kept from
    /// [`e2sfca`]). `supply` and `zones` must be the ones this answer was computed with. At a
    /// demand point's place it equals that point's `index` exactly (same terms, same order).
    ///
    /// # Panics
    /// If `supply` is not as long as the supply this answer was computed with.
    pub fn at(&self, p: LonLat, supply: &[Supply], zones: &Zones, proj: &Projection) -> f64 {
        assert_eq!(self.ratio.len(), supply.len(), "not this answer's supply");
        let bounds = PlanarZones::new(zones);
        let q = in_band(p).then(|| proj.forward(p));
        let mut a = 0.0;
        for ((s, r), xy) in supply.iter().zip(&self.ratio).zip(&self.supply_xy) {
            let Some(r) = *r else { continue };
            let class = match (q, xy) {
                (Some(q), Some(xy)) => bounds.classify((xy.x - q.x).powi(2) + (xy.y - q.y).powi(2)),
                _ => Class::Doubtful,
            };
            let zone = match class {
                Class::Zone(z) => Some(z),
                Class::Outside => None,
                Class::Doubtful => zones.zone(geodesic_distance_m(s.at, p)),
            };
            if let Some(z) = zone {
                a += r * zones.weights[z];
            }
        }
        a
    }

    /// Every A_i per 10 000 people, in demand order.
    pub fn index_per_10k(&self) -> impl Iterator<Item = f64> + '_ {
        self.index.iter().map(|a| per_10k_people(*a))
    }
}

/// Whether the scale-factor bounds hold at `p`.
fn in_band(p: LonLat) -> bool {
    Projection::VALID_LON.contains(&p.lon()) && VALID_LAT.contains(&p.lat())
}

/// What the planar distance says of a pair's zone.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Class {
    Zone(usize),
    Outside,
    /// The bounds straddle an edge: ask Karney.
    Doubtful,
}

/// The zone edges as squared planar thresholds.
struct PlanarZones {
    /// Per edge e: below `((e − slack)·SCALE_MIN)²` the geodesic is surely < e; above
    /// `((e + slack)·SCALE_MAX)²` it is surely > e.
    sure_below: Vec<f64>,
    sure_above: Vec<f64>,
    /// Planar radius beyond which a pair is surely out of reach.
    reach_m: f64,
}

impl PlanarZones {
    fn new(zones: &Zones) -> Self {
        let below = |e: f64| ((e - PLANAR_SLACK_M).max(0.0) * SCALE_MIN).powi(2);
        let above = |e: f64| ((e + PLANAR_SLACK_M) * SCALE_MAX).powi(2);
        Self {
            sure_below: zones.edges_m.iter().map(|e| below(*e)).collect(),
            sure_above: zones.edges_m.iter().map(|e| above(*e)).collect(),
            reach_m: (zones.catchment_m() + PLANAR_SLACK_M) * SCALE_MAX,
        }
    }

    /// The zone from a squared planar distance. d_g ≤ d_p / SCALE_MIN, so d_p <
    /// (e − slack)·SCALE_MIN proves d_g < e; d_g ≥ d_p / SCALE_MAX, so d_p > (e + slack)·SCALE_MAX
    /// proves d_g > e. Edges are passed in ascending order, each proven below or above.
    #[inline]
    fn classify(&self, d2: f64) -> Class {
        for (i, (&lo, &hi)) in self.sure_below.iter().zip(&self.sure_above).enumerate() {
            if d2 < lo {
                return Class::Zone(i);
            }
            if d2 <= hi {
                return Class::Doubtful;
            }
        }
        Class::Outside
    }
}

/// Demand points in buckets over zone II metres (counting-sorted, so a bucket's points are
/// contiguous). "Slots" number the points in bucket order, then the points outside the band
/// ([`Grid::far`]).
struct Grid {
    x0: f64,
    y0: f64,
    cell: f64,
    nx: usize,
    ny: usize,
    /// Bucket b holds slots `start[b]..start[b + 1]`.
    start: Vec<u32>,
    /// Per in-band slot, its planar position.
    xy: Vec<[f64; 2]>,
    /// Per slot (in-band then far), the demand's position in the caller's slice.
    orig: Vec<u32>,
    /// Per slot, the demand's people.
    people: Vec<f64>,
    /// The slots outside the band.
    far: Vec<u32>,
}

impl Grid {
    fn new(demand: &[Demand], proj: &Projection) -> Self {
        assert!(demand.len() < u32::MAX as usize, "too many demand points");
        let mut inside: Vec<(u32, Xy)> = Vec::with_capacity(demand.len());
        let mut far_orig = Vec::new();
        for (k, d) in demand.iter().enumerate() {
            if in_band(d.at) {
                inside.push((k as u32, proj.forward(d.at)));
            } else {
                far_orig.push(k as u32);
            }
        }
        let (mut x0, mut y0, mut x1, mut y1) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
        if let Some((_, p)) = inside.first() {
            (x0, y0, x1, y1) = (p.x, p.y, p.x, p.y);
        }
        for (_, p) in &inside {
            x0 = x0.min(p.x);
            y0 = y0.min(p.y);
            x1 = x1.max(p.x);
            y1 = y1.max(p.y);
        }
        // The band is at most ~400 × 600 km: ≤ 60 000 buckets of 2 km.
        let cell = BUCKET_M;
        let nx = ((x1 - x0) / cell) as usize + 1;
        let ny = ((y1 - y0) / cell) as usize + 1;
        let bucket = |p: Xy| {
            let ix = (((p.x - x0) / cell) as usize).min(nx - 1);
            let iy = (((p.y - y0) / cell) as usize).min(ny - 1);
            iy * nx + ix
        };
        let mut start = vec![0u32; nx * ny + 1];
        for (_, p) in &inside {
            start[bucket(*p) + 1] += 1;
        }
        for b in 0..nx * ny {
            start[b + 1] += start[b];
        }
        let mut next = start.clone();
        let n_in = inside.len();
        let mut xy = vec![[0.0; 2]; n_in];
        let mut orig = vec![0u32; n_in];
        for (k, p) in &inside {
            let b = bucket(*p);
            let slot = next[b] as usize;
            next[b] += 1;
            xy[slot] = [p.x, p.y];
            orig[slot] = *k;
        }
        let far = (n_in..n_in + far_orig.len()).map(|s| s as u32).collect();
        orig.extend(far_orig);
        let people = orig.iter().map(|&k| demand[k as usize].people).collect();
        Self {
            x0,
            y0,
            cell,
            nx,
            ny,
            start,
            xy,
            orig,
            people,
            far,
        }
    }

    /// Calls `f(slot, d²)` for every in-band demand point within planar distance `r` of `q`
    /// (and possibly a few beyond it), with its squared planar distance.
    fn visit(&self, q: Xy, r: f64, mut f: impl FnMut(u32, f64)) {
        if self.xy.is_empty() {
            return;
        }
        let span = |v: f64, v0: f64, n: usize| {
            let lo = ((v - r - v0) / self.cell).floor();
            let hi = ((v + r - v0) / self.cell).floor();
            if hi < 0.0 || lo > (n - 1) as f64 {
                return None;
            }
            Some((lo.max(0.0) as usize, (hi as usize).min(n - 1)))
        };
        let (Some((ix0, ix1)), Some((iy0, iy1))) =
            (span(q.x, self.x0, self.nx), span(q.y, self.y0, self.ny))
        else {
            return;
        };
        let r2 = r * r;
        for iy in iy0..=iy1 {
            let by0 = self.y0 + iy as f64 * self.cell;
            let dy = (by0 - q.y).max(q.y - (by0 + self.cell)).max(0.0);
            for ix in ix0..=ix1 {
                let bx0 = self.x0 + ix as f64 * self.cell;
                let dx = (bx0 - q.x).max(q.x - (bx0 + self.cell)).max(0.0);
                // A point may sit a rounding error outside its bucket's square: skip only
                // buckets clearly out of reach.
                if dx * dx + dy * dy > r2 + 1.0 {
                    continue;
                }
                let b = iy * self.nx + ix;
                let (lo, hi) = (self.start[b] as usize, self.start[b + 1] as usize);
                for (slot, p) in (lo..hi).zip(&self.xy[lo..hi]) {
                    let d2 = (p[0] - q.x).powi(2) + (p[1] - q.y).powi(2);
                    if d2 <= r2 {
                        f(slot as u32, d2);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Destination, Geodesic, Point};
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// The zone rule written out, independent of [`Zones`].
    fn w_brute(d: f64) -> Option<f64> {
        if d < 5_000.0 {
            Some(1.00)
        } else if d < 10_000.0 {
            Some(0.68)
        } else if d <= 16_000.0 {
            Some(0.22)
        } else {
            None
        }
    }

    /// The naive double loop with Karney's distance (supply first, as the engine measures).
    fn brute(demand: &[Demand], supply: &[Supply]) -> (Vec<Option<f64>>, Vec<f64>) {
        let w = |s: &Supply, d: &Demand| w_brute(geodesic_distance_m(s.at, d.at));
        let ratio: Vec<Option<f64>> = supply
            .iter()
            .map(|s| {
                let sum: f64 = demand
                    .iter()
                    .filter_map(|d| w(s, d).map(|w| d.people * w))
                    .sum();
                (sum != 0.0).then(|| s.amount / sum)
            })
            .collect();
        let index = demand
            .iter()
            .map(|d| {
                supply
                    .iter()
                    .zip(&ratio)
                    .filter_map(|(s, r)| Some(r.as_ref()? * w(s, d)?))
                    .sum()
            })
            .collect();
        (ratio, index)
    }

    fn ll(lon: f64, lat: f64) -> LonLat {
        LonLat::new(lon, lat).unwrap()
    }

    fn random_point(rng: &mut ChaCha8Rng) -> LonLat {
        ll(rng.gen_range(129.9..131.3), rng.gen_range(32.0..33.3))
    }

    /// `n` demand points over Kumamoto (a fifth with nobody), `m` providers, and around the
    /// first providers points near 5, 10 and 16 km (from a nanometre to 8 m off) and exactly
    /// on them (Karney's distance equal to the edge).
    fn random_set(seed: u64, n: usize, m: usize) -> (Vec<Demand>, Vec<Supply>) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let people = |rng: &mut ChaCha8Rng| {
            if rng.gen_bool(0.2) {
                0.0
            } else {
                rng.gen_range(0.5..400.0)
            }
        };
        let supply: Vec<Supply> = (0..m)
            .map(|_| Supply {
                at: random_point(&mut rng),
                amount: if rng.gen_bool(0.8) {
                    1.0
                } else {
                    rng.gen_range(0.5..3.0)
                },
            })
            .collect();
        let mut demand: Vec<Demand> = (0..n)
            .map(|_| Demand {
                at: random_point(&mut rng),
                people: people(&mut rng),
            })
            .collect();
        let offsets = [
            0.0, 1e-9, -1e-9, 1e-6, -1e-6, 1e-3, -1e-3, 0.5, -0.5, 3.0, -3.0, 8.0, -8.0,
        ];
        let mut exact_hits = 0;
        for s in supply.iter().take(6) {
            for edge in [5_000.0, 10_000.0, 16_000.0] {
                for off in offsets {
                    let bearing = rng.gen_range(0.0..360.0);
                    let p: Point<f64> = Geodesic.destination(s.at.point(), bearing, edge + off);
                    demand.push(Demand {
                        at: ll(p.x(), p.y()),
                        people: people(&mut rng),
                    });
                }
                // A point whose Karney distance is the edge to the last bit, where one is found.
                let exact = (0..3_000).find_map(|_| {
                    let bearing = rng.gen_range(0.0..360.0);
                    let p: Point<f64> = Geodesic.destination(s.at.point(), bearing, edge);
                    let at = ll(p.x(), p.y());
                    (geodesic_distance_m(s.at, at) == edge).then_some(at)
                });
                if let Some(at) = exact {
                    demand.push(Demand {
                        at,
                        people: people(&mut rng),
                    });
                    exact_hits += 1;
                }
            }
        }
        assert!(
            exact_hits >= 6,
            "only {exact_hits} points exactly on an edge"
        );
        (demand, supply)
    }

    fn rel(a: f64, b: f64) -> f64 {
        if a == b {
            0.0
        } else {
            (a - b).abs() / a.abs().max(b.abs())
        }
    }

    fn assert_matches_brute(demand: &[Demand], supply: &[Supply], what: &str) {
        let proj = Projection::kumamoto();
        let got = e2sfca(demand, supply, &Zones::luo_qi_16km(), &proj);
        let (ratio, index) = brute(demand, supply);
        assert_eq!(got.ratio.len(), supply.len());
        for (j, (g, b)) in got.ratio.iter().zip(&ratio).enumerate() {
            match (g, b) {
                (None, None) => {}
                (Some(g), Some(b)) => {
                    assert!(rel(*g, *b) <= 1e-12, "{what}: R_{j} {g} vs brute {b}")
                }
                _ => panic!("{what}: R_{j} {g:?} vs brute {b:?}"),
            }
        }
        assert_eq!(got.index.len(), demand.len());
        for (i, (g, b)) in got.index.iter().zip(&index).enumerate() {
            assert!(rel(*g, *b) <= 1e-12, "{what}: A_{i} {g} vs brute {b}");
        }
    }

    #[test]
    fn equals_the_brute_force_on_seeded_sets() {
        for seed in [1, 2, 3] {
            let (demand, supply) = random_set(seed, 2_500, 40);
            assert_matches_brute(&demand, &supply, &format!("seed {seed}"));
        }
        // Dense: many providers over a small area, so demand lies in several zones of many.
        let mut rng = ChaCha8Rng::seed_from_u64(4);
        let near =
            |rng: &mut ChaCha8Rng| ll(rng.gen_range(130.6..130.9), rng.gen_range(32.7..32.9));
        let supply: Vec<Supply> = (0..60)
            .map(|_| Supply {
                at: near(&mut rng),
                amount: 1.0,
            })
            .collect();
        let demand: Vec<Demand> = (0..1_500)
            .map(|_| Demand {
                at: near(&mut rng),
                people: rng.gen_range(0.0..50.0),
            })
            .collect();
        assert_matches_brute(&demand, &supply, "dense");
    }

    #[test]
    fn providers_without_people_in_reach_have_no_ratio() {
        let (mut demand, mut supply) = random_set(5, 800, 20);
        // A provider with only empty cells in reach, one with nothing in reach (the demand
        // points near it are moved away), and one outside the projection's band with a
        // cell on each side of 16 km.
        let lonely = ll(129.5, 31.0);
        demand.retain(|d| geodesic_distance_m(lonely, d.at) > 20_000.0);
        let empty = ll(130.0, 32.05);
        demand.retain(|d| geodesic_distance_m(empty, d.at) > 16_100.0);
        demand.push(Demand {
            at: ll(130.01, 32.06),
            people: 0.0,
        });
        let west = ll(128.95, 32.5);
        for (d, p) in [(15_999.0, 10.0), (16_001.0, 1_000.0)] {
            let q: Point<f64> = Geodesic.destination(west.point(), 90.0, d);
            demand.push(Demand {
                at: ll(q.x(), q.y()),
                people: p,
            });
        }
        for at in [lonely, empty, west] {
            supply.push(Supply { at, amount: 1.0 });
        }
        assert_matches_brute(&demand, &supply, "lonely");
        let got = e2sfca(
            &demand,
            &supply,
            &Zones::luo_qi_16km(),
            &Projection::kumamoto(),
        );
        let m = supply.len();
        assert_eq!(got.ratio[m - 3], None);
        assert_eq!(got.ratio[m - 2], None);
        assert_eq!(got.ratio[m - 1], Some(1.0 / (10.0 * 0.22)));
    }

    #[test]
    fn people_times_access_adds_up_to_the_supply_in_reach() {
        let proj = Projection::kumamoto();
        let zones = Zones::luo_qi_16km();
        for seed in [11, 12, 13] {
            let (mut demand, supply) = random_set(seed, 3_000, 60);
            if seed == 13 {
                // Mostly empty cells.
                for d in demand.iter_mut().step_by(4).skip(1) {
                    d.people = 0.0;
                }
                for d in demand.iter_mut().skip(3).step_by(2) {
                    d.people = 0.0;
                }
            }
            let got = e2sfca(&demand, &supply, &zones, &proj);
            let lhs: f64 = demand
                .iter()
                .zip(&got.index)
                .map(|(d, a)| d.people * a)
                .sum();
            let rhs: f64 = supply
                .iter()
                .zip(&got.ratio)
                .filter(|(_, r)| r.is_some())
                .map(|(s, _)| s.amount)
                .sum();
            assert!(rhs > 0.0);
            assert!(rel(lhs, rhs) <= 1e-9, "seed {seed}: {lhs} vs {rhs}");
        }
    }

    #[test]
    fn zone_edges_are_half_open_but_the_catchment_is_closed() {
        let z = Zones::luo_qi_16km();
        assert_eq!(z.weight(0.0), Some(1.0));
        assert_eq!(z.weight(4_999.999), Some(1.0));
        assert_eq!(z.weight(5_000.0), Some(0.68));
        assert_eq!(z.weight(9_999.999), Some(0.68));
        assert_eq!(z.weight(10_000.0), Some(0.22));
        assert_eq!(z.weight(16_000.0), Some(0.22));
        assert_eq!(z.weight(16_000.001), None);
        assert_eq!(z.weight(f64::NAN), None);
        assert_eq!(z.weight(-1.0), None);
        assert_eq!(z.catchment_m(), 16_000.0);
        assert!(Zones::new(vec![], vec![]).is_err());
        assert!(Zones::new(vec![5.0, 5.0], vec![1.0, 0.5]).is_err());
        assert!(Zones::new(vec![5.0], vec![1.0, 0.5]).is_err());
        assert!(Zones::new(vec![5.0], vec![f64::NAN]).is_err());
        assert_eq!(
            Zones::new(vec![5_000.0, 10_000.0, 16_000.0], vec![1.0, 0.68, 0.22]),
            Ok(z)
        );
    }

    #[test]
    fn at_a_demand_point_equals_its_index() {
        let proj = Projection::kumamoto();
        let zones = Zones::luo_qi_16km();
        let (demand, supply) = random_set(21, 2_000, 50);
        let got = e2sfca(&demand, &supply, &zones, &proj);
        assert!(got.index.iter().filter(|a| **a > 0.0).count() > 1_000);
        for (i, d) in demand.iter().enumerate() {
            assert_eq!(
                got.at(d.at, &supply, &zones, &proj),
                got.index[i],
                "demand {i}"
            );
        }
        assert_eq!(
            per_10k_people(got.index[0]),
            got.index_per_10k().next().unwrap()
        );
    }

    #[test]
    fn few_pairs_need_karney() {
        let mut rng = ChaCha8Rng::seed_from_u64(31);
        let demand: Vec<Demand> = (0..5_000)
            .map(|_| Demand {
                at: random_point(&mut rng),
                people: 1.0,
            })
            .collect();
        let supply: Vec<Supply> = (0..100)
            .map(|_| Supply {
                at: random_point(&mut rng),
                amount: 1.0,
            })
            .collect();
        let got = e2sfca(
            &demand,
            &supply,
            &Zones::luo_qi_16km(),
            &Projection::kumamoto(),
        );
        assert!(got.pairs > 10_000, "{}", got.pairs);
        assert!(
            got.exact_calls * 100 < got.pairs,
            "{} Karney calls for {} pairs",
            got.exact_calls,
            got.pairs
        );
    }

    #[test]
    fn no_demand_or_no_supply() {
        let proj = Projection::kumamoto();
        let zones = Zones::luo_qi_16km();
        let s = [Supply {
            at: ll(130.7, 32.8),
            amount: 1.0,
        }];
        let got = e2sfca(&[], &s, &zones, &proj);
        assert_eq!(got.ratio, vec![None]);
        assert!(got.index.is_empty());
        let d = [Demand {
            at: ll(130.7, 32.8),
            people: 3.0,
        }];
        let got = e2sfca(&d, &[], &zones, &proj);
        assert_eq!(got.index, vec![0.0]);
        assert_eq!(got.at(ll(130.7, 32.8), &[], &zones, &proj), 0.0);
    }
}
