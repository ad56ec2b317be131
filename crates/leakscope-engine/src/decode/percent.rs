use super::{hex_val, Builder, Decoded};

/// `%XX` → byte. `+` is left alone: in SAS signatures it is a literal base64 character.
pub fn decode(input: &[u8]) -> Option<Decoded> {
    let mut b = Builder::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        if input[i] == b'%' && i + 2 < input.len() {
            if let (Some(h), Some(l)) = (hex_val(input[i + 1]), hex_val(input[i + 2])) {
                b.replace(&[h << 4 | l], i);
                i += 3;
                continue;
            }
        }
        b.keep(input[i], i);
        i += 1;
    }
    b.finish(input.len())
}

#[cfg(test)]
mod tests {
    #[test]
    fn decodes_percent_escapes_and_maps_offsets() {
        let d = super::decode(b"a%3Db%zz%2").unwrap();
        assert_eq!(d.bytes, b"a=b%zz%2");
        assert_eq!(d.map, vec![0, 1, 4, 5, 6, 7, 8, 9, 10]);
        assert!(super::decode(b"plain").is_none());
    }
}
