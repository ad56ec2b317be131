//! What a provider concluded, as the `validation` object of DESIGN.md §3.

use leakscope_core::Validation;
use serde_json::{Map, Value};

/// The verdict of one live check. Serialised as `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// The provider accepted the credential (its identity call answered 2xx, or a
    /// permission error that only an authenticated caller can get).
    Live,
    /// The provider said the credential is not valid (wrong, revoked, expired).
    Rejected,
    /// No verdict: a pair half is missing, the provider was rate limiting, the budget ran
    /// out, or the answer was one we cannot interpret.
    Unknown,
    /// The request did not complete (network, timeout, refused host).
    Error,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Live,
        Status::Rejected,
        Status::Unknown,
        Status::Error,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Live => "live",
            Status::Rejected => "rejected",
            Status::Unknown => "unknown",
            Status::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// The status of a [`Validation`], if it holds one of the four.
    pub fn of(v: &Validation) -> Option<Status> {
        Status::parse(&v.status)
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Builder for a provider's result. The validator adds `provider`, `probed`, `checked_at`
/// and `cached`, and redacts every string before it leaves the crate.
#[derive(Debug, Clone)]
pub struct Outcome {
    status: Status,
    extra: Map<String, Value>,
}

impl Outcome {
    pub fn new(status: Status) -> Outcome {
        Outcome {
            status,
            extra: Map::new(),
        }
    }

    /// Accepted, with who the credential acts as (may be empty when the call names nobody).
    pub fn live(identity: Map<String, Value>) -> Outcome {
        let o = Outcome::new(Status::Live);
        if identity.is_empty() {
            o
        } else {
            o.field("identity", Value::Object(identity))
        }
    }

    /// Refused as invalid, with the provider's error code.
    pub fn rejected(error_code: &str, reason: impl Into<String>) -> Outcome {
        Outcome::new(Status::Rejected)
            .error_code(error_code)
            .reason(reason)
    }

    pub fn unknown(reason: impl Into<String>) -> Outcome {
        Outcome::new(Status::Unknown).reason(reason)
    }

    pub fn error(reason: impl Into<String>) -> Outcome {
        Outcome::new(Status::Error).reason(reason)
    }

    pub fn status(&self) -> Status {
        self.status
    }

    pub fn reason(self, reason: impl Into<String>) -> Outcome {
        self.field("reason", Value::String(reason.into()))
    }

    pub fn error_code(self, code: &str) -> Outcome {
        self.field("error_code", Value::String(code.to_string()))
    }

    /// Scopes or permissions the provider reported for the credential.
    pub fn scopes<S: Into<String>>(self, scopes: impl IntoIterator<Item = S>) -> Outcome {
        let list: Vec<Value> = scopes
            .into_iter()
            .map(|s| Value::String(s.into()))
            .collect();
        self.field("scopes", Value::Array(list))
    }

    pub fn field(mut self, key: &str, value: Value) -> Outcome {
        self.extra.insert(key.to_string(), value);
        self
    }

    pub fn into_validation(self) -> Validation {
        Validation {
            status: self.status.as_str().to_string(),
            probed: Vec::new(),
            extra: self.extra,
        }
    }
}

impl From<Outcome> for Validation {
    fn from(o: Outcome) -> Validation {
        o.into_validation()
    }
}

/// Reads a [`Validation`] back from the JSON it serialises to (the datastore's cache).
pub fn validation_from_json(value: Value) -> Option<Validation> {
    let Value::Object(mut map) = value else {
        return None;
    };
    let status = match map.remove("status") {
        Some(Value::String(s)) if Status::parse(&s).is_some() => s,
        _ => return None,
    };
    let probed = match map.remove("probed") {
        Some(Value::Array(items)) => items
            .into_iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    };
    Some(Validation {
        status,
        probed,
        extra: map,
    })
}

/// Replaces every secret in every string of `v` (keys included), so nothing a server
/// echoed back can carry a credential into a report or the datastore.
pub fn redact_validation(v: &mut Validation, secrets: &[&str]) {
    v.status = leakscope_http::redact(&v.status, secrets);
    for p in &mut v.probed {
        *p = leakscope_http::redact(p, secrets);
    }
    let extra = std::mem::take(&mut v.extra);
    v.extra = extra
        .into_iter()
        .map(|(k, mut val)| {
            redact_value(&mut val, secrets);
            (leakscope_http::redact(&k, secrets), val)
        })
        .collect();
}

fn redact_value(v: &mut Value, secrets: &[&str]) {
    match v {
        Value::String(s) => *s = leakscope_http::redact(s, secrets),
        Value::Array(items) => items.iter_mut().for_each(|i| redact_value(i, secrets)),
        Value::Object(map) => {
            let taken = std::mem::take(map);
            *map = taken
                .into_iter()
                .map(|(k, mut val)| {
                    redact_value(&mut val, secrets);
                    (leakscope_http::redact(&k, secrets), val)
                })
                .collect();
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn builds_and_reads_back() {
        let mut id = Map::new();
        id.insert("login".into(), json!("octocat"));
        let mut v = Outcome::live(id).scopes(["repo", "gist"]).into_validation();
        v.probed.push("GET https://api.github.com/user".into());
        let json = serde_json::to_value(&v).unwrap_or_default();
        assert_eq!(json["status"], "live");
        assert_eq!(json["identity"]["login"], "octocat");
        assert_eq!(json["scopes"], json!(["repo", "gist"]));
        let back = validation_from_json(json).unwrap_or_else(|| Outcome::error("x").into());
        assert_eq!(back.status, "live");
        assert_eq!(back.probed, ["GET https://api.github.com/user"]);
        assert!(validation_from_json(json!({"status": "maybe"})).is_none());
    }

    #[test]
    fn redacts_nested_strings() {
        let mut v = Outcome::rejected("bad", "server said tok_abcdef is wrong")
            .field("identity", json!({"echo": ["x tok_abcdef y"]}))
            .into_validation();
        redact_validation(&mut v, &["tok_abcdef"]);
        let s = serde_json::to_string(&v).unwrap_or_default();
        assert!(!s.contains("tok_abcdef"), "{s}");
        assert!(s.contains("[REDACTED]"));
    }
}
