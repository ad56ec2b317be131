//! Baselines: `leakscope baseline create <INPUT>... -o FILE` records what a scan finds today
//! (fingerprints and where, never secrets); `scan --baseline FILE` then reports only what
//! is new, so CI can adopt the scanner on a codebase with known, accepted findings.

use anyhow::{bail, Context};
use leakscope_core::Finding;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::Path;

const FORMAT: &str = "leakscope-baseline";
const VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
pub struct Baseline {
    pub format: String,
    pub version: u32,
    pub tool_version: String,
    pub created: String,
    pub findings: Vec<Entry>,
}

/// One baselined finding: identity (`fingerprint`) plus where it was, for reviewers.
#[derive(Debug, Serialize, Deserialize)]
pub struct Entry {
    pub fingerprint: String,
    pub rule_id: String,
    pub path: String,
    pub line: u64,
    pub secret_redacted: String,
}

pub fn write(path: &Path, findings: &[Finding], now: jiff::Timestamp) -> anyhow::Result<()> {
    let mut entries: Vec<Entry> = findings
        .iter()
        .map(|f| Entry {
            fingerprint: f.fingerprint.clone(),
            rule_id: f.rule_id.clone(),
            path: f.path.clone(),
            line: f.line,
            secret_redacted: f.secret_redacted.clone(),
        })
        .collect();
    entries.sort_by(|a, b| (&a.path, a.line, &a.rule_id).cmp(&(&b.path, b.line, &b.rule_id)));
    let b = Baseline {
        format: FORMAT.to_string(),
        version: VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        created: now.to_string(),
        findings: entries,
    };
    let text = serde_json::to_string_pretty(&b)?;
    std::fs::write(path, text + "\n")
        .with_context(|| format!("cannot write baseline {}", path.display()))
}

/// The fingerprints a baseline file accepts.
pub fn load(path: &Path) -> anyhow::Result<HashSet<String>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read baseline {}", path.display()))?;
    let b: Baseline = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a leakscope baseline", path.display()))?;
    if b.format != FORMAT || b.version != VERSION {
        bail!(
            "{}: baseline format `{}` version {} is not supported (expected `{FORMAT}` {VERSION})",
            path.display(),
            b.format,
            b.version
        );
    }
    Ok(b.findings.into_iter().map(|e| e.fingerprint).collect())
}
