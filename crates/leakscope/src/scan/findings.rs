//! Turning engine matches into findings, and the intelligence that enriches them.

use super::ScanArgs;
use leakscope_core::{fingerprint, redact, Finding};
use leakscope_engine::Match;
use leakscope_rules::Rule;

/// A finding for one match in the file at `path`. The full secret is kept for analysis;
/// `scan::run` clears it before output unless `--show-secrets`.
pub fn from_match(rule: &Rule, m: &Match, path: &str) -> Finding {
    let secret = String::from_utf8_lossy(&m.secret).into_owned();
    Finding {
        rule_id: rule.spec.id.clone(),
        rule_name: rule.spec.name.clone(),
        kind: rule.spec.kind.clone(),
        severity: rule.spec.severity,
        confidence: rule.spec.confidence,
        path: path.to_string(),
        line: m.line,
        column: m.column,
        end_line: m.end_line,
        end_column: m.end_column,
        offset: m.start as u64,
        secret_redacted: redact(&secret),
        fingerprint: fingerprint(&m.secret),
        secret: Some(secret),
        decoders: m.decoders.iter().map(|d| d.to_string()).collect(),
        git: None,
        analysis: None,
        validation: None,
        captures: m
            .captures
            .iter()
            .map(|(k, v)| (k.clone(), String::from_utf8_lossy(v).into_owned()))
            .collect(),
    }
}

/// Kind-specific analysis after the whole scan (so a SAS can be checked against an account
/// key found in another file).
pub fn enrich(_findings: &mut [Finding], _args: &ScanArgs, _now: jiff::Timestamp) {}
