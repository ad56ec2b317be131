#!/usr/bin/env bash
# Builds the history benchmark repository: real registry content (the crates and sdists of
# bench/corpus, see build-corpus.sh) replayed as a long git history with
# bench/history_replay.py and `git fast-import`: about COMMITS commits on main (adds, edits,
# deletes, renames, crate upgrades), merged and abandoned feature branches, tags, and a
# few planted fake secrets that were all removed from HEAD again. Offline: needs only the
# corpus, python3 and git.
#
#   bench/build-history-repo.sh [COMMITS]        (default 24000)
#
# Environment: CORPUS (default bench/corpus), OUT (default bench/work/history-repo).
# Writes OUT (a clone with its working tree checked out and the objects repacked as
# `git gc` would) and bench/work/history-planted.txt (the planted secrets). Idempotent:
# a finished OUT for the same COMMITS is kept; delete it (or pass --force) to rebuild.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
WORK="$BENCH_DIR/work"
CORPUS="${CORPUS:-$BENCH_DIR/corpus}"
OUT="${OUT:-$WORK/history-repo}"
FORCE=0
if [[ "${1:-}" == --force ]]; then FORCE=1; shift; fi
COMMITS="${1:-24000}"

log() { printf '[history] %s\n' "$*" >&2; }
die() { printf '[history] ERROR: %s\n' "$*" >&2; exit 1; }

[[ "$COMMITS" =~ ^[1-9][0-9]*$ ]] || die "usage: $0 [--force] [COMMITS]"
[[ -d "$CORPUS/rust-vendor" && -d "$CORPUS/python" ]] ||
    die "corpus missing at $CORPUS: run bench/build-corpus.sh first (or set CORPUS)"
MARK="$OUT/.git/leakscope-bench-$COMMITS.done"
if [[ $FORCE == 0 && -f "$MARK" ]]; then
    log "$OUT already built for $COMMITS commits (--force to rebuild)"
    exit 0
fi
mkdir -p "$WORK"
rm -rf "$OUT"
git init -q -b main "$OUT"
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1

start=$(date +%s)
log "replaying $CORPUS as ~$COMMITS commits (git fast-import)"
python3 "$BENCH_DIR/history_replay.py" "$CORPUS" "$WORK/history-planted.txt" "$COMMITS" |
    git -C "$OUT" fast-import --quiet
# The release build commit stays reachable only through its tag.
git -C "$OUT" branch -q -D release-build
git -C "$OUT" checkout -q -f main
log "repacking as git gc would (deltas recomputed, window 10, depth 50)"
git -C "$OUT" -c pack.threads=2 repack -q -a -d -f --window=10 --depth=50
git -C "$OUT" prune --expire=now
touch "$MARK"

commits=$(git -C "$OUT" rev-list --count --all)
refs=$(git -C "$OUT" for-each-ref | wc -l)
read -r blobs blob_bytes < <(git -C "$OUT" cat-file --batch-all-objects --batch-check='%(objecttype) %(objectsize)' |
    awk '$1 == "blob" {n++; s += $2} END {printf "%d %d\n", n, s}')
pack=$(git -C "$OUT" count-objects -v | sed -n 's/^size-pack: //p')
log "built in $(( $(date +%s) - start )) s: $commits commits, $refs refs, $blobs distinct blobs" \
    "($blob_bytes bytes), pack $((pack / 1024)) MiB, HEAD $(git -C "$OUT" ls-files | wc -l) files"
log "planted secrets: $WORK/history-planted.txt"
