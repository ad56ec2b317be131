//! The audit on the committed fixtures (see fixtures/gen_fixtures.py).

use std::path::{Path, PathBuf};

use leakscope_logs::read::{audit_file, audit_path};
use leakscope_logs::{AuditOptions, Auditor, Correlator, LogFormat, Report};
use serde_json::Value;

fn fx(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

fn audit(paths: &[&str], corr: Option<Correlator>) -> Report {
    let mut a = Auditor::new(AuditOptions::default(), corr);
    for p in paths {
        audit_path(&fx(p), &mut a).unwrap();
    }
    a.finish()
}

fn json(r: &Report) -> Value {
    serde_json::to_value(r).unwrap()
}

fn secrets() -> Value {
    serde_json::from_str(&std::fs::read_to_string(fx("secrets.json")).unwrap()).unwrap()
}

fn cred<'a>(v: &'a Value, id_part: &str) -> &'a Value {
    v["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"].as_str().unwrap().contains(id_part))
        .unwrap_or_else(|| panic!("no credential with {id_part}"))
}

#[test]
fn classic_v1_counts_flags_and_bad_lines() {
    let r = audit(&["logs/classic_v1.log"], None);
    let v = json(&r);
    assert_eq!(v["requests"], 10);
    assert_eq!(v["bad_lines"], 3);
    let lines: Vec<u64> = r.bad_line_examples.iter().map(|b| b.line).collect();
    assert_eq!(lines, vec![11, 12, 13]);
    assert_eq!(v["by_auth"]["sas"], 7);
    assert_eq!(v["by_auth"]["account_key"], 2);
    assert_eq!(v["by_auth"]["anonymous"], 1);
    let sas = cred(&v, "sp=rwdl");
    assert_eq!(sas["auth"], "sas");
    assert_eq!(sas["reads"], 4);
    assert_eq!(sas["writes"], 1);
    assert_eq!(sas["deletes"], 1);
    assert_eq!(sas["lists"], 1);
    assert_eq!(sas["errors"], 1);
    assert_eq!(sas["ips"].as_array().unwrap().len(), 4);
    assert_eq!(sas["first_use"], "2024-03-01T10:00:00Z");
    assert_eq!(sas["last_use"], "2024-03-01T11:10:00Z");
    assert_eq!(sas["operations"]["GetBlob"], 4);
    assert_eq!(sas["bytes"], 4 * 1024 + 2048 + 4096);
    // The user agent held a quoted semicolon and an HTML-encoded quote.
    assert!(sas["user_agents"]
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u == "Mozilla/5.0 (X11; Linux x86_64) \"quoted\"; semi"));
    let reasons: Vec<&str> = v["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["reason"].as_str().unwrap())
        .collect();
    for want in [
        "sas_write",
        "sas_delete",
        "sas_listing",
        "sas_many_ips",
        "anonymous_access",
        "account_key_multiple_ips",
    ] {
        assert!(reasons.contains(&want), "missing flag {want}: {reasons:?}");
    }
    for f in v["flags"].as_array().unwrap() {
        assert!(f["id"].is_string());
    }
}

#[test]
fn classic_v2_oauth_and_account_level_listing() {
    let v = json(&audit(&["logs/classic_v2.log"], None));
    assert_eq!(v["by_auth"]["oauth"], 1);
    assert_eq!(
        cred(&v, "oauth:")["id"],
        "oauth:11111111-2222-3333-4444-555555555555"
    );
    let f = v["flags"].as_array().unwrap();
    assert!(
        f.iter()
            .any(|f| f["reason"] == "sas_listing"
                && f["detail"].as_str().unwrap().contains("account"))
    );
}

#[test]
fn every_format_is_detected_and_read() {
    let cases = [
        ("logs/classic_v1.log", LogFormat::Classic, 10),
        ("logs/classic_v2.log", LogFormat::Classic, 2),
        ("logs/blob_monitor.json", LogFormat::JsonLines, 4),
        ("logs/file_monitor.json", LogFormat::JsonLines, 1),
        ("logs/queue_monitor.json", LogFormat::JsonLines, 1),
        ("logs/table_monitor.json", LogFormat::JsonLines, 1),
        ("logs/la_export.csv", LogFormat::Csv, 3),
        ("logs/la_export.json", LogFormat::JsonArray, 2),
        ("logs/gz/classic_v1.log.gz", LogFormat::Classic, 10),
        ("logs/gz/blob_monitor.json.gz", LogFormat::JsonLines, 4),
    ];
    for (p, fmt, n) in cases {
        let mut a = Auditor::new(AuditOptions::default(), None);
        audit_file(&fx(p), &mut a).unwrap();
        let r = a.finish();
        assert_eq!(r.files[0].format, fmt, "{p}");
        assert_eq!(r.requests, n, "{p}");
        assert_eq!(r.files[0].compressed, p.ends_with(".gz"), "{p}");
    }
}

#[test]
fn monitor_shapes_map_fields() {
    let v = json(&audit(&["logs/blob_monitor.json"], None));
    assert_eq!(v["bad_lines"], 1);
    assert_eq!(v["bad_line_examples"][0]["line"], 5);
    let key = cred(&v, "account_key:key1(");
    assert_eq!(
        key["ips"],
        serde_json::json!(["198.51.100.99", "203.0.113.50"])
    );
    assert_eq!(key["bytes"], 5700);
    assert_eq!(key["writes"], 1);
    let sas = cred(&v, "SasSignature(");
    assert!(sas["sas_params"].as_str().unwrap().contains("sp=rwdl"));
    let csv = json(&audit(&["logs/la_export.csv"], None));
    assert_eq!(csv["bad_lines"], 1);
    assert_eq!(cred(&csv, "sp=rwdl")["last_use"], "2024-05-01T11:00:00Z");
    assert_eq!(
        cred(&csv, "sp=rwdl")["user_agents"],
        serde_json::json!(["Go-http-client/1.1, extra"])
    );
}

#[test]
fn distinct_sets_are_capped() {
    let mut a = Auditor::new(
        AuditOptions {
            max_distinct: 2,
            ..AuditOptions::default()
        },
        None,
    );
    audit_file(&fx("logs/classic_v1.log"), &mut a).unwrap();
    let v = json(&a.finish());
    let sas = cred(&v, "sp=rwdl");
    assert_eq!(sas["ips"].as_array().unwrap().len(), 2);
    assert_eq!(sas["ips_overflow"], 2);
}

#[test]
fn leaked_key_and_sas_are_reported_used() {
    let s = secrets();
    let key = s["account_key"].as_str().unwrap();
    let sas = s["sas"].as_str().unwrap();
    let findings = format!(
        "{}\n{}\n{}\n{}\n",
        serde_json::json!({"kind": "azure_account_key", "path": "a.env", "line": 1, "secret": key,
            "secret_redacted": "x", "fingerprint": "f1", "git": {"first_seen": "2024-04-01T12:00:00Z"}}),
        serde_json::json!({"kind": "azure_sas", "path": "b.md", "line": 2,
            "secret": format!("https://leakscopefixture.blob.core.windows.net/data?{sas}"),
            "secret_redacted": "y", "fingerprint": "f2"}),
        serde_json::json!({"kind": "azure_account_key", "path": "c.env", "line": 3,
            "secret": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==",
            "secret_redacted": "z", "fingerprint": "f3"}),
        serde_json::json!({"kind": "azure_sas", "path": "d.md", "line": 4, "secret_redacted": "w", "fingerprint": "f4"}),
    );
    let c = Correlator::from_jsonl(findings.as_bytes(), None).unwrap();
    let v = json(&audit(&["logs"], Some(c)));
    let leaks = v["leaks"].as_array().unwrap();
    assert_eq!(leaks.len(), 4);
    let k = &leaks[0];
    assert_eq!(k["used"], true);
    assert_eq!(k["first_use"], "2024-04-01T08:00:00Z");
    assert_eq!(k["last_use"], "2024-05-01T10:05:00Z");
    assert_eq!(k["leaked_at"], "2024-04-01T12:00:00Z");
    // blob_monitor (PutBlob 04-02, SAS 04-03) twice (plain and .gz), and PutBlob 05-01 in
    // both Log Analytics exports (CSV, JSON).
    assert_eq!(k["requests_after_leak"], 6);
    assert_eq!(k["first_use_after_leak"], "2024-04-02T08:00:00Z");
    let by: Vec<&str> = k["matched_by"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert_eq!(by, vec!["key_hash", "key_hash_in_sas"]);
    let sasv = &leaks[1];
    assert_eq!(sasv["used"], true);
    assert!(sasv["matched_by"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m == "sas_params"));
    assert!(sasv["matched_by"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m == "sas_signature_hash"));
    assert_eq!(sasv["first_use"], "2024-03-01T10:00:00Z");
    assert_eq!(leaks[2]["used"], false);
    assert_eq!(leaks[3]["used"], Value::Null);
}

#[test]
fn hash_in_base64_or_lowercase_hex_matches() {
    use base64::Engine;
    let s = secrets();
    let hex = s["key_hash"].as_str().unwrap();
    let bytes: Vec<u8> = (0..32)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    let b64 = base64::engine::general_purpose::STANDARD.encode(&bytes);
    for logged in [hex.to_ascii_lowercase(), b64] {
        let finding = serde_json::json!({"kind": "azure_account_key", "secret": s["account_key"],
            "path": "p", "line": 1, "secret_redacted": "r", "fingerprint": "f"});
        let c = Correlator::from_jsonl(format!("{finding}\n").as_bytes(), None).unwrap();
        let line = serde_json::json!({"time": "2024-01-01T00:00:00Z", "operationName": "GetBlob",
            "statusCode": 200, "callerIpAddress": "1.2.3.4:5", "identity": {"type": "AccountKey",
            "tokenHash": format!("key1({logged})")}, "properties": {"accountName": "a"}, "uri": "https://a/b"});
        let mut a = Auditor::new(AuditOptions::default(), Some(c));
        leakscope_logs::read::audit_reader("mem", format!("{line}\n").as_bytes(), &mut a).unwrap();
        let r = json(&a.finish());
        assert_eq!(r["leaks"][0]["used"], true, "{logged}");
    }
}
