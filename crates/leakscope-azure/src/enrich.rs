//! Scan integration: attach analyses to findings, rate them, verify SAS signatures with keys
//! found in the same scan, and link each SAS to the key finding that signed it.

use crate::explain::{self, Explanation};
use crate::{analysis, connstr, keys, sas, signature};
use leakscope_core::{Finding, Severity};

/// Clock and extra keys for enrichment.
#[derive(Debug, Clone)]
pub struct EnrichContext {
    pub now: jiff::Timestamp,
    /// `(account name, base64 key)` pairs, e.g. from `--account-key`.
    pub account_keys: Vec<(String, String)>,
}

/// Finding kinds this module enriches.
pub const KINDS: &[&str] = &[
    "azure_sas",
    "azure_account_key",
    "azure_connection_string",
    "aws_s3_presigned_url",
    "gcs_signed_url",
    "azure_service_bus_sas",
];

/// A key known to the scan: account (if known), key, and the finding it came from.
struct KnownKey {
    account: Option<String>,
    key: String,
    fingerprint: Option<String>,
    /// Service Bus / Event Hubs policy key (`account` is then the key name).
    service_bus: bool,
}

fn collect_keys(findings: &[Finding], ctx: &EnrichContext) -> Vec<KnownKey> {
    let mut out: Vec<KnownKey> = ctx
        .account_keys
        .iter()
        .map(|(a, k)| KnownKey {
            account: Some(a.clone()),
            key: k.clone(),
            fingerprint: None,
            service_bus: false,
        })
        .collect();
    for f in findings {
        let Some(secret) = f.secret.as_deref() else {
            continue;
        };
        match f.kind.as_str() {
            "azure_connection_string" => {
                if let Some(cs) = connstr::parse(secret) {
                    if let (Some(a), Some(k)) = (cs.get("AccountName"), cs.get("AccountKey")) {
                        out.push(KnownKey {
                            account: Some(a.to_string()),
                            key: k.to_string(),
                            fingerprint: Some(f.fingerprint.clone()),
                            service_bus: false,
                        });
                    }
                    if let (Some(n), Some(k)) =
                        (cs.get("SharedAccessKeyName"), cs.get("SharedAccessKey"))
                    {
                        out.push(KnownKey {
                            account: Some(n.to_string()),
                            key: k.to_string(),
                            fingerprint: Some(f.fingerprint.clone()),
                            service_bus: true,
                        });
                    }
                }
            }
            "azure_account_key" if keys::classify(secret).is_some() => out.push(KnownKey {
                account: f.captures.get("account").cloned(),
                key: secret.trim().to_string(),
                fingerprint: Some(f.fingerprint.clone()),
                service_bus: false,
            }),
            _ => {}
        }
    }
    out
}

/// Enriches Azure (and other signed-URL) findings in place. Never panics.
pub fn enrich_findings(findings: &mut [Finding], ctx: &EnrichContext) {
    let known = collect_keys(findings, ctx);
    for f in findings.iter_mut() {
        if !KINDS.contains(&f.kind.as_str()) {
            continue;
        }
        let Some(secret) = f.secret.clone() else {
            continue;
        };
        match f.kind.as_str() {
            "azure_sas" => enrich_sas(f, &secret, &known, ctx),
            "azure_account_key" => {
                let account = f.captures.get("account").cloned();
                match explain::explain_key(&secret, account.as_deref()) {
                    Some(k) => {
                        f.severity = k.severity;
                        f.analysis = Some(Explanation::AccountKey(k).to_json());
                    }
                    None => not_credential(f, "not base64 of a 64-byte key"),
                }
            }
            _ => {
                // Service Bus tokens are checked against policy keys, the rest against
                // storage keys (a connection string's embedded SAS).
                let sb = f.kind == "azure_service_bus_sas";
                let chosen: Vec<&KnownKey> = known.iter().filter(|k| k.service_bus == sb).collect();
                let pairs: Vec<(String, String)> = chosen
                    .iter()
                    .filter_map(|k| Some((k.account.clone()?, k.key.clone())))
                    .collect();
                let owners: Vec<Option<String>> = chosen
                    .iter()
                    .filter(|k| k.account.is_some())
                    .map(|k| k.fingerprint.clone())
                    .collect();
                match explain::explain(&secret, ctx.now, &pairs) {
                    Ok(Explanation::SignedUrl(mut a)) => {
                        a.signed_by_fingerprint =
                            a.signed_by.and_then(|i| owners.get(i).cloned().flatten());
                        let e = Explanation::SignedUrl(a);
                        f.severity = e.severity();
                        f.analysis = Some(e.to_json());
                    }
                    Ok(e) => {
                        f.severity = e.severity();
                        f.analysis = Some(e.to_json());
                    }
                    Err(e) => not_credential(f, &e.0),
                }
            }
        }
    }
}

fn not_credential(f: &mut Finding, why: &str) {
    f.severity = Severity::Info;
    f.analysis = Some(serde_json::json!({ "credential": false, "error": why }));
}

fn enrich_sas(f: &mut Finding, secret: &str, known: &[KnownKey], ctx: &EnrichContext) {
    let url = f.captures.get("url").map(String::as_str);
    let token = match sas::parse_with_url(secret, url) {
        Ok(t) => t,
        Err(e) => return not_credential(f, &e.to_string()),
    };
    // Keep the pairing with `known` so the signer can be named.
    let fallback = token.account().map(str::to_string);
    let mut pairs = Vec::new();
    let mut owners = Vec::new();
    for k in known.iter().filter(|k| !k.service_bus) {
        if let Some(a) = k.account.as_deref().or(fallback.as_deref()) {
            pairs.push((a.to_string(), k.key.clone()));
            owners.push(k.fingerprint.clone());
        }
    }
    let (status, idx) = signature::verify_any(&token, &pairs);
    let mut a = analysis::analyze(&token, ctx.now, status);
    if let Some(i) = idx {
        a.signed_by_fingerprint = owners.get(i).cloned().flatten();
    }
    f.severity = a.risk.severity();
    let mut v = serde_json::to_value(&a).unwrap_or(serde_json::Value::Null);
    if let (Some(obj), Some(i)) = (v.as_object_mut(), idx) {
        if owners.get(i).is_some_and(|o| o.is_none()) {
            obj.insert("signed_by_account_key".into(), pairs[i].0.clone().into());
        }
    }
    f.analysis = Some(v);
}
