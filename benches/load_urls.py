#!/usr/bin/env python3
"""Writes a fixed, seeded request mix for benches/load.sh, one path per line.

Town points (町丁目 representative points) from the data folder stand in for where people
live: tiles at z8–z14 over them, nearest queries near them (jittered ~500 m), and TileJSON.
Usage: load_urls.py TOWNS_CSV OUT [N] [SEED]
"""
import csv
import math
import random
import sys

towns_csv, out = sys.argv[1], sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 20000
rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 20261124)

points = []
with open(towns_csv, encoding="utf-8") as f:
    for row in csv.DictReader(f):
        try:
            points.append((float(row["lat"]), float(row["lon"])))
        except (KeyError, ValueError):
            pass
if not points:
    sys.exit(f"no town points in {towns_csv}")


def tile(lat, lon, z):
    n = 2 ** z
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return z, min(max(x, 0), n - 1), min(max(y, 0), n - 1)


kinds = ["", "&kind=home_care_support_clinic", "&kind=home_care_support_clinic,home_care_support_hospital",
         "&kind=palliative_care_ward"]
with open(out, "w", encoding="utf-8") as f:
    for _ in range(n):
        lat, lon = rng.choice(points)
        r = rng.random()
        if r < 0.80:  # map widgets: most traffic is tiles
            z, x, y = tile(lat, lon, rng.randint(8, 14))
            f.write(f"/tiles/{z}/{x}/{y}.mvt\n")
        elif r < 0.97:  # discharge nurses
            la = lat + rng.uniform(-0.005, 0.005)
            lo = lon + rng.uniform(-0.005, 0.005)
            f.write(f"/api/nearest?lat={la:.5f}&lon={lo:.5f}&k={rng.choice([3, 5, 10])}{rng.choice(kinds)}\n")
        else:
            f.write("/tiles.json\n")
