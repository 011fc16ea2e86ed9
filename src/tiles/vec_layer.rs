//! [`VecLayer`]: an in-memory [`LayerSource`] with a uniform-grid bbox index.

use std::sync::OnceLock;

use geo::BoundingRect;
use geo_types::{Geometry, Rect};

use super::encode::PropValue;
use super::source::{FeatureRef, FieldType, LayerSource};
use super::{TileCoord, TileError, MAX_ZOOM};

#[derive(Debug, Clone)]
struct Item {
    id: Option<u64>,
    geometry: Geometry<f64>,
    props: Vec<(String, PropValue)>,
    bbox: Rect<f64>,
}

/// Grid cells per axis over the layer's extent.
const GRID: usize = 64;

/// Uniform grid over the union of feature bboxes; each cell lists the
/// indices of features whose bbox overlaps it.
#[derive(Debug)]
struct Grid {
    origin: [f64; 2],
    cell: [f64; 2],
    cells: Vec<Vec<u32>>,
}

impl Grid {
    fn build(items: &[Item]) -> Self {
        let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
        for it in items {
            b[0] = b[0].min(it.bbox.min().x);
            b[1] = b[1].min(it.bbox.min().y);
            b[2] = b[2].max(it.bbox.max().x);
            b[3] = b[3].max(it.bbox.max().y);
        }
        let cell = [
            ((b[2] - b[0]) / GRID as f64).max(1e-9),
            ((b[3] - b[1]) / GRID as f64).max(1e-9),
        ];
        let mut g = Grid {
            origin: [b[0], b[1]],
            cell,
            cells: vec![Vec::new(); GRID * GRID],
        };
        for (i, it) in items.iter().enumerate() {
            let (c0, r0, c1, r1) = g.span(&it.bbox);
            for r in r0..=r1 {
                for c in c0..=c1 {
                    g.cells[r * GRID + c].push(i as u32);
                }
            }
        }
        g
    }

    /// Inclusive cell ranges `(col0, row0, col1, row1)` overlapped by `r`.
    fn span(&self, r: &Rect<f64>) -> (usize, usize, usize, usize) {
        let idx = |v: f64, o: f64, s: f64| -> usize {
            let t = ((v - o) / s).floor();
            if t.is_nan() || t < 0.0 {
                0
            } else {
                (t as usize).min(GRID - 1)
            }
        };
        (
            idx(r.min().x, self.origin[0], self.cell[0]),
            idx(r.min().y, self.origin[1], self.cell[1]),
            idx(r.max().x, self.origin[0], self.cell[0]),
            idx(r.max().y, self.origin[1], self.cell[1]),
        )
    }
}

/// A layer held in memory: features in lon/lat with properties, each with a
/// precomputed bbox, queried through a 64×64 grid index that is built
/// lazily on the first query after a change. Features are emitted in
/// insertion order.
#[derive(Debug)]
pub struct VecLayer {
    name: String,
    minzoom: u8,
    maxzoom: u8,
    items: Vec<Item>,
    fields: Vec<(String, FieldType)>,
    index: OnceLock<Grid>,
}

impl VecLayer {
    /// An empty layer rendered at zooms `minzoom..=maxzoom` (clamped to
    /// `0..=22`; swapped if given in the wrong order).
    pub fn new(name: impl Into<String>, minzoom: u8, maxzoom: u8) -> Self {
        let (lo, hi) = (minzoom.min(maxzoom), maxzoom.max(minzoom));
        Self {
            name: name.into(),
            minzoom: lo.min(MAX_ZOOM),
            maxzoom: hi.min(MAX_ZOOM),
            items: Vec::new(),
            fields: Vec::new(),
            index: OnceLock::new(),
        }
    }

    /// Number of features.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the layer holds no feature.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Adds a feature (lon/lat degrees). Empty geometries are ignored.
    ///
    /// # Errors
    /// [`TileError::UnsupportedGeometry`] for a `GeometryCollection`, which
    /// MVT cannot hold in one feature.
    pub fn push(
        &mut self,
        id: Option<u64>,
        geometry: Geometry<f64>,
        props: Vec<(String, PropValue)>,
    ) -> Result<(), TileError> {
        if matches!(geometry, Geometry::GeometryCollection(_)) {
            return Err(TileError::UnsupportedGeometry {
                layer: self.name.clone(),
                kind: "GeometryCollection",
            });
        }
        let Some(bbox) = geometry.bounding_rect() else {
            return Ok(());
        };
        for (k, v) in &props {
            let t = FieldType::of(v);
            match self.fields.iter_mut().find(|(name, _)| name == k) {
                Some((_, old)) if *old != t => *old = FieldType::Mixed,
                Some(_) => {}
                None => self.fields.push((k.clone(), t)),
            }
        }
        self.items.push(Item {
            id,
            geometry,
            props,
            bbox,
        });
        self.index = OnceLock::new();
        Ok(())
    }
}

fn intersects(a: &Rect<f64>, b: &Rect<f64>) -> bool {
    a.min().x <= b.max().x
        && a.max().x >= b.min().x
        && a.min().y <= b.max().y
        && a.max().y >= b.min().y
}

impl LayerSource for VecLayer {
    fn name(&self) -> &str {
        &self.name
    }

    fn minzoom(&self) -> u8 {
        self.minzoom
    }

    fn maxzoom(&self) -> u8 {
        self.maxzoom
    }

    fn features(&self, _tile: &TileCoord, bbox: &Rect<f64>, sink: &mut dyn FnMut(FeatureRef<'_>)) {
        if self.items.is_empty() {
            return;
        }
        let grid = self.index.get_or_init(|| Grid::build(&self.items));
        let (c0, r0, c1, r1) = grid.span(bbox);
        let mut cand: Vec<u32> = Vec::new();
        for r in r0..=r1 {
            for c in c0..=c1 {
                cand.extend_from_slice(&grid.cells[r * GRID + c]);
            }
        }
        cand.sort_unstable();
        cand.dedup();
        for i in cand {
            let Some(it) = self.items.get(i as usize) else {
                continue;
            };
            if intersects(&it.bbox, bbox) {
                sink(FeatureRef {
                    id: it.id,
                    geometry: &it.geometry,
                    props: &it.props,
                });
            }
        }
    }

    fn fields(&self) -> Vec<(String, FieldType)> {
        self.fields.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::{coord, point};

    #[test]
    fn grid_query_matches_linear_scan() {
        let mut l = VecLayer::new("towns", 0, 14);
        for i in 0..500u32 {
            let lon = 129.5 + f64::from(i % 25) * 0.08;
            let lat = 32.0 + f64::from(i / 25) * 0.06;
            l.push(
                Some(u64::from(i)),
                Geometry::Point(point!(x: lon, y: lat)),
                vec![],
            )
            .unwrap();
        }
        let q = Rect::new(coord! { x: 130.0, y: 32.3 }, coord! { x: 130.5, y: 32.7 });
        let t = TileCoord::new(0, 0, 0).unwrap();
        let mut got = Vec::new();
        l.features(&t, &q, &mut |f| got.push(f.id));
        let want: Vec<_> = l
            .items
            .iter()
            .filter(|it| intersects(&it.bbox, &q))
            .map(|it| it.id)
            .collect();
        assert!(!want.is_empty());
        assert_eq!(got, want);
    }

    #[test]
    fn fields_track_types_and_reject_collections() {
        let mut l = VecLayer::new("x", 5, 3);
        assert_eq!((l.minzoom(), l.maxzoom()), (3, 5));
        let p = || Geometry::Point(point!(x: 0.0, y: 0.0));
        l.push(
            None,
            p(),
            vec![("a".into(), PropValue::Int(1)), ("b".into(), "s".into())],
        )
        .unwrap();
        l.push(None, p(), vec![("a".into(), PropValue::Bool(true))])
            .unwrap();
        assert_eq!(
            l.fields(),
            vec![
                ("a".to_string(), FieldType::Mixed),
                ("b".to_string(), FieldType::String)
            ]
        );
        let gc = Geometry::GeometryCollection(Default::default());
        assert!(matches!(
            l.push(None, gc, vec![]),
            Err(TileError::UnsupportedGeometry { .. })
        ));
        assert_eq!(l.len(), 2);
    }
}
