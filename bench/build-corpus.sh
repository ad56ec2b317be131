#!/usr/bin/env bash
# Build the leakscope benchmark corpus under bench/corpus/ (gitignored).
#
# Everything comes from package registries only (crates.io via `cargo vendor`,
# PyPI source distributions via `pip download`), with pinned versions, so the
# corpus can be rebuilt anywhere. Target size: 1.0-1.3 GB of real source.
#
#   bench/corpus/rust-vendor/   `cargo vendor --versioned-dirs` of a large dependency set
#   bench/corpus/python/        unpacked sdists of big cloud SDKs (botocore, azure-*, google-*)
#   bench/corpus/planted/       a few known *fake* secrets for spot-checking detection
#
# Idempotent: each step leaves a marker in bench/corpus/ and is skipped when done.
# Use --force to rebuild from scratch (downloads in bench/work/ are reused).
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CORPUS="$BENCH_DIR/corpus"
WORK="$BENCH_DIR/work"

log() { printf '[build-corpus] %s\n' "$*" >&2; }
die() { printf '[build-corpus] ERROR: %s\n' "$*" >&2; exit 1; }

if [[ "${1:-}" == "--force" ]]; then
    log "--force: removing $CORPUS"
    rm -rf "$CORPUS"
elif [[ $# -gt 0 ]]; then
    die "usage: $0 [--force]"
fi

mkdir -p "$CORPUS" "$WORK"

# ---------------------------------------------------------------- prerequisites
need_apt=()
command -v tar >/dev/null || need_apt+=(tar)
command -v unzip >/dev/null || need_apt+=(unzip)
command -v python3 >/dev/null || need_apt+=(python3 python3-pip python3-venv)
if ((${#need_apt[@]})); then
    log "installing missing tools with apt: ${need_apt[*]}"
    apt-get update -qq && apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
command -v cargo >/dev/null || die "cargo not found (install Rust: https://rustup.rs)"
python3 -m pip --version >/dev/null 2>&1 || die "pip for python3 not found (apt-get install python3-pip)"

# ---------------------------------------------------------------- 1. Rust: cargo vendor
# Top-level crates are pinned exactly; their transitive dependencies are resolved
# once into bench/work/corpus-deps/Cargo.lock and kept from then on.
# (~630 MB, ~39k files, ~530 crates with these pins.)
RUST_MARK="$CORPUS/.rust-vendor.done"
if [[ -f "$RUST_MARK" ]]; then
    log "step 1/3: rust-vendor already built, skipping"
else
    log "step 1/3: vendoring crates.io sources (cargo vendor)"
    proj="$WORK/corpus-deps"
    mkdir -p "$proj/src"
    [[ -f "$proj/src/main.rs" ]] || echo 'fn main() {}' >"$proj/src/main.rs"
    # The empty [workspace] table keeps this throwaway project out of the leakscope
    # workspace (otherwise cargo would walk up to /work/main/Cargo.toml).
    cat >"$proj/Cargo.toml.new" <<'EOF'
[package]
name = "leakscope-bench-corpus-deps"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[dependencies]
tokio = { version = "=1.54.1", features = ["full"] }
aws-sdk-s3 = "=1.157.0"
aws-sdk-ec2 = "=1.274.0"
aws-sdk-iam = "=1.133.0"
azure_storage_blobs = "=0.21.0"
google-cloud-storage = "=1.21.0"
web-sys = "=0.3.107"
datafusion = "=48.0.1"
EOF
    if ! cmp -s "$proj/Cargo.toml.new" "$proj/Cargo.toml" 2>/dev/null; then
        mv "$proj/Cargo.toml.new" "$proj/Cargo.toml"
        rm -f "$proj/Cargo.lock"
    else
        rm -f "$proj/Cargo.toml.new"
    fi
    if [[ ! -f "$proj/Cargo.lock" ]]; then
        log "  resolving dependency graph (cargo generate-lockfile)"
        (cd "$proj" && cargo generate-lockfile -q)
    fi
    rm -rf "$CORPUS/rust-vendor.tmp"
    (cd "$proj" && cargo vendor -q --locked --versioned-dirs "$CORPUS/rust-vendor.tmp" >/dev/null)
    rm -rf "$CORPUS/rust-vendor"
    mv "$CORPUS/rust-vendor.tmp" "$CORPUS/rust-vendor"
    touch "$RUST_MARK"
    log "  rust-vendor: $(du -sh "$CORPUS/rust-vendor" | cut -f1)"
fi

# ---------------------------------------------------------------- 2. Python: sdists
# Source distributions (not wheels): they carry tests, docs and service models,
# which is where real-looking example tokens live.
PY_PKGS=(
    botocore==1.44.5
    boto3==1.44.5
    google-api-python-client==2.202.0
    google-cloud-aiplatform==2.7.0
    google-cloud-storage==3.17.1
    google-cloud-bigquery==3.47.0
    azure-core==1.41.0
    azure-identity==1.27.0
    azure-storage-blob==12.31.1
    azure-storage-file-share==12.27.1
    azure-storage-queue==12.18.1
    azure-data-tables==12.7.0
    azure-keyvault-secrets==4.12.0
    azure-servicebus==7.15.0
    azure-eventhub==5.15.1
    azure-cosmos==4.17.1
    azure-mgmt-compute==39.0.0
    azure-mgmt-network==33.1.0
    azure-mgmt-storage==25.3.0
    azure-mgmt-resource==26.0.0
    azure-mgmt-web==11.0.1
)
SDISTS="$WORK/sdists"
mkdir -p "$SDISTS"

# Find the downloaded sdist for NAME==VER (file names may use _ or - and any case).
sdist_file() {
    local name="${1%%==*}" ver="${1##*==}" pat
    pat="^${name//[-_.]/[-_.]}-${ver//./\\.}\\.(tar\\.gz|zip)$"
    ls "$SDISTS" | grep -iE "$pat" | head -n1 || true
}

PY_MARK="$CORPUS/.python.done"
if [[ -f "$PY_MARK" ]]; then
    log "step 2/3: python sdists already unpacked, skipping"
else
    log "step 2/3: PyPI source distributions"
    missing=()
    for spec in "${PY_PKGS[@]}"; do
        [[ -n "$(sdist_file "$spec")" ]] || missing+=("$spec")
    done
    if ((${#missing[@]})); then
        log "  pip download (sdists only, no deps): ${missing[*]}"
        python3 -m pip download -q --disable-pip-version-check --no-binary :all: --no-deps \
            -d "$SDISTS" "${missing[@]}"
    fi
    rm -rf "$CORPUS/python.tmp"
    mkdir -p "$CORPUS/python.tmp"
    for spec in "${PY_PKGS[@]}"; do
        f="$(sdist_file "$spec")"
        [[ -n "$f" ]] || die "sdist for $spec not found in $SDISTS after download"
        case "$f" in
            *.tar.gz) tar -xzf "$SDISTS/$f" -C "$CORPUS/python.tmp" ;;
            *.zip) unzip -q -o "$SDISTS/$f" -d "$CORPUS/python.tmp" ;;
        esac
    done
    rm -rf "$CORPUS/python"
    mv "$CORPUS/python.tmp" "$CORPUS/python"
    touch "$PY_MARK"
    log "  python: $(du -sh "$CORPUS/python" | cut -f1)"
fi

# ---------------------------------------------------------------- 3. planted fake secrets
# Deterministic (seeded) so the corpus is reproducible; none of these is a real
# credential. The expected findings are listed in bench/work/planted-expected.txt
# (outside the corpus, so the list itself is not scanned).
PLANT_MARK="$CORPUS/.planted.v2.done"
if [[ -f "$PLANT_MARK" ]]; then
    log "step 3/3: planted secrets already present, skipping"
else
    log "step 3/3: planting known fake secrets in corpus/planted/"
    rm -rf "$CORPUS/planted"
    mkdir -p "$CORPUS/planted/docs" "$CORPUS/planted/app" "$CORPUS/planted/web"
    python3 - "$CORPUS/planted" "$WORK/planted-expected.txt" <<'PY'
import base64, hashlib, json, random, string, sys, urllib.parse, zlib

root, expected_path = sys.argv[1], sys.argv[2]
rng = random.Random(20511006)  # fixed seed: reproducible, not a real secret

def b64(n):
    return base64.b64encode(bytes(rng.getrandbits(8) for _ in range(n))).decode()

def b62(num, width):
    alphabet = string.digits + string.ascii_uppercase + string.ascii_lowercase
    out = ""
    while num:
        num, r = divmod(num, 62)
        out = alphabet[r] + out
    return out.rjust(width, "0")

expected = []

# 1. The incident: an account SAS URL, full permissions, 2051 expiry, in a README.
sig = b64(32)  # 44 chars, ends with '='
assert len(sig) == 44
sig_q = urllib.parse.quote(sig, safe="")
sas_url = ("https://contosobenchdata.blob.core.windows.net/?sv=2022-11-02&ss=bfqt&srt=sco"
           "&sp=rwdlacupiytfx&se=2051-10-06T07:00:00Z&st=2024-10-05T23:00:00Z&spr=https"
           f"&sig={sig_q}")
with open(f"{root}/README.md", "w") as f:
    f.write("# contoso-bench-data\n\nSample data for the dashboards lives in our storage account.\n\n"
            f"Download everything with:\n\n    azcopy copy '{sas_url}' ./data --recursive\n\n"
            "Ask #data-eng if the link stops working.\n")
expected.append(("planted/README.md", 7, "azure_sas", "account SAS URL, sp=rwdlacup..., se=2051"))

# 2. Same kind of SAS, parameters reordered, JSON-escaped (\u0026) inside a JS bundle.
sig2 = urllib.parse.quote(b64(32), safe="")
q = (f"sig={sig2}\\u0026se=2051-10-06T07%3A00%3A00Z\\u0026sp=rwdlacup\\u0026spr=https"
     "\\u0026srt=sco\\u0026ss=bfqt\\u0026sv=2022-11-02")
with open(f"{root}/web/bundle.min.js", "w") as f:
    f.write('!function(){var c={"endpoint":"https:\\/\\/contosobenchdata.blob.core.windows.net\\/assets?'
            + q + '"};window.__cfg=c}();\n')
expected.append(("planted/web/bundle.min.js", 1, "azure_sas", "JSON-escaped SAS, sig first"))

# 3. Storage connection string with an account key (64 random bytes -> 88 base64 chars).
key = b64(64)
with open(f"{root}/app/appsettings.json", "w") as f:
    json.dump({"Logging": {"LogLevel": {"Default": "Information"}},
               "ConnectionStrings": {"Storage": "DefaultEndpointsProtocol=https;AccountName=contosobenchdata;"
                                                f"AccountKey={key};EndpointSuffix=core.windows.net"}},
              f, indent=2)
    f.write("\n")
expected.append(("planted/app/appsettings.json", 8, "azure_storage_connection_string", "AccountKey="))

# 4. Bare SAS query string in Python.
sig3 = urllib.parse.quote(b64(32), safe="")
with open(f"{root}/app/upload.py", "w") as f:
    f.write("from azure.storage.blob import BlobClient\n\n"
            f'SAS = "sv=2022-11-02&ss=b&srt=o&sp=rwc&se=2051-10-06T07:00:00Z&spr=https&sig={sig3}"\n\n'
            "def upload(path):\n"
            '    client = BlobClient.from_blob_url("https://contosobenchdata.blob.core.windows.net/in/x?" + SAS)\n'
            '    with open(path, "rb") as fh:\n        client.upload_blob(fh)\n')
expected.append(("planted/app/upload.py", 3, "azure_sas", "bare SAS query string"))

# 5. AWS access key pair in a shell profile.
akid = "AKIA" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))
secret = "".join(rng.choice(string.ascii_letters + string.digits + "+/") for _ in range(40))
with open(f"{root}/docs/deploy.sh", "w") as f:
    f.write("#!/bin/sh\n# deploy the dashboards\n"
            f"export AWS_ACCESS_KEY_ID={akid}\nexport AWS_SECRET_ACCESS_KEY={secret}\n"
            "aws s3 sync ./site s3://contoso-bench-dashboards/\n")
expected.append(("planted/docs/deploy.sh", 3, "aws_access_key", "AKIA key id + secret on line 4"))

# 6. GitHub classic PAT with a valid CRC32 checksum (ghp_ + 30 random + 6 base62 CRC).
body = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(30))
ghp = "ghp_" + body + b62(zlib.crc32(body.encode()), 6)
with open(f"{root}/docs/ci.yml", "w") as f:
    f.write("name: release\non: push\njobs:\n  release:\n    runs-on: ubuntu-latest\n    env:\n"
            f"      GH_TOKEN: {ghp}\n    steps:\n      - run: gh release create v1\n")
expected.append(("planted/docs/ci.yml", 7, "github_pat_classic", "ghp_ with valid CRC32"))

with open(expected_path, "w") as f:
    f.write("# path\tline\texpected rule (approx.)\tnote\n")
    for e in expected:
        f.write("\t".join(map(str, e)) + "\n")
PY
    touch "$PLANT_MARK"
fi

# ---------------------------------------------------------------- summary
read -r size_b files < <(find "$CORPUS" -type f ! -name '.*.done' -printf '%s\n' |
    awk '{s += $1; n++} END {printf "%d %d\n", s, n}')
log "corpus ready: $CORPUS"
awk -v b="$size_b" -v n="$files" \
    'BEGIN {printf "corpus: %d bytes (%.2f GB, %.0f MiB) in %d files\n", b, b / 1e9, b / 1048576, n}'
for d in rust-vendor python planted; do
    [[ -d "$CORPUS/$d" ]] && printf '  %-12s %8s  %6s files\n' "$d" \
        "$(du -sh "$CORPUS/$d" | cut -f1)" "$(find "$CORPUS/$d" -type f | wc -l)"
done
if ((size_b < 1000000000)); then
    log "WARNING: corpus is smaller than 1 GB"
fi
