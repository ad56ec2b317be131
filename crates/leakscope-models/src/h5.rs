//! HDF5 Keras models (`.h5`): the architecture is a JSON string in the root group's
//! `model_config` attribute (and `training_config`).
//!
//! Rather than implement HDF5's object model, we rely on the fact that an attribute
//! string's bytes are stored contiguously (in the object header, the global heap or a
//! fractal heap; attributes are never chunked or filtered). We find every
//! `"class_name"` key, step back to the start of the printable run that holds it (JSON
//! text has no raw control bytes; the heap/message bytes before it do), and parse the
//! JSON object that starts there. Key order and whitespace therefore do not matter.

use crate::input::RandomAccess;
use crate::keras;
use crate::policy::Policy;
use crate::verdict::{Builder, VerdictKind};

/// How much of the file is searched for configs (weights follow the attributes).
const SCAN_LIMIT: u64 = 256 << 20;
const CHUNK: u64 = 8 << 20;
const MAX_JSON: u64 = 64 << 20;
const NEEDLE: &[u8] = b"\"class_name\"";
const MAX_CONFIGS: usize = 16;

pub fn analyze(b: &mut Builder, src: &dyn RandomAccess, policy: &Policy) {
    let end = src.len().min(SCAN_LIMIT);
    let mut off = 0u64;
    let mut found = 0usize;
    // Hits inside an object already parsed are part of it.
    let mut parsed_until = 0u64;
    'chunks: while off < end {
        let Ok(buf) = src.read_vec(off, CHUNK + NEEDLE.len() as u64) else {
            break;
        };
        let mut i = 0;
        while let Some(p) = buf.get(i..).and_then(|rest| find(rest, NEEDLE)) {
            let hit = off + (i + p) as u64;
            i += p + 1;
            if hit < parsed_until {
                continue;
            }
            let Some((at, text)) = object_around(src, hit) else {
                continue;
            };
            found += 1;
            parsed_until = at + text.len() as u64;
            keras::analyze_config(b, &text, &format!("config at byte {at}"), policy);
            if found >= MAX_CONFIGS {
                break 'chunks;
            }
        }
        off += CHUNK;
    }
    if found == 0 {
        if src.len() > SCAN_LIMIT {
            b.note(format!(
                "HDF5: no Keras config in the first {SCAN_LIMIT} bytes"
            ));
        }
        b.flag(
            VerdictKind::Unsupported,
            "HDF5 file without a Keras model_config (weights only or not a Keras model)",
        );
    }
}

fn printable(c: u8) -> bool {
    (c >= 0x20 && c != 0x7f) || matches!(c, b'\t' | b'\n' | b'\r')
}

/// The JSON object whose text contains the key at `hit`: (offset, bytes).
fn object_around(src: &dyn RandomAccess, hit: u64) -> Option<(u64, Vec<u8>)> {
    // Walk back to the start of the printable run.
    let floor = hit.saturating_sub(MAX_JSON);
    let mut start = hit;
    while start > floor {
        let from = start.saturating_sub(64 << 10).max(floor);
        let block = src.read_vec(from, start - from).ok()?;
        match block.iter().rposition(|&c| !printable(c)) {
            Some(k) => {
                start = from + k as u64 + 1;
                break;
            }
            None => start = from,
        }
    }
    let lead = src.read_vec(start, hit - start).ok()?;
    let brace = start + lead.iter().position(|&c| c == b'{')? as u64;
    // Configs are usually small: try a short read before a long one.
    for want in [64u64 << 10, 4 << 20, MAX_JSON] {
        let text = src.read_vec(brace, want).ok()?;
        if let Some(len) = json_object_len(&text) {
            let mut text = text;
            text.truncate(len);
            return Some((brace, text));
        }
        if (text.len() as u64) < want {
            break;
        }
    }
    None
}

fn find(h: &[u8], n: &[u8]) -> Option<usize> {
    h.windows(n.len()).position(|w| w == n)
}

/// Length of the balanced JSON object at the start of `t` (strings respected).
fn json_object_len(t: &[u8]) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_str = false;
    let mut esc = false;
    for (i, &c) in t.iter().enumerate() {
        if in_str {
            match (esc, c) {
                (true, _) => esc = false,
                (false, b'\\') => esc = true,
                (false, b'"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            b'"' => in_str = true,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            0 => return None,
            _ => {}
        }
    }
    None
}
