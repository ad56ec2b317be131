//! `leakscope report` and the datastore's promises end to end: a planted git repository,
//! scanned by the real binary into a real SQLite file.

mod support;

use predicates::prelude::*;
use serde_json::Value;
use support::*;

fn secrets(db: &std::path::Path, extra: &[&str]) -> Vec<Value> {
    serde_json::from_str(&report(db, "json", extra)).expect("json report")
}

fn by_rule<'a>(all: &'a [Value], rule: &str) -> &'a Value {
    all.iter()
        .find(|s| s["rule_id"] == rule)
        .unwrap_or_else(|| panic!("no {rule} in {all:#?}"))
}

#[test]
fn report_formats_from_a_scanned_repository() {
    let dir = tempfile::tempdir().unwrap();
    let repo = planted_repo(dir.path());
    let db = dir.path().join("store.db");
    scan_into(&db, &repo, 1);
    scan_into(&db, &repo, 1);

    let all = secrets(&db, &[]);
    let rules: Vec<&str> = all.iter().filter_map(|s| s["rule_id"].as_str()).collect();
    assert_eq!(all.len(), 6, "{rules:?}");

    // The SAS: analysis kept, found in git, still at HEAD, exposed since its commit.
    let sas = by_rule(&all, "azure.storage.sas");
    assert_eq!(sas["severity"], "critical");
    assert_eq!(sas["scans"], 2);
    assert_eq!(sas["analysis"]["kind"], "account");
    assert_eq!(sas["analysis"]["risk"], "critical");
    assert_eq!(sas["present_at_head"], true);
    assert_eq!(sas["exposure"]["start"], "2021-10-06T12:00:00Z");
    assert_eq!(sas["exposure"]["end"], NOW);
    assert_eq!(sas["exposure"]["end_reason"], "ongoing");
    assert_eq!(
        sas["locations"][0]["git"]["author"],
        "Dana Dev <dana@example.com>"
    );
    assert_eq!(
        sas["rule_name"],
        "Azure Storage shared access signature (SAS)"
    );

    // The same AWS key in two files: one secret, two occurrences.
    let key = by_rule(&all, "aws.access_key_id");
    let key = if key["occurrences"] == 2 {
        key
    } else {
        all.iter()
            .find(|s| s["rule_id"] == "aws.access_key_id" && s["occurrences"] == 2)
            .expect("the repeated key")
    };
    let paths: Vec<&str> = key["locations"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o["path"].as_str())
        .collect();
    assert!(
        paths.iter().any(|p| p.ends_with("deploy/ci.sh")),
        "{paths:?}"
    );

    // The token deleted from HEAD: its window closes at the commit that removed it.
    let gone = all
        .iter()
        .find(|s| s["present_at_head"] == false)
        .expect("a secret removed from HEAD");
    assert_eq!(gone["exposure"]["end_reason"], "removed_from_head");
    assert_eq!(gone["removed_at"], "2023-01-10T09:00:00Z");

    // jsonl: the same objects, one per line.
    let lines = report(&db, "jsonl", &[]);
    assert_eq!(lines.lines().count(), all.len());
    for l in lines.lines() {
        let v: Value = serde_json::from_str(l).unwrap();
        for k in [
            "id",
            "fingerprint",
            "kind",
            "severity",
            "status",
            "occurrences",
            "first_seen",
            "last_seen",
        ] {
            assert!(v.get(k).is_some(), "missing {k}");
        }
    }

    // csv: one row per occurrence.
    let csv = report(&db, "csv", &[]);
    let occurrences: u64 = all.iter().filter_map(|s| s["occurrences"].as_u64()).sum();
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(r.records().count() as u64, occurrences);

    // sarif: one result per occurrence, rules described by the built-in metadata.
    let sarif: Value = serde_json::from_str(&report(&db, "sarif", &[])).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len() as u64, occurrences);
    let rule_ids: Vec<&str> = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert!(rule_ids.contains(&"model.code_execution"), "{rule_ids:?}");
    assert!(
        sarif["runs"][0]["tool"]["driver"]["rules"][0]["properties"]["security-severity"]
            .is_string()
    );

    // html to a file, with the hostile file name kept inert.
    let html = dir.path().join("report.html");
    leakscope()
        .args(["report", "--now", NOW, "-o"])
        .arg(&html)
        .arg("--datastore")
        .arg(&db)
        .assert()
        .code(0)
        .stderr(predicate::str::contains("report of 6 secrets written to"));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.starts_with("<!doctype html>"));
    assert!(
        !page.contains(HOSTILE_NAME),
        "the file name is escaped in the data"
    );
    assert!(page.contains("x\\u003c/script\\u003e\\u003cscript\\u003ealert(1)"));

    // Neither the store nor any report holds a secret.
    let store_bytes = std::fs::read(&db).unwrap();
    for secret in [SAS_SIG, AWS_SECRET] {
        assert!(
            !store_bytes
                .windows(secret.len())
                .any(|w| w == secret.as_bytes()),
            "{secret} in the store"
        );
        for text in [&page, &csv, &lines] {
            assert!(!text.contains(secret), "{secret} in a report");
        }
    }
}

#[test]
fn report_filters_and_refusals() {
    let dir = tempfile::tempdir().unwrap();
    let repo = planted_repo(dir.path());
    let db = dir.path().join("store.db");
    scan_into(&db, &repo, 1);
    let all = secrets(&db, &[]);
    let sas_id = by_rule(&all, "azure.storage.sas")["id"].to_string();
    leakscope()
        .args([
            "findings",
            "set-status",
            &sas_id,
            "revoked",
            "--note",
            "key1 rotated",
            "--datastore",
        ])
        .arg(&db)
        .assert()
        .code(0);
    let revoked = secrets(&db, &["--status", "revoked"]);
    assert_eq!(revoked.len(), 1);
    assert_eq!(revoked[0]["status_history"][0]["note"], "key1 rotated");
    let open = secrets(&db, &["--status", "open", "--status", "false_positive"]);
    assert_eq!(open.len(), all.len() - 1);
    let critical = secrets(&db, &["--min-severity", "critical"]);
    assert!(critical.iter().all(|s| s["severity"] == "critical"));
    assert!(!critical.is_empty() && critical.len() < all.len());

    // SARIF marks nothing suppressed for `revoked`; a false positive is.
    leakscope()
        .args([
            "findings",
            "set-status",
            &sas_id,
            "false_positive",
            "--datastore",
        ])
        .arg(&db)
        .assert()
        .code(0);
    let sarif: Value = serde_json::from_str(&report(&db, "sarif", &[])).unwrap();
    let suppressed = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .count();
    assert_eq!(suppressed, 1);

    let fails = |args: &[&str], msg: &str| {
        leakscope()
            .arg("report")
            .args(args)
            .arg("--datastore")
            .arg(&db)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(msg.to_string()));
    };
    fails(&["--show-secrets", "--format", "json"], "never a secret");
    fails(&["--status", "gone", "--format", "json"], "expected one of");
    fails(
        &["--min-severity", "huge", "--format", "json"],
        "min-severity",
    );
    fails(&["--now", "yesterday", "--format", "json"], "RFC 3339");
    leakscope()
        .args(["report", "--format", "json", "--datastore"])
        .arg(dir.path().join("none.db"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no datastore"));
}

#[test]
fn report_uses_the_default_datastore() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("xdg");
    std::fs::write(dir.path().join("a.env"), format!("KEY={OTHER_KEY}\n")).unwrap();
    leakscope()
        .env("XDG_DATA_HOME", &data)
        .args(["scan", "-q", "--no-config", "--datastore"])
        .arg(dir.path().join("a.env"))
        .assert()
        .code(1);
    assert!(data.join("leakscope/leakscope.db").is_file());
    let out = leakscope()
        .env("XDG_DATA_HOME", &data)
        .args(["report", "--format", "jsonl"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    assert_eq!(String::from_utf8_lossy(&out).lines().count(), 1);
}

/// The "done means": scanning the same tree twice gives one row per secret with two
/// scans of history; a status survives a rescan; a baseline makes the next scan report
/// zero new findings.
#[test]
fn done_means_rescans_triage_and_baselines() {
    let dir = tempfile::tempdir().unwrap();
    let repo = planted_repo(dir.path());
    let db = dir.path().join("store.db");
    scan_into(&db, &repo, 1);
    let first = secrets(&db, &[]);
    scan_into(&db, &repo, 1);
    let second = secrets(&db, &[]);
    assert_eq!(first.len(), second.len(), "one row per secret");
    let fps = |v: &[Value]| {
        let mut f: Vec<String> = v.iter().map(|s| s["fingerprint"].to_string()).collect();
        f.sort();
        f
    };
    assert_eq!(fps(&first), fps(&second));
    assert!(
        second.iter().all(|s| s["scans"] == 2),
        "two scans of history"
    );
    assert!(second
        .iter()
        .zip(&first)
        .all(|(b, a)| b["occurrences"] == a["occurrences"]));

    let id = by_rule(&second, "azure.storage.sas")["id"].to_string();
    leakscope()
        .args([
            "findings",
            "set-status",
            &id,
            "accepted_risk",
            "--note",
            "public demo account",
            "--datastore",
        ])
        .arg(&db)
        .assert()
        .code(0);
    scan_into(&db, &repo, 1);
    let third = secrets(&db, &[]);
    let sas = by_rule(&third, "azure.storage.sas");
    assert_eq!(sas["status"], "accepted_risk", "status survives a rescan");
    assert_eq!(sas["note"], "public demo account");
    assert_eq!(sas["scans"], 3);

    let baseline = dir.path().join("baseline.json");
    leakscope()
        .args([
            "baseline",
            "create",
            "-q",
            "--no-config",
            "--now",
            NOW,
            "-o",
        ])
        .arg(&baseline)
        .arg(&repo)
        .assert()
        .code(0);
    let out = leakscope()
        .args([
            "scan",
            "-q",
            "--no-config",
            "--format",
            "jsonl",
            "--now",
            NOW,
        ])
        .arg(format!("--baseline={}", baseline.display()))
        .arg(format!("--datastore={}", db.display()))
        .arg(&repo)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    assert!(
        out.is_empty(),
        "no new findings: {}",
        String::from_utf8_lossy(&out)
    );
    assert_eq!(secrets(&db, &[]).len(), third.len(), "nothing new recorded");
}
