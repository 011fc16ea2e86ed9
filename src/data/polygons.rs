//! Loading polygon layers (medical regions, municipalities) from GeoJSON.

use super::issues::IssueLog;
use super::manifest::PolygonLayer;
use crate::geom::{LonLat, Projection};
use geo::{Area, BoundingRect, Validation};
use geo_types::{Coord, Geometry, LineString, MultiPolygon, Polygon, Rect};

/// A polygon feature read from a layer, before it becomes a region or municipality.
#[derive(Debug, Clone)]
pub struct PolygonFeature {
    pub id: String,
    pub name: String,
    pub name_en: Option<String>,
    pub region: Option<String>,
    /// Degrees (x = lon, y = lat).
    pub geometry: MultiPolygon<f64>,
    /// The same geometry in zone II metres (see [`Projection`]).
    pub projected: MultiPolygon<f64>,
    pub bbox: Rect<f64>,
    /// Planar area in zone II, km². The zone's scale factor is within 0.025 % of 1 over
    /// Kumamoto, so this is the true area to about 0.05 %.
    pub area_km2: f64,
}

/// Reads a GeoJSON FeatureCollection of (Multi)Polygons. Every problem goes to `log` with the
/// feature index and property name; features with errors are left out of the result.
pub fn load_polygon_layer(
    text: &str,
    layer: &PolygonLayer,
    proj: &Projection,
    log: &mut IssueLog,
) -> Vec<PolygonFeature> {
    let file = layer.file.as_str();
    let gj: geojson::GeoJson = match text.parse() {
        Ok(g) => g,
        Err(e) => {
            log.error(file, "file".into(), "", format!("not valid GeoJSON: {e}"));
            return Vec::new();
        }
    };
    let geojson::GeoJson::FeatureCollection(fc) = gj else {
        log.error(
            file,
            "file".into(),
            "",
            "expected a FeatureCollection".into(),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, f) in fc.features.into_iter().enumerate() {
        let loc = format!("feature {i}");
        let props = f.properties.unwrap_or_default();
        let text_prop = |name: &str| -> Option<String> {
            match props.get(name)? {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                _ => None,
            }
        };
        let mut ok = true;
        let id = text_prop(&layer.id_property).unwrap_or_else(|| {
            log.error(
                file,
                loc.clone(),
                &layer.id_property,
                "missing or not a string/number".into(),
            );
            ok = false;
            String::new()
        });
        let name = text_prop(&layer.name_property).unwrap_or_else(|| {
            log.error(
                file,
                loc.clone(),
                &layer.name_property,
                "missing or not a string".into(),
            );
            ok = false;
            String::new()
        });
        let name_en = layer.name_en_property.as_deref().and_then(text_prop);
        let region = match layer.region_property.as_deref() {
            Some(p) => {
                let r = text_prop(p);
                if r.is_none() {
                    log.error(file, loc.clone(), p, "missing region id".into());
                    ok = false;
                }
                r
            }
            None => None,
        };
        if f.geometry
            .as_ref()
            .is_some_and(|g| has_short_position(&g.value))
        {
            log.error(
                file,
                loc.clone(),
                "geometry",
                "a position has fewer than two numbers (lon, lat)".into(),
            );
            continue;
        }
        let geometry = match f
            .geometry
            .as_ref()
            .map(|g| Geometry::<f64>::try_from(&g.value))
        {
            Some(Ok(Geometry::Polygon(p))) => Some(MultiPolygon(vec![p])),
            Some(Ok(Geometry::MultiPolygon(mp))) => Some(mp),
            Some(Ok(_)) => {
                log.error(
                    file,
                    loc.clone(),
                    "geometry",
                    "expected Polygon or MultiPolygon".into(),
                );
                None
            }
            Some(Err(e)) => {
                log.error(
                    file,
                    loc.clone(),
                    "geometry",
                    format!("unreadable geometry: {e}"),
                );
                None
            }
            None => {
                log.error(file, loc.clone(), "geometry", "missing geometry".into());
                None
            }
        };
        let Some(geometry) = geometry else { continue };
        if !check_coordinates(&geometry, file, &loc, log) {
            continue;
        }
        let problems = geometry.validation_errors();
        if !problems.is_empty() {
            let first: Vec<String> = problems.iter().take(3).map(|p| p.to_string()).collect();
            log.error(
                file,
                loc.clone(),
                "geometry",
                format!(
                    "invalid polygon ({} problems): {}",
                    problems.len(),
                    first.join("; ")
                ),
            );
            continue;
        }
        let Some(bbox) = geometry.bounding_rect() else {
            log.error(file, loc.clone(), "geometry", "empty geometry".into());
            continue;
        };
        if !ok {
            continue;
        }
        let projected = project_multipolygon(&geometry, proj);
        let area_km2 = projected.unsigned_area() / 1e6;
        out.push(PolygonFeature {
            id,
            name,
            name_en,
            region,
            geometry,
            projected,
            bbox,
            area_km2,
        });
    }
    out
}

/// Every vertex must be a valid [`LonLat`] inside the projection's valid band.
fn check_coordinates(mp: &MultiPolygon<f64>, file: &str, loc: &str, log: &mut IssueLog) -> bool {
    for c in mp
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .flat_map(|r| r.0.iter())
    {
        if let Err(e) = LonLat::new(c.x, c.y) {
            log.error(
                file,
                loc.to_string(),
                "geometry",
                format!("bad coordinate: {e}"),
            );
            return false;
        }
        if !Projection::VALID_LON.contains(&c.x) {
            log.error(
                file,
                loc.to_string(),
                "geometry",
                format!("longitude {} is far outside Kumamoto", c.x),
            );
            return false;
        }
    }
    true
}

/// Whether any position has fewer than two numbers. geojson 1.0's conversion to geo-types
/// indexes `position[0]` and `position[1]` unchecked and panics on `[130.7]`; found by the
/// `polygon_geojson` fuzz target, so every position is checked before converting.
fn has_short_position(v: &geojson::GeometryValue) -> bool {
    use geojson::GeometryValue as V;
    let short = |p: &geojson::Position| p.as_slice().len() < 2;
    match v {
        V::Point { coordinates } => short(coordinates),
        V::MultiPoint { coordinates } | V::LineString { coordinates } => {
            coordinates.iter().any(short)
        }
        V::MultiLineString { coordinates } | V::Polygon { coordinates } => {
            coordinates.iter().flatten().any(short)
        }
        V::MultiPolygon { coordinates } => coordinates.iter().flatten().flatten().any(short),
        V::GeometryCollection { geometries } => {
            geometries.iter().any(|g| has_short_position(&g.value))
        }
    }
}

/// Projects a lon/lat multipolygon to zone II metres. Coordinates must already be valid.
pub fn project_multipolygon(mp: &MultiPolygon<f64>, proj: &Projection) -> MultiPolygon<f64> {
    let ring = |r: &LineString<f64>| -> LineString<f64> {
        r.0.iter()
            .map(|c| {
                let xy = proj.forward_deg(c.x, c.y);
                Coord { x: xy.x, y: xy.y }
            })
            .collect()
    };
    MultiPolygon(
        mp.iter()
            .map(|p| Polygon::new(ring(p.exterior()), p.interiors().iter().map(ring).collect()))
            .collect(),
    )
}
