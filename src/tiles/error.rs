//! Error type shared by the vector-tile machinery.

use std::path::PathBuf;

/// Everything that can go wrong while addressing, rendering, caching or
/// exporting vector tiles. Messages name the offending parameter and value so
/// an HTTP handler can pass them to the client (as `400 Bad Request` for the
/// coordinate/path variants) and an operator can act on the rest.
#[derive(Debug, thiserror::Error)]
pub enum TileError {
    /// Zoom level above [`crate::tiles::MAX_ZOOM`].
    #[error("z={z} is out of range (must be <= {max})")]
    ZoomOutOfRange {
        /// Requested zoom.
        z: u32,
        /// Highest supported zoom.
        max: u8,
    },
    /// Column index not below `2^z`.
    #[error("x={x} is out of range for z={z} (must be < {limit})")]
    XOutOfRange {
        /// Requested column.
        x: u32,
        /// Zoom level.
        z: u8,
        /// Exclusive upper bound `2^z`.
        limit: u32,
    },
    /// Row index not below `2^z`.
    #[error("y={y} is out of range for z={z} (must be < {limit})")]
    YOutOfRange {
        /// Requested row.
        y: u32,
        /// Zoom level.
        z: u8,
        /// Exclusive upper bound `2^z`.
        limit: u32,
    },
    /// A path segment that should be a non-negative integer is not one.
    #[error("{param}={value:?} is not a valid tile {param}: expected a non-negative integer")]
    NotAnInteger {
        /// `"z"`, `"x"` or `"y"`.
        param: &'static str,
        /// The raw segment.
        value: String,
    },
    /// The last path segment has no `.mvt`/`.pbf` extension.
    #[error("y={value:?} has no tile extension: expected \"{{y}}.mvt\" or \"{{y}}.pbf\"")]
    MissingExtension {
        /// The raw segment.
        value: String,
    },
    /// The last path segment has an extension other than `.mvt`/`.pbf`.
    #[error("tile extension {ext:?} is not supported: use .mvt or .pbf")]
    UnsupportedExtension {
        /// The extension found (without the dot).
        ext: String,
    },
    /// A bounding box with NaN/infinite values or min > max.
    #[error("invalid bounding box {what}: min=({min_x}, {min_y}) max=({max_x}, {max_y}); expected finite lon/lat degrees with min <= max")]
    InvalidBbox {
        /// What the box is used for.
        what: &'static str,
        /// West.
        min_x: f64,
        /// South.
        min_y: f64,
        /// East.
        max_x: f64,
        /// North.
        max_y: f64,
    },
    /// A geometry kind the tile pipeline cannot encode.
    #[error("geometry type {kind} is not supported in layer {layer:?}: split it into points, lines or polygons")]
    UnsupportedGeometry {
        /// Layer name.
        layer: String,
        /// geo-types variant name.
        kind: &'static str,
    },
    /// Two layers with the same name in one tile (forbidden by MVT 2.1 §4.1).
    #[error("layer name {name:?} is used twice in one tile: layer names must be unique")]
    DuplicateLayer {
        /// The duplicated name.
        name: String,
    },
    /// Gzip compression failed (only possible on I/O errors of the sink).
    #[error("gzip compression failed: {0}")]
    Compression(#[source] std::io::Error),
    /// Writing an export file failed.
    #[error("cannot write {path}: {source}")]
    Io {
        /// File being written.
        path: PathBuf,
        /// Underlying error.
        #[source]
        source: std::io::Error,
    },
    /// An export was asked to write no tiles at all.
    #[error("nothing to export: every tile was empty (check the zoom range and bounds)")]
    EmptyExport,
    /// A map layer's source file could not be read or has no usable content.
    #[error("map layer {layer:?}: {file}: {message}")]
    LayerData {
        /// The tile layer being built.
        layer: &'static str,
        /// The data file (as the manifest names it).
        file: String,
        /// What is wrong.
        message: String,
    },
    /// Metadata could not be serialised to JSON.
    #[error("cannot serialise export metadata: {0}")]
    Json(#[from] serde_json::Error),
}
