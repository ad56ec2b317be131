//! SendGrid: `GET /v3/scopes` with the key as a bearer: the scopes the key holds.

use super::common::{bearer, json, message, rejected, short, slug, transport, unexpected};
use crate::{Candidate, Ctx, Outcome, Provider};
use leakscope_core::Validation;
use serde_json::{Map, Value};

pub struct SendGrid;

impl Provider for SendGrid {
    fn name(&self) -> &'static str {
        "sendgrid"
    }

    fn kinds(&self) -> &'static [&'static str] {
        &["sendgrid_api_key"]
    }

    fn default_base(&self) -> Option<&'static str> {
        Some("https://api.sendgrid.com")
    }

    fn validate(&self, c: &Candidate<'_>, ctx: &Ctx<'_>) -> Validation {
        let Some(key) = c.secret() else {
            return Outcome::unknown("no secret to check").into();
        };
        let resp = match ctx.get("/v3/scopes", &[bearer(key)], &[key]) {
            Ok(r) => r,
            Err(e) => return transport(&e),
        };
        let body = json(&resp);
        let msg = message(body.as_ref(), &["/errors/0/message"]);
        match resp.status {
            200..=299 => {
                let scopes: Vec<String> = body
                    .as_ref()
                    .and_then(|v| v.get("scopes"))
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(|s| s.as_str().map(short)).collect())
                    .unwrap_or_default();
                Outcome::live(Map::new()).scopes(scopes).into()
            }
            401 => {
                let code = msg
                    .as_deref()
                    .map(slug)
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| "unauthorized".to_string());
                rejected(&resp, &code, msg)
            }
            _ => unexpected(&resp, msg),
        }
    }
}
