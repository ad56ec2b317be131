//! The HTML report in a real browser: Debian's Chromium, driven by npm `playwright-core`
//! from `tests/browser/report.mjs`. Datastores are built by running the CLI over planted
//! trees; the script checks the cards against the JSON report, filters, sorts, opens the
//! SAS's details panel, and fails on console errors, injected dialogs or any request that
//! leaves the file. Screenshots go to `$LEAKSCOPE_ARTIFACTS` (default
//! `<target dir>/ci-artifacts/`).
//!
//! Needs `/usr/bin/chromium` (or `LEAKSCOPE_CHROMIUM`) and node; playwright-core is
//! installed into the tools directory on first use. `LEAKSCOPE_SKIP_BROWSER=1` skips it.

mod support;

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use support::*;

/// Returns (so the caller can skip) only when LEAKSCOPE_SKIP_BROWSER=1.
fn skip_or_fail(why: String) {
    if std::env::var("LEAKSCOPE_SKIP_BROWSER").is_ok_and(|v| v == "1") {
        eprintln!("skipping the browser test (LEAKSCOPE_SKIP_BROWSER=1): {why}");
        return;
    }
    panic!("{why}; or set LEAKSCOPE_SKIP_BROWSER=1 to skip this test");
}

fn artifacts_dir() -> PathBuf {
    match std::env::var_os("LEAKSCOPE_ARTIFACTS").filter(|v| !v.is_empty()) {
        Some(d) => PathBuf::from(d),
        // CARGO_TARGET_TMPDIR is <target dir>/tmp.
        None => Path::new(env!("CARGO_TARGET_TMPDIR"))
            .parent()
            .map_or_else(|| PathBuf::from("ci-artifacts"), |t| t.join("ci-artifacts")),
    }
}

fn html_report(db: &Path, out: &Path) {
    leakscope()
        .args(["report", "-q", "--now", NOW, "-o"])
        .arg(out)
        .arg("--datastore")
        .arg(db)
        .assert()
        .code(0);
}

/// What the cards must show, counted from the JSON report of the same store.
fn cards(secrets: &[Value]) -> Value {
    let mut groups: BTreeMap<&str, BTreeMap<String, u64>> = BTreeMap::new();
    for s in secrets {
        let str_of = |k: &str| s[k].as_str().unwrap_or("").to_string();
        let validation = match s["validation"]["status"].as_str() {
            None => "not_checked".to_string(),
            Some(v @ ("live" | "rejected")) => v.to_string(),
            Some(_) => "unknown".to_string(),
        };
        for (group, key) in [
            ("severity", str_of("severity")),
            ("kind", str_of("kind")),
            ("status", str_of("status")),
            ("validation", validation),
        ] {
            *groups.entry(group).or_default().entry(key).or_default() += 1;
        }
    }
    for sev in ["critical", "high", "medium", "low", "info"] {
        groups
            .entry("severity")
            .or_default()
            .entry(sev.into())
            .or_default();
    }
    serde_json::to_value(groups).unwrap_or(Value::Null)
}

fn json_report(db: &Path) -> Vec<Value> {
    serde_json::from_str(&report(db, "json", &[])).expect("json report")
}

/// The browser and playwright-core, or `None` to skip (only with LEAKSCOPE_SKIP_BROWSER=1;
/// otherwise a missing tool fails the test with what to install).
fn browser_tools() -> Option<(PathBuf, PathBuf)> {
    let chromium = std::env::var_os("LEAKSCOPE_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if !chromium.is_file() {
        skip_or_fail(format!(
            "{} is missing: install Debian's chromium (apt-get install chromium)",
            chromium.display()
        ));
        return None;
    }
    let node_ok = std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !node_ok {
        skip_or_fail("node is missing: install nodejs".into());
        return None;
    }
    match leakscope_testkit::npm_package("playwright-core", "playwright-core@1") {
        Ok(p) => Some((chromium, p)),
        Err(e) => {
            skip_or_fail(e);
            None
        }
    }
}

#[test]
fn html_report_in_chromium() {
    let Some((chromium, playwright)) = browser_tools() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut pages = Vec::new();

    // 1. The planted repository, scanned twice, one secret triaged.
    let repo = planted_repo(dir.path());
    let db = dir.path().join("planted.db");
    scan_into(&db, &repo, 1);
    scan_into(&db, &repo, 1);
    let all = json_report(&db);
    let key_id = all
        .iter()
        .find(|s| s["rule_id"] == "aws.secret_access_key")
        .expect("the AWS secret key")["id"]
        .to_string();
    leakscope()
        .args([
            "findings",
            "set-status",
            &key_id,
            "revoked",
            "--note",
            "rotated in IAM",
            "--datastore",
        ])
        .arg(&db)
        .assert()
        .code(0);
    let all = json_report(&db);
    assert_eq!(all.len(), 6);
    let cards_planted = cards(&all);
    assert_eq!(cards_planted["kind"]["azure_sas"], 1);
    assert_eq!(cards_planted["kind"]["aws_access_key"], 2);
    assert_eq!(cards_planted["status"]["revoked"], 1);
    assert_eq!(cards_planted["validation"]["not_checked"], 6);
    let critical = cards_planted["severity"]["critical"].as_u64().unwrap_or(0);
    let planted_html = dir.path().join("planted.html");
    html_report(&db, &planted_html);
    let sas_occurrences = all
        .iter()
        .find(|s| s["kind"] == "azure_sas")
        .and_then(|s| s["occurrences"].as_u64())
        .unwrap_or(0);
    pages.push(json!({
        "name": "planted",
        "report": planted_html,
        "total": all.len(),
        "cards": cards_planted,
        "filter": { "text": "prod.env", "rows": 2 },
        "selects": [
            ["severity", "critical", critical],
            ["kind", "azure_sas", 1],
            ["status", "revoked", 1],
            ["validation", "not_checked", 6],
        ],
        "sort": true,
        "screenshot": "report.png",
        "details": {
            "filter": "acct",
            "title": "Azure Storage shared access signature (SAS)",
            "card_contains": [
                "Anyone who has this link can read, change and delete all data in the blob containers (files) of storage account “acct”, until 6 Oct 2051",
                "no account, password or sign-in needed",
                "overwrite existing data",
                "delete data",
                "Rotate the account key that signed it",
                "What is a SAS?",
            ],
            "contains": [
                "repo/README.md:4:",
                "Added in commit",
                "by Dana Dev <dana@example.com> on 2021-10-06",
                "Add pretrained models",
                "at HEAD",
            ],
            "occurrences": sas_occurrences,
            "screenshot": "report-details.png",
        },
    }));

    // 2. A store that recorded a clean scan.
    let empty_dir = dir.path().join("clean");
    std::fs::create_dir_all(&empty_dir).unwrap();
    std::fs::write(empty_dir.join("main.py"), "print('hello')\n").unwrap();
    let empty_db = dir.path().join("empty.db");
    scan_into(&empty_db, &empty_dir, 0);
    let empty_html = dir.path().join("empty.html");
    html_report(&empty_db, &empty_html);
    pages.push(json!({
        "name": "empty",
        "report": empty_html,
        "total": 0,
        "cards": { "severity": { "critical": 0, "high": 0 }, "validation": { "not_checked": 0 } },
        "screenshot": "report-empty.png",
    }));

    // 3. Thousands of secrets: distinct AWS key ids, one per line, in five files (the
    // engine keeps at most 1,000 findings per file).
    let big_dir = dir.path().join("big");
    std::fs::create_dir_all(&big_dir).unwrap();
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for file in 0..5 {
        let mut text = String::new();
        for _ in 0..1000 {
            let mut id = String::from("AKIA");
            for _ in 0..16 {
                // xorshift: cheap, deterministic, varied enough to pass entropy checks.
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                id.push(alphabet[(x % 32) as usize] as char);
            }
            text.push_str(&format!("aws_access_key_id = {id}\n"));
        }
        std::fs::write(big_dir.join(format!("keys{file}.txt")), text).unwrap();
    }
    let big_db = dir.path().join("big.db");
    scan_into(&big_db, &big_dir, 1);
    let big = json_report(&big_db);
    assert!(big.len() >= 4900, "{} secrets", big.len());
    let one = big[1234]["fingerprint"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let big_html = dir.path().join("big.html");
    html_report(&big_db, &big_html);
    pages.push(json!({
        "name": "5,000 secrets",
        "report": big_html,
        "total": big.len(),
        "cards": { "kind": { "aws_access_key": big.len() } },
        "more": true,
        "filter": { "text": one, "rows": 1 },
        "max_ready_ms": 8000,
        "screenshot": "report-large.png",
        "full_page": false,
    }));

    let artifacts = artifacts_dir();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/report.mjs");
    let out = std::process::Command::new("node")
        .arg(&script)
        .env("LEAKSCOPE_PAGES", Value::Array(pages).to_string())
        .env("PLAYWRIGHT_CORE", &playwright)
        .env("LEAKSCOPE_CHROMIUM", &chromium)
        .env("LEAKSCOPE_ARTIFACTS", &artifacts)
        .output()
        .unwrap_or_else(|e| panic!("cannot run node {}: {e}", script.display()));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("{stdout}{stderr}");
    assert!(
        out.status.success(),
        "browser checks failed ({}):\n{stderr}",
        out.status
    );
    let shot = artifacts.join("report.png");
    assert!(shot.is_file(), "no screenshot at {}", shot.display());
    eprintln!("screenshots: {}", artifacts.display());
}
