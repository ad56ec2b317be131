//! GitLab: `GET /api/v4/personal_access_tokens/self` with `PRIVATE-TOKEN`, which describes
//! the token itself (name, scopes, owner, expiry) whatever its scopes. gitlab.com by
//! default; `--endpoint gitlab=https://gitlab.example.com` for a self-managed instance.

use super::common::{copy_fields, json, message, rejected, short, slug, transport, unexpected};
use crate::{Candidate, Ctx, Outcome, Provider};
use leakscope_core::Validation;
use serde_json::{Map, Value};

pub struct GitLab;

impl Provider for GitLab {
    fn name(&self) -> &'static str {
        "gitlab"
    }

    fn kinds(&self) -> &'static [&'static str] {
        // glpat- covers personal, project and group access tokens. Deploy, runner, feed
        // and trigger tokens do not authenticate to the REST API this way.
        &["gitlab_pat"]
    }

    fn default_base(&self) -> Option<&'static str> {
        Some("https://gitlab.com")
    }

    fn validate(&self, c: &Candidate<'_>, ctx: &Ctx<'_>) -> Validation {
        let Some(token) = c.secret() else {
            return Outcome::unknown("no secret to check").into();
        };
        let headers = [("PRIVATE-TOKEN", token.to_string())];
        let resp = match ctx.get("/api/v4/personal_access_tokens/self", &headers, &[token]) {
            Ok(r) => r,
            Err(e) => return transport(&e),
        };
        let body = json(&resp);
        let msg = message(body.as_ref(), &["/error_description", "/message", "/error"]);
        match resp.status {
            200..=299 => {
                let b = body.as_ref();
                let flag = |k: &str| b.and_then(|v| v.get(k)).and_then(Value::as_bool);
                if flag("revoked") == Some(true) || flag("active") == Some(false) {
                    let code = if flag("revoked") == Some(true) {
                        "revoked"
                    } else {
                        "inactive"
                    };
                    return Outcome::rejected(code, format!("GitLab reports the token {code}"))
                        .into();
                }
                let mut id = Map::new();
                if let Some(name) = b.and_then(|v| v.get("name")).and_then(Value::as_str) {
                    id.insert("token_name".into(), Value::String(short(name)));
                }
                copy_fields(&mut id, b, &["user_id", "expires_at"]);
                let scopes: Vec<String> = b
                    .and_then(|v| v.get("scopes"))
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(|s| s.as_str().map(short)).collect())
                    .unwrap_or_default();
                Outcome::live(id).scopes(scopes).into()
            }
            401 => {
                let code = body
                    .as_ref()
                    .and_then(|v| v.get("error"))
                    .and_then(Value::as_str)
                    .map(slug)
                    .unwrap_or_else(|| "unauthorized".to_string());
                rejected(&resp, &code, msg)
            }
            // GitLab answers 403 only once it knows who is asking.
            403 => Outcome::live(Map::new())
                .reason(format!(
                    "authenticated, but not allowed to read its own token details{}",
                    msg.map(|m| format!(" ({m})")).unwrap_or_default()
                ))
                .into(),
            _ => unexpected(&resp, msg),
        }
    }
}
