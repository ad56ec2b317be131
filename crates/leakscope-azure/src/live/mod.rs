//! Live validation of Azure Storage credentials (`scan --validate`): one read-only call to
//! tell `live` from `rejected`, then, on request, an access map of what the credential
//! reaches. Every request goes through `leakscope-http` (GET/HEAD only, host-pinned) to an
//! endpoint [`target`] accepted; see there for which hosts a credential may be sent to.

mod access;
mod probe;
mod target;

pub use access::{AccessMap, ContainerAccess, QueueAccess};

use leakscope_core::{Finding, Validation};
use leakscope_http::Client;
use serde_json::{Map, Value};

/// How far a probe may go.
#[derive(Debug, Clone)]
pub struct ProbeOptions {
    /// `--endpoint azure=URL`: where to send a credential that names no Azure endpoint
    /// (a bare key, a bare SAS query, a custom domain). For an emulator include the
    /// account: `http://127.0.0.1:10000/devstoreaccount1`.
    pub endpoint: Option<url::Url>,
    /// Also list what the credential reaches.
    pub access_map: bool,
    /// Requests this credential may cost, status probe included.
    pub max_requests: u64,
}

impl Default for ProbeOptions {
    fn default() -> ProbeOptions {
        ProbeOptions {
            endpoint: None,
            access_map: false,
            max_requests: 100,
        }
    }
}

/// Kinds [`validate`] knows how to probe.
pub const KINDS: &[&str] = &[
    "azure_sas",
    "azure_account_key",
    "azure_connection_string",
    "azure_storage_key",
];

/// Validates one Azure credential finding (kinds in [`KINDS`]) with its full secret
/// (`finding.secret`) and context (the SAS URL capture, the key's account). Never panics,
/// never sends anything but GET/HEAD, and never to a host outside the credential's own
/// Azure endpoint, a loopback emulator it names, or `opts.endpoint`.
pub fn validate(finding: &Finding, client: &Client, opts: &ProbeOptions) -> Validation {
    let Some(secret) = finding.secret.as_deref() else {
        return unknown("the full secret is not available to probe with".into());
    };
    let target = match target::resolve(finding, secret, opts) {
        Ok(t) => t,
        Err(reason) => return unknown(reason),
    };
    let ops = probe::plan(&target);
    let Some(op) = ops.first() else {
        return unknown(probe::nothing_to_call(&target));
    };
    let Some(ep) = target.endpoint(op.service()).cloned() else {
        return unknown(probe::nothing_to_call(&target));
    };
    let mut sc =
        crate::rest::StorageClient::new(client, target.auth.clone(), target.allowed.clone())
            .with_budget(opts.max_requests.max(1))
            .with_secret(secret);
    let outcome = probe::judge(op.run(&mut sc, &ep));
    let mut extra = Map::new();
    extra.insert("endpoint".into(), Value::String(ep.base.to_string()));
    let status = match outcome {
        probe::Outcome::Live { note, code, status } => {
            put(&mut extra, "reason", note);
            put(&mut extra, "error_code", code);
            put(&mut extra, "http_status", status);
            if opts.access_map {
                let m = access::map(&mut sc, &target);
                extra.insert(
                    "access".into(),
                    serde_json::to_value(&m).unwrap_or(Value::Null),
                );
            }
            "live"
        }
        probe::Outcome::Rejected { code, status } => {
            put(&mut extra, "error_code", code);
            put(&mut extra, "http_status", Some(status));
            "rejected"
        }
        probe::Outcome::Unknown {
            reason,
            code,
            status,
        } => {
            put(&mut extra, "reason", Some(reason));
            put(&mut extra, "error_code", code);
            put(&mut extra, "http_status", status);
            "unknown"
        }
        probe::Outcome::Error(message) => {
            put(&mut extra, "error", Some(sc.redact(&message)));
            "error"
        }
    };
    Validation {
        status: status.into(),
        probed: sc.take_probed(),
        extra,
    }
}

fn put<T: Into<Value>>(m: &mut Map<String, Value>, k: &str, v: Option<T>) {
    if let Some(v) = v {
        m.insert(k.into(), v.into());
    }
}

fn unknown(reason: String) -> Validation {
    let mut extra = Map::new();
    extra.insert("reason".into(), Value::String(reason));
    Validation {
        status: "unknown".into(),
        probed: Vec::new(),
        extra,
    }
}
