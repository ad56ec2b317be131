use super::{hex_val, utf8, Builder, Decoded};

/// JSON / JavaScript string escapes: `\uXXXX` (with surrogate pairs), `\/`, `\"`, `\\`,
/// `\n`, `\t`, `\r`, `\xXX`.
pub fn decode(input: &[u8]) -> Option<Decoded> {
    let mut b = Builder::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        if input[i] == b'\\' && i + 1 < input.len() {
            let next = input[i + 1];
            match next {
                b'u' => {
                    if let Some(cp) = hex4(input, i + 2) {
                        // A high surrogate followed by `\uDC00`-`\uDFFF` is one character.
                        if (0xD800..0xDC00).contains(&cp)
                            && input.get(i + 6) == Some(&b'\\')
                            && input.get(i + 7) == Some(&b'u')
                        {
                            if let Some(lo) = hex4(input, i + 8) {
                                if (0xDC00..0xE000).contains(&lo) {
                                    let c = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                                    b.replace(&utf8(c), i);
                                    i += 12;
                                    continue;
                                }
                            }
                        }
                        b.replace(&utf8(cp), i);
                        i += 6;
                        continue;
                    }
                }
                b'x' => {
                    if let (Some(h), Some(l)) = (
                        input.get(i + 2).copied().and_then(hex_val),
                        input.get(i + 3).copied().and_then(hex_val),
                    ) {
                        b.replace(&[h << 4 | l], i);
                        i += 4;
                        continue;
                    }
                }
                b'/' | b'"' | b'\\' | b'\'' => {
                    b.replace(&[next], i);
                    i += 2;
                    continue;
                }
                b'n' | b't' | b'r' => {
                    let c = match next {
                        b'n' => b'\n',
                        b't' => b'\t',
                        _ => b'\r',
                    };
                    b.replace(&[c], i);
                    i += 2;
                    continue;
                }
                _ => {}
            }
        }
        b.keep(input[i], i);
        i += 1;
    }
    b.finish(input.len())
}

fn hex4(input: &[u8], at: usize) -> Option<u32> {
    let s = input.get(at..at + 4)?;
    s.iter()
        .try_fold(0u32, |acc, &c| hex_val(c).map(|v| acc << 4 | u32::from(v)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn decodes_js_escapes() {
        let d = super::decode(br#"a\u0026b\/c\"\ud83d\ude00"#).unwrap();
        assert_eq!(String::from_utf8(d.bytes).unwrap(), "a&b/c\"😀");
        assert_eq!(d.map[1], 1);
        assert_eq!(d.map[2], 7);
    }
}
