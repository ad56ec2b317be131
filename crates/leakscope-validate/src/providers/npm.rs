//! npm: `GET /-/whoami` on the public registry with the token as a bearer.
//!
//! Only `npm_` tokens are checked. A legacy UUID `_authToken` may belong to any registry
//! named on its `.npmrc` line (GitHub Packages, Artifactory …), which the match does not
//! carry, so sending it to registry.npmjs.org could hand it to the wrong party.

use super::common::{bearer, copy_fields, json, message, rejected, transport, unexpected};
use crate::{Candidate, Ctx, Outcome, Provider};
use leakscope_core::Validation;
use serde_json::Map;

pub struct Npm;

impl Provider for Npm {
    fn name(&self) -> &'static str {
        "npm"
    }

    fn kinds(&self) -> &'static [&'static str] {
        &["npm_access_token"]
    }

    fn default_base(&self) -> Option<&'static str> {
        Some("https://registry.npmjs.org")
    }

    fn validate(&self, c: &Candidate<'_>, ctx: &Ctx<'_>) -> Validation {
        let Some(token) = c.secret() else {
            return Outcome::unknown("no secret to check").into();
        };
        if !token.starts_with("npm_") {
            return Outcome::unknown(
                "legacy npm token: the registry it belongs to is not known, so it is not sent anywhere",
            )
            .into();
        }
        let resp = match ctx.get("/-/whoami", &[bearer(token)], &[token]) {
            Ok(r) => r,
            Err(e) => return transport(&e),
        };
        let body = json(&resp);
        let msg = message(body.as_ref(), &["/error", "/message"]);
        match resp.status {
            200..=299 => {
                let mut id = Map::new();
                copy_fields(&mut id, body.as_ref(), &["username"]);
                Outcome::live(id).into()
            }
            401 => rejected(&resp, "unauthorized", msg),
            _ => unexpected(&resp, msg),
        }
    }
}
