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
