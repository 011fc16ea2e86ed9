"""Writes the character list of the glyph subset (tiles/fonts/README.md has the command).

Ranges: printable ASCII, Latin-1, General Punctuation, CJK Symbols and Punctuation, hiragana,
katakana, halfwidth and fullwidth forms, JIS X 0208 level-1 kanji (EUC-JP rows 16-47), and every
character in the text of geodata/ (gzipped files decompressed), so labels from the built-in data
never miss a glyph.
"""
import gzip
import pathlib
import sys
import unicodedata

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
chars = set()
for lo, hi in [(0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x3000, 0x303F),
               (0x3040, 0x309F), (0x30A0, 0x30FF), (0xFF00, 0xFFEF)]:
    chars.update(chr(c) for c in range(lo, hi + 1))
for row in range(0xB0, 0xD0):  # JIS X 0208 rows 16-47: level-1 kanji
    for cell in range(0xA1, 0xFF):
        try:
            chars.add(bytes([row, cell]).decode("euc_jp"))
        except UnicodeDecodeError:
            pass  # row 47 ends at cell 0xD3
for path in sorted((root / "geodata").rglob("*")):
    if not path.is_file() or path.suffix == ".md":
        continue
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    chars.update(data.decode("utf-8"))
# Everything but control characters and the byte-order mark (spaces such as U+3000 stay).
chars = sorted(c for c in chars if unicodedata.category(c) != "Cc" and c != "\ufeff")
sys.stdout.write("".join(chars) + "\n")
