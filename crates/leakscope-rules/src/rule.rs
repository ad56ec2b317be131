use crate::gitleaks::{self, Allowlist, PathRule, SecretGroup};
use crate::schema::{RuleFile, RuleSpec};
use crate::validators::{self, Validator};
use crate::{is_placeholder, shannon_entropy, RuleError};
use regex::bytes::Regex;
use std::collections::HashMap;
use std::path::Path;

/// A compiled rule, ready for the engine.
#[derive(Debug, Clone)]
pub struct Rule {
    pub spec: RuleSpec,
    /// Where the rule came from (built-in file name or user path).
    pub origin: String,
    pub regex: Regex,
    secret_group: Option<usize>,
    /// Gitleaks semantics for imported rules without a group: the first non-empty group.
    first_non_empty_group: bool,
    /// Imported from a Gitleaks config (which has no examples to check).
    foreign: bool,
    validator: Option<Validator>,
}

/// Why a regex match was not accepted as a finding.
#[derive(Debug, Clone, PartialEq)]
pub enum Reject {
    Placeholder,
    LowEntropy { entropy: f64, floor: f64 },
    Validator { name: String },
    Empty,
}

impl std::fmt::Display for Reject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reject::Placeholder => f.write_str("looks like a placeholder"),
            Reject::LowEntropy { entropy, floor } => {
                write!(f, "entropy {entropy:.2} below the rule's floor {floor:.2}")
            }
            Reject::Validator { name } => write!(f, "validator `{name}` rejected it"),
            Reject::Empty => f.write_str("empty secret"),
        }
    }
}

impl Rule {
    pub fn compile(spec: RuleSpec, origin: &str) -> Result<Rule, RuleError> {
        Rule::compile_with_group(spec, origin, None)
    }

    /// Compiles a rule whose secret is chosen the Gitleaks way (by group number, or the
    /// first non-empty group) instead of by a group named `secret`.
    pub fn compile_with_group(
        spec: RuleSpec,
        origin: &str,
        foreign: Option<SecretGroup>,
    ) -> Result<Rule, RuleError> {
        let invalid = |message: String| RuleError::Invalid {
            origin: origin.to_string(),
            id: spec.id.clone(),
            message,
        };
        if spec.id.trim().is_empty() {
            return Err(invalid("id is empty".into()));
        }
        if spec.keywords.is_empty() || spec.keywords.iter().any(|k| k.is_empty()) {
            return Err(invalid(
                "needs at least one non-empty keyword (the prefilter literal)".into(),
            ));
        }
        if !spec
            .kind
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            return Err(invalid(format!(
                "kind `{}` must be lower_snake_case",
                spec.kind
            )));
        }
        let regex = regex::bytes::RegexBuilder::new(&spec.pattern)
            .size_limit(64 * 1024 * 1024)
            .build()
            .map_err(|source| RuleError::Regex {
                origin: origin.to_string(),
                id: spec.id.clone(),
                source,
            })?;
        let named = regex.capture_names().position(|n| n == Some("secret"));
        let (secret_group, first_non_empty_group) = match foreign {
            Some(SecretGroup::Index(n)) if n < regex.captures_len() => (Some(n), false),
            Some(SecretGroup::Index(n)) => {
                return Err(invalid(format!(
                    "secretGroup {n} but the regex has only {} group(s)",
                    regex.captures_len() - 1
                )))
            }
            Some(SecretGroup::FirstNonEmpty) => (None, regex.captures_len() > 1),
            None => (named, false),
        };
        let validator = match &spec.validator {
            Some(name) => Some(validators::lookup(name).map_err(invalid)?),
            None => None,
        };
        Ok(Rule {
            spec,
            origin: origin.to_string(),
            regex,
            secret_group,
            first_non_empty_group,
            foreign: foreign.is_some(),
            validator,
        })
    }

    /// The secret's byte range among a match's capture locations.
    pub fn secret_span(&self, locs: &regex::bytes::CaptureLocations) -> Option<(usize, usize)> {
        if let Some(i) = self.secret_group {
            return locs.get(i);
        }
        if self.first_non_empty_group {
            if let Some(span) = (1..locs.len())
                .filter_map(|i| locs.get(i))
                .find(|(s, e)| e > s)
            {
                return Some(span);
            }
        }
        locs.get(0)
    }

    /// Whether the rule came from a Gitleaks config.
    pub fn is_foreign(&self) -> bool {
        self.foreign
    }

    /// Index of the `secret` capture group, if the pattern names one.
    pub fn secret_group(&self) -> Option<usize> {
        self.secret_group
    }

    pub fn id(&self) -> &str {
        &self.spec.id
    }

    /// The secret's byte range within a regex capture set.
    pub fn secret_range(
        &self,
        caps: &regex::bytes::Captures<'_>,
    ) -> Option<std::ops::Range<usize>> {
        if let Some(i) = self.secret_group {
            return Some(caps.get(i)?.range());
        }
        if self.first_non_empty_group {
            if let Some(m) = caps.iter().skip(1).flatten().find(|m| !m.is_empty()) {
                return Some(m.range());
            }
        }
        Some(caps.get(0)?.range())
    }

    /// Applies the rule's post-match filters (placeholder, entropy, validator).
    pub fn accept(&self, secret: &[u8]) -> Result<(), Reject> {
        if secret.is_empty() {
            return Err(Reject::Empty);
        }
        if !self.spec.allow_placeholders && is_placeholder(secret) {
            return Err(Reject::Placeholder);
        }
        if let Some(floor) = self.spec.min_entropy {
            let entropy = shannon_entropy(secret);
            if entropy < floor {
                return Err(Reject::LowEntropy { entropy, floor });
            }
        }
        if let Some(v) = &self.validator {
            if !v.check(secret) {
                return Err(Reject::Validator {
                    name: v.name().to_string(),
                });
            }
        }
        Ok(())
    }

    /// Finds the first accepted secret in `text` the way the engine would inside one
    /// window (used by example checks and `rules check`).
    pub fn find_in(&self, text: &[u8]) -> Option<Vec<u8>> {
        let lower = text.to_ascii_lowercase();
        let has_keyword = self
            .spec
            .keywords
            .iter()
            .any(|k| memfind(&lower, k.to_ascii_lowercase().as_bytes()));
        if !has_keyword {
            return None;
        }
        for caps in self.regex.captures_iter(text) {
            if let Some(r) = self.secret_range(&caps) {
                let secret = &text[r];
                if self.accept(secret).is_ok() {
                    return Some(secret.to_vec());
                }
            }
        }
        None
    }
}

fn memfind(hay: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || hay.windows(needle.len()).any(|w| w == needle)
}

/// An ordered set of compiled rules with unique ids, plus what foreign (Gitleaks) configs
/// add beside rules.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    /// Allowlists from Gitleaks configs, applied to findings by the caller.
    pub allowlists: Vec<Allowlist>,
    /// Rules restricted to some paths (Gitleaks `path`), applied by the caller.
    pub path_rules: Vec<PathRule>,
}

impl RuleSet {
    /// The rules embedded in the binary.
    pub fn builtin() -> Result<RuleSet, RuleError> {
        let mut set = RuleSet::default();
        for (name, text) in crate::builtin_rule_files() {
            set.add_toml(text, &format!("builtin:{name}"))?;
        }
        Ok(set)
    }

    /// Parses and adds the rules of one TOML rule file: ours, or a Gitleaks config.
    pub fn add_toml(&mut self, text: &str, origin: &str) -> Result<(), RuleError> {
        self.add_toml_in(text, origin, None)
    }

    /// As [`RuleSet::add_toml`]; `base` is the file's directory (for Gitleaks `[extend]`).
    pub fn add_toml_in(
        &mut self,
        text: &str,
        origin: &str,
        base: Option<&Path>,
    ) -> Result<(), RuleError> {
        if looks_foreign(text) {
            let value: toml::Value = toml::from_str(text).map_err(|e| RuleError::Parse {
                origin: origin.to_string(),
                message: e.to_string(),
            })?;
            if gitleaks::is_gitleaks(&value) {
                let imported = gitleaks::import(text, origin, base)?;
                for (spec, group) in imported.rules {
                    let rule = Rule::compile_with_group(spec, origin, Some(group))?;
                    self.push(rule)?;
                }
                self.allowlists.extend(imported.allowlists);
                self.path_rules.extend(imported.path_rules);
                return Ok(());
            }
        }
        for spec in parse_rule_file(text, origin)?.rules {
            let rule = Rule::compile(spec, origin)?;
            self.push(rule)?;
        }
        Ok(())
    }

    /// Adds the rules of a user rule file, or of every `*.toml` in a directory.
    pub fn add_path(&mut self, path: &Path) -> Result<(), RuleError> {
        let io = |source| RuleError::Io {
            path: path.to_path_buf(),
            source,
        };
        if path.is_dir() {
            let mut files: Vec<_> = std::fs::read_dir(path)
                .map_err(io)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect();
            files.sort();
            for f in files {
                self.add_path(&f)?;
            }
            return Ok(());
        }
        let text = std::fs::read_to_string(path).map_err(io)?;
        self.add_toml_in(&text, &path.display().to_string(), path.parent())
    }

    pub fn push(&mut self, rule: Rule) -> Result<(), RuleError> {
        if let Some(prev) = self.rules.iter().find(|r| r.spec.id == rule.spec.id) {
            return Err(RuleError::Duplicate {
                id: rule.spec.id.clone(),
                first: prev.origin.clone(),
                second: rule.origin.clone(),
            });
        }
        self.rules.push(rule);
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Index of rules by id.
    pub fn by_id(&self) -> HashMap<&str, &Rule> {
        self.rules.iter().map(|r| (r.spec.id.as_str(), r)).collect()
    }
}

/// Cheap test before a second parse: only Gitleaks configs use these keys.
fn looks_foreign(text: &str) -> bool {
    [
        "regex",
        "allowlist",
        "[extend]",
        "secretGroup",
        "title",
        "path",
        "entropy",
    ]
    .iter()
    .any(|k| text.contains(k))
}

/// Parses a rule file's TOML into specs without compiling them.
pub fn parse_rule_file(text: &str, origin: &str) -> Result<RuleFile, RuleError> {
    toml::from_str(text).map_err(|e| RuleError::Parse {
        origin: origin.to_string(),
        message: e.to_string(),
    })
}
