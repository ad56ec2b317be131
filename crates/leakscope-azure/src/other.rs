//! Other clouds' signed URLs, same class of risk as a SAS: AWS S3 presigned URLs, Google
//! Cloud Storage signed URLs (V4 and V2), Azure Service Bus / Event Hubs SAS tokens.
//! Their permissions are not visible in the URL (the HTTP method or the key's rights are
//! signed, not stated), so the rubric's worst case applies unless the key name says more.

use crate::query;
use crate::risk::{self, Risk, RubricInput, Scope};
use crate::time::{days_between, rfc3339};
use jiff::Timestamp;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SignedUrlAnalysis {
    /// `aws_s3_presigned`, `gcs_signed_v4`, `gcs_signed_v2`, `service_bus_sas`.
    pub kind: &'static str,
    pub provider: &'static str,
    /// Access key id, service account e-mail or SAS key name: who signed.
    pub signer: Option<String>,
    pub region: Option<String>,
    pub host: Option<String>,
    pub bucket: Option<String>,
    pub object: Option<String>,
    pub start: Option<String>,
    pub expiry: Option<String>,
    pub lifetime_days: Option<f64>,
    pub remaining_days: Option<f64>,
    pub temporary_credentials: bool,
    pub signature: &'static str,
    /// Index of the key (among those offered) that verified the signature.
    #[serde(skip)]
    pub signed_by: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signed_by_fingerprint: Option<String>,
    pub risk: Risk,
    pub reasons: Vec<String>,
    pub revoke: String,
}

fn get<'a>(p: &'a [(String, String)], n: &str) -> Option<&'a str> {
    p.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(n))
        .map(|(_, v)| v.as_str())
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Parses `YYYYMMDDTHHMMSSZ` (AWS and GCS V4 request dates).
fn compact_time(s: &str) -> Option<Timestamp> {
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' || !s.is_ascii() {
        return None;
    }
    format!(
        "{}-{}-{}T{}:{}:{}Z",
        &s[0..4],
        &s[4..6],
        &s[6..8],
        &s[9..11],
        &s[11..13],
        &s[13..15]
    )
    .parse()
    .ok()
}

struct Facts {
    start: Option<Timestamp>,
    expiry: Option<Timestamp>,
    write_known_absent: bool,
    scope: Scope,
    http: bool,
}

fn finish(
    mut a: SignedUrlAnalysis,
    f: Facts,
    now: Timestamp,
    mut reasons: Vec<String>,
) -> SignedUrlAnalysis {
    let lifetime = f.expiry.map(|e| days_between(f.start.unwrap_or(now), e));
    a.start = f.start.map(rfc3339);
    a.expiry = f.expiry.map(rfc3339);
    a.lifetime_days = lifetime.map(round2);
    a.remaining_days = f.expiry.map(|e| round2(days_between(now, e)));
    a.risk = risk::rate_parts(&RubricInput {
        expired: f.expiry.is_some_and(|e| e < now),
        write: !f.write_known_absent,
        read: true,
        scope: f.scope,
        lifetime_days: lifetime,
        account: false,
        allows_http: f.http,
    });
    match risk::expiry_sentence(f.expiry, now) {
        Some(s) => reasons.push(s),
        None => reasons.push("no expiry: lifetime unbounded".into()),
    }
    reasons.push(if f.http {
        "allows plain HTTP".into()
    } else {
        "HTTPS only".into()
    });
    reasons.push("no IP restriction".into());
    reasons.push(a.revoke.clone());
    a.reasons = reasons;
    a
}

fn blank(kind: &'static str, provider: &'static str, revoke: &str) -> SignedUrlAnalysis {
    SignedUrlAnalysis {
        kind,
        provider,
        signer: None,
        region: None,
        host: None,
        bucket: None,
        object: None,
        start: None,
        expiry: None,
        lifetime_days: None,
        remaining_days: None,
        temporary_credentials: false,
        signature: "unknown",
        signed_by: None,
        signed_by_fingerprint: None,
        risk: Risk::Medium,
        reasons: Vec::new(),
        revoke: revoke.to_string(),
    }
}

/// Host and path of a URL: (scheme, host, path segments).
fn url_parts(base: &str) -> (String, String, Vec<String>) {
    let (scheme, rest) = base.split_once("://").unwrap_or(("", base));
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    (
        scheme.to_ascii_lowercase(),
        host.to_ascii_lowercase(),
        path.split('/')
            .filter(|s| !s.is_empty())
            .map(query::percent_decode)
            .collect(),
    )
}

/// Bucket and object from virtual-hosted (`bucket.s3…`) or path-style URLs.
fn bucket_object(
    host: &str,
    mut segs: Vec<String>,
    vhost_marker: &str,
) -> (Option<String>, Option<String>) {
    let bucket = match host.find(vhost_marker) {
        // `get` rather than slicing: the byte before the marker may sit inside a multi-byte char.
        Some(i) if i > 0 => host.get(..i - 1).map(str::to_string),
        _ => {
            if segs.is_empty() {
                None
            } else {
                Some(segs.remove(0))
            }
        }
    };
    let object = (!segs.is_empty()).then(|| segs.join("/"));
    (bucket, object)
}

fn object_scope(object: &Option<String>) -> Scope {
    if object.is_some() {
        Scope::Narrow
    } else {
        Scope::ContainerWide
    }
}

const METHOD_UNKNOWN: &str =
    "the HTTP method is signed but not visible in the URL: assuming it may write or delete";

pub fn parse_aws(input: &str, now: Timestamp) -> Option<SignedUrlAnalysis> {
    let text = query::unescape_text(input);
    let (base, q) = query::split_url(&text);
    let p = query::parse_pairs(q);
    get(&p, "X-Amz-Signature")?;
    let cred = get(&p, "X-Amz-Credential")?;
    let mut a = blank(
        "aws_s3_presigned",
        "aws",
        "deactivate or delete the signing access key (or revoke the role session): the URL dies with it",
    );
    let mut parts = cred.split('/');
    a.signer = parts.next().map(str::to_string);
    a.region = parts.nth(1).map(str::to_string);
    a.temporary_credentials = get(&p, "X-Amz-Security-Token").is_some();
    let start = get(&p, "X-Amz-Date").and_then(compact_time);
    let secs: Option<i64> = get(&p, "X-Amz-Expires").and_then(|e| e.parse().ok());
    let expiry = match (start, secs) {
        (Some(s), Some(x)) if (0..=10_000_000).contains(&x) => {
            s.checked_add(jiff::SignedDuration::from_secs(x)).ok()
        }
        _ => None,
    };
    let (scheme, host, segs) = url_parts(base.unwrap_or(""));
    let (bucket, object) = bucket_object(&host, segs, "s3");
    a.host = (!host.is_empty()).then_some(host);
    a.bucket = bucket;
    a.object = object;
    let scope = object_scope(&a.object);
    let mut reasons = vec![
        match (&a.bucket, &a.object) {
            (Some(b), Some(o)) => format!("narrow: one S3 object `{b}/{o}`"),
            (Some(b), None) => format!("bucket-wide: S3 bucket `{b}`"),
            _ => "S3 presigned URL".to_string(),
        },
        METHOD_UNKNOWN.to_string(),
    ];
    if a.temporary_credentials {
        reasons.push(
            "signed with temporary (STS) credentials: also ends when the session does".into(),
        );
    }
    let f = Facts {
        start,
        expiry,
        write_known_absent: false,
        scope,
        http: scheme == "http",
    };
    Some(finish(a, f, now, reasons))
}

pub fn parse_gcs(input: &str, now: Timestamp) -> Option<SignedUrlAnalysis> {
    let text = query::unescape_text(input);
    let (base, q) = query::split_url(&text);
    let p = query::parse_pairs(q);
    let (scheme, host, segs) = url_parts(base.unwrap_or(""));
    let (bucket, object) = bucket_object(&host, segs, "storage.googleapis.com");
    let revoke = "delete the service account key (or HMAC key) that signed it";
    let (mut a, start, expiry) = if let Some(cred) = get(&p, "X-Goog-Credential") {
        get(&p, "X-Goog-Signature")?;
        let mut a = blank("gcs_signed_v4", "gcp", revoke);
        let mut parts = cred.split('/');
        a.signer = parts.next().map(str::to_string);
        a.region = parts.nth(1).map(str::to_string);
        let start = get(&p, "X-Goog-Date").and_then(compact_time);
        let secs: Option<i64> = get(&p, "X-Goog-Expires").and_then(|e| e.parse().ok());
        let expiry = match (start, secs) {
            (Some(s), Some(x)) if (0..=10_000_000).contains(&x) => {
                s.checked_add(jiff::SignedDuration::from_secs(x)).ok()
            }
            _ => None,
        };
        (a, start, expiry)
    } else {
        let id = get(&p, "GoogleAccessId")?;
        get(&p, "Signature")?;
        let mut a = blank("gcs_signed_v2", "gcp", revoke);
        a.signer = Some(id.to_string());
        let expiry = get(&p, "Expires")
            .and_then(|e| e.parse::<i64>().ok())
            .and_then(|e| Timestamp::from_second(e).ok());
        (a, None, expiry)
    };
    a.host = (!host.is_empty()).then_some(host);
    a.bucket = bucket;
    a.object = object;
    let reasons = vec![
        match (&a.bucket, &a.object) {
            (Some(b), Some(o)) => format!("narrow: one GCS object `{b}/{o}`"),
            (Some(b), None) => format!("bucket-wide: GCS bucket `{b}`"),
            _ => "GCS signed URL".to_string(),
        },
        METHOD_UNKNOWN.to_string(),
    ];
    let f = Facts {
        start,
        expiry,
        write_known_absent: false,
        scope: object_scope(&a.object),
        http: scheme == "http",
    };
    Some(finish(a, f, now, reasons))
}

/// Checks a Service Bus / Event Hubs SAS (the part after `SharedAccessSignature `) against a
/// key: HMAC-SHA256 keyed with the key's UTF-8 text (not its base64-decoded bytes) over `sr`
/// exactly as it appears in the token, a newline, and `se`.
pub fn verify_service_bus(raw: &str, key: &str) -> Option<bool> {
    use base64::Engine;
    use hmac::{Hmac, Mac};
    let raw_get = |n: &str| {
        raw.split('&')
            .filter_map(|p| p.split_once('='))
            .find(|(k, _)| *k == n)
            .map(|(_, v)| v)
    };
    let sr = raw_get("sr")?;
    let se = raw_get("se")?;
    let sig = query::percent_decode(raw_get("sig")?).replace(' ', "+");
    let want = base64::engine::general_purpose::STANDARD
        .decode(sig.as_bytes())
        .ok()?;
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key.trim().as_bytes()).ok()?;
    mac.update(format!("{sr}\n{se}").as_bytes());
    Some(mac.verify_slice(&want).is_ok())
}

/// `SharedAccessSignature sr=<uri>&sig=<sig>&se=<unix>&skn=<key name>` (Service Bus, Event Hubs, Relay, IoT Hub).
/// `keys` are `(key name, key)` pairs; a key is tried when its name equals `skn`.
pub fn parse_service_bus(
    input: &str,
    now: Timestamp,
    keys: &[(String, String)],
) -> Option<SignedUrlAnalysis> {
    let text = query::unescape_text(input);
    let i = text.find("SharedAccessSignature ")?;
    let rest = &text[i + "SharedAccessSignature ".len()..];
    let rest = rest
        .split(|c: char| c.is_whitespace() || c == ';' || c == '"')
        .next()
        .unwrap_or("");
    let p = query::parse_pairs(rest);
    let sr = get(&p, "sr")?;
    get(&p, "sig")?;
    let mut a = blank("service_bus_sas", "azure", "");
    let skn = get(&p, "skn").map(str::to_string);
    let mut checked = false;
    for (i, (name, key)) in keys.iter().enumerate() {
        if skn.as_deref().is_some_and(|s| s != name) {
            continue;
        }
        match verify_service_bus(rest, key) {
            Some(true) => {
                a.signature = "valid";
                a.signed_by = Some(i);
                break;
            }
            Some(false) => checked = true,
            None => {}
        }
    }
    if a.signature != "valid" && checked && skn.is_some() {
        a.signature = "invalid";
    }
    a.revoke = match &skn {
        Some(k) => format!("regenerate the primary and secondary keys of SAS policy `{k}`: tokens signed with it die"),
        None => "regenerate the keys of the SAS policy that signed it".into(),
    };
    a.signer = skn.clone();
    let (_, host, segs) = url_parts(&query::percent_decode(sr));
    a.host = Some(host);
    let entity = (!segs.is_empty()).then(|| segs.join("/"));
    a.object = entity.clone();
    let expiry = get(&p, "se")
        .and_then(|e| e.parse::<i64>().ok())
        .and_then(|e| Timestamp::from_second(e).ok());
    let name = skn.as_deref().unwrap_or("").to_ascii_lowercase();
    // Key names say what policies were meant for; Root/Manage policies hold every right.
    let (read_only, perm_reason) = if name.contains("root") || name.contains("manage") {
        (
            false,
            "key policy looks like a Manage policy: send, listen and manage entities".to_string(),
        )
    } else if name.contains("listen") && !name.contains("send") {
        (
            true,
            "key policy name suggests Listen only (receive messages)".to_string(),
        )
    } else if name.contains("send") && !name.contains("listen") {
        (
            false,
            "key policy name suggests Send (write messages)".to_string(),
        )
    } else {
        (
            false,
            "the key's rights are not in the token: assuming Send, Listen and Manage".to_string(),
        )
    };
    let scope = if entity.is_some() {
        Scope::ContainerWide
    } else {
        Scope::Account
    };
    let reasons = vec![
        match &entity {
            Some(e) => format!(
                "entity-wide: `{e}` in namespace `{}`",
                a.host.as_deref().unwrap_or("")
            ),
            None => format!("namespace-wide: `{}`", a.host.as_deref().unwrap_or("")),
        },
        perm_reason,
    ];
    let f = Facts {
        start: None,
        expiry,
        write_known_absent: read_only,
        scope,
        http: false,
    };
    Some(finish(a, f, now, reasons))
}
