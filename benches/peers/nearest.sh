#!/usr/bin/env bash
# /api/nearest throughput and latency against /healthz (the server's ceiling) in the same run:
# wrk at 32 connections and at 1 connection on a seeded list of nearest queries (k=5, one
# kind) at real places: 熊本県's town points (町丁目 representative points) jittered by up to
# ~500 m, the way a nurse's patient addresses fall. Runs alternate healthz / nearest, RUNS
# times; it prints every run and the medians, and nearest/healthz as a ratio.
#
#   bash benches/peers/nearest.sh      # RUNS=3 DURATION=10s THREADS=2 PORT=18090 KIND=…
#   CARECOVER=path/to/carecover bash benches/peers/nearest.sh   # another build (e.g. main's)
#
# Needs wrk (Debian: apt-get install -y wrk), python3 and curl. Loopback only; the server it
# starts is stopped by its pid.
set -euo pipefail
cd "$(dirname "$0")/../.."
. benches/peers/common.sh

RUNS=${RUNS:-3}
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
PORT=${PORT:-18090}
KIND=${KIND:-home_care_support_clinic}
N=${N:-5000}
DATA=${CARECOVER_DATA:-geodata}
need wrk "apt-get install -y wrk"
need python3 "apt-get install -y python3"
need curl "apt-get install -y curl"
WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

BIN=$(carecover_bin)

towns="$DATA/addresses/kumamoto_towns.csv"
python3 - "$towns" "$WORK/nearest.txt" "$N" "$KIND" <<'PY'
import csv, random, sys
towns, out, n, kind = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
rng = random.Random(20261201)
with open(towns, encoding="utf-8") as f:
    pts = [(float(r["lat"]), float(r["lon"])) for r in csv.DictReader(f) if r["lat"] and r["lon"]]
if not pts:
    sys.exit(f"no town points in {towns}")
with open(out, "w") as f:
    for _ in range(n):
        lat, lon = rng.choice(pts)
        lat += rng.uniform(-0.0045, 0.0045)
        lon += rng.uniform(-0.0055, 0.0055)
        f.write(f"/api/nearest?lat={lat:.6f}&lon={lon:.6f}&k=5&kind={kind}\n")
PY
echo /healthz > "$WORK/healthz.txt"

CARECOVER="$BIN" CARECOVER_LOG=warn CARECOVER_DATA="$DATA" \
  start_carecover "$PORT" "$WORK/server.log" --max-concurrency 1024 || { cat "$WORK/server.log"; exit 1; }
SERVER_PID=$!
# Every query of the list must answer 200 (a bad list would measure error pages).
first=$(head -1 "$WORK/nearest.txt")
curl -fs "http://127.0.0.1:$PORT$first" -o "$WORK/one.json" || { echo "GET $first failed" >&2; exit 1; }
echo "server: $BIN (pid $SERVER_PID); list: $N nearest queries k=5 kind=$KIND; one answer $(wc -c < "$WORK/one.json") B"
echo "wrk: $THREADS threads, $DURATION per run, $RUNS alternating runs"

bench() { # name list connections threads
  local line
  line=$(PATHS="$WORK/$2" wrk -t"$4" -c"$3" -d"$DURATION" -s benches/peers/paths.lua \
    "http://127.0.0.1:$PORT" | grep '^RESULT')
  echo "$1 c=$3 ${line#RESULT }"
  case "$line" in *" bad=0 errors=0") ;; *) echo "non-200 answers or socket errors in $1" >&2; exit 1;; esac
  echo "$1 $3 $line" >> "$WORK/all.txt"
}
for r in $(seq 1 "$RUNS"); do
  echo "run $r"
  bench healthz healthz.txt 32 "$THREADS"
  bench nearest nearest.txt 32 "$THREADS"
  bench healthz healthz.txt 1 1
  bench nearest nearest.txt 1 1
done
python3 - "$WORK/all.txt" <<'PY'
import re, statistics, sys
runs = {}
for line in open(sys.argv[1]):
    name, conns, rest = line.split(" ", 2)
    v = dict(kv.split("=") for kv in rest.replace("RESULT ", "").split())
    runs.setdefault((name, int(conns)), []).append(v)
med = lambda name, c, key: statistics.median(float(v[key]) for v in runs[(name, c)])
for c in (32, 1):
    h, n = med("healthz", c, "req/s"), med("nearest", c, "req/s")
    print(f"median c={c}: healthz {h:.0f} req/s p50 {med('healthz', c, 'p50_ms'):.3f} ms; "
          f"nearest {n:.0f} req/s p50 {med('nearest', c, 'p50_ms'):.3f} ms p99 {med('nearest', c, 'p99_ms'):.3f} ms; "
          f"nearest/healthz {n / h:.3f}")
PY
