#!/usr/bin/env bash
# Cached-tile throughput of carecover vs martin on the same layers, the same tile list, the
# same concurrency, both gzip. Loopback only; every run is bounded by DURATION.
#
# Needs: wrk (apt-get install wrk), martin (cargo install martin --version 1.14.0 --locked
# --no-default-features --features geojson; 1.16 needs rustc 1.98), a release build.
# Usage: benches/load/tiles_vs_martin.sh [DURATION=20s] [CONNECTIONS=64] [THREADS=2]
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${1:-20s}; CONNS=${2:-64}; THREADS=${3:-2}
DATA=${CARECOVER_DATA:-geodata}
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

cargo build --release --quiet
python3 benches/load/tile_list.py "$DATA/addresses/kumamoto_towns.csv" 300 > "$WORK/tiles.txt"
echo "tile list: $(wc -l < "$WORK/tiles.txt") viewport tiles, z8-z14"

# The same layers for martin, as GeoJSON files (one source each, served as one composite tile).
./target/release/carecover --data "$DATA" coverage --geojson "$WORK/coverage.geojson" > /dev/null
# Each file may be stored plain or gzipped (the repository's geodata/ gzips the large ones).
plain() { if [ -f "$1" ]; then cat "$1"; else gzip -dc "$1.gz"; fi; }
plain "$DATA/kumamoto_medical_regions.geojson" > "$WORK/regions.geojson"
# The providers as points, from the provider CSV (lat/lon columns), with every CSV column.
plain "$DATA/kumamoto_medical_institutions_kouseikyoku_2025-10.csv" | python3 -c '
import csv, json, sys
rows = csv.DictReader(sys.stdin)
feats = [{"type": "Feature", "properties": r,
          "geometry": {"type": "Point", "coordinates": [float(r["lon"]), float(r["lat"])]}} for r in rows]
json.dump({"type": "FeatureCollection", "features": feats}, sys.stdout, ensure_ascii=False)' > "$WORK/providers.geojson"

./target/release/carecover --data "$DATA" serve --addr 127.0.0.1:18081 2> "$WORK/carecover.log" &
martin --listen-addresses 127.0.0.1:18082 "$WORK/regions.geojson" "$WORK/coverage.geojson" "$WORK/providers.geojson" \
  > "$WORK/martin.log" 2>&1 &
for port in 18081 18082; do
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/" -o /dev/null -w '' 2>/dev/null && break; \
    curl -s -o /dev/null "http://127.0.0.1:$port/catalog" && break; sleep 0.5; done
done

run() { # name prefix suffix
  # Warm pass: each server renders and caches every tile of the list once.
  TILES="$WORK/tiles.txt" PREFIX="$2" SUFFIX="$3" wrk -t "$THREADS" -c "$CONNS" -d 5s -s benches/load/tiles.lua \
    "http://127.0.0.1:$4" > /dev/null
  echo -n "$1: "
  TILES="$WORK/tiles.txt" PREFIX="$2" SUFFIX="$3" wrk -t "$THREADS" -c "$CONNS" -d "$DURATION" -s benches/load/tiles.lua \
    "http://127.0.0.1:$4" | tail -1
}
run carecover /tiles/ .mvt 18081
run martin /regions,coverage,providers/ "" 18082
echo "sizes for one z11 tile (gzip):"
curl -s -H 'Accept-Encoding: gzip' -o /dev/null -w 'carecover %{size_download} B\n' http://127.0.0.1:18081/tiles/11/1767/826.mvt
curl -s -H 'Accept-Encoding: gzip' -o /dev/null -w 'martin    %{size_download} B\n' http://127.0.0.1:18082/regions,coverage,providers/11/1767/826
