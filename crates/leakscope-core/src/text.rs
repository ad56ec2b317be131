//! Small text helpers shared by the parsers.

/// Decodes `%XX` sequences; malformed ones are kept literally. `+` stays `+`: Azure SAS
/// signatures are standard base64, and reading `+` as a space (form encoding) would corrupt
/// them. Works on bytes, so a `%` next to a multi-byte character never splits it.
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_escapes_keeps_plus_and_malformed() {
        assert_eq!(percent_decode("a%2Bb+c%3D%zz%4"), "a+b+c=%zz%4");
        assert_eq!(percent_decode("sig%3d%2F"), "sig=/");
        assert_eq!(percent_decode("é%41ü"), "éAü");
    }
}
