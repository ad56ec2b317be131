//! Runs the providers over a scan's findings: each distinct credential once, a few at a
//! time, reusing cached results, and copies each result onto every finding it covers.

use crate::cache::{Cache, Cached};
use crate::outcome::{redact_validation, Status};
use crate::pairs::{PairIndex, Partner};
use crate::provider::{Candidate, Ctx, Provider};
use crate::registry::{Endpoints, Registry};
use leakscope_core::{Finding, Validation};
use leakscope_http::Client;
use serde_json::Value;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Options {
    /// Checks running at once.
    pub concurrency: usize,
    /// Cached results younger than this are reused.
    pub max_age: Duration,
    /// Ignore cached results (still store new ones).
    pub fresh: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            concurrency: 4,
            max_age: Duration::from_secs(24 * 3600),
            fresh: false,
        }
    }
}

/// What a run did, for the summary line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Distinct credentials checked (or answered from the cache).
    pub secrets: usize,
    pub live: usize,
    pub rejected: usize,
    pub unknown: usize,
    pub error: usize,
    /// Of `secrets`, answered from the cache.
    pub cached: usize,
    /// Problems with the cache; the checks themselves went on.
    pub warnings: Vec<String>,
}

impl Report {
    /// `validated 12 secrets: 3 live, 7 rejected, 2 unknown`.
    pub fn summary_line(&self) -> String {
        let mut s = format!(
            "validated {} secret{}: {} live, {} rejected, {} unknown",
            self.secrets,
            if self.secrets == 1 { "" } else { "s" },
            self.live,
            self.rejected,
            self.unknown
        );
        if self.error > 0 {
            s.push_str(&format!(", {} error", self.error));
        }
        if self.cached > 0 {
            s.push_str(&format!(" ({} from the cache)", self.cached));
        }
        s
    }

    fn count(&mut self, status: Option<Status>) {
        match status {
            Some(Status::Live) => self.live += 1,
            Some(Status::Rejected) => self.rejected += 1,
            Some(Status::Unknown) => self.unknown += 1,
            Some(Status::Error) | None => self.error += 1,
        }
    }
}

pub struct Validator<'a> {
    registry: &'a Registry,
    client: &'a Client,
    endpoints: &'a Endpoints,
    options: Options,
}

/// One credential to check and the findings that share its result.
struct Unit {
    provider: Arc<dyn Provider>,
    key: String,
    /// The finding whose view (secret, partners) is checked.
    first: usize,
    partners: Vec<Partner>,
    members: Vec<usize>,
}

impl<'a> Validator<'a> {
    pub fn new(
        registry: &'a Registry,
        client: &'a Client,
        endpoints: &'a Endpoints,
        options: Options,
    ) -> Validator<'a> {
        Validator {
            registry,
            client,
            endpoints,
            options,
        }
    }

    /// Checks every finding a provider handles and sets its `validation`; others are left
    /// alone. `pairs` should come from all findings of the scan, before any filtering.
    pub fn run(
        &self,
        findings: &mut [Finding],
        pairs: &PairIndex,
        mut cache: Option<&mut dyn Cache>,
    ) -> Report {
        let units = self.units(findings, pairs);
        let mut report = Report {
            secrets: units.len(),
            ..Report::default()
        };
        let mut results: Vec<Option<Validation>> = vec![None; units.len()];
        if let (Some(cache), false) = (cache.as_deref_mut(), self.options.fresh) {
            let now = jiff::Timestamp::now();
            for (u, slot) in units.iter().zip(results.iter_mut()) {
                match cache.get(&u.key, u.provider.name()) {
                    Ok(Some(hit)) if fresh_enough(&hit, now, self.options.max_age) => {
                        let mut v = hit.validation;
                        v.extra.insert("cached".into(), Value::Bool(true));
                        *slot = Some(v);
                        report.cached += 1;
                    }
                    Ok(_) => {}
                    Err(e) => report.warnings.push(format!("validation cache: {e}")),
                }
            }
        }
        let pending: Vec<usize> = (0..units.len()).filter(|&i| results[i].is_none()).collect();
        let fresh = self.check_all(findings, &units, &pending);
        for (i, v) in pending.into_iter().zip(fresh) {
            if let Some(cache) = cache.as_deref_mut() {
                let store = matches!(Status::of(&v), Some(Status::Live | Status::Rejected));
                if store {
                    let entry = Cached {
                        checked_at: checked_at(&v).unwrap_or_else(jiff::Timestamp::now),
                        validation: v.clone(),
                    };
                    if let Err(e) = cache.put(&units[i].key, units[i].provider.name(), &entry) {
                        report.warnings.push(format!("validation cache: {e}"));
                    }
                }
            }
            results[i] = Some(v);
        }
        for (u, v) in units.iter().zip(results) {
            let Some(v) = v else { continue };
            report.count(Status::of(&v));
            for &m in &u.members {
                if let Some(f) = findings.get_mut(m) {
                    f.validation = Some(v.clone());
                }
            }
        }
        report
    }

    /// Groups findings into units: same provider and same key (a secret's fingerprint, or
    /// the pair it belongs to), in the order they were found.
    fn units(&self, findings: &[Finding], pairs: &PairIndex) -> Vec<Unit> {
        let mut units: Vec<Unit> = Vec::new();
        let mut index: std::collections::HashMap<(&'static str, String), usize> =
            std::collections::HashMap::new();
        for (i, f) in findings.iter().enumerate() {
            let Some(provider) = self.registry.for_kind(&f.kind) else {
                continue;
            };
            if f.secret.is_none() {
                continue;
            }
            let partners = pairs.partners(&f.fingerprint);
            let key = provider.key(&Candidate {
                finding: f,
                partners: &partners,
            });
            match index.get(&(provider.name(), key.clone())) {
                Some(&u) => units[u].members.push(i),
                None => {
                    index.insert((provider.name(), key.clone()), units.len());
                    units.push(Unit {
                        provider: provider.clone(),
                        key,
                        first: i,
                        partners,
                        members: vec![i],
                    });
                }
            }
        }
        units
    }

    /// Runs the checks for `pending` units on up to `concurrency` threads.
    fn check_all(
        &self,
        findings: &[Finding],
        units: &[Unit],
        pending: &[usize],
    ) -> Vec<Validation> {
        let out: Vec<Mutex<Option<Validation>>> =
            pending.iter().map(|_| Mutex::new(None)).collect();
        let next = AtomicUsize::new(0);
        let workers = self
            .options
            .concurrency
            .clamp(1, 64)
            .min(pending.len().max(1));
        std::thread::scope(|s| {
            for _ in 0..workers {
                s.spawn(|| loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&u) = pending.get(n) else { break };
                    let v = self.check(findings, &units[u]);
                    if let Some(slot) = out.get(n) {
                        *slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(v);
                    }
                });
            }
        });
        out.into_iter()
            .map(|m| {
                m.into_inner()
                    .unwrap_or_else(|p| p.into_inner())
                    .unwrap_or_else(|| crate::Outcome::error("check did not run").into())
            })
            .collect()
    }

    fn check(&self, findings: &[Finding], unit: &Unit) -> Validation {
        let p = unit.provider.as_ref();
        let Some(finding) = findings.get(unit.first) else {
            return crate::Outcome::error("finding out of range").into();
        };
        let c = Candidate {
            finding,
            partners: &unit.partners,
        };
        let ctx = Ctx::new(self.client, p, self.endpoints.get(p.name()));
        let mut v = p.validate(&c, &ctx);
        if Status::of(&v).is_none() {
            v.extra.insert(
                "reason".into(),
                Value::String(format!("invalid status `{}`", v.status)),
            );
            v.status = Status::Error.as_str().to_string();
        }
        if v.probed.is_empty() {
            v.probed = ctx.probed();
        }
        v.extra
            .insert("provider".into(), Value::String(p.name().into()));
        let now = jiff::Timestamp::from_second(jiff::Timestamp::now().as_second())
            .unwrap_or_else(|_| jiff::Timestamp::now());
        v.extra
            .insert("checked_at".into(), Value::String(now.to_string()));
        v.extra.insert("cached".into(), Value::Bool(false));
        redact_validation(&mut v, &p.secrets(&c));
        v
    }
}

fn checked_at(v: &Validation) -> Option<jiff::Timestamp> {
    v.extra.get("checked_at")?.as_str()?.parse().ok()
}

fn fresh_enough(hit: &Cached, now: jiff::Timestamp, max_age: Duration) -> bool {
    let age = now.duration_since(hit.checked_at);
    !age.is_negative() && age.unsigned_abs() <= max_age
}
