//! [`RegionFrame`]: what coverage needs of a region, prepared once per dataset — its projected
//! polygon and bounding box and its towns (its people are its municipalities').

use super::Population;
use crate::data::Dataset;
use crate::geom::Projection;
use geo::{Area, BooleanOps, BoundingRect};
use geo_types::{Coord, LineString, MultiPolygon, Polygon, Rect};
use std::collections::BTreeSet;

/// One region prepared for coverage.
#[derive(Debug, Clone)]
pub struct RegionFrame {
    pub id: u8,
    pub name: String,
    pub name_en: String,
    /// Zone II metres.
    pub projected: MultiPolygon<f64>,
    /// Zone II metres.
    pub bbox: Rect<f64>,
    /// Planar zone II area, km².
    pub area_km2: f64,
    /// Positions in [`Dataset::towns`].
    pub towns: Vec<usize>,
    /// Share of the region's area inside the population files' extent, 0–1 (see
    /// [`data_extent`]).
    pub population_data_share: f64,
}

impl RegionFrame {
    /// Frames for every region of `ds`, in [`Dataset::regions`] order; `extent` is the
    /// population files' ([`data_extent`]).
    pub fn build_all(ds: &Dataset, extent: &MultiPolygon<f64>) -> Vec<RegionFrame> {
        ds.regions
            .iter()
            .map(|r| {
                let bbox = r.projected.bounding_rect().unwrap_or(Rect::new(
                    Coord { x: 0.0, y: 0.0 },
                    Coord { x: 0.0, y: 0.0 },
                ));
                let towns = ds
                    .towns
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| t.region_id == r.id)
                    .map(|(i, _)| i)
                    .collect();
                let share = data_share(&r.projected, r.area_km2, extent);
                RegionFrame {
                    id: r.id,
                    name: r.name.clone(),
                    name_en: r.name_en.clone(),
                    projected: r.projected.clone(),
                    bbox,
                    area_km2: r.area_km2,
                    towns,
                    population_data_share: share,
                }
            })
            .collect()
    }
}

/// Share (0–1) of an area (zone II polygon and its km²) inside the population files' extent
/// ([`data_extent`]); 0 without population files.
pub(super) fn data_share(
    projected: &MultiPolygon<f64>,
    area_km2: f64,
    extent: &MultiPolygon<f64>,
) -> f64 {
    if extent.0.is_empty() || area_km2 <= 0.0 {
        return 0.0;
    }
    let data_km2 = projected.intersection(extent).unsigned_area() / 1e6;
    (data_km2 / area_km2).clamp(0.0, 1.0)
}

/// The area the population files describe, zone II metres: the union of the 1st-level mesh
/// squares (第1次地域区画, 40′ × 1°, JIS X 0410) holding any cell. The census lists only
/// inhabited cells, so the cells themselves would mistake forests for missing data; a file
/// covers whole 1st-level squares.
pub fn data_extent(pop: &Population, proj: &Projection) -> MultiPolygon<f64> {
    let squares: BTreeSet<(i64, i64)> = pop
        .cells
        .iter()
        .filter(|c| c.source == super::CellSource::Measured)
        .map(|c| {
            (
                (c.center.lat() * 1.5).floor() as i64,
                c.center.lon().floor() as i64,
            )
        })
        .collect();
    let parts: Vec<MultiPolygon<f64>> = squares
        .iter()
        .map(|(p, u)| {
            let (lat0, lat1) = (*p as f64 / 1.5, (*p + 1) as f64 / 1.5);
            let (lon0, lon1) = (*u as f64, (*u + 1) as f64);
            // Edges densified: parallels are curves in the projection.
            let n = 32;
            let mut ring: Vec<Coord<f64>> = Vec::with_capacity(4 * n + 1);
            let mut push = |lon: f64, lat: f64| {
                let xy = proj.forward_deg(lon, lat);
                ring.push(Coord { x: xy.x, y: xy.y });
            };
            for i in 0..n {
                push(lon0 + (lon1 - lon0) * i as f64 / n as f64, lat0);
            }
            for i in 0..n {
                push(lon1, lat0 + (lat1 - lat0) * i as f64 / n as f64);
            }
            for i in 0..n {
                push(lon1 - (lon1 - lon0) * i as f64 / n as f64, lat1);
            }
            for i in 0..n {
                push(lon0, lat1 - (lat1 - lat0) * i as f64 / n as f64);
            }
            let first = ring[0];
            ring.push(first);
            MultiPolygon(vec![Polygon::new(LineString(ring), vec![])])
        })
        .collect();
    super::union::balanced_union(parts)
}
