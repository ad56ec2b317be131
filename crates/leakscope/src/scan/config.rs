//! `leakscope.toml`: per-repository settings, found from the first scanned path upwards (or
//! given with `--config`): excludes, extra rule files, thresholds, per-rule severities and
//! an allowlist of reviewed findings. Command-line flags win over the file.

use anyhow::{bail, Context};
use globset::{GlobBuilder, GlobMatcher};
use leakscope_core::{Finding, Severity};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// File names looked for in each directory, in this order.
pub const FILE_NAMES: &[&str] = &["leakscope.toml", ".leakscope.toml"];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub scan: ScanSection,
    /// Rule id → severity to report its findings at.
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
    #[serde(default)]
    pub allow: Vec<AllowEntry>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScanSection {
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Extra rule files, relative to the config file's directory.
    #[serde(default)]
    pub rules: Vec<PathBuf>,
    pub fail_on: Option<Severity>,
    pub min_severity: Option<Severity>,
    pub compat_ignore: Option<bool>,
}

/// A reviewed finding to drop. Every field given must match; at least one is required.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowEntry {
    pub fingerprint: Option<String>,
    /// Glob on the path relative to the config file's directory; without a `/` it matches
    /// the file name at any depth.
    pub path: Option<String>,
    pub rule: Option<String>,
    /// Regular expression the full secret must match.
    pub secret: Option<String>,
    /// Why it is allowed (for reviewers; not used).
    pub reason: Option<String>,
}

/// A loaded config with its allowlist compiled.
pub struct Loaded {
    pub path: PathBuf,
    pub dir: PathBuf,
    pub config: Config,
    allow: Vec<CompiledAllow>,
}

struct CompiledAllow {
    fingerprint: Option<String>,
    path: Option<GlobMatcher>,
    rule: Option<String>,
    secret: Option<regex::Regex>,
    reason: Option<String>,
}

/// The config file for a scan: `explicit` if given, else the first `leakscope.toml` from
/// the first input's directory upwards.
pub fn find(explicit: Option<&Path>, first_input: Option<&Path>) -> anyhow::Result<Option<Loaded>> {
    if let Some(p) = explicit {
        return load(p).map(Some);
    }
    let Some(input) = first_input else {
        return Ok(None);
    };
    let Ok(abs) = std::fs::canonicalize(input) else {
        return Ok(None);
    };
    let mut dir = if abs.is_dir() {
        Some(abs.as_path())
    } else {
        abs.parent()
    };
    while let Some(d) = dir {
        for name in FILE_NAMES {
            let candidate = d.join(name);
            if candidate.is_file() {
                return load(&candidate).map(Some);
            }
        }
        dir = d.parent();
    }
    Ok(None)
}

pub fn load(path: &Path) -> anyhow::Result<Loaded> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read config file {}", path.display()))?;
    let config: Config =
        toml::from_str(&text).with_context(|| format!("invalid config file {}", path.display()))?;
    let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let dir = abs.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut allow = Vec::new();
    for (i, a) in config.allow.iter().enumerate() {
        let what = || format!("{}: [[allow]] entry {}", path.display(), i + 1);
        if a.fingerprint.is_none() && a.path.is_none() && a.rule.is_none() && a.secret.is_none() {
            bail!(
                "{}: needs at least one of fingerprint, path, rule, secret",
                what()
            );
        }
        let glob = match &a.path {
            Some(p) => {
                let pattern = if p.contains('/') {
                    p.trim_start_matches('/').to_string()
                } else {
                    format!("**/{p}")
                };
                Some(
                    GlobBuilder::new(&pattern)
                        .literal_separator(true)
                        .build()
                        .with_context(what)?
                        .compile_matcher(),
                )
            }
            None => None,
        };
        let secret = match &a.secret {
            Some(r) => Some(regex::Regex::new(r).with_context(what)?),
            None => None,
        };
        allow.push(CompiledAllow {
            fingerprint: a.fingerprint.clone(),
            path: glob,
            rule: a.rule.clone(),
            secret,
            reason: a.reason.clone(),
        });
    }
    Ok(Loaded {
        path: path.to_path_buf(),
        dir,
        config,
        allow,
    })
}

impl Loaded {
    /// Extra rule files with paths resolved against the config's directory.
    pub fn rule_files(&self) -> Vec<PathBuf> {
        self.config
            .scan
            .rules
            .iter()
            .map(|r| {
                if r.is_absolute() {
                    r.clone()
                } else {
                    self.dir.join(r)
                }
            })
            .collect()
    }

    /// Applies per-rule severities and drops allowed findings; returns one line per dropped
    /// finding (where, which rule, and the entry's reason). Needs the full secrets (call
    /// before redaction).
    pub fn apply(&self, findings: &mut Vec<Finding>) -> Vec<String> {
        for f in findings.iter_mut() {
            if let Some(s) = self.config.severity.get(&f.rule_id) {
                f.severity = *s;
            }
        }
        let mut dropped = Vec::new();
        findings.retain(|f| match self.allow.iter().find(|a| self.allows(a, f)) {
            Some(a) => {
                dropped.push(format!(
                    "{}:{} {} ({})",
                    f.path,
                    f.line,
                    f.rule_id,
                    a.reason.as_deref().unwrap_or("no reason given")
                ));
                false
            }
            None => true,
        });
        dropped
    }

    fn allows(&self, a: &CompiledAllow, f: &Finding) -> bool {
        if a.fingerprint
            .as_ref()
            .is_some_and(|fp| !fp.eq_ignore_ascii_case(&f.fingerprint))
        {
            return false;
        }
        if a.rule.as_ref().is_some_and(|r| r != &f.rule_id) {
            return false;
        }
        if let Some(re) = &a.secret {
            if !f.secret.as_deref().is_some_and(|s| re.is_match(s)) {
                return false;
            }
        }
        if let Some(glob) = &a.path {
            if !glob.is_match(self.relative(&f.path)) {
                return false;
            }
        }
        true
    }

    /// A finding's path relative to the config's directory where it lies below it; the
    /// path as reported otherwise (e.g. a member inside an archive: `outer.zip!inner`).
    /// A blob from git history (`repo/path@<commit>`) is matched as `repo/path`.
    fn relative(&self, path: &str) -> PathBuf {
        let (file, inner) = match path.split_once('!') {
            Some((f, i)) => (f, Some(i)),
            None => (path, None),
        };
        let rel = canonical(file)
            .and_then(|abs| abs.strip_prefix(&self.dir).ok().map(Path::to_path_buf))
            .unwrap_or_else(|| PathBuf::from(file.trim_start_matches("./")));
        match inner {
            Some(i) => PathBuf::from(format!("{}!{i}", rel.display())),
            None => rel,
        }
    }
}

/// The absolute path of `file`; for a path that does not exist (a git history blob,
/// `repo/old.env@0123456789ab`, possibly deleted since) the commit suffix is dropped and
/// the nearest existing ancestor resolved.
fn canonical(file: &str) -> Option<PathBuf> {
    if let Ok(abs) = std::fs::canonicalize(file) {
        return Some(abs);
    }
    let (path, commit) = file.rsplit_once('@')?;
    if commit.len() != 12 || !commit.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let path = Path::new(path);
    let mut base = path;
    let mut rest = Vec::new();
    loop {
        if let Ok(abs) = std::fs::canonicalize(if base.as_os_str().is_empty() {
            Path::new(".")
        } else {
            base
        }) {
            return Some(rest.iter().rev().fold(abs, |acc: PathBuf, c| acc.join(c)));
        }
        rest.push(base.file_name()?.to_os_string());
        base = base.parent()?;
    }
}
