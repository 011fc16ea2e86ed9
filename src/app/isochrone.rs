//! Isochrones from a point: the area reachable by road within each contour (minutes or km), as
//! a GeoJSON FeatureCollection, largest first (as Valhalla answers); an empty one with a
//! `road_reason` when the point cannot be routed from.

use super::planner::{polygon_or_multi, CollectionTag, FeatureTag, Geometry};
use super::Snapshot;
use crate::geom::LonLat;
use crate::routing::{
    isochrone, to_lonlat, Isochrone, Metric, RoadNetwork, AREA_CELL_M, OFFROAD_SPEED_KMH,
    OUTLINE_TOLERANCE_M, ROAD_BUFFER_M,
};
use serde::Serialize;
use utoipa::ToSchema;

/// `time` or `distance`.
fn metric_name(m: Metric) -> &'static str {
    match m {
        Metric::Time => "time",
        Metric::Distance => "distance",
    }
}

/// The contours' unit: `min` or `km`.
fn units(m: Metric) -> &'static str {
    match m {
        Metric::Time => "min",
        Metric::Distance => "km",
    }
}

/// Where the search started: the query point snapped to the road network.
#[derive(Debug, Serialize, ToSchema)]
pub struct Origin {
    pub snapped_lon: f64,
    pub snapped_lat: f64,
    /// The straight leg from the point to the road, km.
    pub offroad_km: f64,
}

/// One contour's properties.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContourProps {
    pub contour: f64,
    pub metric: &'static str,
    pub units: &'static str,
    pub area_km2: f64,
}

/// One contour: the area reached, a Polygon or a MultiPolygon.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContourFeature {
    #[serde(rename = "type")]
    pub tag: FeatureTag,
    #[schema(value_type = Object)]
    pub geometry: Geometry,
    pub properties: ContourProps,
}

/// `GET /api/v1/isochrone`.
#[derive(Debug, Serialize, ToSchema)]
pub struct IsochroneAnswer<'a> {
    #[serde(rename = "type")]
    pub tag: CollectionTag,
    pub features: Vec<ContourFeature>,
    pub metric: &'static str,
    pub units: &'static str,
    pub contours: &'a [f64],
    pub road_buffer_m: f64,
    pub grid_m: f64,
    pub outline_tolerance_m: f64,
    pub offroad_speed_kmh: f64,
    pub data_version: &'a str,
    pub speed_model: Option<String>,
    /// Why nothing was reached (`no_road_network`, `too_far_from_road`, …); null otherwise.
    pub road_reason: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

/// The isochrones of `at` for `contours` (strictly increasing, validated by the caller).
pub fn answer<'a>(
    snap: &'a Snapshot,
    at: LonLat,
    metric: Metric,
    contours: &'a [f64],
) -> IsochroneAnswer<'a> {
    let mut out = IsochroneAnswer {
        tag: CollectionTag::FeatureCollection,
        features: Vec::new(),
        metric: metric_name(metric),
        units: units(metric),
        contours,
        road_buffer_m: ROAD_BUFFER_M,
        grid_m: AREA_CELL_M,
        outline_tolerance_m: OUTLINE_TOLERANCE_M,
        offroad_speed_kmh: OFFROAD_SPEED_KMH,
        data_version: snap.version(),
        speed_model: None,
        road_reason: Some("no_road_network"),
        origin: None,
    };
    let Some(roads) = &snap.roads else {
        return out;
    };
    let net = &roads.network;
    out.speed_model = Some(net.speed_model.name());
    match isochrone(net, at, metric, contours) {
        Err(reason) => out.road_reason = Some(reason.as_str()),
        Ok(iso) => {
            out.road_reason = None;
            out.origin = Some(origin(&iso));
            out.features = features(&iso, net);
        }
    }
    out
}

fn origin(iso: &Isochrone) -> Origin {
    let r6 = |v: f64| (v * 1e6).round() / 1e6;
    Origin {
        snapped_lon: r6(iso.snap.point.lon()),
        snapped_lat: r6(iso.snap.point.lat()),
        offroad_km: iso.snap.offroad_m.round() / 1000.0,
    }
}

fn features(iso: &Isochrone, net: &RoadNetwork) -> Vec<ContourFeature> {
    use geo::Area;
    iso.contours
        .iter()
        .map(|c| {
            let ll = to_lonlat(&c.area_xy, net.graph.plane());
            ContourFeature {
                tag: FeatureTag::Feature,
                geometry: polygon_or_multi(&ll),
                properties: ContourProps {
                    contour: c.value,
                    metric: metric_name(iso.metric),
                    units: units(iso.metric),
                    area_km2: (c.area_xy.unsigned_area() / 1e4).round() / 100.0,
                },
            }
        })
        .collect()
}
