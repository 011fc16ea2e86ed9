"""Independent check of a PMTiles archive written by carecover.

Usage: python3 tests/py/check_pmtiles.py ARCHIVE.pmtiles EXPECTED.json

EXPECTED.json (written by tests/it/tiles_pmtiles.rs) holds:
  header: expected header fields, metadata: expected JSON metadata,
  tiles: {"z/x/y": hex of the raw MVT bytes}, ids: [[z, x, y, tile_id], ...]
Reads every tile with the `pmtiles` package (pip install pmtiles), gunzips
it and compares. Prints "N passed, M failed" and exits non-zero on failure.
"""
import gzip
import json
import sys

from pmtiles.reader import MmapSource, Reader, all_tiles
from pmtiles.tile import Compression, TileType, zxy_to_tileid


def main(archive, expected_path):
    with open(expected_path) as f:
        exp = json.load(f)
    passed, failed = 0, 0

    def check(cond, what):
        nonlocal passed, failed
        if cond:
            passed += 1
        else:
            failed += 1
            print("FAIL:", what)

    for z, x, y, tid in exp["ids"]:
        check(zxy_to_tileid(z, x, y) == tid, f"tile id {z}/{x}/{y}: {zxy_to_tileid(z, x, y)} != {tid}")

    with open(archive, "rb") as f:
        get = MmapSource(f)
        r = Reader(get)
        h = r.header()
        check(h["internal_compression"] == Compression.GZIP, "internal compression gzip")
        check(h["tile_compression"] == Compression.GZIP, "tile compression gzip")
        check(h["tile_type"] == TileType.MVT, "tile type mvt")
        check(h["clustered"], "clustered")
        check(h["root_offset"] + h["root_length"] <= 16384, "root within 16 KiB")
        for k, v in exp["header"].items():
            check(h[k] == v, f"header {k}: {h[k]} != {v}")
        check(r.metadata() == exp["metadata"], "metadata")
        seen = {}
        for (z, x, y), data in all_tiles(get):
            seen[f"{z}/{x}/{y}"] = gzip.decompress(data).hex()
        check(len(seen) == len(exp["tiles"]), f"tile count {len(seen)} != {len(exp['tiles'])}")
        for i, (key, hexdata) in enumerate(sorted(exp["tiles"].items())):
            check(seen.get(key) == hexdata, f"tile {key} via traversal")
            # Reader.get re-parses directories per call (slow in Python):
            # look up a sample of tiles individually.
            if i % 97 and len(exp["tiles"]) > 500:
                continue
            z, x, y = map(int, key.split("/"))
            data = r.get(z, x, y)
            check(data is not None and gzip.decompress(data).hex() == hexdata, f"tile {key} via get")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
