//! Vector tiles for the palliative-care map: tile addressing, the lon/lat →
//! tile geometry pipeline, a hand-written MVT 2.1 encoder, the
//! [`LayerSource`] producer interface with an in-memory [`VecLayer`], a
//! byte-bounded [`TileCache`], TileJSON 3.0, a PMTiles v3 writer, and signed-distance-field
//! glyph ranges for map labels ([`FontGlyphs`], the built-in font [`builtin_font`]). The engine
//! renders whatever layers it is handed; which layers the data becomes (the map, its
//! basemap and style) is the application's (the `app` module: `layers` and `style`).
//!
//! Typical request path:
//! ```
//! use carecover::tiles::{render_tile, LayerSource, TileCache, TileCoord, VecLayer};
//! # fn main() -> Result<(), carecover::tiles::TileError> {
//! let mut towns = VecLayer::new("towns", 6, 14);
//! towns.push(Some(1), geo_types::Point::new(130.7, 32.8).into(), vec![("name".into(), "熊本市".into())])?;
//! let cache: TileCache = TileCache::new(64 << 20);
//! let coord = TileCoord::parse_path("10", "883", "413.mvt")?;
//! let tile = cache.get_or_insert_with(coord, || render_tile(coord, &[&towns as &dyn LayerSource]))?;
//! assert!(!tile.is_empty()); // empty => answer 204
//! # Ok(()) }
//! ```
//!
//! # References
//! - Mapbox Vector Tile Specification 2.1.
//! - TileJSON 3.0.0; PMTiles v3 specification.
//! - MapLibre Style Specification v8; MapLibre `glyphs.proto`.

mod cache;
mod clip;
mod coord;
mod encode;
mod error;
mod export;
mod font;
mod geometry;
mod glyphs;
mod pbf;
mod pmtiles;
mod project;
mod rings;
mod source;
mod tilejson;
mod vec_layer;

pub use cache::{gzip, CachedTile, TileCache, ENTRY_OVERHEAD, GZIP_LEVEL};
pub use coord::{tiles_covering, TileCoord, TileRange};
pub use encode::{LayerBuilder, PropValue, TileBuilder};
pub use error::TileError;
pub use export::{export, ExportError, ExportFormat, ExportStats, TileSet};
pub use font::{
    builtin_font, builtin_font_file, builtin_font_hash, font_for_stack, FONT_CREDIT, FONT_NAME,
};
pub use geometry::{RenderOptions, TileContext, TileGeometry, TilePolygon};
pub use glyphs::{encode_pbf as encode_glyph_pbf, FontGlyphs, Glyph, GlyphError, GlyphRange};
pub use pmtiles::{tile_id as pmtiles_tile_id, write_pmtiles, PmtilesMeta, PmtilesStats};
pub use project::{
    lat_to_tile_y, lon_to_tile_x, tile_x_to_lon, tile_y_to_lat, TileProjector, EARTH_RADIUS_M,
    MAX_LATITUDE, MERCATOR_HALF_WORLD_M,
};
pub use rings::{ring_area2, TilePoint};
pub use source::{render_tile, render_tile_with, FeatureRef, FieldType, LayerSource};
pub use tilejson::{tilejson, TileJson, VectorLayer};
pub use vec_layer::VecLayer;

/// Highest supported zoom level.
pub const MAX_ZOOM: u8 = 22;
/// Tile extent: coordinate units per tile edge (MVT default).
pub const EXTENT: u32 = 4096;
/// Buffer around the tile kept after clipping, in extent units (64 units =
/// 4 pixels of a 256-px tile); the clip box is `[-64, 4160]²`.
pub const BUFFER: u32 = 64;
