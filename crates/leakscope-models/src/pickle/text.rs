//! Decoding of the text arguments used by protocol-0 opcodes and of LONG1/LONG4.

use crate::pickle::value::Value;

fn ascii(l: &[u8]) -> Option<&str> {
    std::str::from_utf8(l).ok().map(str::trim)
}

pub fn parse_float(l: &[u8]) -> Option<f64> {
    let s = ascii(l)?;
    match s {
        "inf" => Some(f64::INFINITY),
        "-inf" => Some(f64::NEG_INFINITY),
        "nan" => Some(f64::NAN),
        _ => s.parse().ok(),
    }
}

/// A decimal integer of any size; beyond 64 bits only the size is kept.
pub fn parse_int(l: &[u8]) -> Option<Value> {
    let s = ascii(l)?;
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match s.parse::<i64>() {
        Ok(i) => Some(Value::Int(i)),
        Err(_) => Some(Value::BigInt(digits.len() / 2 + 1)),
    }
}

pub fn parse_u64(l: &[u8]) -> Option<u64> {
    ascii(l)?.parse().ok()
}

/// LONG1/LONG4 payload: little-endian two's complement.
pub fn long_from_le(data: &[u8], full_len: u64) -> Value {
    if full_len as usize != data.len() || data.len() > 8 {
        return Value::BigInt(full_len as usize);
    }
    if data.is_empty() {
        return Value::Int(0);
    }
    let negative = data[data.len() - 1] & 0x80 != 0;
    let mut buf = if negative { [0xffu8; 8] } else { [0u8; 8] };
    buf[..data.len()].copy_from_slice(data);
    Value::Int(i64::from_le_bytes(buf))
}

/// The `STRING` argument: a quoted Python literal with backslash escapes.
pub fn unquote_string(l: &[u8]) -> Option<Vec<u8>> {
    let l = l.strip_suffix(b"\r").unwrap_or(l);
    if l.len() < 2 {
        return None;
    }
    let q = l[0];
    if (q != b'\'' && q != b'"') || l[l.len() - 1] != q {
        return None;
    }
    let body = &l[1..l.len() - 1];
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        let c = body[i];
        if c != b'\\' || i + 1 >= body.len() {
            out.push(c);
            i += 1;
            continue;
        }
        let e = body[i + 1];
        i += 2;
        match e {
            b'n' => out.push(b'\n'),
            b't' => out.push(b'\t'),
            b'r' => out.push(b'\r'),
            b'a' => out.push(7),
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'v' => out.push(11),
            b'\\' | b'\'' | b'"' => out.push(e),
            b'\n' => {}
            b'x' => {
                let h = body.get(i..i + 2)?;
                let v = u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok()?;
                out.push(v);
                i += 2;
            }
            b'0'..=b'7' => {
                let mut v = u32::from(e - b'0');
                let mut k = 0;
                while k < 2 && i < body.len() && (b'0'..=b'7').contains(&body[i]) {
                    v = v * 8 + u32::from(body[i] - b'0');
                    i += 1;
                    k += 1;
                }
                out.push((v & 0xff) as u8);
            }
            other => {
                out.push(b'\\');
                out.push(other);
            }
        }
    }
    Some(out)
}

/// The `UNICODE` argument: raw-unicode-escape (latin-1 plus \uXXXX / \UXXXXXXXX).
pub fn raw_unicode_escape(l: &[u8]) -> String {
    let mut out = String::with_capacity(l.len());
    let mut i = 0;
    while i < l.len() {
        if l[i] == b'\\' && i + 1 < l.len() && (l[i + 1] == b'u' || l[i + 1] == b'U') {
            let width = if l[i + 1] == b'u' { 4 } else { 8 };
            if let Some(c) = l
                .get(i + 2..i + 2 + width)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .and_then(char::from_u32)
            {
                out.push(c);
                i += 2 + width;
                continue;
            }
        }
        out.push(l[i] as char);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings() {
        assert_eq!(
            unquote_string(b"'echo hi'").as_deref(),
            Some(&b"echo hi"[..])
        );
        assert_eq!(
            unquote_string(b"'a\\'b\\x41\\n'").as_deref(),
            Some(&b"a'bA\n"[..])
        );
        assert!(unquote_string(b"noquote").is_none());
        assert_eq!(raw_unicode_escape(b"a\\u00e9b"), "a\u{e9}b");
    }

    #[test]
    fn longs() {
        assert!(matches!(long_from_le(&[0xff], 1), Value::Int(-1)));
        assert!(matches!(long_from_le(&[0x00, 0x01], 2), Value::Int(256)));
        assert!(matches!(parse_int(b"123"), Some(Value::Int(123))));
        assert!(parse_int(b"x").is_none());
    }
}
