#!/usr/bin/env bash
# Runs every libFuzzer target for SECONDS (default 600), one after another, one job each,
# with AddressSanitizer, on stable Rust (RUSTC_BOOTSTRAP lets cargo-fuzz pass its -Z flags).
# New inputs go to a scratch corpus (WORK, default /tmp/carecover-fuzz); the committed
# corpus in fuzz/corpus is read, never written. Crashes land in fuzz/artifacts/<target>/.
#
#   cargo install cargo-fuzz --locked        # once, from crates.io
#   bash fuzz/run_all.sh 600
set -euo pipefail
cd "$(dirname "$0")"
SECONDS_PER_TARGET=${1:-600}
WORK=${WORK:-/tmp/carecover-fuzz}
export RUSTC_BOOTSTRAP=1
cargo fuzz build -O
for t in $(cargo fuzz list); do
  mkdir -p "$WORK/$t"
  start=$(date +%s)
  status=ok
  cargo fuzz run -O "$t" "$WORK/$t" "corpus/$t" -- \
    -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=4096 -timeout=20 \
    >"$WORK/$t.log" 2>&1 || status="FAILED (see $WORK/$t.log and artifacts/$t)"
  echo "$t: $status, $(( $(date +%s) - start )) s, $(grep -E 'DONE' "$WORK/$t.log" | tail -1 | cut -f1)"
done
