//! Turning interpreted pickles into verdict entries under a policy.

use crate::input::RandomAccess;
use crate::pickle::interp::{CallSite, Run};
use crate::pickle::value::{render, Value};
use crate::pickle::{scan_stream, Limits, Stream};
use crate::policy::{Class, Policy};
use crate::verdict::{Builder, VerdictKind};

/// Analyse the pickles of `src` from `start` and add them to `b`.
/// `what` names the record for reasons (`data.pkl`, `pickle #2`, …).
pub fn judge_pickles(
    b: &mut Builder,
    src: &dyn RandomAccess,
    start: u64,
    policy: &Policy,
    what: &str,
    max_runs: usize,
) -> Stream {
    let limits = Limits::default();
    let stream = scan_stream(src, start, &limits, 0, max_runs);
    judge_stream(b, &stream, policy, what, &limits, 0);
    stream
}

pub fn judge_stream(
    b: &mut Builder,
    stream: &Stream,
    policy: &Policy,
    what: &str,
    limits: &Limits,
    depth: u8,
) {
    for (i, run) in stream.runs.iter().enumerate() {
        let label = if i == 0 {
            what.to_string()
        } else {
            format!("{what} (pickle #{} at byte {})", i + 1, run.start)
        };
        if i > 0 {
            b.note(format!(
                "{what}: {} pickles back to back; a loader calling load() again runs each",
                stream.runs.len()
            ));
        }
        judge_run(b, run, policy, &label, limits, depth);
    }
    if let Some((off, len)) = stream.trailing {
        b.note(format!(
            "{what}: {len} trailing bytes after STOP at byte {off}"
        ));
    }
}

fn judge_run(b: &mut Builder, run: &Run, policy: &Policy, label: &str, limits: &Limits, depth: u8) {
    b.pickles += 1;
    for imp in &run.imports {
        let path = format!("{}.{}", imp.module, imp.name);
        b.global(path.clone());
        match policy.classify(&imp.module, &imp.name) {
            (Class::Denied, why) => {
                b.denied(path.clone());
                let why = why.unwrap_or_default();
                b.flag(
                    VerdictKind::Malicious,
                    format!("{label}: imports {path} ({why})"),
                );
            }
            (Class::Unknown, _) => {
                b.unknown(path.clone());
                b.flag(
                    VerdictKind::Suspicious,
                    format!("{label}: imports {path}, which is not on the allowlist"),
                );
            }
            (Class::Allowed, _) => {}
        }
    }
    for d in &run.dynamic_imports {
        b.global(format!("<dynamic {d}>"));
        b.flag(
            VerdictKind::Malicious,
            format!("{label}: STACK_GLOBAL with a computed module/name ({d})"),
        );
    }
    for d in &run.unresolved_imports {
        b.global(format!("<unresolved {d}>"));
        b.flag(
            VerdictKind::Suspicious,
            format!("{label}: an import could not be resolved within the analysis budgets ({d})"),
        );
    }
    for code in &run.ext_codes {
        b.flag(
            VerdictKind::Suspicious,
            format!("{label}: EXT opcode imports extension-registry code {code}, resolved only at load time"),
        );
    }
    for site in &run.calls {
        judge_call(b, site, policy, label);
    }
    if run.values_exhausted {
        b.note(format!(
            "{label}: very large pickle; call arguments past the value budget are not shown"
        ));
    }
    if let Some(err) = &run.error {
        match err {
            crate::error::PickleError::Limit(what) => b.flag(
                VerdictKind::Suspicious,
                format!("{label}: analysis stopped at the {what} limit; the rest is unchecked"),
            ),
            e => b.flag(
                VerdictKind::Malformed,
                format!(
                    "{label}: pickle does not complete ({e}); everything before it would still run"
                ),
            ),
        }
    }
    for inline in &run.inline_runs {
        b.note(format!(
            "{label}: inline object-array pickle at byte {}",
            inline.start
        ));
        judge_run(b, inline, policy, label, limits, depth + 1);
    }
    for (off, bytes) in &run.nested {
        if depth >= limits.max_nesting {
            break;
        }
        if let Value::Bytes { data, .. } = &**bytes {
            let sub = scan_stream(data, 0, limits, depth + 1, 1);
            let Some(first) = sub.runs.first() else {
                continue;
            };
            if first.stopped && (!first.imports.is_empty() || !first.calls.is_empty()) {
                let nl = format!("{label}: nested pickle in bytes at byte {off}");
                b.note(format!(
                    "{nl}: analysed as a pickle (loaders such as pickle.loads or torch's _load_from_bytes run it)"
                ));
                judge_stream(b, &sub, policy, &nl, limits, depth + 1);
            }
        }
    }
}

/// Report a call unless its callable is allowlisted.
fn judge_call(b: &mut Builder, site: &CallSite, policy: &Policy, label: &str) {
    let (func, is_build) = match &*site.call {
        Value::Call { func, .. } => (func.clone(), false),
        Value::Built { obj, .. } => (obj.clone(), true),
        _ => return,
    };
    let class = match &*func {
        Value::Global { module, name } => Some(policy.classify(module, name).0),
        _ => None,
    };
    if class == Some(Class::Allowed) && !is_build {
        return;
    }
    let text = render(&site.call);
    b.call(text.clone());
    match class {
        Some(Class::Denied) => b.flag(
            VerdictKind::Malicious,
            format!("{label}: would call {}", short(&text)),
        ),
        Some(_) if is_build => b.flag(
            VerdictKind::Suspicious,
            format!(
                "{label}: BUILD sets state on a class or function ({}), i.e. monkey-patches it",
                short(&text)
            ),
        ),
        Some(_) => {}
        None => {
            if !matches!(&*func, Value::Unknown) {
                b.flag(
                    VerdictKind::Suspicious,
                    format!("{label}: calls a computed callable: {}", short(&text)),
                );
            }
        }
    }
}

fn short(s: &str) -> String {
    if s.chars().count() > 200 {
        let mut t: String = s.chars().take(200).collect();
        t.push('…');
        t
    } else {
        s.to_string()
    }
}
