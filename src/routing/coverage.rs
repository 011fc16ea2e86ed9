//! Coverage by road: from every provider of a set at once (multi-source Dijkstra), the road
//! distance to each town, and per region the towns that are within 16 km straight-line of a
//! provider but farther by road.

use super::dijkstra::{dijkstra, Flow, Seed};
use super::nearest::ProviderRoads;
use super::network::RoadNetwork;
use super::snap::Snap;
use crate::geom::LonLat;

/// Road distance (metres, road + off-road legs at both ends) from the nearest of `sources`
/// (provider indexes) to each of `points`; `None` where no source reaches the point (no road
/// within 3 km of it, or not connected).
///
/// # Method
/// One Dijkstra seeded at every source's snap (each source's off-road leg as its start
/// distance), in the driving direction provider → home; a point is priced from the end
/// nodes of its snapped link, or along the link itself when a source shares it.
pub fn road_distance_from_nearest(
    net: &RoadNetwork,
    roads: &ProviderRoads,
    sources: &[u32],
    points: &[LonLat],
) -> Vec<Option<f64>> {
    let g = &net.graph;
    let mut seeds = Vec::new();
    let mut on_link: std::collections::HashMap<u32, Vec<Snap>> = Default::default();
    for &i in sources {
        let Some(s) = roads.snap(i) else { continue };
        on_link.entry(s.link).or_default().push(*s);
        let l = g.links[s.link as usize];
        if l.forward {
            seeds.push(Seed {
                node: l.to,
                dist_m: s.offroad_m + (l.length_m - s.along_m).max(0.0),
                time_s: 0.0,
            });
        }
        if l.backward {
            seeds.push(Seed {
                node: l.from,
                dist_m: s.offroad_m + s.along_m,
                time_s: 0.0,
            });
        }
    }
    let mut dist = vec![f64::INFINITY; g.node_count()];
    dijkstra(g, &seeds, |u, d, _| {
        dist[u as usize] = d;
        Flow::Continue
    });
    points
        .iter()
        .map(|p| {
            let s = net.snap(*p)?;
            let l = g.links[s.link as usize];
            let mut best = f64::INFINITY;
            if l.forward {
                best = best.min(dist[l.from as usize] + s.along_m);
            }
            if l.backward {
                best = best.min(dist[l.to as usize] + (l.length_m - s.along_m).max(0.0));
            }
            for src in on_link.get(&s.link).map(Vec::as_slice).unwrap_or(&[]) {
                let ahead = s.along_m - src.along_m;
                if (l.forward && ahead >= 0.0) || (l.backward && ahead <= 0.0) {
                    best = best.min(src.offroad_m + ahead.abs());
                }
            }
            let total = best + s.offroad_m;
            total.is_finite().then_some(total)
        })
        .collect()
}

/// Per medical region: towns within the radius straight-line of a source provider, and of
/// those the ones farther than the radius by road (or not reachable by road at all).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RegionRoadCoverage {
    pub region_id: u8,
    /// Towns (町丁目・大字 points) of the region.
    pub towns: usize,
    /// Towns within the radius (geodesic) of some source provider.
    pub towns_within_km: usize,
    /// Of those, towns whose road distance from the nearest source exceeds the radius.
    pub towns_beyond_road_km: usize,
    /// Of those, towns no source reaches by road (no road within 3 km, or not connected):
    /// unknown, not counted in `towns_beyond_road_km`.
    pub towns_without_road: usize,
    /// The `towns_beyond_road_km` themselves, the largest detour (road − straight) first:
    /// the places the straight-line map flatters.
    pub towns_flattered: Vec<FlatteredTown>,
}

/// A town within the radius of a provider in a straight line but beyond it by road.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FlatteredTown {
    pub city: String,
    pub town: String,
    /// Geodesic distance to the nearest source provider, km (metre precision).
    pub straight_km: f64,
    /// Road distance (with the off-road legs) from the nearest source by road, km.
    pub road_km: f64,
}

impl FlatteredTown {
    /// How much longer the road is than the straight line, km: the order towns are listed in.
    pub fn detour_km(&self) -> f64 {
        self.road_km - self.straight_km
    }
}

/// Coverage by road for one provider set and radius, computed at snapshot time.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RoadCoverage {
    pub radius_km: f64,
    pub regions: Vec<RegionRoadCoverage>,
}

impl RoadCoverage {
    /// Road and straight-line distances from the nearest of `sources` (provider indexes of
    /// `ds`) to every town, tallied per region.
    pub fn compute(
        ds: &crate::data::Dataset,
        net: &RoadNetwork,
        roads: &ProviderRoads,
        sources: &[u32],
        radius_m: f64,
    ) -> Self {
        let points: Vec<LonLat> = ds.towns.iter().map(|t| t.location).collect();
        let by_road = road_distance_from_nearest(net, roads, sources, &points);
        let index = crate::index::ProviderIndex::new(
            sources
                .iter()
                .map(|&i| crate::index::IndexItem::from(&ds.providers[i as usize]))
                .collect(),
        );
        let mut regions: Vec<RegionRoadCoverage> = ds
            .regions
            .iter()
            .map(|r| RegionRoadCoverage {
                region_id: r.id,
                towns: 0,
                towns_within_km: 0,
                towns_beyond_road_km: 0,
                towns_without_road: 0,
                towns_flattered: Vec::new(),
            })
            .collect();
        for (t, road) in ds.towns.iter().zip(by_road) {
            let Some(row) = regions.iter_mut().find(|r| r.region_id == t.region_id) else {
                continue;
            };
            row.towns += 1;
            let straight = index
                .nearest(t.location, 1, crate::data::KindSet::medical())
                .first()
                .map_or(f64::INFINITY, |h| h.distance_m);
            if straight > radius_m {
                continue;
            }
            row.towns_within_km += 1;
            match road {
                Some(d) if d > radius_m => {
                    row.towns_beyond_road_km += 1;
                    row.towns_flattered.push(FlatteredTown {
                        city: t.city.clone(),
                        town: t.name.clone(),
                        straight_km: straight.round() / 1000.0,
                        road_km: d.round() / 1000.0,
                    });
                }
                Some(_) => {}
                None => row.towns_without_road += 1,
            }
        }
        for row in &mut regions {
            row.towns_flattered.sort_by(|a, b| {
                b.detour_km()
                    .total_cmp(&a.detour_km())
                    .then_with(|| a.town.cmp(&b.town))
            });
        }
        Self {
            radius_km: radius_m / 1000.0,
            regions,
        }
    }
}
