//! The OpenAPI 3.1 document of every route, generated from the handlers' `#[utoipa::path]`
//! annotations and the answers' types (`GET /openapi.json`). The documented form of the API
//! paths is `/api/v1/…`; the older `/api/…` paths are listed too, marked deprecated, because
//! they answer the same (existing widgets and scripts keep working).

use super::error::ErrorBody;
use super::{admin, coverage, health, isochrone, metrics, nearest, style, tiles};
use crate::data::ProviderKind;
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::{Content, HttpMethod, OpenApi as Document, ResponseBuilder};
use utoipa::{IntoParams, OpenApi};

/// The documented prefix of the API paths.
pub const API_V1_PREFIX: &str = "/api/v1";
/// The older prefix, kept as an alias of [`API_V1_PREFIX`].
pub const API_PREFIX: &str = "/api";

/// The names of a documented parameter set, in order: what a handler accepts (so the document
/// and the parser cannot disagree).
pub fn param_names<P: IntoParams>() -> Vec<String> {
    P::into_params(|| None)
        .into_iter()
        .map(|p| p.name)
        .collect()
}

/// The parameters that choose a coverage layer: a preset, or kinds, required kinds and a tier;
/// a radius in either case.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct LayerParams {
    /// Comma list of kinds, any of which counts (default: home_care_support_clinic,
    /// home_care_support_hospital); a local resource kind (home_visit_nursing, pharmacy, …)
    /// gives the coverage of those resources.
    #[param(style = Form, explode = false, min_items = 1, value_type = Option<Vec<ProviderKind>>)]
    kind: Option<String>,
    /// Comma list of kinds a provider must all hold.
    #[param(style = Form, explode = false, min_items = 1, value_type = Option<Vec<ProviderKind>>)]
    require: Option<String>,
    /// Service radius, km, 1–50 (default 16, the legal home-visit radius).
    #[param(minimum = 1, maximum = 50)]
    radius_km: Option<f64>,
    /// Only providers whose home-care support tier is at most this (1–3).
    #[param(minimum = 1, maximum = 3)]
    tier_max: Option<i64>,
    /// A named layer: `home_care` (default), `enhanced_palliative`, `strengthened`,
    /// `pediatric_home`. Not with `kind`, `require` or `tier_max`.
    #[param(pattern = "^(home_care|enhanced_palliative|strengthened|pediatric_home)$")]
    preset: Option<String>,
}

/// The parameters of `POST /admin/resources`.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct UploadParams {
    /// The list's name: its file is `resources/NAME.csv` in the data folder (1–64 of a–z,
    /// 0–9, `_`, `-`). Uploading the same name again replaces the list.
    #[param(pattern = "^[a-z0-9_-]{1,64}$")]
    name: String,
    /// The kind of every row (replaces the file's kind column); without it every row needs a
    /// kind column of resource kinds.
    #[param(value_type = Option<ProviderKind>)]
    kind: Option<String>,
    /// `auto` (default: UTF-8 when the bytes are UTF-8, else Shift_JIS), `utf-8` or
    /// `shift_jis` (CP932).
    encoding: Option<String>,
    /// Who compiled a new list (the manifest's source entry; rows may name their own).
    source: Option<String>,
    /// The list's date, `YYYY-MM-DD` or `YYYY-MM`.
    date: Option<String>,
    /// The uploaded file's own name, for the report and the upload log.
    filename: Option<String>,
}

/// The year of the people figures (regions, municipalities, access).
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct YearParams {
    /// 2020 (census, default) or a projected year: 2025, 2030, 2035, 2040, 2045, 2050
    /// (IPSS 2023; the years the data has).
    #[param(minimum = 2020, maximum = 2050)]
    year: Option<u16>,
}

/// `GET /api/v1/access`: what to list besides the areas.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct AccessParams {
    /// Also list every 500 m cell with its centre, 65+ people and index.
    cells: Option<bool>,
    /// Also list every town with the index at its point.
    towns: Option<bool>,
}

/// `GET /api/v1/nearest`.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct NearestParams {
    /// Latitude of the home (with `lon`; or give `address`).
    lat: Option<f64>,
    /// Longitude of the home.
    lon: Option<f64>,
    /// How many providers, 1–50 (default 5).
    #[param(minimum = 1, maximum = 50)]
    k: Option<u32>,
    /// Comma list of kinds, any of which counts (default: every medical kind; the local
    /// resource kinds — home_visit_nursing, pharmacy, … — only when named).
    #[param(style = Form, explode = false, min_items = 1, value_type = Option<Vec<ProviderKind>>)]
    kind: Option<String>,
    /// Comma list of kinds a provider must all hold.
    #[param(style = Form, explode = false, min_items = 1, value_type = Option<Vec<ProviderKind>>)]
    require: Option<String>,
    /// A Kumamoto address instead of lat/lon, e.g. 熊本市中央区水前寺6丁目18-1.
    address: Option<String>,
    /// `distance` (straight line, default) or `road`.
    #[param(pattern = "^(distance|road)$")]
    sort: Option<String>,
}

/// `GET /api/v1/geocode`.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct GeocodeParams {
    /// The address (at most 200 characters).
    #[param(max_length = 200)]
    q: String,
    /// How many candidates, 1–20 (default 5).
    #[param(minimum = 1, maximum = 20)]
    limit: Option<u32>,
}

/// `GET /api/v1/isochrone`.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct IsochroneParams {
    lat: f64,
    lon: f64,
    /// Comma list of 1–4 strictly increasing values, e.g. 10,20,30 (at most 120 min or
    /// 100 km).
    #[param(pattern = "^[0-9]+(\\.[0-9]+)?(,[0-9]+(\\.[0-9]+)?){0,3}$")]
    contours: String,
    /// `min` (drive time, default) or `km` (road distance).
    #[param(pattern = "^(min|km)$")]
    metric: Option<String>,
}

/// `GET /api/v1/suggest`.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct SuggestParams {
    /// The medical region, 1–10.
    #[param(minimum = 1, maximum = 10)]
    region: u8,
    /// How many sites, 1–10 (default 3).
    #[param(minimum = 1, maximum = 10)]
    n: Option<u32>,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "carecover",
        description = "Home palliative-care coverage for Kumamoto: the nearest providers that \
            may visit a home (16 km rule), coverage and gaps per medical region and \
            municipality, what-if scenarios, isochrones, vector tiles. Errors are \
            `{\"error\": {\"code\", \"message\"}}` with a 4xx status for client mistakes.",
        license(name = "MIT OR Apache-2.0"),
    ),
    paths(
        nearest::nearest,
        nearest::provider,
        nearest::kinds,
        nearest::geocode,
        isochrone::isochrone_route,
        coverage::regions,
        coverage::region,
        coverage::municipalities,
        coverage::municipality,
        coverage::uncovered_towns,
        coverage::coverage,
        coverage::suggest,
        coverage::scenarios,
        coverage::access,
        tiles::tilejson,
        tiles::tile,
        tiles::access_tile,
        style::style,
        style::glyphs,
        style::ui_font,
        health::healthz,
        health::readyz,
        admin::reload_route,
        metrics::metrics,
        admin::upload_resources,
        openapi_json,
    ),
    components(schemas(ErrorBody)),
    tags(
        (name = "nurses", description = "Nearest providers for a home"),
        (name = "planners", description = "Coverage, gaps, what-if and site suggestions"),
        (name = "map", description = "Tiles, TileJSON, style, glyphs and the widget"),
        (name = "operations", description = "Health, readiness, reload"),
    )
)]
struct ApiDoc;

/// The whole document: the annotated routes, the `/api/…` aliases of the `/api/v1/…` ones
/// (deprecated), the widget's files (`web_paths`), and the admin routes when `admin` (without
/// a token they do not exist). `lat`/`lon` carry the served area's bounds (`area`, from the
/// data).
pub fn openapi(
    web_paths: &[(&'static str, &'static str)],
    admin: bool,
    area: &crate::app::rules::ServiceArea,
) -> Document {
    let mut doc = ApiDoc::openapi();
    if !admin {
        doc.paths
            .paths
            .retain(|path, _| !path.starts_with("/admin/"));
    }
    for item in doc.paths.paths.values_mut() {
        for op in operations_mut(item) {
            for p in op.parameters.iter_mut().flatten() {
                let range = match p.name.as_str() {
                    "lat" => area.query_lat(),
                    "lon" => area.query_lon(),
                    _ => continue,
                };
                p.schema = Some(
                    utoipa::openapi::ObjectBuilder::new()
                        .schema_type(utoipa::openapi::schema::Type::Number)
                        .minimum(Some(*range.start()))
                        .maximum(Some(*range.end()))
                        .into(),
                );
            }
        }
    }
    let aliases: Vec<(String, PathItem)> = doc
        .paths
        .paths
        .iter()
        .filter_map(|(path, item)| {
            let rest = path.strip_prefix(API_V1_PREFIX)?;
            let mut item = item.clone();
            for op in operations_mut(&mut item) {
                op.deprecated = Some(utoipa::openapi::Deprecated::True);
                op.operation_id = op.operation_id.as_ref().map(|id| format!("{id}_unversioned"));
                op.description = Some(format!(
                    "Alias of `{path}` (the documented form), kept for existing widgets and scripts."
                ));
            }
            Some((format!("{API_PREFIX}{rest}"), item))
        })
        .collect();
    doc.paths.paths.extend(aliases);
    for (url, content_type) in web_paths {
        let response = ResponseBuilder::new()
            .description("The map widget's file")
            .content(
                *content_type,
                Content::new(None::<utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>>),
            )
            .build();
        let mut op = Operation::new();
        op.tags = Some(vec!["map".into()]);
        op.summary = Some(format!("The widget: {url}"));
        op.operation_id = Some(format!(
            "widget_{}",
            url.trim_matches('/').replace(['/', '.', '-'], "_")
        ));
        op.responses.responses.insert("200".into(), response.into());
        doc.paths
            .paths
            .insert(url.to_string(), PathItem::new(HttpMethod::Get, op));
    }
    doc
}

fn operations_mut(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        item.get.as_mut(),
        item.post.as_mut(),
        item.put.as_mut(),
        item.delete.as_mut(),
        item.patch.as_mut(),
        item.head.as_mut(),
        item.options.as_mut(),
        item.trace.as_mut(),
    ]
    .into_iter()
    .flatten()
}

/// `GET /openapi.json`: this document (the handler lives in `server::mod`, which holds the
/// widget's file list).
#[utoipa::path(get, path = "/openapi.json", tag = "operations",
    responses((status = 200, description = "The OpenAPI 3.1 document of every route",
        content_type = "application/json")))]
#[allow(dead_code)]
fn openapi_json() {}
