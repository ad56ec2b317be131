//! `leakscope scan` inside archives and through base64/hex: real archives built by the
//! tests (system `zip`/`tar`, and the `zip`/`flate2` crates for the bombs).

use assert_cmd::Command;
use base64::Engine as _;
use std::io::Write;
use std::path::Path;

const KEY: &str = "AKIARMRZQQTPUTZADS73";

fn leakscope() -> Command {
    Command::cargo_bin("leakscope").expect("binary")
}

fn jsonl(out: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

/// Runs `scan --format jsonl` in `dir` on `.`; returns (exit code, findings, stderr).
fn scan(dir: &Path, extra: &[&str]) -> (i32, Vec<serde_json::Value>, String) {
    let out = leakscope()
        .current_dir(dir)
        .args(["scan", "--format", "jsonl", "--verbose", "--color", "never"])
        .args(extra)
        .arg(".")
        .output()
        .expect("run leakscope");
    (
        out.status.code().unwrap_or(-1),
        jsonl(&out.stdout),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn paths(v: &[serde_json::Value]) -> Vec<&str> {
    v.iter().filter_map(|f| f["path"].as_str()).collect()
}

fn sh(dir: &Path, cmd: &str) {
    let ok = std::process::Command::new("sh")
        .current_dir(dir)
        .args(["-c", cmd])
        .status()
        .expect("sh")
        .success();
    assert!(ok, "`{cmd}` failed");
}

fn write(path: &Path, data: &[u8]) {
    if let Some(p) = path.parent() {
        std::fs::create_dir_all(p).unwrap();
    }
    std::fs::write(path, data).unwrap();
}

fn zip_of(members: &[(&str, &[u8])], method: zip::CompressionMethod) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(method);
    for (name, data) in members {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn deflated(members: &[(&str, &[u8])]) -> Vec<u8> {
    zip_of(members, zip::CompressionMethod::Deflated)
}

/// A gzip stream of `total` zero bytes about `total / 1000` bytes long (one sync-flushed
/// deflate chunk repeated; the trailer is never reached by a bounded reader).
fn gzip_bomb(total: u64) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress};
    let zeros = vec![0u8; 1 << 20];
    let mut c = Compress::new(Compression::best(), false);
    let mut piece = || {
        let mut out = Vec::with_capacity(1 << 16);
        c.compress_vec(&zeros, &mut out, FlushCompress::Sync)
            .unwrap();
        out
    };
    let first = piece();
    let steady = piece();
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    out.extend_from_slice(&first);
    for _ in 1..total >> 20 {
        out.extend_from_slice(&steady);
    }
    out.extend_from_slice(&[0x03, 0x00, 0, 0, 0, 0]);
    out.extend_from_slice(&(total as u32).to_le_bytes());
    out
}

#[test]
fn secrets_in_zip_tar_gz_and_zip_inside_tar_xz() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let line = format!("aws_access_key_id = {KEY}\n");
    write(&d.join("src/config/.env"), line.as_bytes());
    sh(d, "cd src && zip -qr ../site.zip config");
    write(
        &d.join("src2/app/settings.py"),
        format!("X = 1\n{line}").as_bytes(),
    );
    sh(d, "tar czf app.tar.gz -C src2 app");
    write(&d.join("src3/creds.txt"), line.as_bytes());
    sh(
        d,
        "cd src3 && zip -q inner.zip creds.txt && mkdir lib && mv inner.zip lib/",
    );
    sh(d, "tar cJf bundle.tar.xz -C src3 lib");
    sh(d, "rm -r src src2 src3");

    let (code, v, err) = scan(d, &[]);
    assert_eq!(code, 1, "{err}");
    let mut p = paths(&v);
    p.sort();
    assert_eq!(
        p,
        [
            "./app.tar.gz!app/settings.py",
            "./bundle.tar.xz!lib/inner.zip!creds.txt",
            "./site.zip!config/.env",
        ]
    );
    let settings = v
        .iter()
        .find(|f| f["path"] == "./app.tar.gz!app/settings.py")
        .unwrap();
    assert_eq!(
        (settings["line"].as_u64(), settings["column"].as_u64()),
        (Some(2), Some(21))
    );

    // Off: nothing is reported inside an archive (`zip` stores a tiny member
    // uncompressed, so its raw bytes may still match, under the archive's own path).
    let (_, v, _) = scan(d, &["--no-archives"]);
    assert!(paths(&v).iter().all(|p| !p.contains('!')), "{v:?}");
}

#[test]
fn twenty_deep_nest_stops_at_the_depth_limit_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = deflated(&[(
        "secret.env",
        format!("aws_access_key_id = {KEY}\n").as_bytes(),
    )]);
    for i in 0..20 {
        bytes = deflated(&[(&format!("level{i}.zip"), &bytes)]);
    }
    write(&dir.path().join("deep.zip"), &bytes);
    let (code, v, err) = scan(dir.path(), &[]);
    assert_eq!((code, v.len()), (0, 0));
    assert!(err.contains("archive limit"), "{err}");
    assert!(err.contains("--max-archive-depth"), "{err}");

    let (code, v, _) = scan(dir.path(), &["--max-archive-depth", "21"]);
    assert_eq!(code, 1);
    assert_eq!(paths(&v)[0].matches('!').count(), 21);
}

#[test]
fn bombs_are_stopped_and_the_rest_is_still_scanned() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // 10 GiB of zeros, stored in a zip as a gzip member (~10 MB on disk).
    let bomb = gzip_bomb(10 << 30);
    write(
        &d.join("bomb.zip"),
        &zip_of(&[("zeros.gz", &bomb)], zip::CompressionMethod::Stored),
    );
    // 42.zip in miniature: 16^4 copies of 4 MiB of zeros.
    let mut level = deflated(&[("zeros.bin", &vec![0u8; 4 << 20])]);
    for _ in 0..4 {
        let names: Vec<String> = (0..16).map(|i| format!("{i}.zip")).collect();
        let members: Vec<(&str, &[u8])> = names
            .iter()
            .map(|n| (n.as_str(), level.as_slice()))
            .collect();
        level = deflated(&members);
    }
    write(&d.join("nest.zip"), &level);
    write(
        &d.join("plain.env"),
        format!("aws_access_key_id = {KEY}\n").as_bytes(),
    );

    let (code, v, err) = scan(d, &["--max-archive-bytes", "256M"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(paths(&v), ["./plain.env"]);
    assert!(
        err.contains("skipped ./bomb.zip!zeros.gz: archive limit"),
        "{err}"
    );
    assert!(err.contains("skipped ./nest.zip!"), "{err}");
}

#[test]
fn base64_in_json_in_zip_points_into_the_member() {
    let dir = tempfile::tempdir().unwrap();
    let enc =
        base64::engine::general_purpose::STANDARD.encode(format!("aws_access_key_id = {KEY}\n"));
    let json = format!("{{\n  \"name\": \"svc\",\n  \"auth\": \"{enc}\"\n}}\n");
    write(
        &dir.path().join("x.zip"),
        &deflated(&[("config.json", json.as_bytes())]),
    );
    let (code, v, err) = scan(dir.path(), &[]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(v.len(), 1, "{v:?}");
    let f = &v[0];
    assert_eq!(f["path"], "./x.zip!config.json");
    assert_eq!(f["decoders"], serde_json::json!(["base64"]));
    assert_eq!(f["kind"], "aws_access_key");
    // Decoded byte 20 is in the group starting 24 characters into the string.
    let col = json.lines().nth(2).unwrap().find(&enc).unwrap() as u64 + 1 + 24;
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(3), Some(col))
    );
}

#[test]
fn hex_and_url_safe_base64_in_plain_files() {
    let dir = tempfile::tempdir().unwrap();
    let plain = format!("??>>aws_access_key_id = {KEY}\n");
    let url = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&plain);
    assert!(url.contains(['-', '_']));
    write(
        &dir.path().join("a.yaml"),
        format!("a: 1\nb:\n  token: {url}\n").as_bytes(),
    );
    let hex: String = plain.bytes().map(|b| format!("{b:02x}")).collect();
    write(
        &dir.path().join("b.txt"),
        format!("blob={hex}\n").as_bytes(),
    );
    let (code, mut v, _) = scan(dir.path(), &[]);
    assert_eq!(code, 1);
    v.sort_by_key(|f| f["path"].as_str().unwrap_or_default().to_string());
    assert_eq!(paths(&v), ["./a.yaml", "./b.txt"]);
    // "??>>aws_access_key_id = " is 24 bytes: base64 group 8 (character 32); hex 48.
    assert_eq!(v[0]["decoders"], serde_json::json!(["base64"]));
    assert_eq!(
        (v[0]["line"].as_u64(), v[0]["column"].as_u64()),
        (Some(3), Some(10 + 32))
    );
    assert_eq!(v[1]["decoders"], serde_json::json!(["hex"]));
    assert_eq!(
        (v[1]["line"].as_u64(), v[1]["column"].as_u64()),
        (Some(1), Some(6 + 48))
    );
}

#[test]
fn pickle_inside_zip_is_a_model_finding_with_the_member_path() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../leakscope-models/tests/fixtures/malicious/builtins_exec.pkl");
    let pkl = std::fs::read(fixture).unwrap();
    write(
        &dir.path().join("models.zip"),
        &deflated(&[("weights/evil.pkl", &pkl)]),
    );
    let (code, v, err) = scan(dir.path(), &[]);
    assert_eq!(code, 1, "{err}");
    let f = v
        .iter()
        .find(|f| f["kind"] == "model_code_execution")
        .expect("model finding");
    assert_eq!(f["path"], "./models.zip!weights/evil.pkl");
}

#[test]
fn docker_save_image_layers_are_shown_by_id() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        &d.join("layer/etc/app.env"),
        format!("aws_access_key_id = {KEY}\n").as_bytes(),
    );
    sh(
        d,
        "mkdir -p img/abc123 && tar cf img/abc123/layer.tar -C layer etc",
    );
    write(
        &d.join("img/manifest.json"),
        br#"[{"Config":"cfg.json","RepoTags":["app:1"],"Layers":["abc123/layer.tar"]}]"#,
    );
    write(&d.join("img/cfg.json"), b"{}");
    sh(
        d,
        "tar cf image.tar -C img abc123 cfg.json manifest.json && rm -r img layer",
    );
    let (code, v, err) = scan(d, &[]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(paths(&v), ["./image.tar!abc123!etc/app.env"]);
}

#[test]
fn notebook_secret_points_at_the_notebook_line() {
    let dir = tempfile::tempdir().unwrap();
    let nb = format!(
        r#"{{
 "cells": [
  {{
   "cell_type": "code",
   "metadata": {{}},
   "source": [
    "import boto3\n",
    "s3 = boto3.client('s3', aws_access_key_id='{KEY}')\n"
   ],
   "outputs": []
  }}
 ],
 "metadata": {{}},
 "nbformat": 4,
 "nbformat_minor": 5
}}
"#
    );
    write(&dir.path().join("analysis.ipynb"), nb.as_bytes());
    let (code, v, _) = scan(dir.path(), &[]);
    assert_eq!(code, 1);
    let f = v
        .iter()
        .find(|f| f["kind"] == "aws_access_key")
        .expect("finding");
    let (i, text) = nb
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains(KEY))
        .unwrap();
    let col = text.find(KEY).unwrap() as u64 + 1;
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(i as u64 + 1), Some(col))
    );
}
