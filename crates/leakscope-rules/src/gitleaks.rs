//! Gitleaks / Betterleaks configuration files (`.gitleaks.toml`) as rule files: their
//! `[[rules]]` become leakscope rules and their allowlists become [`Allowlist`]s, so a team
//! keeps its custom rules and reviewed exceptions when it switches scanners.
//!
//! Supported: `id`, `description`, `regex`, `secretGroup` (and Gitleaks' default of the
//! first non-empty group), `entropy`, `keywords` (derived from the regex's literal prefixes
//! when absent), `path` (the rule only applies to matching paths), `tags` (ignored),
//! per-rule `[rules.allowlist]` / `[[rules.allowlists]]` and global `[allowlist]` /
//! `[[allowlists]]` with `regexes`, `regexTarget` (`secret`, `match`, `line`), `stopwords`,
//! `paths`, `condition` (`OR`/`AND`) and `targetRules`; `[extend] path` (another config,
//! relative to this one). Not supported, with an error naming the rule: path-only rules
//! (no `regex`), `[[rules.required]]` composite rules. `commits` allowlists never match
//! (no history here); `[extend] useDefault` and `disabledRules` refer to Gitleaks' own
//! built-in rules and are ignored (leakscope's built-in rules stand in for them).

use crate::schema::RuleSpec;
use crate::RuleError;
use leakscope_core::{Confidence, Severity};
use regex::Regex;
use serde::Deserialize;
use std::path::Path;

/// What an allowlist regex is matched against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegexTarget {
    Secret,
    /// The rule's whole match. leakscope keeps only the secret's span, so the line that
    /// holds the match stands in for it (a superset: it allows at least what Gitleaks does).
    Match,
    Line,
}

/// A compiled allowlist from a foreign config.
#[derive(Debug, Clone)]
pub struct Allowlist {
    pub origin: String,
    pub description: Option<String>,
    /// Rules it applies to; `None`: every rule.
    pub rules: Option<Vec<String>>,
    pub paths: Vec<Regex>,
    pub regexes: Vec<Regex>,
    pub target: RegexTarget,
    /// Lower-cased; a secret containing one is allowed.
    pub stopwords: Vec<String>,
    /// `condition = "AND"`: every criterion given must match.
    pub all: bool,
    pub has_commits: bool,
}

/// What an allowlist needs to know about a finding.
pub struct Candidate<'a> {
    pub rule_id: &'a str,
    /// The path as reported (a leading `./` is ignored).
    pub path: &'a str,
    pub secret: &'a [u8],
    /// The line(s) holding the match.
    pub line: &'a [u8],
}

impl Allowlist {
    pub fn allows(&self, c: &Candidate<'_>) -> bool {
        if let Some(rules) = &self.rules {
            if !rules.iter().any(|r| r == c.rule_id) {
                return false;
            }
        }
        let path = c.path.strip_prefix("./").unwrap_or(c.path);
        let text = match self.target {
            RegexTarget::Secret => c.secret,
            RegexTarget::Match | RegexTarget::Line => c.line,
        };
        let text = String::from_utf8_lossy(text);
        let secret = String::from_utf8_lossy(c.secret).to_lowercase();
        let mut checks: Vec<bool> = Vec::new();
        if self.has_commits {
            checks.push(false);
        }
        if !self.paths.is_empty() {
            checks.push(self.paths.iter().any(|r| r.is_match(path)));
        }
        if !self.regexes.is_empty() {
            checks.push(self.regexes.iter().any(|r| r.is_match(&text)));
        }
        if !self.stopwords.is_empty() {
            checks.push(self.stopwords.iter().any(|w| secret.contains(w.as_str())));
        }
        if checks.is_empty() {
            return false;
        }
        if self.all {
            checks.iter().all(|&b| b)
        } else {
            checks.iter().any(|&b| b)
        }
    }
}

/// A rule that only applies to paths matching a regex (`path` on a Gitleaks rule).
#[derive(Debug, Clone)]
pub struct PathRule {
    pub rule_id: String,
    pub path: Regex,
}

impl PathRule {
    pub fn applies(&self, path: &str) -> bool {
        self.path.is_match(path.strip_prefix("./").unwrap_or(path))
    }
}

/// Everything a Gitleaks config contributes.
#[derive(Debug, Default)]
pub struct Imported {
    pub rules: Vec<(RuleSpec, SecretGroup)>,
    pub allowlists: Vec<Allowlist>,
    pub path_rules: Vec<PathRule>,
}

/// Gitleaks' choice of the secret within a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SecretGroup {
    /// `secretGroup = N`.
    Index(usize),
    /// No `secretGroup`: the first non-empty capture group, else the whole match.
    #[default]
    FirstNonEmpty,
}

/// Whether a parsed TOML file is a Gitleaks config rather than a leakscope rule file.
pub fn is_gitleaks(v: &toml::Value) -> bool {
    let Some(t) = v.as_table() else {
        return false;
    };
    if ["allowlist", "allowlists", "extend", "title", "minVersion"]
        .iter()
        .any(|k| t.contains_key(*k))
    {
        return true;
    }
    t.get("rules")
        .and_then(|r| r.as_array())
        .is_some_and(|rules| {
            rules.iter().any(|r| {
                [
                    "regex",
                    "secretGroup",
                    "path",
                    "entropy",
                    "tags",
                    "allowlist",
                    "allowlists",
                    "required",
                ]
                .iter()
                .any(|k| r.get(*k).is_some())
            })
        })
}

#[derive(Debug, Deserialize)]
struct Config {
    #[serde(default)]
    extend: Option<Extend>,
    #[serde(default)]
    rules: Vec<GlRule>,
    #[serde(default)]
    allowlist: Option<GlAllowlist>,
    #[serde(default)]
    allowlists: Vec<GlAllowlist>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Extend {
    path: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GlRule {
    id: String,
    description: Option<String>,
    regex: Option<String>,
    secret_group: Option<usize>,
    entropy: Option<f64>,
    #[serde(default)]
    keywords: Vec<String>,
    path: Option<String>,
    allowlist: Option<GlAllowlist>,
    #[serde(default)]
    allowlists: Vec<GlAllowlist>,
    #[serde(default)]
    required: Vec<toml::Value>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct GlAllowlist {
    description: Option<String>,
    condition: Option<String>,
    #[serde(default)]
    commits: Vec<String>,
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    regexes: Vec<String>,
    regex_target: Option<String>,
    #[serde(default)]
    stopwords: Vec<String>,
    #[serde(default)]
    target_rules: Vec<String>,
}

/// How deep `[extend] path` chains may go.
const MAX_EXTEND_DEPTH: usize = 4;

/// Converts a Gitleaks config. `base` is the directory `[extend] path` is relative to.
pub fn import(text: &str, origin: &str, base: Option<&Path>) -> Result<Imported, RuleError> {
    let mut out = Imported::default();
    import_into(text, origin, base, 0, &mut out)?;
    Ok(out)
}

fn import_into(
    text: &str,
    origin: &str,
    base: Option<&Path>,
    depth: usize,
    out: &mut Imported,
) -> Result<(), RuleError> {
    let parse = |message: String| RuleError::Parse {
        origin: origin.to_string(),
        message,
    };
    let cfg: Config = toml::from_str(text).map_err(|e| parse(e.to_string()))?;
    if let Some(p) = cfg.extend.as_ref().and_then(|e| e.path.as_deref()) {
        if depth >= MAX_EXTEND_DEPTH {
            return Err(parse(format!(
                "[extend] chain deeper than {MAX_EXTEND_DEPTH}"
            )));
        }
        let path = base.map_or_else(|| Path::new(p).to_path_buf(), |b| b.join(p));
        let inner = std::fs::read_to_string(&path).map_err(|source| RuleError::Io {
            path: path.clone(),
            source,
        })?;
        let inner_origin = path.display().to_string();
        import_into(&inner, &inner_origin, path.parent(), depth + 1, out)?;
    }
    for a in cfg.allowlist.iter().chain(&cfg.allowlists) {
        let rules = (!a.target_rules.is_empty()).then(|| a.target_rules.clone());
        out.allowlists.push(allowlist(a, rules, origin)?);
    }
    for r in cfg.rules {
        let invalid = |message: String| RuleError::Invalid {
            origin: origin.to_string(),
            id: r.id.clone(),
            message,
        };
        let Some(regex) = r.regex.clone() else {
            return Err(invalid(
                "path-only rules (no `regex`) are not supported: leakscope reports secrets, not files".into(),
            ));
        };
        if !r.required.is_empty() {
            return Err(invalid(
                "composite rules (`[[rules.required]]`) are not supported".into(),
            ));
        }
        let keywords = if r.keywords.is_empty() {
            derive_keywords(&regex).ok_or_else(|| {
                invalid(
                    "no `keywords`, and none can be derived from the regex's literal prefixes; \
                     add `keywords = [...]` (literals that every match contains)"
                        .into(),
                )
            })?
        } else {
            r.keywords.iter().map(|k| k.to_lowercase()).collect()
        };
        for a in r.allowlist.iter().chain(&r.allowlists) {
            out.allowlists
                .push(allowlist(a, Some(vec![r.id.clone()]), origin)?);
        }
        if let Some(p) = &r.path {
            let path = Regex::new(p).map_err(|e| invalid(format!("path regex: {e}")))?;
            out.path_rules.push(PathRule {
                rule_id: r.id.clone(),
                path,
            });
        }
        let spec = RuleSpec {
            id: r.id.clone(),
            name: r.description.clone().unwrap_or_else(|| r.id.clone()),
            kind: kind_of(&r.id),
            pattern: regex,
            keywords,
            severity: Severity::Medium,
            confidence: Confidence::Medium,
            min_entropy: r.entropy.filter(|e| *e > 0.0),
            validator: None,
            description: r.description.clone(),
            references: Vec::new(),
            examples: Vec::new(),
            negative_examples: Vec::new(),
            max_span: None,
            generic: false,
            // Gitleaks has no placeholder filter; keep its results.
            allow_placeholders: true,
            pairs_with: Vec::new(),
        };
        let group = match r.secret_group {
            Some(n) if n > 0 => SecretGroup::Index(n),
            Some(_) | None => SecretGroup::FirstNonEmpty,
        };
        out.rules.push((spec, group));
    }
    Ok(())
}

fn allowlist(
    a: &GlAllowlist,
    rules: Option<Vec<String>>,
    origin: &str,
) -> Result<Allowlist, RuleError> {
    let parse = |what: &str, e: regex::Error| RuleError::Parse {
        origin: origin.to_string(),
        message: format!("allowlist {what}: {e}"),
    };
    let compile = |list: &[String], what: &str| -> Result<Vec<Regex>, RuleError> {
        list.iter()
            .map(|r| Regex::new(r).map_err(|e| parse(what, e)))
            .collect()
    };
    let target = match a.regex_target.as_deref() {
        None | Some("secret") => RegexTarget::Secret,
        Some("match") => RegexTarget::Match,
        Some("line") => RegexTarget::Line,
        Some(other) => {
            return Err(RuleError::Parse {
                origin: origin.to_string(),
                message: format!(
                    "allowlist regexTarget `{other}` (expected secret, match or line)"
                ),
            })
        }
    };
    let all = match a
        .condition
        .as_deref()
        .map(str::to_ascii_uppercase)
        .as_deref()
    {
        None | Some("OR") => false,
        Some("AND") => true,
        Some(other) => {
            return Err(RuleError::Parse {
                origin: origin.to_string(),
                message: format!("allowlist condition `{other}` (expected OR or AND)"),
            })
        }
    };
    Ok(Allowlist {
        origin: origin.to_string(),
        description: a.description.clone(),
        rules,
        paths: compile(&a.paths, "path")?,
        regexes: compile(&a.regexes, "regex")?,
        target,
        stopwords: a.stopwords.iter().map(|w| w.to_lowercase()).collect(),
        all,
        has_commits: !a.commits.is_empty(),
    })
}

/// `aws-access-token` -> `aws_access_token` (our kinds are lower_snake_case).
fn kind_of(id: &str) -> String {
    let mut k: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if k.is_empty() || !k.starts_with(|c: char| c.is_ascii_lowercase()) {
        k.insert_str(0, "gitleaks_");
    }
    k
}

/// Literal prefixes every match starts with (lower-cased), when they are few and long
/// enough to be a useful prefilter.
fn derive_keywords(regex: &str) -> Option<Vec<String>> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    let hir = regex_syntax::ParserBuilder::new()
        .build()
        .parse(regex)
        .ok()?;
    for kind in [ExtractKind::Prefix, ExtractKind::Suffix] {
        let seq = Extractor::new().kind(kind).extract(&hir);
        let Some(lits) = seq.literals() else {
            continue;
        };
        if lits.is_empty() || lits.len() > 64 || lits.iter().any(|l| l.as_bytes().len() < 3) {
            continue;
        }
        let mut kws: Vec<String> = lits
            .iter()
            .map(|l| String::from_utf8_lossy(l.as_bytes()).to_lowercase())
            .collect();
        kws.sort();
        kws.dedup();
        return Some(kws);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_from_literal_prefixes() {
        assert_eq!(
            derive_keywords(r"(?:AKIA|ASIA)[A-Z2-7]{16}"),
            Some(vec!["akia".to_string(), "asia".to_string()])
        );
        assert_eq!(derive_keywords(r"[a-f0-9]{32}"), None);
        assert_eq!(
            derive_keywords(r"[a-z]+_token_suffix"),
            Some(vec!["_token_suffix".into()])
        );
    }

    #[test]
    fn kinds_are_snake_case() {
        assert_eq!(kind_of("aws-access-token"), "aws_access_token");
        assert_eq!(kind_of("1password"), "gitleaks_1password");
    }

    #[test]
    fn allowlist_conditions() {
        let a = allowlist(
            &GlAllowlist {
                paths: vec![r"(?:^|/)fixtures/".into()],
                stopwords: vec!["EXAMPLE".into()],
                ..Default::default()
            },
            None,
            "t",
        )
        .unwrap();
        let c = |path: &'static str, secret: &'static [u8]| Candidate {
            rule_id: "r",
            path,
            secret,
            line: b"",
        };
        assert!(a.allows(&c("./tests/fixtures/a.env", b"k")));
        assert!(a.allows(&c("src/a.env", b"AKIAEXAMPLEKEY")));
        assert!(!a.allows(&c("src/a.env", b"AKIAREALKEY")));
        let mut and = a.clone();
        and.all = true;
        assert!(!and.allows(&c("tests/fixtures/a.env", b"AKIAREALKEY")));
        assert!(and.allows(&c("tests/fixtures/a.env", b"AKIAEXAMPLE")));
    }
}
