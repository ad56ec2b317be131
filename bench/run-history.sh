#!/usr/bin/env bash
# History benchmark: leakscope against Kingfisher on the repository built by
# bench/build-history-repo.sh (real registry content replayed as ~22,000 commits with
# branches, merges, tags and planted fake secrets that were all removed from HEAD).
#
#   bench/run-history.sh [THREADS]            (default THREADS=2)
#
# Environment:
#   LEAKSCOPE_BIN   leakscope binary (default: $CARGO_TARGET_DIR/release/leakscope or
#                   target/release/leakscope, built with `cargo build --release` if missing)
#   KINGFISHER_BIN  kingfisher binary (default: installs kingfisher-bin 2.14.* into bench/work/venv)
#   REPO            repository to scan (default bench/work/history-repo)
#   RUNS            timed runs per tool, interleaved, best wall time kept (default 2)
#   SKIP_LEAKSCOPE=1 / SKIP_KINGFISHER=1   leave a tool out
#   WAIT_IDLE=1     wait (up to 10 min) for the load average to fall below 1 first
#
# Both tools scan the same clone (working tree and full history) with the same thread
# count, page cache warm. Prints wall time, CPU, commits/s, MB/s (distinct blob bytes of
# the history per second), peak RSS, findings, planted secrets found, and the ratios.
# Raw outputs and /usr/bin/time logs go to bench/work/results/history-*.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
WORK="$BENCH_DIR/work"
RESULTS="$WORK/results"
REPO="${REPO:-$WORK/history-repo}"
PLANTED="$WORK/history-planted.txt"
THREADS="${1:-2}"
RUNS="${RUNS:-2}"
KF_VERSION_SPEC="2.14.*"

log() { printf '[history-bench] %s\n' "$*" >&2; }
die() { printf '[history-bench] ERROR: %s\n' "$*" >&2; exit 1; }

[[ "$THREADS" =~ ^[1-9][0-9]*$ ]] || die "usage: $0 [THREADS]"
[[ -d "$REPO/.git" ]] || die "no repository at $REPO: run bench/build-history-repo.sh first"
mkdir -p "$RESULTS"
[[ -x /usr/bin/time ]] || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null; }

LEAKSCOPE=""
if [[ "${SKIP_LEAKSCOPE:-0}" != 1 ]]; then
    LEAKSCOPE="${LEAKSCOPE_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/release/leakscope}"
    if [[ -z "${LEAKSCOPE_BIN:-}" && ! -x "$LEAKSCOPE" ]]; then
        log "building leakscope (cargo build --release)"
        (cd "$ROOT" && cargo build --release -q -p leakscope)
    fi
    [[ -x "$LEAKSCOPE" ]] || die "leakscope binary not found at $LEAKSCOPE (set LEAKSCOPE_BIN)"
fi
KINGFISHER=""
if [[ "${SKIP_KINGFISHER:-0}" != 1 ]]; then
    KINGFISHER="${KINGFISHER_BIN:-$WORK/venv/bin/kingfisher}"
    if [[ -z "${KINGFISHER_BIN:-}" && ! -x "$KINGFISHER" ]]; then
        log "installing kingfisher-bin==$KF_VERSION_SPEC into $WORK/venv"
        python3 -m venv "$WORK/venv" || die "python3 -m venv failed (apt-get install python3-venv)"
        "$WORK/venv/bin/pip" install -q --disable-pip-version-check "kingfisher-bin==$KF_VERSION_SPEC"
    fi
    [[ -x "$KINGFISHER" ]] || die "kingfisher binary not found at $KINGFISHER"
    export KF_RULE_CACHE_DIR="$WORK/kf-rule-cache"
    mkdir -p "$KF_RULE_CACHE_DIR"
fi

# ---------------------------------------------------------------- repository facts + warm cache
COMMITS=$(git -C "$REPO" rev-list --count --all)
REFS=$(git -C "$REPO" for-each-ref | wc -l)
read -r BLOBS BLOB_BYTES < <(git -C "$REPO" cat-file --batch-all-objects --batch-check='%(objecttype) %(objectsize)' |
    awk '$1 == "blob" {n++; s += $2} END {printf "%d %d\n", n, s}')
read -r TREE_BYTES FILES < <(git -C "$REPO" ls-files -z | (cd "$REPO" && xargs -0 stat -c %s) |
    awk '{s += $1; n++} END {printf "%d %d\n", s, n}')
PACK_MIB=$(( $(git -C "$REPO" count-objects -v | sed -n 's/^size-pack: //p') / 1024 ))
log "repository: $COMMITS commits, $REFS refs, $BLOBS distinct blobs ($BLOB_BYTES bytes), pack $PACK_MIB MiB; HEAD $FILES files ($TREE_BYTES bytes)"
log "warming the page cache"
find "$REPO" -type f -print0 | xargs -0 cat >/dev/null

# ---------------------------------------------------------------- timing (as run.sh)
timed() {
    local name="$1" run="$2"
    shift 2
    local tf="$RESULTS/history-$name.run$run.time" ef="$RESULTS/history-$name.run$run.stderr"
    T_RC=0
    /usr/bin/time -v -o "$tf" "$@" >"$RESULTS/history-$name.run$run.stdout" 2>"$ef" || T_RC=$?
    T_WALL=$(awk -F': ' '/Elapsed \(wall clock\)/ {
        n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$tf")
    T_RSS=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tf")
    T_CPU=$(awk -F': ' '/Percent of CPU this job got/ {print $2}' "$tf")
    T_USER=$(awk -F': ' '/User time/ {u = $2} /System time/ {s = $2} END {print u + s}' "$tf")
    [[ -n "$T_WALL" && -n "$T_RSS" ]] || die "$name: could not read $tf (stderr in $ef)"
}
declare -A WALL RSS CPU CPUSEC
bench_once() {
    local name="$1" run="$2" okcodes="$3"
    shift 3
    local cmd=() a out
    if ((run == 1)); then out="$RESULTS/history-$name.out"; else out=/dev/null; fi
    for a in "$@"; do [[ "$a" == @OUT@ ]] && cmd+=("$out") || cmd+=("$a"); done
    log "$name run $run/$RUNS: ${cmd[*]}"
    timed "$name" "$run" "${cmd[@]}"
    log "  -> ${T_WALL}s, CPU $T_CPU (${T_USER}s), peak ${T_RSS} KiB, exit $T_RC"
    if [[ " $okcodes " != *" $T_RC "* ]]; then
        log "WARNING: $name exited with $T_RC; stderr tail:"
        tail -n 5 "$RESULTS/history-$name.run$run.stderr" >&2 || true
    fi
    if [[ -z "${WALL[$name]:-}" ]] || awk -v a="$T_WALL" -v b="${WALL[$name]}" 'BEGIN {exit !(a < b)}'; then
        WALL[$name]="$T_WALL" RSS[$name]="$T_RSS" CPU[$name]="$T_CPU" CPUSEC[$name]="$T_USER"
    fi
}

if [[ -n "$KINGFISHER" ]]; then
    log "kingfisher: warm-up on a small directory (compiles the rule cache; not timed)"
    "$KINGFISHER" scan --no-validate --no-update-check -j "$THREADS" --format jsonl \
        -o "$RESULTS/history-kingfisher.warmup.out" "$REPO/.github" >/dev/null 2>&1 || true
fi
if [[ "${WAIT_IDLE:-0}" == 1 ]]; then
    for ((i = 0; i < 60; i++)); do
        awk '{exit !($1 < 1.0)}' /proc/loadavg && break
        ((i == 0)) && log "WAIT_IDLE=1: waiting for load average < 1 (now $(cut -d' ' -f1 /proc/loadavg))"
        sleep 10
    done
fi
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
for ((run = 1; run <= RUNS; run++)); do
    if [[ -n "$LEAKSCOPE" ]]; then
        # --show-secrets only so that planted secrets can be matched by value below.
        bench_once leakscope "$run" "0 1" \
            "$LEAKSCOPE" scan --no-config --quiet --show-secrets --format jsonl -j "$THREADS" -o @OUT@ "$REPO"
    fi
    if [[ -n "$KINGFISHER" ]]; then
        bench_once kingfisher "$run" "0 200 205" \
            "$KINGFISHER" scan --no-validate --no-update-check -j "$THREADS" --format jsonl -o @OUT@ "$REPO"
    fi
done
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

# ---------------------------------------------------------------- findings + planted secrets
count_findings() { local n=0; [[ -s "$1" ]] && n="$(grep -cE '^\{"(rule_id|rule)":' "$1" || true)"; echo "${n:-0}"; }
planted_found() {
    local out="$1" n=0 total=0 id path secret how
    while IFS=$'\t' read -r id path secret how; do
        [[ "$id" == \#* || -z "$id" ]] && continue
        total=$((total + 1))
        grep -qF -- "$secret" "$out" 2>/dev/null && n=$((n + 1))
    done <"$PLANTED"
    echo "$n/$total"
}
planted_missed() {
    local out="$1" id path secret how missed=()
    while IFS=$'\t' read -r id path secret how; do
        [[ "$id" == \#* || -z "$id" ]] && continue
        grep -qF -- "$secret" "$out" 2>/dev/null || missed+=("$id")
    done <"$PLANTED"
    echo "${missed[*]:-none}"
}

REPORT="$RESULTS/history-report-j$THREADS.md"
{
    printf '### History benchmark — %s, %d thread(s)\n\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "$THREADS"
    printf 'Repository: `%s` — %d commits, %d refs, %d distinct blobs (%.2f GB), pack %d MiB; HEAD %d files (%.2f GB) checked out.  \n' \
        "${REPO#"$ROOT"/}" "$COMMITS" "$REFS" "$BLOBS" "$(awk -v b="$BLOB_BYTES" 'BEGIN {print b / 1e9}')" \
        "$PACK_MIB" "$FILES" "$(awk -v b="$TREE_BYTES" 'BEGIN {print b / 1e9}')"
    printf 'Machine: %s, %d cores; load average before %s, after %s; page cache warm; best of %d interleaved runs.\n\n' \
        "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)" "$(nproc)" "$LOAD_BEFORE" "$LOAD_AFTER" "$RUNS"
    printf '| tool | threads | wall (s) | CPU (s) | commits/s | MB/s | peak RSS (MiB) | findings | planted found | planted missed |\n'
    printf '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n'
    for t in leakscope kingfisher; do
        [[ -n "${WALL[$t]:-}" ]] || continue
        case $t in
            leakscope) label="leakscope $("$LEAKSCOPE" --version 2>/dev/null | awk '{print $NF}')" ;;
            kingfisher) label="kingfisher $("$KINGFISHER" --version 2>/dev/null | awk '{print $NF}')" ;;
        esac
        out="$RESULTS/history-$t.out"
        printf '| %s | %d | %.2f | %.1f | %.0f | %.1f | %.0f | %s | %s | %s |\n' "$label" "$THREADS" "${WALL[$t]}" \
            "${CPUSEC[$t]}" "$(awk -v c="$COMMITS" -v s="${WALL[$t]}" 'BEGIN {print c / s}')" \
            "$(awk -v b="$BLOB_BYTES" -v s="${WALL[$t]}" 'BEGIN {print b / 1e6 / s}')" \
            "$(awk -v k="${RSS[$t]}" 'BEGIN {print k / 1024}')" "$(count_findings "$out")" \
            "$(planted_found "$out")" "$(planted_missed "$out")"
    done
    echo
    if [[ -n "${WALL[leakscope]:-}" && -n "${WALL[kingfisher]:-}" ]]; then
        awk -v l="${WALL[leakscope]}" -v k="${WALL[kingfisher]}" -v lr="${RSS[leakscope]}" -v kr="${RSS[kingfisher]}" \
            'BEGIN {printf "Wall-time ratio kingfisher/leakscope: **%.2f×**; peak memory leakscope/kingfisher: %.2f.\n", k / l, lr / kr}'
    fi
    echo
    echo "Commands (outputs and \`/usr/bin/time -v\` logs in \`bench/work/results/history-*\`):"
    echo
    [[ -n "${WALL[leakscope]:-}" ]] && echo "    leakscope scan --no-config --quiet --show-secrets --format jsonl -j $THREADS -o OUT ${REPO#"$ROOT"/}"
    [[ -n "${WALL[kingfisher]:-}" ]] && echo "    KF_RULE_CACHE_DIR=bench/work/kf-rule-cache kingfisher scan --no-validate --no-update-check -j $THREADS --format jsonl -o OUT ${REPO#"$ROOT"/}"
} | tee "$REPORT"
log "report saved to $REPORT"
