//! `leakscope logs audit` end to end on the leakscope-logs fixtures, and the scan →
//! audit correlation.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn leakscope() -> Command {
    Command::cargo_bin("leakscope").expect("binary")
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../leakscope-logs/tests/fixtures")
}

#[test]
fn audit_json_contract() {
    let out = leakscope()
        .args(["logs", "audit", "--format", "json"])
        .arg(fixtures().join("logs"))
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).expect("one JSON object");
    for k in [
        "requests",
        "bad_lines",
        "by_auth",
        "credentials",
        "flags",
        "leaks",
    ] {
        assert!(v.get(k).is_some(), "missing {k}");
    }
    for k in ["sas", "account_key", "oauth", "anonymous", "other"] {
        assert!(v["by_auth"][k].as_u64().is_some(), "by_auth.{k}");
    }
    assert!(v["requests"].as_u64().unwrap() > 30);
    assert!(v["bad_lines"].as_u64().unwrap() >= 5);
    let c = &v["credentials"][0];
    for k in [
        "auth",
        "id",
        "first_use",
        "last_use",
        "ips",
        "user_agents",
        "operations",
        "reads",
        "writes",
        "deletes",
        "lists",
        "bytes",
        "errors",
        "flags",
    ] {
        assert!(c.get(k).is_some(), "credential missing {k}");
    }
    let f = &v["flags"][0];
    assert!(f["reason"].is_string() && f["id"].is_string());
}

#[test]
fn fail_on_flags_exits_1_and_missing_input_exits_2() {
    leakscope()
        .args(["logs", "audit", "--fail-on-flags", "--format", "jsonl"])
        .arg(fixtures().join("logs/classic_v1.log"))
        .assert()
        .code(1);
    leakscope()
        .args(["logs", "audit", "/nonexistent/leakscope/logs"])
        .assert()
        .code(2);
}

#[test]
fn leaked_key_found_by_scan_is_reported_used() {
    let secrets: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixtures().join("secrets.json")).unwrap())
            .unwrap();
    let key = secrets["account_key"].as_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    std::fs::write(
        repo.join("app.env"),
        format!(
            "STORAGE=\"DefaultEndpointsProtocol=https;AccountName=leakscopefixture;AccountKey={key};EndpointSuffix=core.windows.net\"\n"
        ),
    )
    .unwrap();
    let scan = leakscope()
        .args(["scan", "--format", "jsonl", "--show-secrets"])
        .arg(&repo)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let findings = dir.path().join("findings.jsonl");
    std::fs::write(&findings, &scan).unwrap();
    let out = leakscope()
        .args([
            "logs",
            "audit",
            "--format",
            "json",
            "--leaked-at",
            "2024-04-01T12:00:00Z",
        ])
        .arg("--findings")
        .arg(&findings)
        .arg(fixtures().join("logs/blob_monitor.json"))
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let leaks = v["leaks"].as_array().unwrap();
    let leak = leaks
        .iter()
        .find(|l| l["kind"] == "azure_connection_string" || l["kind"] == "azure_account_key")
        .expect("the key finding");
    assert_eq!(leak["used"], true);
    assert_eq!(leak["first_use"], "2024-04-01T08:00:00Z");
    assert_eq!(leak["last_use"], "2024-04-03T08:00:00Z");
    assert_eq!(leak["requests_after_leak"], 2);
    assert!(leak["path"].as_str().unwrap().ends_with("app.env"));
    // The report never carries the secret.
    assert!(!String::from_utf8_lossy(&out).contains(key));
}

#[test]
fn audit_html_is_one_escaped_page_with_every_credential() {
    let json = leakscope()
        .args(["logs", "audit", "--format", "json"])
        .arg(fixtures().join("logs"))
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let html = leakscope()
        .args(["logs", "audit", "--format", "html"])
        .arg(fixtures().join("logs"))
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let html = String::from_utf8(html).unwrap();
    assert!(html.starts_with("<!doctype html>") && html.trim_end().ends_with("</html>"));
    assert!(
        !html.contains("<script"),
        "no scripts, and log text is escaped"
    );
    assert!(
        !html.contains("<link") && !html.contains(" src="),
        "self-contained"
    );
    let credentials = v["credentials"].as_array().unwrap();
    assert!(!credentials.is_empty());
    for c in credentials {
        let id = c["id"].as_str().unwrap();
        let escaped = id
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&#39;");
        assert!(html.contains(&escaped), "credential {id} missing");
    }
    for f in v["flags"].as_array().unwrap() {
        assert!(html.contains(f["reason"].as_str().unwrap()));
    }
}
