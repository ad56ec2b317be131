#!/usr/bin/env bash
# Times `leakscope scan` on a synthetic git repository: 1,000 files in 50 directories,
# then COMMITS commits each rewriting one file (every 100th adds an AWS key id, every
# 250th deletes it again). Built with `git fast-import`, so only git is needed.
#
#   bench/git-history.sh [COMMITS] [LEAKSCOPE]
set -euo pipefail
commits=${1:-2000}
bin=${2:-${CARGO_TARGET_DIR:-target}/release/leakscope}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
repo=$dir/repo
git init -q -b main "$repo"

blob() { # path, seed -> one fast-import inline modify of ~2 KB
    local body
    body=$(printf 'line %s of %s\n' $(seq 1 60 | sed "s/$/ $2/") | head -c 2000)
    printf 'M 100644 inline %s\ndata %d\n%s\n' "$1" $(( ${#body} + 1 )) "$body"
}
key() { # n -> a syntactically valid AWS key id (base32 alphabet)
    local a=ABCDEFGHIJKLMNOPQRSTUVWXYZ234567 s=AKIA n=$1 i
    for i in $(seq 1 16); do s+=${a:$(( (n * 7 + i * 13 + n / 3 * i) % 32 )):1}; done
    echo "$s"
}
{
    t=1577836800
    printf 'commit refs/heads/main\nmark :1\nauthor Dev <dev@example.com> %d +0000\n' $t
    printf 'committer Dev <dev@example.com> %d +0000\ndata 5\ninit\n' $t
    for f in $(seq 0 999); do blob "d$((f % 50))/f$f.txt" 0; done
    for c in $(seq 2 "$commits"); do
        t=$((t + 3600))
        printf 'commit refs/heads/main\nmark :%d\n' "$c"
        printf 'author Dev <dev@example.com> %d +0000\ncommitter Dev <dev@example.com> %d +0000\n' $t $t
        printf 'data 7\nchange\nfrom :%d\n' $((c - 1))
        f=$(( (c * 37) % 1000 ))
        if (( c % 100 == 0 )); then
            k="aws_access_key_id = $(key "$c")"
            printf 'M 100644 inline d%d/secret%d.env\ndata %d\n%s\n' $((c % 50)) "$c" $(( ${#k} + 1 )) "$k"
        elif (( c % 250 == 0 )); then
            printf 'D d%d/secret%d.env\n' $(((c - 50) % 50)) $((c - 50))
        fi
        blob "d$((f % 50))/f$f.txt" "$c"
    done
} | git -C "$repo" fast-import --quiet
git -C "$repo" checkout -q main
git -C "$repo" gc -q
echo "repo: $(git -C "$repo" rev-list --count --all) commits, $(git -C "$repo" count-objects -v | sed -n 's/^size-pack: //p') KiB packed"
for mode in --no-history ""; do
    echo "== leakscope scan $mode"
    /usr/bin/time -v "$bin" scan --quiet --format jsonl -o "$dir/out.jsonl" $mode "$repo" 2> "$dir/time" || true
    grep -E 'Elapsed|Maximum resident' "$dir/time"
    echo "findings: $(wc -l < "$dir/out.jsonl")"
done
