//! Match leaked credentials (from `leakscope scan --format jsonl --show-secrets`) against
//! the requests in the logs.
//!
//! * An account key (`azure_account_key`, or `AccountKey=` in an `azure_connection_string`)
//!   is identified by the SHA-256 of its base64-decoded bytes — what Azure logs as
//!   `key1(HEX)` in `AuthenticationHash` / `identity.tokenHash`. Hex (either case) and
//!   base64 digests in the logs both match. A SAS request whose hash names the key
//!   (`key1(HEX),SasSignature(…)`) counts as use of the key through a SAS it signed.
//! * A SAS (`azure_sas`, or `SharedAccessSignature=`) matches a request whose SAS
//!   parameters, without `sig`, are the same; or whose logged `SasSignature(…)` is the
//!   SHA-256 of its signature (as the base64 text or as the decoded bytes).

use std::collections::{BTreeSet, HashMap};
use std::io::BufRead;

use base64::Engine;
use jiff::Timestamp;
use serde::Serialize;
use serde_json::Value;

use crate::record::{canonical_sas, hash_values, query_of, sas_sig, sha256_hex, AuthKind, Record};
use crate::Error;

/// Most credential ids listed per leak.
const MAX_IDS: usize = 20;

/// Per-finding verdict (`leaks` in the JSON report).
#[derive(Debug, Clone, Serialize)]
pub struct LeakReport {
    pub kind: String,
    pub path: String,
    pub line: u64,
    pub fingerprint: String,
    pub secret_redacted: String,
    /// `null` when the finding carried no secret (scan run without `--show-secrets`).
    pub used: Option<bool>,
    pub requests: u64,
    pub first_use: Option<String>,
    pub last_use: Option<String>,
    /// When the secret leaked: the finding's git `first_seen`/`date`, else `--leaked-at`.
    pub leaked_at: Option<String>,
    pub requests_after_leak: u64,
    pub first_use_after_leak: Option<String>,
    pub last_use_after_leak: Option<String>,
    /// How requests were matched: `key_hash`, `key_hash_in_sas`, `sas_params`,
    /// `sas_signature_hash`.
    pub matched_by: Vec<String>,
    /// Credential ids (as in `credentials`) that matched, at most 20.
    pub credentials: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug)]
struct Leak {
    kind: String,
    path: String,
    line: u64,
    fingerprint: String,
    secret_redacted: String,
    usable: bool,
    is_key: bool,
    leaked_at: Option<Timestamp>,
    requests: u64,
    first: Option<Timestamp>,
    last: Option<Timestamp>,
    after: u64,
    first_after: Option<Timestamp>,
    last_after: Option<Timestamp>,
    matched_by: BTreeSet<&'static str>,
    ids: BTreeSet<String>,
}

/// Leaked credentials and their indexes.
#[derive(Debug, Default)]
pub struct Correlator {
    leaks: Vec<Leak>,
    by_hash: HashMap<String, Vec<usize>>,
    by_params: HashMap<String, Vec<usize>>,
}

/// SHA-256 (upper-case hex) of a base64 account key's decoded bytes.
pub fn account_key_hash(key: &str) -> Option<String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(key.trim())
        .ok()?;
    (!bytes.is_empty()).then(|| sha256_hex(&bytes))
}

fn str_field<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k).and_then(Value::as_str)
}

impl Correlator {
    /// Read findings (one JSON object per line). Kinds other than the Azure storage ones
    /// are ignored. `default_leak` dates findings that have no git date.
    pub fn from_jsonl(r: impl BufRead, default_leak: Option<Timestamp>) -> Result<Self, Error> {
        let mut c = Correlator::default();
        for (i, line) in r.lines().enumerate() {
            let n = i as u64 + 1;
            let line = line.map_err(|e| Error::Findings {
                line: n,
                message: e.to_string(),
            })?;
            if line.trim().is_empty() {
                continue;
            }
            let v: Value = serde_json::from_str(&line).map_err(|e| Error::Findings {
                line: n,
                message: format!("not a JSON finding: {e}"),
            })?;
            c.add_finding(&v, default_leak);
        }
        Ok(c)
    }

    /// Add one finding object.
    pub fn add_finding(&mut self, v: &Value, default_leak: Option<Timestamp>) {
        let kind = str_field(v, "kind").unwrap_or("");
        if !matches!(
            kind,
            "azure_account_key" | "azure_connection_string" | "azure_sas"
        ) {
            return;
        }
        let git_date = v.get("git").and_then(|g| {
            str_field(g, "first_seen")
                .and_then(crate::record::parse_time)
                .or_else(|| str_field(g, "date").and_then(crate::record::parse_time))
        });
        let secret = str_field(v, "secret");
        let mut key: Option<String> = None;
        let mut sas: Option<String> = None;
        if let Some(s) = secret {
            match kind {
                "azure_account_key" => key = Some(s.to_string()),
                "azure_sas" => sas = Some(s.to_string()),
                _ => {
                    for part in s.split(';') {
                        if let Some((k, val)) = part.split_once('=') {
                            match k.trim().to_ascii_lowercase().as_str() {
                                "accountkey" => key = Some(val.trim().to_string()),
                                "sharedaccesssignature" => sas = Some(val.trim().to_string()),
                                _ => {}
                            }
                        }
                    }
                }
            }
        }
        let idx = self.leaks.len();
        let key_hash = key.as_deref().and_then(account_key_hash);
        let mut usable = false;
        if let Some(h) = &key_hash {
            self.by_hash.entry(h.clone()).or_default().push(idx);
            usable = true;
        }
        if let Some(s) = &sas {
            let q = query_of(s);
            if let Some(p) = canonical_sas(q) {
                self.by_params.entry(p).or_default().push(idx);
                usable = true;
            }
            if let Some(sig) = sas_sig(q) {
                let mut hs = vec![sha256_hex(sig.as_bytes())];
                if let Ok(b) = base64::engine::general_purpose::STANDARD.decode(&sig) {
                    hs.push(sha256_hex(&b));
                }
                for h in hs {
                    self.by_hash.entry(h).or_default().push(idx);
                }
            }
        }
        self.leaks.push(Leak {
            kind: kind.to_string(),
            path: str_field(v, "path").unwrap_or("").to_string(),
            line: v.get("line").and_then(Value::as_u64).unwrap_or(0),
            fingerprint: str_field(v, "fingerprint").unwrap_or("").to_string(),
            secret_redacted: str_field(v, "secret_redacted").unwrap_or("").to_string(),
            usable,
            is_key: key_hash.is_some(),
            leaked_at: git_date.or(default_leak),
            requests: 0,
            first: None,
            last: None,
            after: 0,
            first_after: None,
            last_after: None,
            matched_by: BTreeSet::new(),
            ids: BTreeSet::new(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.leaks.is_empty()
    }

    /// Match one request.
    pub fn observe(&mut self, r: &Record, cred_id: &str) {
        let mut hits: Vec<(usize, &'static str)> = Vec::new();
        if let Some(h) = &r.hash {
            for hv in hash_values(h) {
                if let Some(ix) = self.by_hash.get(&hv) {
                    for &i in ix {
                        let how = if self.leaks[i].is_key {
                            if r.auth() == AuthKind::Sas {
                                "key_hash_in_sas"
                            } else {
                                "key_hash"
                            }
                        } else {
                            "sas_signature_hash"
                        };
                        hits.push((i, how));
                    }
                }
            }
        }
        if let Some(p) = &r.sas_params {
            if let Some(ix) = self.by_params.get(p) {
                hits.extend(ix.iter().map(|&i| (i, "sas_params")));
            }
        }
        if hits.is_empty() {
            return;
        }
        hits.sort();
        let mut last = usize::MAX;
        for (i, how) in hits {
            let l = &mut self.leaks[i];
            l.matched_by.insert(how);
            if i == last {
                continue;
            }
            last = i;
            l.requests += 1;
            if l.ids.len() < MAX_IDS {
                l.ids.insert(cred_id.to_string());
            }
            if let Some(t) = r.time {
                l.first = Some(l.first.map_or(t, |f| f.min(t)));
                l.last = Some(l.last.map_or(t, |x| x.max(t)));
                if l.leaked_at.is_some_and(|d| t >= d) {
                    l.after += 1;
                    l.first_after = Some(l.first_after.map_or(t, |f| f.min(t)));
                    l.last_after = Some(l.last_after.map_or(t, |x| x.max(t)));
                }
            }
        }
    }

    pub fn finish(self) -> Vec<LeakReport> {
        let ts = |t: Option<Timestamp>| t.map(|t| t.to_string());
        self.leaks
            .into_iter()
            .map(|l| LeakReport {
                used: l.usable.then_some(l.requests > 0),
                note: (!l.usable)
                    .then(|| "no usable secret: run the scan with --show-secrets".to_string()),
                kind: l.kind,
                path: l.path,
                line: l.line,
                fingerprint: l.fingerprint,
                secret_redacted: l.secret_redacted,
                requests: l.requests,
                first_use: ts(l.first),
                last_use: ts(l.last),
                leaked_at: ts(l.leaked_at),
                requests_after_leak: l.after,
                first_use_after_leak: ts(l.first_after),
                last_use_after_leak: ts(l.last_after),
                matched_by: l.matched_by.iter().map(|s| s.to_string()).collect(),
                credentials: l.ids.into_iter().collect(),
            })
            .collect()
    }
}
