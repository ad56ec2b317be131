//! Hugging Face: `GET /api/whoami-v2` with the token as a bearer: who owns it (user or
//! organisation) and the token's role (`read`, `write`, `fineGrained`).

use super::common::{bearer, copy_fields, json, message, rejected, short, transport, unexpected};
use crate::{Candidate, Ctx, Outcome, Provider};
use leakscope_core::Validation;
use serde_json::{Map, Value};

pub struct HuggingFace;

impl Provider for HuggingFace {
    fn name(&self) -> &'static str {
        "huggingface"
    }

    fn kinds(&self) -> &'static [&'static str] {
        &["huggingface_access_token"]
    }

    fn default_base(&self) -> Option<&'static str> {
        Some("https://huggingface.co")
    }

    fn validate(&self, c: &Candidate<'_>, ctx: &Ctx<'_>) -> Validation {
        let Some(token) = c.secret() else {
            return Outcome::unknown("no secret to check").into();
        };
        let resp = match ctx.get("/api/whoami-v2", &[bearer(token)], &[token]) {
            Ok(r) => r,
            Err(e) => return transport(&e),
        };
        let body = json(&resp);
        let msg = message(body.as_ref(), &["/error"]);
        match resp.status {
            200..=299 => {
                let b = body.as_ref();
                let mut id = Map::new();
                copy_fields(&mut id, b, &["name", "type"]);
                let token_info = b.and_then(|v| v.pointer("/auth/accessToken"));
                if let Some(role) = token_info
                    .and_then(|t| t.get("role"))
                    .and_then(Value::as_str)
                {
                    id.insert("token_role".into(), Value::String(short(role)));
                }
                if let Some(name) = token_info
                    .and_then(|t| t.get("displayName"))
                    .and_then(Value::as_str)
                {
                    id.insert("token_name".into(), Value::String(short(name)));
                }
                let orgs: Vec<Value> = b
                    .and_then(|v| v.get("orgs"))
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|o| o.get("name").and_then(Value::as_str))
                            .take(20)
                            .map(|n| Value::String(short(n)))
                            .collect()
                    })
                    .unwrap_or_default();
                if !orgs.is_empty() {
                    id.insert("orgs".into(), Value::Array(orgs));
                }
                Outcome::live(id).into()
            }
            401 => rejected(&resp, "invalid_credentials", msg),
            _ => unexpected(&resp, msg),
        }
    }
}
