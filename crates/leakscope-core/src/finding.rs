use crate::{Confidence, Severity};
use serde::Serialize;

/// One secret at one place. Serialised as DESIGN.md §3 (one object per line for jsonl).
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub rule_id: String,
    pub rule_name: String,
    pub kind: String,
    pub severity: Severity,
    pub confidence: Confidence,
    /// The file as the user would open it; inside archives `outer.zip!inner/path`.
    pub path: String,
    /// 1-based line of the secret's first byte.
    pub line: u64,
    /// 1-based column (Unicode scalar values) of the secret's first byte.
    pub column: u64,
    /// 1-based line of the secret's last byte.
    pub end_line: u64,
    /// 1-based column just past the secret's last character on `end_line`.
    pub end_column: u64,
    /// Byte offset of the secret in the blob.
    pub offset: u64,
    pub secret_redacted: String,
    /// The full secret. Always filled inside the pipeline (analysis needs it); the CLI
    /// clears it before output unless `--show-secrets`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    pub fingerprint: String,
    pub decoders: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub git: Option<GitInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub analysis: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validation: Option<Validation>,
    /// The other half of a credential pair found nearby (an AWS secret key for its key
    /// id, a client secret for its client id), per the rules' `pairs_with`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub paired: Vec<Paired>,
    /// Other named captures of the rule's pattern (e.g. `url` before a SAS query). Internal:
    /// used by analysis, never serialised because it may hold secret material.
    #[serde(skip)]
    pub captures: std::collections::BTreeMap<String, String>,
}

/// A reference from one finding to its paired finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Paired {
    pub rule_id: String,
    pub line: u64,
    pub fingerprint: String,
}

/// Where in history a finding came from (history scans only). Fields that need a commit
/// are `null` for a blob no commit holds (a dangling blob, `--include-unreachable`).
#[derive(Debug, Clone, Serialize)]
pub struct GitInfo {
    /// Full id of the oldest commit (by commit time) whose tree holds this blob; reachable
    /// commits are preferred over reflog-only or dangling ones.
    pub commit: Option<String>,
    /// `Name <email>` of that commit's author.
    pub author: Option<String>,
    /// That commit's author date (RFC 3339, UTC).
    pub date: Option<String>,
    /// Earliest author date of any commit holding this secret (fingerprint).
    pub first_seen: Option<String>,
    /// Whether HEAD's tree holds this secret (fingerprint), in any file.
    pub present_at_head: bool,
    /// Author date of the newest commit holding this secret (fingerprint).
    pub last_seen: Option<String>,
    /// First line of the introducing commit's message.
    pub summary: Option<String>,
    /// The blob's id.
    pub blob: String,
    /// Every path the blob appeared under in history.
    pub paths: Vec<String>,
    /// The blob is reachable from no ref or HEAD: only from reflog entries or dangling
    /// objects (`--include-unreachable`). `git gc` may drop it; clones and forks made
    /// before keep it.
    pub unreachable: bool,
    /// For a secret no longer at HEAD: the commit on HEAD's history that removed it (the
    /// last time it left), with its author date. `null` when the secret is at HEAD or was
    /// never on HEAD's history.
    pub removed_at: Option<RemovedAt>,
}

/// The commit that removed a secret from HEAD's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RemovedAt {
    /// Full commit id.
    pub commit: String,
    /// Its author date (RFC 3339, UTC).
    pub date: String,
}

/// Result of an opt-in live check.
#[derive(Debug, Clone, Serialize)]
pub struct Validation {
    pub status: String,
    pub probed: Vec<String>,
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}
