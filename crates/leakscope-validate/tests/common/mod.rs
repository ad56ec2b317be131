//! Shared helpers: findings as the scan pipeline makes them, a fast client, one-shot runs.
#![allow(dead_code)]

use leakscope_core::{fingerprint, redact, Confidence, Finding, Paired, Severity, Validation};
use leakscope_http::{Client, ClientConfig, Url};
use leakscope_testkit::mock::MockServer;
use leakscope_validate::{Endpoints, Options, PairIndex, Registry, Report, Validator};
use std::time::Duration;

pub fn finding(kind: &str, rule_id: &str, secret: &str) -> Finding {
    Finding {
        rule_id: rule_id.into(),
        rule_name: rule_id.into(),
        kind: kind.into(),
        severity: Severity::High,
        confidence: Confidence::High,
        path: "a.env".into(),
        line: 1,
        column: 1,
        end_line: 1,
        end_column: 2,
        offset: 0,
        secret_redacted: redact(secret),
        secret: Some(secret.into()),
        fingerprint: fingerprint(secret.as_bytes()),
        decoders: vec![],
        git: None,
        analysis: None,
        validation: None,
        paired: vec![],
        captures: Default::default(),
    }
}

/// Links `a` to `b` as `link_pairs` does.
pub fn pair(a: &mut Finding, b: &Finding) {
    a.paired.push(Paired {
        rule_id: b.rule_id.clone(),
        line: b.line,
        fingerprint: b.fingerprint.clone(),
    });
}

pub fn client() -> Client {
    Client::new(ClientConfig {
        timeout: Duration::from_secs(5),
        retries: 0,
        backoff: Duration::from_millis(10),
        host_interval: Duration::ZERO,
        ..ClientConfig::default()
    })
}

/// Every provider sent to `server`.
pub fn all_to(server: &MockServer) -> Endpoints {
    let url = Url::parse(&server.url()).unwrap();
    Registry::builtin()
        .names()
        .into_iter()
        .map(|n| (n.to_string(), url.clone()))
        .collect()
}

pub fn run_with(findings: &mut [Finding], endpoints: &Endpoints, client: &Client) -> Report {
    let registry = Registry::builtin();
    let pairs = PairIndex::from_findings(findings.iter());
    Validator::new(&registry, client, endpoints, Options::default()).run(findings, &pairs, None)
}

/// Checks `findings` against `server` for every provider; returns the first's validation.
pub fn check(findings: &mut [Finding], server: &MockServer) -> Validation {
    run_with(findings, &all_to(server), &client());
    findings[0]
        .validation
        .clone()
        .expect("the finding was validated")
}

pub fn json(v: &Validation) -> serde_json::Value {
    serde_json::to_value(v).unwrap()
}
