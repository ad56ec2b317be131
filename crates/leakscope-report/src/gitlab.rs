//! GitLab's secret-detection security report (schema 15.x), the file a job publishes with
//! `artifacts: reports: secret_detection` so findings appear in merge requests and the
//! vulnerability report. Only redacted secrets go in: the report is stored by GitLab and
//! visible to everyone with access to the pipeline.

use crate::Report;
use leakscope_core::{Finding, Severity};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// The schema version the report declares (and is validated against by GitLab).
pub const SCHEMA_VERSION: &str = "15.2.1";

pub fn build(report: &Report<'_>) -> Value {
    let version = &report.summary.tool_version;
    let tool = json!({
        "id": "leakscope",
        "name": "leakscope",
        "version": version,
        "vendor": { "name": "leakscope" },
    });
    let vulnerabilities: Vec<Value> = report.findings.iter().map(vulnerability).collect();
    json!({
        "version": SCHEMA_VERSION,
        "scan": {
            "analyzer": tool,
            "scanner": tool,
            "type": "secret_detection",
            "start_time": gitlab_time(&report.summary.started),
            "end_time": gitlab_time(&report.summary.finished),
            "status": "success",
        },
        "vulnerabilities": vulnerabilities,
    })
}

fn vulnerability(f: &Finding) -> Value {
    // GitLab requires a commit sha; its own analyzer uses this placeholder outside history
    // (and a dangling blob has no commit either).
    let mut commit = json!({ "sha": "0000000" });
    if let Some(g) = &f.git {
        for (key, value) in [
            ("sha", &g.commit),
            ("author", &g.author),
            ("date", &g.date),
            ("message", &g.summary),
        ] {
            if let Some(v) = value {
                commit[key] = json!(v);
            }
        }
    }
    let mut description = format!(
        "{} found in {} at line {} ({}).",
        f.rule_name, f.path, f.line, f.secret_redacted
    );
    if let Some(g) = &f.git {
        if !g.present_at_head {
            match &g.removed_at {
                Some(r) => description.push_str(&format!(
                    " Removed from HEAD on {} (commit {}), but still in the repository's history.",
                    r.date.get(..10).unwrap_or(&r.date),
                    r.commit.get(..12).unwrap_or(&r.commit)
                )),
                None => description
                    .push_str(" No longer at HEAD, but still in the repository's history."),
            }
        }
    }
    if let Some(reasons) = f
        .analysis
        .as_ref()
        .and_then(|a| a.get("reasons"))
        .and_then(Value::as_array)
    {
        let reasons: Vec<&str> = reasons.iter().filter_map(Value::as_str).collect();
        if !reasons.is_empty() {
            description.push_str(&format!(" Risk: {}.", reasons.join("; ")));
        }
    }
    json!({
        "id": stable_id(f),
        "name": f.rule_name,
        "description": description,
        "severity": severity(f.severity),
        "solution": "Revoke or rotate the credential, then remove it from the code and its history.",
        "location": {
            "file": location_file(&f.path),
            "start_line": f.line,
            "end_line": f.end_line.max(f.line),
            "commit": commit,
        },
        "identifiers": [{
            "type": "leakscope_rule_id",
            "name": format!("leakscope rule {}", f.rule_id),
            "value": f.rule_id,
        }],
    })
}

/// A UUID-shaped id that is the same for the same secret at the same place, so GitLab
/// tracks one vulnerability across pipelines instead of a new one per run.
fn stable_id(f: &Finding) -> String {
    let mut h = Sha256::new();
    for part in [
        f.rule_id.as_str(),
        f.fingerprint.as_str(),
        location_file(&f.path),
        &f.line.to_string(),
    ] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    let hex: String = h
        .finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// History findings carry `path@commit` for people; GitLab wants the file path alone.
fn location_file(path: &str) -> &str {
    let p = path.strip_prefix("./").unwrap_or(path);
    match p.rsplit_once('@') {
        Some((file, rev)) if rev.len() >= 7 && rev.bytes().all(|b| b.is_ascii_hexdigit()) => file,
        _ => p,
    }
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "Critical",
        Severity::High => "High",
        Severity::Medium => "Medium",
        Severity::Low => "Low",
        Severity::Info => "Info",
    }
}

/// GitLab's schema wants `YYYY-MM-DDTHH:MM:SS` (UTC, no zone, no fraction).
fn gitlab_time(rfc3339: &str) -> String {
    match rfc3339.get(..19) {
        Some(t) if t.as_bytes().get(10) == Some(&b'T') => t.to_string(),
        _ => "1970-01-01T00:00:00".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_paths_lose_their_commit() {
        assert_eq!(location_file("./repo/a.env@0123456789ab"), "repo/a.env");
        assert_eq!(location_file("user@example"), "user@example");
        assert_eq!(location_file("a.zip!b/c.txt"), "a.zip!b/c.txt");
    }

    #[test]
    fn times_in_gitlab_form() {
        assert_eq!(
            gitlab_time("2026-11-30T10:00:01.123Z"),
            "2026-11-30T10:00:01"
        );
        assert_eq!(gitlab_time(""), "1970-01-01T00:00:00");
    }
}
