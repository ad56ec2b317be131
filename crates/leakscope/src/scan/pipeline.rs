//! The scan proper: walk inputs in parallel; each worker reads a file, runs the engine and
//! (for model files) the model analysis, and collects findings.

use super::findings::from_match;
use super::foreign::Foreign;
use super::models;
use super::progress::{Counters, Progress};
use super::ScanArgs;
use anyhow::Context;
use leakscope_core::{Finding, Limits, SkipReason, Skipped};
use leakscope_engine::Engine;
use leakscope_report::{RuleMeta, Summary};
use leakscope_rules::RuleSet;
use leakscope_sources::{walk, WalkEvent, WalkOptions};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

pub struct ScanResult {
    pub findings: Vec<Finding>,
    pub summary: Summary,
    pub rules: Vec<RuleMeta>,
    /// Ids of rules marked `generic` (weaker evidence, yielded to specific rules).
    pub generic_rules: HashSet<String>,
    /// Rule id -> the rule ids it pairs with (`pairs_with`).
    pub pairs: HashMap<String, Vec<String>>,
}

pub fn run(
    args: &ScanArgs,
    rules: RuleSet,
    policy: Option<&leakscope_models::Policy>,
) -> anyhow::Result<ScanResult> {
    let generic_rules: HashSet<String> = rules
        .rules
        .iter()
        .filter(|r| r.spec.generic)
        .map(|r| r.spec.id.clone())
        .collect();
    let pairs: HashMap<String, Vec<String>> = rules
        .rules
        .iter()
        .filter(|r| !r.spec.pairs_with.is_empty())
        .map(|r| (r.spec.id.clone(), r.spec.pairs_with.clone()))
        .collect();
    let mut rule_meta: Vec<RuleMeta> = rules
        .rules
        .iter()
        .map(|r| RuleMeta {
            id: r.spec.id.clone(),
            name: r.spec.name.clone(),
            kind: r.spec.kind.clone(),
            severity: r.spec.severity,
            confidence: r.spec.confidence,
            description: r.spec.description.clone(),
            references: r.spec.references.clone(),
        })
        .collect();
    if policy.is_some() {
        rule_meta.push(models::rule_meta());
    }
    let limits = Limits {
        max_file_size: args.max_file_size,
        ..Limits::default()
    };
    let foreign = Foreign::from_rules(&rules);
    let mut engine = Engine::new(rules, limits).context("building the scan engine")?;
    if args.compat_ignore {
        engine = engine.with_compat_allow_markers();
    }
    let opts = WalkOptions {
        threads: args.thread_count(),
        follow_symlinks: args.follow_symlinks,
        respect_gitignore: args.respect_gitignore,
        excludes: args.exclude.clone(),
        ..WalkOptions::default()
    };

    let counters = Arc::new(Counters::default());
    let progress = Progress::start(counters.clone(), args.quiet);
    let findings: Mutex<Vec<Finding>> = Mutex::new(Vec::new());
    let skipped: Mutex<Vec<Skipped>> = Mutex::new(Vec::new());
    let dropped = AtomicU64::new(0);
    let started = Instant::now();

    let walked = walk(&args.inputs, &opts, || {
        let mut buf: Vec<u8> = Vec::new();
        let engine = &engine;
        let foreign = &foreign;
        let counters = &counters;
        let findings = &findings;
        let skipped = &skipped;
        let dropped = &dropped;
        move |event| match event {
            WalkEvent::Skipped(s) => lock(skipped).push(s),
            WalkEvent::File(file) => {
                if let Err(reason) = file.read_into(&mut buf, engine.limits().max_file_size) {
                    // Too large to scan for secrets, but a model's analysis streams from
                    // disk whatever its size (checkpoints are often many GB).
                    if let (Some(p), SkipReason::TooLarge { .. }) = (policy, &reason) {
                        if let Some(f) = models::check(&file, None, p) {
                            counters.findings.fetch_add(1, Ordering::Relaxed);
                            lock(findings).push(f);
                        }
                    }
                    lock(skipped).push(Skipped {
                        path: file.display.clone(),
                        reason,
                    });
                    return;
                }
                counters.files.fetch_add(1, Ordering::Relaxed);
                counters
                    .bytes
                    .fetch_add(buf.len() as u64, Ordering::Relaxed);
                if let Some(f) = policy.and_then(|p| models::check(&file, Some(&buf), p)) {
                    counters.findings.fetch_add(1, Ordering::Relaxed);
                    lock(findings).push(f);
                }
                let out = engine.scan(&buf);
                if out.dropped > 0 {
                    dropped.fetch_add(out.dropped as u64, Ordering::Relaxed);
                }
                if out.matches.is_empty() {
                    return;
                }
                counters
                    .findings
                    .fetch_add(out.matches.len() as u64, Ordering::Relaxed);
                let mut found: Vec<Finding> = out
                    .matches
                    .iter()
                    .filter(|m| {
                        foreign.keeps(&engine.rules()[m.rule].spec.id, &file.display, m, &buf)
                    })
                    .map(|m| from_match(&engine.rules()[m.rule], m, &file.display))
                    .collect();
                lock(findings).append(&mut found);
            }
        }
    });
    progress.finish();
    walked?;

    let summary = Summary {
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        files_scanned: counters.files.load(Ordering::Relaxed),
        bytes_scanned: counters.bytes.load(Ordering::Relaxed),
        duration_secs: started.elapsed().as_secs_f64(),
        skipped: skipped.into_inner().unwrap_or_else(|p| p.into_inner()),
        matches_dropped: dropped.load(Ordering::Relaxed),
    };
    report_skips(args, &summary.skipped);
    Ok(ScanResult {
        findings: findings.into_inner().unwrap_or_else(|p| p.into_inner()),
        summary,
        rules: rule_meta,
        generic_rules,
        pairs,
    })
}

/// A poisoned lock only means another worker panicked mid-push; the data is still usable.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Skips go to standard error: every one with `--verbose`, else a count by reason for
/// machine formats (the human report has its own summary line).
fn report_skips(args: &ScanArgs, skipped: &[Skipped]) {
    if args.quiet || skipped.is_empty() {
        return;
    }
    if args.verbose {
        for s in skipped {
            eprintln!("leakscope: skipped {}: {}", s.path, s.reason);
        }
    } else if args.format != leakscope_report::Format::Human || args.output.is_some() {
        let mut by: std::collections::BTreeMap<&str, usize> = Default::default();
        for s in skipped {
            *by.entry(s.reason.label()).or_default() += 1;
        }
        let parts: Vec<String> = by.iter().map(|(r, n)| format!("{n} {r}")).collect();
        eprintln!(
            "leakscope: skipped {} (use --verbose to list them)",
            parts.join(", ")
        );
    }
}
