//! Road figures for `GET /api/nearest`: `sort=road` ranking and per-result `road_km`,
//! `offroad_km`, `drive_min` and `road_reason`.

use super::error::AppError;
use crate::data::{Dataset, KindFilter};
use crate::geom::LonLat;
use crate::index::Hit;
use crate::routing::{RoadCost, RoadReason, Roads};
use serde::Serialize;

/// How results are ranked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    /// Geodesic distance (the default and the 16 km rule's measure).
    Distance,
    /// Road length plus the off-road legs.
    Road,
}

impl Sort {
    /// `sort=` as given, `distance` when absent.
    pub fn parse(v: Option<&str>) -> Result<Self, AppError> {
        match v {
            None | Some("distance") => Ok(Sort::Distance),
            Some("road") => Ok(Sort::Road),
            Some(other) => Err(AppError::bad(
                "invalid_sort",
                format!("sort={other:?} must be distance (straight line) or road"),
            )),
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Sort::Distance => "distance",
            Sort::Road => "road",
        }
    }
}

/// The road part of one result: numbers, or nulls and the reason.
#[derive(Serialize, Default)]
pub struct RoadFields {
    /// Length of the trip by road, km (metre precision): the on-network part plus the two
    /// straight legs between the points and the road. The `sort=road` rank key; never below
    /// the straight-line `distance_km`.
    pub road_km: Option<f64>,
    /// The part of `road_km` off the network (both legs), km.
    pub offroad_km: Option<f64>,
    /// Road time at the network's speed model plus off-road legs at 10 km/h, minutes.
    pub drive_min: Option<f64>,
    pub road_reason: Option<&'static str>,
}

impl RoadFields {
    pub fn from_cost(c: Result<RoadCost, RoadReason>) -> Self {
        match c {
            Ok(c) => Self {
                road_km: Some(c.total_m().round() / 1000.0),
                offroad_km: Some(c.offroad_m.round() / 1000.0),
                drive_min: Some((c.drive_s() / 6.0).round() / 10.0),
                road_reason: None,
            },
            Err(r) => Self {
                road_reason: Some(r.as_str()),
                ..Self::default()
            },
        }
    }
}

/// The ranked providers and their road fields, plus the query-level reason when road ranking
/// fell back to straight-line order. The geodesic `Hit`s keep `distance_km` exact.
pub struct Ranked {
    pub hits: Vec<(Hit, RoadFields)>,
    pub sort: Sort,
    pub road_reason: Option<&'static str>,
}

/// Ranks for `sort` and attaches road figures. Without a road network, or for a query more
/// than 3 km from any road, the answer is the straight-line ranking with null road figures.
pub fn rank(
    ds: &Dataset,
    index: &crate::index::ProviderIndex,
    roads: Option<&Roads>,
    at: LonLat,
    k: usize,
    filter: KindFilter,
    sort: Sort,
) -> Ranked {
    let straight = |reason: RoadReason, sort: Sort| Ranked {
        hits: index
            .nearest(at, k, filter)
            .into_iter()
            .map(|h| (h, RoadFields::from_cost(Err(reason))))
            .collect(),
        sort,
        road_reason: Some(reason.as_str()),
    };
    let Some(roads) = roads else {
        return straight(RoadReason::NoRoadNetwork, Sort::Distance);
    };
    let net = &roads.network;
    match sort {
        Sort::Road => {
            let wanted = |i: u32| filter.matches(ds.providers[i as usize].kinds);
            match roads.providers.nearest(net, at, k, wanted) {
                Ok(hits) => Ranked {
                    hits: hits
                        .into_iter()
                        .map(|h| {
                            let p = ds.providers[h.index as usize].location;
                            let hit = Hit {
                                index: h.index,
                                distance_m: crate::geom::geodesic_distance_m(at, p),
                            };
                            (hit, RoadFields::from_cost(Ok(h.cost)))
                        })
                        .collect(),
                    sort,
                    road_reason: None,
                },
                Err(reason) => straight(reason, Sort::Distance),
            }
        }
        Sort::Distance => {
            let hits = index.nearest(at, k, filter);
            let targets: Vec<u32> = hits.iter().map(|h| h.index).collect();
            match roads.providers.costs_to(net, at, &targets) {
                Ok(costs) => Ranked {
                    hits: hits
                        .into_iter()
                        .zip(costs)
                        .map(|(h, c)| (h, RoadFields::from_cost(c)))
                        .collect(),
                    sort,
                    road_reason: None,
                },
                Err(reason) => straight(reason, sort),
            }
        }
    }
}
