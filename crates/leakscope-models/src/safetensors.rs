//! safetensors: an 8-byte header length, a JSON header, then tensor bytes. Nothing in
//! it can execute; the risk is a malformed header crashing or confusing a loader.

use serde_json::Value as J;

use crate::input::RandomAccess;
use crate::verdict::{Builder, VerdictKind};

const MAX_HEADER: u64 = 100 << 20;

fn dtype_bits(d: &str) -> Option<u64> {
    Some(match d {
        "BOOL" | "U8" | "I8" | "F8_E5M2" | "F8_E4M3" | "F8_E8M0" => 8,
        "I16" | "U16" | "F16" | "BF16" => 16,
        "I32" | "U32" | "F32" => 32,
        "I64" | "U64" | "F64" | "C64" => 64,
        "F4" => 4,
        "F6_E2M3" | "F6_E3M2" => 6,
        _ => return None,
    })
}

pub fn analyze(b: &mut Builder, src: &dyn RandomAccess) {
    if let Err(why) = validate(src) {
        b.flag(VerdictKind::Malformed, format!("safetensors header: {why}"));
    } else {
        b.note("safetensors: header valid; format holds only tensors (no code)");
    }
}

fn validate(src: &dyn RandomAccess) -> Result<(), String> {
    let n = src.read_vec(0, 8).map_err(|e| e.to_string())?;
    if n.len() < 8 {
        return Err("file shorter than the length prefix".into());
    }
    let mut a = [0u8; 8];
    a.copy_from_slice(&n);
    let hlen = u64::from_le_bytes(a);
    if hlen > MAX_HEADER {
        return Err(format!("header length {hlen} exceeds {MAX_HEADER}"));
    }
    if 8 + hlen > src.len() {
        return Err(format!("header length {hlen} exceeds the file"));
    }
    let text = src.read_vec(8, hlen).map_err(|e| e.to_string())?;
    let header: J = serde_json::from_slice(&text).map_err(|e| format!("invalid JSON: {e}"))?;
    let J::Object(map) = header else {
        return Err("header is not a JSON object".into());
    };
    let data_len = src.len() - 8 - hlen;
    let mut spans = Vec::new();
    for (name, t) in &map {
        if name == "__metadata__" {
            let ok = t.as_object().is_some_and(|m| m.values().all(J::is_string));
            if !ok {
                return Err("__metadata__ must map strings to strings".into());
            }
            continue;
        }
        let dtype = t
            .get("dtype")
            .and_then(J::as_str)
            .ok_or(format!("{name}: no dtype"))?;
        let bits = dtype_bits(dtype).ok_or(format!("{name}: unknown dtype {dtype}"))?;
        let shape = t
            .get("shape")
            .and_then(J::as_array)
            .ok_or(format!("{name}: no shape"))?;
        let mut numel: u64 = 1;
        for d in shape {
            let d = d.as_u64().ok_or(format!("{name}: bad dimension"))?;
            numel = numel
                .checked_mul(d)
                .ok_or(format!("{name}: shape overflows"))?;
        }
        let offs = t
            .get("data_offsets")
            .and_then(J::as_array)
            .filter(|o| o.len() == 2)
            .ok_or(format!("{name}: no data_offsets"))?;
        let (s, e) = match (offs[0].as_u64(), offs[1].as_u64()) {
            (Some(s), Some(e)) if s <= e => (s, e),
            _ => return Err(format!("{name}: bad data_offsets")),
        };
        let want = numel
            .checked_mul(bits)
            .map(|b| b.div_ceil(8))
            .ok_or(format!("{name}: size overflows"))?;
        if e - s != want {
            return Err(format!("{name}: {} bytes for {numel} × {dtype}", e - s));
        }
        spans.push((s, e, name.clone()));
    }
    spans.sort();
    let mut pos = 0;
    for (s, e, name) in &spans {
        if *s != pos {
            return Err(format!(
                "{name}: data not contiguous (gap or overlap at {s})"
            ));
        }
        pos = *e;
    }
    if pos != data_len {
        return Err(format!(
            "tensors cover {pos} bytes but the data section has {data_len}"
        ));
    }
    Ok(())
}
