//! `leakscope rules list | check`.

use anyhow::Context;
use clap::Subcommand;
use leakscope_rules::{check_examples, RuleSet};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the rules in effect (built-in plus any given with --rules).
    List {
        /// Extra rule files or directories.
        #[arg(long = "rules", value_name = "PATH")]
        rules: Vec<PathBuf>,
        /// human or json.
        #[arg(long, default_value = "human", value_parser = ["human", "json"])]
        format: String,
    },
    /// Validate a rule file: it parses, every pattern compiles, every example passes.
    Check {
        /// The rule file (or directory of rule files).
        file: PathBuf,
    },
}

pub fn run(cmd: RulesCommand) -> anyhow::Result<i32> {
    match cmd {
        RulesCommand::List { rules, format } => {
            let mut set = RuleSet::builtin().context("loading built-in rules")?;
            for p in &rules {
                set.add_path(p)?;
            }
            let mut out = std::io::stdout().lock();
            if format == "json" {
                let specs: Vec<_> = set.rules.iter().map(|r| &r.spec).collect();
                serde_json::to_writer_pretty(&mut out, &specs)?;
                writeln!(out)?;
            } else {
                for r in &set.rules {
                    writeln!(
                        out,
                        "{:<44} {:<34} {:<9} {:<7} {}",
                        r.spec.id,
                        r.spec.kind,
                        r.spec.severity.as_str(),
                        r.spec.confidence.as_str(),
                        r.spec.name
                    )?;
                }
                eprintln!("{} rules", set.len());
            }
            Ok(0)
        }
        RulesCommand::Check { file } => {
            let mut set = RuleSet::default();
            if let Err(e) = set.add_path(&file) {
                eprintln!("leakscope: {e}");
                return Ok(2);
            }
            let failures = check_examples(&set);
            for f in &failures {
                println!("FAIL {f}");
            }
            if failures.is_empty() {
                println!("{}: {} rules OK", file.display(), set.len());
                Ok(0)
            } else {
                println!(
                    "{}: {} of {} rules have failing examples",
                    file.display(),
                    {
                        let mut ids: Vec<&str> =
                            failures.iter().map(|f| f.rule_id.as_str()).collect();
                        ids.sort_unstable();
                        ids.dedup();
                        ids.len()
                    },
                    set.len()
                );
                Ok(1)
            }
        }
    }
}
