//! The scan proper: walk inputs in parallel; each worker reads a file, runs the engine and
//! (for model files) the model analysis, and collects findings.

use super::findings::from_match;
use super::foreign::Foreign;
use super::models;
use super::progress::{Counters, Progress};
use super::storage;
use super::ScanArgs;
use anyhow::Context;
use leakscope_core::{Finding, GitInfo, Limits, RemovedAt, SkipReason, Skipped};
use leakscope_engine::Engine;
use leakscope_models::Policy;
use leakscope_report::{RuleMeta, Summary};
use leakscope_rules::RuleSet;
use leakscope_sources::archive::{self, Event};
use leakscope_sources::git::{self, HistoryEvent, HistoryOptions, Provenance};
use leakscope_sources::storage::looks_like_storage;
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

/// What reports need to know about each rule of `rules`.
pub fn rule_meta(rules: &RuleSet) -> Vec<RuleMeta> {
    rules
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
        .collect()
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
    let mut rule_meta = rule_meta(&rules);
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

    let archive_limits = args.archive_limits();
    let archive_limits = &archive_limits;
    let counters = Arc::new(Counters::default());
    let progress = Progress::start(counters.clone(), args.quiet);
    let findings: Mutex<Vec<Finding>> = Mutex::new(Vec::new());
    let skipped: Mutex<Vec<Skipped>> = Mutex::new(Vec::new());
    let dropped = AtomicU64::new(0);
    let started = Instant::now();

    let (paths, storage_inputs) = split_inputs(&args.inputs);
    let shared = Shared {
        engine: &engine,
        foreign: &foreign,
        policy,
        counters: &counters,
        findings: &findings,
        skipped: &skipped,
        dropped: &dropped,
        archive_limits,
    };
    let (walked, history) = if args.staged {
        (Ok(()), scan_staged(args, &shared).map(|()| HashMap::new()))
    } else {
        std::thread::scope(|scope| {
            // History's commits and trees are read on one thread while the working tree is
            // scanned; its blobs are scanned after.
            let planner = (!args.no_history).then(|| scope.spawn(|| plan_histories(args)));
            // A bare repository has no working tree: its history is all there is (its
            // pack files are not text to scan).
            let inputs: Vec<std::path::PathBuf> = paths
                .iter()
                .filter(|p| args.no_history || !git::is_bare_repository(p))
                .cloned()
                .collect();
            let walked = walk(&inputs, &opts, || {
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
                        if let Err(reason) = file.read_into(&mut buf, engine.limits().max_file_size)
                        {
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
                        let mut sink =
                            Sink::new(engine, foreign, policy, counters, findings, dropped);
                        sink.container(&file.display, &buf);
                        let expanded = archive_limits.as_ref().is_some_and(|limits| {
                            archive::expand(&file.display, &buf, limits, &mut |event| match event {
                                Event::Container { path, bytes } => sink.container(path, bytes),
                                Event::Blob { path, bytes } => sink.blob(path, bytes),
                                Event::Skipped(s) => lock(skipped).push(s),
                            })
                        });
                        if !expanded {
                            sink.secrets(&file.display, &buf);
                        }
                        sink.finish();
                    }
                }
            });
            let history = match planner {
                None => Ok(HashMap::new()),
                Some(h) => h
                    .join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("reading git history failed")))
                    .map(|plans| scan_histories(args, &shared, plans)),
            };
            (walked, history)
        })
    };
    let stored = storage::scan(args, &storage_inputs, &shared);
    progress.finish();
    walked?;
    let in_worktree = history?;
    stored?;

    let summary = Summary {
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        started: String::new(),
        finished: String::new(),
        files_scanned: counters.files.load(Ordering::Relaxed),
        bytes_scanned: counters.bytes.load(Ordering::Relaxed),
        duration_secs: started.elapsed().as_secs_f64(),
        skipped: skipped.into_inner().unwrap_or_else(|p| p.into_inner()),
        matches_dropped: dropped.load(Ordering::Relaxed),
    };
    report_skips(args, &summary.skipped);
    let mut findings = findings.into_inner().unwrap_or_else(|p| p.into_inner());
    exposure(&mut findings, &in_worktree);
    Ok(ScanResult {
        findings,
        summary,
        rules: rule_meta,
        generic_rules,
        pairs,
    })
}

/// Inputs that name Azure Storage (a SAS URL, a connection string, `azure://…`) rather
/// than a path; an existing path always wins.
fn split_inputs(inputs: &[std::path::PathBuf]) -> (Vec<std::path::PathBuf>, Vec<String>) {
    let mut paths = Vec::new();
    let mut storage = Vec::new();
    for input in inputs {
        let text = input.to_string_lossy();
        if std::fs::symlink_metadata(input).is_err() && looks_like_storage(&text) {
            storage.push(text.into_owned());
        } else {
            paths.push(input.clone());
        }
    }
    (paths, storage)
}

/// What history and storage workers share with the working-tree scan.
pub(super) struct Shared<'a> {
    engine: &'a Engine,
    foreign: &'a Foreign,
    policy: Option<&'a Policy>,
    counters: &'a Counters,
    findings: &'a Mutex<Vec<Finding>>,
    pub(super) skipped: &'a Mutex<Vec<Skipped>>,
    dropped: &'a AtomicU64,
    archive_limits: &'a Option<archive::ArchiveLimits>,
}

/// Reads the commits and trees of every input that is a git repository root (one thread
/// per repository, while the working tree is being scanned).
fn plan_histories(args: &ScanArgs) -> anyhow::Result<Vec<(String, git::HistoryPlan)>> {
    let opts = HistoryOptions {
        branch: args.branch.clone(),
        since_commit: args.since_commit.clone(),
        max_blob_size: args.max_file_size,
        excludes: args.exclude.clone(),
        include_unreachable: args.include_unreachable,
        threads: args.thread_count().max(1),
    };
    let mut plans = Vec::new();
    for input in &args.inputs {
        if !input.is_dir() || !git::is_repository(input) {
            continue;
        }
        let plan = git::plan_history(input, &opts)
            .with_context(|| "reading git history (--no-history scans only the working tree)")?;
        plans.push((input.display().to_string(), plan));
    }
    Ok(plans)
}

/// Reads and scans the planned history blobs: `--threads` threads each read (decompress)
/// blobs and scan them. Returns, for history blobs identical to a checked-out file, that
/// file's display path and the blob's provenance.
fn scan_histories(
    args: &ScanArgs,
    shared: &Shared<'_>,
    plans: Vec<(String, git::HistoryPlan)>,
) -> HashMap<String, GitInfo> {
    let mut in_worktree: HashMap<String, GitInfo> = HashMap::new();
    for (input, plan) in plans {
        for (display, provenance) in plan.in_worktree() {
            in_worktree.insert(display, git_info(&provenance));
        }
        plan.read(args.thread_count().max(1), &|event| match event {
            HistoryEvent::Blob {
                display,
                bytes,
                provenance,
            } => scan_blob(shared, &display, &bytes, Some(git_info(&provenance))),
            HistoryEvent::InWorktree { .. } => {}
            HistoryEvent::Skipped(s) => lock(shared.skipped).push(s),
        });
        if args.verbose {
            let stats = plan.stats();
            eprintln!(
                "leakscope: history of {input}: {} commits, {} trees, {} blobs",
                stats.commits, stats.trees, stats.blobs
            );
            if args.include_unreachable {
                eprintln!(
                    "leakscope: history of {input}: {} unreachable commits, {} dangling blobs",
                    stats.unreachable_commits, stats.dangling_blobs
                );
            }
        }
    }
    in_worktree
}

/// `--staged`: only the index entries of each input's repository that differ from HEAD,
/// read from the object database.
fn scan_staged(args: &ScanArgs, shared: &Shared<'_>) -> anyhow::Result<()> {
    let opts = git::StagedOptions {
        max_blob_size: args.max_file_size,
        excludes: args.exclude.clone(),
    };
    for input in &args.inputs {
        let stats = git::scan_staged(input, &opts, &mut |event| match event {
            git::StagedEvent::Blob { display, bytes, .. } => {
                scan_blob(shared, &display, &bytes, None)
            }
            git::StagedEvent::Skipped(s) => lock(shared.skipped).push(s),
        })?;
        if args.verbose {
            eprintln!(
                "leakscope: {}: {} staged file{} of {} in the index",
                input.display(),
                stats.staged,
                if stats.staged == 1 { "" } else { "s" },
                stats.entries
            );
        }
    }
    Ok(())
}

/// One blob from history or the index, scanned like a file (archives expanded), its
/// findings tagged with its provenance.
pub(super) fn scan_blob(shared: &Shared<'_>, display: &str, bytes: &[u8], info: Option<GitInfo>) {
    shared.counters.files.fetch_add(1, Ordering::Relaxed);
    shared
        .counters
        .bytes
        .fetch_add(bytes.len() as u64, Ordering::Relaxed);
    let mut sink = Sink::new(
        shared.engine,
        shared.foreign,
        shared.policy,
        shared.counters,
        shared.findings,
        shared.dropped,
    );
    sink.git = info;
    sink.container(display, bytes);
    let expanded = shared.archive_limits.as_ref().is_some_and(|limits| {
        archive::expand(display, bytes, limits, &mut |event| match event {
            Event::Container { path, bytes } => sink.container(path, bytes),
            Event::Blob { path, bytes } => sink.blob(path, bytes),
            Event::Skipped(s) => lock(shared.skipped).push(s),
        })
    });
    if !expanded {
        sink.secrets(display, bytes);
    }
    sink.finish();
}

fn rfc3339(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

fn git_info(p: &Provenance) -> GitInfo {
    GitInfo {
        commit: p.commit.as_ref().map(|c| c.id.clone()),
        author: p.commit.as_ref().map(|c| c.author.clone()),
        date: p.commit.as_ref().map(|c| rfc3339(c.author_time)),
        first_seen: p.first_time.map(rfc3339),
        present_at_head: p.at_head,
        last_seen: p.last_time.map(rfc3339),
        summary: p.commit.as_ref().map(|c| c.summary.clone()),
        blob: p.blob.clone(),
        paths: p.paths.clone(),
        unreachable: p.unreachable,
        removed_at: p.removed_at.as_ref().map(|r| RemovedAt {
            commit: r.commit.clone(),
            date: rfc3339(r.author_time),
        }),
    }
}

/// A secret's exposure window, over all its blobs.
#[derive(Default)]
struct Window {
    first: Option<String>,
    last: Option<String>,
    at_head: bool,
    removed_at: Option<RemovedAt>,
}

/// Tags working-tree findings in files checked out unchanged from HEAD with their blob's
/// provenance, then widens each secret's window to all its blobs: `first_seen` the
/// earliest, `last_seen` the newest, `present_at_head` whether any is in HEAD's tree, and
/// for a secret gone from HEAD, `removed_at` the latest commit that dropped one of its
/// blobs from HEAD's history.
fn exposure(findings: &mut [Finding], in_worktree: &HashMap<String, GitInfo>) {
    if !in_worktree.is_empty() {
        for f in findings.iter_mut().filter(|f| f.git.is_none()) {
            let file = f.path.split(archive::SEPARATOR).next().unwrap_or_default();
            if let Some(info) = in_worktree.get(file) {
                f.git = Some(info.clone());
            }
        }
    }
    let mut windows: HashMap<String, Window> = HashMap::new();
    for f in findings.iter() {
        let Some(g) = &f.git else { continue };
        let w = windows.entry(f.fingerprint.clone()).or_default();
        if let Some(first) = &g.first_seen {
            if w.first.as_ref().is_none_or(|x| first < x) {
                w.first = Some(first.clone());
            }
        }
        if let Some(last) = &g.last_seen {
            if w.last.as_ref().is_none_or(|x| last > x) {
                w.last = Some(last.clone());
            }
        }
        w.at_head |= g.present_at_head;
        if let Some(r) = &g.removed_at {
            if w.removed_at.as_ref().is_none_or(|x| r.date > x.date) {
                w.removed_at = Some(r.clone());
            }
        }
    }
    for f in findings.iter_mut() {
        let Some(g) = &mut f.git else { continue };
        if let Some(w) = windows.get(&f.fingerprint) {
            g.first_seen = w.first.clone();
            g.last_seen = w.last.clone();
            g.present_at_head = w.at_head;
            g.removed_at = if w.at_head {
                None
            } else {
                w.removed_at.clone()
            };
        }
    }
}

/// Where one worker's results for one file go: the file itself, or each blob inside it.
/// Findings are collected per file and published once, by [`Sink::finish`].
struct Sink<'a> {
    engine: &'a Engine,
    foreign: &'a Foreign,
    policy: Option<&'a Policy>,
    counters: &'a Counters,
    findings: &'a Mutex<Vec<Finding>>,
    dropped: &'a AtomicU64,
    found: Vec<Finding>,
    /// Containers recognised as models (a PyTorch zip, or any zip holding a `.pkl`), as
    /// `path!`, with their verdict's finding. A finding on one of their members other
    /// than a PyTorch `data.pkl` (which the container's verdict already covers) points
    /// more precisely and replaces the container's.
    model_containers: Vec<(String, Option<Finding>)>,
    /// Provenance set on every finding (history blobs).
    git: Option<GitInfo>,
}

impl Sink<'_> {
    fn new<'a>(
        engine: &'a Engine,
        foreign: &'a Foreign,
        policy: Option<&'a Policy>,
        counters: &'a Counters,
        findings: &'a Mutex<Vec<Finding>>,
        dropped: &'a AtomicU64,
    ) -> Sink<'a> {
        Sink {
            engine,
            foreign,
            policy,
            counters,
            findings,
            dropped,
            found: Vec::new(),
            model_containers: Vec::new(),
            git: None,
        }
    }

    /// The model check of a whole file or container.
    fn container(&mut self, path: &str, bytes: &[u8]) {
        let Some(p) = self.policy else {
            return;
        };
        let (is_model, f) = models::check_bytes(path, bytes, p);
        if is_model {
            let prefix = format!("{path}{}", archive::SEPARATOR);
            self.model_containers.push((prefix, f));
        } else {
            self.member_model(path, f);
        }
    }

    /// A model finding on a member (or a container that is not a model itself).
    fn member_model(&mut self, path: &str, f: Option<Finding>) {
        let Some(f) = f else {
            return;
        };
        if let Some(c) = self
            .model_containers
            .iter_mut()
            .rev()
            .find(|(prefix, _)| path.starts_with(prefix.as_str()))
        {
            c.1 = None;
        }
        self.found.push(f);
    }

    /// A member that is not a container: models and secrets.
    fn blob(&mut self, path: &str, bytes: &[u8]) {
        if let Some(p) = self.policy {
            let in_model = self
                .model_containers
                .iter()
                .any(|(prefix, _)| path.starts_with(prefix.as_str()));
            let is_data_pkl = path.rsplit(['/', archive::SEPARATOR]).next() == Some("data.pkl");
            if !(in_model && is_data_pkl) {
                let (_, f) = models::check_bytes(path, bytes, p);
                self.member_model(path, f);
            }
        }
        self.secrets(path, bytes);
    }

    fn secrets(&mut self, path: &str, bytes: &[u8]) {
        let out = self.engine.scan(bytes);
        if out.dropped > 0 {
            self.dropped
                .fetch_add(out.dropped as u64, Ordering::Relaxed);
        }
        let rules = self.engine.rules();
        let foreign = self.foreign;
        self.found.extend(
            out.matches
                .iter()
                .filter(|m| foreign.keeps(&rules[m.rule].spec.id, path, m, bytes))
                .map(|m| from_match(&rules[m.rule], m, path)),
        );
    }

    fn finish(mut self) {
        let containers = std::mem::take(&mut self.model_containers);
        self.found
            .extend(containers.into_iter().filter_map(|(_, f)| f));
        if self.found.is_empty() {
            return;
        }
        if let Some(g) = &self.git {
            for f in &mut self.found {
                f.git = Some(g.clone());
            }
        }
        self.counters
            .findings
            .fetch_add(self.found.len() as u64, Ordering::Relaxed);
        lock(self.findings).append(&mut self.found);
    }
}

/// A poisoned lock only means another worker panicked mid-push; the data is still usable.
pub(super) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
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
