//! The leakscope command line: argument parsing, wiring, progress and exit codes only.

mod cli;
mod explain;
mod models_cmd;
mod rules_cmd;
mod scan;
mod size;

use clap::Parser;

fn main() {
    let cli = cli::Cli::parse();
    let code = match cli.command {
        cli::Command::Scan(args) => scan::run(args),
        cli::Command::Explain(args) => explain::run(args),
        cli::Command::Models(cli::ModelsCommand::Scan(args)) => models_cmd::run(args),
        cli::Command::Rules(cmd) => rules_cmd::run(cmd),
    };
    match code {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("leakscope: error: {e:#}");
            std::process::exit(2);
        }
    }
}
