//! The population a snapshot serves: the measured census cells plus estimated cells for every
//! municipality outside the census files' extent ([`crate::coverage::estimate`]), weighted with
//! the town points and, when the manifest has a road layer, the road links.

use crate::coverage::estimate::{self, HoldoutReport, Inputs, DEFAULT_WEIGHTING};
use crate::coverage::Population;
use crate::data::{DataErrors, Dataset};
use crate::routing::{RoadGraph, RoadNetwork, RoutingError};

/// The measured cells ([`Population::load`]) completed with the estimate (default weighting,
/// roads from `roads` when given). Without the municipal census table the measured cells
/// alone.
pub fn load(ds: &Dataset, roads: Option<&RoadGraph>) -> Result<Population, DataErrors> {
    let measured = Population::load(ds)?;
    let lines = roads.map(road_lines);
    let inputs = Inputs::new(ds);
    Ok(estimate::estimate(
        &inputs,
        measured,
        lines.as_deref(),
        DEFAULT_WEIGHTING,
    ))
}

/// The hold-out of every candidate weighting on the measured cells (see
/// [`estimate::holdout`]).
pub fn holdout(ds: &Dataset, roads: Option<&RoadGraph>) -> Result<HoldoutReport, DataErrors> {
    let measured = Population::load(ds)?;
    let lines = roads.map(road_lines);
    let inputs = Inputs::new(ds);
    Ok(estimate::holdout(
        &inputs,
        &measured,
        lines.as_deref(),
        estimate::CANDIDATES,
    ))
}

/// The dataset's road network alone (no provider snapping, no coverage by road): what the
/// estimate needs of the road layer. `None` without one.
pub fn load_road_network(ds: &Dataset) -> Result<Option<RoadNetwork>, RoutingError> {
    ds.manifest
        .roads
        .as_ref()
        .map(|layer| RoadNetwork::load_with(&|f| ds.file_bytes(f), layer))
        .transpose()
}

/// Every link shape of a road graph as a lon/lat polyline.
pub fn road_lines(g: &RoadGraph) -> Vec<Vec<[f64; 2]>> {
    let plane = g.plane();
    (0..g.links().len())
        .map(|i| {
            g.shape(i)
                .iter()
                .map(|xy| {
                    let (lon, lat) = plane.inverse(*xy);
                    [lon, lat]
                })
                .collect()
        })
        .collect()
}
