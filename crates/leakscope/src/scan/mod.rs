//! `leakscope scan`: wires sources → engine → intelligence → report.

mod args;
pub mod baseline;
mod config;
mod findings;
mod foreign;
mod models;
mod pipeline;
mod progress;
mod storage;
mod validate;

pub use args::ScanArgs;

use anyhow::Context;
use leakscope_core::Severity;
use leakscope_report::{render, RenderOptions, Report};
use std::io::{IsTerminal, Write};

/// What a scan produces: a report, or a baseline file (`leakscope baseline create`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Report,
    Baseline,
}

/// Metadata of the built-in rules and the model rule, for reports made after the scan.
pub fn builtin_rule_meta() -> anyhow::Result<Vec<leakscope_report::RuleMeta>> {
    let rules = leakscope_rules::RuleSet::builtin().context("loading built-in rules")?;
    let mut meta = pipeline::rule_meta(&rules);
    meta.push(models::rule_meta());
    Ok(meta)
}

pub fn run(args: ScanArgs) -> anyhow::Result<i32> {
    run_mode(args, Mode::Report)
}

pub fn run_mode(mut args: ScanArgs, mode: Mode) -> anyhow::Result<i32> {
    let accepted = match &args.baseline {
        Some(p) if mode == Mode::Report => Some(baseline::load(p)?),
        _ => None,
    };
    let config = if args.no_config {
        None
    } else {
        config::find(
            args.config.as_deref(),
            args.inputs.first().map(|p| p.as_path()),
        )?
    };
    if let Some(c) = &config {
        args.exclude.extend(c.config.scan.exclude.iter().cloned());
        args.rules.extend(c.rule_files());
        args.compat_ignore |= c.config.scan.compat_ignore == Some(true);
        if args.verbose {
            eprintln!("leakscope: settings from {}", c.path.display());
        }
    }
    let from_config = |pick: fn(&config::ScanSection) -> Option<Severity>| {
        config.as_ref().and_then(|c| pick(&c.config.scan))
    };
    let fail_on = args
        .fail_on
        .or(from_config(|s| s.fail_on))
        .unwrap_or(Severity::Low);
    let min_severity = args
        .min_severity
        .or(from_config(|s| s.min_severity))
        .unwrap_or(Severity::Info);
    let now = args.now()?;
    let started = jiff::Timestamp::now();
    let rules = args.rule_set()?;
    let account_keys = args.account_key_pairs()?;
    let policy = args.model_policy()?;
    let mut result = pipeline::run(&args, rules, policy.as_ref())?;
    result.summary.started = if args.now.is_some() { now } else { started }.to_string();
    result.summary.finished = if args.now.is_some() {
        now
    } else {
        jiff::Timestamp::now()
    }
    .to_string();
    let mut findings = std::mem::take(&mut result.findings);

    findings::enrich(&mut findings, now, account_keys);
    findings::dedup_overlaps(&mut findings, &result.generic_rules);
    findings::link_pairs(&mut findings, &result.pairs);
    if let Some(c) = &config {
        let allowed = c.apply(&mut findings);
        if args.verbose {
            for a in &allowed {
                eprintln!("leakscope: allowed {a}");
            }
        }
        if !allowed.is_empty() && !args.quiet {
            eprintln!(
                "leakscope: {} finding{} allowed by {}",
                allowed.len(),
                if allowed.len() == 1 { "" } else { "s" },
                c.path.display()
            );
        }
    }

    // Live validation (scan/validate.rs): pairs are indexed before filters drop a half.
    let validation_pairs = validate::pair_index(&args.validation, &findings);
    findings.retain(|f| f.severity >= min_severity);
    if mode == Mode::Baseline {
        let out = args
            .output
            .as_deref()
            .context("baseline create needs -o FILE")?;
        baseline::write(out, &findings, now)?;
        if !args.quiet {
            eprintln!(
                "leakscope: baseline of {} finding{} written to {}",
                findings.len(),
                if findings.len() == 1 { "" } else { "s" },
                out.display()
            );
        }
        return Ok(0);
    }
    if let Some(accepted) = &accepted {
        let before = findings.len();
        findings.retain(|f| !accepted.contains(&f.fingerprint));
        let known = before - findings.len();
        if known > 0 && !args.quiet {
            eprintln!(
                "leakscope: {known} finding{} already in the baseline",
                if known == 1 { "" } else { "s" }
            );
        }
    }
    findings.sort_by(|a, b| {
        (&a.path, a.line, a.column, &a.rule_id).cmp(&(&b.path, b.line, b.column, &b.rule_id))
    });
    if let Some(pairs) = &validation_pairs {
        let db = args.datastore_path();
        validate::run(&args.validation, db, args.quiet, &mut findings, pairs)?;
    }
    if let Some(db) = args.datastore_path() {
        let record = leakscope_store::ScanRecord {
            started: started.to_string(),
            finished: jiff::Timestamp::now().to_string(),
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            rules: result.rules.len(),
            inputs: args
                .inputs
                .iter()
                .map(|p| p.display().to_string())
                .collect(),
            files: result.summary.files_scanned,
            bytes: result.summary.bytes_scanned,
        };
        let mut store = leakscope_store::Store::open(&db)?;
        let id = store.record_scan(&record, &findings)?;
        if !args.quiet {
            eprintln!("leakscope: scan {id} recorded in {}", db.display());
        }
    }
    let failing = findings.iter().any(|f| f.severity >= fail_on);
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
