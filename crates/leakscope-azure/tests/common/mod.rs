//! Shared by the Azurite-backed integration tests.
#![allow(dead_code)]

pub mod azurite;

use leakscope_core::{Confidence, Finding, Severity};

/// A finding as the scan would hand it to validation: kind, full secret, captures.
pub fn finding(kind: &str, secret: &str, captures: &[(&str, &str)]) -> Finding {
    Finding {
        rule_id: format!("test.{kind}"),
        rule_name: kind.to_string(),
        kind: kind.to_string(),
        severity: Severity::High,
        confidence: Confidence::High,
        path: "test".into(),
        line: 1,
        column: 1,
        end_line: 1,
        end_column: 1,
        offset: 0,
        secret_redacted: leakscope_core::redact(secret),
        secret: Some(secret.to_string()),
        fingerprint: leakscope_core::fingerprint(secret.as_bytes()),
        decoders: Vec::new(),
        git: None,
        analysis: None,
        validation: None,
        paired: Vec::new(),
        captures: captures
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}
