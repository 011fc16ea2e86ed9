//! Text files as Japanese offices export them: UTF-8 (with or without a byte-order mark) or
//! Shift_JIS as Excel writes it (CP932; `encoding_rs::SHIFT_JIS` decodes CP932's NEC and IBM
//! extensions as browsers do). Decoding is per line, so a byte sequence that does not decode
//! is reported with its line and byte, and every other line is still decoded (the bad bytes
//! become U+FFFD); the caller names the row it belongs to.

use encoding_rs::{DecoderResult, Encoding, SHIFT_JIS, UTF_8};

/// The encoding of a text file, as `--encoding` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextEncoding {
    /// Valid UTF-8 (or a UTF-8 byte-order mark) → UTF-8, anything else → Shift_JIS.
    #[default]
    Auto,
    Utf8,
    /// Shift_JIS / CP932 (Windows-31J).
    ShiftJis,
}

impl TextEncoding {
    /// The names `--encoding` accepts: `auto`, `utf-8` (`utf8`), `shift_jis` (`sjis`,
    /// `cp932`, `windows-31j`), any case.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "auto" => Some(Self::Auto),
            "utf-8" | "utf8" => Some(Self::Utf8),
            "shift-jis" | "sjis" | "cp932" | "windows-31j" | "ms932" => Some(Self::ShiftJis),
            _ => None,
        }
    }

    /// `auto`, `utf-8` or `shift_jis`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Utf8 => "utf-8",
            Self::ShiftJis => "shift_jis",
        }
    }

    fn encoding(self) -> &'static Encoding {
        match self {
            Self::ShiftJis => SHIFT_JIS,
            _ => UTF_8,
        }
    }
}

impl std::str::FromStr for TextEncoding {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::parse(s).ok_or_else(|| format!("{s:?} is not an encoding (auto, utf-8, shift_jis)"))
    }
}

/// A byte sequence that is not text in the file's encoding: the first one of its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadBytes {
    /// 1-based line of the file (as a text editor numbers it).
    pub line: usize,
    /// 1-based byte offset in that line.
    pub byte: usize,
    /// The bytes that do not decode.
    pub bytes: Vec<u8>,
    /// How many such sequences the line has.
    pub count: usize,
}

impl BadBytes {
    /// `line 4, byte 13: 0x81 0x20 is not shift_jis text (2 such sequences in the line)`.
    pub fn message(&self, encoding: TextEncoding) -> String {
        let hex: Vec<String> = self.bytes.iter().map(|b| format!("0x{b:02X}")).collect();
        let more = if self.count > 1 {
            format!(" ({} such sequences in the line)", self.count)
        } else {
            String::new()
        };
        format!(
            "line {}, byte {}: {} is not {} text{more}",
            self.line,
            self.byte,
            hex.join(" "),
            encoding.as_str()
        )
    }
}

/// A decoded file.
#[derive(Debug, Clone)]
pub struct DecodedText {
    /// The text, bad sequences replaced by U+FFFD, without a byte-order mark.
    pub text: String,
    /// The encoding used (never `Auto`).
    pub encoding: TextEncoding,
    /// One entry per line holding bytes that do not decode, in line order.
    pub bad: Vec<BadBytes>,
}

/// Decodes `bytes` as `encoding` (`Auto`: a UTF-8 byte-order mark or valid UTF-8 → UTF-8,
/// else Shift_JIS). Never fails: undecodable bytes are listed in [`DecodedText::bad`].
pub fn decode_text(bytes: &[u8], encoding: TextEncoding) -> DecodedText {
    let bom = bytes.starts_with(b"\xEF\xBB\xBF");
    let encoding = match encoding {
        TextEncoding::Auto if bom || std::str::from_utf8(bytes).is_ok() => TextEncoding::Utf8,
        TextEncoding::Auto => TextEncoding::ShiftJis,
        e => e,
    };
    let body = if bom && encoding == TextEncoding::Utf8 {
        &bytes[3..]
    } else {
        bytes
    };
    if encoding == TextEncoding::Utf8 {
        if let Ok(text) = std::str::from_utf8(body) {
            return DecodedText {
                text: text.to_string(),
                encoding,
                bad: Vec::new(),
            };
        }
    }
    let mut text = String::with_capacity(body.len() * 3 / 2);
    let mut bad = Vec::new();
    // Line by line: 0x0A is never part of a multi-byte character in UTF-8 or Shift_JIS, and
    // a fresh decoder per line keeps one bad lead byte from swallowing the line break.
    for (i, line) in body.split_inclusive(|&b| b == b'\n').enumerate() {
        if let Some(b) = decode_line(encoding.encoding(), line, &mut text) {
            bad.push(BadBytes { line: i + 1, ..b });
        }
    }
    DecodedText {
        text,
        encoding,
        bad,
    }
}

/// Appends `line` decoded to `out`, replacing each malformed sequence by U+FFFD; returns the
/// first malformed sequence (line number left 0) and how many there were.
fn decode_line(enc: &'static Encoding, line: &[u8], out: &mut String) -> Option<BadBytes> {
    let mut decoder = enc.new_decoder_without_bom_handling();
    let mut first: Option<BadBytes> = None;
    let mut count = 0;
    let mut pos = 0;
    loop {
        let need = decoder
            .max_utf8_buffer_length_without_replacement(line.len() - pos)
            .unwrap_or(line.len() * 3 + 16);
        out.reserve(need);
        let (result, read) = decoder.decode_to_string_without_replacement(&line[pos..], out, true);
        pos += read;
        match result {
            DecoderResult::InputEmpty => break,
            DecoderResult::OutputFull => continue,
            DecoderResult::Malformed(len, unread) => {
                let end = pos - usize::from(unread);
                let start = end.saturating_sub(usize::from(len));
                count += 1;
                if first.is_none() {
                    first = Some(BadBytes {
                        line: 0,
                        byte: start + 1,
                        bytes: line[start..end].to_vec(),
                        count: 0,
                    });
                }
                out.push('\u{FFFD}');
            }
        }
    }
    first.map(|b| BadBytes { count, ..b })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sjis(s: &str) -> Vec<u8> {
        SHIFT_JIS.encode(s).0.into_owned()
    }

    #[test]
    fn auto_detects_utf8_bom_and_shift_jis() {
        let d = decode_text("名称,住所\n".as_bytes(), TextEncoding::Auto);
        assert_eq!(
            (d.encoding, d.text.as_str()),
            (TextEncoding::Utf8, "名称,住所\n")
        );
        let d = decode_text("\u{feff}名称\n".as_bytes(), TextEncoding::Auto);
        assert_eq!(
            (d.encoding, d.text.as_str()),
            (TextEncoding::Utf8, "名称\n")
        );
        // CP932 extensions (①, 髙) decode too.
        let d = decode_text(&sjis("名称,住所\n①髙橋薬局,熊本市\n"), TextEncoding::Auto);
        assert_eq!(d.encoding, TextEncoding::ShiftJis);
        assert_eq!(d.text, "名称,住所\n①髙橋薬局,熊本市\n");
        assert!(d.bad.is_empty());
    }

    #[test]
    fn a_bad_sequence_names_its_line_and_keeps_the_rest() {
        let mut bytes = sjis("名称,住所\nA薬局,熊本市\n");
        bytes.extend_from_slice(b"B\x81,x\r\n"); // a lead byte followed by a comma
        bytes.extend_from_slice(&sjis("C薬局,八代市\n"));
        let d = decode_text(&bytes, TextEncoding::ShiftJis);
        assert_eq!(
            d.text,
            "名称,住所\nA薬局,熊本市\nB\u{fffd},x\r\nC薬局,八代市\n"
        );
        assert_eq!(d.bad.len(), 1);
        let b = &d.bad[0];
        assert_eq!(
            (b.line, b.byte, b.bytes.as_slice(), b.count),
            (3, 2, &[0x81][..], 1)
        );
        assert_eq!(
            b.message(d.encoding),
            "line 3, byte 2: 0x81 is not shift_jis text"
        );
        // Forced UTF-8 on the same bytes: every Japanese line is bad, the ASCII one is not.
        let d = decode_text(&bytes, TextEncoding::Utf8);
        assert_eq!(
            d.bad.iter().map(|b| b.line).collect::<Vec<_>>(),
            [1, 2, 3, 4]
        );
    }

    #[test]
    fn names_parse() {
        for (s, e) in [
            ("auto", TextEncoding::Auto),
            ("UTF-8", TextEncoding::Utf8),
            ("shift_jis", TextEncoding::ShiftJis),
            ("cp932", TextEncoding::ShiftJis),
        ] {
            assert_eq!(s.parse::<TextEncoding>(), Ok(e));
        }
        assert!("latin1".parse::<TextEncoding>().is_err());
    }
}
