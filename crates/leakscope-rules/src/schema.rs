use leakscope_core::{Confidence, Severity};
use serde::{Deserialize, Serialize};

/// A rule file: a list of `[[rules]]` tables.
#[derive(Debug, Clone, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    #[serde(default)]
    pub rules: Vec<RuleSpec>,
}

/// One rule as written in a rule file. See `docs/rules.md`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Stable identifier, e.g. `azure.storage.sas`.
    pub id: String,
    /// Human name, e.g. `Azure Storage SAS token`.
    pub name: String,
    /// Normalised credential kind (DESIGN.md §3), e.g. `azure_sas`.
    pub kind: String,
    /// Regular expression (Rust `regex` syntax). The named group `secret` is the secret;
    /// without it the whole match is.
    pub pattern: String,
    /// Literal strings of which at least one must occur (ASCII case-insensitive) in a match's
    /// neighbourhood for the rule to be tried at all. This is the prefilter.
    pub keywords: Vec<String>,
    pub severity: Severity,
    #[serde(default)]
    pub confidence: Confidence,
    /// Minimum Shannon entropy (bits per character) of the secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_entropy: Option<f64>,
    /// Name of a code-level validator (see `validators`), optionally `name:argument`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validator: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    /// Texts in which the rule must find a secret.
    #[serde(default)]
    pub examples: Vec<String>,
    /// Texts in which the rule must find nothing.
    #[serde(default)]
    pub negative_examples: Vec<String>,
    /// Bytes searched on either side of a keyword hit, for secrets that span lines
    /// (PEM blocks). Default: the hit's line, capped by the engine's window limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_span: Option<usize>,
    /// Context-dependent rules (password assignments and the like) are not run on binary
    /// files, where they would only produce noise.
    #[serde(default)]
    pub generic: bool,
    /// Keep matches that look like placeholders (`xxxx`, `${VAR}`, `<token>`, `example`).
    #[serde(default)]
    pub allow_placeholders: bool,
    /// Other rule ids whose secret completes this one (an AWS key id and its secret).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pairs_with: Vec<String>,
}
