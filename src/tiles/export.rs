//! `carecover export`: every non-empty tile of a [`TileSet`] over its bounds, rendered in
//! parallel, to a PMTiles v3 archive or an MBTiles 1.3 SQLite file. The bytes are the ones the
//! HTTP route serves (the same layers through [`render_tile`]), so a CDN-hosted archive and
//! the live service agree.

use super::{
    gzip, render_tile, tiles_covering, write_pmtiles, LayerSource, PmtilesMeta, TileCoord,
    TileError, TileJson,
};
use std::ops::RangeInclusive;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// What an archive holds: the layers, the area (TileJSON `bounds`, west, south, east, north)
/// and its default view, and the zooms the layers are cut for.
pub struct TileSet<'a> {
    pub layers: Vec<&'a dyn LayerSource>,
    pub bounds: [f64; 4],
    pub center: [f64; 3],
    pub zooms: RangeInclusive<u8>,
}

impl TileSet<'_> {
    /// The set with only the layers named in `names`, kept in the set's draw order, so a tile
    /// of the smaller set holds the same layer bytes as the full tile (an export of two layers
    /// can be compared with another tool's on the same input). Names may repeat.
    ///
    /// # Errors
    /// [`ExportError::UnknownLayer`] for a name that is not a layer of the set (the message
    /// lists the set's layers), [`ExportError::NoLayers`] for an empty list.
    pub fn only<S: AsRef<str>>(mut self, names: &[S]) -> Result<Self, ExportError> {
        if names.is_empty() {
            return Err(ExportError::NoLayers);
        }
        if let Some(unknown) = names
            .iter()
            .map(AsRef::as_ref)
            .find(|n| !self.layers.iter().any(|l| l.name() == *n))
        {
            return Err(ExportError::UnknownLayer {
                name: unknown.to_string(),
                known: self.layer_names().join(", "),
            });
        }
        self.layers
            .retain(|l| names.iter().any(|n| n.as_ref() == l.name()));
        Ok(self)
    }

    /// The layers' names in draw order.
    pub fn layer_names(&self) -> Vec<&str> {
        self.layers.iter().map(|l| l.name()).collect()
    }
}

/// Archive format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Pmtiles,
    Mbtiles,
}

/// What an export wrote.
#[derive(Debug, Clone, Default)]
pub struct ExportStats {
    /// Tiles looked at (the whole pyramid over the bounds).
    pub tiles_considered: usize,
    /// Non-empty tiles written.
    pub tiles_written: usize,
    /// Largest raw (uncompressed) tile, bytes.
    pub largest_tile_bytes: usize,
    /// Sum of raw tile sizes, bytes.
    pub total_raw_bytes: usize,
}

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("zoom range {min}..={max} is invalid: need {lo} <= minzoom <= maxzoom <= {hi}")]
    ZoomRange { min: u8, max: u8, lo: u8, hi: u8 },
    #[error("unknown layer {name:?}: the layers are {known}")]
    UnknownLayer { name: String, known: String },
    #[error("no layer to export: name at least one")]
    NoLayers,
    #[error(transparent)]
    Tile(#[from] TileError),
    #[error("MBTiles {path}: {source}")]
    Sqlite {
        path: String,
        source: rusqlite::Error,
    },
    #[error("cannot replace {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// Renders every tile of `minzoom..=maxzoom` over the set's bounds on all cores and writes the
/// archive. `progress` is called with (done, total) as tiles finish.
pub fn export(
    set: &TileSet,
    tilejson: &TileJson,
    format: ExportFormat,
    minzoom: u8,
    maxzoom: u8,
    out: &Path,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<ExportStats, ExportError> {
    let (lo, hi) = (*set.zooms.start(), *set.zooms.end());
    if minzoom > maxzoom || minzoom < lo || maxzoom > hi {
        return Err(ExportError::ZoomRange {
            min: minzoom,
            max: maxzoom,
            lo,
            hi,
        });
    }
    // The archive describes the layers it holds, not every layer the TileJSON lists.
    let mut tilejson = tilejson.clone();
    tilejson
        .vector_layers
        .retain(|v| set.layers.iter().any(|l| l.name() == v.id));
    let tilejson = &tilejson;
    let [w, s, e, n] = set.bounds;
    let bounds = geo_types::Rect::new((w, s), (e, n));
    let mut coords: Vec<TileCoord> = Vec::new();
    for z in minzoom..=maxzoom {
        coords.extend(tiles_covering(&bounds, z)?);
    }
    let tiles = render_all(&set.layers, &coords, progress)?;
    let stats = ExportStats {
        tiles_considered: coords.len(),
        tiles_written: tiles.len(),
        largest_tile_bytes: tiles.iter().map(|t| t.1.len()).max().unwrap_or(0),
        total_raw_bytes: tiles.iter().map(|t| t.1.len()).sum(),
    };
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| ExportError::Io {
            path: dir.display().to_string(),
            source,
        })?;
    }
    match format {
        ExportFormat::Pmtiles => {
            let meta = PmtilesMeta {
                minzoom,
                maxzoom,
                bounds: set.bounds,
                center: set.center,
                metadata: metadata(tilejson),
            };
            write_pmtiles(out, tiles, &meta)?;
        }
        ExportFormat::Mbtiles => write_mbtiles(out, &tiles, tilejson, set, minzoom, maxzoom)?,
    }
    Ok(stats)
}

/// Renders tiles on every available core (work stealing over an atomic cursor); empty tiles
/// are dropped. The result is sorted by (z, x, y) so archives are reproducible.
fn render_all(
    layers: &[&dyn LayerSource],
    coords: &[TileCoord],
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Vec<(TileCoord, Vec<u8>)>, TileError> {
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let out: Mutex<Vec<(TileCoord, Vec<u8>)>> = Mutex::new(Vec::new());
    let first_error: Mutex<Option<TileError>> = Mutex::new(None);
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(&c) = coords.get(i) else { break };
                match render_tile(c, layers) {
                    Ok(bytes) if !bytes.is_empty() => {
                        if let Ok(mut v) = out.lock() {
                            v.push((c, bytes));
                        }
                    }
                    Ok(_) => {}
                    Err(e) => {
                        if let Ok(mut slot) = first_error.lock() {
                            slot.get_or_insert(e);
                        }
                        // Stop every worker: the export cannot succeed.
                        next.store(coords.len(), Ordering::Relaxed);
                    }
                }
                progress(done.fetch_add(1, Ordering::Relaxed) + 1, coords.len());
            });
        }
    });
    if let Some(e) = first_error.into_inner().ok().flatten() {
        return Err(e);
    }
    let mut tiles = out.into_inner().unwrap_or_default();
    tiles.sort_by_key(|(c, _)| (c.z(), c.x(), c.y()));
    Ok(tiles)
}

/// The archive's JSON metadata: TileJSON's `vector_layers`, attribution and description.
fn metadata(tilejson: &TileJson) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    m.insert(
        "vector_layers".into(),
        serde_json::json!(tilejson.vector_layers),
    );
    m.insert("attribution".into(), tilejson.attribution.clone().into());
    for (key, v) in [
        ("name", &tilejson.name),
        ("description", &tilejson.description),
        ("version", &tilejson.version),
    ] {
        if let Some(v) = v {
            m.insert(key.to_string(), v.clone().into());
        }
    }
    serde_json::Value::Object(m)
}

/// MBTiles 1.3: `metadata(name, value)` and `tiles(zoom_level, tile_column, tile_row,
/// tile_data)` with TMS rows (y flipped) and gzip-compressed MVT as the spec requires for
/// `format=pbf`. Written to a temporary file, then renamed, so a reader never sees half.
///
/// # References
/// MBTiles specification 1.3 (github.com/mapbox/mbtiles-spec).
fn write_mbtiles(
    out: &Path,
    tiles: &[(TileCoord, Vec<u8>)],
    tilejson: &TileJson,
    set: &TileSet,
    minzoom: u8,
    maxzoom: u8,
) -> Result<(), ExportError> {
    let tmp = out.with_extension("mbtiles.partial");
    let _ = std::fs::remove_file(&tmp);
    let sql = |source| ExportError::Sqlite {
        path: out.display().to_string(),
        source,
    };
    let mut db = rusqlite::Connection::open(&tmp).map_err(sql)?;
    db.execute_batch(
        "CREATE TABLE metadata (name TEXT, value TEXT);
         CREATE UNIQUE INDEX name ON metadata (name);
         CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);
         CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);",
    )
    .map_err(sql)?;
    let tx = db.transaction().map_err(sql)?;
    {
        let json = serde_json::json!({ "vector_layers": tilejson.vector_layers });
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let meta: Vec<(&str, String)> = vec![
            ("name", text(&tilejson.name)),
            ("format", "pbf".into()),
            ("type", "overlay".into()),
            ("version", text(&tilejson.version)),
            ("description", text(&tilejson.description)),
            ("attribution", tilejson.attribution.clone()),
            ("minzoom", minzoom.to_string()),
            ("maxzoom", maxzoom.to_string()),
            (
                "bounds",
                set.bounds
                    .iter()
                    .map(|b| b.to_string())
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            (
                "center",
                set.center
                    .iter()
                    .map(|b| b.to_string())
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            ("json", json.to_string()),
        ];
        let mut st = tx
            .prepare("INSERT INTO metadata (name, value) VALUES (?1, ?2)")
            .map_err(sql)?;
        for (k, v) in meta {
            st.execute(rusqlite::params![k, v]).map_err(sql)?;
        }
        let mut st = tx
            .prepare("INSERT INTO tiles (zoom_level, tile_column, tile_row, tile_data) VALUES (?1, ?2, ?3, ?4)")
            .map_err(sql)?;
        for (c, raw) in tiles {
            let tms_row = (1u64 << c.z()) - 1 - u64::from(c.y());
            st.execute(rusqlite::params![c.z(), c.x(), tms_row, gzip(raw)?])
                .map_err(sql)?;
        }
    }
    tx.commit().map_err(sql)?;
    drop(db);
    std::fs::rename(&tmp, out).map_err(|source| ExportError::Io {
        path: out.display().to_string(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tiles::VecLayer;

    fn set<'a>(layers: &'a [VecLayer]) -> TileSet<'a> {
        TileSet {
            layers: layers.iter().map(|l| l as &dyn LayerSource).collect(),
            bounds: [130.0, 32.0, 131.0, 33.0],
            center: [130.5, 32.5, 8.0],
            zooms: 5..=14,
        }
    }

    fn layers() -> Vec<VecLayer> {
        ["municipalities", "regions", "coverage", "providers"]
            .into_iter()
            .map(|n| VecLayer::new(n, 5, 14))
            .collect()
    }

    #[test]
    fn only_keeps_the_named_layers_in_draw_order() {
        let l = layers();
        let s = set(&l)
            .only(&["providers", "regions", "providers"])
            .unwrap();
        assert_eq!(s.layer_names(), ["regions", "providers"]);
    }

    #[test]
    fn an_unknown_layer_is_an_error_listing_the_known_ones() {
        let l = layers();
        let e = set(&l).only(&["regions", "hospitals"]).err().unwrap();
        assert_eq!(
            e.to_string(),
            "unknown layer \"hospitals\": the layers are municipalities, regions, coverage, providers"
        );
    }

    #[test]
    fn an_empty_layer_list_is_an_error() {
        let l = layers();
        let e = set(&l).only::<&str>(&[]).err().unwrap();
        assert!(matches!(e, ExportError::NoLayers), "{e}");
    }
}
