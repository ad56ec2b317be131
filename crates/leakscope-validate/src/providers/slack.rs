//! Slack: `auth.test` ("checks authentication and tells you who you are"; no scope needed,
//! any token type) as a GET with a bearer token. Slack answers HTTP 200 either way; the
//! verdict is in `ok` and `error`.

use super::common::{bearer, copy_fields, json, scope_list, transport, unexpected};
use crate::{Candidate, Ctx, Outcome, Provider};
use leakscope_core::Validation;
use serde_json::{Map, Value};

pub struct Slack;

/// `auth.test` errors that mean the token itself is no good.
const INVALID: &[&str] = &[
    "invalid_auth",
    "not_authed",
    "account_inactive",
    "token_revoked",
    "token_expired",
    "no_such_token",
];

impl Provider for Slack {
    fn name(&self) -> &'static str {
        "slack"
    }

    fn kinds(&self) -> &'static [&'static str] {
        // Webhook URLs can only be checked by posting; refresh tokens only by exchanging.
        &[
            "slack_bot_token",
            "slack_user_token",
            "slack_app_token",
            "slack_config_token",
        ]
    }

    fn default_base(&self) -> Option<&'static str> {
        Some("https://slack.com")
    }

    fn validate(&self, c: &Candidate<'_>, ctx: &Ctx<'_>) -> Validation {
        let Some(token) = c.secret() else {
            return Outcome::unknown("no secret to check").into();
        };
        let resp = match ctx.get("/api/auth.test", &[bearer(token)], &[token]) {
            Ok(r) => r,
            Err(e) => return transport(&e),
        };
        if !resp.is_success() {
            return unexpected(&resp, None);
        }
        let body = json(&resp);
        let b = body.as_ref();
        let ok = b.and_then(|v| v.get("ok")).and_then(Value::as_bool);
        let error = b
            .and_then(|v| v.get("error"))
            .and_then(Value::as_str)
            .map(super::common::slug);
        match (ok, error) {
            (Some(true), _) => {
                let mut id = Map::new();
                copy_fields(
                    &mut id,
                    b,
                    &[
                        "team",
                        "user",
                        "team_id",
                        "user_id",
                        "bot_id",
                        "url",
                        "enterprise_id",
                    ],
                );
                let mut out = Outcome::live(id);
                if let Some(s) = resp.header("x-oauth-scopes") {
                    out = out.scopes(scope_list(s));
                }
                out.into()
            }
            (Some(false), Some(code)) if INVALID.contains(&code.as_str()) => {
                Outcome::rejected(&code, format!("Slack answered ok=false, error {code}")).into()
            }
            (Some(false), Some(code)) => {
                Outcome::unknown(format!("Slack answered ok=false, error {code}"))
                    .error_code(&code)
                    .into()
            }
            _ => unexpected(&resp, Some("not an auth.test answer".to_string())),
        }
    }
}
