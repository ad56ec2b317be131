#!/usr/bin/env bash
# Throughput and peak memory of `leakscope logs audit` on a synthetic log set.
# Usage: bench/logs/run.sh [MEGABYTES]   (default 500; data in bench/work/logs, gitignored)
set -euo pipefail
cd "$(dirname "$0")/../.."
MB="${1:-500}"
WORK=bench/work/logs
BIN="${CARGO_TARGET_DIR:-target}/release/leakscope"
cargo build --release -p leakscope >/dev/null
if [ ! -f "$WORK/.size-$MB" ]; then
    rm -rf "$WORK" && mkdir -p "$WORK"
    python3 bench/logs/gen_big.py "$WORK" "$MB"
    touch "$WORK/.size-$MB"
fi
bytes=$(cat "$WORK"/classic.log "$WORK"/monitor.json | wc -c)
start=$(date +%s.%N)
/usr/bin/time -v "$BIN" logs audit --format json -o "$WORK/report.json" "$WORK/classic.log" "$WORK/monitor.json" 2> "$WORK/time.txt"
end=$(date +%s.%N)
rss=$(awk -F: '/Maximum resident/ {gsub(/ /,"",$2); print $2}' "$WORK/time.txt")
python3 - "$bytes" "$start" "$end" "$rss" <<'PY'
import sys
b, s, e, rss = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
print(f"{b/1e6:.0f} MB in {e-s:.2f} s = {b/1e6/(e-s):.0f} MB/s, peak RSS {rss/1024:.1f} MiB")
PY
