//! OpenAI: `GET /v1/models` with the key as a bearer (401 `invalid_api_key` for a bad key).
//! Admin keys (`sk-admin-`) cannot call the model endpoints, so they are checked with the
//! Administration API's `GET /v1/organization/projects?limit=1` instead.

use super::common::{bearer, json, message, rejected, slug, transport, unexpected};
use crate::{Candidate, Ctx, Outcome, Provider};
use leakscope_core::Validation;
use serde_json::{Map, Value};

pub struct OpenAi;

impl Provider for OpenAi {
    fn name(&self) -> &'static str {
        "openai"
    }

    fn kinds(&self) -> &'static [&'static str] {
        &["openai_api_key"]
    }

    fn default_base(&self) -> Option<&'static str> {
        Some("https://api.openai.com")
    }

    fn validate(&self, c: &Candidate<'_>, ctx: &Ctx<'_>) -> Validation {
        let Some(key) = c.secret() else {
            return Outcome::unknown("no secret to check").into();
        };
        let admin = key.starts_with("sk-admin-");
        let path = if admin {
            "/v1/organization/projects?limit=1"
        } else {
            "/v1/models"
        };
        let resp = match ctx.get(path, &[bearer(key)], &[key]) {
            Ok(r) => r,
            Err(e) => return transport(&e),
        };
        let body = json(&resp);
        let msg = message(body.as_ref(), &["/error/message"]);
        let code = body
            .as_ref()
            .and_then(|v| v.pointer("/error/code"))
            .and_then(Value::as_str)
            .map(slug);
        match resp.status {
            200..=299 => {
                let mut id = Map::new();
                if let Some(org) = resp.header("openai-organization") {
                    id.insert("organization".into(), Value::String(org.to_string()));
                }
                if admin {
                    id.insert("key_type".into(), Value::String("admin".into()));
                }
                Outcome::live(id).into()
            }
            401 => rejected(&resp, code.as_deref().unwrap_or("invalid_api_key"), msg),
            // 403 also means "not from this country" or "not for this project": no verdict.
            _ => unexpected(&resp, msg),
        }
    }
}
