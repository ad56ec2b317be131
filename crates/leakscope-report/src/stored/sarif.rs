//! SARIF 2.1.0 of a datastore: one result per occurrence, shaped like `scan --format
//! sarif`, plus triage. Secrets triaged `false_positive` or `accepted_risk` carry an
//! external, accepted suppression (code scanning shows them as dismissed).

use super::{exposure, StoreReport};
use crate::sarif::{level, pascal, path_to_uri, rule_descriptor, security_severity};
use leakscope_core::Severity;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};

pub fn build(r: &StoreReport<'_>) -> Value {
    let meta: HashMap<&str, &crate::RuleMeta> =
        r.rules.iter().map(|m| (m.id.as_str(), m)).collect();
    // Rules that have results, each described once (by its metadata, else by the name
    // the store kept), in id order so every ruleIndex is stable.
    let mut used: BTreeMap<&str, Option<&str>> = BTreeMap::new();
    for d in &r.export.secrets {
        let name = used.entry(d.row.rule_id.as_str()).or_insert(None);
        if name.is_none() {
            *name = d.rule_name.as_deref();
        }
    }
    let rules: Vec<Value> = used
        .iter()
        .map(|(id, name)| match meta.get(id) {
            Some(m) => rule_descriptor(m),
            None => {
                let text = name.unwrap_or(id);
                json!({
                    "id": id,
                    "name": pascal(id),
                    "shortDescription": { "text": text },
                })
            }
        })
        .collect();
    let index: HashMap<&str, usize> = used.keys().enumerate().map(|(i, id)| (*id, i)).collect();
    let mut results = Vec::new();
    for d in &r.export.secrets {
        let severity: Severity = d.row.severity.parse().unwrap_or(Severity::Medium);
        let name = d.rule_name.as_deref().unwrap_or(&d.row.rule_id);
        let mut message = format!(
            "{name} ({severity}, {}) found: {}",
            d.row.status.replace('_', " "),
            d.row.secret_redacted
        );
        if d.locations.len() > 1 {
            message.push_str(&format!(" ({} places)", d.locations.len()));
        }
        let e = exposure(d, r.now);
        let mut props = json!({
            "kind": d.row.kind,
            "severity": d.row.severity,
            "status": d.row.status,
            "fingerprint": d.row.fingerprint,
            "secretId": d.row.id,
            "firstSeen": d.row.first_seen,
            "lastSeen": d.row.last_seen,
            "exposure": e,
            "security-severity": security_severity(severity),
        });
        if let Some(a) = &d.analysis {
            props["analysis"] = a.clone();
        }
        if let Some(v) = &d.validation {
            props["validation"] = v.clone();
        }
        let suppressions = match d.row.status.as_str() {
            "false_positive" | "accepted_risk" => {
                let mut s = json!({ "kind": "external", "status": "accepted" });
                let why = d.row.note.clone().unwrap_or_else(|| d.row.status.clone());
                s["justification"] = json!(why);
                Some(vec![s])
            }
            _ => None,
        };
        for o in &d.locations {
            let mut res = json!({
                "ruleId": d.row.rule_id,
                "ruleIndex": index.get(d.row.rule_id.as_str()).copied().unwrap_or(0),
                "level": level(severity),
                "message": { "text": message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": path_to_uri(&o.path) },
                        "region": {
                            "startLine": o.line.max(1),
                            "startColumn": o.column.max(1),
                        }
                    }
                }],
                "partialFingerprints": { "secretFingerprint/v1": d.row.fingerprint },
                "properties": props,
            });
            if let Some(s) = &suppressions {
                res["suppressions"] = json!(s);
            }
            results.push(res);
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "leakscope",
                "semanticVersion": r.tool_version,
                "informationUri": "https://github.com/leakscope/leakscope",
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}
