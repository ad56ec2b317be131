//! GGUF (llama.cpp): header, metadata key/values and tensor infos are validated;
//! chat templates (Jinja, rendered by inference servers) are reported and checked for
//! sandbox-escape patterns.

use crate::input::{Cursor, RandomAccess};
use crate::verdict::{Builder, VerdictKind};

const MAX_KV: u64 = 1 << 20;
const MAX_TENSORS: u64 = 1 << 22;
const MAX_STRING: u64 = 64 << 20;
const MAX_ARRAY: u64 = 1 << 26;

/// Jinja template fragments that reach Python internals (server-side template
/// injection). Dunder names (`__class__`, `__globals__`…) are matched separately.
const SSTI: &[&str] = &[
    "|attr(",
    "attr(",
    "\\x5f",
    "\\u005f",
    "popen",
    "subprocess",
    "os.system",
    "eval(",
    "exec(",
    "lipsum",
    "cycler",
    "joiner",
    "self._TemplateReference",
    "request.application",
];

/// `__name__`-shaped identifiers anywhere in the template.
fn dunders(t: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = t;
    while let Some(i) = rest.find("__") {
        let after = &rest[i + 2..];
        let name_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        let name = &after[..name_len];
        if let Some(core) = name.strip_suffix("__") {
            if !core.is_empty() && core.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                let d = format!("__{core}__");
                if !out.contains(&d) {
                    out.push(d);
                }
            }
        }
        // Step past the name (or one whole character, never into a UTF-8 sequence).
        let step = if name_len > 0 {
            name_len
        } else {
            after.chars().next().map_or(0, char::len_utf8)
        };
        rest = &after[step..];
    }
    out
}

struct Reader<'a> {
    c: Cursor<'a>,
}

impl Reader<'_> {
    fn bytes(&mut self, n: usize) -> Result<Vec<u8>, String> {
        self.c
            .take(n)
            .map_err(|_| format!("truncated at byte {}", self.c.pos()))
    }
    fn u32(&mut self) -> Result<u32, String> {
        let b = self.bytes(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn u64(&mut self) -> Result<u64, String> {
        let b = self.bytes(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(&b);
        Ok(u64::from_le_bytes(a))
    }
    fn skip(&mut self, n: u64) -> Result<(), String> {
        self.c
            .skip(n)
            .map_err(|_| format!("truncated at byte {}", self.c.pos()))
    }
    /// A string; kept only when `keep`.
    fn string(&mut self, keep: bool) -> Result<Option<String>, String> {
        let n = self.u64()?;
        if n > MAX_STRING {
            return Err(format!("string of {n} bytes at byte {}", self.c.pos()));
        }
        if keep {
            let b = self.bytes(n as usize)?;
            Ok(Some(String::from_utf8_lossy(&b).into_owned()))
        } else {
            self.skip(n)?;
            Ok(None)
        }
    }
    /// Keys and tensor names: the spec caps them at 65535 bytes.
    fn key(&mut self) -> Result<String, String> {
        let at = self.c.pos();
        let n = self.u64()?;
        if n > 65535 {
            return Err(format!("name of {n} bytes at byte {at}"));
        }
        let b = self.bytes(n as usize)?;
        Ok(String::from_utf8_lossy(&b).into_owned())
    }

    fn value(&mut self, ty: u32, keep: bool, depth: u8) -> Result<Option<String>, String> {
        let fixed = match ty {
            0 | 1 | 7 => 1,
            2 | 3 => 2,
            4..=6 => 4,
            10..=12 => 8,
            8 => return self.string(keep),
            9 => {
                if depth > 2 {
                    return Err("nested arrays too deep".into());
                }
                let et = self.u32()?;
                let n = self.u64()?;
                if n > MAX_ARRAY {
                    return Err(format!("array of {n} elements"));
                }
                // Fixed-size elements are skipped in one step.
                let width = match et {
                    0 | 1 | 7 => Some(1u64),
                    2 | 3 => Some(2),
                    4..=6 => Some(4),
                    10..=12 => Some(8),
                    _ => None,
                };
                match width {
                    Some(w) => self.skip(n * w)?,
                    None => {
                        for _ in 0..n {
                            self.value(et, false, depth + 1)?;
                        }
                    }
                }
                return Ok(None);
            }
            t => return Err(format!("unknown metadata value type {t}")),
        };
        if keep {
            let b = self.bytes(fixed)?;
            let mut a = [0u8; 8];
            a[..fixed].copy_from_slice(&b);
            Ok(Some(u64::from_le_bytes(a).to_string()))
        } else {
            self.skip(fixed as u64).map(|_| None)
        }
    }
}

pub fn analyze(b: &mut Builder, src: &dyn RandomAccess) {
    match parse(b, src) {
        Ok(()) => b.note("GGUF: header and metadata valid; format holds no executable code"),
        Err(e) => b.flag(VerdictKind::Malformed, format!("GGUF: {e}")),
    }
}

fn parse(b: &mut Builder, src: &dyn RandomAccess) -> Result<(), String> {
    let mut r = Reader {
        c: Cursor::new(src, 0),
    };
    if r.bytes(4)? != b"GGUF" {
        return Err("bad magic".into());
    }
    let version = r.u32()?;
    if !(2..=3).contains(&version) {
        return Err(format!("unsupported version {version}"));
    }
    let tensors = r.u64()?;
    let kvs = r.u64()?;
    if tensors > MAX_TENSORS || kvs > MAX_KV {
        return Err(format!(
            "implausible counts ({tensors} tensors, {kvs} metadata keys)"
        ));
    }
    let mut alignment = 32u64;
    for _ in 0..kvs {
        let key = r.key()?;
        let ty = r.u32()?;
        let template = key.starts_with("tokenizer.chat_template");
        let keep = template || key == "general.alignment";
        let v = r.value(ty, keep, 0)?;
        if key == "general.alignment" {
            alignment = v.and_then(|s| s.parse().ok()).unwrap_or(0);
            if alignment == 0 || !alignment.is_power_of_two() {
                return Err(format!("bad general.alignment {alignment}"));
            }
        } else if let (true, Some(t)) = (template, v) {
            chat_template(b, &key, &t);
        }
    }
    let mut max_end = 0u64;
    for i in 0..tensors {
        let name = r.key()?;
        let dims = r.u32()?;
        if dims > 8 {
            return Err(format!("tensor {name}: {dims} dimensions"));
        }
        for _ in 0..dims {
            r.u64()?;
        }
        let ty = r.u32()?;
        if ty > 64 {
            return Err(format!("tensor {name}: unknown type {ty}"));
        }
        let off = r.u64()?;
        if off % alignment != 0 {
            return Err(format!(
                "tensor #{i} {name}: offset {off} not aligned to {alignment}"
            ));
        }
        max_end = max_end.max(off);
    }
    let data_start = r.c.pos().div_ceil(alignment) * alignment;
    if tensors > 0 && data_start.saturating_add(max_end) > src.len() {
        return Err("tensor offsets point past the end of the file".into());
    }
    Ok(())
}

fn chat_template(b: &mut Builder, key: &str, t: &str) {
    let excerpt: String = t.chars().take(4000).collect();
    b.chat_templates.push(excerpt);
    let mut hits: Vec<String> = dunders(t);
    hits.extend(
        SSTI.iter()
            .filter(|p| t.contains(*p))
            .map(|p| p.to_string()),
    );
    if hits.is_empty() {
        b.note(format!(
            "GGUF: {key} present ({} chars, Jinja rendered by the runtime)",
            t.len()
        ));
    } else {
        b.flag(
            VerdictKind::Malicious,
            format!(
                "GGUF: {key} reaches Python internals ({}): template injection",
                hits.join(", ")
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn dunder_names() {
        assert_eq!(
            super::dunders("{{ x.__class__.__mro__ }}"),
            vec!["__class__", "__mro__"]
        );
        assert!(super::dunders("{{ bos_token }} __ a__b").is_empty());
        assert!(super::dunders("__é__ __ü").is_empty());
    }

    proptest::proptest! {
        #[test]
        fn dunders_never_panic(s in "(_|é|a|b| |\\{)*") {
            let _ = super::dunders(&s);
        }
    }
}
