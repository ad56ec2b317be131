use leakscope_core::{Confidence, Severity, Skipped};
use serde::Serialize;

/// What a scan covered, for the human summary and report metadata.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub tool_version: String,
    /// When the scan started and finished (RFC 3339 UTC; both equal `--now` when given, so
    /// reports are reproducible). Empty when unknown.
    pub started: String,
    pub finished: String,
    pub files_scanned: u64,
    pub bytes_scanned: u64,
    pub duration_secs: f64,
    pub skipped: Vec<Skipped>,
    pub matches_dropped: u64,
}

/// What a report needs to know about a rule (SARIF's rule descriptors, the human legend).
#[derive(Debug, Clone, Serialize)]
pub struct RuleMeta {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub severity: Severity,
    pub confidence: Confidence,
    pub description: Option<String>,
    pub references: Vec<String>,
}
