//! Stripe: `GET /v1/account` (the account the key belongs to) with the key as a bearer.
//!
//! Restricted keys (`rk_`) may lack the permission to read the account. Stripe checks the
//! key before the permission: an unknown, rolled or expired key gets 401 and never reaches
//! the permission check, so a 403 permission error proves the key is live — it is reported
//! `live` with the reason, and no identity.

use super::common::{bearer, copy_fields, json, message, rejected, slug, transport, unexpected};
use crate::{Candidate, Ctx, Outcome, Provider};
use leakscope_core::Validation;
use serde_json::{Map, Value};

pub struct Stripe;

impl Provider for Stripe {
    fn name(&self) -> &'static str {
        "stripe"
    }

    fn kinds(&self) -> &'static [&'static str] {
        // Webhook signing secrets never authenticate to the API.
        &["stripe_api_key"]
    }

    fn default_base(&self) -> Option<&'static str> {
        Some("https://api.stripe.com")
    }

    fn validate(&self, c: &Candidate<'_>, ctx: &Ctx<'_>) -> Validation {
        let Some(key) = c.secret() else {
            return Outcome::unknown("no secret to check").into();
        };
        let resp = match ctx.get("/v1/account", &[bearer(key)], &[key]) {
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
        let mode = if key.contains("_test_") {
            "test"
        } else {
            "live"
        };
        match resp.status {
            200..=299 => {
                let mut id = Map::new();
                copy_fields(&mut id, body.as_ref(), &["id", "country"]);
                id.insert("mode".into(), Value::String(mode.into()));
                Outcome::live(id).into()
            }
            401 => rejected(&resp, code.as_deref().unwrap_or("invalid_api_key"), msg),
            403 if msg
                .as_deref()
                .is_some_and(|m| m.to_ascii_lowercase().contains("permission")) =>
            {
                let mut id = Map::new();
                id.insert("mode".into(), Value::String(mode.into()));
                Outcome::live(id)
                    .reason(format!(
                        "restricted key: authenticated, but not permitted to read the account{}",
                        msg.map(|m| format!(" ({m})")).unwrap_or_default()
                    ))
                    .into()
            }
            _ => unexpected(&resp, msg),
        }
    }
}
