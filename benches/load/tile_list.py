"""Writes a fixed, seeded list of viewport tiles (z8-z14) over Kumamoto's populated areas:
for random town points (towns are where people live), the 3x3 block of tiles a map viewport
around that point requests. Usage: python3 tile_list.py TOWNS_CSV N_VIEWPORTS > tiles.txt
"""
import csv
import math
import random
import sys


def tile(lon, lat, z):
    n = 1 << z
    x = int((lon + 180.0) / 360.0 * n)
    r = math.radians(lat)
    y = int((1.0 - math.log(math.tan(r) + 1.0 / math.cos(r)) / math.pi) / 2.0 * n)
    return x, y


def main(towns_csv, n):
    rows = [r for r in csv.DictReader(open(towns_csv, encoding="utf-8")) if r["lat"] and r["lon"]]
    rng = random.Random(20261124)
    out = []
    for _ in range(n):
        t = rng.choice(rows)
        z = rng.randint(8, 14)
        x, y = tile(float(t["lon"]), float(t["lat"]), z)
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                out.append(f"{z}/{x + dx}/{y + dy}")
    print("\n".join(out))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
