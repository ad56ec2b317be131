//! The one-line form of a live-check result, shared by the human and SARIF outputs:
//! `LIVE (github: octocat, scopes repo, gist)`, `rejected (bad_credentials)`, and for a live
//! Azure credential with an access map what it reaches (`LIVE — lists 3 containers, 1,204
//! blobs, 38.2 GB; 2 public; 5 model files`).

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
        "live" if v.extra.contains_key("access") => {
            let reach = v.extra.get("access").map(access).unwrap_or_default();
            (format!("LIVE — {reach}{cached}"), "1;31")
        }
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
            let http = v
                .extra
                .get("http_status")
                .and_then(Value::as_u64)
                .map(|st| format!("HTTP {st}"));
            let why: Vec<String> = get("error_code")
                .map(str::to_string)
                .into_iter()
                .chain(http)
                .collect();
            let code = if why.is_empty() {
                String::new()
            } else {
                format!(" ({})", why.join(", "))
            };
            (format!("rejected{code}{cached}"), "32")
        }
        status => {
            let why = get("reason")
                .or(get("error"))
                .map(|r| format!(" ({r})"))
                .unwrap_or_default();
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

fn access(a: &Value) -> String {
    let n = |v: Option<&Value>| v.and_then(Value::as_u64).unwrap_or(0);
    let list = |k: &str| a.get(k).and_then(Value::as_array);
    let mut parts: Vec<String> = Vec::new();
    let containers = list("containers").map_or(0, Vec::len);
    if containers > 0 {
        parts.push(format!(
            "lists {} container{}, {} blob{}, {}",
            thousands(containers as u64),
            plural(containers as u64),
            thousands(n(a.get("total_blobs"))),
            plural(n(a.get("total_blobs"))),
            bytes(n(a.get("total_bytes")))
        ));
        let cs = list("containers").cloned().unwrap_or_default();
        let public = cs
            .iter()
            .filter(|c| matches!(c["public_access"].as_str(), Some("blob" | "container")))
            .count();
        if public > 0 {
            parts.push(format!("{public} public"));
        }
        let models: u64 = cs.iter().map(|c| n(c.get("model_file_count"))).sum();
        if models > 0 {
            parts.push(format!(
                "{} model file{}",
                thousands(models),
                plural(models)
            ));
        }
    }
    let others: Vec<String> = [
        ("queues", "queue"),
        ("tables", "table"),
        ("shares", "share"),
    ]
    .iter()
    .filter_map(|(k, one)| {
        let c = list(k)?.len() as u64;
        Some(format!("{} {one}{}", thousands(c), plural(c)))
    })
    .collect();
    if !others.is_empty() {
        parts.push(others.join(", "));
    }
    if parts.is_empty() {
        parts.push("nothing listed".into());
    }
    if a.get("complete").and_then(Value::as_bool) == Some(false) {
        parts.push(format!(
            "incomplete after {} requests",
            thousands(n(a.get("requests")))
        ));
    }
    parts.join("; ")
}

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// `1204` → `1,204`.
fn thousands(n: u64) -> String {
    let digits: Vec<char> = n.to_string().chars().rev().collect();
    let groups: Vec<String> = digits
        .chunks(3)
        .map(|c| c.iter().rev().collect())
        .rev()
        .collect();
    groups.join(",")
}

/// Decimal units, one decimal place: `38.2 GB`.
fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["kB", "MB", "GB", "TB", "PB"];
    if n < 1000 {
        return format!("{n} B");
    }
    let mut v = n as f64;
    let mut unit = "B";
    for u in UNITS {
        if v < 1000.0 {
            break;
        }
        v /= 1000.0;
        unit = u;
    }
    format!("{v:.1} {unit}")
}

#[cfg(test)]
mod access_tests {
    use super::*;
    use serde_json::json;

    fn v(status: &str, extra: Value) -> Validation {
        Validation {
            status: status.into(),
            probed: vec![],
            extra: extra.as_object().cloned().unwrap_or_default(),
        }
    }

    #[test]
    fn lines() {
        let a = json!({"access": {
            "containers": [
                {"name": "a", "public_access": "container", "model_file_count": 3},
                {"name": "b", "public_access": "private", "model_file_count": 2},
                {"name": "c", "public_access": "blob", "model_file_count": 0}],
            "queues": [{"name": "q"}], "tables": [],
            "total_blobs": 1204, "total_bytes": 38_200_000_000u64,
            "complete": true, "requests": 9}});
        assert_eq!(
            line(&v("live", a)).0,
            "LIVE — lists 3 containers, 1,204 blobs, 38.2 GB; 2 public; 5 model files; 1 queue, 0 tables"
        );
        assert_eq!(
            line(&v(
                "rejected",
                json!({"error_code": "AuthenticationFailed", "http_status": 403})
            ))
            .0,
            "rejected (AuthenticationFailed, HTTP 403)"
        );
        assert_eq!(
            line(&v("unknown", json!({"reason": "no endpoint"}))).0,
            "validation unknown (no endpoint)"
        );
        let partial = json!({"access": {"containers": [{"name": "a"}], "total_blobs": 1,
            "total_bytes": 999, "complete": false, "requests": 100}});
        assert_eq!(
            line(&v("live", partial)).0,
            "LIVE — lists 1 container, 1 blob, 999 B; incomplete after 100 requests"
        );
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
