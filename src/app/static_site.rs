//! The public map as a folder of static files (`carecover export --static DIR`), for any web
//! server, object store or CDN that honours HTTP range requests: the PMTiles archive (the
//! tiles the live server serves, read by the page through the `pmtiles://` protocol), the
//! style, TileJSON and label glyphs, the widget with MapLibre and the pmtiles reader, and the
//! planners' figures as JSON files — for each exported preset and people year, the very
//! answers of `/api/v1/regions`, `/regions/{id}`, `/municipalities`, `/access`, `/coverage`,
//! `/uncovered_towns` and `/kinds`, built by the same typed answers and serialised the same
//! way. `static.json` tells the page it is static, and which API (if any) it may call.
//!
//! Every URL inside the folder is relative and `index.html` is at its root, so the folder
//! works under any path prefix. Nothing is fetched from elsewhere at run time.

use super::access::{AccessAnswer, AccessDetail};
use super::layers::coverage_layers_of;
use super::nearest::KindsAnswer;
use super::planner::{
    CoverageAnswer, MunicipalitiesAnswer, RegionAnswer, RegionsAnswer, UncoveredTownsAnswer,
};
use super::rules::Preset;
use super::style::static_style_json;
use super::Snapshot;
use crate::tiles::{
    builtin_font, builtin_font_file, ExportError, ExportFormat, ExportStats, GlyphRange, TileError,
};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The archive's file name in the folder.
pub const ARCHIVE: &str = "kumamoto.pmtiles";
/// The file that tells the page it is a static export (named by a `<meta>` of its index.html).
pub const CONFIG: &str = "static.json";
/// Where the planners' figures go: `data/kinds.json`, `data/{preset}/coverage.json`,
/// `data/{preset}/{year}/regions.json`, … (the page maps each API call to one file).
pub const DATA_DIR: &str = "data";
/// The widget files a static folder cannot work without.
const REQUIRED_WIDGET_FILES: [&str; 3] =
    ["index.html", "vendor/maplibre-gl.js", "vendor/pmtiles.js"];
/// The line of the page after which the static page's own `<meta>` tags go.
const HEAD_ANCHOR: &str = "<meta charset=\"utf-8\">";

/// Why a static folder could not be written.
#[derive(Debug, thiserror::Error)]
pub enum StaticError {
    #[error("unknown preset {name:?} in --preset; known presets: {known}")]
    UnknownPreset { name: String, known: String },
    #[error("--preset {0:?} names no preset; give a comma list such as home_care,pediatric_home")]
    NoPreset(String),
    #[error(
        "--api-url {url:?}: {why} (give the API's base URL, e.g. https://api.example.org/carecover)"
    )]
    ApiUrl { url: String, why: &'static str },
    #[error("the widget cannot be exported: {0}")]
    Widget(String),
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the tile archive: {0}")]
    Export(#[from] ExportError),
    #[error("the tile layers: {0}")]
    Tiles(#[from] TileError),
    #[error("the label font: {0}")]
    Font(String),
    #[error("region {id} is missing from the {preset} coverage")]
    MissingRegion { id: u8, preset: &'static str },
}

/// `--preset a,b`: the named presets, in the order of [`Preset::ALL`]; an unknown name is an
/// error naming it and the known ones.
pub fn parse_presets(list: &str) -> Result<Vec<Preset>, StaticError> {
    let mut wanted = Vec::new();
    for name in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let preset = Preset::parse(name).ok_or_else(|| StaticError::UnknownPreset {
            name: name.to_string(),
            known: Preset::ALL.map(Preset::name).join(", "),
        })?;
        wanted.push(preset);
    }
    if wanted.is_empty() {
        return Err(StaticError::NoPreset(list.to_string()));
    }
    Ok(Preset::ALL
        .into_iter()
        .filter(|p| wanted.contains(p))
        .collect())
}

/// A live carecover API the static page may call for what needs the server (nearest, address
/// search, what-if, suggestions): `http(s)://host[:port][/path]`, returned without a trailing
/// `/`. No query, fragment, credentials or characters that would need quoting in HTML.
pub fn parse_api_url(url: &str) -> Result<ApiUrl, StaticError> {
    let bad = |why| StaticError::ApiUrl {
        url: url.to_string(),
        why,
    };
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| bad("must start with https:// or http://"))?;
    if url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || "\"'<>\\`;".contains(c))
    {
        return Err(bad(
            "contains a space, a quote or another character a URL cannot hold",
        ));
    }
    if url.contains(['?', '#']) {
        return Err(bad("must not have a query or fragment"));
    }
    let authority = rest.split('/').next().unwrap_or("");
    if authority.is_empty() {
        return Err(bad("has no host"));
    }
    if authority.contains('@') {
        return Err(bad("must not hold credentials"));
    }
    let base = url.trim_end_matches('/').to_string();
    let origin = format!("{}{authority}", &url[..url.len() - rest.len()]);
    Ok(ApiUrl { base, origin })
}

/// A checked `--api-url`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiUrl {
    /// The base the page appends `/api/…` to.
    pub base: String,
    /// Its origin (scheme, host, port), the one other origin the page may connect to.
    pub origin: String,
}

/// What to export.
pub struct StaticOptions<'a> {
    /// Presets whose planner figures and coverage/gap features the folder holds.
    pub presets: Vec<Preset>,
    pub minzoom: u8,
    pub maxzoom: u8,
    pub api: Option<ApiUrl>,
    /// Only these tile layers (empty: all), as `export --layers` takes them; the style draws
    /// nothing for a layer left out.
    pub layers: Vec<String>,
    /// The widget's files as the folder lays them out (path, bytes): the page, MapLibre under
    /// `vendor/`, and `vendor/pmtiles.js`.
    pub widget: &'a [(&'a str, &'a [u8])],
}

/// `static.json`: what the page reads to run as a static map.
#[derive(Debug, Serialize)]
pub struct StaticConfig {
    /// Always `static`.
    pub mode: &'static str,
    pub data_version: String,
    /// The archive, relative to the folder.
    pub archive: &'static str,
    /// The exported presets (planner figures exist for these only).
    pub presets: Vec<&'static str>,
    /// The people years the figures exist for, ascending; the first is the census year (the
    /// API's default year).
    pub years: Vec<u16>,
    pub base_year: u16,
    /// The access heat-map tiles are not exported (the page hides its toggle).
    pub heat_map: bool,
    /// The live API the page may call for nearest, address search, what-if and suggestions;
    /// null hides those features.
    pub api: Option<String>,
}

/// What was written.
#[derive(Debug)]
pub struct StaticReport {
    pub files: usize,
    pub bytes: u64,
    pub json_files: usize,
    pub glyph_ranges: usize,
    pub tiles: ExportStats,
}

/// Writes the static public map into `dir` (created if missing; files of the same names are
/// replaced, others left alone). `progress(done, total)` follows the tiles.
pub fn write_site(
    snap: &Snapshot,
    dir: &Path,
    opts: &StaticOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<StaticReport, StaticError> {
    if opts.presets.is_empty() {
        return Err(StaticError::NoPreset(String::new()));
    }
    for required in REQUIRED_WIDGET_FILES {
        if !opts.widget.iter().any(|(p, _)| *p == required) {
            return Err(StaticError::Widget(format!(
                "{required} is not in this binary (was it built without npm?)"
            )));
        }
    }
    // The tiles' layers, checked before anything is written: every layer as served (or the
    // ones `layers` names), coverage and gaps of the chosen presets only.
    let coverage = if opts.presets.len() == Preset::ALL.len() {
        None
    } else {
        Some(coverage_layers_of(&snap.coverage, &opts.presets)?)
    };
    let mut set = match &coverage {
        None => snap.layers.tile_set(),
        Some(c) => snap.layers.tile_set_replacing(c),
    };
    if !opts.layers.is_empty() {
        set = set.only(&opts.layers)?;
    }
    let mut out = Folder::new(dir)?;

    // The page and its libraries; index.html marked as the static page.
    for (path, bytes) in opts.widget {
        if *path == "index.html" {
            out.write(path, static_index(bytes, opts.api.as_ref())?.as_bytes())?;
        } else {
            out.write(path, bytes)?;
        }
    }

    // The tiles.
    let attribution = snap.attribution();
    let mut tilejson = snap.tilejson(&format!("pmtiles://{ARCHIVE}/{{z}}/{{x}}/{{y}}"));
    tilejson
        .vector_layers
        .retain(|v| set.layers.iter().any(|l| l.name() == v.id));
    let archive = dir.join(ARCHIVE);
    let tiles = crate::tiles::export(
        &set,
        &tilejson,
        ExportFormat::Pmtiles,
        opts.minzoom,
        opts.maxzoom,
        &archive,
        progress,
    )?;
    out.count(&archive);
    out.json("tiles.json", &tilejson)?;
    out.json("style.json", &static_style_json(ARCHIVE, &attribution))?;

    // Glyphs: every range of the Basic Multilingual Plane, as `/fonts/…` answers it (a label
    // asks for the range of each of its characters, found in the font or not).
    let font = builtin_font().map_err(|e| StaticError::Font(e.to_string()))?;
    let mut glyph_ranges = 0;
    for start in (0..=0xffffu32).step_by(256) {
        let label = format!("{start}-{}", start + 255);
        let range = GlyphRange::parse(&label).map_err(|e| StaticError::Font(e.to_string()))?;
        out.write(
            &format!("fonts/{}/{label}.pbf", font.name()),
            &font.range_pbf(range),
        )?;
        glyph_ranges += 1;
    }
    out.write("fonts/ui.ttf", builtin_font_file())?;

    // The planners' figures: the API's answers, serialised as the API serialises them.
    let files_before = out.files;
    let demography = &snap.coverage.frames.demography;
    out.json(&format!("{DATA_DIR}/kinds.json"), &KindsAnswer::new(snap))?;
    for preset in &opts.presets {
        let r = preset.layer(&snap.coverage);
        let p = format!("{DATA_DIR}/{}", preset.name());
        out.json(&format!("{p}/coverage.json"), &CoverageAnswer::new(snap, r))?;
        out.json(
            &format!("{p}/uncovered_towns.json"),
            &UncoveredTownsAnswer::new(snap, r),
        )?;
        for &year in demography.years() {
            let y = format!("{p}/{year}");
            out.json(
                &format!("{y}/regions.json"),
                &RegionsAnswer::new(snap, r, year),
            )?;
            out.json(
                &format!("{y}/municipalities.json"),
                &MunicipalitiesAnswer::new(snap, r, year),
            )?;
            let detail = AccessDetail {
                cells: false,
                towns: false,
            };
            out.json(
                &format!("{y}/access.json"),
                &AccessAnswer::new(snap, r, year, detail),
            )?;
            for region in &snap.dataset.regions {
                let answer = RegionAnswer::new(snap, r, region.id, year).ok_or(
                    StaticError::MissingRegion {
                        id: region.id,
                        preset: preset.name(),
                    },
                )?;
                out.json(&format!("{y}/regions/{}.json", region.id), &answer)?;
            }
        }
    }
    let json_files = out.files - files_before;

    let config = StaticConfig {
        mode: "static",
        data_version: snap.version().to_string(),
        archive: ARCHIVE,
        presets: opts.presets.iter().map(|p| p.name()).collect(),
        years: demography.years().to_vec(),
        base_year: demography.base_year(),
        heat_map: false,
        api: opts.api.as_ref().map(|a| a.base.clone()),
    };
    out.json(CONFIG, &config)?;
    Ok(StaticReport {
        files: out.files,
        bytes: out.bytes,
        json_files,
        glyph_ranges,
        tiles,
    })
}

/// The page of the static folder: the widget's index.html with a `<meta>` naming
/// [`CONFIG`] (how the page knows it is static, without asking for a file the live server
/// lacks) and a Content-Security-Policy that lets it connect to its own origin and the
/// configured API only.
fn static_index(html: &[u8], api: Option<&ApiUrl>) -> Result<String, StaticError> {
    let html = std::str::from_utf8(html)
        .map_err(|_| StaticError::Widget("index.html is not UTF-8".into()))?;
    let at = html.find(HEAD_ANCHOR).ok_or_else(|| {
        StaticError::Widget(format!("index.html has no {HEAD_ANCHOR} to mark it static"))
    })? + HEAD_ANCHOR.len();
    let connect = match api {
        Some(a) => format!("'self' {}", a.origin),
        None => "'self'".to_string(),
    };
    // As the live page's policy (server::web), less what a <meta> policy cannot say
    // (frame-ancestors): the tile workers run from blob: URLs, the archive is read by fetch.
    let csp = format!(
        "default-src 'none'; script-src 'self'; worker-src 'self' blob:; child-src blob:; \
         connect-src {connect}; img-src 'self' data: blob:; style-src 'self'; font-src 'self'; \
         base-uri 'none'; form-action 'none'; object-src 'none'"
    );
    Ok(format!(
        "{}\n  <meta name=\"carecover-static\" content=\"{CONFIG}\">\n  \
         <meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">{}",
        &html[..at],
        &html[at..]
    ))
}

/// The output folder, counting what is written.
struct Folder<'a> {
    dir: &'a Path,
    files: usize,
    bytes: u64,
}

impl<'a> Folder<'a> {
    fn new(dir: &'a Path) -> Result<Self, StaticError> {
        std::fs::create_dir_all(dir).map_err(|source| StaticError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        Ok(Self {
            dir,
            files: 0,
            bytes: 0,
        })
    }

    fn write(&mut self, rel: &str, bytes: &[u8]) -> Result<(), StaticError> {
        let path = self.dir.join(rel);
        let io = |source| StaticError::Io {
            path: path.clone(),
            source,
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        std::fs::write(&path, bytes).map_err(io)?;
        self.files += 1;
        self.bytes += bytes.len() as u64;
        Ok(())
    }

    /// A typed answer as the API sends it (`serde_json`, compact).
    fn json<T: Serialize + ?Sized>(&mut self, rel: &str, value: &T) -> Result<(), StaticError> {
        let bytes = serde_json::to_vec(value).map_err(|e| StaticError::Io {
            path: self.dir.join(rel),
            source: e.into(),
        })?;
        self.write(rel, &bytes)
    }

    /// A file written by someone else (the archive).
    fn count(&mut self, path: &Path) {
        self.files += 1;
        self.bytes += std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_are_parsed_in_order_and_an_unknown_one_is_named() {
        let p = parse_presets("pediatric_home, home_care").unwrap();
        assert_eq!(p, vec![Preset::HomeCare, Preset::PediatricHome]);
        let e = parse_presets("home_care,nope").unwrap_err().to_string();
        assert!(e.contains("\"nope\"") && e.contains("home_care"), "{e}");
        let e = parse_presets(" , ").unwrap_err().to_string();
        assert!(e.contains("names no preset"), "{e}");
    }

    #[test]
    fn an_api_url_gives_its_base_and_origin_and_bad_ones_are_refused() {
        let a = parse_api_url("https://api.example.org:8443/carecover/").unwrap();
        assert_eq!(a.base, "https://api.example.org:8443/carecover");
        assert_eq!(a.origin, "https://api.example.org:8443");
        for (bad, why) in [
            ("ftp://x", "https://"),
            ("https://", "no host"),
            ("https://a/?q=1", "query"),
            ("https://u:p@a", "credentials"),
            ("https://a/\"x", "quote"),
        ] {
            let e = parse_api_url(bad).unwrap_err().to_string();
            assert!(e.contains(why) && e.contains("--api-url"), "{bad}: {e}");
        }
    }

    #[test]
    fn the_static_page_names_its_config_and_limits_connections() {
        let html = b"<html><head>\n  <meta charset=\"utf-8\">\n</head></html>";
        let api = parse_api_url("https://api.example.org/x").unwrap();
        let page = static_index(html, Some(&api)).unwrap();
        assert!(page.contains("<meta name=\"carecover-static\" content=\"static.json\">"));
        assert!(page.contains("connect-src 'self' https://api.example.org;"));
        let page = static_index(html, None).unwrap();
        assert!(page.contains("connect-src 'self';"));
        assert!(static_index(b"<html></html>", None).is_err());
    }
}
