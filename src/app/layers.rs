//! The map's layers built from one snapshot's data: `providers`, `regions`, `towns`, and (from
//! the coverage engine) `coverage` and `gaps`; and the orientation basemap: `municipalities`
//! (land: the sea is the style's background), `municipality_labels` (one point per
//! municipality for its name) and `roads` (the road layer's lines, classed by how often probe
//! vehicles were seen on them). Built once per snapshot; tiles are cut from them.

use super::rules::{Preset, ServiceArea};
use crate::coverage::CoverageSet;
use crate::data::{Dataset, ProviderKind};
use crate::routing::{RoadArea, ROAD_BUFFER_M};
use crate::tiles::{
    render_tile, LayerSource, PropValue, TileCoord, TileError, TileJson, TileSet, VecLayer,
};
use geo_types::Geometry;

mod basemap;
pub use basemap::{road_class, ROAD_CLASS_MIN_ZOOM};

/// Lowest and highest zoom the service cuts tiles for. Above 14 MapLibre overzooms.
pub const MIN_ZOOM: u8 = 5;
pub const MAX_ZOOM: u8 = 14;
/// The layers built from the dataset alone, in draw order (see
/// [`MapLayers::from_dataset_only`]).
const DATASET_LAYERS: [&str; 5] = [
    "municipalities",
    "regions",
    "roads",
    "providers",
    "municipality_labels",
];
/// Towns are dense (2,492 points): only from this zoom.
pub const TOWNS_MIN_ZOOM: u8 = 12;

/// The styling class of a provider: the most palliative capability it has, so a widget can
/// colour points with one `match` expression; a local resource's class is its kind
/// ([`resource_class`]).
pub fn provider_class(kinds: crate::data::KindSet) -> &'static str {
    use ProviderKind::*;
    if let Some(k) = kinds.iter().find(|k| k.is_resource()) {
        return resource_class(k);
    }
    if kinds.contains(PalliativeCareWard) {
        "palliative_care_ward"
    } else if kinds.contains(EnhancedHomePalliative) {
        "enhanced_home_palliative"
    } else if kinds.contains(HomeCareSupportClinic) {
        "home_care_support_clinic"
    } else if kinds.contains(HomeCareSupportHospital) {
        "home_care_support_hospital"
    } else {
        "other"
    }
}

/// The class of a local resource's kind: its API name (`pharmacy`, `home_visit_nursing`, …),
/// except `other`, which is `other_resource` so that it stays apart from the medical providers'
/// `other` class.
pub fn resource_class(kind: ProviderKind) -> &'static str {
    match kind {
        ProviderKind::OtherResource => "other_resource",
        k => k.as_str(),
    }
}

/// All layers of the map for one snapshot.
pub struct MapLayers {
    layers: Vec<Box<dyn LayerSource>>,
    /// The data's extent, for TileJSON's `bounds` and `center`.
    area: ServiceArea,
}

impl MapLayers {
    /// Builds `providers`, `regions`, `towns`, `coverage` and `gaps` from the dataset and the
    /// snapshot's coverage presets, and `road_coverage` when a road area is given. Regions
    /// carry the `home_care` preset's stats and towns its covered flag (the default map);
    /// coverage and gaps carry every preset, tagged `preset`.
    pub fn build(
        ds: &Dataset,
        coverage: &CoverageSet,
        road_area: Option<&RoadArea>,
    ) -> Result<Self, TileError> {
        let home_care = Preset::HomeCare.layer(coverage);
        let mut extra = coverage_layers(coverage)?;
        if let Some(a) = road_area {
            extra.push(road_coverage_layer(a)?);
        }
        let providers = providers_layer(ds)?;
        let regions = regions_layer(ds)?;

        let mut towns = VecLayer::new("towns", TOWNS_MIN_ZOOM, MAX_ZOOM);
        for (i, t) in ds.towns.iter().enumerate() {
            let props = vec![
                ("name".into(), t.name.as_str().into()),
                ("city".into(), t.city.as_str().into()),
                ("region_id".into(), PropValue::UInt(t.region_id.into())),
                (
                    "covered".into(),
                    PropValue::Bool(
                        home_care
                            .town_dist
                            .get(i)
                            .is_some_and(|d| *d <= home_care.params.radius_m()),
                    ),
                ),
            ];
            towns.push(Some(i as u64), Geometry::Point(t.location.point()), props)?;
        }

        // Draw order: polygons first, points on top (a style orders its own layers; this is
        // the order of the layers in a tile).
        let mut layers: Vec<Box<dyn LayerSource>> = vec![Box::new(basemap::municipalities(ds)?)];
        layers.push(Box::new(regions));
        layers.extend(
            extra
                .into_iter()
                .map(|l| Box::new(l) as Box<dyn LayerSource>),
        );
        let started = std::time::Instant::now();
        if let Some(roads) = basemap::roads(ds)? {
            layers.push(Box::new(roads));
        }
        tracing::info!(
            ms = started.elapsed().as_millis() as u64,
            "map road layer built"
        );
        layers.push(Box::new(towns));
        layers.push(Box::new(providers));
        layers.push(Box::new(basemap::municipality_labels(ds)?));
        Ok(Self {
            layers,
            area: ServiceArea::of(ds),
        })
    }

    /// The layers named in `names`, in draw order, when every one of them is built from the
    /// dataset alone (`municipalities`, `regions`, `roads`, `providers`,
    /// `municipality_labels`): the same layers as [`MapLayers::build`]'s, without the coverage
    /// and road engines a snapshot runs. `None` when a name is another layer's (or none).
    pub fn from_dataset_only<S: AsRef<str>>(
        ds: &Dataset,
        names: &[S],
    ) -> Result<Option<Self>, TileError> {
        let wanted = |n: &str| names.iter().any(|w| w.as_ref() == n);
        if names.is_empty() || !names.iter().all(|n| DATASET_LAYERS.contains(&n.as_ref())) {
            return Ok(None);
        }
        let mut layers: Vec<Box<dyn LayerSource>> = Vec::new();
        if wanted("municipalities") {
            layers.push(Box::new(basemap::municipalities(ds)?));
        }
        if wanted("regions") {
            layers.push(Box::new(regions_layer(ds)?));
        }
        if wanted("roads") {
            if let Some(roads) = basemap::roads(ds)? {
                layers.push(Box::new(roads));
            }
        }
        if wanted("providers") {
            layers.push(Box::new(providers_layer(ds)?));
        }
        if wanted("municipality_labels") {
            layers.push(Box::new(basemap::municipality_labels(ds)?));
        }
        Ok(Some(Self {
            layers,
            area: ServiceArea::of(ds),
        }))
    }

    /// The layers as producers, in draw order.
    pub fn sources(&self) -> Vec<&dyn LayerSource> {
        self.layers.iter().map(|l| l.as_ref()).collect()
    }

    /// Encodes one tile with every layer; an empty Vec means an empty tile. Tiles outside the
    /// served zoom range are empty.
    pub fn render(&self, coord: TileCoord) -> Result<Vec<u8>, TileError> {
        if !(MIN_ZOOM..=MAX_ZOOM).contains(&coord.z()) {
            return Ok(Vec::new());
        }
        render_tile(coord, &self.sources())
    }

    /// The layers, their area and zooms, for an archive (`carecover export`).
    pub fn tile_set(&self) -> TileSet<'_> {
        TileSet {
            layers: self.sources(),
            bounds: self.area.bounds(),
            center: self.area.center(),
            zooms: MIN_ZOOM..=MAX_ZOOM,
        }
    }

    /// [`Self::tile_set`] with each of `replacements` in place of the layer of its name (the
    /// coverage and gaps of some presets only, for a public map that leaves the others out).
    pub fn tile_set_replacing<'a>(&'a self, replacements: &'a [VecLayer]) -> TileSet<'a> {
        let mut set = self.tile_set();
        for layer in &mut set.layers {
            if let Some(r) = replacements.iter().find(|r| r.name() == layer.name()) {
                *layer = r;
            }
        }
        set
    }

    /// TileJSON 3.0 for these layers, with `tiles_url` the template the clients fetch.
    pub fn tilejson(&self, tiles_url: &str, attribution: &str) -> TileJson {
        crate::tiles::tilejson(
            tiles_url,
            MIN_ZOOM,
            MAX_ZOOM,
            self.area.bounds(),
            self.area.center(),
            attribution,
            &self.sources(),
        )
    }
}

/// `providers`: one point per provider and local resource with its contact details, class,
/// kind flags, tiers and beds.
fn providers_layer(ds: &Dataset) -> Result<VecLayer, TileError> {
    let mut providers = VecLayer::new("providers", MIN_ZOOM, MAX_ZOOM);
    for p in &ds.providers {
        let mut props: Vec<(String, PropValue)> = vec![
            ("id".into(), p.id.as_str().into()),
            ("name".into(), p.name.as_str().into()),
            ("class".into(), provider_class(p.kinds).into()),
            ("phone".into(), p.phone.as_str().into()),
            ("address".into(), p.address.as_str().into()),
            ("region_id".into(), PropValue::UInt(p.region_id.into())),
            (
                "geocode_level".into(),
                geocode_level(p.geocode_level).into(),
            ),
            (
                "facility_type".into(),
                facility_type(p.facility_type).into(),
            ),
            ("source".into(), p.source.as_str().into()),
            ("source_name".into(), source_name(ds, &p.source).into()),
            ("source_date".into(), p.source_date.as_str().into()),
        ];
        if !p.capabilities.is_empty() {
            props.push(("capabilities".into(), p.capabilities.join("、").into()));
        }
        for k in ProviderKind::ALL {
            props.push((k.as_str().into(), PropValue::Bool(p.kinds.contains(k))));
        }
        if let Some(t) = p.tiers.home_care_support() {
            props.push(("home_care_tier".into(), PropValue::UInt(t.into())));
        }
        if let Some(t) = p.tiers.pediatric_inpatient {
            props.push(("pediatric_inpatient_tier".into(), PropValue::UInt(t.into())));
        }
        if let Some(b) = p.beds_total {
            props.push(("beds".into(), PropValue::UInt(b.into())));
        }
        if let Some(b) = p.palliative_ward_beds {
            props.push(("palliative_ward_beds".into(), PropValue::UInt(b.into())));
        }
        let id = p.id.parse::<u64>().ok();
        providers.push(id, Geometry::Point(p.location.point()), props)?;
    }
    Ok(providers)
}

/// `regions`: the ten secondary medical regions with their names and area.
fn regions_layer(ds: &Dataset) -> Result<VecLayer, TileError> {
    let mut regions = VecLayer::new("regions", MIN_ZOOM, MAX_ZOOM);
    for r in &ds.regions {
        let props = vec![
            ("id".into(), PropValue::UInt(r.id.into())),
            ("name".into(), r.name.as_str().into()),
            ("name_en".into(), r.name_en.as_str().into()),
            (
                "area_km2".into(),
                PropValue::Double((r.area_km2 * 10.0).round() / 10.0),
            ),
        ];
        regions.push(
            Some(r.id.into()),
            Geometry::MultiPolygon(r.geometry.clone()),
            props,
        )?;
    }
    Ok(regions)
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// `coverage` and `gaps` layers: for each preset and region, the covered and the uncovered
/// part as one (Multi)Polygon feature tagged with `preset`, so a widget switches presets with
/// a filter instead of a new source.
pub fn coverage_layers(coverage: &CoverageSet) -> Result<Vec<VecLayer>, TileError> {
    coverage_layers_of(coverage, &Preset::ALL)
}

/// [`coverage_layers`] with the features of `presets` only (a public map of some presets,
/// `export --static --preset`). Each feature keeps the id it has in the served tiles.
pub fn coverage_layers_of(
    coverage: &CoverageSet,
    presets: &[Preset],
) -> Result<Vec<VecLayer>, TileError> {
    let mut cov = VecLayer::new("coverage", MIN_ZOOM, MAX_ZOOM);
    let mut gaps = VecLayer::new("gaps", MIN_ZOOM, MAX_ZOOM);
    let mut id = 0u64;
    for preset in Preset::ALL {
        let result = preset.layer(coverage);
        let wanted = presets.contains(&preset);
        for rc in &result.regions {
            let st = &rc.stats;
            let props = vec![
                ("preset".to_string(), PropValue::from(preset.name())),
                ("region_id".into(), PropValue::UInt(st.id.into())),
                ("region".into(), st.name.as_str().into()),
                (
                    "covered_pct".into(),
                    PropValue::Double(round1(st.covered_pct)),
                ),
                (
                    "covered_km2".into(),
                    PropValue::Double(round1(st.covered_km2)),
                ),
                ("gap_km2".into(), PropValue::Double(round1(st.gap_km2))),
                (
                    "towns_uncovered".into(),
                    PropValue::UInt(st.towns_uncovered as u64),
                ),
                (
                    "radius_km".into(),
                    PropValue::Double(result.params.radius_km()),
                ),
            ];
            if !rc.covered_lonlat.0.is_empty() {
                id += 1;
                if wanted {
                    cov.push(
                        Some(id),
                        Geometry::MultiPolygon(rc.covered_lonlat.clone()),
                        props.clone(),
                    )?;
                }
            }
            if !rc.gap_lonlat.0.is_empty() {
                id += 1;
                if wanted {
                    gaps.push(
                        Some(id),
                        Geometry::MultiPolygon(rc.gap_lonlat.clone()),
                        props,
                    )?;
                }
            }
        }
    }
    Ok(vec![cov, gaps])
}

/// The access layer's lowest zoom: below it the prefecture's ~35 000 cell points would make
/// one tile of hundreds of KB.
pub const ACCESS_MIN_ZOOM: u8 = 7;

/// `access`: one point per 500 m cell (its centre) with its E2SFCA index for one layer and
/// year (`access_index`, providers per 10 000 people 65+), its 65+ people, whether it is
/// `measured` or `estimated`, and its mesh code — for a heat map (the map draws each point as a
/// square-ish circle sized to the cell). Served at `/tiles/access/{preset}/{year}/…`.
pub fn access_layer(cells: &[super::access::CellIndex]) -> Result<VecLayer, TileError> {
    let mut layer = VecLayer::new("access", ACCESS_MIN_ZOOM, MAX_ZOOM);
    for (i, c) in cells.iter().enumerate() {
        let props = vec![
            (
                "access_index".to_string(),
                PropValue::Double((c.access_index * 100.0).round() / 100.0),
            ),
            (
                "population_65_plus".into(),
                PropValue::Double(round1(c.population_65_plus)),
            ),
            ("source".into(), c.source.into()),
            ("mesh_code".into(), c.mesh_code.as_str().into()),
        ];
        let at = geo_types::Point::new(c.lon, c.lat);
        layer.push(Some(i as u64), Geometry::Point(at), props)?;
    }
    Ok(layer)
}

/// `road_coverage`: per region, the area within 16 road-km of a `home_care` provider plus the
/// road buffer (see [`crate::routing::RoadArea`]), tagged `preset` like `coverage`. Regions
/// without a figure (too few roads in the data) have no feature.
pub fn road_coverage_layer(area: &RoadArea) -> Result<VecLayer, TileError> {
    let mut layer = VecLayer::new("road_coverage", MIN_ZOOM, MAX_ZOOM);
    for r in &area.regions {
        let Some(pct) = r.covered_by_road_pct else {
            continue;
        };
        if r.covered_lonlat.0.is_empty() {
            continue;
        }
        let props = vec![
            (
                "preset".to_string(),
                PropValue::from(Preset::HomeCare.name()),
            ),
            ("region_id".into(), PropValue::UInt(r.region_id.into())),
            ("region".into(), r.name.as_str().into()),
            ("covered_by_road_pct".into(), PropValue::Double(round1(pct))),
            (
                "covered_by_road_km2".into(),
                PropValue::Double(round1(r.covered_by_road_km2.unwrap_or(0.0))),
            ),
            (
                "radius_km".into(),
                PropValue::Double(area.radius_m / 1000.0),
            ),
            ("road_buffer_m".into(), PropValue::Double(ROAD_BUFFER_M)),
        ];
        layer.push(
            Some(r.region_id.into()),
            Geometry::MultiPolygon(r.covered_lonlat.clone()),
            props,
        )?;
    }
    Ok(layer)
}

/// A provider's `source` in words: the manifest source's name for a key, else the row's own
/// text (as the API's `source_name`).
pub(crate) fn source_name<'a>(ds: &'a Dataset, source: &'a str) -> &'a str {
    ds.manifest
        .sources
        .get(source)
        .map_or(source, |s| s.name.as_str())
}

fn facility_type(t: crate::data::FacilityType) -> &'static str {
    match t {
        crate::data::FacilityType::Hospital => "hospital",
        crate::data::FacilityType::Clinic => "clinic",
        crate::data::FacilityType::Resource => "resource",
    }
}

fn geocode_level(l: crate::data::GeocodeLevel) -> &'static str {
    match l {
        crate::data::GeocodeLevel::Town => "town",
        crate::data::GeocodeLevel::PostalCode => "postal_code",
        crate::data::GeocodeLevel::Municipality => "municipality",
    }
}
