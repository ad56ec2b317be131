//! `leakscope scan`: wires sources → engine → intelligence → report.

mod args;
mod findings;
mod models;
mod pipeline;
mod progress;

pub use args::ScanArgs;

use anyhow::Context;
use leakscope_report::{render, RenderOptions, Report};
use std::io::{IsTerminal, Write};

pub fn run(args: ScanArgs) -> anyhow::Result<i32> {
    let now = args.now()?;
    let rules = args.rule_set()?;
    let account_keys = args.account_key_pairs()?;
    let policy = args.model_policy()?;
    let result = pipeline::run(&args, rules, policy.as_ref())?;
    let mut findings = result.findings;

    findings::enrich(&mut findings, now, account_keys);
    findings::dedup_overlaps(&mut findings, &result.generic_rules);

    findings.retain(|f| f.severity >= args.min_severity);
    findings.sort_by(|a, b| {
        (&a.path, a.line, a.column, &a.rule_id).cmp(&(&b.path, b.line, b.column, &b.rule_id))
    });
    let failing = findings.iter().any(|f| f.severity >= args.fail_on);
    if !args.show_secrets {
        for f in &mut findings {
            f.secret = None;
        }
    }

    let report = Report {
        findings: &findings,
        summary: &result.summary,
        rules: &result.rules,
    };
    match &args.output {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("cannot create output file {}", path.display()))?;
            let mut w = std::io::BufWriter::new(file);
            render(args.format, &report, RenderOptions { color: false }, &mut w)?;
            w.flush()?;
            if args.format != leakscope_report::Format::Human && !args.quiet {
                eprintln!(
                    "leakscope: {} finding{} written to {}",
                    findings.len(),
                    if findings.len() == 1 { "" } else { "s" },
                    path.display()
                );
            }
        }
        None => {
            let stdout = std::io::stdout();
            let color = args.color_enabled(stdout.is_terminal());
            let mut lock = stdout.lock();
            if let Err(e) = render(args.format, &report, RenderOptions { color }, &mut lock) {
                // A closed pipe (`| head`) is not an error worth a message.
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    return Err(e.into());
                }
            }
        }
    }
    Ok(if failing { 1 } else { 0 })
}
