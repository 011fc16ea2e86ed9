#!/usr/bin/env bash
# Cached, gzipped tile throughput on loopback: carecover live vs martin serving carecover's own
# PMTiles export (the same tiles) vs nginx (Debian) serving the same gzipped tiles as static
# files (gzip_static: `.mvt.gz` files sent with Content-Encoding: gzip). wrk, 2 threads, 32
# connections, on (1) the viewport tile list of benches/load/tile_list.py and (2) one ~30 KB
# tile. Servers alternate within each round; the median of RUNS rounds is compared.
#
# Usage: benches/peers/tiles.sh [DURATION=10s]   (RUNS=3, CONNS=32, SINGLE=11/1767/826;
#        MARTIN=/path/to/martin to use an existing binary)
# Needs: wrk and nginx (apt-get install wrk nginx), cargo; martin is found or installed
# (see martin_bin in common.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
. benches/peers/common.sh
DURATION=${1:-10s}; RUNS=${RUNS:-3}; CONNS=${CONNS:-32}; SINGLE=${SINGLE:-11/1767/826}
need wrk "apt-get install wrk"
need nginx "apt-get install nginx"
need curl "apt-get install curl"
MARTIN_BIN=$(martin_bin)
P_CC=18181; P_MARTIN=18182; P_NGINX=18183
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT

BIN=$(carecover_bin)
python3 benches/load/tile_list.py geodata/addresses/kumamoto_towns.csv 300 > "$WORK/tiles.txt"
echo "$SINGLE" > "$WORK/single.txt"
echo "tile list: $(wc -l < "$WORK/tiles.txt") viewport tiles, z8–z14; single tile $SINGLE"

# carecover's archive of every layer, z5–z14: what martin serves.
"$BIN" export --minzoom 5 --maxzoom 14 -o "$WORK/kumamoto.pmtiles" > /dev/null
start_carecover "$P_CC" "$WORK/carecover.log"
"$MARTIN_BIN" --listen-addresses "127.0.0.1:$P_MARTIN" "$WORK/kumamoto.pmtiles" > "$WORK/martin.log" 2>&1 &
wait_http "http://127.0.0.1:$P_MARTIN/catalog"

# The same gzipped tiles as files for nginx, fetched from carecover (the bytes it serves).
mkdir -p "$WORK/www"
sort -u "$WORK/tiles.txt" "$WORK/single.txt" | while read -r t; do
  mkdir -p "$WORK/www/tiles/$(dirname "$t")"
  code=$(curl -s -H 'Accept-Encoding: gzip' -o "$WORK/www/tiles/$t.mvt.gz" -w '%{http_code}' \
    "http://127.0.0.1:$P_CC/tiles/$t.mvt")
  if [ "$code" = 200 ]; then
    gzip -dc "$WORK/www/tiles/$t.mvt.gz" > "$WORK/www/tiles/$t.mvt"
  else
    rm -f "$WORK/www/tiles/$t.mvt.gz"   # empty tile: nginx answers 204 as carecover does
  fi
done
start_nginx "$WORK/www" "$P_NGINX" "$WORK/nginx"

# The three answer the same tile with the same raw MVT.
for who in "carecover $P_CC /tiles/ .mvt" "martin $P_MARTIN /kumamoto/ " "nginx $P_NGINX /tiles/ .mvt"; do
  set -- $who
  curl -s --compressed -o "$WORK/check.$1" "http://127.0.0.1:$2$3$SINGLE${4:-}"
  size=$(curl -s -H 'Accept-Encoding: gzip' -o /dev/null -w '%{size_download}' "http://127.0.0.1:$2$3$SINGLE${4:-}")
  echo "$1: tile $SINGLE ${size} B gzip, $(stat -c %s "$WORK/check.$1") B raw"
done
cmp -s "$WORK/check.carecover" "$WORK/check.martin" || { echo "martin's tile differs from carecover's" >&2; exit 1; }
cmp -s "$WORK/check.carecover" "$WORK/check.nginx" || { echo "nginx's tile differs from carecover's" >&2; exit 1; }

# Warm pass: every server reads (and carecover renders and caches) every tile once.
for base in "http://127.0.0.1:$P_CC /tiles/ .mvt" "http://127.0.0.1:$P_MARTIN /kumamoto/ " "http://127.0.0.1:$P_NGINX /tiles/ .mvt"; do
  set -- $base
  wrk_run "$1" "$WORK/tiles.txt" "$2" "${3:-}" 3s "$CONNS" > /dev/null
done

bench() { # case list
  local case=$1 list=$2 cc=() ma=() ng=() r
  for i in $(seq 1 "$RUNS"); do
    r=$(wrk_run "http://127.0.0.1:$P_CC" "$list" /tiles/ .mvt "$DURATION" "$CONNS"); cc+=("${r%% *}")
    echo "$case run $i carecover: $r (req/s p50_ms p99_ms errors)"
    r=$(wrk_run "http://127.0.0.1:$P_MARTIN" "$list" /kumamoto/ "" "$DURATION" "$CONNS"); ma+=("${r%% *}")
    echo "$case run $i martin:    $r"
    r=$(wrk_run "http://127.0.0.1:$P_NGINX" "$list" /tiles/ .mvt "$DURATION" "$CONNS"); ng+=("${r%% *}")
    echo "$case run $i nginx:     $r"
  done
  local c m n
  c=$(median "${cc[@]}"); m=$(median "${ma[@]}"); n=$(median "${ng[@]}")
  echo "$case median req/s: carecover $c, martin $m, nginx $n"
  echo "RATIO $case carecover/nginx = $(ratio "$c" "$n") (target >= 0.9), carecover/martin = $(ratio "$c" "$m") (target >= 2)"
}
bench "tile list" "$WORK/tiles.txt"
bench "single tile" "$WORK/single.txt"
