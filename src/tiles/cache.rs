//! A byte-bounded, thread-safe LRU cache of rendered tiles holding both the
//! raw MVT bytes and their gzip encoding (computed once, at insert).

use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;
use std::io::Write;
use std::sync::{Arc, Mutex, MutexGuard};

use flate2::write::GzEncoder;
use flate2::Compression;

use super::{TileCoord, TileError};

/// Gzip level used for tiles (zlib level 6, the usual speed/size balance).
pub const GZIP_LEVEL: u32 = 6;

/// Bytes charged per entry on top of the payloads, for map and bookkeeping
/// overhead, so that many empty tiles still count against the bound.
pub const ENTRY_OVERHEAD: usize = 64;

/// Gzip-compresses `data` (RFC 1952, level [`GZIP_LEVEL`]).
///
/// # Errors
/// [`TileError::Compression`] — writing into memory does not fail in
/// practice; the error is propagated rather than hidden.
pub fn gzip(data: &[u8]) -> Result<Vec<u8>, TileError> {
    let mut enc = GzEncoder::new(
        Vec::with_capacity(data.len() / 2 + 32),
        Compression::new(GZIP_LEVEL),
    );
    enc.write_all(data).map_err(TileError::Compression)?;
    enc.finish().map_err(TileError::Compression)
}

/// One cached tile: raw MVT and gzip-encoded bytes, cheap to clone.
/// An empty tile has both empty (answer `204`, no body to compress).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedTile {
    /// Uncompressed MVT.
    pub raw: Arc<[u8]>,
    /// `Content-Encoding: gzip` body.
    pub gzip: Arc<[u8]>,
}

impl CachedTile {
    /// Builds the entry, compressing `raw` once (nothing for an empty tile).
    ///
    /// # Errors
    /// See [`gzip`].
    pub fn new(raw: Vec<u8>) -> Result<Self, TileError> {
        let gz = if raw.is_empty() {
            Vec::new()
        } else {
            gzip(&raw)?
        };
        Ok(Self {
            raw: raw.into(),
            gzip: gz.into(),
        })
    }

    /// Whether the tile has no content.
    pub fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }

    /// Bytes charged against the cache capacity.
    pub fn cost(&self) -> usize {
        self.raw.len() + self.gzip.len() + ENTRY_OVERHEAD
    }
}

#[derive(Debug)]
struct Inner<K> {
    map: HashMap<K, (CachedTile, u64)>,
    order: BTreeMap<u64, K>,
    tick: u64,
    used: usize,
}

/// Least-recently-used tile cache bounded by total bytes
/// ([`CachedTile::cost`]). Keys default to [`TileCoord`]; use a tuple such
/// as `(dataset_version, TileCoord)` to keep several tilesets apart.
/// One `Mutex` guards the map; gzip work happens outside the lock.
#[derive(Debug)]
pub struct TileCache<K = TileCoord> {
    capacity: usize,
    inner: Mutex<Inner<K>>,
}

impl<K: Hash + Eq + Clone> TileCache<K> {
    /// A cache holding at most `capacity_bytes` of tiles.
    pub fn new(capacity_bytes: usize) -> Self {
        Self {
            capacity: capacity_bytes,
            inner: Mutex::new(Inner {
                map: HashMap::new(),
                order: BTreeMap::new(),
                tick: 0,
                used: 0,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner<K>> {
        // A panic while holding the lock cannot leave the maps inconsistent
        // in a way that matters for a cache; keep serving.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Capacity in bytes, as given to [`Self::new`].
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Bytes currently charged (always `<= capacity`).
    pub fn bytes_used(&self) -> usize {
        self.lock().used
    }

    /// Number of cached tiles.
    pub fn len(&self) -> usize {
        self.lock().map.len()
    }

    /// Whether nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.lock().map.is_empty()
    }

    /// Looks up `key`, marking it most recently used.
    pub fn get(&self, key: &K) -> Option<CachedTile> {
        let mut g = self.lock();
        g.tick += 1;
        let tick = g.tick;
        let (tile, old) = {
            let e = g.map.get_mut(key)?;
            let old = e.1;
            e.1 = tick;
            (e.0.clone(), old)
        };
        g.order.remove(&old);
        g.order.insert(tick, key.clone());
        Some(tile)
    }

    /// Compresses `raw` and inserts it under `key`, evicting least recently
    /// used tiles until it fits. A tile larger than the whole capacity is
    /// returned but not stored.
    ///
    /// # Errors
    /// See [`gzip`].
    pub fn insert(&self, key: K, raw: Vec<u8>) -> Result<CachedTile, TileError> {
        let tile = CachedTile::new(raw)?;
        self.insert_tile(key, tile.clone());
        Ok(tile)
    }

    /// Returns the cached tile for `key`, or renders it with `render`,
    /// caches and returns it. Concurrent misses may render twice; the last
    /// insert wins.
    ///
    /// # Errors
    /// Errors of `render`, or of [`gzip`].
    pub fn get_or_insert_with<F>(&self, key: K, render: F) -> Result<CachedTile, TileError>
    where
        F: FnOnce() -> Result<Vec<u8>, TileError>,
    {
        if let Some(t) = self.get(&key) {
            return Ok(t);
        }
        self.insert(key, render()?)
    }

    fn insert_tile(&self, key: K, tile: CachedTile) {
        let cost = tile.cost();
        let mut g = self.lock();
        if let Some((old, stamp)) = g.map.remove(&key) {
            g.order.remove(&stamp);
            g.used -= old.cost();
        }
        if cost > self.capacity {
            return;
        }
        while g.used + cost > self.capacity {
            let Some((_, victim)) = g.order.pop_first() else {
                break;
            };
            if let Some((old, _)) = g.map.remove(&victim) {
                g.used -= old.cost();
            }
        }
        g.tick += 1;
        let tick = g.tick;
        g.order.insert(tick, key.clone());
        g.map.insert(key, (tile, tick));
        g.used += cost;
    }

    /// Drops every entry (e.g. after the data changed).
    pub fn clear(&self) {
        let mut g = self.lock();
        g.map.clear();
        g.order.clear();
        g.used = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn gzip_round_trips() {
        let data = b"carecover carecover carecover".repeat(10);
        let gz = gzip(&data).unwrap();
        assert_eq!(&gz[..2], &[0x1f, 0x8b]);
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, data);
    }

    #[test]
    fn lru_order_is_respected() {
        let one = CachedTile::new(vec![1; 100]).unwrap().cost();
        let c: TileCache<u32> = TileCache::new(one * 2);
        c.insert(1, vec![1; 100]).unwrap();
        c.insert(2, vec![1; 100]).unwrap();
        assert!(c.get(&1).is_some()); // 1 is now most recent
        c.insert(3, vec![1; 100]).unwrap();
        assert!(c.get(&2).is_none(), "least recently used must go");
        assert!(c.get(&1).is_some() && c.get(&3).is_some());
        c.insert(3, vec![1; 100]).unwrap(); // replace keeps accounting exact
        assert_eq!(c.bytes_used(), 2 * one);
        c.clear();
        assert_eq!((c.len(), c.bytes_used()), (0, 0));
    }

    #[test]
    fn oversized_and_empty_tiles() {
        let c: TileCache<u8> = TileCache::new(100);
        let t = c.insert(1, vec![7; 1000]).unwrap();
        assert_eq!(t.raw.len(), 1000);
        assert!(c.is_empty());
        let e = c.insert(2, Vec::new()).unwrap();
        assert!(e.is_empty() && e.gzip.is_empty());
        assert_eq!(c.bytes_used(), ENTRY_OVERHEAD);
    }
}
