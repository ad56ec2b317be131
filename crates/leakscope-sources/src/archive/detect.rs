//! What a blob is, by content only (magic bytes and structure, never the file name).

/// A container the expander opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// zip and everything built on it: jar, apk, whl, nupkg, ipa, docx, xlsx, …
    Zip,
    Tar,
    Gzip,
    Bzip2,
    Xz,
    Zstd,
}

impl Kind {
    /// A compression layer wraps one stream (no member names); an archive holds members.
    pub fn is_compression(self) -> bool {
        matches!(self, Kind::Gzip | Kind::Bzip2 | Kind::Xz | Kind::Zstd)
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Zip => "zip",
            Kind::Tar => "tar",
            Kind::Gzip => "gzip",
            Kind::Bzip2 => "bzip2",
            Kind::Xz => "xz",
            Kind::Zstd => "zstd",
        }
    }
}

/// The container kind of `bytes`, if any.
pub fn detect(bytes: &[u8]) -> Option<Kind> {
    if bytes.starts_with(b"PK\x03\x04") {
        return Some(Kind::Zip);
    }
    if bytes.starts_with(&[0x1f, 0x8b, 0x08]) {
        return Some(Kind::Gzip);
    }
    if bytes.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0x00]) {
        return Some(Kind::Xz);
    }
    if bytes.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        return Some(Kind::Zstd);
    }
    if is_bzip2(bytes) {
        return Some(Kind::Bzip2);
    }
    if is_tar(bytes) {
        return Some(Kind::Tar);
    }
    None
}

/// `BZh1`..`BZh9` then the magic of a first block (π) or of the end of stream (√π):
/// "BZh" alone occurs in text.
fn is_bzip2(b: &[u8]) -> bool {
    const BLOCK: [u8; 6] = [0x31, 0x41, 0x59, 0x26, 0x53, 0x59];
    const END: [u8; 6] = [0x17, 0x72, 0x45, 0x38, 0x50, 0x90];
    b.len() >= 10
        && b.starts_with(b"BZh")
        && (b'1'..=b'9').contains(&b[3])
        && (b[4..10] == BLOCK || b[4..10] == END)
}

/// A tar header block whose checksum adds up (old v7 archives have no `ustar` magic, so
/// the checksum is the test; it also keeps random data from passing).
fn is_tar(b: &[u8]) -> bool {
    let Some(h) = b.get(..512) else {
        return false;
    };
    if h[0] == 0 {
        return false;
    }
    let Some(stored) = octal(&h[148..156]) else {
        return false;
    };
    let sum: u64 = h
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            if (148..156).contains(&i) {
                32
            } else {
                u64::from(c)
            }
        })
        .sum();
    sum == stored
}

fn octal(field: &[u8]) -> Option<u64> {
    let s: Vec<u8> = field
        .iter()
        .copied()
        .skip_while(|&c| c == b' ')
        .take_while(|&c| (b'0'..=b'7').contains(&c))
        .collect();
    if s.is_empty() {
        return None;
    }
    s.iter().try_fold(0u64, |acc, &c| {
        acc.checked_mul(8)?.checked_add(u64::from(c - b'0'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_magic_and_rejects_text() {
        assert_eq!(detect(b"PK\x03\x04rest"), Some(Kind::Zip));
        assert_eq!(detect(&[0x1f, 0x8b, 8, 0]), Some(Kind::Gzip));
        assert_eq!(detect(b"\xfd7zXZ\x00\x00"), Some(Kind::Xz));
        assert_eq!(detect(&[0x28, 0xb5, 0x2f, 0xfd, 0]), Some(Kind::Zstd));
        assert_eq!(detect(b"BZh91AY&SY...."), Some(Kind::Bzip2));
        assert_eq!(detect(b"BZh9 is not bzip2"), None);
        assert_eq!(detect(&[b'a'; 600]), None);
        assert_eq!(detect(b""), None);
    }

    #[test]
    fn tar_header_checksum() {
        let mut h = vec![0u8; 512];
        h[..5].copy_from_slice(b"a.txt");
        h[156] = b'0';
        let sum: u32 = h.iter().map(|&c| u32::from(c)).sum::<u32>() + 8 * 32;
        let field = format!("{sum:06o}\0 ");
        h[148..156].copy_from_slice(field.as_bytes());
        assert_eq!(detect(&h), Some(Kind::Tar));
        h[0] = b'b';
        assert_eq!(detect(&h), None);
    }
}
