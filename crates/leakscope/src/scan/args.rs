use anyhow::Context;
use clap::{Args, ValueEnum};
use leakscope_core::Severity;
use leakscope_report::Format;
use leakscope_rules::RuleSet;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files and directories to scan; also Azure Storage: a SAS URL, a storage connection
    /// string, or azure://ACCOUNT/CONTAINER[/PREFIX].
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    /// Output format: human, json, jsonl, sarif (SARIF 2.1.0) or gitlab (GitLab
    /// secret-detection report).
    #[arg(long, default_value = "human", value_parser = parse_format)]
    pub format: Format,

    /// Write the report to FILE instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Print full secrets instead of redacted ones.
    #[arg(long)]
    pub show_secrets: bool,

    /// The clock used for expiry and risk (RFC 3339), for reproducible output.
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,

    /// Worker threads (default: one per core).
    #[arg(short = 'j', long = "threads", value_name = "N")]
    pub threads: Option<usize>,

    /// No progress bar and no status lines on standard error.
    #[arg(short, long)]
    pub quiet: bool,

    /// Exit with 1 when a finding at or above this severity is reported [default: low].
    #[arg(long, value_parser = parse_severity, value_name = "LEVEL")]
    pub fail_on: Option<Severity>,

    /// Report only findings at or above this severity [default: info].
    #[arg(long, value_parser = parse_severity, value_name = "LEVEL")]
    pub min_severity: Option<Severity>,

    /// Do not scan paths matching GLOB (gitignore syntax; repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Extra rule file or directory of rule files (repeatable).
    #[arg(long = "rules", value_name = "PATH")]
    pub rules: Vec<PathBuf>,

    /// Use only the rules given with --rules, not the built-in ones.
    #[arg(long)]
    pub no_builtin_rules: bool,

    /// Skip files larger than this (e.g. 64M, 1G).
    #[arg(long, default_value = "256M", value_parser = crate::size::parse_size, value_name = "SIZE")]
    pub max_file_size: u64,

    /// Do not look inside archives and compressed files (zip, jar, whl, docx, tar, gzip,
    /// bzip2, xz, zstd).
    #[arg(long)]
    pub no_archives: bool,

    /// Most nested archive levels opened (`a.zip!b.tar.gz!c.zip` is three).
    #[arg(
        long,
        default_value_t = 8,
        value_name = "N",
        conflicts_with = "no_archives"
    )]
    pub max_archive_depth: usize,

    /// Most bytes expanded from one file, across all its nested members (e.g. 512M, 2G).
    #[arg(long, default_value = "1G", value_parser = crate::size::parse_size, value_name = "SIZE",
          conflicts_with = "no_archives")]
    pub max_archive_bytes: u64,

    /// Follow symbolic links (loops are detected and skipped).
    #[arg(long)]
    pub follow_symlinks: bool,

    /// Honour .gitignore and .ignore files (off by default: secrets hide in ignored files).
    #[arg(long)]
    pub respect_gitignore: bool,

    /// Do not analyse model files (pickle, PyTorch, numpy, Keras, …).
    #[arg(long)]
    pub no_models: bool,

    /// Model policy file extending the built-in allow/deny lists (TOML:
    /// `[allow] globals = [...]`, `[deny] globals = [...]`).
    #[arg(long, value_name = "FILE", conflicts_with = "no_models")]
    pub policy: Option<PathBuf>,

    /// An Azure Storage account key for offline SAS signature checks: NAME=BASE64KEY
    /// (repeatable).
    #[arg(long = "account-key", value_name = "NAME=KEY")]
    pub account_keys: Vec<String>,

    /// Also honour other scanners' inline allow markers (`gitleaks:allow`,
    /// `trufflehog:ignore`, `kingfisher:ignore`, `pragma: allowlist secret`);
    /// `leakscope:allow` is always honoured.
    #[arg(long)]
    pub compat_ignore: bool,

    /// Settings file (default: the first leakscope.toml or .leakscope.toml from the first
    /// input's directory upwards).
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Record this scan and its findings in a datastore (SQLite): `--datastore=PATH`, or alone
    /// the default store (`$XDG_DATA_HOME/leakscope/leakscope.db`, else
    /// `~/.local/share/leakscope/leakscope.db`). See `leakscope findings`.
    // `Option<Option<_>>`: absent, given alone (the default store), or given a path. (An
    // empty default value would be refused by clap's path parser.)
    #[arg(long, value_name = "PATH", num_args = 0..=1, require_equals = true)]
    pub datastore: Option<Option<PathBuf>>,

    /// Report only findings not in this baseline (from `leakscope baseline create`).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Do not look for a leakscope.toml.
    #[arg(long)]
    pub no_config: bool,

    /// List every skipped input with its reason on standard error.
    #[arg(short, long)]
    pub verbose: bool,

    /// In a git repository, scan only the working tree, not the blobs in its history.
    #[arg(long)]
    pub no_history: bool,

    /// Scan only the history reachable from this revision (default: every ref and HEAD).
    #[arg(long, value_name = "REF", conflicts_with = "no_history")]
    pub branch: Option<String>,

    /// Skip history reachable from this revision (scan only newer commits).
    #[arg(long, value_name = "REV", conflicts_with = "no_history")]
    pub since_commit: Option<String>,

    /// Credentials for storage inputs that carry none (azure://…, a URL without a SAS);
    /// else AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCOUNT with AZURE_STORAGE_KEY
    /// or AZURE_STORAGE_SAS_TOKEN.
    #[arg(long, value_name = "STRING")]
    pub azure_connection_string: Option<String>,

    /// Most bytes read from storage inputs in all; blobs past it are skipped with a reason.
    #[arg(long, default_value = "10G", value_parser = crate::size::parse_size, value_name = "SIZE")]
    pub max_bytes: u64,

    /// Also scan what no ref reaches: commits only in reflogs (after `git reset --hard`,
    /// `git commit --amend`, a deleted branch) and dangling commits, trees and blobs.
    #[arg(long, conflicts_with_all = ["no_history", "branch"])]
    pub include_unreachable: bool,

    /// Scan only what is staged for the next commit (index entries that differ from
    /// HEAD, read from the object database, not the working tree); no history, no
    /// working-tree walk. INPUT is the repository (or a directory or file in it).
    #[arg(long, conflicts_with_all = ["branch", "since_commit", "include_unreachable"])]
    pub staged: bool,

    /// Colour in human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// `--validate` and its options (scan/validate.rs).
    #[command(flatten)]
    pub validation: super::validate::ValidateArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

fn parse_format(s: &str) -> Result<Format, String> {
    s.parse()
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
        .map_err(|e: leakscope_core::ParseLevelError| e.to_string())
}

impl ScanArgs {
    pub fn now(&self) -> anyhow::Result<jiff::Timestamp> {
        match &self.now {
            Some(s) => s.parse().with_context(|| {
                format!("--now `{s}` is not an RFC 3339 time such as 2026-01-31T12:00:00Z")
            }),
            None => Ok(jiff::Timestamp::now()),
        }
    }

    pub fn rule_set(&self) -> anyhow::Result<RuleSet> {
        let mut set = if self.no_builtin_rules {
            RuleSet::default()
        } else {
            RuleSet::builtin().context("loading built-in rules")?
        };
        for p in &self.rules {
            set.add_path(p)?;
        }
        if set.is_empty() {
            anyhow::bail!("no rules: --no-builtin-rules needs at least one --rules file");
        }
        Ok(set)
    }

    /// The datastore to record into, if any (`--datastore` without a value: the default).
    pub fn datastore_path(&self) -> Option<PathBuf> {
        self.datastore
            .as_ref()
            .map(|p| p.clone().unwrap_or_else(leakscope_store::default_path))
    }

    /// The model policy, or `None` with `--no-models`.
    pub fn model_policy(&self) -> anyhow::Result<Option<leakscope_models::Policy>> {
        if self.no_models {
            return Ok(None);
        }
        Ok(Some(match &self.policy {
            Some(p) => leakscope_models::Policy::builtin_with_file(p)
                .with_context(|| format!("model policy file {}", p.display()))?,
            None => leakscope_models::Policy::builtin(),
        }))
    }

    /// Archive expansion limits, or `None` with `--no-archives`. A member is bounded like a
    /// file, by `--max-file-size`.
    pub fn archive_limits(&self) -> Option<leakscope_sources::archive::ArchiveLimits> {
        (!self.no_archives).then(|| leakscope_sources::archive::ArchiveLimits {
            max_depth: self.max_archive_depth,
            max_total_bytes: self.max_archive_bytes,
            max_entry_bytes: self.max_file_size,
            ..Default::default()
        })
    }

    pub fn thread_count(&self) -> usize {
        match self.threads {
            Some(n) if n > 0 => n,
            _ => std::thread::available_parallelism().map_or(1, usize::from),
        }
    }

    pub fn color_enabled(&self, is_tty: bool) -> bool {
        match self.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                is_tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        }
    }

    pub fn account_key_pairs(&self) -> anyhow::Result<Vec<(String, String)>> {
        self.account_keys
            .iter()
            .map(|s| {
                s.split_once('=')
                    .map(|(n, k)| (n.to_string(), k.to_string()))
                    .with_context(|| {
                        format!(
                            "--account-key `{}` must be NAME=KEY",
                            leakscope_core::redact(s)
                        )
                    })
            })
            .collect()
    }
}
