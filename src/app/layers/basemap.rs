//! The orientation basemap's layers: municipalities (land, boundaries, name points) and roads.
//!
//! Roads come from the manifest's `roads` layer (GeoJSON lines). The MLIT probe links carry
//! `snapshots_max`, the number of the 20 published snapshots (2026-07-30 … 08-19) in which
//! probe vehicles were seen on the link: the more snapshots, the more regularly the road is
//! driven, so it is drawn more visibly. Every road feature has `seen` (that count), `seen_pct`
//! (of the highest count in the data, 0–100) and `class` ([`road_class`]: 3 = seen in at least
//! 13 of 20, 2 = 5–12, 1 = 1–4; 3 811 / 2 028 / 4 646 km on the built-in data). A tile holds
//! only the classes its zoom shows ([`ROAD_CLASS_MIN_ZOOM`]), so low zooms stay small. Lines
//! without the count (another GeoJSON source) are class 1; an OSM `.osm.pbf` road layer has no
//! map layer (its classes are `highway` tags; not drawn yet).

use geo::{Area, InteriorPoint};
use geo_types::{Geometry, LineString, MultiLineString, Rect};

use super::{MAX_ZOOM, MIN_ZOOM};
use crate::data::Dataset;
use crate::tiles::{FeatureRef, FieldType, LayerSource, PropValue, TileCoord, TileError, VecLayer};

/// Lowest zoom of each road class: `ROAD_CLASS_MIN_ZOOM[class - 1]` (class 1 from z12, 2 from
/// z10, 3 from z8).
pub const ROAD_CLASS_MIN_ZOOM: [u8; 3] = [12, 10, 8];

/// Which roads a zoom band's tiles hold, and how.
struct RoadBand {
    minzoom: u8,
    maxzoom: u8,
    lowest_class: u8,
    /// `true`: one feature per link with its id, `seen` and `seen_pct`; `false`: the links of
    /// one class joined into long lines carrying `class` only (a feature costs ~25 bytes
    /// before its geometry: per-link features made z8 road layers 215 KB).
    per_link: bool,
}

const ROAD_BANDS: [RoadBand; 4] = [
    RoadBand {
        minzoom: ROAD_CLASS_MIN_ZOOM[2],
        maxzoom: ROAD_CLASS_MIN_ZOOM[1] - 1,
        lowest_class: 3,
        per_link: false,
    },
    RoadBand {
        minzoom: ROAD_CLASS_MIN_ZOOM[1],
        maxzoom: ROAD_CLASS_MIN_ZOOM[0] - 1,
        lowest_class: 2,
        per_link: false,
    },
    RoadBand {
        minzoom: ROAD_CLASS_MIN_ZOOM[0],
        maxzoom: MAX_ZOOM - 1,
        lowest_class: 1,
        per_link: false,
    },
    RoadBand {
        minzoom: MAX_ZOOM,
        maxzoom: MAX_ZOOM,
        lowest_class: 1,
        per_link: true,
    },
];

/// Below full detail, a joined line shorter than this many pixels (256-px tiles) at its band's
/// lowest zoom is left out: the probe data has many short traces (T-junctions 1–2 m off,
/// parallel traces) that no join removes, and each costs a feature for a dot on screen.
const MIN_LINE_PX: f64 = 2.0;

/// Ground metres per pixel of a 256-px tile at zoom `z` at Kumamoto's latitude (32.6°).
fn metres_per_px(z: u8) -> f64 {
    2.0 * std::f64::consts::PI * crate::tiles::EARTH_RADIUS_M * 32.6f64.to_radians().cos()
        / (256.0 * f64::from(1u32 << z))
}

/// Length of a lon/lat line in metres (equirectangular per segment: exact enough for a
/// threshold at pixel scale).
fn length_m(line: &LineString<f64>) -> f64 {
    let r = crate::tiles::EARTH_RADIUS_M;
    line.0
        .windows(2)
        .map(|w| {
            let lat = ((w[0].y + w[1].y) / 2.0).to_radians();
            let dx = (w[1].x - w[0].x).to_radians() * lat.cos();
            let dy = (w[1].y - w[0].y).to_radians();
            r * dx.hypot(dy)
        })
        .sum()
}

/// Joins lines end to end where exactly two of them meet (a through road split at a junction
/// with a road of another class, or by the data's re-chaining), so a long road is one feature.
/// Junctions of three or more lines stay split. End points match to 1e-6°.
fn merge_lines(lines: Vec<LineString<f64>>) -> Vec<LineString<f64>> {
    use std::collections::HashMap;
    let key = |c: &geo_types::Coord<f64>| ((c.x * 1e6).round() as i64, (c.y * 1e6).round() as i64);
    let mut ends: HashMap<(i64, i64), Vec<(usize, bool)>> = HashMap::new();
    for (i, l) in lines.iter().enumerate() {
        if let (Some(a), Some(b)) = (l.0.first(), l.0.last()) {
            ends.entry(key(a)).or_default().push((i, true));
            ends.entry(key(b)).or_default().push((i, false));
        }
    }
    // The other line meeting `line` at `at`, when exactly two meet there.
    let other = |at: &geo_types::Coord<f64>, line: usize| -> Option<(usize, bool)> {
        match ends.get(&key(at)).map(Vec::as_slice) {
            Some([x, y]) if x.0 == line && y.0 != line => Some(*y),
            Some([x, y]) if y.0 == line && x.0 != line => Some(*x),
            _ => None,
        }
    };
    let mut used = vec![false; lines.len()];
    let mut out = Vec::new();
    for i in 0..lines.len() {
        if used[i] || lines[i].0.len() < 2 {
            continue;
        }
        used[i] = true;
        let mut chain: Vec<geo_types::Coord<f64>> = lines[i].0.clone();
        // Forward from the end, then backward from the start.
        let mut tail = i;
        while let Some((j, at_start)) = chain.last().and_then(|c| other(c, tail)) {
            if used[j] {
                break;
            }
            used[j] = true;
            let mut next = lines[j].0.clone();
            if !at_start {
                next.reverse();
            }
            chain.extend(next.into_iter().skip(1));
            tail = j;
        }
        let mut head = i;
        while let Some((j, at_start)) = chain.first().and_then(|c| other(c, head)) {
            if used[j] {
                break;
            }
            used[j] = true;
            let mut prev = lines[j].0.clone();
            if at_start {
                prev.reverse();
            }
            prev.pop();
            prev.extend(chain);
            chain = prev;
            head = j;
        }
        out.push(LineString(chain));
    }
    out
}

/// The road class of a link seen in `seen` of `of` snapshots: 3 when at least 13/20 of them,
/// 2 from 5/20, else 1 (the thresholds split the built-in network into a through-road third, a
/// middle and the roads seen only now and then).
pub fn road_class(seen: u32, of: u32) -> u8 {
    let share = f64::from(seen) / f64::from(of.max(1));
    if share >= 0.65 {
        3
    } else if share >= 0.25 {
        2
    } else {
        1
    }
}

/// `municipalities`: the 45 municipality polygons with `jis_code`, `name`, `region_id`. Drawn
/// as land (the sea is the style's background) and as boundaries.
pub(super) fn municipalities(ds: &Dataset) -> Result<VecLayer, TileError> {
    let mut layer = VecLayer::new("municipalities", MIN_ZOOM, MAX_ZOOM);
    for (i, m) in ds.municipalities.iter().enumerate() {
        layer.push(
            Some(i as u64),
            Geometry::MultiPolygon(m.geometry.clone()),
            municipality_props(m),
        )?;
    }
    Ok(layer)
}

/// `municipality_labels`: one point per municipality, inside its largest polygon part (so an
/// island town's name sits on its main island), with `area_km2` for label priority.
pub(super) fn municipality_labels(ds: &Dataset) -> Result<VecLayer, TileError> {
    let mut layer = VecLayer::new("municipality_labels", MIN_ZOOM, MAX_ZOOM);
    for (i, m) in ds.municipalities.iter().enumerate() {
        let largest = m
            .geometry
            .0
            .iter()
            .max_by(|a, b| a.unsigned_area().total_cmp(&b.unsigned_area()));
        let Some(point) = largest.and_then(|p| p.interior_point()) else {
            continue;
        };
        let mut props = municipality_props(m);
        props.push((
            "area_km2".into(),
            PropValue::Double((m.area_km2 * 10.0).round() / 10.0),
        ));
        layer.push(Some(i as u64), Geometry::Point(point), props)?;
    }
    Ok(layer)
}

fn municipality_props(m: &crate::data::Municipality) -> Vec<(String, PropValue)> {
    vec![
        ("jis_code".into(), m.jis_code.as_str().into()),
        ("name".into(), m.name.as_str().into()),
        ("region_id".into(), PropValue::UInt(m.region_id.into())),
    ]
}

/// One road link read from the data: geometry and snapshot count (if the file has one).
struct RoadLink {
    geometry: MultiLineString<f64>,
    seen: Option<u32>,
}

/// `roads`, or `None` when the manifest has no GeoJSON road layer.
pub(super) fn roads(ds: &Dataset) -> Result<Option<RoadsLayer>, TileError> {
    let Some(layer) = &ds.manifest.roads else {
        return Ok(None);
    };
    if !layer.files.iter().all(|f| f.ends_with(".geojson")) {
        return Ok(None);
    }
    let mut links = Vec::new();
    for file in &layer.files {
        // Read again from the data files (the routing engine consumed the load-time copy).
        let bytes = ds.files.read(file).map_err(|e| data_error(file, e))?;
        links.extend(read_links(&bytes, file)?);
    }
    let of = links.iter().filter_map(|l| l.seen).max().unwrap_or(1);
    let class_of = |l: &RoadLink| l.seen.map_or(1, |s| road_class(s, of));
    let mut bands = Vec::new();
    for band in ROAD_BANDS {
        let mut vl = VecLayer::new("roads", band.minzoom, band.maxzoom);
        if band.per_link {
            for (i, link) in links.iter().enumerate() {
                let class = class_of(link);
                let mut props = vec![("class".to_string(), PropValue::UInt(class.into()))];
                if let Some(s) = link.seen {
                    props.push(("seen".into(), PropValue::UInt(s.into())));
                    let pct = (f64::from(s) * 100.0 / f64::from(of)).round();
                    props.push(("seen_pct".into(), PropValue::UInt(pct as u64)));
                }
                vl.push(
                    Some(i as u64),
                    Geometry::MultiLineString(link.geometry.clone()),
                    props,
                )?;
            }
        } else {
            for class in band.lowest_class..=3 {
                let parts: Vec<LineString<f64>> = links
                    .iter()
                    .filter(|l| class_of(l) == class)
                    .flat_map(|l| l.geometry.0.iter().cloned())
                    .collect();
                let min_m = MIN_LINE_PX * metres_per_px(band.minzoom);
                for line in merge_lines(parts)
                    .into_iter()
                    .filter(|l| length_m(l) >= min_m)
                {
                    vl.push(
                        None,
                        Geometry::LineString(line),
                        vec![("class".to_string(), PropValue::UInt(class.into()))],
                    )?;
                }
            }
        }
        bands.push(vl);
    }
    Ok(Some(RoadsLayer { bands }))
}

fn data_error(file: &str, e: impl std::fmt::Display) -> TileError {
    TileError::LayerData {
        layer: "roads",
        file: file.to_string(),
        message: e.to_string(),
    }
}

fn read_links(bytes: &[u8], file: &str) -> Result<Vec<RoadLink>, TileError> {
    let text = std::str::from_utf8(bytes).map_err(|e| data_error(file, e))?;
    let gj: geojson::GeoJson = text.parse().map_err(|e| data_error(file, e))?;
    let geojson::GeoJson::FeatureCollection(fc) = gj else {
        return Err(data_error(file, "expected a FeatureCollection"));
    };
    let mut out = Vec::with_capacity(fc.features.len());
    for f in &fc.features {
        let Some(g) = &f.geometry else { continue };
        let geometry = match Geometry::<f64>::try_from(g.value.clone()) {
            Ok(Geometry::LineString(l)) => MultiLineString(vec![l]),
            Ok(Geometry::MultiLineString(m)) => m,
            _ => continue,
        };
        let seen = f
            .property("snapshots_max")
            .and_then(serde_json::Value::as_u64)
            .and_then(|s| u32::try_from(s).ok())
            .filter(|s| *s > 0);
        out.push(RoadLink { geometry, seen });
    }
    Ok(out)
}

/// The `roads` tile layer: one [`VecLayer`] per zoom band (highest band first), the tile's
/// zoom picks the band.
pub(super) struct RoadsLayer {
    bands: Vec<VecLayer>,
}

impl RoadsLayer {
    fn band(&self, z: u8) -> Option<&VecLayer> {
        self.bands
            .iter()
            .find(|b| (b.minzoom()..=b.maxzoom()).contains(&z))
    }
}

impl LayerSource for RoadsLayer {
    fn name(&self) -> &str {
        "roads"
    }

    fn minzoom(&self) -> u8 {
        self.bands
            .iter()
            .map(|b| b.minzoom())
            .min()
            .unwrap_or(MAX_ZOOM)
    }

    fn maxzoom(&self) -> u8 {
        self.bands
            .iter()
            .map(|b| b.maxzoom())
            .max()
            .unwrap_or(MAX_ZOOM)
    }

    fn features(&self, tile: &TileCoord, bbox: &Rect<f64>, sink: &mut dyn FnMut(FeatureRef<'_>)) {
        if let Some(b) = self.band(tile.z()) {
            b.features(tile, bbox, sink);
        }
    }

    fn fields(&self) -> Vec<(String, FieldType)> {
        // The widest band (every class) has every field.
        self.bands
            .iter()
            .max_by_key(|b| b.len())
            .map(LayerSource::fields)
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn road_classes_split_by_share_of_snapshots() {
        assert_eq!(road_class(20, 20), 3);
        assert_eq!(road_class(13, 20), 3);
        assert_eq!(road_class(12, 20), 2);
        assert_eq!(road_class(5, 20), 2);
        assert_eq!(road_class(4, 20), 1);
        assert_eq!(road_class(1, 20), 1);
        assert_eq!(road_class(0, 0), 1);
    }

    #[test]
    fn lines_are_read_with_their_snapshot_count_if_any() {
        let text = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"snapshots_max":20},"geometry":{"type":"LineString","coordinates":[[130.7,32.8],[130.71,32.8]]}},
          {"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[130.7,32.81],[130.71,32.81]]}},
          {"type":"Feature","properties":{"snapshots_max":2},"geometry":{"type":"Point","coordinates":[130.7,32.8]}}
        ]}"#;
        let links = read_links(text.as_bytes(), "t.geojson").unwrap();
        assert_eq!(links.len(), 2, "the point is not a road");
        assert_eq!(links[0].seen, Some(20));
        assert_eq!(links[1].seen, None);
        let Err(err) = read_links(b"{}", "t.geojson") else {
            panic!("an empty object is not a FeatureCollection")
        };
        assert!(err.to_string().contains("t.geojson"), "{err}");
    }

    #[test]
    fn lines_join_where_two_meet_and_stay_split_at_junctions() {
        let l = |c: &[(f64, f64)]| LineString::from(c.to_vec());
        // a-b, c-b (reversed), b... and a T at c: c-d, c-e.
        let merged = merge_lines(vec![
            l(&[(0.0, 0.0), (1.0, 0.0)]),
            l(&[(2.0, 0.0), (1.0, 0.0)]),
            l(&[(2.0, 0.0), (3.0, 0.0)]),
            l(&[(3.0, 0.0), (4.0, 0.0)]),
            l(&[(3.0, 0.0), (3.0, 1.0)]),
        ]);
        assert_eq!(merged.len(), 3, "{merged:?}");
        assert_eq!(
            merged[0],
            l(&[(0.0, 0.0), (1.0, 0.0), (2.0, 0.0), (3.0, 0.0)])
        );
        // A ring of two lines joins once and stops.
        let ring = merge_lines(vec![
            l(&[(0.0, 0.0), (1.0, 0.0), (1.0, 1.0)]),
            l(&[(1.0, 1.0), (0.0, 1.0), (0.0, 0.0)]),
        ]);
        assert_eq!(ring.len(), 1);
        assert_eq!(ring[0].0.len(), 5);
    }
}
