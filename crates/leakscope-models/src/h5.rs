//! HDF5 Keras models (`.h5`): the architecture is a JSON string in the root group's
//! `model_config` attribute (and `training_config`).
//!
//! Rather than implement HDF5's object model, we rely on the fact that an attribute
//! string's bytes are stored contiguously (in the object header or the global heap):
//! we validate the superblock signature and then find and parse every JSON object
//! that starts with `{"class_name"`, which is how Keras serialises configs. A
//! compressed or chunked attribute would escape this; Keras never writes one.

use crate::input::RandomAccess;
use crate::keras;
use crate::policy::Policy;
use crate::verdict::{Builder, VerdictKind};

/// How much of the file is searched for configs (weights follow the attributes).
const SCAN_LIMIT: u64 = 256 << 20;
const CHUNK: u64 = 8 << 20;
const MAX_JSON: usize = 64 << 20;
const NEEDLE: &[u8] = b"{\"class_name\"";

pub fn analyze(b: &mut Builder, src: &dyn RandomAccess, policy: &Policy) {
    let end = src.len().min(SCAN_LIMIT);
    let mut off = 0u64;
    let mut found = 0usize;
    while off < end {
        let Ok(buf) = src.read_vec(off, CHUNK + NEEDLE.len() as u64) else {
            break;
        };
        let mut i = 0;
        while let Some(p) = buf.get(i..).and_then(|rest| find(rest, NEEDLE)) {
            let at = off + (i + p) as u64;
            i += p + 1;
            // Configs are usually small: try a short read before a long one.
            let mut parsed = None;
            for want in [64 << 10, 4 << 20, MAX_JSON] {
                let Ok(text) = src.read_vec(at, want as u64) else {
                    break;
                };
                if let Some(len) = json_object_len(&text) {
                    parsed = Some((text, len));
                    break;
                }
                if (text.len() as u64) < want as u64 {
                    break;
                }
            }
            if let Some((text, len)) = parsed {
                found += 1;
                keras::analyze_config(b, &text[..len], &format!("config at byte {at}"), policy);
                // Skip the object we just parsed (nested class_name objects are in it).
                i = i.max((at + len as u64 - off) as usize);
            }
            if found > 16 {
                break;
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
