#!/usr/bin/env bash
# Load test: a fixed, seeded mix of tiles (z8–z14 over town points), nearest queries and
# TileJSON against a release build on 127.0.0.1, 64 connections for 60 s, with a data reload
# (POST /admin/reload) in the middle. Prints req/s, p50/p99, the non-2xx/304 count and what
# moved in /metrics.
#
#   bash benches/load.sh            # DURATION=60 CONNECTIONS=64 THREADS=2 PORT=18080
#
# Needs wrk (Debian: apt-get install -y wrk) and python3. Traffic goes to 127.0.0.1 only and
# stops by itself; the server this script starts is stopped by its pid.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-60}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
PORT=${PORT:-18080}
DATA=${CARECOVER_DATA:-geodata}
WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

cargo build --release --quiet
python3 benches/load_urls.py "$DATA/addresses/kumamoto_towns.csv" "$WORK/urls.txt" 20000 20261124

TOKEN=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
CARECOVER_ADMIN_TOKEN="$TOKEN" CARECOVER_LOG=warn CARECOVER_DATA="$DATA" \
  target/release/carecover serve --addr "127.0.0.1:$PORT" 2>"$WORK/server.log" &
SERVER_PID=$!
for _ in $(seq 1 600); do
  curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log"; exit 1; }
  sleep 0.2
done
V0=$(curl -fs "http://127.0.0.1:$PORT/readyz" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data_version"])')

curl -fs "http://127.0.0.1:$PORT/metrics" >"$WORK/metrics.before"
echo "mix: $(grep -c '^/tiles/' "$WORK/urls.txt") tiles, $(grep -c '^/api/nearest' "$WORK/urls.txt") nearest, $(grep -c '^/tiles.json' "$WORK/urls.txt") tilejson (cold caches)"
echo "wrk: $THREADS threads, $CONNECTIONS connections, ${DURATION}s, reload at $((DURATION / 2))s"
LOAD_URLS="$WORK/urls.txt" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s \
  -s benches/load.lua "http://127.0.0.1:$PORT" >"$WORK/wrk.txt" &
WRK_PID=$!
sleep $((DURATION / 2))
RELOAD=$(curl -s -o "$WORK/reload.json" -w '%{http_code} %{time_total}' -X POST \
  -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/admin/reload")
wait "$WRK_PID"
cat "$WORK/wrk.txt" | sed -n '/^requests/,$p'
echo "reload        HTTP ${RELOAD% *} in ${RELOAD#* } s: $(cat "$WORK/reload.json")"
echo "data_version  $V0 -> $(curl -fs "http://127.0.0.1:$PORT/readyz" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data_version"])')"

# /metrics before and after: the counters must have moved by what wrk sent (scraped between
# the two, so the deltas count the load and the reload only).
curl -fs "http://127.0.0.1:$PORT/metrics" >"$WORK/metrics.after"
python3 - "$WORK/metrics.before" "$WORK/metrics.after" <<'PY'
import sys
from collections import defaultdict
def load(path):
    out = defaultdict(float)
    for line in open(path):
        if line.startswith('#') or not line.strip():
            continue
        name, value = line.rsplit(' ', 1)
        base = name.split('{')[0]
        if base in ('carecover_http_requests_total', 'carecover_tile_cache_requests_total',
                    'carecover_reloads_total', 'carecover_http_rejected_total'):
            out[name] += float(value)
        if base in ('carecover_http_request_duration_seconds_count',):
            out[name] += float(value)
    return out
before, after = load(sys.argv[1]), load(sys.argv[2])
moved = {k: after[k] - before.get(k, 0) for k in after if after[k] != before.get(k, 0)}
print('metrics moved under load (after - before):')
for k in sorted(moved):
    print(f'  {k} +{moved[k]:.0f}')
total = sum(v for k, v in moved.items() if k.startswith('carecover_http_requests_total'))
assert total > 0, 'no request counted'
assert any(k.startswith('carecover_reloads_total') for k in moved), 'the reload was not counted'
PY
