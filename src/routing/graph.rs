//! [`RoadGraph`]: a compact CSR (compressed sparse row) road graph with the geometry of every
//! link, and [`GraphBuilder`], which the importers fill.

use crate::geom::{geodesic_distance_m, LonLat, Projection};

/// The plane in which link shapes are stored for snapping: zone II metres in and around
/// Kumamoto, else a local equirectangular plane (for test fixtures such as Helsinki) whose
/// scale error stays under 0.1 % within ~20 km of its origin.
#[derive(Debug, Clone)]
pub enum Plane {
    ZoneII(Projection),
    /// Origin in degrees and metres per degree of longitude / latitude there.
    Local {
        lon0: f64,
        lat0: f64,
        m_per_lon: f64,
        m_per_lat: f64,
    },
}

impl Plane {
    /// Zone II when `p` lies in its valid band, else a local plane around `p`.
    pub fn around(p: LonLat) -> Self {
        if Projection::VALID_LON.contains(&p.lon()) {
            return Plane::ZoneII(Projection::kumamoto());
        }
        // Metres per degree on GRS80 at latitude φ (meridian and parallel arcs).
        let phi = p.lat().to_radians();
        let m_per_lat = 111_132.954 - 559.822 * (2.0 * phi).cos() + 1.175 * (4.0 * phi).cos();
        let m_per_lon = 111_412.84 * phi.cos() - 93.5 * (3.0 * phi).cos();
        Plane::Local {
            lon0: p.lon(),
            lat0: p.lat(),
            m_per_lon,
            m_per_lat,
        }
    }

    /// Planar metres of a point.
    pub fn forward(&self, p: LonLat) -> [f64; 2] {
        match self {
            Plane::ZoneII(proj) => {
                let xy = proj.forward(p);
                [xy.x, xy.y]
            }
            Plane::Local {
                lon0,
                lat0,
                m_per_lon,
                m_per_lat,
            } => [(p.lon() - lon0) * m_per_lon, (p.lat() - lat0) * m_per_lat],
        }
    }

    /// Degrees (lon, lat) of planar metres; unchecked, callers validate with [`LonLat::new`].
    pub fn inverse(&self, xy: [f64; 2]) -> (f64, f64) {
        match self {
            Plane::ZoneII(proj) => proj.inverse(crate::geom::Xy { x: xy[0], y: xy[1] }),
            Plane::Local {
                lon0,
                lat0,
                m_per_lon,
                m_per_lat,
            } => (lon0 + xy[0] / m_per_lon, lat0 + xy[1] / m_per_lat),
        }
    }
}

/// A road piece between two graph nodes (junctions or dead ends) with its shape. Travel may be
/// allowed in one or both directions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Link {
    pub from: u32,
    pub to: u32,
    /// Travel from `from` to `to` is allowed.
    pub forward: bool,
    /// Travel from `to` to `from` is allowed.
    pub backward: bool,
    /// Length along the shape, metres (sum of geodesic segment lengths).
    pub length_m: f64,
    /// Speed on this link, km/h.
    pub speed_kmh: f64,
}

/// The weakly connected components of a graph (direction ignored).
#[derive(Debug, Clone, PartialEq)]
pub struct Components {
    /// Component id of every node; ids are ordered by decreasing size (0 is the largest).
    pub of_node: Vec<u32>,
    /// Node count of every component.
    pub sizes: Vec<u32>,
}

impl Components {
    pub fn count(&self) -> usize {
        self.sizes.len()
    }

    /// Nodes of the largest component.
    pub fn largest(&self) -> u32 {
        self.sizes.first().copied().unwrap_or(0)
    }

    /// Whether `node` lies in the largest component.
    pub fn in_largest(&self, node: u32) -> bool {
        self.of_node.get(node as usize) == Some(&0)
    }
}

/// A directed road graph in CSR form: the out-edges of node `u` are positions
/// `offsets[u]..offsets[u + 1]` of `targets`, `lengths_m`, `times_s` and `links`.
///
/// # Units
/// Lengths in metres (geodesic, GRS80), times in seconds, node positions in JGD2011 degrees and
/// zone II metres.
#[derive(Debug, Clone)]
pub struct RoadGraph {
    pub(crate) nodes: Vec<LonLat>,
    pub(crate) offsets: Vec<u32>,
    pub(crate) targets: Vec<u32>,
    pub(crate) lengths_m: Vec<f64>,
    pub(crate) times_s: Vec<f64>,
    pub(crate) links: Vec<Link>,
    /// Shape of link `i`: `shape_xy[shape_start[i]..shape_start[i + 1]]`, zone II metres, first
    /// vertex at `from`, last at `to`.
    pub(crate) shape_start: Vec<u32>,
    pub(crate) shape_xy: Vec<[f64; 2]>,
    /// Geodesic distance from the link's start to each shape vertex, metres.
    pub(crate) shape_cum_m: Vec<f64>,
    pub(crate) components: Components,
    pub(crate) plane: Plane,
    /// What topology cleaning joined, when the graph came from road lines (not built by hand).
    pub(crate) topology: Option<super::TopologyStats>,
}

impl RoadGraph {
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Directed edges (an undirected link counts twice).
    pub fn edge_count(&self) -> usize {
        self.targets.len()
    }

    pub fn links(&self) -> &[Link] {
        &self.links
    }

    pub fn node(&self, i: u32) -> LonLat {
        self.nodes[i as usize]
    }

    pub fn plane(&self) -> &Plane {
        &self.plane
    }

    pub fn components(&self) -> &Components {
        &self.components
    }

    /// What topology cleaning joined at import (`None` for a graph built link by link).
    pub fn topology(&self) -> Option<&super::TopologyStats> {
        self.topology.as_ref()
    }

    /// Total length of all links, metres.
    pub fn total_length_m(&self) -> f64 {
        self.links.iter().map(|l| l.length_m).sum()
    }

    /// Out-edges of `u` as (target, length m, time s).
    pub fn edges(&self, u: u32) -> impl Iterator<Item = (u32, f64, f64)> + '_ {
        let r = self.offsets[u as usize] as usize..self.offsets[u as usize + 1] as usize;
        r.map(move |e| (self.targets[e], self.lengths_m[e], self.times_s[e]))
    }

    /// The vertices of link `i`, planar metres (zone II over Kumamoto).
    pub fn shape(&self, i: usize) -> &[[f64; 2]] {
        &self.shape_xy[self.shape_start[i] as usize..self.shape_start[i + 1] as usize]
    }

    /// Geodesic metres from link `i`'s start to each of its vertices.
    pub fn shape_cum(&self, i: usize) -> &[f64] {
        &self.shape_cum_m[self.shape_start[i] as usize..self.shape_start[i + 1] as usize]
    }
}

/// Collects nodes and links, then freezes them into a [`RoadGraph`].
pub struct GraphBuilder {
    plane: Plane,
    nodes: Vec<LonLat>,
    links: Vec<Link>,
    shape_start: Vec<u32>,
    shape_xy: Vec<[f64; 2]>,
    shape_cum_m: Vec<f64>,
}

impl GraphBuilder {
    /// A builder storing shapes in `plane`.
    pub fn new(plane: Plane) -> Self {
        Self {
            plane,
            nodes: Vec::new(),
            links: Vec::new(),
            shape_start: vec![0],
            shape_xy: Vec::new(),
            shape_cum_m: Vec::new(),
        }
    }

    pub fn plane(&self) -> &Plane {
        &self.plane
    }

    /// Adds a node and returns its index.
    pub fn add_node(&mut self, at: LonLat) -> u32 {
        self.nodes.push(at);
        (self.nodes.len() - 1) as u32
    }

    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Position of node `i` (added before).
    pub fn node_at(&self, i: u32) -> LonLat {
        self.nodes[i as usize]
    }

    /// Adds a link from node `from` to node `to` along `shape` (which must start and end at
    /// those nodes' positions and hold at least two points). Length is the sum of geodesic
    /// segment lengths. Links of zero length (a closed loop reduced to a point) are skipped.
    pub fn add_link(
        &mut self,
        from: u32,
        to: u32,
        shape: &[LonLat],
        forward: bool,
        backward: bool,
        speed_kmh: f64,
    ) {
        self.add_link_xy(from, to, shape, None, forward, backward, speed_kmh);
    }

    /// [`GraphBuilder::add_link`] with the shape's planar metres already at hand (`xy[i]` is
    /// `shape[i]` in this builder's plane), so they are not projected twice.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn add_link_xy(
        &mut self,
        from: u32,
        to: u32,
        shape: &[LonLat],
        xy: Option<&[[f64; 2]]>,
        forward: bool,
        backward: bool,
        speed_kmh: f64,
    ) {
        if shape.len() < 2 || !(forward || backward) {
            return;
        }
        let mut cum = 0.0;
        let mut cums = Vec::with_capacity(shape.len());
        cums.push(0.0);
        for w in shape.windows(2) {
            cum += geodesic_distance_m(w[0], w[1]);
            cums.push(cum);
        }
        if cum <= 0.0 {
            return;
        }
        match xy {
            Some(xy) => self.shape_xy.extend_from_slice(xy),
            None => {
                for p in shape {
                    self.shape_xy.push(self.plane.forward(*p));
                }
            }
        }
        self.shape_cum_m.extend(cums);
        self.shape_start.push(self.shape_xy.len() as u32);
        self.links.push(Link {
            from,
            to,
            forward,
            backward,
            length_m: cum,
            speed_kmh,
        });
    }

    /// Freezes into CSR form and labels the weakly connected components.
    pub fn build(self) -> RoadGraph {
        let n = self.nodes.len();
        let mut degree = vec![0u32; n + 1];
        for l in &self.links {
            if l.forward {
                degree[l.from as usize] += 1;
            }
            if l.backward {
                degree[l.to as usize] += 1;
            }
        }
        let mut offsets = vec![0u32; n + 1];
        for u in 0..n {
            offsets[u + 1] = offsets[u] + degree[u];
        }
        let m = offsets[n] as usize;
        let mut next: Vec<u32> = offsets[..n].to_vec();
        let mut targets = vec![0u32; m];
        let mut lengths_m = vec![0.0; m];
        let mut times_s = vec![0.0; m];
        let mut put = |u: u32, v: u32, l: &Link| {
            let e = next[u as usize] as usize;
            next[u as usize] += 1;
            targets[e] = v;
            lengths_m[e] = l.length_m;
            times_s[e] = l.length_m / (l.speed_kmh / 3.6);
        };
        for l in &self.links {
            if l.forward {
                put(l.from, l.to, l);
            }
            if l.backward {
                put(l.to, l.from, l);
            }
        }
        let components = label_components(n, &self.links);
        RoadGraph {
            nodes: self.nodes,
            offsets,
            targets,
            lengths_m,
            times_s,
            links: self.links,
            shape_start: self.shape_start,
            shape_xy: self.shape_xy,
            shape_cum_m: self.shape_cum_m,
            components,
            plane: self.plane,
            topology: None,
        }
    }
}

/// Union–find with path halving over the links, direction ignored; components renumbered by
/// decreasing size (ties by smallest node) so id 0 is the largest.
fn label_components(n: usize, links: &[Link]) -> Components {
    let mut parent: Vec<u32> = (0..n as u32).collect();
    fn find(parent: &mut [u32], mut x: u32) -> u32 {
        while parent[x as usize] != x {
            parent[x as usize] = parent[parent[x as usize] as usize];
            x = parent[x as usize];
        }
        x
    }
    for l in links {
        let a = find(&mut parent, l.from);
        let b = find(&mut parent, l.to);
        if a != b {
            parent[a.max(b) as usize] = a.min(b);
        }
    }
    let roots: Vec<u32> = (0..n as u32).map(|x| find(&mut parent, x)).collect();
    let mut size = vec![0u32; n];
    for r in &roots {
        size[*r as usize] += 1;
    }
    let mut order: Vec<u32> = (0..n as u32).filter(|&x| roots[x as usize] == x).collect();
    order.sort_by_key(|&r| (std::cmp::Reverse(size[r as usize]), r));
    let mut id = vec![0u32; n];
    for (i, r) in order.iter().enumerate() {
        id[*r as usize] = i as u32;
    }
    Components {
        of_node: roots.iter().map(|r| id[*r as usize]).collect(),
        sizes: order.iter().map(|r| size[*r as usize]).collect(),
    }
}
