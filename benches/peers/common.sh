# Shared by the peer scripts (sourced): the median of a list, a ratio, and finding or
# installing a peer. Every script runs on loopback only and cleans up its temporary folder.

# median N1 N2 … → the middle value (the mean of the two middle ones for an even count).
median() {
  printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {
    if (NR == 0) exit 1
    if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ratio A B → A / B with two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "inf"; else printf "%.2f\n", a / b }'; }

# now → seconds since the epoch with nanoseconds, for wall times.
now() { date +%s.%N; }

# elapsed START → seconds since START, three decimals.
elapsed() { awk -v s="$1" -v e="$(now)" 'BEGIN { printf "%.3f\n", e - s }'; }

# need TOOL HINT → fails naming the tool when it is not on PATH.
need() {
  command -v "$1" > /dev/null || { echo "missing tool: $1 ($2)" >&2; exit 2; }
}

# Where installed peers are kept between runs (a Python venv for pyvalhalla).
PEERS_CACHE=${PEERS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/carecover-peers}

# The release binary of this checkout (built once per run, quietly), or $CARECOVER.
carecover_bin() {
  if [ -n "${CARECOVER:-}" ]; then echo "$CARECOVER"; return; fi
  cargo build --release --quiet --bin carecover >&2
  echo "$PWD/target/release/carecover"
}

# The release build of examples/peer_inputs.rs (the peers' inputs from carecover's data), or
# $PEER_INPUTS.
peer_inputs_bin() {
  if [ -n "${PEER_INPUTS:-}" ]; then echo "$PEER_INPUTS"; return; fi
  cargo build --release --quiet --example peer_inputs >&2
  echo "$PWD/target/release/examples/peer_inputs"
}

# wait_http URL → waits (≤ 60 s) until URL answers.
wait_http() {
  for _ in $(seq 1 240); do
    curl -s -o /dev/null "$1" && return 0
    sleep 0.25
  done
  echo "no answer from $1 after 60 s" >&2
  return 1
}

# wrk_run URL_BASE LIST PREFIX SUFFIX DURATION CONNECTIONS → "req/s p50_ms p99_ms errors" for
# one wrk run cycling through the tile list LIST (one "z/x/y" per line; benches/load/tiles.lua
# asks for gzip like a browser). Two wrk threads: wrk shares the two cores with the server.
wrk_run() {
  local out
  out=$(TILES="$2" PREFIX="$3" SUFFIX="$4" wrk -t 2 -c "$6" -d "$5" -s benches/load/tiles.lua "$1" | tail -1)
  # "requests N, R req/s, p50 A ms, p99 B ms, errors E"
  echo "$out" | awk -F'[ ,]+' '{print $3, $6, $9, $12}'
}

# start_carecover PORT LOG [ARGS…] → starts `carecover serve` on 127.0.0.1:PORT in the
# background and waits for /readyz.
start_carecover() {
  local port=$1 log=$2
  shift 2
  "$(carecover_bin)" serve --addr "127.0.0.1:$port" "$@" 2> "$log" &
  wait_http "http://127.0.0.1:$port/readyz"
}

# martin_bin → a martin binary: $MARTIN, else martin on PATH or in ~/.cargo/bin, else installed
# with cargo (about 35 minutes on 2 cores; 1.16 needs a newer rustc than 1.95).
martin_bin() {
  local m=${MARTIN:-$(command -v martin || true)}
  [ -z "$m" ] && [ -x "$HOME/.cargo/bin/martin" ] && m=$HOME/.cargo/bin/martin
  if [ -z "$m" ]; then
    echo "installing martin 1.14.0 with cargo (about 35 min)…" >&2
    CARGO_TARGET_DIR="${TMPDIR:-/tmp}/martin-target" nice -n 10 cargo install martin --version 1.14.0 \
      --locked --no-default-features --features geojson,pmtiles >&2
    rm -rf "${TMPDIR:-/tmp}/martin-target"
    m=$HOME/.cargo/bin/martin
  fi
  [ -x "$m" ] || { echo "missing tool: martin (cargo install martin --version 1.14.0 --locked)" >&2; exit 2; }
  echo "$m"
}

# start_nginx ROOT PORT DIR → nginx (Debian) serving ROOT on 127.0.0.1:PORT, in the foreground
# of a background job, with its config, pid and logs in DIR. `.mvt` files are served from
# their pre-gzipped `.mvt.gz` twin (gzip_static, Content-Encoding: gzip); a missing tile is a
# 204, as carecover answers an empty one.
start_nginx() {
  local root=$1 port=$2 dir=$3
  mkdir -p "$dir"
  # nginx's workers run as nobody: the files and the (mktemp, 0700) folder above must be
  # readable, or every tile is "missing" (a 204).
  chmod a+x "$(dirname "$root")"
  chmod -R a+rX "$root"
  cat > "$dir/nginx.conf" <<CONF
worker_processes auto;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  types { application/vnd.mapbox-vector-tile mvt; }
  server {
    listen 127.0.0.1:$port;
    root $root;
    gzip_static on;
    location / { try_files \$uri =204; }
  }
}
CONF
  need nginx "apt-get install nginx"
  nginx -c "$dir/nginx.conf" -p "$dir" -g 'daemon off;' &
  wait_http "http://127.0.0.1:$port/"
}
