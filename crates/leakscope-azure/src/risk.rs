//! The risk rubric of DESIGN.md §4, and the reasons that explain it, in the documented order:
//! scope, permission class, lifetime, protocol, IP restriction, revocability, signature.

use crate::permissions::PermClass;
use crate::sas::{SasKind, SasToken, Service};
use crate::time::days_between;
use jiff::Timestamp;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Risk {
    Expired,
    Low,
    Medium,
    High,
    Critical,
}

impl Risk {
    pub fn name(self) -> &'static str {
        match self {
            Risk::Expired => "expired",
            Risk::Low => "low",
            Risk::Medium => "medium",
            Risk::High => "high",
            Risk::Critical => "critical",
        }
    }

    pub fn severity(self) -> leakscope_core::Severity {
        use leakscope_core::Severity;
        match self {
            Risk::Expired => Severity::Info,
            Risk::Low => Severity::Low,
            Risk::Medium => Severity::Medium,
            Risk::High => Severity::High,
            Risk::Critical => Severity::Critical,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Account,
    ContainerWide,
    Narrow,
}

/// Outcome of an offline signature check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SignatureStatus {
    Valid,
    Invalid,
    Unknown,
}

impl SignatureStatus {
    pub fn name(self) -> &'static str {
        match self {
            SignatureStatus::Valid => "valid",
            SignatureStatus::Invalid => "invalid",
            SignatureStatus::Unknown => "unknown",
        }
    }
}

pub fn scope(t: &SasToken) -> Scope {
    if t.kind == SasKind::Account {
        return Scope::Account;
    }
    match t.service {
        Some(Service::Queue) | None => Scope::ContainerWide,
        Some(Service::Table) => {
            if t.get("spk").is_some() && t.get("epk").is_some() {
                Scope::Narrow
            } else {
                Scope::ContainerWide
            }
        }
        Some(Service::Blob) | Some(Service::File) => match t.get("sr") {
            Some("b" | "bs" | "bv" | "f") => Scope::Narrow,
            _ => Scope::ContainerWide,
        },
    }
}

/// Classes held; unknown permissions (stored policy only) count as the worst case.
pub struct Classes {
    pub read: bool,
    pub write: bool,
    pub delete: bool,
    pub unknown: bool,
}

pub fn classes(t: &SasToken) -> Classes {
    if !t.permissions_known() {
        return Classes {
            read: true,
            write: true,
            delete: true,
            unknown: true,
        };
    }
    let has = |c| t.permissions.iter().any(|p| p.class() == c);
    Classes {
        read: has(PermClass::Read),
        write: has(PermClass::Write),
        delete: has(PermClass::Delete),
        unknown: false,
    }
}

/// Lifetime in days; None = unbounded (expiry held by a stored policy).
pub fn lifetime_days(t: &SasToken, now: Timestamp) -> Option<f64> {
    let end = t.effective_expiry()?;
    Some(days_between(t.start.unwrap_or(now), end))
}

pub fn remaining_days(t: &SasToken, now: Timestamp) -> Option<f64> {
    t.effective_expiry().map(|e| days_between(now, e))
}

/// DESIGN.md §4's table, first match wins.
pub fn rate(t: &SasToken, now: Timestamp) -> Risk {
    let c = classes(t);
    rate_parts(&RubricInput {
        expired: t.effective_expiry().is_some_and(|e| e < now),
        write: c.write || c.delete,
        read: c.read,
        scope: scope(t),
        lifetime_days: lifetime_days(t, now),
        account: t.kind == SasKind::Account,
        allows_http: t.allows_http(),
    })
}

/// The rubric's inputs, so other clouds' signed URLs are rated by the same table.
#[derive(Debug, Clone)]
pub struct RubricInput {
    pub expired: bool,
    /// At least one write- or delete-class permission (or unknown permissions).
    pub write: bool,
    pub read: bool,
    pub scope: Scope,
    /// None = unbounded.
    pub lifetime_days: Option<f64>,
    pub account: bool,
    pub allows_http: bool,
}

pub fn rate_parts(i: &RubricInput) -> Risk {
    if i.expired {
        return Risk::Expired;
    }
    let longer = |days: f64| i.lifetime_days.is_none_or(|l| l > days);
    let w = i.write;
    if w && matches!(i.scope, Scope::Account | Scope::ContainerWide) && longer(30.0) {
        return Risk::Critical;
    }
    if w && longer(1.0) {
        return Risk::High;
    }
    if i.account && i.read && longer(30.0) {
        return Risk::High;
    }
    if !w && (longer(7.0) || i.allows_http) {
        return Risk::Medium;
    }
    if !w && !longer(1.0) && i.scope == Scope::Narrow && !i.allows_http {
        return Risk::Low;
    }
    Risk::Medium
}

/// Formats an integer with thousands separators ("9,080").
pub fn thousands(n: i64) -> String {
    let s = n.unsigned_abs().to_string();
    // Groups of three from the right; the digits are ASCII, so byte chunks are whole chars.
    let out = s
        .as_bytes()
        .rchunks(3)
        .rev()
        .map(|c| std::str::from_utf8(c).unwrap_or(""))
        .collect::<Vec<_>>()
        .join(",");
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

fn join_and(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn scope_reason(t: &SasToken) -> String {
    let url = t.url.as_ref();
    let container = url.and_then(|u| u.container.as_deref());
    let path = url.and_then(|u| u.path.as_deref());
    match scope(t) {
        Scope::Account => {
            let names: Vec<&str> = t.services.iter().map(|s| s.name()).collect();
            let noun = if names.len() == 1 {
                "service"
            } else {
                "services"
            };
            let what = if names.is_empty() {
                "no services listed".to_string()
            } else {
                format!("{} {noun}", join_and(&names))
            };
            format!("account-wide: {what}")
        }
        Scope::ContainerWide => {
            // Without a URL the container's name is unknown: say "its" rather than nothing.
            let name = |n: Option<&str>| match n {
                Some(c) => format!(" `{c}`"),
                None => " (name not in the token)".to_string(),
            };
            match (t.service, t.get("sr")) {
                (Some(Service::Queue), _) | (None, _) => {
                    format!("queue-wide: every message in queue{}", name(container))
                }
                (Some(Service::Table), _) => {
                    format!(
                        "table-wide: every entity in table{}",
                        name(t.get("tn").or(container))
                    )
                }
                (_, Some("s")) => format!("share-wide: every file in share{}", name(container)),
                (_, Some("d")) => {
                    let depth = t
                        .get("sdd")
                        .map(|d| format!(" (depth {d})"))
                        .unwrap_or_default();
                    format!("directory subtree{depth}: everything under{}", name(path))
                }
                _ => format!("container-wide: every blob in container{}", name(container)),
            }
        }
        Scope::Narrow => match t.service {
            Some(Service::Table) => "narrow: one partition/row-key range of a table".to_string(),
            Some(Service::File) => match (container, path) {
                (Some(c), Some(p)) => format!("narrow: one file `{c}/{p}`"),
                _ => "narrow: one file".to_string(),
            },
            _ => {
                let what = match t.get("sr") {
                    Some("bs") => "one blob snapshot",
                    Some("bv") => "one blob version",
                    _ => "one blob",
                };
                match (container, path) {
                    (Some(c), Some(p)) => format!("narrow: {what} `{c}/{p}`"),
                    _ => format!("narrow: {what}"),
                }
            }
        },
    }
}

fn permission_reason(t: &SasToken) -> String {
    let c = classes(t);
    if c.unknown {
        let si = t.get("si").unwrap_or("?");
        return format!(
            "permissions are held in stored access policy `{si}` and unknown here: assuming full control"
        );
    }
    let names: Vec<&str> = t.permissions.iter().map(|p| p.name()).collect();
    let list = names.join(", ");
    match (c.write, c.delete) {
        (true, true) => format!("can delete and overwrite data ({list})"),
        (true, false) => format!("can create and overwrite data ({list})"),
        (false, true) => format!("can delete data ({list})"),
        (false, false) if c.read => format!("read-only ({list})"),
        (false, false) => "grants no permissions".to_string(),
    }
}

pub(crate) fn expiry_sentence(expiry: Option<Timestamp>, now: Timestamp) -> Option<String> {
    let e = expiry?;
    if e < now {
        let ago = days_between(e, now).floor() as i64;
        return Some(format!(
            "expired {} ({} days ago)",
            crate::time::rfc3339(e),
            thousands(ago)
        ));
    }
    let rem = days_between(now, e);
    Some(if rem >= 1.0 {
        format!("valid for {} more days", thousands(rem.floor() as i64))
    } else {
        let hours = (rem * 24.0).ceil() as i64;
        format!(
            "valid for {hours} more hour{}",
            if hours == 1 { "" } else { "s" }
        )
    })
}

fn lifetime_reasons(t: &SasToken, now: Timestamp, out: &mut Vec<String>) {
    match t.effective_expiry() {
        None => {
            let by = t
                .get("si")
                .map(|s| format!(" (held by stored access policy `{s}`)"))
                .unwrap_or_default();
            out.push(format!("no expiry in the token{by}: lifetime unbounded"));
        }
        Some(e) if e < now => {
            let ago = days_between(e, now).floor() as i64;
            out.push(format!(
                "expired {} ({} days ago)",
                crate::time::rfc3339(e),
                thousands(ago)
            ));
        }
        Some(e) => {
            let rem = days_between(now, e);
            if rem >= 1.0 {
                out.push(format!(
                    "valid for {} more days",
                    thousands(rem.floor() as i64)
                ));
            } else {
                let hours = (rem * 24.0).ceil() as i64;
                out.push(format!(
                    "valid for {hours} more hour{}",
                    if hours == 1 { "" } else { "s" }
                ));
            }
            if t.kind == SasKind::UserDelegation && t.key_expiry.is_some_and(|k| Some(k) == Some(e))
            {
                out.push("expiry capped by the user delegation key's expiry (`ske`)".to_string());
            }
        }
    }
    if let Some(s) = t.start {
        if s > now {
            out.push(format!(
                "not valid until {} (rated as if valid)",
                crate::time::rfc3339(s)
            ));
        }
    }
}

/// All reasons, in the documented order.
pub fn reasons(t: &SasToken, now: Timestamp, signature: SignatureStatus) -> Vec<String> {
    let mut out = vec![scope_reason(t), permission_reason(t)];
    lifetime_reasons(t, now, &mut out);
    out.push(if t.allows_http() {
        "allows plain HTTP".to_string()
    } else {
        "HTTPS only".to_string()
    });
    out.push(match t.get("sip") {
        Some(ip) if !ip.is_empty() => format!("restricted to IP {ip} (mitigation)"),
        _ => "no IP restriction".to_string(),
    });
    out.push(match (t.kind, t.get("si")) {
        (SasKind::UserDelegation, _) => "user delegation SAS: revoking the user delegation keys (or the principal's role) revokes it".to_string(),
        (_, Some(si)) => format!("stored access policy `{si}`: deleting or changing the policy revokes it (mitigation)"),
        (_, None) => "no stored access policy: only rotating the account key revokes it".to_string(),
    });
    if signature == SignatureStatus::Invalid {
        out.push(
            "signature does not match the known account key: tampered, or signed with another key"
                .to_string(),
        );
    }
    out
}
