//! The leakscope command line: argument parsing, wiring, progress and exit codes only.

mod cli;
mod docs_cmd;
mod explain;
mod findings_cmd;
mod logs_cmd;
mod models_cmd;
mod report_cmd;
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
        cli::Command::Logs(cmd) => logs_cmd::run(cmd),
        cli::Command::Findings(cmd) => findings_cmd::run(cmd),
        cli::Command::Report(args) => report_cmd::run(args),
        cli::Command::Baseline(cli::BaselineCommand::Create(args)) => {
            scan::run_mode(args, scan::Mode::Baseline)
        }
        cli::Command::Completions { shell } => docs_cmd::completions(shell),
        cli::Command::Man { dir } => docs_cmd::man(dir.as_deref()),
    };
    match code {
        Ok(code) => std::process::exit(code),
        // The reader went away (`| head`): not an error worth a message.
        Err(e) if is_broken_pipe(&e) => std::process::exit(0),
        Err(e) => {
            eprintln!("leakscope: error: {e:#}");
            std::process::exit(2);
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<serde_json::Error>()
                .and_then(|j| j.io_error_kind())
                .is_some_and(|k| k == std::io::ErrorKind::BrokenPipe)
    })
}
