//! The fuzz target bodies, shared by the libFuzzer targets (`fuzz_targets/*.rs`), the corpus
//! replay test (`tests/it/fuzz_corpus.rs`, run by plain `cargo test`) and the seeded stress run
//! (`examples/fuzz_stress.rs`). A body panics only when it finds a bug: a crash in the code
//! under test or a broken invariant checked here.
#![allow(dead_code)]

use carecover::tiles::{
    LayerBuilder, PropValue, RenderOptions, TileBuilder, TileContext, TileCoord, TileGeometry,
    BUFFER, EXTENT,
};
use geo_types::{Coord, Geometry, LineString, MultiPoint, Point, Polygon};

/// A target body: one input, panics on a bug.
pub type Body = fn(&[u8]);

/// Every target by name (the names of `fuzz_targets/*.rs` and `corpus/*/`).
pub const TARGETS: &[(&str, Body)] = &[
    ("tile_path", tile_path),
    ("nearest_query", nearest_query),
    ("provider_csv", provider_csv),
    ("polygon_geojson", polygon_geojson),
    ("address_normalize", address_normalize),
    ("address_geocode", address_geocode),
    ("tile_roundtrip", tile_roundtrip),
];

/// `/{z}/{x}/{y}.mvt` segments: an accepted coordinate is in range and round-trips.
pub fn tile_path(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    let mut parts = s.splitn(3, '/');
    let (z, x, y) = (
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
    );
    if let Ok(c) = TileCoord::parse_path(z, x, y) {
        assert!(c.z() <= carecover::tiles::MAX_ZOOM);
        assert!(u64::from(c.x()) < 1u64 << c.z() && u64::from(c.y()) < 1u64 << c.z());
        let again = TileCoord::parse_path(
            &c.z().to_string(),
            &c.x().to_string(),
            &format!("{}.mvt", c.y()),
        )
        .expect("a printed coordinate parses");
        assert_eq!(again, c);
    }
}

/// The built-in data's service area (loaded once).
fn service_area() -> &'static carecover::app::rules::ServiceArea {
    static AREA: std::sync::OnceLock<carecover::app::rules::ServiceArea> =
        std::sync::OnceLock::new();
    AREA.get_or_init(|| {
        let ds = carecover::data::Dataset::load(
            carecover::data::DataFiles::Builtin,
            &carecover::data::Manifest::builtin().expect("the built-in manifest parses"),
        )
        .expect("the built-in data loads");
        carecover::app::rules::ServiceArea::of(&ds)
    })
}

/// The `/api/nearest` query string: accepted queries respect the caps.
pub fn nearest_query(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    let area = service_area();
    match carecover::server::parse_nearest_query(&s, area) {
        Ok(q) => {
            assert!((1..=50).contains(&q.k), "k={}", q.k);
            if let carecover::app::nearest::NearestAt::Point(p) = q.at {
                assert!(area.query_lat().contains(&p.lat()));
                assert!(area.query_lon().contains(&p.lon()));
            }
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}

fn check_issues(issues: &[carecover::data::DataIssue]) {
    for i in issues {
        assert!(!i.file.is_empty() && !i.location.is_empty() && !i.message.is_empty());
    }
}

/// Provider CSV on arbitrary text: issues, never a panic.
pub fn provider_csv(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    let (_rows, issues) = carecover::data::check_provider_csv(&s);
    check_issues(&issues);
}

/// A GeoJSON polygon layer on arbitrary text: issues, never a panic (geo's validation and
/// area code must never see NaN).
pub fn polygon_geojson(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    let (_features, issues) = carecover::data::check_polygon_geojson(&s);
    check_issues(&issues);
}

/// The address normaliser: text and key stay aligned, postal codes have 7 digits.
pub fn address_normalize(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    let n = carecover::geocode::normalize_address(&s);
    assert_eq!(n.text.chars().count(), n.key.chars().count(), "{s:?}");
    if let Some(pc) = n.postal_code {
        assert!(pc <= 9_999_999);
    }
}

/// The real gazetteer (with the former-municipality table), loaded once: `CARECOVER_DATA`,
/// else the repository's `geodata/` (the built-in data's files).
fn gazetteer() -> &'static carecover::geocode::Gazetteer {
    static GAZ: std::sync::OnceLock<carecover::geocode::Gazetteer> = std::sync::OnceLock::new();
    GAZ.get_or_init(|| {
        let here = env!("CARGO_MANIFEST_DIR");
        let repo = here.strip_suffix("/fuzz").unwrap_or(here);
        let dir = std::env::var_os("CARECOVER_DATA")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| std::path::Path::new(repo).join("geodata"));
        match carecover::geocode::Gazetteer::load(
            &dir,
            &carecover::data::Manifest::builtin().unwrap(),
        ) {
            Ok((g, _)) => g,
            Err(e) => panic!(
                "fuzz setup: cannot load the gazetteer from {}: {e}",
                dir.display()
            ),
        }
    })
}

/// Whole geocoding on arbitrary text (former names, no municipality, kana, postal codes):
/// never a panic, and the answer keeps its invariants.
pub fn address_geocode(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    let a = gazetteer().geocode(&s, 5);
    assert_eq!(a.candidates.is_empty(), a.reason.is_some(), "{s:?}");
    assert!(a.candidates.len() <= 5);
    if a.ambiguous {
        assert!(
            a.candidates.len() >= 2,
            "{s:?}: ambiguous with one candidate"
        );
    }
    for c in &a.candidates {
        assert!((0.0..=1.0).contains(&c.score), "{s:?}: score {}", c.score);
        assert!(c.lat.is_finite() && c.lon.is_finite());
    }
    for w in a.candidates.windows(2) {
        assert!(w[0].score >= w[1].score, "{s:?}: not sorted");
    }
}

/// Random lon/lat geometry through the tile pipeline (project, clip, simplify, orient),
/// encoded, then decoded by the independent `mvt-reader`: the tile decodes, holds exactly the
/// feature we added with the geometry type we encoded and the same number of parts (so
/// polygon winding is right: a wrong exterior would read as a hole or a new polygon), and
/// every vertex lies in the buffered extent.
pub fn tile_roundtrip(data: &[u8]) {
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    let coord = match TileCoord::new(10, 883, 413) {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    };
    let ctx = TileContext::new(&coord, RenderOptions::default());
    let b = *ctx.bbox();
    // Each u16 pair maps to the buffered tile bbox widened by half its size on every side,
    // so clipping is exercised too.
    let (w, h) = (b.max().x - b.min().x, b.max().y - b.min().y);
    let pts: Vec<Coord<f64>> = rest
        .chunks_exact(4)
        .map(|c| {
            let u = f64::from(u16::from_le_bytes([c[0], c[1]])) / 65535.0;
            let v = f64::from(u16::from_le_bytes([c[2], c[3]])) / 65535.0;
            Coord {
                x: b.min().x - w / 2.0 + u * 2.0 * w,
                y: b.min().y - h / 2.0 + v * 2.0 * h,
            }
        })
        .take(512)
        .collect();
    if pts.is_empty() {
        return;
    }
    let geom: Geometry<f64> = match kind % 3 {
        0 => Geometry::MultiPoint(MultiPoint(pts.iter().map(|c| Point(*c)).collect())),
        1 if pts.len() >= 2 => Geometry::LineString(LineString::new(pts)),
        2 if pts.len() >= 3 => {
            // Byte 0's high bit splits the points into exterior and one hole.
            let split = if kind & 0x80 != 0 && pts.len() >= 6 {
                pts.len() / 2
            } else {
                pts.len()
            };
            let mut ext = pts[..split].to_vec();
            ext.push(ext[0]);
            let holes = if split < pts.len() {
                let mut hole = pts[split..].to_vec();
                hole.push(hole[0]);
                vec![LineString::new(hole)]
            } else {
                vec![]
            };
            Geometry::Polygon(Polygon::new(LineString::new(ext), holes))
        }
        _ => return,
    };
    let Some(tg) = TileGeometry::from_lonlat(&geom, &ctx) else {
        return;
    };
    let mut layer = LayerBuilder::new("fuzz");
    let props = [("n", PropValue::UInt(u64::from(kind)))];
    if !layer.add_feature(Some(7), &tg, &props) {
        return;
    }
    let mut tile = TileBuilder::new();
    if let Err(e) = tile.add_layer(layer) {
        panic!("{e}");
    }
    let bytes = tile.encode();
    let reader = mvt_reader::Reader::new(bytes).expect("our tile decodes");
    let layers = reader.get_layer_metadata().expect("layer metadata");
    assert_eq!(layers.len(), 1);
    let features = reader
        .get_features_as::<i32>(layers[0].layer_index)
        .expect("features decode");
    assert_eq!(features.len(), 1);
    let decoded = &features[0].geometry;
    let lo = -(BUFFER as i32);
    let hi = (EXTENT + BUFFER) as i32;
    let in_extent = |c: &Coord<i32>| (lo..=hi).contains(&c.x) && (lo..=hi).contains(&c.y);
    use geo::CoordsIter;
    assert!(decoded.coords_iter().all(|c| in_extent(&c)), "{tg:?}");
    match (&tg, decoded) {
        (TileGeometry::Points(p), Geometry::Point(_)) => assert_eq!(p.len(), 1),
        (TileGeometry::Points(p), Geometry::MultiPoint(m)) => assert_eq!(p.len(), m.0.len()),
        (TileGeometry::Lines(l), Geometry::LineString(_)) => assert_eq!(l.len(), 1),
        (TileGeometry::Lines(l), Geometry::MultiLineString(m)) => assert_eq!(l.len(), m.0.len()),
        (TileGeometry::Polygons(p), Geometry::Polygon(q)) => {
            assert_eq!(p.len(), 1, "{tg:?}");
            assert_eq!(p[0].interiors.len(), q.interiors().len(), "{tg:?}");
        }
        (TileGeometry::Polygons(p), Geometry::MultiPolygon(m)) => {
            assert_eq!(p.len(), m.0.len(), "{tg:?}");
            for (a, b) in p.iter().zip(&m.0) {
                assert_eq!(a.interiors.len(), b.interiors().len(), "{tg:?}");
            }
        }
        (a, b) => panic!("encoded {a:?}, decoded {b:?}"),
    }
}
