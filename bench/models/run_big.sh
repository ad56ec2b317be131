#!/usr/bin/env bash
# Size benchmark for `leakscope models scan`: a sparse 5 GB PyTorch zip checkpoint
# (ZIP64, ~2000 tensors in data.pkl), benign and malicious. Prints wall time and peak
# RSS; fails if either exceeds the issue's budget (10 s, 200 MB).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
gb="${1:-5}"
bin="${LEAKSCOPE:-$root/target/release/leakscope}"
if [[ ! -x "$bin" ]]; then
  (cd "$root" && cargo build --release -p leakscope)
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 "$here/make_big_checkpoint.py" "$tmp/big.pt" "$gb"
python3 "$here/make_big_checkpoint.py" "$tmp/big_malicious.pt" "$gb" --malicious
status=0
for f in big.pt big_malicious.pt; do
  set +e
  /usr/bin/time -f "%e %M" -o "$tmp/time" "$bin" models scan --format jsonl "$tmp/$f" > "$tmp/out.json"
  rc=$?
  set -e
  read -r secs kb < <(tail -n 1 "$tmp/time")
  verdict="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["verdict"])' "$tmp/out.json")"
  echo "$f: ${gb} GB apparent size, verdict=$verdict exit=$rc time=${secs}s peak_rss=$((kb / 1024))MB"
  if python3 -c "import sys; sys.exit(0 if float('$secs') < 10 and $kb < 200*1024 else 1)"; then :; else status=1; fi
done
exit $status
