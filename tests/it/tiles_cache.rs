//! Byte-bounded tile cache: eviction and concurrent use.

use std::io::Read;
use std::sync::Arc;

use carecover::tiles::{CachedTile, TileCache, TileCoord, TileError};

fn payload(t: &TileCoord) -> Vec<u8> {
    format!("tile {t} ")
        .repeat(20 + (t.x() as usize % 7))
        .into_bytes()
}

fn gunzip(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(b)
        .read_to_end(&mut out)
        .unwrap();
    out
}

#[test]
fn inserting_beyond_capacity_evicts() {
    let coords: Vec<TileCoord> = (0..64).map(|x| TileCoord::new(6, x, 20).unwrap()).collect();
    let one = CachedTile::new(payload(&coords[0])).unwrap().cost();
    let cap = one * 10;
    let cache: TileCache = TileCache::new(cap);
    assert_eq!(cache.capacity(), cap);
    for t in &coords {
        let c = cache.insert(*t, payload(t)).unwrap();
        assert_eq!(&c.raw[..], &payload(t)[..]);
        assert_eq!(gunzip(&c.gzip), payload(t));
        assert!(cache.bytes_used() <= cap, "{} > {cap}", cache.bytes_used());
    }
    assert!(cache.len() < coords.len(), "nothing was evicted");
    assert!(cache.len() >= 5);
    assert!(cache.get(&coords[0]).is_none(), "oldest must be evicted");
    let last = cache.get(coords.last().unwrap()).expect("newest stays");
    assert_eq!(gunzip(&last.gzip), payload(coords.last().unwrap()));
}

#[test]
fn get_or_insert_with_renders_once_and_propagates_errors() {
    let cache: TileCache = TileCache::new(1 << 20);
    let t = TileCoord::new(3, 1, 2).unwrap();
    let mut calls = 0;
    for _ in 0..3 {
        let c = cache
            .get_or_insert_with(t, || {
                calls += 1;
                Ok(payload(&t))
            })
            .unwrap();
        assert_eq!(&c.raw[..], &payload(&t)[..]);
    }
    assert_eq!(calls, 1);
    let u = TileCoord::new(3, 2, 2).unwrap();
    let r = cache.get_or_insert_with(u, || Err(TileError::DuplicateLayer { name: "x".into() }));
    assert!(r.is_err());
    assert!(cache.get(&u).is_none());
}

#[test]
fn concurrent_use_from_threads_stays_bounded_and_correct() {
    let cap = 40_000;
    let cache: Arc<TileCache> = Arc::new(TileCache::new(cap));
    std::thread::scope(|s| {
        for th in 0..8u32 {
            let cache = Arc::clone(&cache);
            s.spawn(move || {
                for i in 0..400u32 {
                    let x = (i * 7 + th * 13) % 256;
                    let t = TileCoord::new(8, x, (i + th) % 256).unwrap();
                    if let Some(c) = cache.get(&t) {
                        assert_eq!(&c.raw[..], &payload(&t)[..], "wrong bytes for {t}");
                    } else {
                        cache.insert(t, payload(&t)).unwrap();
                    }
                    assert!(cache.bytes_used() <= cap);
                }
            });
        }
    });
    assert!(cache.bytes_used() <= cap);
    assert!(!cache.is_empty());
}
