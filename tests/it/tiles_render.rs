//! `render_tile` over several sources, and TileJSON built from the same
//! sources.

use crate::tiles_common;

use carecover::tiles::{
    render_tile, tilejson, LayerSource, PropValue, TileCoord, TileError, VecLayer,
};
use geo_types::{point, Geometry};
use tiles_common::{decode, islands, kumamoto_polygon};

fn sources() -> (VecLayer, VecLayer, VecLayer) {
    let mut regions = VecLayer::new("regions", 5, 12);
    regions
        .push(
            Some(1),
            Geometry::Polygon(kumamoto_polygon(500)),
            vec![("name".into(), "熊本市".into())],
        )
        .unwrap();
    regions
        .push(
            Some(2),
            Geometry::MultiPolygon(islands(63)),
            vec![("name".into(), "天草".into())],
        )
        .unwrap();
    let mut providers = VecLayer::new("providers", 10, 16);
    for i in 0..200u64 {
        let lon = 130.5 + (i % 20) as f64 * 0.02;
        let lat = 32.6 + (i / 20) as f64 * 0.04;
        providers
            .push(
                Some(i),
                Geometry::Point(point!(x: lon, y: lat)),
                vec![
                    ("name".into(), format!("clinic {i}").into()),
                    ("night".into(), PropValue::Bool(i % 2 == 0)),
                    ("nurses".into(), PropValue::UInt(i % 5)),
                ],
            )
            .unwrap();
    }
    let towns = VecLayer::new("towns", 0, 22);
    (regions, providers, towns)
}

#[test]
fn layers_follow_their_zoom_ranges() {
    let (regions, providers, towns) = sources();
    let srcs: [&dyn LayerSource; 3] = [&regions, &providers, &towns];
    // z8 tile containing Kumamoto: regions only.
    let t8 = TileCoord::new(8, 220, 103).unwrap();
    let names: Vec<String> = decode(&render_tile(t8, &srcs).unwrap())
        .into_iter()
        .map(|l| l.0)
        .collect();
    assert_eq!(names, vec!["regions"]);
    // z11: both, in source order; the empty `towns` layer is omitted.
    let t11 = TileCoord::new(11, 1767, 827).unwrap();
    let layers = decode(&render_tile(t11, &srcs).unwrap());
    let names: Vec<&str> = layers.iter().map(|l| l.0.as_str()).collect();
    assert_eq!(names, vec!["regions", "providers"]);
    let providers_in_tile = &layers[1].3;
    assert!(!providers_in_tile.is_empty());
    for f in providers_in_tile {
        let id = f.id.unwrap();
        let p = f.properties.as_ref().unwrap();
        assert_eq!(
            p["name"],
            mvt_reader::feature::Value::String(format!("clinic {id}"))
        );
        assert_eq!(p["night"], mvt_reader::feature::Value::Bool(id % 2 == 0));
    }
    // z14 far out at sea: empty.
    let sea = TileCoord::new(14, 0, 0).unwrap();
    assert!(render_tile(sea, &srcs).unwrap().is_empty());
}

#[test]
fn duplicate_source_names_are_reported() {
    let (regions, _, _) = sources();
    let t8 = TileCoord::new(8, 220, 103).unwrap();
    let err = render_tile(t8, &[&regions, &regions]).unwrap_err();
    assert!(matches!(err, TileError::DuplicateLayer { .. }));
}

#[test]
fn tilejson_lists_every_source() {
    let (regions, providers, towns) = sources();
    let v = serde_json::to_value(tilejson(
        "https://carecover.example/tiles/{z}/{x}/{y}.mvt",
        0,
        14,
        [129.9, 32.0, 131.4, 33.2],
        [130.7, 32.8, 9.0],
        "© 熊本県",
        &[&regions, &providers, &towns],
    ))
    .unwrap();
    assert_eq!(v["tilejson"], "3.0.0");
    let vl = v["vector_layers"].as_array().unwrap();
    assert_eq!(vl.len(), 3);
    assert_eq!(vl[0]["id"], "regions");
    assert_eq!(vl[0]["minzoom"], 5);
    assert_eq!(vl[1]["maxzoom"], 14, "clamped to the tileset's maxzoom");
    assert_eq!(vl[1]["fields"]["night"], "Boolean");
    assert_eq!(vl[1]["fields"]["nurses"], "Number");
    assert!(vl[2]["fields"].as_object().unwrap().is_empty());
}
