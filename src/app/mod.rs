//! The application layer: what carecover does with its engines. It owns the served
//! [`Snapshot`] (data, index, coverage, roads, map layers, tile cache), the domain rules
//! ([`rules`]: the 16 km radius, presets, the service area), nearest ranking by straight line
//! and by road ([`nearest`]), the map's layers and style ([`layers`], [`style`]), the 16 km
//! rule with uncertain points ([`visit`]), and the typed answers that HTTP and the CLI's
//! `--json` share: [`nearest`], [`planner`] (regions, municipalities, coverage, what-if,
//! suggestions), [`access`] (the E2SFCA accessibility index) and [`isochrone`].
//!
//! Arrows point inward: `server` and the CLI call this module; this module calls the engines
//! (`tiles`, `routing`, `coverage`, `index`, `geocode`), which know nothing of each other's
//! domain and nothing of this one.

pub mod access;
pub mod diff;
mod export;
pub mod isochrone;
pub mod layers;
pub mod nearest;
pub mod planner;
pub mod population;
pub mod provider_import;
pub mod resource_import;
pub mod rules;
mod snapshot;
pub mod static_site;
pub mod style;
pub mod uploads;
pub mod visit;

pub use export::MapExport;
pub use snapshot::{Snapshot, SnapshotError, TILE_CACHE_BYTES};

/// The road network of a dataset with coverage by road computed for the default layer
/// (在宅療養支援診療所・病院 at 16 km): what a snapshot serves. `None` without a road layer.
pub fn load_roads(
    ds: &crate::data::Dataset,
) -> Result<Option<crate::routing::Roads>, crate::routing::RoutingError> {
    let home_care = rules::default_home_care();
    crate::routing::Roads::for_dataset(ds, |p| home_care.selects(p), home_care.radius_m())
}
