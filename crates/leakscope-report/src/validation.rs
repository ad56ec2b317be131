//! The one-line form of a live-check result, shared by the human and SARIF outputs:
//! `LIVE (github: octocat, scopes repo, gist)`, `rejected (bad_credentials)`.

use leakscope_core::Validation;
use serde_json::Value;

/// Identity fields that name who a credential acts as, most telling first.
const WHO: &[&str] = &[
    "login",
    "username",
    "arn",
    "user",
    "name",
    "token_name",
    "id",
    "account",
    "organization",
    "user_id",
];

const MAX_SCOPES: usize = 8;

/// The line and its ANSI colour code.
pub(crate) fn line(v: &Validation) -> (String, &'static str) {
    let get = |k: &str| v.extra.get(k).and_then(Value::as_str);
    let provider = get("provider").unwrap_or("?");
    let cached = if v.extra.get("cached").and_then(Value::as_bool) == Some(true) {
        " [cached]"
    } else {
        ""
    };
    match v.status.as_str() {
        "live" => {
            let who = v.extra.get("identity").and_then(|id| {
                WHO.iter().find_map(|k| match id.get(k)? {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
            });
            let mut parts = vec![match &who {
                Some(w) => format!("{provider}: {w}"),
                None => provider.to_string(),
            }];
            if let Some(scopes) = v.extra.get("scopes").and_then(Value::as_array) {
                let names: Vec<&str> = scopes.iter().filter_map(Value::as_str).collect();
                parts.push(match names.len() {
                    0 => "no scopes".to_string(),
                    n if n > MAX_SCOPES => format!(
                        "scopes {} +{} more",
                        names[..MAX_SCOPES].join(", "),
                        n - MAX_SCOPES
                    ),
                    _ => format!("scopes {}", names.join(", ")),
                });
            }
            let mut text = format!("LIVE ({})", parts.join(", "));
            if let (None, Some(reason)) = (&who, get("reason")) {
                text.push_str(&format!(": {reason}"));
            }
            (format!("{text}{cached}"), "1;31")
        }
        "rejected" => {
            let code = get("error_code")
                .map(|c| format!(" ({c})"))
                .unwrap_or_default();
            (format!("rejected{code}{cached}"), "32")
        }
        status => {
            let why = get("reason").map(|r| format!(" ({r})")).unwrap_or_default();
            (format!("validation {status}{why}"), "33")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn v(j: Value) -> Validation {
        let Value::Object(mut m) = j else { panic!() };
        let status = m
            .remove("status")
            .and_then(|s| s.as_str().map(String::from));
        Validation {
            status: status.unwrap_or_default(),
            probed: vec![],
            extra: m,
        }
    }

    #[test]
    fn lines() {
        let live = v(
            json!({"status":"live","provider":"github","identity":{"login":"octocat","id":1},"scopes":["repo","gist"]}),
        );
        assert_eq!(line(&live).0, "LIVE (github: octocat, scopes repo, gist)");
        let rej =
            v(json!({"status":"rejected","provider":"github","error_code":"bad_credentials"}));
        assert_eq!(line(&rej).0, "rejected (bad_credentials)");
        let restricted = v(
            json!({"status":"live","provider":"stripe","identity":{"mode":"live"},"reason":"restricted key","cached":true}),
        );
        assert_eq!(
            line(&restricted).0,
            "LIVE (stripe): restricted key [cached]"
        );
        let unk = v(
            json!({"status":"unknown","provider":"aws","reason":"key id without its secret access key nearby"}),
        );
        assert_eq!(
            line(&unk).0,
            "validation unknown (key id without its secret access key nearby)"
        );
    }
}
