//! Reports of a datastore (`leakscope report`): every format from one hand-built export,
//! with a fixed clock so the output is reproducible.

use leakscope_report::{exposure, render_store, StoreFormat, StoreReport};
use leakscope_store::{Export, Occurrence, ScanRow, SecretDetail, SecretRow, StatusChange};
use serde_json::{json, Value};

const NOW: &str = "2026-12-01T00:00:00Z";
const HOSTILE: &str = "repo/</script><script>alert(1)</script>.env";

fn now() -> jiff::Timestamp {
    NOW.parse().unwrap()
}

fn scan(id: i64, at: &str) -> ScanRow {
    ScanRow {
        id,
        started: at.into(),
        finished: at.into(),
        tool_version: "0.1.0".into(),
        rules: 331,
        inputs: vec!["repo".into()],
        files: 12,
        bytes: 4096,
        findings: 3,
    }
}

fn row(id: i64, rule: &str, kind: &str, severity: &str, redacted: &str) -> SecretRow {
    SecretRow {
        id,
        fingerprint: format!("{id:02}").repeat(32),
        rule_id: rule.into(),
        kind: kind.into(),
        severity: severity.into(),
        secret_redacted: redacted.into(),
        status: "open".into(),
        note: None,
        occurrences: 1,
        scans: 2,
        first_seen: "2026-11-01T10:00:00Z".into(),
        last_seen: "2026-11-20T10:00:00Z".into(),
    }
}

fn occ(path: &str, line: i64, git: Option<Value>) -> Occurrence {
    Occurrence {
        path: path.into(),
        line,
        column: 5,
        first_seen: "2026-11-01T10:00:00Z".into(),
        last_seen: "2026-11-20T10:00:00Z".into(),
        git,
        decoders: vec![],
    }
}

fn detail(row: SecretRow, locations: Vec<Occurrence>) -> SecretDetail {
    SecretDetail {
        row,
        rule_name: None,
        analysis: None,
        validation: None,
        validated_at: None,
        present_at_head: None,
        removed_at: None,
        absent_from_later_scan: false,
        locations,
        status_history: vec![],
    }
}

/// Three secrets: the incident's account SAS (in git, still at HEAD, two places), an AWS
/// key removed from HEAD and triaged, and a key in a file with a hostile name that a later
/// scan no longer found.
fn sample() -> Export {
    let git = |present: bool| {
        json!({
            "commit": "e212b231e8a6f00dfeedbeefe212b231e8a6f00d",
            "author": "Dana Dev <dana@example.com>",
            "date": "2021-10-06T12:00:00Z",
            "summary": "Add pretrained models",
            "first_seen": "2021-10-06T12:00:00Z",
            "last_seen": "2023-06-24T08:00:00Z",
            "present_at_head": present,
            "blob": "b".repeat(40),
            "paths": ["README.md"],
        })
    };
    let mut sas = detail(
        row(
            1,
            "azure.storage.sas",
            "azure_sas",
            "critical",
            "sv=2020-08-04&ss=b&srt=sco&sp=rwdlac&se=2051-10-06T00:00:00Z&st=2021-10-06T00:00:00Z&spr=https&sig=REDACTED",
        ),
        vec![
            occ("repo/README.md", 3, Some(git(true))),
            occ("repo/docs/models.md", 9, Some(git(true))),
        ],
    );
    sas.row.occurrences = 2;
    sas.rule_name = Some("Azure Storage shared access signature (SAS)".into());
    sas.present_at_head = Some(true);
    sas.analysis = Some(json!({
        "kind": "account", "version": "2020-08-04", "account": "acct",
        "target": { "service": "blob", "container": null, "path": null },
        "services": ["blob"], "resource_types": ["service", "container", "object"],
        "signed_resource": null,
        "permissions": ["read", "write", "delete", "list", "add", "create"],
        "start": "2021-10-06T00:00:00Z", "expiry": "2051-10-06T00:00:00Z",
        "lifetime_days": 10957.0, "remaining_days": 9075.6, "ip_range": null,
        "protocol": "https", "stored_policy": null, "signature": "unknown", "risk": "critical",
        "reasons": ["account-wide: blob service", "can delete and overwrite data (read, write, delete, list, add, create)"],
    }));
    let mut aws = detail(
        row(
            2,
            "aws.access_key_id",
            "aws_access_key",
            "high",
            "AKIA…[20 chars]",
        ),
        vec![occ("repo/old.env@e212b231e8a6", 1, Some(git(false)))],
    );
    aws.rule_name = Some("AWS access key ID".into());
    aws.present_at_head = Some(false);
    aws.removed_at = Some("2023-06-24T08:00:00Z".into());
    aws.row.status = "false_positive".into();
    aws.row.note = Some("=HYPERLINK(\"x\"), docs sample".into());
    aws.status_history = vec![StatusChange {
        at: "2026-11-02T00:00:00Z".into(),
        status: "false_positive".into(),
        note: Some("=HYPERLINK(\"x\"), docs sample".into()),
    }];
    let mut hostile = detail(
        row(
            3,
            "github.pat.classic",
            "github_token",
            "medium",
            "ghp_4Q…[40 chars]",
        ),
        vec![occ(HOSTILE, 1, None)],
    );
    hostile.absent_from_later_scan = true;
    hostile.validation = Some(json!({ "status": "live", "probed": ["GET /user"] }));
    hostile.validated_at = Some("2026-11-01T10:00:00Z".into());
    Export {
        scans: vec![
            scan(1, "2026-11-01T10:00:00Z"),
            scan(2, "2026-11-20T10:00:00Z"),
        ],
        secrets: vec![sas, aws, hostile],
    }
}

fn advice(d: &SecretDetail) -> Option<Value> {
    (d.row.kind == "azure_sas").then(|| {
        json!({ "revoke": "rotate the account key that signed it", "instead": "a user delegation SAS" })
    })
}

fn render(export: &Export, format: StoreFormat) -> String {
    let report = StoreReport {
        export,
        now: now(),
        tool_version: "0.1.0",
        datastore: "/home/me/.local/share/leakscope/leakscope.db",
        rules: &[],
        advice: &advice,
    };
    let mut out = Vec::new();
    render_store(format, &report, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn exposure_windows() {
    let e = sample();
    let w: Vec<_> = e.secrets.iter().map(|d| exposure(d, now())).collect();
    // Git's first commit, not the first scan; still at HEAD, so open until now.
    assert_eq!(
        (w[0].start.as_str(), w[0].end.as_str(), w[0].end_reason),
        ("2021-10-06T12:00:00Z", NOW, "ongoing")
    );
    assert_eq!(
        (w[1].end.as_str(), w[1].end_reason),
        ("2023-06-24T08:00:00Z", "removed_from_head")
    );
    assert_eq!(
        (w[2].start.as_str(), w[2].end.as_str(), w[2].end_reason),
        (
            "2026-11-01T10:00:00Z",
            "2026-11-20T10:00:00Z",
            "not_found_by_later_scan"
        )
    );
}

#[test]
fn json_report() {
    let out = render(&sample(), StoreFormat::Json);
    let v: Value = serde_json::from_str(&out).unwrap();
    let all = v.as_array().unwrap();
    assert_eq!(all.len(), 3);
    for k in [
        "id",
        "fingerprint",
        "kind",
        "severity",
        "status",
        "occurrences",
        "first_seen",
        "last_seen",
        "locations",
        "analysis",
        "status_history",
        "exposure",
    ] {
        assert!(all[0].get(k).is_some(), "missing {k}");
    }
    assert_eq!(all[0]["occurrences"], 2);
    assert_eq!(all[0]["locations"].as_array().unwrap().len(), 2);
    assert!(
        all[0].get("advice").is_none(),
        "advice is for the page only"
    );
    insta::assert_snapshot!(out);
}

#[test]
fn jsonl_report_is_one_secret_per_line() {
    let out = render(&sample(), StoreFormat::Jsonl);
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[2]["locations"][0]["path"], HOSTILE);
}

#[test]
fn csv_report_is_one_row_per_occurrence() {
    let out = render(&sample(), StoreFormat::Csv);
    let mut r = csv::Reader::from_reader(out.as_bytes());
    let head = r.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 4, "2 + 1 + 1 occurrences");
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    assert_eq!(&rows[0][col("id")], "1");
    assert_eq!(&rows[1][col("path")], "repo/docs/models.md");
    assert_eq!(&rows[0][col("author")], "Dana Dev <dana@example.com>");
    assert_eq!(&rows[2][col("at_head")], "false");
    // A note that a spreadsheet would run as a formula is defused, and quoting holds.
    assert_eq!(&rows[2][col("note")], "'=HYPERLINK(\"x\"), docs sample");
    assert_eq!(&rows[3][col("path")], HOSTILE);
    assert_eq!(&rows[3][col("validation")], "live");
    insta::assert_snapshot!(out);
}

#[test]
fn sarif_report_has_a_result_per_occurrence_and_suppressions() {
    let out = render(&sample(), StoreFormat::Sarif);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for r in results {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"], "ruleIndex points at its rule");
    }
    // Described by the name the store kept when no metadata is given.
    assert_eq!(
        rules[1]["shortDescription"]["text"],
        "Azure Storage shared access signature (SAS)"
    );
    let fp = results
        .iter()
        .find(|r| r["ruleId"] == "aws.access_key_id")
        .unwrap();
    assert_eq!(fp["suppressions"][0]["status"], "accepted");
    assert!(results[0].get("suppressions").is_none());
    assert_eq!(results[0]["properties"]["status"], "open");
}

/// The page with its style and script bodies and their hashes replaced by placeholders,
/// so the snapshot shows the markup and the embedded data, not the assets.
fn skeleton(html: &str) -> String {
    let mut s = html.to_string();
    for (open, close) in [("<style>", "</style>"), ("<script>", "</script>")] {
        let a = s.find(open).unwrap() + open.len();
        let b = a + s[a..].find(close).unwrap();
        s.replace_range(a..b, "…");
    }
    let mut out = String::new();
    let mut rest = s.as_str();
    while let Some(i) = rest.find("'sha256-") {
        out.push_str(&rest[..i]);
        let end = i + 1 + rest[i + 1..].find('\'').unwrap();
        out.push_str("'sha256-…");
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn html_report_is_self_contained_and_inert() {
    let html = render(&sample(), StoreFormat::Html);
    // The hostile path cannot end the data block or start a script.
    assert!(!html.contains("</script><script>alert(1)"));
    assert_eq!(
        html.matches("<script").count(),
        2,
        "the data block and ours"
    );
    assert_eq!(html.matches("</script>").count(), 2);
    let data_start = html.find("id=\"report-data\">").unwrap() + "id=\"report-data\">".len();
    let data_end = data_start + html[data_start..].find("</script>").unwrap();
    let data: Value = serde_json::from_str(&html[data_start..data_end]).unwrap();
    assert_eq!(data["secrets"][2]["locations"][0]["path"], HOSTILE);
    assert_eq!(data["generated_at"], NOW);
    assert_eq!(
        data["secrets"][0]["advice"]["revoke"],
        "rotate the account key that signed it"
    );
    // Nothing is loaded from anywhere: no src/href to a network URL, a strict policy.
    for attr in ["src=", "href=", "action=", "srcset="] {
        for (i, _) in html.match_indices(attr) {
            let value = html[i + attr.len()..].trim_start_matches(['"', '\'']);
            assert!(
                !value.starts_with("http:")
                    && !value.starts_with("https:")
                    && !value.starts_with("//"),
                "external {attr} at {i}"
            );
        }
    }
    assert!(!html.contains("@import") && !html.contains("url("));
    let csp = html
        .split("http-equiv=\"Content-Security-Policy\" content=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap();
    assert!(
        csp.starts_with("default-src 'none'; script-src 'sha256-"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe") && !csp.contains("http"), "{csp}");
    // The script never parses data as HTML.
    for sink in [
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "eval(",
    ] {
        assert!(!html.contains(sink), "{sink} in the page");
    }
    insta::assert_snapshot!(skeleton(&html));
}

#[test]
fn html_report_with_no_secrets() {
    let empty = Export {
        scans: vec![scan(1, "2026-11-01T10:00:00Z")],
        secrets: vec![],
    };
    let html = render(&empty, StoreFormat::Html);
    assert!(html.contains("\"secrets\":[]"));
    assert_eq!(render(&empty, StoreFormat::Json).trim(), "[]");
    assert_eq!(
        render(&empty, StoreFormat::Csv).lines().count(),
        1,
        "the header"
    );
}

#[test]
fn html_report_of_thousands_of_secrets_stays_small() {
    let base = sample();
    let mut secrets = Vec::new();
    for i in 0..5000 {
        let mut d = base.secrets[i % 3].clone();
        d.row.id = i as i64 + 1;
        d.row.fingerprint = format!("{i:064x}");
        secrets.push(d);
    }
    let export = Export {
        scans: base.scans.clone(),
        secrets,
    };
    let started = std::time::Instant::now();
    let html = render(&export, StoreFormat::Html);
    assert!(started.elapsed().as_secs() < 10);
    // About a kilobyte per secret with its occurrences and analysis.
    assert!(html.len() < 12 << 20, "{} bytes", html.len());
}
