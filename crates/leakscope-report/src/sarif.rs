//! SARIF 2.1.0, shaped for GitHub code scanning: rules with `security-severity`, relative
//! URIs where the path is relative, `partialFingerprints` from the secret's fingerprint.

use crate::Report;
use leakscope_core::{Finding, Severity};
use serde_json::{json, Value};
use std::collections::HashMap;

pub fn build(report: &Report<'_>) -> Value {
    // Only rules that produced results, plus any rule a result names that we lack metadata
    // for, so every ruleIndex is valid.
    let mut ids: Vec<&str> = report.findings.iter().map(|f| f.rule_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let meta: HashMap<&str, &crate::RuleMeta> =
        report.rules.iter().map(|r| (r.id.as_str(), r)).collect();
    let rules: Vec<Value> = ids
        .iter()
        .map(|id| match meta.get(id) {
            Some(m) => rule_descriptor(m),
            None => json!({ "id": id }),
        })
        .collect();
    let index: HashMap<&str, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| result(f, index.get(f.rule_id.as_str()).copied().unwrap_or(0)))
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "leakscope",
                "semanticVersion": report.summary.tool_version,
                "informationUri": "https://github.com/leakscope/leakscope",
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

pub(crate) fn rule_descriptor(m: &crate::RuleMeta) -> Value {
    let mut r = json!({
        "id": m.id,
        "name": pascal(&m.id),
        "shortDescription": { "text": m.name },
        "fullDescription": { "text": m.description.clone().unwrap_or_else(|| m.name.clone()) },
        "defaultConfiguration": { "level": level(m.severity) },
        "help": { "text": format!("{} ({}). Revoke or rotate the credential, then remove it from the source and its history.", m.name, m.kind) },
        "properties": {
            "tags": ["security", "secret", m.kind],
            "precision": match m.confidence {
                leakscope_core::Confidence::High => "high",
                leakscope_core::Confidence::Medium => "medium",
                leakscope_core::Confidence::Low => "low",
            },
            "security-severity": security_severity(m.severity),
        },
    });
    if let Some(uri) = m.references.first() {
        r["helpUri"] = json!(uri);
    }
    r
}

fn result(f: &Finding, rule_index: usize) -> Value {
    let mut message = format!(
        "{} ({}) found: {}",
        f.rule_name, f.severity, f.secret_redacted
    );
    if !f.decoders.is_empty() {
        message.push_str(&format!(" (after decoding: {})", f.decoders.join(", ")));
    }
    if let Some(s) = f
        .analysis
        .as_ref()
        .and_then(|a| a.get("summary"))
        .and_then(Value::as_str)
    {
        message.push_str(". ");
        message.push_str(s);
    }
    let mut props = json!({
        "kind": f.kind,
        "severity": f.severity,
        "fingerprint": f.fingerprint,
    });
    if let Some(a) = &f.analysis {
        props["analysis"] = a.clone();
    }
    if let Some(v) = &f.validation {
        props["validation"] = serde_json::to_value(v).unwrap_or(Value::Null);
        message.push_str(&format!(". Live check: {}", crate::validation::line(v).0));
    }
    json!({
        "ruleId": f.rule_id,
        "ruleIndex": rule_index,
        "level": level(f.severity),
        "message": { "text": message },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": { "uri": path_to_uri(&f.path) },
                "region": {
                    "startLine": f.line,
                    "startColumn": f.column,
                    "endLine": f.end_line.max(f.line),
                    "endColumn": if f.end_line == f.line { f.end_column.max(f.column + 1) } else { f.end_column.max(1) },
                }
            }
        }],
        "partialFingerprints": { "secretFingerprint/v1": f.fingerprint },
        "properties": props,
    })
}

pub(crate) fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub maps this 0–10 score to its own severity labels.
pub(crate) fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

pub(crate) fn pascal(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut cs = p.chars();
            cs.next()
                .map(|c| c.to_ascii_uppercase().to_string() + cs.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// A file path as a URI reference: relative paths stay relative (what code scanning wants),
/// absolute ones become `file://` URIs; unsafe characters are percent-encoded. Archive
/// members (`outer.zip!inner`) keep the `!` separator.
pub fn path_to_uri(path: &str) -> String {
    let path = path.strip_prefix("./").unwrap_or(path);
    let mut out = String::with_capacity(path.len() + 8);
    if path.starts_with('/') {
        out.push_str("file://");
    }
    for b in path.bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'.'
            | b'_'
            | b'~'
            | b'/'
            | b'!'
            | b'$'
            | b'&'
            | b'\''
            | b'('
            | b')'
            | b'*'
            | b'+'
            | b','
            | b';'
            | b'='
            | b'@'
            | b':' => out.push(char::from(b)),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_or_file_and_encoded() {
        assert_eq!(path_to_uri("./src/a b.rs"), "src/a%20b.rs");
        assert_eq!(path_to_uri("/tmp/x#y"), "file:///tmp/x%23y");
        assert_eq!(
            path_to_uri("dist/app.zip!conf/.env"),
            "dist/app.zip!conf/.env"
        );
        assert_eq!(pascal("azure.storage.sas"), "AzureStorageSas");
    }
}
