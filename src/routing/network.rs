//! [`RoadNetwork`]: the graph, its snapper and its speed model, loaded from the manifest's
//! `roads` layer at snapshot time.

use super::graph::RoadGraph;
use super::snap::{Snap, Snapper};
use super::{graph_from_osm_pbf, RoutingError};
use crate::data::{DataFiles, RoadLayer};
use crate::geom::LonLat;
use std::time::Instant;

/// How drive times are derived; every answer names it (`speed_model`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SpeedModel {
    /// One average speed (km/h) on every road: networks without speeds (the probe links).
    Uniform { kmh: f64 },
    /// Per-way `maxspeed`, else a class default (OSM networks; see
    /// [`super::DEFAULT_SPEED_KMH`]).
    OsmMaxspeed,
}

impl SpeedModel {
    /// The name answers carry: `uniform_40kmh`, `osm_maxspeed`.
    pub fn name(&self) -> String {
        match self {
            SpeedModel::Uniform { kmh } if kmh.fract() == 0.0 => format!("uniform_{kmh:.0}kmh"),
            SpeedModel::Uniform { kmh } => format!("uniform_{kmh}kmh"),
            SpeedModel::OsmMaxspeed => "osm_maxspeed".into(),
        }
    }
}

/// A road graph ready for queries.
pub struct RoadNetwork {
    pub graph: RoadGraph,
    pub snapper: Snapper,
    /// Link shapes generalised for buffering (isochrones, coverage areas).
    pub outline: super::Outline,
    pub speed_model: SpeedModel,
    /// Wall time of import + indexing, milliseconds (reported at start-up).
    pub build_ms: u128,
}

impl RoadNetwork {
    /// Indexes a graph for snapping.
    pub fn new(graph: RoadGraph, speed_model: SpeedModel) -> Self {
        let t = Instant::now();
        let snapper = Snapper::new(&graph);
        let outline = super::Outline::new(&graph, super::OUTLINE_TOLERANCE_M);
        Self {
            graph,
            snapper,
            outline,
            speed_model,
            build_ms: t.elapsed().as_millis(),
        }
    }

    /// Loads the `roads` layer: one or more GeoJSON line files (joined where an end touches
    /// another road, see [`super::build_graph`]; uniform speed from the layer), or one OSM PBF
    /// (`.osm.pbf`, OSM speeds). Errors name the file.
    pub fn load(files: impl Into<DataFiles>, layer: &RoadLayer) -> Result<Self, RoutingError> {
        let files: DataFiles = files.into();
        Self::load_with(&|file| files.read(file), layer)
    }

    /// [`RoadNetwork::load`] with the files' decoded bytes from `read` (a dataset hands over
    /// the copy it hashed).
    pub fn load_with(
        read: &dyn Fn(&str) -> std::io::Result<Vec<u8>>,
        layer: &RoadLayer,
    ) -> Result<Self, RoutingError> {
        let t = Instant::now();
        let kmh = layer.uniform_speed_kmh;
        if !(kmh.is_finite() && kmh > 0.0 && kmh <= 130.0) {
            return Err(RoutingError::Config(format!(
                "roads.uniform_speed_kmh = {kmh} must be a speed in km/h between 0 and 130"
            )));
        }
        let read = |file: &str| {
            read(file).map_err(|source| RoutingError::Read {
                file: file.to_string(),
                source,
            })
        };
        let (graph, model) = match layer.files.as_slice() {
            [one] if one.ends_with(".osm.pbf") => {
                let (g, _) = graph_from_osm_pbf(&read(one)?, one)?;
                (g, SpeedModel::OsmMaxspeed)
            }
            files if !files.is_empty() && files.iter().all(|f| f.ends_with(".geojson")) => {
                let mut lines = Vec::new();
                for f in files {
                    let bytes = read(f)?;
                    let text = std::str::from_utf8(&bytes).map_err(|e| RoutingError::Parse {
                        file: f.clone(),
                        message: e.to_string(),
                    })?;
                    lines.extend(super::geojson_lines(text, f, kmh)?);
                }
                let plane = super::Plane::ZoneII(crate::geom::Projection::kumamoto());
                (
                    super::build_graph(plane, &lines, super::JOIN_TOLERANCE_M),
                    SpeedModel::Uniform { kmh },
                )
            }
            files => {
                return Err(RoutingError::Config(format!(
                    "roads.files = {files:?}: give GeoJSON files (.geojson) or one .osm.pbf"
                )))
            }
        };
        let mut net = Self::new(graph, model);
        net.build_ms = t.elapsed().as_millis();
        let c = net.graph.components();
        tracing::info!(
            nodes = net.graph.node_count(),
            links = net.graph.links().len(),
            km = (net.graph.total_length_m() / 1000.0).round(),
            components = c.count(),
            largest = c.largest(),
            outside_largest = net.graph.node_count() as u32 - c.largest(),
            ms = net.build_ms,
            "road network loaded"
        );
        if let Some(t) = net.graph.topology() {
            let (share_before, share_after) = t.largest_share();
            tracing::info!(
                tolerance_m = t.tolerance_m,
                lines = t.lines,
                ends_joined_to_vertex = t.ends_joined_to_vertex,
                ends_joined_to_segment = t.ends_joined_to_segment,
                ends_joined_to_end = t.ends_joined_to_end,
                lines_split = t.lines_split,
                components_before = t.components_before,
                components_after = t.components_after,
                largest_share_before = format!("{:.3}", share_before),
                largest_share_after = format!("{:.3}", share_after),
                "road topology: line ends joined to the roads they touch"
            );
        }
        Ok(net)
    }

    /// The snap of `at` (see [`Snapper::snap`]).
    pub fn snap(&self, at: LonLat) -> Option<Snap> {
        self.snapper.snap(&self.graph, at)
    }
}

/// The road network of a dataset with its providers snapped: what a snapshot serves.
pub struct Roads {
    pub network: RoadNetwork,
    pub providers: super::ProviderRoads,
    /// Coverage by road of the providers the caller chose (the application: 在宅療養支援診療所・
    /// 病院 at 16 km): towns.
    pub coverage: super::RoadCoverage,
    /// The same providers' area within the radius by road (plus the road buffer), per region.
    pub area: super::RoadArea,
}

impl Roads {
    /// Loads the dataset's `roads` layer and snaps its providers; `None` when the manifest has
    /// no road layer. Coverage by road (towns and area) is computed for the providers `covers`
    /// selects, each reaching `radius_m` metres by road: which ones is the caller's rule.
    pub fn for_dataset(
        ds: &crate::data::Dataset,
        covers: impl Fn(&crate::data::Provider) -> bool,
        radius_m: f64,
    ) -> Result<Option<Self>, RoutingError> {
        let Some(layer) = &ds.manifest.roads else {
            return Ok(None);
        };
        let network = RoadNetwork::load_with(&|file| ds.file_bytes(file), layer)?;
        let locations: Vec<LonLat> = ds.providers.iter().map(|p| p.location).collect();
        let providers = super::ProviderRoads::new(&network, &locations);
        let sources: Vec<u32> = (0..ds.providers.len() as u32)
            .filter(|i| covers(&ds.providers[*i as usize]))
            .collect();
        let coverage = super::RoadCoverage::compute(ds, &network, &providers, &sources, radius_m);
        let area = super::RoadArea::compute(
            &network,
            &providers,
            &sources,
            radius_m,
            &super::RegionShape::of_dataset(ds),
        );
        tracing::info!(ms = area.build_ms, "road coverage areas built");
        Ok(Some(Self {
            network,
            providers,
            coverage,
            area,
        }))
    }
}
