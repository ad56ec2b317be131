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

fn sas_revoke(kind: &str, stored_policy: Option<&str>) -> String {
    match (kind, stored_policy) {
        ("user_delegation", _) => "revoke the user delegation keys (Revoke-AzStorageAccountUserDelegationKeys) or remove the principal's role".to_string(),
        (_, Some(p)) => format!("delete or shorten stored access policy `{p}`"),
        _ => "rotate the account key that signed it (key1 or key2); every SAS signed with that key dies too".to_string(),
    }
}

fn sas_instead(kind: &str) -> &'static str {
    if kind == "user_delegation" {
        INSTEAD_UD
    } else {
        INSTEAD_SAS
    }
}

const KEY_WHO: &str = "anyone holding it has full control of the account, and can mint SAS tokens";
const KEY_UNTIL: &str = "rotated (keys do not expire)";
const KEY_REVOKE: &str =
    "rotate (regenerate) this key; then rotate the other one too if both leaked";
const KEY_INSTEAD: &str =
    "Entra ID (managed identities, RBAC) and user delegation SAS; disable shared key access";
const CONN_REVOKE: &str = "regenerate the key (or SAS) it embeds";
const CONN_INSTEAD: &str =
    "managed identities / Entra ID; keep connection strings in a secret store, not in files";
const URL_INSTEAD: &str = "the shortest expiry that works, one object, read-only methods";

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
    let _ = writeln!(
        o,
        "Revoke:    {}",
        sas_revoke(a.kind, a.stored_policy.as_deref())
    );
    let _ = writeln!(o, "Instead:   {}", sas_instead(a.kind));
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
    let _ = writeln!(o, "Who/what:  {KEY_WHO}");
    let _ = writeln!(o, "Until:     {KEY_UNTIL}");
    reasons(&mut o, &k.reasons);
    let _ = writeln!(o, "Revoke:    {KEY_REVOKE}");
    let _ = writeln!(o, "Instead:   {KEY_INSTEAD}");
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
    let _ = writeln!(o, "Revoke:    {CONN_REVOKE}");
    let _ = writeln!(o, "Instead:   {CONN_INSTEAD}");
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
    let _ = writeln!(o, "Instead:   {URL_INSTEAD}");
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

/// The card's advice for an analysis kept as JSON (a finding's `analysis`, e.g. in the
/// datastore): how to revoke it and what to use instead, and for keys who holds what and
/// until when. Same words as the card, for reports that render their own.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Advice {
    pub revoke: String,
    pub instead: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub who: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<&'static str>,
}

/// [`Advice`] for a finding of `kind` with this analysis object (its `type`, where it has
/// one, wins over `kind`: scans store a SAS analysis without one); `None` for kinds this
/// crate does not analyse.
pub fn advice(kind: &str, analysis: &serde_json::Value) -> Option<Advice> {
    let get =
        |v: &serde_json::Value, k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    let sas = |a: &serde_json::Value| {
        let kind = get(a, "kind").unwrap_or_default();
        Advice {
            revoke: sas_revoke(&kind, get(a, "stored_policy").as_deref()),
            instead: sas_instead(&kind),
            who: None,
            until: None,
        }
    };
    if analysis.get("credential").and_then(|c| c.as_bool()) == Some(false) {
        return None;
    }
    let ty = analysis
        .get("type")
        .and_then(|t| t.as_str())
        .unwrap_or(kind);
    match ty {
        "azure_sas" => Some(sas(analysis)),
        "azure_account_key" => Some(Advice {
            revoke: KEY_REVOKE.into(),
            instead: KEY_INSTEAD,
            who: Some(KEY_WHO),
            until: Some(KEY_UNTIL),
        }),
        "azure_connection_string" => Some(match analysis.get("sas").filter(|v| v.is_object()) {
            Some(embedded) => sas(embedded),
            None => Advice {
                revoke: CONN_REVOKE.into(),
                instead: CONN_INSTEAD,
                who: None,
                until: None,
            },
        }),
        "aws_s3_presigned_url" | "gcs_signed_url" | "azure_service_bus_sas" => Some(Advice {
            revoke: get(analysis, "revoke")?,
            instead: URL_INSTEAD,
            who: None,
            until: None,
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advice_from_stored_json_matches_the_card() {
        // As a scan stores it: no `type`, the finding kind says what it is.
        let sas = serde_json::json!({ "kind": "account", "stored_policy": null });
        let a = advice("azure_sas", &sas).unwrap();
        assert!(a.revoke.starts_with("rotate the account key"));
        assert_eq!(a.instead, INSTEAD_SAS);
        let ud = serde_json::json!({ "type": "azure_sas", "kind": "user_delegation" });
        assert_eq!(advice("x", &ud).unwrap().instead, INSTEAD_UD);
        let pol =
            serde_json::json!({ "type": "azure_sas", "kind": "service", "stored_policy": "p1" });
        assert_eq!(
            advice("azure_sas", &pol).unwrap().revoke,
            "delete or shorten stored access policy `p1`"
        );
        let key = serde_json::json!({ "type": "azure_account_key" });
        assert_eq!(advice("x", &key).unwrap().who, Some(KEY_WHO));
        let model = serde_json::json!({ "verdict": "malicious" });
        assert_eq!(advice("model_code_execution", &model), None);
        let not = serde_json::json!({ "credential": false, "error": "placeholder" });
        assert_eq!(advice("azure_sas", &not), None);
    }
}
