#!/usr/bin/env bash
# Valhalla (pyvalhalla, in-process) vs carecover (over HTTP) on carecover's own road network:
# the probe links after topology cleaning written as OSM (examples/peer_inputs.rs roads-osm:
# every way highway=tertiary, maxspeed=40, both ways), Valhalla tiles built from that file,
# then isochrones 15/30 min from 熊本駅 and routes to the five nearest clinics by road,
# alternating, median of RUNS rounds (benches/peers/valhalla_peer.py); then the reached-node
# sets and the contour areas side by side. Target (issue 17): isochrone ≥ 4× faster.
#
# Usage: benches/peers/valhalla.sh     (RUNS=3; VALHALLA_PYTHON=python with pyvalhalla to use)
# Needs: cargo, curl, Python ≥ 3.12 (pyvalhalla's wheels are cp312-abi3; a venv is made in
# $PEERS_CACHE and pyvalhalla installed from PyPI when VALHALLA_PYTHON is unset).
set -euo pipefail
cd "$(dirname "$0")/../.."
. benches/peers/common.sh
RUNS=${RUNS:-3}
P_CC=18191
need curl "apt-get install curl"

py=${VALHALLA_PYTHON:-}
if [ -z "$py" ]; then
  venv=$PEERS_CACHE/valhalla-venv
  if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import valhalla' 2> /dev/null; then
    base=""
    for c in python3.13 python3.12 "$(PYENV_VERSION=3.12.1 pyenv which python 2> /dev/null || true)"; do
      if [ -n "$c" ] && command -v "$c" > /dev/null && "$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then
        base=$c; break
      fi
    done
    [ -n "$base" ] || { echo "missing tool: python >= 3.12 (for the pyvalhalla wheel)" >&2; exit 2; }
    "$base" -m venv "$venv"
    "$venv/bin/pip" install --quiet pyvalhalla >&2
  fi
  py=$venv/bin/python
fi
"$py" -c 'import valhalla' || { echo "missing tool: pyvalhalla for $py (pip install pyvalhalla)" >&2; exit 2; }

WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT

PEER_INPUTS=$(peer_inputs_bin)
"$PEER_INPUTS" roads-osm "$WORK/roads.osm.pbf"
"$PEER_INPUTS" reach "$WORK/reach.json" 32.7898 130.6886 15,30
"$py" benches/peers/valhalla_peer.py build "$WORK/roads.osm.pbf" "$WORK/valhalla"
start_carecover "$P_CC" "$WORK/carecover.log"
echo "pyvalhalla $("$py" -m valhalla --version) vs carecover $(git rev-parse --short HEAD), $RUNS rounds"
"$py" benches/peers/valhalla_peer.py bench "$WORK/valhalla" "http://127.0.0.1:$P_CC" "$WORK/reach.json" "$RUNS"
