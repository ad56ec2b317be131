//! Aggregate records into per-credential usage and raise flags.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use jiff::Timestamp;

use crate::correlate::Correlator;
use crate::detect::LogFormat;
use crate::record::{list_level, AuthKind, OpClass, Record};
use crate::report::{BadLine, ByAuth, CredentialReport, Flag, Report};

/// Tunables. Defaults: flag a SAS used from more than 3 IPs, keep 1000 distinct IPs / user
/// agents / operation names per credential, 100 000 credentials, 20 bad-line examples.
#[derive(Debug, Clone)]
pub struct AuditOptions {
    pub many_ips: usize,
    pub max_distinct: usize,
    pub max_credentials: usize,
    pub max_bad_examples: usize,
}

impl Default for AuditOptions {
    fn default() -> Self {
        AuditOptions {
            many_ips: 3,
            max_distinct: 1000,
            max_credentials: 100_000,
            max_bad_examples: 20,
        }
    }
}

/// Per-file statistics.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FileStat {
    pub path: String,
    pub format: LogFormat,
    pub compressed: bool,
    pub requests: u64,
    pub bad_lines: u64,
}

/// A set that stops growing at a cap and counts what it turned away.
#[derive(Debug, Default)]
pub struct BoundedSet {
    items: HashSet<String>,
    pub overflow: u64,
}

impl BoundedSet {
    pub fn insert(&mut self, v: &str, cap: usize) {
        if self.items.contains(v) {
            return;
        }
        if self.items.len() < cap {
            self.items.insert(v.to_string());
        } else {
            self.overflow += 1;
        }
    }
    pub fn len(&self) -> usize {
        self.items.len()
    }
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
    pub fn sorted(&self) -> Vec<String> {
        let mut v: Vec<String> = self.items.iter().cloned().collect();
        v.sort();
        v
    }
}

#[derive(Debug, Default)]
struct Cred {
    auth: Option<AuthKind>,
    account: Option<String>,
    sas_params: Option<String>,
    hash: Option<String>,
    first: Option<Timestamp>,
    last: Option<Timestamp>,
    requests: u64,
    ips: BoundedSet,
    uas: BoundedSet,
    ops: BTreeMap<String, u64>,
    ops_overflow: u64,
    reads: u64,
    writes: u64,
    deletes: u64,
    lists: u64,
    ok_writes: u64,
    ok_deletes: u64,
    ok_lists: u64,
    list_levels: BTreeSet<&'static str>,
    bytes_in: u64,
    bytes_out: u64,
    errors: u64,
}

/// Streams records in, produces a [`Report`].
#[derive(Debug)]
pub struct Auditor {
    opts: AuditOptions,
    requests: u64,
    bad_lines: u64,
    bad_examples: Vec<BadLine>,
    by_auth: ByAuth,
    creds: HashMap<String, Cred>,
    creds_overflow: u64,
    files: Vec<FileStat>,
    errors: Vec<String>,
    correlator: Option<Correlator>,
}

/// The credential a request used, as a stable id: `sas:<hash>` or `sas:<params>`,
/// `account_key:<hash>` (or `account_key:<account>` when the log has no hash),
/// `oauth:<principal|hash>`, `anonymous:<account>`, `other:<type>`.
pub fn credential_id(r: &Record) -> String {
    let account = r.account.as_deref().unwrap_or("?");
    match r.auth() {
        AuthKind::Sas => match (&r.hash, &r.sas_params) {
            (Some(h), _) => format!("sas:{h}"),
            (None, Some(p)) => format!("sas:{p}"),
            (None, None) => format!("sas:unknown@{account}"),
        },
        AuthKind::AccountKey => match &r.hash {
            Some(h) => format!("account_key:{h}"),
            None => format!("account_key:{account}"),
        },
        AuthKind::Oauth => match (&r.principal, &r.hash) {
            (Some(p), _) => format!("oauth:{p}"),
            (None, Some(h)) => format!("oauth:{h}"),
            _ => "oauth:unknown".to_string(),
        },
        AuthKind::Anonymous => format!("anonymous:{account}"),
        AuthKind::Other => format!("other:{}", r.auth_raw),
    }
}

impl Auditor {
    pub fn new(opts: AuditOptions, correlator: Option<Correlator>) -> Self {
        Auditor {
            opts,
            requests: 0,
            bad_lines: 0,
            bad_examples: Vec::new(),
            by_auth: ByAuth::default(),
            creds: HashMap::new(),
            creds_overflow: 0,
            files: Vec::new(),
            errors: Vec::new(),
            correlator,
        }
    }

    pub fn bad_line(&mut self, file: &str, line: u64, reason: &str) {
        self.bad_lines += 1;
        if self.bad_examples.len() < self.opts.max_bad_examples {
            self.bad_examples.push(BadLine {
                file: file.to_string(),
                line,
                reason: reason.to_string(),
            });
        }
    }

    pub fn file(&mut self, stat: FileStat) {
        self.files.push(stat);
    }

    /// A non-fatal error (an unreadable file inside a directory).
    pub fn error(&mut self, e: String) {
        self.errors.push(e);
    }

    pub fn record(&mut self, r: &Record) {
        self.requests += 1;
        let auth = r.auth();
        match auth {
            AuthKind::Sas => self.by_auth.sas += 1,
            AuthKind::AccountKey => self.by_auth.account_key += 1,
            AuthKind::Oauth => self.by_auth.oauth += 1,
            AuthKind::Anonymous => self.by_auth.anonymous += 1,
            AuthKind::Other => self.by_auth.other += 1,
        }
        let id = credential_id(r);
        if let Some(c) = self.correlator.as_mut() {
            c.observe(r, &id);
        }
        let cap = self.opts.max_distinct;
        let c = match self.creds.get_mut(&id) {
            Some(c) => c,
            None => {
                if self.creds.len() >= self.opts.max_credentials {
                    self.creds_overflow += 1;
                    return;
                }
                self.creds.entry(id).or_insert_with(|| Cred {
                    auth: Some(auth),
                    account: r.account.clone(),
                    sas_params: r.sas_params.clone(),
                    hash: r.hash.clone(),
                    ..Cred::default()
                })
            }
        };
        c.requests += 1;
        if let Some(t) = r.time {
            c.first = Some(c.first.map_or(t, |f| f.min(t)));
            c.last = Some(c.last.map_or(t, |l| l.max(t)));
        }
        if c.sas_params.is_none() {
            c.sas_params = r.sas_params.clone();
        }
        if let Some(ip) = &r.ip {
            c.ips.insert(ip, cap);
        }
        if let Some(ua) = &r.user_agent {
            c.uas.insert(ua, cap);
        }
        if let Some(n) = c.ops.get_mut(&r.operation) {
            *n += 1;
        } else if c.ops.len() < cap {
            c.ops.insert(r.operation.clone(), 1);
        } else {
            c.ops_overflow += 1;
        }
        let err = r.is_error();
        match r.class() {
            OpClass::Read => c.reads += 1,
            OpClass::Write => {
                c.writes += 1;
                c.ok_writes += u64::from(!err);
            }
            OpClass::Delete => {
                c.deletes += 1;
                c.ok_deletes += u64::from(!err);
            }
            OpClass::List => {
                c.lists += 1;
                c.ok_lists += u64::from(!err);
                c.list_levels.insert(list_level(&r.operation));
            }
        }
        c.bytes_in = c.bytes_in.saturating_add(r.bytes_in);
        c.bytes_out = c.bytes_out.saturating_add(r.bytes_out);
        c.errors += u64::from(err);
    }

    pub fn finish(self) -> Report {
        let mut flags = Vec::new();
        let mut creds: Vec<CredentialReport> = Vec::with_capacity(self.creds.len());
        for (id, c) in self.creds {
            let auth = c.auth.unwrap_or(AuthKind::Other);
            let mut mine: Vec<Flag> = Vec::new();
            let distinct_ips = c.ips.len() as u64 + c.ips.overflow;
            let mut raise = |reason: &str, detail: String| {
                mine.push(Flag {
                    reason: reason.to_string(),
                    id: id.clone(),
                    auth,
                    detail,
                });
            };
            match auth {
                AuthKind::Sas => {
                    if c.writes > 0 {
                        raise(
                            "sas_write",
                            format!(
                                "{} write requests through a SAS ({} succeeded)",
                                c.writes, c.ok_writes
                            ),
                        );
                    }
                    if c.deletes > 0 {
                        raise(
                            "sas_delete",
                            format!(
                                "{} delete requests through a SAS ({} succeeded)",
                                c.deletes, c.ok_deletes
                            ),
                        );
                    }
                    if c.lists > 0 {
                        let levels: Vec<&str> = c.list_levels.iter().copied().collect();
                        raise(
                            "sas_listing",
                            format!(
                                "{} listing requests through a SAS at {} level ({} succeeded)",
                                c.lists,
                                levels.join(" and "),
                                c.ok_lists
                            ),
                        );
                    }
                    if distinct_ips > self.opts.many_ips as u64 {
                        raise(
                            "sas_many_ips",
                            format!(
                                "used from {distinct_ips} distinct IP addresses (threshold {})",
                                self.opts.many_ips
                            ),
                        );
                    }
                }
                AuthKind::Anonymous => raise(
                    "anonymous_access",
                    format!("{} anonymous requests", c.requests),
                ),
                AuthKind::AccountKey if distinct_ips > 1 => raise(
                    "account_key_multiple_ips",
                    format!("account key used from {distinct_ips} distinct IP addresses"),
                ),
                _ => {}
            }
            let ops = c.ops.into_iter().collect();
            creds.push(CredentialReport {
                auth,
                flags: mine.iter().map(|f| f.reason.clone()).collect(),
                id,
                account: c.account,
                sas_params: c.sas_params,
                hash: c.hash,
                requests: c.requests,
                first_use: c.first.map(|t| t.to_string()),
                last_use: c.last.map(|t| t.to_string()),
                ips: c.ips.sorted(),
                ips_overflow: c.ips.overflow,
                user_agents: c.uas.sorted(),
                user_agents_overflow: c.uas.overflow,
                operations: ops,
                operations_overflow: c.ops_overflow,
                reads: c.reads,
                writes: c.writes,
                deletes: c.deletes,
                lists: c.lists,
                bytes: c.bytes_in.saturating_add(c.bytes_out),
                bytes_in: c.bytes_in,
                bytes_out: c.bytes_out,
                errors: c.errors,
                error_rate: if c.requests == 0 {
                    0.0
                } else {
                    c.errors as f64 / c.requests as f64
                },
            });
            flags.extend(mine);
        }
        creds.sort_by(|a, b| {
            a.auth
                .cmp(&b.auth)
                .then(b.requests.cmp(&a.requests))
                .then(a.id.cmp(&b.id))
        });
        flags.sort_by(|a, b| a.reason.cmp(&b.reason).then(a.id.cmp(&b.id)));
        Report {
            requests: self.requests,
            bad_lines: self.bad_lines,
            bad_line_examples: self.bad_examples,
            by_auth: self.by_auth,
            credentials: creds,
            credentials_overflow: self.creds_overflow,
            flags,
            leaks: self.correlator.map(|c| c.finish()).unwrap_or_default(),
            files: self.files,
            errors: self.errors,
        }
    }
}
