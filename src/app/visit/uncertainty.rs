//! How far a town-level point can be from the place it stands for.
//!
//! # The model
//!
//! Providers and geocoded addresses are 町丁目・大字 representative points. The address itself
//! is somewhere in the town, and the town is not in the data as a polygon — only its point is.
//! The towns' points tile the prefecture, though: a place belongs, to a good approximation, to
//! the town whose point is nearest (its **Voronoi cell**), and no further than the land of the
//! town's municipality. So each town gets the radius
//!
//! > r(town) = the largest distance from the town's point to any place of its Voronoi cell
//! > (among every town point of the prefecture) that lies inside its municipality's polygon,
//! > capped at [`CAP_M`].
//!
//! That is a worst case over the cell, derived from the data alone: in 熊本市's 丁目 it comes
//! out at a few hundred metres, in mountain 大字 at several km — the same orders as the
//! sources' own caveat (100–500 m in towns, 1–3 km in large rural 大字), but per town. The
//! cap bounds cells that the data leaves open (a town on the prefecture's land border has no
//! neighbour points on the other side) and is a documented choice: [`CAP_M`] = 5 km, the
//! largest extent a 大字 of Kumamoto plausibly has around its point; a test reports how many
//! towns reach it.
//!
//! Limits, all on the cautious side or small: real town boundaries do not follow Voronoi
//! cells (a house near a boundary may lie in the cell of a neighbour); the polygons are
//! simplified (5 %, tens to hundreds of metres at the coast); a 小字 point inside its 大字
//! shrinks the 大字's cell a little.
//!
//! Built once per snapshot (about 60 ms for the 2,492 town points and 1,324 providers):
//! one half-plane clip per neighbour that can cut a cell (an R-tree walk outward), then the
//! cell against the municipality's edges near it.
//!
//! # Whose uncertainty
//!
//! - A **provider**: its point is a town point (geocode level `town`, or a postal code's town
//!   point): that town's radius. A point that is no town point (a postal code's municipality
//!   fallback) gets the distance to the nearest town point plus that town's radius.
//! - The **patient**: a lat/lon given by the user is exact (0); an address geocoded to a town,
//!   or to a postal code naming a town, gets the largest (distance + radius) over the town rows
//!   of that name in that municipality (a 大字 given without its 丁目 or 小字 covers all of
//!   them); an address placed only at municipality level (or a postal code with no town) gets
//!   the largest (distance + radius) over every town of the municipality — often tens of km, so
//!   the answer rightly says "to confirm" until the nurse gives the town.
//!
//! Two uncertain points combine by adding their radii: the true distance lies within
//! `d ± (r_provider + r_patient)` whenever each true place lies within its radius, and that is
//! the band in which the data cannot decide the 16 km rule (see [`super::Visit16`]).

use crate::data::{Dataset, Provider};
use crate::geocode::{Candidate, Level};
use crate::geom::{LonLat, Projection, Xy};
use geo_types::MultiPolygon;
use rstar::primitives::GeomWithData;
use rstar::RTree;
use std::collections::HashMap;

/// The largest radius any town gets, metres (see the module doc).
pub const CAP_M: f64 = 5_000.0;
/// Town points closer than this are one place (a 小字 listed at its 大字's point).
const SAME_POINT_M: f64 = 1.0;
/// Vertices of the starting cell (a regular polygon inscribed in the cap's circle).
const CAP_SIDES: usize = 48;

type Entry = GeomWithData<[f64; 2], u32>;

/// A town point as the model needs it: where, and which municipality polygon bounds it.
#[derive(Debug, Clone)]
pub struct TownPoint {
    pub location: LonLat,
    /// The municipality polygon's code (熊本市's wards fold into 43100); a code with no
    /// polygon leaves the cell unclipped.
    pub municipality: String,
    /// City as in addresses (熊本市中央区 …), to find a geocoder candidate's town rows.
    pub city: String,
    /// Town name as in the towns file.
    pub name: String,
}

/// Where the patient's point came from, and so how uncertain it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PatientPoint {
    /// A latitude and longitude the user gave: exact.
    Exact,
    /// An address placed at a 町丁目・大字.
    Town,
    /// An address placed by its postal code.
    PostalCode,
    /// An address placed only at its municipality (or ward).
    Municipality,
}

impl From<Level> for PatientPoint {
    fn from(l: Level) -> Self {
        match l {
            Level::Town => Self::Town,
            Level::PostalCode => Self::PostalCode,
            Level::Municipality => Self::Municipality,
        }
    }
}

/// Per-town and per-provider uncertainty radii (metres), built once per snapshot.
pub struct Uncertainty {
    towns: Vec<TownPoint>,
    town_xy: Vec<Xy>,
    town_r: Vec<f64>,
    provider_r: Vec<f64>,
    max_provider_r: f64,
    tree: RTree<Entry>,
    proj: Projection,
}

impl Uncertainty {
    /// The model for a dataset: its towns, municipality polygons and providers.
    pub fn for_dataset(ds: &Dataset) -> Self {
        let towns: Vec<TownPoint> = ds
            .towns
            .iter()
            .map(|t| TownPoint {
                location: t.location,
                municipality: t.municipality_code(),
                city: t.city.clone(),
                name: t.name.clone(),
            })
            .collect();
        let munis: Vec<(String, &MultiPolygon<f64>)> = ds
            .municipalities
            .iter()
            .map(|m| (m.jis_code.clone(), &m.geometry))
            .collect();
        let providers: Vec<LonLat> = ds.providers.iter().map(|p: &Provider| p.location).collect();
        Self::new(towns, &munis, &providers)
    }

    /// The model from its parts (lon/lat polygons), for the dataset and for tests on
    /// synthetic data.
    pub fn new(
        towns: Vec<TownPoint>,
        municipalities: &[(String, &MultiPolygon<f64>)],
        providers: &[LonLat],
    ) -> Self {
        let proj = Projection::kumamoto();
        let town_xy: Vec<Xy> = towns.iter().map(|t| proj.forward(t.location)).collect();
        let tree = RTree::bulk_load(
            town_xy
                .iter()
                .enumerate()
                .map(|(i, p)| Entry::new([p.x, p.y], i as u32))
                .collect(),
        );
        let edges: HashMap<&str, Vec<(Xy, Xy)>> = municipalities
            .iter()
            .map(|(code, mp)| (code.as_str(), projected_edges(&proj, mp)))
            .collect();
        let town_r = (0..towns.len())
            .map(|i| {
                let cell = voronoi_cell(&tree, &town_xy, i);
                match edges.get(towns[i].municipality.as_str()) {
                    Some(e) => land_radius(town_xy[i], &cell, e),
                    None => max_dist(town_xy[i], &cell),
                }
            })
            .collect();
        let mut me = Self {
            towns,
            town_xy,
            town_r,
            provider_r: Vec::new(),
            max_provider_r: 0.0,
            tree,
            proj,
        };
        me.provider_r = providers.iter().map(|p| me.around(*p)).collect();
        me.max_provider_r = me.provider_r.iter().copied().fold(0.0, f64::max);
        me
    }

    /// A town's radius, metres (index into the towns given to [`Uncertainty::new`]).
    pub fn town_m(&self, i: usize) -> f64 {
        self.town_r[i]
    }

    /// Every town's radius, metres, in the order given.
    pub fn town_radii(&self) -> &[f64] {
        &self.town_r
    }

    /// A provider's radius, metres (index into the providers given).
    pub fn provider_m(&self, i: u32) -> f64 {
        self.provider_r[i as usize]
    }

    /// The largest provider radius, metres: how far beyond 16 km a "to confirm" can lie.
    pub fn max_provider_m(&self) -> f64 {
        self.max_provider_r
    }

    /// The radius of an arbitrary point: a town's own radius when the point is a town point
    /// (the largest, if several towns share it), else the distance to the nearest town
    /// point plus that town's radius. `0` without towns.
    pub fn around(&self, p: LonLat) -> f64 {
        let xy = self.proj.forward(p);
        let q = [xy.x, xy.y];
        let mut best: Option<f64> = None;
        let mut first_d = None;
        for e in self.tree.nearest_neighbor_iter(&q) {
            let i = e.data as usize;
            let d = dist(xy, self.town_xy[i]);
            let d0 = *first_d.get_or_insert(d);
            if d > d0 + SAME_POINT_M {
                break;
            }
            let r = if d <= SAME_POINT_M {
                self.town_r[i]
            } else {
                d + self.town_r[i]
            };
            best = Some(best.map_or(r, |b: f64| b.max(r)));
        }
        best.unwrap_or(0.0)
    }

    /// The patient's radius for a geocoder candidate (see the module doc): the largest
    /// distance + radius over the town rows the candidate stands for.
    pub fn candidate_m(&self, c: &Candidate) -> f64 {
        let Ok(at) = LonLat::new(c.lon, c.lat) else {
            return 0.0;
        };
        let xy = self.proj.forward(at);
        let in_city = |t: &TownPoint| {
            // 熊本市 as a whole (no ward written) stands for its five wards.
            t.city == c.city || (c.city == "熊本市" && t.city.starts_with("熊本市"))
        };
        let town = match (c.level, c.town.as_deref()) {
            (Level::Municipality, _) | (_, None) => None,
            (_, Some(name)) => Some(name),
        };
        let bound = self
            .towns
            .iter()
            .enumerate()
            .filter(|(_, t)| in_city(t) && town.is_none_or(|n| t.name.starts_with(n)))
            .map(|(i, _)| dist(xy, self.town_xy[i]) + self.town_r[i])
            .fold(None, |acc: Option<f64>, r| {
                Some(acc.map_or(r, |a| a.max(r)))
            });
        bound.unwrap_or_else(|| self.around(at))
    }
}

fn dist(a: Xy, b: Xy) -> f64 {
    (a.x - b.x).hypot(a.y - b.y)
}

fn max_dist(p: Xy, poly: &[Xy]) -> f64 {
    poly.iter().map(|v| dist(p, *v)).fold(0.0, f64::max)
}

/// The Voronoi cell of town `i` among all town points, within the cap: a convex polygon,
/// counter-clockwise.
fn voronoi_cell(tree: &RTree<Entry>, xy: &[Xy], i: usize) -> Vec<Xy> {
    let p = xy[i];
    let mut cell: Vec<Xy> = (0..CAP_SIDES)
        .map(|k| {
            let a = std::f64::consts::TAU * k as f64 / CAP_SIDES as f64;
            Xy {
                x: p.x + CAP_M * a.cos(),
                y: p.y + CAP_M * a.sin(),
            }
        })
        .collect();
    let mut reach = CAP_M;
    for e in tree.nearest_neighbor_iter(&[p.x, p.y]) {
        let q = xy[e.data as usize];
        let d = dist(p, q);
        if d <= SAME_POINT_M {
            continue;
        }
        // A bisector farther than the cell's farthest vertex cannot cut it.
        if d > 2.0 * reach {
            break;
        }
        cell = clip_half_plane(&cell, p, q);
        reach = max_dist(p, &cell);
    }
    cell
}

/// Keeps the part of convex `poly` nearer to `p` than to `q` (Sutherland–Hodgman).
fn clip_half_plane(poly: &[Xy], p: Xy, q: Xy) -> Vec<Xy> {
    let m = Xy {
        x: (p.x + q.x) / 2.0,
        y: (p.y + q.y) / 2.0,
    };
    let n = Xy {
        x: q.x - p.x,
        y: q.y - p.y,
    };
    // Signed: ≤ 0 on p's side.
    let side = |v: Xy| (v.x - m.x) * n.x + (v.y - m.y) * n.y;
    let mut out = Vec::with_capacity(poly.len() + 1);
    for k in 0..poly.len() {
        let a = poly[k];
        let b = poly[(k + 1) % poly.len()];
        let (sa, sb) = (side(a), side(b));
        if sa <= 0.0 {
            out.push(a);
        }
        if (sa < 0.0 && sb > 0.0) || (sa > 0.0 && sb < 0.0) {
            let t = sa / (sa - sb);
            out.push(Xy {
                x: a.x + t * (b.x - a.x),
                y: a.y + t * (b.y - a.y),
            });
        }
    }
    out
}

fn projected_edges(proj: &Projection, mp: &MultiPolygon<f64>) -> Vec<(Xy, Xy)> {
    let mut out = Vec::new();
    for poly in &mp.0 {
        for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
            let pts: Vec<Xy> = ring.coords().map(|c| proj.forward_deg(c.x, c.y)).collect();
            out.extend(pts.windows(2).map(|w| (w[0], w[1])));
        }
    }
    out
}

/// Even–odd point in polygon over the polygon's edges.
fn inside(v: Xy, edges: &[(Xy, Xy)]) -> bool {
    let mut c = false;
    for &(a, b) in edges {
        if (a.y > v.y) != (b.y > v.y) {
            let x = a.x + (v.y - a.y) / (b.y - a.y) * (b.x - a.x);
            if x > v.x {
                c = !c;
            }
        }
    }
    c
}

/// Where segments ab and cd cross, if they do.
fn crossing(a: Xy, b: Xy, c: Xy, d: Xy) -> Option<Xy> {
    let r = Xy {
        x: b.x - a.x,
        y: b.y - a.y,
    };
    let s = Xy {
        x: d.x - c.x,
        y: d.y - c.y,
    };
    let den = r.x * s.y - r.y * s.x;
    if den == 0.0 {
        return None;
    }
    let t = ((c.x - a.x) * s.y - (c.y - a.y) * s.x) / den;
    let u = ((c.x - a.x) * r.y - (c.y - a.y) * r.x) / den;
    ((0.0..=1.0).contains(&t) && (0.0..=1.0).contains(&u)).then_some(Xy {
        x: a.x + t * r.x,
        y: a.y + t * r.y,
    })
}

/// The largest distance from `p` to the part of the convex `cell` inside the polygon with
/// `edges`: attained at a vertex of the intersection, which is a cell vertex inside the
/// polygon, a polygon vertex inside the cell, or a crossing of their edges. A cell that misses
/// the polygon (a town point off the simplified coast) keeps its own radius.
fn land_radius(p: Xy, cell: &[Xy], edges: &[(Xy, Xy)]) -> f64 {
    if cell.len() < 3 {
        return 0.0;
    }
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for v in cell {
        x0 = x0.min(v.x);
        y0 = y0.min(v.y);
        x1 = x1.max(v.x);
        y1 = y1.max(v.y);
    }
    let near: Vec<(Xy, Xy)> = edges
        .iter()
        .copied()
        .filter(|(a, b)| {
            a.x.max(b.x) >= x0 && a.x.min(b.x) <= x1 && a.y.max(b.y) >= y0 && a.y.min(b.y) <= y1
        })
        .collect();
    let in_cell = |v: Xy| {
        (0..cell.len()).all(|k| {
            let a = cell[k];
            let b = cell[(k + 1) % cell.len()];
            (b.x - a.x) * (v.y - a.y) - (b.y - a.y) * (v.x - a.x) >= -1e-9
        })
    };
    let mut best: Option<f64> = None;
    let mut take = |v: Xy| {
        let d = dist(p, v);
        best = Some(best.map_or(d, |b: f64| b.max(d)));
    };
    if near.is_empty() {
        // No boundary crosses the cell's box: the cell is wholly inside the polygon, or
        // misses it (then it keeps its own radius too).
        return max_dist(p, cell);
    }
    for &v in cell {
        if inside(v, edges) {
            take(v);
        }
    }
    for &(a, b) in &near {
        if in_cell(a) {
            take(a);
        }
        for k in 0..cell.len() {
            if let Some(x) = crossing(cell[k], cell[(k + 1) % cell.len()], a, b) {
                take(x);
            }
        }
    }
    best.unwrap_or_else(|| max_dist(p, cell))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_square_grid_gives_half_diagonal_cells() {
        // Town points on a 1 km grid: every inner cell is a 1 km square around its point.
        let proj = Projection::kumamoto();
        let mut towns = Vec::new();
        for i in 0..7 {
            for j in 0..7 {
                let (lon, lat) = proj.inverse(Xy {
                    x: -20_000.0 + 1000.0 * i as f64,
                    y: -20_000.0 + 1000.0 * j as f64,
                });
                towns.push(TownPoint {
                    location: LonLat::new(lon, lat).unwrap(),
                    municipality: "x".into(),
                    city: "c".into(),
                    name: format!("t{i}-{j}"),
                });
            }
        }
        let u = Uncertainty::new(towns, &[], &[]);
        let centre = 3 * 7 + 3;
        let want = 500.0 * 2f64.sqrt();
        assert!(
            (u.town_m(centre) - want).abs() < 1.0,
            "{}",
            u.town_m(centre)
        );
        // A corner cell is open on two sides: the cap bounds it.
        assert!(u.town_m(0) > 4000.0 && u.town_m(0) <= CAP_M + 1.0);
    }

    #[test]
    fn clipping_keeps_the_near_side() {
        let sq = vec![
            Xy { x: -1.0, y: -1.0 },
            Xy { x: 1.0, y: -1.0 },
            Xy { x: 1.0, y: 1.0 },
            Xy { x: -1.0, y: 1.0 },
        ];
        let c = clip_half_plane(&sq, Xy { x: 0.0, y: 0.0 }, Xy { x: 1.0, y: 0.0 });
        assert!(c.iter().all(|v| v.x <= 0.5 + 1e-12));
        assert_eq!(c.len(), 4);
    }
}
