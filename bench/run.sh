#!/usr/bin/env bash
# Benchmark leakscope against Kingfisher (and a ripgrep ceiling) on bench/corpus/.
#
#   bench/run.sh [THREADS]            (default THREADS=2)
#
# Environment:
#   LEAKSCOPE_BIN   leakscope binary (default: target/release/leakscope, or
#                   $CARGO_TARGET_DIR/release/leakscope; built with `cargo build --release` if missing)
#   KINGFISHER_BIN  kingfisher binary (default: installs kingfisher-bin 2.14.* into bench/work/venv)
#   RUNS            timed runs per tool, best wall time kept (default 2)
#   SKIP_LEAKSCOPE=1 / SKIP_KINGFISHER=1 / SKIP_RG=1   leave a tool out
#   WAIT_IDLE=1     wait (up to 10 min) for the load average to fall below 1 before measuring
#
# Prints a markdown table (wall time, MB/s, peak RSS, findings) and the
# leakscope/kingfisher throughput ratio. Raw outputs and /usr/bin/time logs are
# kept in bench/work/results/.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH_DIR/.." && pwd)"
CORPUS="$BENCH_DIR/corpus"
WORK="$BENCH_DIR/work"
RESULTS="$WORK/results"
THREADS="${1:-2}"
RUNS="${RUNS:-2}"
KF_VERSION_SPEC="2.14.*"

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] ERROR: %s\n' "$*" >&2; exit 1; }

[[ "$THREADS" =~ ^[1-9][0-9]*$ ]] || die "usage: $0 [THREADS]   (THREADS must be a positive integer)"
[[ -d "$CORPUS/rust-vendor" && -d "$CORPUS/python" ]] ||
    die "corpus missing: run bench/build-corpus.sh first"
mkdir -p "$RESULTS"

# ---------------------------------------------------------------- prerequisites
apt_install() {
    log "installing with apt: $*"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
[[ -x /usr/bin/time ]] || apt_install time
if [[ "${SKIP_RG:-0}" != 1 ]] && ! command -v rg >/dev/null; then apt_install ripgrep; fi

LEAKSCOPE=""
if [[ "${SKIP_LEAKSCOPE:-0}" != 1 ]]; then
    if [[ -n "${LEAKSCOPE_BIN:-}" ]]; then
        LEAKSCOPE="$LEAKSCOPE_BIN"
    else
        LEAKSCOPE="${CARGO_TARGET_DIR:-$REPO/target}/release/leakscope"
        if [[ ! -x "$LEAKSCOPE" ]]; then
            log "building leakscope (cargo build --release)"
            (cd "$REPO" && cargo build --release -q -p leakscope)
        fi
    fi
    [[ -x "$LEAKSCOPE" ]] || die "leakscope binary not found at $LEAKSCOPE (set LEAKSCOPE_BIN)"
    if ! "$LEAKSCOPE" scan --help >/dev/null 2>&1; then
        log "WARNING: '$LEAKSCOPE scan' is not available; leakscope will be skipped"
        LEAKSCOPE=""
    fi
fi

KINGFISHER=""
if [[ "${SKIP_KINGFISHER:-0}" != 1 ]]; then
    if [[ -n "${KINGFISHER_BIN:-}" ]]; then
        KINGFISHER="$KINGFISHER_BIN"
    else
        KINGFISHER="$WORK/venv/bin/kingfisher"
        if [[ ! -x "$KINGFISHER" ]]; then
            log "installing kingfisher-bin==$KF_VERSION_SPEC into $WORK/venv"
            python3 -m venv "$WORK/venv" || die "python3 -m venv failed (apt-get install python3-venv)"
            "$WORK/venv/bin/pip" install -q --disable-pip-version-check "kingfisher-bin==$KF_VERSION_SPEC"
        fi
    fi
    [[ -x "$KINGFISHER" ]] || die "kingfisher binary not found at $KINGFISHER"
    export KF_RULE_CACHE_DIR="$WORK/kf-rule-cache"
    mkdir -p "$KF_RULE_CACHE_DIR"
fi

# ---------------------------------------------------------------- corpus facts + warm cache
read -r BYTES FILES < <(find "$CORPUS" -type f ! -name '.*.done' -printf '%s\n' |
    awk '{s += $1; n++} END {printf "%d %d\n", s, n}')
log "corpus: $BYTES bytes in $FILES files; warming the page cache (one cat pass)"
find "$CORPUS" -type f -print0 | xargs -0 cat >/dev/null

# ---------------------------------------------------------------- timing helpers
# timed NAME RUN CMD... : runs CMD under /usr/bin/time -v; sets T_WALL (s), T_RSS (KiB),
# T_CPU (CPU share, e.g. 190%: well below THREADS*100% means the cores were contended), T_RC.
timed() {
    local name="$1" run="$2"
    shift 2
    local tf="$RESULTS/$name.run$run.time" ef="$RESULTS/$name.run$run.stderr"
    T_RC=0
    /usr/bin/time -v -o "$tf" "$@" >"$RESULTS/$name.run$run.stdout" 2>"$ef" || T_RC=$?
    T_WALL=$(awk -F': ' '/Elapsed \(wall clock\)/ {
        n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$tf")
    T_RSS=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tf")
    T_CPU=$(awk -F': ' '/Percent of CPU this job got/ {print $2}' "$tf")
    [[ -n "$T_WALL" && -n "$T_RSS" ]] || die "$name: could not read $tf (stderr in $ef)"
}

# bench_once NAME RUN OKCODES CMD...
# The command contains the literal word @OUT@ where the output file goes. Run 1 writes
# to a file (kept for finding counts), later runs to /dev/null; the best wall time wins.
# Runs are interleaved (tool A, B, C, A, B, C, ...) so that a burst of load from other
# processes does not penalise only one tool.
declare -A WALL RSS CPU RC
bench_once() {
    local name="$1" run="$2" okcodes="$3"
    shift 3
    local cmd=() a out
    if ((run == 1)); then out="$RESULTS/$name.out"; else out=/dev/null; fi
    for a in "$@"; do [[ "$a" == @OUT@ ]] && cmd+=("$out") || cmd+=("$a"); done
    log "$name run $run/$RUNS: ${cmd[*]}"
    timed "$name" "$run" "${cmd[@]}"
    log "  -> ${T_WALL}s, peak ${T_RSS} KiB, CPU $T_CPU, exit $T_RC"
    if [[ " $okcodes " != *" $T_RC "* ]]; then
        log "WARNING: $name exited with $T_RC; stderr tail:"
        tail -n 5 "$RESULTS/$name.run$run.stderr" >&2 || true
    fi
    if [[ -z "${WALL[$name]:-}" ]] || awk -v a="$T_WALL" -v b="${WALL[$name]}" 'BEGIN {exit !(a < b)}'; then
        WALL[$name]="$T_WALL" RSS[$name]="$T_RSS" CPU[$name]="$T_CPU"
    fi
    RC[$name]="$T_RC"
}

if [[ -n "$KINGFISHER" ]]; then
    log "kingfisher: warm-up on corpus/planted (compiles the rule cache; not timed)"
    "$KINGFISHER" scan --no-validate --no-update-check -j "$THREADS" --format jsonl \
        -o "$RESULTS/kingfisher.planted.out" "$CORPUS/planted" >/dev/null 2>&1 || true
fi
RG_KEYWORDS=(AKIA AccountKey 'sig=' ghp_ xox 'PRIVATE KEY')
rg_args=(-c -uuu --no-messages -j "$THREADS")
for k in "${RG_KEYWORDS[@]}"; do rg_args+=(-e "$k"); done

if [[ "${WAIT_IDLE:-0}" == 1 ]]; then
    # wait (up to 10 min) for the 1-minute load average to drop below 1
    for ((i = 0; i < 60; i++)); do
        awk '{exit !($1 < 1.0)}' /proc/loadavg && break
        ((i == 0)) && log "WAIT_IDLE=1: waiting for load average < 1 (now $(cut -d' ' -f1 /proc/loadavg))"
        sleep 10
    done
fi
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
log "load average before measuring: $LOAD_BEFORE (nproc $(nproc))"

for ((run = 1; run <= RUNS; run++)); do
    if [[ -n "$LEAKSCOPE" ]]; then
        bench_once leakscope "$run" "0 1" \
            "$LEAKSCOPE" scan --no-config --format jsonl -j "$THREADS" -o @OUT@ "$CORPUS"
    fi
    if [[ -n "$KINGFISHER" ]]; then
        bench_once kingfisher "$run" "0 200 205" \
            "$KINGFISHER" scan --no-validate --no-update-check -j "$THREADS" --format jsonl \
            -o @OUT@ "$CORPUS"
    fi
    if [[ "${SKIP_RG:-0}" != 1 ]]; then
        # rg exits 1 when nothing matches; its count output goes to @OUT@ via a shell.
        bench_once ripgrep "$run" "0 1" sh -c 'exec "$@" >"$0"' @OUT@ rg "${rg_args[@]}" "$CORPUS"
    fi
done
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

# ---------------------------------------------------------------- findings + planted spot-check
# leakscope jsonl: one finding per line (DESIGN.md §3); kingfisher jsonl: one
# {"rule":...,"finding":...} object per finding plus a trailing summary object.
count_findings() {
    local n=0
    [[ -s "$1" ]] && n="$(grep -cE '^\{"(rule_id|rule)":' "$1" || true)"
    echo "${n:-0}"
}
planted_hits() {
    # how many of the planted files appear in a tool's output
    local out="$1" n=0 p
    [[ -s "$out" ]] || { echo "0/0"; return; }
    local total=0
    while IFS=$'\t' read -r p _; do
        [[ "$p" == \#* || -z "$p" ]] && continue
        total=$((total + 1))
        grep -qF "$p" "$out" && n=$((n + 1))
    done <"$WORK/planted-expected.txt"
    echo "$n/$total"
}
declare -A FINDINGS PLANTED
for t in leakscope kingfisher; do
    [[ -n "${WALL[$t]:-}" ]] || continue
    FINDINGS[$t]="$(count_findings "$RESULTS/$t.out")"
    if [[ -f "$WORK/planted-expected.txt" ]]; then PLANTED[$t]="$(planted_hits "$RESULTS/$t.out")"; else PLANTED[$t]="n/a"; fi
done
if [[ -n "${WALL[ripgrep]:-}" ]]; then
    FINDINGS[ripgrep]="$(awk -F: '{s += $NF} END {print s + 0}' "$RESULTS/ripgrep.out") matching lines"
    PLANTED[ripgrep]="-"
fi

# ---------------------------------------------------------------- report
mbps() { awk -v b="$BYTES" -v s="$1" 'BEGIN {printf "%.1f", b / 1e6 / s}'; }
mib() { awk -v k="$1" 'BEGIN {printf "%.0f", k / 1024}'; }

REPORT="$RESULTS/report-j$THREADS.md"
{
    printf '### leakscope benchmark — %s, %d thread(s)\n\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "$THREADS"
    printf 'Corpus: `bench/corpus` — %s bytes (%.2f GB) in %d files; page cache warm; best of %d runs.  \n' \
        "$BYTES" "$(awk -v b="$BYTES" 'BEGIN {print b / 1e9}')" "$FILES" "$RUNS"
    printf 'Machine: %s, %d cores; load average before %s, after %s.\n\n' \
        "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)" "$(nproc)" "$LOAD_BEFORE" "$LOAD_AFTER"
    printf '| tool | threads | wall (s) | CPU | MB/s | peak RSS (MiB) | findings | planted files found |\n'
    printf '|---|---:|---:|---:|---:|---:|---:|---:|\n'
    for t in leakscope kingfisher ripgrep; do
        [[ -n "${WALL[$t]:-}" ]] || continue
        case $t in
            leakscope) label="leakscope $("$LEAKSCOPE" --version 2>/dev/null | awk '{print $NF}')" ;;
            kingfisher) label="kingfisher $("$KINGFISHER" --version 2>/dev/null | awk '{print $NF}')" ;;
            ripgrep) label="ripgrep $(rg --version | awk 'NR == 1 {print $2}') (ceiling: \`rg -c\`, 6 keywords)" ;;
        esac
        printf '| %s | %d | %.2f | %s | %s | %s | %s | %s |\n' "$label" "$THREADS" "${WALL[$t]}" "${CPU[$t]}" \
            "$(mbps "${WALL[$t]}")" "$(mib "${RSS[$t]}")" "${FINDINGS[$t]}" "${PLANTED[$t]}"
    done
    echo
    if [[ -n "${WALL[leakscope]:-}" && -n "${WALL[kingfisher]:-}" ]]; then
        awk -v l="${WALL[leakscope]}" -v k="${WALL[kingfisher]}" -v lr="${RSS[leakscope]}" -v kr="${RSS[kingfisher]}" \
            'BEGIN {printf "Throughput ratio leakscope/kingfisher: **%.2f×** (target ≥ 2×); peak memory leakscope/kingfisher: %.2f (target < 1).\n", k / l, lr / kr}'
    fi
    if [[ -n "${WALL[leakscope]:-}" && -n "${WALL[ripgrep]:-}" ]]; then
        awk -v l="${WALL[leakscope]}" -v r="${WALL[ripgrep]}" \
            'BEGIN {printf "leakscope reaches %.0f%% of the ripgrep ceiling (long-term aim: 25%%).\n", 100 * r / l}'
    fi
    echo
    echo "Commands (raw outputs and \`/usr/bin/time -v\` logs in \`bench/work/results/\`):"
    echo
    [[ -n "${WALL[leakscope]:-}" ]] && echo "    leakscope scan --format jsonl -j $THREADS -o OUT bench/corpus"
    [[ -n "${WALL[kingfisher]:-}" ]] && echo "    KF_RULE_CACHE_DIR=bench/work/kf-rule-cache kingfisher scan --no-validate --no-update-check -j $THREADS --format jsonl -o OUT bench/corpus"
    [[ -n "${WALL[ripgrep]:-}" ]] && echo "    rg $(printf "%q " "${rg_args[@]}")bench/corpus"
} | tee "$REPORT"
log "report saved to $REPORT"
