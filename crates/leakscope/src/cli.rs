use clap::{Parser, Subcommand};

/// Find leaked cloud credentials and poisoned model files, and say what each exposes.
#[derive(Debug, Parser)]
#[command(name = "leakscope", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Find secrets and unsafe model files in files and directories.
    Scan(crate::scan::ScanArgs),
    /// Decode and rate one SAS token, signed URL, account key or connection string.
    Explain(crate::explain::ExplainArgs),
    /// Model files only.
    #[command(subcommand)]
    Models(ModelsCommand),
    /// List or check detection rules.
    #[command(subcommand)]
    Rules(crate::rules_cmd::RulesCommand),
    /// Audit Azure Storage logs: who used which SAS / account key.
    #[command(subcommand)]
    Logs(crate::logs_cmd::LogsCommand),
    /// Triage the secrets recorded with `scan --datastore`.
    #[command(subcommand)]
    Findings(crate::findings_cmd::FindingsCommand),
    /// Report on a datastore: one self-contained HTML page (default), or JSON, JSON lines,
    /// SARIF or CSV.
    Report(crate::report_cmd::ReportArgs),
    /// Baselines of accepted findings, so that only new ones are reported.
    #[command(subcommand)]
    Baseline(BaselineCommand),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), or write one page per command into DIR.
    Man {
        #[arg(long, value_name = "DIR")]
        dir: Option<std::path::PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ModelsCommand {
    /// Statically analyse model files (pickle, PyTorch, numpy, Keras, …) without loading them.
    Scan(crate::models_cmd::ModelsScanArgs),
}

#[derive(Debug, Subcommand)]
pub enum BaselineCommand {
    /// Scan (with every `scan` option) and write the findings' fingerprints and locations
    /// (never the secrets) to the file given with -o; `scan --baseline FILE` then reports
    /// only what is new.
    Create(crate::scan::ScanArgs),
}
