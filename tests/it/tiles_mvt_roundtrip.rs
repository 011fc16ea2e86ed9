//! Encode with the crate, decode with the independent `mvt-reader`, compare.

use crate::tiles_common;

use carecover::tiles::{
    lat_to_tile_y, lon_to_tile_x, render_tile, tiles_covering, LayerBuilder, LayerSource,
    PropValue, RenderOptions, TileBuilder, TileContext, TileCoord, TileError, TileGeometry,
    TilePolygon, TileProjector, VecLayer,
};
use geo::BoundingRect;
use geo_types::{
    Coord, Geometry, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon,
};
use mvt_reader::feature::Value;
use tiles_common::{decode, fields, islands, kumamoto_polygon, spec_area2};

fn ring_i32(r: &[[i32; 2]]) -> LineString<i32> {
    let mut v: Vec<Coord<i32>> = r.iter().map(|p| Coord { x: p[0], y: p[1] }).collect();
    v.push(v[0]);
    LineString::new(v)
}

/// What mvt-reader should return for a geometry we encoded.
fn expected(g: &TileGeometry) -> Geometry<i32> {
    match g {
        TileGeometry::Points(p) => Geometry::MultiPoint(MultiPoint(
            p.iter().map(|q| Point::new(q[0], q[1])).collect(),
        )),
        TileGeometry::Lines(ls) => {
            let v: Vec<LineString<i32>> = ls
                .iter()
                .map(|l| LineString::new(l.iter().map(|p| Coord { x: p[0], y: p[1] }).collect()))
                .collect();
            if v.len() == 1 {
                Geometry::LineString(v[0].clone())
            } else {
                Geometry::MultiLineString(MultiLineString(v))
            }
        }
        TileGeometry::Polygons(ps) => Geometry::MultiPolygon(MultiPolygon(
            ps.iter()
                .map(|p| {
                    Polygon::new(
                        ring_i32(&p.exterior),
                        p.interiors.iter().map(|h| ring_i32(h)).collect(),
                    )
                })
                .collect(),
        )),
    }
}

#[test]
fn all_geometry_and_value_types_round_trip() {
    let geoms = vec![
        TileGeometry::Points(vec![[25, 17]]),
        TileGeometry::Points(vec![[5, 7], [3, 2], [-64, 4160]]),
        TileGeometry::Lines(vec![vec![[2, 2], [2, 10], [10, 10]]]),
        TileGeometry::Lines(vec![
            vec![[2, 2], [2, 10]],
            vec![[1, 1], [3, 5], [4000, 4100]],
        ]),
        TileGeometry::Polygons(vec![TilePolygon {
            exterior: vec![[0, 0], [100, 0], [100, 100], [0, 100]],
            interiors: vec![vec![[10, 10], [10, 90], [90, 90], [90, 10]]],
        }]),
        TileGeometry::Polygons(vec![
            TilePolygon {
                exterior: vec![[0, 0], [10, 0], [10, 10], [0, 10]],
                interiors: vec![],
            },
            TilePolygon {
                exterior: vec![[11, 11], [20, 11], [20, 20], [11, 20]],
                interiors: vec![vec![[13, 13], [13, 17], [17, 17], [17, 13]]],
            },
        ]),
    ];
    let props: Vec<(&str, PropValue)> = vec![
        ("name", PropValue::String("訪問看護ステーション".into())),
        ("f", PropValue::Float(1.5)),
        ("d", PropValue::Double(-2.25)),
        ("i", PropValue::Int(-7)),
        ("u", PropValue::UInt(u64::MAX)),
        ("s", PropValue::SInt(-123_456)),
        ("b", PropValue::Bool(true)),
    ];
    let mut layer = LayerBuilder::new("mixed");
    for (i, g) in geoms.iter().enumerate() {
        let id = (i % 2 == 0).then_some(i as u64 + 100);
        assert!(layer.add_feature(id, g, &props));
    }
    let mut tile = TileBuilder::new();
    tile.add_layer(layer).unwrap();
    let bytes = tile.encode();
    let layers = decode(&bytes);
    assert_eq!(layers.len(), 1);
    let (name, extent, version, feats) = &layers[0];
    assert_eq!((name.as_str(), *extent, *version), ("mixed", 4096, 2));
    assert_eq!(feats.len(), geoms.len());
    for (i, (f, g)) in feats.iter().zip(&geoms).enumerate() {
        assert_eq!(f.geometry, expected(g), "feature {i}");
        assert_eq!(f.id, (i % 2 == 0).then_some(i as u64 + 100));
        let p = f.properties.as_ref().unwrap();
        assert_eq!(p.len(), 7);
        assert_eq!(p["name"], Value::String("訪問看護ステーション".into()));
        assert_eq!(p["f"], Value::Float(1.5));
        assert_eq!(p["d"], Value::Double(-2.25));
        assert_eq!(p["i"], Value::Int(-7));
        assert_eq!(p["u"], Value::UInt(u64::MAX));
        assert_eq!(p["s"], Value::SInt(-123_456));
        assert_eq!(p["b"], Value::Bool(true));
    }
}

#[test]
fn keys_and_values_are_deduplicated_per_layer() {
    let mut layer = LayerBuilder::new("dedup");
    let g = TileGeometry::Points(vec![[1, 1]]);
    for i in 0..100u64 {
        let props = [
            ("kind", PropValue::from("clinic")),
            ("beds", PropValue::UInt(i % 3)),
            ("kind", PropValue::from("ignored duplicate key")),
        ];
        layer.add_feature(Some(i), &g, &props);
    }
    let mut tile = TileBuilder::new();
    tile.add_layer(layer).unwrap();
    let bytes = tile.encode();
    let top = fields(&bytes);
    assert_eq!(top.len(), 1);
    assert_eq!((top[0].0, top[0].1), (3, 2));
    let layer_fields = fields(&top[0].2);
    let count = |f: u64| layer_fields.iter().filter(|x| x.0 == f).count();
    assert_eq!(count(2), 100, "features");
    assert_eq!(count(3), 2, "keys kind, beds");
    assert_eq!(count(4), 4, "values clinic, 0, 1, 2");
    let version = layer_fields.iter().find(|x| x.0 == 15).unwrap();
    assert_eq!(version.3, 2);
    let extent = layer_fields.iter().find(|x| x.0 == 5).unwrap();
    assert_eq!(extent.3, 4096);
    let feats = &decode(&bytes)[0].3;
    assert_eq!(
        feats[5].properties.as_ref().unwrap()["kind"],
        Value::String("clinic".into())
    );
}

#[test]
fn empty_layers_and_tiles_and_duplicate_names() {
    let mut tile = TileBuilder::new();
    let mut empty = LayerBuilder::new("empty");
    assert!(!empty.add_feature::<&str>(None, &TileGeometry::Points(vec![]), &[]));
    tile.add_layer(empty).unwrap();
    assert!(tile.is_empty());
    assert!(tile.encode().is_empty());
    let mut a = LayerBuilder::new("a");
    a.add_feature::<&str>(None, &TileGeometry::Points(vec![[0, 0]]), &[]);
    let mut a2 = LayerBuilder::new("a");
    a2.add_feature::<&str>(None, &TileGeometry::Points(vec![[0, 0]]), &[]);
    tile.add_layer(a).unwrap();
    let err = tile.add_layer(a2).unwrap_err();
    assert!(matches!(err, TileError::DuplicateLayer { .. }));
    assert!(err.to_string().contains("\"a\""));
}

/// Vertices not on the clip border must come from the input: within
/// rounding distance of some input vertex (DP keeps original vertices).
fn assert_vertices_from_input(decoded: &Geometry<i32>, input: &[Coord<f64>], tile: &TileCoord) {
    let proj = TileProjector::new(tile);
    let src: Vec<[f64; 2]> = input.iter().map(|c| proj.project(c.x, c.y)).collect();
    let Geometry::MultiPolygon(mp) = decoded else {
        panic!("expected polygons, got {decoded:?}");
    };
    for p in &mp.0 {
        for r in std::iter::once(p.exterior()).chain(p.interiors()) {
            for c in &r.0 {
                if c.x == -64 || c.x == 4160 || c.y == -64 || c.y == 4160 {
                    continue;
                }
                let d = src
                    .iter()
                    .map(|s| (s[0] - f64::from(c.x)).hypot(s[1] - f64::from(c.y)))
                    .fold(f64::INFINITY, f64::min);
                assert!(
                    d <= 0.75,
                    "{tile}: vertex {c:?} is {d} units from any input vertex"
                );
            }
        }
    }
}

fn check_polygon_tiles(geom: Geometry<f64>, zooms: &[u8], all_coords: Vec<Coord<f64>>) {
    let bbox = geom.bounding_rect().unwrap();
    let mut layer = VecLayer::new("regions", 0, 22);
    layer
        .push(
            Some(7),
            geom.clone(),
            vec![("name".into(), "熊本市".into())],
        )
        .unwrap();
    let sources: [&dyn LayerSource; 1] = [&layer];
    for &z in zooms {
        let mut rendered = 0;
        for t in tiles_covering(&bbox, z).unwrap() {
            let bytes = render_tile(t, &sources).unwrap();
            let ctx = TileContext::new(&t, RenderOptions::default());
            let want = TileGeometry::from_lonlat(&geom, &ctx);
            let Some(want) = want else {
                assert!(
                    bytes.is_empty(),
                    "{t}: nothing visible must give an empty tile"
                );
                continue;
            };
            rendered += 1;
            let layers = decode(&bytes);
            assert_eq!(layers.len(), 1);
            let f = &layers[0].3;
            assert_eq!(f.len(), 1);
            assert_eq!(f[0].id, Some(7));
            assert_eq!(f[0].geometry, expected(&want), "{t}");
            let Geometry::MultiPolygon(mp) = &f[0].geometry else {
                panic!("{t}: not polygons");
            };
            for p in &mp.0 {
                assert!(
                    spec_area2(p.exterior()) > 0,
                    "{t}: exterior must be positive"
                );
                for h in p.interiors() {
                    assert!(spec_area2(h) < 0, "{t}: hole must be negative");
                }
            }
            if z <= 10 {
                assert_vertices_from_input(&f[0].geometry, &all_coords, &t);
            }
        }
        assert!(rendered > 0, "z{z}: no tile rendered");
    }
}

#[test]
fn kumamoto_polygon_with_hole_at_z6_z10_z14() {
    let p = kumamoto_polygon(2000);
    let coords: Vec<Coord<f64>> = p
        .exterior()
        .0
        .iter()
        .chain(p.interiors()[0].0.iter())
        .copied()
        .collect();
    check_polygon_tiles(Geometry::Polygon(p), &[6, 10, 14], coords);
}

#[test]
fn amakusa_multipolygon_at_z6_z10_z14() {
    let mp = islands(63);
    let coords: Vec<Coord<f64>> = mp.0.iter().flat_map(|p| p.exterior().0.clone()).collect();
    check_polygon_tiles(Geometry::MultiPolygon(mp), &[6, 10, 14], coords);
}

#[test]
fn tile_inside_polygon_is_the_buffered_square() {
    let p = kumamoto_polygon(2000);
    // z14 tile at the polygon's north part, clear of the hole and the edge.
    let (x, y) = (lon_to_tile_x(130.7, 14), lat_to_tile_y(32.9, 14));
    let t = TileCoord::new(14, x as u32, y as u32).unwrap();
    let b = t.bounds_lonlat();
    assert!(b.min().y > 32.8 && b.max().y < 32.96, "{b:?}");
    let mut layer = VecLayer::new("regions", 0, 22);
    layer.push(None, Geometry::Polygon(p), vec![]).unwrap();
    let bytes = render_tile(t, &[&layer as &dyn LayerSource]).unwrap();
    let f = &decode(&bytes)[0].3;
    let Geometry::MultiPolygon(mp) = &f[0].geometry else {
        panic!("not polygons");
    };
    assert_eq!(mp.0.len(), 1);
    assert!(mp.0[0].interiors().is_empty());
    assert_eq!(spec_area2(mp.0[0].exterior()), 2 * 4224 * 4224);
}

#[test]
fn roads_are_clipped_into_parts() {
    // A line leaving the z12 tile and coming back.
    let t = TileCoord::new(12, 3535, 1654).unwrap();
    let b = t.bounds_lonlat();
    let (w, e) = (b.min().x, b.max().x);
    let (s, n) = (b.min().y, b.max().y);
    let mid_y = (s + n) / 2.0;
    let line = LineString::from(vec![
        (w - 0.01, mid_y),
        (w + (e - w) * 0.3, mid_y),
        (w + (e - w) * 0.3, n + 0.01),
        (w + (e - w) * 0.7, n + 0.01),
        (w + (e - w) * 0.7, mid_y),
        (e + 0.01, mid_y),
    ]);
    let mut layer = VecLayer::new("roads", 10, 16);
    layer
        .push(
            Some(1),
            Geometry::LineString(line),
            vec![("class".into(), "primary".into())],
        )
        .unwrap();
    let bytes = render_tile(t, &[&layer as &dyn LayerSource]).unwrap();
    let f = &decode(&bytes)[0].3;
    let Geometry::MultiLineString(mls) = &f[0].geometry else {
        panic!("expected two parts, got {:?}", f[0].geometry);
    };
    assert_eq!(mls.0.len(), 2);
    assert_eq!(mls.0[0].0[0].x, -64);
    assert_eq!(mls.0[0].0.last().unwrap().y, -64);
    assert_eq!(mls.0[1].0.last().unwrap().x, 4160);
    // Outside the layer's zoom range: nothing.
    let z9 = TileCoord::new(9, 441, 206).unwrap();
    assert!(render_tile(z9, &[&layer as &dyn LayerSource])
        .unwrap()
        .is_empty());
}
