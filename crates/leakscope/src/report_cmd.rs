//! `leakscope report`: what a datastore holds, as one self-contained HTML page (default),
//! JSON, JSON lines, SARIF or CSV. Rendering lives in `leakscope-report`.

use crate::findings_cmd::StoreArg;
use anyhow::{bail, Context};
use clap::ValueEnum;
use leakscope_core::Severity;
use leakscope_report::{render_store, StoreFormat, StoreReport};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// One self-contained page: summary cards, exposure timeline, sortable table, details.
    Html,
    /// An array of secrets, each with its occurrences, analysis and status history.
    Json,
    /// The same objects, one per line.
    Jsonl,
    /// SARIF 2.1.0, one result per occurrence; false positives and accepted risks suppressed.
    Sarif,
    /// One row per occurrence (the secret's columns repeated).
    Csv,
}

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub store: StoreArg,
    #[arg(long, value_enum, default_value = "html")]
    pub format: ReportFormat,
    /// Write to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Only secrets with this triage status (repeatable): open, false_positive,
    /// accepted_risk, revoked, fixed.
    #[arg(long, value_name = "STATUS")]
    pub status: Vec<String>,
    /// Only secrets at or above this severity.
    #[arg(long, value_name = "LEVEL")]
    pub min_severity: Option<String>,
    /// The clock for "now" (RFC 3339): the end of exposure windows that are still open
    /// and the report date, for reproducible output.
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,
    /// Not available: the datastore never holds a full secret.
    #[arg(long, hide = true)]
    pub show_secrets: bool,
    /// No message on standard error.
    #[arg(short, long)]
    pub quiet: bool,
}

pub fn run(args: ReportArgs) -> anyhow::Result<i32> {
    if args.show_secrets {
        bail!(
            "--show-secrets: the datastore holds fingerprints and redacted forms only, never a \
             secret; to see them, scan again with `leakscope scan --show-secrets`"
        );
    }
    for s in &args.status {
        if !leakscope_store::STATUSES.contains(&s.as_str()) {
            bail!(
                "--status `{s}`: expected one of {}",
                leakscope_store::STATUSES.join(", ")
            );
        }
    }
    let min: Option<Severity> = args
        .min_severity
        .as_deref()
        .map(str::parse)
        .transpose()
        .context("--min-severity")?;
    let now = match &args.now {
        Some(s) => s.parse::<jiff::Timestamp>().with_context(|| {
            format!("--now `{s}` is not an RFC 3339 time such as 2026-01-31T12:00:00Z")
        })?,
        None => jiff::Timestamp::now(),
    };
    let format = match args.format {
        ReportFormat::Html => StoreFormat::Html,
        ReportFormat::Json => StoreFormat::Json,
        ReportFormat::Jsonl => StoreFormat::Jsonl,
        ReportFormat::Sarif => StoreFormat::Sarif,
        ReportFormat::Csv => StoreFormat::Csv,
    };
    if format == StoreFormat::Html && args.output.is_none() && std::io::stdout().is_terminal() {
        bail!("the HTML report is a file: give -o report.html (or redirect standard output)");
    }

    let store = args.store.open()?;
    let mut export = store.export()?;
    export.secrets.retain(|d| {
        (args.status.is_empty() || args.status.contains(&d.row.status))
            && min.is_none_or(|m| d.row.severity.parse::<Severity>().is_ok_and(|s| s >= m))
    });
    let rules = if format == StoreFormat::Sarif {
        crate::scan::builtin_rule_meta()?
    } else {
        Vec::new()
    };
    let advice = |d: &leakscope_store::SecretDetail| {
        let a = leakscope_azure::card::advice(&d.row.kind, d.analysis.as_ref()?)?;
        serde_json::to_value(a).ok()
    };
    let datastore = args
        .store
        .datastore
        .clone()
        .unwrap_or_else(leakscope_store::default_path)
        .display()
        .to_string();
    let report = StoreReport {
        export: &export,
        now,
        tool_version: env!("CARGO_PKG_VERSION"),
        datastore: &datastore,
        rules: &rules,
        advice: &advice,
    };
    let n = export.secrets.len();
    match &args.output {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("cannot create output file {}", path.display()))?;
            let mut w = std::io::BufWriter::new(file);
            render_store(format, &report, &mut w)?;
            w.flush()?;
            if !args.quiet {
                eprintln!(
                    "leakscope: report of {n} secret{} written to {}",
                    if n == 1 { "" } else { "s" },
                    path.display()
                );
            }
        }
        None => {
            let mut w = std::io::BufWriter::new(std::io::stdout().lock());
            render_store(format, &report, &mut w)?;
            w.flush()?;
        }
    }
    Ok(0)
}
