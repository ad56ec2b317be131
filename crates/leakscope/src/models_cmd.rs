//! `leakscope models scan` (owned by the model analysis work): statically analyse model
//! files and directories, print verdicts, exit 0 (clean), 1 (suspicious/malicious
//! found) or 2 (error).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use leakscope_models::{analyze_path, Format, Policy, Verdict, VerdictKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ModelsFormat {
    Human,
    Json,
    Jsonl,
}

#[derive(Debug, clap::Args)]
pub struct ModelsScanArgs {
    /// Files or directories to analyse.
    #[arg(required = true)]
    pub paths: Vec<std::path::PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: ModelsFormat,
    /// Policy file extending the built-in allow/deny lists
    /// (TOML: `[allow] globals = [...]`, `[deny] globals = [...]`).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Write the report to FILE instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// In directories, also report files that are not recognised as models.
    #[arg(long)]
    pub all_files: bool,
}

/// Directory walks stop this deep (symlinked directories are never followed).
const MAX_DEPTH: usize = 64;

pub fn run(args: ModelsScanArgs) -> anyhow::Result<i32> {
    let policy = match &args.policy {
        Some(p) => {
            Policy::builtin_with_file(p).with_context(|| format!("policy file {}", p.display()))?
        }
        None => Policy::builtin(),
    };

    let mut errors = Vec::new();
    let mut verdicts = Vec::new();
    for root in &args.paths {
        match std::fs::metadata(root) {
            Ok(m) if m.is_dir() => {
                let mut files = Vec::new();
                walk(root, 0, &mut files, &mut errors);
                for f in files {
                    let v = analyze_path(&f, &policy);
                    let unrecognised =
                        v.format == Format::Unknown && v.verdict == VerdictKind::Unsupported;
                    if args.all_files || !unrecognised {
                        verdicts.push(v);
                    }
                }
            }
            Ok(_) => verdicts.push(analyze_path(root, &policy)),
            Err(e) => errors.push(format!("{}: {e}", root.display())),
        }
    }

    let mut out: Box<dyn Write> = match &args.output {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("cannot create {}", p.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    match args.format {
        ModelsFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &verdicts)?;
            writeln!(out)?;
        }
        ModelsFormat::Jsonl => {
            for v in &verdicts {
                serde_json::to_writer(&mut out, v)?;
                writeln!(out)?;
            }
        }
        ModelsFormat::Human => human(&mut out, &verdicts)?,
    }
    out.flush()?;

    for e in &errors {
        eprintln!("leakscope: error: {e}");
    }
    if !errors.is_empty() {
        return Ok(2);
    }
    Ok(i32::from(verdicts.iter().any(|v| v.verdict.is_finding())))
}

/// Regular files under `dir`, sorted for reproducible output.
fn walk(dir: &Path, depth: usize, files: &mut Vec<PathBuf>, errors: &mut Vec<String>) {
    if depth > MAX_DEPTH {
        errors.push(format!("{}: directory nesting too deep", dir.display()));
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            errors.push(format!("{}: {e}", dir.display()));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        // symlink_metadata: never follow links (no loops, no escaping the tree).
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.is_dir() => walk(&p, depth + 1, files, errors),
            Ok(m) if m.is_file() => files.push(p),
            Ok(_) => {}
            Err(e) => errors.push(format!("{}: {e}", p.display())),
        }
    }
}

fn human(out: &mut dyn Write, verdicts: &[Verdict]) -> std::io::Result<()> {
    let mut counts = std::collections::BTreeMap::new();
    for v in verdicts {
        *counts.entry(v.verdict).or_insert(0usize) += 1;
        writeln!(
            out,
            "{:<11} {} ({})",
            v.verdict.as_str().to_uppercase(),
            v.path,
            v.format
        )?;
        if v.verdict.is_finding() {
            let flagged: Vec<&str> = v
                .denied_globals
                .iter()
                .chain(&v.unknown_globals)
                .map(String::as_str)
                .collect();
            if !flagged.is_empty() {
                writeln!(out, "  imports: {}", flagged.join(", "))?;
            }
            for c in v.calls.iter().take(10) {
                writeln!(out, "  call:    {c}")?;
            }
        }
        let shown = if v.verdict.is_finding() { 8 } else { 2 };
        for r in v.reasons.iter().take(shown) {
            writeln!(out, "  - {r}")?;
        }
    }
    let summary: Vec<String> = counts
        .iter()
        .rev()
        .map(|(k, n)| format!("{n} {k}"))
        .collect();
    writeln!(
        out,
        "{} file(s): {}",
        verdicts.len(),
        if summary.is_empty() {
            "none".to_string()
        } else {
            summary.join(", ")
        }
    )
}
