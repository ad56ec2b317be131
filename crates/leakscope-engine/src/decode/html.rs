use super::{utf8, Builder, Decoded};

/// HTML character references: the named ones that matter in URLs and attributes, and
/// numeric `&#NN;` / `&#xHH;`.
pub fn decode(input: &[u8]) -> Option<Decoded> {
    const NAMED: [(&[u8], u8); 6] = [
        (b"&amp;", b'&'),
        (b"&quot;", b'"'),
        (b"&lt;", b'<'),
        (b"&gt;", b'>'),
        (b"&apos;", b'\''),
        (b"&#x2F;", b'/'),
    ];
    let mut b = Builder::with_capacity(input.len());
    let mut i = 0;
    'outer: while i < input.len() {
        if input[i] == b'&' {
            for (name, c) in NAMED {
                if input[i..].len() >= name.len()
                    && input[i..i + name.len()].eq_ignore_ascii_case(name)
                {
                    b.replace(&[c], i);
                    i += name.len();
                    continue 'outer;
                }
            }
            if let Some((cp, len)) = numeric(&input[i..]) {
                b.replace(&utf8(cp), i);
                i += len;
                continue;
            }
        }
        b.keep(input[i], i);
        i += 1;
    }
    b.finish(input.len())
}

/// `&#123;` or `&#x7B;` → (code point, length consumed).
fn numeric(s: &[u8]) -> Option<(u32, usize)> {
    if s.get(1) != Some(&b'#') {
        return None;
    }
    let (radix, digits_at) = match s.get(2) {
        Some(b'x') | Some(b'X') => (16, 3),
        _ => (10, 2),
    };
    let end = s.iter().skip(digits_at).take(8).position(|&c| c == b';')? + digits_at;
    if end == digits_at {
        return None;
    }
    let digits = std::str::from_utf8(&s[digits_at..end]).ok()?;
    let cp = u32::from_str_radix(digits, radix).ok()?;
    Some((cp, end + 1))
}

#[cfg(test)]
mod tests {
    #[test]
    fn decodes_entities() {
        let d = super::decode(b"a&amp;b&#61;c&#x3D;d&bogus;").unwrap();
        assert_eq!(d.bytes, b"a&b=c=d&bogus;");
        assert_eq!(d.map[2], 6);
    }
}
