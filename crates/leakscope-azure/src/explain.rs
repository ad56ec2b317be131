//! One credential in, one explanation out: recognises a SAS, account key, connection string
//! or another cloud's signed URL and produces the analysis the CLI prints and scans attach.

use crate::analysis::{self, SasAnalysis};
use crate::connstr::{self, ConnKind, ConnectionString};
use crate::error::SasError;
use crate::keys::{self, KeyKind};
use crate::other::{self, SignedUrlAnalysis};
use crate::sas::{self, SasToken};
use crate::signature;
use jiff::Timestamp;
use leakscope_core::Severity;
use serde::Serialize;

/// What a string turned out to be.
#[derive(Debug, Clone)]
pub enum Explanation {
    Sas {
        analysis: Box<SasAnalysis>,
        token: Box<SasToken>,
        /// Index into the keys offered that verified the signature.
        signed_by: Option<usize>,
    },
    AccountKey(KeyAnalysis),
    ConnectionString(ConnAnalysis),
    SignedUrl(SignedUrlAnalysis),
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct KeyAnalysis {
    pub kind: &'static str,
    pub account: Option<String>,
    pub severity: Severity,
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ConnAnalysis {
    pub kind: &'static str,
    pub account: Option<String>,
    /// Field names and values; secret values shortened to their first four characters.
    pub fields: Vec<(String, String)>,
    pub endpoints: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_kind: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sas: Option<Box<SasAnalysis>>,
    pub severity: Severity,
    pub reasons: Vec<String>,
}

/// Not a recognisable credential, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a recognisable credential: {0}")]
pub struct NotRecognised(pub String);

impl Explanation {
    /// The finding kind this corresponds to (DESIGN.md §3).
    pub fn finding_kind(&self) -> &'static str {
        match self {
            Explanation::Sas { .. } => "azure_sas",
            Explanation::AccountKey(_) => "azure_account_key",
            Explanation::ConnectionString(_) => "azure_connection_string",
            Explanation::SignedUrl(a) => match a.kind {
                "aws_s3_presigned" => "aws_s3_presigned_url",
                "service_bus_sas" => "azure_service_bus_sas",
                _ => "gcs_signed_url",
            },
        }
    }

    pub fn severity(&self) -> Severity {
        match self {
            Explanation::Sas { analysis, .. } => analysis.risk.severity(),
            Explanation::AccountKey(k) => k.severity,
            Explanation::ConnectionString(c) => c.severity,
            Explanation::SignedUrl(s) => s.risk.severity(),
        }
    }

    /// The analysis object: for a SAS exactly DESIGN.md §4's, plus `type`.
    pub fn to_json(&self) -> serde_json::Value {
        let (ty, v) = match self {
            Explanation::Sas { analysis, .. } => ("azure_sas", serde_json::to_value(analysis)),
            Explanation::AccountKey(k) => ("azure_account_key", serde_json::to_value(k)),
            Explanation::ConnectionString(c) => {
                ("azure_connection_string", serde_json::to_value(c))
            }
            Explanation::SignedUrl(s) => (self.finding_kind(), serde_json::to_value(s)),
        };
        let mut v = v.unwrap_or(serde_json::Value::Null);
        if let Some(obj) = v.as_object_mut() {
            obj.insert("type".into(), ty.into());
        }
        v
    }
}

fn shorten(v: &str) -> String {
    let head: String = v.chars().take(4).collect();
    format!("{head}…")
}

const SECRET_FIELDS: &[&str] = &[
    "accountkey",
    "sharedaccesskey",
    "secret",
    "sharedaccesssignature",
];

/// Explains a storage account key on its own.
pub fn explain_key(key: &str, account: Option<&str>) -> Option<KeyAnalysis> {
    let kind = keys::classify(key)?;
    let mut reasons = Vec::new();
    let severity = match kind {
        KeyKind::Development => {
            reasons.push(
                "the published Azurite / storage emulator development key: public, not a leak"
                    .into(),
            );
            Severity::Info
        }
        _ => {
            if kind == KeyKind::Identifiable {
                reasons.push(
                    "identifiable storage key: `+ASt` marker and Marvin32 checksum verified".into(),
                );
            }
            reasons.push("account-wide: full control of every service (blob, file, queue, table) and every permission".into());
            reasons.push("no expiry: valid until the key is rotated".into());
            reasons.push("signs any SAS its holder wants, for any lifetime".into());
            reasons.push("only rotating the key revokes it (and every SAS signed with it)".into());
            Severity::Critical
        }
    };
    Some(KeyAnalysis {
        kind: kind.name(),
        account: account.map(str::to_string),
        severity,
        reasons,
    })
}

fn explain_conn(cs: &ConnectionString, now: Timestamp, keys: &[(String, String)]) -> ConnAnalysis {
    let kind = cs.kind().unwrap_or(ConnKind::Storage);
    let account = cs.get("AccountName").map(str::to_string);
    let fields = cs
        .fields
        .iter()
        .map(|(k, v)| {
            let secret = SECRET_FIELDS.contains(&k.to_ascii_lowercase().as_str());
            (k.clone(), if secret { shorten(v) } else { v.clone() })
        })
        .collect();
    let mut reasons = Vec::new();
    let mut severity = Severity::High;
    let mut key_kind = None;
    let mut sas = None;
    let mut endpoints = Vec::new();
    match kind {
        ConnKind::StorageDevelopment => {
            severity = Severity::Info;
            reasons.push(
                "points at the local storage emulator (Azurite) with its published key: not a leak"
                    .into(),
            );
        }
        ConnKind::Storage => {
            for s in ["blob", "file", "queue", "table"] {
                if let Some(e) = cs.endpoint(s) {
                    endpoints.push(e);
                }
            }
            if let Some(k) = cs.get("AccountKey") {
                if let Some(ka) = explain_key(k, account.as_deref()) {
                    key_kind = keys::classify(k).map(KeyKind::name);
                    severity = ka.severity;
                    reasons.extend(ka.reasons);
                } else {
                    reasons.push(
                        "`AccountKey` is not base64 of 64 bytes: probably a placeholder".into(),
                    );
                    severity = Severity::Low;
                }
            } else if let Some(s) = cs.get("SharedAccessSignature") {
                let base = cs.endpoint("blob");
                match sas::parse_with_url(s, base.as_deref()) {
                    Ok(t) => {
                        let (status, _) = signature::verify_any(&t, keys);
                        let a = analysis::analyze(&t, now, status);
                        severity = a.risk.severity();
                        reasons.extend(a.reasons.iter().cloned());
                        sas = Some(Box::new(a));
                    }
                    Err(e) => {
                        severity = Severity::Info;
                        reasons.push(format!("`SharedAccessSignature` is not a usable SAS: {e}"));
                    }
                }
            }
        }
        ConnKind::ServiceBus => {
            let name = cs.get("SharedAccessKeyName").unwrap_or("");
            let entity = cs.get("EntityPath");
            reasons.push(match entity {
                Some(e) => format!(
                    "entity-wide: `{e}` in `{}`",
                    cs.get("Endpoint").unwrap_or("")
                ),
                None => format!("namespace-wide: `{}`", cs.get("Endpoint").unwrap_or("")),
            });
            if name.to_ascii_lowercase().contains("manage") || name.starts_with("Root") {
                severity = Severity::Critical;
                reasons.push(format!(
                    "key `{name}` looks like a Manage policy: send, listen and manage entities"
                ));
            } else {
                reasons.push(format!(
                    "key `{name}`: signs tokens with that policy's rights"
                ));
            }
            reasons.push("no expiry: valid until the key is regenerated".into());
        }
        ConnKind::AppConfiguration => {
            reasons.push(format!("App Configuration store `{}`: reads (and for read-write keys, changes) every setting, which often holds further secrets", cs.get("Endpoint").unwrap_or("")));
            reasons.push("no expiry: valid until the access key is regenerated".into());
        }
        ConnKind::Cosmos => {
            severity = Severity::Critical;
            reasons.push(format!(
                "Cosmos DB account `{}`: a primary key has full control of every database",
                cs.get("AccountEndpoint").unwrap_or("")
            ));
            reasons.push("no expiry: valid until the key is regenerated".into());
        }
    }
    ConnAnalysis {
        kind: kind.name(),
        account,
        fields,
        endpoints,
        key_kind,
        sas,
        severity,
        reasons,
    }
}

fn looks_like_conn(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    s.contains(';')
        && [
            "accountname=",
            "accountkey=",
            "sharedaccesssignature=",
            "usedevelopmentstorage=",
            "endpoint=",
            "accountendpoint=",
        ]
        .iter()
        .any(|k| l.contains(k))
}

/// Explains one token, URL, key or connection string. `keys` are `(account, base64 key)`
/// pairs used to verify SAS signatures offline.
pub fn explain(
    input: &str,
    now: Timestamp,
    keys: &[(String, String)],
) -> Result<Explanation, NotRecognised> {
    let text = input.trim();
    if text.is_empty() {
        return Err(NotRecognised("empty input".into()));
    }
    if text.len() > sas::MAX_INPUT {
        return Err(NotRecognised(format!(
            "input longer than {} bytes",
            sas::MAX_INPUT
        )));
    }
    if text.contains("SharedAccessSignature sr=") || text.contains("SharedAccessSignature%20sr=") {
        let t = text.replace("SharedAccessSignature%20", "SharedAccessSignature ");
        if let Some(a) = other::parse_service_bus(&t, now, keys) {
            return Ok(Explanation::SignedUrl(a));
        }
    }
    if text.contains("X-Amz-Signature") || text.contains("X-Amz-Credential") {
        return other::parse_aws(text, now)
            .map(Explanation::SignedUrl)
            .ok_or_else(|| {
                NotRecognised(
                    "AWS presigned URL without X-Amz-Credential or X-Amz-Signature".into(),
                )
            });
    }
    if text.contains("X-Goog-Signature") || text.contains("GoogleAccessId=") {
        return other::parse_gcs(text, now)
            .map(Explanation::SignedUrl)
            .ok_or_else(|| {
                NotRecognised("GCS signed URL without its credential or signature".into())
            });
    }
    if looks_like_conn(text) {
        if let Some(cs) = connstr::parse(text) {
            return Ok(Explanation::ConnectionString(explain_conn(&cs, now, keys)));
        }
    }
    if !text.contains('=') || (text.len() == 88 && text.ends_with("==") && !text.contains('&')) {
        if let Some(k) = explain_key(text, None) {
            return Ok(Explanation::AccountKey(k));
        }
    }
    match sas::parse(text) {
        Ok(t) => {
            let (status, signed_by) = signature::verify_any(&t, keys);
            let analysis = analysis::analyze(&t, now, status);
            Ok(Explanation::Sas {
                analysis: Box::new(analysis),
                token: Box::new(t),
                signed_by,
            })
        }
        Err(SasError::MissingSignature | SasError::Empty) => Err(NotRecognised(
            "not a SAS (no `sig`), account key, connection string or signed URL".into(),
        )),
        Err(e) => Err(NotRecognised(e.to_string())),
    }
}
