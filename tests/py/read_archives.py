"""Independent reader for carecover's exports: PMTiles via the `pmtiles` package, MBTiles via
Python's sqlite3, MVT via `mapbox-vector-tile`.

Usage: python3 tests/py/read_archives.py ARCHIVE.pmtiles ARCHIVE.mbtiles z/x/y [z/x/y ...]
Prints one JSON object: for each requested tile, the raw MVT bytes (hex) from each archive
and the decoded layer -> feature count and property names; plus the headers/metadata.
"""
import gzip
import json
import sqlite3
import sys

import mapbox_vector_tile
from pmtiles.reader import MmapSource, Reader


def decode(raw):
    if raw is None:
        return None
    layers = mapbox_vector_tile.decode(raw)
    return {
        name: {
            "count": len(layer["features"]),
            "props": sorted({k for f in layer["features"] for k in f["properties"]}),
            "extent": layer.get("extent"),
        }
        for name, layer in layers.items()
    }


def main(pm_path, mb_path, coords):
    out = {"pmtiles": {}, "mbtiles": {}, "decoded": {}}
    with open(pm_path, "rb") as f:
        r = Reader(MmapSource(f))
        h = r.header()
        out["pm_header"] = {k: (v.name if hasattr(v, "name") else v) for k, v in h.items()
                            if isinstance(v, (int, float, str)) or hasattr(v, "name")}
        out["pm_metadata"] = r.metadata()
        for c in coords:
            z, x, y = map(int, c.split("/"))
            data = r.get(z, x, y)
            raw = gzip.decompress(data) if data else None
            out["pmtiles"][c] = raw.hex() if raw else None
            out["decoded"][c] = decode(raw)
    db = sqlite3.connect(mb_path)
    out["mb_metadata"] = dict(db.execute("SELECT name, value FROM metadata"))
    out["mb_count"] = db.execute("SELECT count(*) FROM tiles").fetchone()[0]
    for c in coords:
        z, x, y = map(int, c.split("/"))
        row = db.execute(
            "SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?",
            (z, x, (1 << z) - 1 - y),
        ).fetchone()
        out["mbtiles"][c] = gzip.decompress(row[0]).hex() if row else None
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
