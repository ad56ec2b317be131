//! GitHub: `GET /user` ("Get the authenticated user") with the token as a bearer. Classic
//! tokens list their scopes in `X-OAuth-Scopes`; fine-grained ones send no such header.

use super::common::{
    bearer, copy_fields, json, message, rejected, scope_list, transport, unexpected,
};
use crate::{Candidate, Ctx, Outcome, Provider};
use leakscope_core::Validation;
use serde_json::{Map, Value};

pub struct GitHub;

impl Provider for GitHub {
    fn name(&self) -> &'static str {
        "github"
    }

    fn kinds(&self) -> &'static [&'static str] {
        // Refresh tokens (ghr_) and OAuth client ids/secrets cannot call the API alone.
        &[
            "github_pat",
            "github_fine_grained_pat",
            "github_oauth_token",
            "github_app_token",
        ]
    }

    fn default_base(&self) -> Option<&'static str> {
        Some("https://api.github.com")
    }

    fn validate(&self, c: &Candidate<'_>, ctx: &Ctx<'_>) -> Validation {
        let Some(token) = c.secret() else {
            return Outcome::unknown("no secret to check").into();
        };
        let headers = [
            bearer(token),
            ("Accept", "application/vnd.github+json".to_string()),
            ("X-GitHub-Api-Version", "2022-11-28".to_string()),
        ];
        let resp = match ctx.get("/user", &headers, &[token]) {
            Ok(r) => r,
            Err(e) => return transport(&e),
        };
        let body = json(&resp);
        let msg = message(body.as_ref(), &["/message"]);
        match resp.status {
            200..=299 => {
                let mut id = Map::new();
                copy_fields(&mut id, body.as_ref(), &["login", "id", "type"]);
                if let Some(exp) = resp.header("github-authentication-token-expiration") {
                    id.insert("expires_at".into(), Value::String(exp.to_string()));
                }
                let mut out = Outcome::live(id);
                if let Some(s) = resp.header("x-oauth-scopes") {
                    out = out.scopes(scope_list(s));
                }
                out.into()
            }
            401 => rejected(&resp, "bad_credentials", msg),
            403 if resp.header("x-ratelimit-remaining") == Some("0") => unexpected(
                &resp,
                Some("rate limit exhausted; try again later".to_string()),
            ),
            // Only an authenticated caller gets a 403 (a bad token gets 401): an app
            // installation token is valid but may not read `/user`.
            403 => Outcome::live(Map::new())
                .reason(format!(
                    "authenticated, but GET /user is not allowed for this token{}",
                    msg.map(|m| format!(" ({m})")).unwrap_or_default()
                ))
                .into(),
            _ => unexpected(&resp, msg),
        }
    }
}
