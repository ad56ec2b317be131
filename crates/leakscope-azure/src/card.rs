//! The human card of `leakscope explain`: what, who can do what, until when, how to revoke,
//! what to do instead.

use crate::analysis::SasAnalysis;
use crate::explain::{ConnAnalysis, Explanation, KeyAnalysis};
use crate::other::SignedUrlAnalysis;
use std::fmt::Write;

fn upper(s: &str) -> String {
    s.to_ascii_uppercase()
}

fn reasons(out: &mut String, rs: &[String]) {
    let _ = writeln!(out, "Why:");
    for r in rs {
        let _ = writeln!(out, "  - {r}");
    }
}

const INSTEAD_SAS: &str = "a user delegation SAS (Entra ID, at most 7 days, revocable), or a service SAS bound to a stored access policy; short expiry (hours), the narrowest scope (one blob or container), read-only where possible, HTTPS only, an IP range";

const INSTEAD_UD: &str = "keep the user delegation SAS but shorten it (hours), narrow it (one blob), drop write/delete where not needed, HTTPS only, an IP range";

fn sas_card(a: &SasAnalysis) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Azure Storage {} SAS: {}",
        a.kind.replace('_', " "),
        upper(a.risk.name())
    );
    let acct = a.account.as_deref().unwrap_or("(unknown account)");
    let ver = a.version.as_deref().unwrap_or("?");
    let mut what = format!(
        "{} SAS, version {ver}, account `{acct}`",
        a.kind.replace('_', " ")
    );
    if !a.services.is_empty() {
        let _ = write!(what, ", services: {}", a.services.join(", "));
    }
    if !a.resource_types.is_empty() {
        let _ = write!(what, "; resource types: {}", a.resource_types.join(", "));
    }
    if let Some(c) = &a.target.container {
        let _ = write!(
            what,
            "; target: {}{}",
            c,
            a.target
                .path
                .as_ref()
                .map(|p| format!("/{p}"))
                .unwrap_or_default()
        );
    }
    let _ = writeln!(o, "What:      {what}");
    let who = if a.permissions.is_empty() {
        match &a.stored_policy {
            Some(p) => format!(
                "anyone holding it gets whatever stored access policy `{p}` grants (unknown here)"
            ),
            None => "it grants no permissions".into(),
        }
    } else {
        format!("anyone holding it can {}", a.permissions.join(", "))
    };
    let _ = writeln!(o, "Who/what:  {who}");
    let end = a.effective_expiry.as_ref().or(a.expiry.as_ref());
    let until = match (end, a.remaining_days) {
        (Some(e), Some(d)) if d >= 1.0 => format!(
            "{e} ({} days left)",
            crate::risk::thousands(d.floor() as i64)
        ),
        (Some(e), Some(d)) if d >= 0.0 => format!("{e} ({} hours left)", (d * 24.0).ceil() as i64),
        (Some(e), _) => format!("{e} (expired)"),
        (None, _) => "no expiry in the token (a stored access policy decides)".into(),
    };
    let _ = writeln!(o, "Until:     {until}");
    let _ = writeln!(o, "Signature: {}", a.signature.name());
    reasons(&mut o, &a.reasons);
    let revoke = match (a.kind, &a.stored_policy) {
        ("user_delegation", _) => "revoke the user delegation keys (Revoke-AzStorageAccountUserDelegationKeys) or remove the principal's role".to_string(),
        (_, Some(p)) => format!("delete or shorten stored access policy `{p}`"),
        _ => "rotate the account key that signed it (key1 or key2); every SAS signed with that key dies too".to_string(),
    };
    let _ = writeln!(o, "Revoke:    {revoke}");
    let instead = if a.kind == "user_delegation" {
        INSTEAD_UD
    } else {
        INSTEAD_SAS
    };
    let _ = writeln!(o, "Instead:   {instead}");
    o
}

fn key_card(k: &KeyAnalysis) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Azure Storage account key ({}): {}",
        k.kind,
        upper(severity_name(k.severity))
    );
    let _ = writeln!(
        o,
        "What:      the account's shared key{}",
        k.account
            .as_ref()
            .map(|a| format!(" for `{a}`"))
            .unwrap_or_default()
    );
    let _ = writeln!(
        o,
        "Who/what:  anyone holding it has full control of the account, and can mint SAS tokens"
    );
    let _ = writeln!(o, "Until:     rotated (keys do not expire)");
    reasons(&mut o, &k.reasons);
    let _ = writeln!(
        o,
        "Revoke:    rotate (regenerate) this key; then rotate the other one too if both leaked"
    );
    let _ = writeln!(o, "Instead:   Entra ID (managed identities, RBAC) and user delegation SAS; disable shared key access");
    o
}

fn conn_card(c: &ConnAnalysis) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Azure connection string ({}): {}",
        c.kind,
        upper(severity_name(c.severity))
    );
    let fields: Vec<String> = c.fields.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let _ = writeln!(o, "What:      {}", fields.join("; "));
    if !c.endpoints.is_empty() {
        let _ = writeln!(o, "Endpoints: {}", c.endpoints.join(", "));
    }
    reasons(&mut o, &c.reasons);
    let _ = writeln!(o, "Revoke:    regenerate the key (or SAS) it embeds");
    let _ = writeln!(o, "Instead:   managed identities / Entra ID; keep connection strings in a secret store, not in files");
    o
}

fn url_card(s: &SignedUrlAnalysis) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} ({}): {}",
        s.kind.replace('_', " "),
        s.provider,
        upper(s.risk.name())
    );
    let _ = writeln!(
        o,
        "What:      signed by {}{}",
        s.signer.as_deref().unwrap_or("?"),
        s.region
            .as_ref()
            .map(|r| format!(" in {r}"))
            .unwrap_or_default()
    );
    let until = s.expiry.clone().unwrap_or_else(|| "unknown".into());
    let _ = writeln!(o, "Until:     {until}");
    reasons(&mut o, &s.reasons);
    let _ = writeln!(o, "Revoke:    {}", s.revoke);
    let _ = writeln!(
        o,
        "Instead:   the shortest expiry that works, one object, read-only methods"
    );
    o
}

fn severity_name(s: leakscope_core::Severity) -> &'static str {
    use leakscope_core::Severity::*;
    match s {
        Info => "info",
        Low => "low",
        Medium => "medium",
        High => "high",
        Critical => "critical",
    }
}

/// Renders the card.
pub fn render(e: &Explanation) -> String {
    match e {
        Explanation::Sas { analysis, .. } => sas_card(analysis),
        Explanation::AccountKey(k) => key_card(k),
        Explanation::ConnectionString(c) => conn_card(c),
        Explanation::SignedUrl(s) => url_card(s),
    }
}
