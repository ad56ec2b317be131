//! The DESIGN.md §4 analysis object for a SAS.

use crate::risk::{self, Risk, SignatureStatus};
use crate::sas::{SasKind, SasToken};
use crate::time::rfc3339;
use jiff::Timestamp;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Target {
    pub service: Option<String>,
    pub container: Option<String>,
    pub path: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct UserDelegation {
    pub object_id: Option<String>,
    pub tenant_id: Option<String>,
    pub key_start: Option<String>,
    pub key_expiry: Option<String>,
    pub key_service: Option<String>,
    pub key_version: Option<String>,
    pub authorized_object_id: Option<String>,
    pub unauthorized_object_id: Option<String>,
    pub correlation_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SasAnalysis {
    pub kind: &'static str,
    pub version: Option<String>,
    pub account: Option<String>,
    pub target: Target,
    pub services: Vec<&'static str>,
    pub resource_types: Vec<&'static str>,
    pub signed_resource: Option<String>,
    pub permissions: Vec<&'static str>,
    pub start: Option<String>,
    pub expiry: Option<String>,
    /// When it differs from `expiry`: a user delegation SAS dies with its key (`ske`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_expiry: Option<String>,
    pub lifetime_days: Option<f64>,
    pub remaining_days: Option<f64>,
    pub ip_range: Option<String>,
    pub protocol: Option<String>,
    pub stored_policy: Option<String>,
    pub signature: SignatureStatus,
    pub risk: Risk,
    pub reasons: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_delegation: Option<UserDelegation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encryption_scope: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub directory_depth: Option<String>,
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    pub response_headers: serde_json::Map<String, serde_json::Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unknown_parameters: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signed_by_fingerprint: Option<String>,
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Analyses a parsed SAS at `now`, with the outcome of a signature check if one was made.
pub fn analyze(t: &SasToken, now: Timestamp, signature: SignatureStatus) -> SasAnalysis {
    let owned = |n: &str| t.get(n).filter(|v| !v.is_empty()).map(str::to_string);
    let url = t.url.as_ref();
    let target_service = match t.kind {
        SasKind::Account => url.and_then(|u| u.service.clone()),
        _ => t.service.map(|s| s.name().to_string()),
    };
    let user_delegation = (t.kind == SasKind::UserDelegation).then(|| UserDelegation {
        object_id: owned("skoid"),
        tenant_id: owned("sktid"),
        key_start: owned("skt"),
        key_expiry: owned("ske"),
        key_service: owned("sks"),
        key_version: owned("skv"),
        authorized_object_id: owned("saoid"),
        unauthorized_object_id: owned("suoid"),
        correlation_id: owned("scid"),
    });
    let table = t.get("tn").map(|tn| {
        serde_json::json!({
            "name": tn,
            "start_partition_key": t.get("spk"),
            "start_row_key": t.get("srk"),
            "end_partition_key": t.get("epk"),
            "end_row_key": t.get("erk"),
        })
    });
    let mut response_headers = serde_json::Map::new();
    for (n, label) in [
        ("rscc", "cache_control"),
        ("rscd", "content_disposition"),
        ("rsce", "content_encoding"),
        ("rscl", "content_language"),
        ("rsct", "content_type"),
    ] {
        if let Some(v) = t.get(n) {
            response_headers.insert(label.into(), v.into());
        }
    }
    SasAnalysis {
        kind: t.kind.name(),
        version: owned("sv"),
        account: t.account().map(str::to_string),
        target: Target {
            service: target_service,
            container: url
                .and_then(|u| u.container.clone())
                .or_else(|| owned("tn")),
            path: url.and_then(|u| u.path.clone()),
        },
        services: t.services.iter().map(|s| s.name()).collect(),
        resource_types: t.resource_types.iter().map(|r| r.name()).collect(),
        signed_resource: owned("sr"),
        permissions: t.permissions.iter().map(|p| p.name()).collect(),
        start: t.start.map(rfc3339),
        expiry: t.expiry.map(rfc3339),
        effective_expiry: t
            .effective_expiry()
            .filter(|e| Some(*e) != t.expiry)
            .map(rfc3339),
        lifetime_days: risk::lifetime_days(t, now).map(round2),
        remaining_days: risk::remaining_days(t, now).map(round2),
        ip_range: owned("sip"),
        protocol: owned("spr"),
        stored_policy: owned("si"),
        signature,
        risk: risk::rate(t, now),
        reasons: risk::reasons(t, now, signature),
        user_delegation,
        table,
        encryption_scope: owned("ses"),
        directory_depth: owned("sdd"),
        response_headers,
        unknown_parameters: t.unknown_params().iter().map(|(k, _)| k.clone()).collect(),
        signed_by_fingerprint: None,
    }
}
