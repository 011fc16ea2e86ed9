//! The map's own MapLibre style, compiled into the binary: the template `tiles/style.json` (a
//! complete MapLibre style: land and sea, municipality boundaries and names, roads by how often
//! probe vehicles were seen, town and provider names, coverage and gaps — the layers of
//! [`super::layers`]). [`style_json`] fills in this server's absolute URLs and the attribution;
//! a bare MapLibre page or Maputnik loads the result as-is, and the widget adds its overlays on
//! top of it. The label font is the tile engine's ([`crate::tiles::builtin_font`]).

use crate::tiles::FONT_CREDIT;
use serde_json::Value;

static STYLE_TEMPLATE: &str = include_str!("../../tiles/style.json");

/// The style with absolute URLs under `base` (e.g. `http://127.0.0.1:8080`; empty keeps them
/// relative to the server): every source `url` and the `glyphs` template that start with `/`,
/// and `attribution` (the data sources' credits; the font's credit is appended) on the
/// `carecover` source.
///
/// # Panics
/// Never at run time: the template is checked by a test at build time.
pub fn style_json(base: &str, attribution: &str) -> Value {
    let mut style: Value =
        serde_json::from_str(STYLE_TEMPLATE).expect("tiles/style.json is valid JSON (tested)");
    let absolute = |v: &mut Value| {
        if let Some(s) = v.as_str().filter(|s| s.starts_with('/')) {
            *v = Value::from(format!("{base}{s}"));
        }
    };
    if let Some(sources) = style["sources"].as_object_mut() {
        for source in sources.values_mut() {
            absolute(&mut source["url"]);
        }
    }
    absolute(&mut style["glyphs"]);
    style["sources"]["carecover"]["attribution"] =
        Value::from(format!("{attribution} / {FONT_CREDIT}"));
    style
}

/// The style of a static folder (`export --static`): the `carecover` source reads `archive`
/// (a path relative to the folder) through the `pmtiles://` protocol, and the `glyphs`
/// template is relative too (`fonts/{fontstack}/{range}.pbf`), so the folder works under any
/// path prefix. The page resolves both against its own URL before MapLibre sees them.
pub fn static_style_json(archive: &str, attribution: &str) -> Value {
    let mut style = style_json("", attribution);
    style["sources"]["carecover"]["url"] = Value::from(format!("pmtiles://{archive}"));
    if let Some(glyphs) = style["glyphs"].as_str() {
        style["glyphs"] = Value::from(glyphs.trim_start_matches('/'));
    }
    style
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::DataFiles;
    use crate::tiles::{builtin_font, FONT_NAME};

    #[test]
    fn the_template_gets_absolute_urls_and_the_font_credit() {
        let s = style_json("http://example.org:8080", "九州厚生局");
        assert_eq!(s["version"], 8);
        assert_eq!(
            s["sources"]["carecover"]["url"],
            "http://example.org:8080/tiles.json"
        );
        assert_eq!(
            s["glyphs"],
            "http://example.org:8080/fonts/{fontstack}/{range}.pbf"
        );
        let attribution = s["sources"]["carecover"]["attribution"].as_str().unwrap();
        assert!(attribution.starts_with("九州厚生局") && attribution.contains("OFL"));
        // Every symbol layer asks for the font we serve; no layer needs a sprite.
        assert!(s.get("sprite").is_none());
        for layer in s["layers"].as_array().unwrap() {
            if layer["type"] == "symbol" {
                assert_eq!(
                    layer["layout"]["text-font"][0], FONT_NAME,
                    "{}",
                    layer["id"]
                );
            }
            let paint = layer["paint"].to_string();
            assert!(
                !paint.contains("-pattern"),
                "{} needs a sprite",
                layer["id"]
            );
        }
    }

    #[test]
    fn the_static_style_reads_the_archive_and_relative_glyphs() {
        let s = static_style_json("kumamoto.pmtiles", "九州厚生局");
        assert_eq!(
            s["sources"]["carecover"]["url"],
            "pmtiles://kumamoto.pmtiles"
        );
        assert_eq!(s["glyphs"], "fonts/{fontstack}/{range}.pbf");
        let attribution = s["sources"]["carecover"]["attribution"].as_str().unwrap();
        assert!(attribution.starts_with("九州厚生局") && attribution.contains("OFL"));
    }

    #[test]
    fn every_character_of_the_builtin_data_has_a_glyph() {
        let font = builtin_font().unwrap();
        let mut missing = std::collections::BTreeSet::new();
        for name in DataFiles::builtin_names() {
            let logical = name.strip_suffix(".gz").unwrap_or(name);
            let bytes = DataFiles::Builtin.read(logical).unwrap();
            let text = String::from_utf8(bytes).unwrap();
            for ch in text.chars() {
                if !ch.is_control() && ch != '\u{feff}' && !font.has_char(ch) {
                    missing.insert(ch);
                }
            }
        }
        assert!(
            missing.is_empty(),
            "characters of geodata/ without a glyph: {missing:?} (re-run tiles/fonts/README.md's command)"
        );
    }
}
