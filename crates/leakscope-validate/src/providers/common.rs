//! Reading answers the same way for every provider.

use crate::outcome::Outcome;
use leakscope_core::Validation;
use leakscope_http::{HttpError, Response};
use serde_json::{Map, Value};

/// Longest piece of a server's message we keep: enough to explain, not a dump.
const MAX_MESSAGE: usize = 200;

pub fn bearer(secret: &str) -> (&'static str, String) {
    ("Authorization", format!("Bearer {secret}"))
}

pub fn json(resp: &Response) -> Option<Value> {
    serde_json::from_slice(&resp.body).ok()
}

/// The first string at any of `pointers` (JSON pointers), shortened.
pub fn message(body: Option<&Value>, pointers: &[&str]) -> Option<String> {
    let body = body?;
    pointers
        .iter()
        .find_map(|p| body.pointer(p).and_then(Value::as_str))
        .map(short)
}

pub fn short(s: &str) -> String {
    let s = s.trim();
    match s.char_indices().nth(MAX_MESSAGE) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// `Bad credentials` → `bad_credentials`, for `error_code`.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.trim().chars().take(48) {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_string()
}

/// Copies the string or number fields `keys` of `from` into `to`.
pub fn copy_fields(to: &mut Map<String, Value>, from: Option<&Value>, keys: &[&str]) {
    let Some(from) = from else { return };
    for k in keys {
        if let Some(v @ (Value::String(_) | Value::Number(_) | Value::Bool(_))) = from.get(k) {
            to.insert((*k).to_string(), v.clone());
        }
    }
}

/// A comma-separated scope header (`X-OAuth-Scopes: repo, gist`).
pub fn scope_list(header: &str) -> Vec<String> {
    header
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// No response: the budget ran out (no verdict) or the request failed (error).
pub fn transport(e: &HttpError) -> Validation {
    match e {
        HttpError::Budget(_) => Outcome::unknown(e.to_string())
            .error_code("budget_exhausted")
            .into(),
        _ => Outcome::error(e.to_string()).into(),
    }
}

/// A status the provider's documentation gives no verdict for.
pub fn unexpected(resp: &Response, message: Option<String>) -> Validation {
    let (code, what) = match resp.status {
        429 => ("rate_limited", "rate limited"),
        500..=599 => ("server_error", "server error"),
        _ => ("unexpected_status", "unexpected answer"),
    };
    let mut reason = format!("{what} (HTTP {})", resp.status);
    if let Some(m) = message {
        reason.push_str(": ");
        reason.push_str(&m);
    }
    Outcome::unknown(reason)
        .error_code(code)
        .field("http_status", Value::from(resp.status))
        .into()
}

/// A 401/403 that the provider documents as "this credential is not valid".
pub fn rejected(resp: &Response, code: &str, message: Option<String>) -> Validation {
    let reason = match message {
        Some(m) => format!("HTTP {}: {m}", resp.status),
        None => format!("HTTP {}", resp.status),
    };
    Outcome::rejected(code, reason)
        .field("http_status", Value::from(resp.status))
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_and_shortens() {
        assert_eq!(slug("Bad credentials"), "bad_credentials");
        assert_eq!(slug("  401 Unauthorized!! "), "401_unauthorized");
        assert_eq!(short(&"x".repeat(300)).chars().count(), MAX_MESSAGE + 1);
        assert_eq!(scope_list("repo, gist,,"), ["repo", "gist"]);
    }
}
