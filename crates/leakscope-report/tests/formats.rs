use leakscope_core::{Confidence, Finding, Severity, SkipReason, Skipped};
use leakscope_report::{render, Format, RenderOptions, Report, RuleMeta, Summary};

fn sample() -> (Vec<Finding>, Summary, Vec<RuleMeta>) {
    let f = Finding {
        rule_id: "azure.storage.sas".into(),
        rule_name: "Azure Storage shared access signature (SAS)".into(),
        kind: "azure_sas".into(),
        severity: Severity::Critical,
        confidence: Confidence::High,
        path: "docs/README.md".into(),
        line: 4,
        column: 73,
        end_line: 4,
        end_column: 250,
        offset: 120,
        secret_redacted:
            "sv=2019-12-12&ss=bfqt&srt=sco&sp=rwdlacup&se=2051-10-06T07:09:59Z&sig=REDACTED".into(),
        secret: None,
        fingerprint: "3b1f0c2d4e5f60718293a4b5c6d7e8f90123456789abcdef0123456789abcdef".into(),
        decoders: vec![],
        git: None,
        analysis: Some(serde_json::json!({
            "summary": "Account SAS: full control of the whole account until 2051-10-06.",
            "risk": "critical",
            "reasons": ["account-wide: blob, file, queue and table services", "can delete and overwrite data"]
        })),
        validation: None,
        paired: Vec::new(),
        captures: Default::default(),
    };
    let mut g = f.clone();
    g.rule_id = "github.pat.classic".into();
    g.rule_name = "GitHub personal access token (classic)".into();
    g.kind = "github_pat".into();
    g.severity = Severity::High;
    g.path = "src/config dir/settings.py".into();
    g.line = 2;
    g.column = 9;
    g.end_column = 49;
    g.secret_redacted = "ghp_4Q…[40 chars]".into();
    g.fingerprint = "aa".repeat(32);
    g.decoders = vec!["percent".into()];
    g.analysis = None;
    let summary = Summary {
        tool_version: "0.1.0".into(),
        started: "2026-11-30T10:00:00Z".into(),
        finished: "2026-11-30T10:00:01Z".into(),
        files_scanned: 3,
        bytes_scanned: 2_000_000,
        duration_secs: 0.5,
        skipped: vec![Skipped {
            path: "big.bin".into(),
            reason: SkipReason::TooLarge { size: 10, limit: 5 },
        }],
        matches_dropped: 0,
    };
    let rules = vec![RuleMeta {
        id: "azure.storage.sas".into(),
        name: "Azure Storage shared access signature (SAS)".into(),
        kind: "azure_sas".into(),
        severity: Severity::High,
        confidence: Confidence::High,
        description: Some("A SAS query string.".into()),
        references: vec![
            "https://learn.microsoft.com/en-us/rest/api/storageservices/create-service-sas".into(),
        ],
    }];
    (vec![f, g], summary, rules)
}

fn rendered(format: Format) -> String {
    let (findings, summary, rules) = sample();
    let report = Report {
        findings: &findings,
        summary: &summary,
        rules: &rules,
    };
    let mut out = Vec::new();
    render(format, &report, RenderOptions::default(), &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn human_output() {
    insta::assert_snapshot!(rendered(Format::Human));
}

#[test]
fn jsonl_output_has_the_contract_fields() {
    let out = rendered(Format::Jsonl);
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    for field in [
        "rule_id",
        "rule_name",
        "kind",
        "severity",
        "path",
        "line",
        "column",
        "secret_redacted",
        "fingerprint",
        "decoders",
    ] {
        assert!(lines[0].get(field).is_some(), "missing {field}");
    }
    assert!(lines[0].get("secret").is_none());
    insta::assert_snapshot!(out);
}

#[test]
fn json_output() {
    let out = rendered(Format::Json);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v.as_array().map(Vec::len), Some(2));
    insta::assert_snapshot!(out);
}

#[test]
fn sarif_output() {
    let out = rendered(Format::Sarif);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(
        results[1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "src/config%20dir/settings.py"
    );
    insta::assert_snapshot!(out);
}

#[test]
fn gitlab_output() {
    let out = rendered(Format::Gitlab);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["scan"]["type"], "secret_detection");
    assert_eq!(v["scan"]["end_time"], "2026-11-30T10:00:01");
    insta::assert_snapshot!(out);
}

#[test]
fn validated_finding_in_human_and_json() {
    let (mut findings, summary, rules) = sample();
    let access = serde_json::json!({
        "containers": [
            {"name": "models", "blobs": 1200, "bytes": 38_000_000_000u64, "public_access": "container",
             "model_files": ["a.pt"], "model_file_count": 5, "complete": true},
            {"name": "logs", "blobs": 4, "bytes": 200_000_000u64, "public_access": "private",
             "model_files": [], "model_file_count": 0, "complete": true}],
        "total_blobs": 1204, "total_bytes": 38_200_000_000u64, "complete": true, "requests": 4
    });
    let mut extra = serde_json::Map::new();
    extra.insert("access".into(), access);
    findings[0].validation = Some(leakscope_core::Validation {
        status: "live".into(),
        probed: vec!["GET https://acct.blob.core.windows.net/?comp=list&maxresults=5000&…".into()],
        extra,
    });
    let report = Report {
        findings: &findings,
        summary: &summary,
        rules: &rules,
    };
    let mut out = Vec::new();
    render(Format::Human, &report, RenderOptions::default(), &mut out).unwrap();
    let human = String::from_utf8(out).unwrap();
    assert!(
        human.contains("LIVE — lists 2 containers, 1,204 blobs, 38.2 GB; 1 public; 5 model files"),
        "{human}"
    );
    let mut out = Vec::new();
    render(Format::Jsonl, &report, RenderOptions::default(), &mut out).unwrap();
    let first: serde_json::Value =
        serde_json::from_str(String::from_utf8(out).unwrap().lines().next().unwrap()).unwrap();
    assert_eq!(first["validation"]["status"], "live");
    assert_eq!(first["validation"]["access"]["total_blobs"], 1204);
}
