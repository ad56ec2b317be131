//! `leakscope logs audit`: read Azure Storage logs and report which credentials were used,
//! how, from where, and whether leaked ones (`--findings`) were used.
//!
//! Exit codes: 0 audit done; 1 with `--fail-on-flags` when any flag was raised; 2 on a
//! usage or runtime error (unreadable input or findings file).

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use leakscope_logs::{AuditOptions, Auditor, Correlator};

#[derive(Debug, clap::Subcommand)]
pub enum LogsCommand {
    /// Who used the token? Per-credential usage and risk flags from Storage Analytics
    /// (`$logs`), Azure Monitor resource logs and Log Analytics exports (JSON, CSV, gzip).
    Audit(LogsAuditArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogsFormat {
    Human,
    Json,
    Jsonl,
    Html,
}

#[derive(Debug, clap::Args)]
pub struct LogsAuditArgs {
    /// Log files or directories (read recursively); format detected from content.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: LogsFormat,
    /// Write the report to FILE instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Findings from `leakscope scan --format jsonl --show-secrets`: report whether each
    /// leaked key / SAS was used.
    #[arg(long, value_name = "FILE")]
    pub findings: Option<PathBuf>,
    /// When findings have no git date, count uses from this time (RFC 3339) as after the leak.
    #[arg(long, value_name = "RFC3339")]
    pub leaked_at: Option<String>,
    /// Flag a SAS used from more than N distinct IP addresses.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub many_ips: usize,
    /// Distinct IPs / user agents / operations kept per credential (more are counted).
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub max_distinct: usize,
    /// Bad-line examples kept (all are counted).
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub bad_examples: usize,
    /// Exit 1 when any flag is raised.
    #[arg(long)]
    pub fail_on_flags: bool,
}

pub fn run(cmd: LogsCommand) -> anyhow::Result<i32> {
    match cmd {
        LogsCommand::Audit(args) => audit(args),
    }
}

fn audit(args: LogsAuditArgs) -> anyhow::Result<i32> {
    let leaked_at = match &args.leaked_at {
        Some(s) => Some(
            leakscope_logs::record::parse_time(s)
                .with_context(|| format!("--leaked-at: not a timestamp: {s}"))?,
        ),
        None => None,
    };
    let correlator = match &args.findings {
        Some(p) => {
            let f = std::fs::File::open(p)
                .with_context(|| format!("cannot open findings {}", p.display()))?;
            Some(Correlator::from_jsonl(
                std::io::BufReader::new(f),
                leaked_at,
            )?)
        }
        None => None,
    };
    let opts = AuditOptions {
        many_ips: args.many_ips,
        max_distinct: args.max_distinct.max(1),
        max_bad_examples: args.bad_examples,
        ..AuditOptions::default()
    };
    let mut auditor = Auditor::new(opts, correlator);
    for p in &args.paths {
        leakscope_logs::read::audit_path(p, &mut auditor)?;
    }
    let report = auditor.finish();

    let mut out: Box<dyn Write> = match &args.output {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("cannot create {}", p.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    match args.format {
        LogsFormat::Json => report.write_json(&mut out)?,
        LogsFormat::Jsonl => report.write_jsonl(&mut out)?,
        LogsFormat::Human => report.write_human(&mut out)?,
        LogsFormat::Html => report.write_html(&mut out)?,
    }
    out.flush()?;
    Ok(if args.fail_on_flags && !report.flags.is_empty() {
        1
    } else {
        0
    })
}
