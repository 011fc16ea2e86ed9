//! The producer interface every tile layer implements, and tile rendering
//! over a set of producers.

use geo_types::{Geometry, Rect};

use super::encode::{LayerBuilder, PropValue, TileBuilder};
use super::geometry::{RenderOptions, TileContext, TileGeometry};
use super::{TileCoord, TileError};

/// One feature handed out by a [`LayerSource`]: lon/lat geometry (degrees,
/// WGS 84) and properties, borrowed from the source.
#[derive(Debug, Clone, Copy)]
pub struct FeatureRef<'a> {
    /// Optional MVT feature id (unique within the layer if set).
    pub id: Option<u64>,
    /// Geometry in lon/lat degrees.
    pub geometry: &'a Geometry<f64>,
    /// Properties in the order they should be written.
    pub props: &'a [(String, PropValue)],
}

/// Type of an attribute, as listed in TileJSON `vector_layers[].fields`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldType {
    /// Text.
    String,
    /// Any numeric `PropValue`.
    Number,
    /// `true`/`false`.
    Boolean,
    /// Different types in different features.
    Mixed,
}

impl FieldType {
    /// The description string conventionally used in TileJSON
    /// (`"String"`, `"Number"`, `"Boolean"`, `"Mixed"`).
    pub fn as_str(&self) -> &'static str {
        match self {
            FieldType::String => "String",
            FieldType::Number => "Number",
            FieldType::Boolean => "Boolean",
            FieldType::Mixed => "Mixed",
        }
    }

    /// The field type of a value.
    pub fn of(v: &PropValue) -> Self {
        match v {
            PropValue::String(_) => FieldType::String,
            PropValue::Bool(_) => FieldType::Boolean,
            _ => FieldType::Number,
        }
    }
}

/// A tile layer producer. Implementations must be cheap to query per tile:
/// `features` is called once per rendered tile with the buffered tile bbox.
pub trait LayerSource: Send + Sync {
    /// Layer id (MVT layer name, TileJSON `vector_layers[].id`).
    fn name(&self) -> &str;
    /// Lowest zoom at which the layer is rendered.
    fn minzoom(&self) -> u8;
    /// Highest zoom at which the layer is rendered.
    fn maxzoom(&self) -> u8;
    /// Calls `sink` for every feature whose geometry may touch `bbox`
    /// (lon/lat degrees, the tile plus its buffer). False positives are
    /// fine; the pipeline clips them away.
    fn features(&self, tile: &TileCoord, bbox: &Rect<f64>, sink: &mut dyn FnMut(FeatureRef<'_>));
    /// Attribute names and types, for TileJSON.
    fn fields(&self) -> Vec<(String, FieldType)>;
}

/// [`render_tile_with`] using [`RenderOptions::default`].
///
/// # Errors
/// See [`render_tile_with`].
pub fn render_tile(coord: TileCoord, sources: &[&dyn LayerSource]) -> Result<Vec<u8>, TileError> {
    render_tile_with(coord, sources, &RenderOptions::default())
}

/// Renders one tile: for every source whose zoom range contains `coord.z()`,
/// fetches candidate features, runs them through the geometry pipeline and
/// encodes a layer. Returns the MVT bytes (uncompressed); an empty `Vec`
/// means no layer had a visible feature (answer `204 No Content`).
///
/// # Errors
/// [`TileError::DuplicateLayer`] if two sources rendered at this zoom share
/// a name.
pub fn render_tile_with(
    coord: TileCoord,
    sources: &[&dyn LayerSource],
    opts: &RenderOptions,
) -> Result<Vec<u8>, TileError> {
    let ctx = TileContext::new(&coord, *opts);
    let mut tile = TileBuilder::new();
    for src in sources {
        let z = coord.z();
        if z < src.minzoom() || z > src.maxzoom() {
            continue;
        }
        let mut layer = LayerBuilder::new(src.name());
        src.features(&coord, ctx.bbox(), &mut |f: FeatureRef<'_>| {
            if let Some(g) = TileGeometry::from_lonlat(f.geometry, &ctx) {
                layer.add_feature(f.id, &g, f.props);
            }
        });
        tile.add_layer(layer)?;
    }
    Ok(tile.encode())
}
