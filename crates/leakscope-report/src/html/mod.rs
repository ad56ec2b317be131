//! The HTML report of a datastore: one self-contained file (inline CSS and script, data
//! as JSON) that works offline and loads nothing. A Content-Security-Policy allows only
//! the page's own style and script, by hash, so even if a value from a scanned file got
//! past the escaping it could neither run nor fetch anything.

use base64::Engine as _;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::io::{self, Write};

const TEMPLATE: &str = include_str!("report.html");
const STYLE: &str = include_str!("report.css");
const SCRIPT: &str = include_str!("report.js");

fn csp_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// The policy: nothing from anywhere, except this page's style and script (by hash) and
/// `data:` images (the empty favicon, which keeps browsers from asking for one).
fn csp() -> String {
    format!(
        "default-src 'none'; script-src {}; style-src {}; img-src data:; base-uri 'none'; form-action 'none'",
        csp_hash(SCRIPT),
        csp_hash(STYLE)
    )
}

/// JSON that is safe inside `<script type="application/json">`: `<`, `>` and `&` become
/// `\u003c` and friends, so no string can close the element (`</script>`) or open a
/// comment, and `JSON.parse` still reads the same values.
pub(crate) fn script_json(v: &Value) -> String {
    let text = serde_json::to_string(v).unwrap_or_else(|_| "null".into());
    let mut out = String::with_capacity(text.len() + 64);
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            // Valid in JSON, but line terminators in older JavaScript parsers.
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

fn attr_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Writes the page for `data` (what the script reads: `generated_at`, `tool_version`,
/// `datastore`, `scans`, `secrets`).
pub fn render(data: &Value, out: &mut dyn Write) -> io::Result<()> {
    let version = data
        .get("tool_version")
        .and_then(Value::as_str)
        .unwrap_or("");
    // Fill `{{NAME}}` slots in one pass over the template, so nothing inserted is ever
    // searched for further slots.
    let mut rest = TEMPLATE;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start..].find("}}") else {
            break;
        };
        out.write_all(&rest.as_bytes()[..start])?;
        let name = &rest[start + 2..start + len];
        match name {
            "CSP" => out.write_all(csp().as_bytes())?,
            "VERSION" => out.write_all(attr_escape(version).as_bytes())?,
            "STYLE" => out.write_all(STYLE.as_bytes())?,
            "SCRIPT" => out.write_all(SCRIPT.as_bytes())?,
            "DATA" => out.write_all(script_json(data).as_bytes())?,
            other => out.write_all(format!("{{{{{other}}}}}").as_bytes())?,
        }
        rest = &rest[start + len + 2..];
    }
    out.write_all(rest.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_cannot_close_its_script_element() {
        let v = serde_json::json!({ "path": "</script><script>alert(1)</script><!-- & \u{2028}" });
        let s = script_json(&v);
        assert!(
            !s.contains('<') && !s.contains('>') && !s.contains('&'),
            "{s}"
        );
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn assets_hold_no_slots_and_the_policy_hashes_them() {
        for asset in [STYLE, SCRIPT] {
            assert!(!asset.contains("{{"), "assets are inserted verbatim");
            assert!(!asset.contains("</script") && !asset.contains("</style"));
        }
        let c = csp();
        assert!(c.contains(&csp_hash(SCRIPT)) && c.starts_with("default-src 'none'"));
    }
}
