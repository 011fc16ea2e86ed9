//! The built-in label font, compiled into the binary: BIZ UDPGothic Regular (Morisawa, SIL OFL
//! 1.1), cut down to the characters the map needs (`tiles/fonts/`, with the licence and the
//! command that made the subset); [`builtin_font`] serves its glyph ranges.

use std::sync::OnceLock;

use super::glyphs::{FontGlyphs, GlyphError};

/// The fontstack name the style asks for and the server answers to.
pub const FONT_NAME: &str = "BIZ UDPGothic Regular";

/// The font's credit, added to the map's attribution.
pub const FONT_CREDIT: &str = "地図フォント: BIZ UDPゴシック (Morisawa, SIL OFL 1.1)";

static FONT_BYTES: &[u8] = include_bytes!("../../tiles/fonts/BIZUDPGothic-Regular-subset.ttf");

/// The built-in label font, parsed on first use.
///
/// # Errors
/// The parse error of the built-in font (a broken build; tests catch it).
pub fn builtin_font() -> Result<&'static FontGlyphs, &'static GlyphError> {
    static FONT: OnceLock<Result<FontGlyphs, GlyphError>> = OnceLock::new();
    FONT.get_or_init(|| FontGlyphs::new(FONT_NAME, FONT_BYTES))
        .as_ref()
}

/// The built-in font file itself (TrueType), which the widget also uses for its text where the
/// browser has no Japanese font.
pub fn builtin_font_file() -> &'static [u8] {
    FONT_BYTES
}

/// A short hash of the built-in font's bytes (for ETags: a new font, new tags).
pub fn builtin_font_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(FONT_BYTES);
        digest[..6].iter().map(|b| format!("{b:02x}")).collect()
    })
}

/// The font serving a MapLibre fontstack (a comma list, e.g. `"BIZ UDPGothic Regular,Noto Sans
/// Regular"`): the first name we have, or `None`.
pub fn font_for_stack(stack: &str) -> Option<&'static FontGlyphs> {
    let font = builtin_font().ok()?;
    stack
        .split(',')
        .map(str::trim)
        .any(|name| name == font.name())
        .then_some(font)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fontstack_is_served_by_its_first_name_we_have() {
        assert!(font_for_stack(FONT_NAME).is_some());
        assert!(font_for_stack("Noto Sans Regular, BIZ UDPGothic Regular").is_some());
        assert!(font_for_stack("Noto Sans Regular").is_none());
        assert!(font_for_stack("").is_none());
    }
}
