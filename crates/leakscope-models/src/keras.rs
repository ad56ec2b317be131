//! Keras model configurations (JSON): `Lambda` layers carry marshalled Python
//! bytecode, and `module`/`class_name` pairs name what the loader imports.

use serde_json::Value as J;

use crate::policy::{Class, Policy};
use crate::verdict::{Builder, VerdictKind};

const MAX_DEPTH: usize = 64;

/// Names whose presence in a Lambda's bytecode means it reaches the OS or eval.
const DANGEROUS_NAMES: &[&str] = &[
    "os",
    "posix",
    "nt",
    "subprocess",
    "system",
    "popen",
    "Popen",
    "exec",
    "eval",
    "compile",
    "__import__",
    "open",
    "socket",
    "builtins",
    "__builtins__",
    "getattr",
    "importlib",
    "shutil",
    "pty",
    "spawn",
    "check_output",
    "run",
    "urlopen",
    "requests",
];

pub fn analyze_config(b: &mut Builder, bytes: &[u8], what: &str, policy: &Policy) {
    match serde_json::from_slice::<J>(bytes) {
        Ok(v) => walk(b, &v, what, policy, 0),
        Err(e) => b.flag(
            VerdictKind::Malformed,
            format!("{what}: invalid JSON ({e})"),
        ),
    }
}

fn is_keras_module(m: &str) -> bool {
    let root = m.split('.').next().unwrap_or(m);
    matches!(
        root,
        "keras" | "tf_keras" | "keras_nlp" | "keras_cv" | "keras_hub"
    ) || m.starts_with("tensorflow.keras")
        || m.starts_with("tensorflow.python.keras")
}

fn walk(b: &mut Builder, v: &J, what: &str, policy: &Policy, depth: usize) {
    if depth > MAX_DEPTH {
        b.flag(
            VerdictKind::Suspicious,
            format!("{what}: configuration nested too deeply to check"),
        );
        return;
    }
    match v {
        J::Object(map) => {
            let class = map.get("class_name").and_then(J::as_str);
            let module = map.get("module").and_then(J::as_str);
            if class == Some("Lambda") {
                lambda(b, map.get("config").and_then(|c| c.get("function")), what);
            } else if class == Some("__lambda__") {
                // A serialized lambda anywhere (an activation, a loss) is the same code;
                // inside a Lambda layer this repeats the finding above (deduplicated).
                lambda(b, map.get("config"), what);
            }
            if let (Some(m), Some(c)) = (module, class) {
                if !is_keras_module(m) {
                    let path = format!("{m}.{c}");
                    b.global(path.clone());
                    match policy.classify(m, c).0 {
                        Class::Denied => {
                            b.denied(path.clone());
                            b.flag(
                                VerdictKind::Malicious,
                                format!(
                                    "{what}: object references {path}, a known dangerous import"
                                ),
                            );
                        }
                        Class::Unknown => {
                            b.unknown(path.clone());
                            b.flag(
                                VerdictKind::Suspicious,
                                format!("{what}: object imported from module {m} ({path}), outside Keras"),
                            );
                        }
                        Class::Allowed => {}
                    }
                }
            }
            // A function reference by name: {"class_name": "function", "config": "name", "module": "..."}
            if class == Some("function") {
                if let (Some(m), Some(f)) = (module, map.get("config").and_then(J::as_str)) {
                    if !is_keras_module(m) {
                        let path = format!("{m}.{f}");
                        b.global(path.clone());
                        if policy.classify(m, f).0 == Class::Denied {
                            b.denied(path.clone());
                            b.flag(
                                VerdictKind::Malicious,
                                format!("{what}: function reference {path}"),
                            );
                        }
                    }
                }
            }
            if let Some(r) = map.get("registered_name").and_then(J::as_str) {
                if r.contains('>') {
                    b.flag(
                        VerdictKind::Suspicious,
                        format!("{what}: custom registered object {r} (needs user code to load)"),
                    );
                }
            }
            for (_, child) in map {
                walk(b, child, what, policy, depth + 1);
            }
        }
        J::Array(items) => {
            for child in items {
                walk(b, child, what, policy, depth + 1);
            }
        }
        _ => {}
    }
}

/// A Lambda layer's function: a base64 marshalled code object (v3:
/// `{"class_name": "__lambda__", "config": {"code": …}}`, v2: `[code, defaults, closure]`).
fn lambda(b: &mut Builder, func: Option<&J>, what: &str) {
    let mut codes = Vec::new();
    collect_strings(func, &mut codes, 0);
    let mut names = Vec::new();
    for c in &codes {
        if let Some(raw) = b64(c) {
            for tok in tokens(&raw) {
                if DANGEROUS_NAMES.contains(&tok.as_str()) && !names.contains(&tok) {
                    names.push(tok);
                }
            }
        }
    }
    b.global("keras.layers.Lambda".into());
    if names.is_empty() {
        b.flag(
            VerdictKind::Suspicious,
            format!("{what}: Lambda layer or serialized lambda carries Python bytecode (runs on load with safe_mode=False)"),
        );
    } else {
        b.flag(
            VerdictKind::Malicious,
            format!(
                "{what}: Lambda layer or serialized lambda bytecode references {} (runs on load with safe_mode=False)",
                names.join(", ")
            ),
        );
        b.call(format!(
            "keras.layers.Lambda(<bytecode using {}>)",
            names.join(", ")
        ));
    }
}

fn collect_strings(v: Option<&J>, out: &mut Vec<String>, depth: usize) {
    if depth > 8 {
        return;
    }
    match v {
        Some(J::String(s)) => out.push(s.clone()),
        Some(J::Array(a)) => a
            .iter()
            .for_each(|x| collect_strings(Some(x), out, depth + 1)),
        Some(J::Object(m)) => m
            .values()
            .for_each(|x| collect_strings(Some(x), out, depth + 1)),
        _ => {}
    }
}

/// Identifier-like runs in marshalled bytes (co_names, co_consts strings).
fn tokens(raw: &[u8]) -> Vec<String> {
    raw.split(|&c| !(c.is_ascii_alphanumeric() || c == b'_'))
        .filter(|t| !t.is_empty() && t.len() < 64)
        .map(|t| String::from_utf8_lossy(t).into_owned())
        .collect()
}

/// Standard/URL-safe base64 with optional padding and line breaks.
pub fn b64(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' | b'\n' | b'\r' => continue,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}
