//! Tokens whose last six characters are a base62 CRC-32 of the random part
//! (GitHub's `gh?_` tokens and npm's `npm_` tokens use this documented layout).

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Base62 of a CRC-32, left-padded with '0' to six characters.
pub fn crc32_base62(data: &[u8]) -> [u8; 6] {
    let mut n = crc32fast::hash(data);
    let mut out = [b'0'; 6];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    out
}

fn prefixed_crc(secret: &[u8], prefix_len: usize) -> bool {
    if secret.len() < prefix_len + 6 + 1 {
        return false;
    }
    let (body, check) = secret.split_at(secret.len() - 6);
    let random = &body[prefix_len..];
    random.iter().all(u8::is_ascii_alphanumeric) && crc32_base62(random) == check
}

/// `gh[pousr]_` + 30 random + 6 checksum characters.
pub fn github(secret: &[u8]) -> bool {
    secret.len() == 40
        && secret.starts_with(b"gh")
        && secret.get(3) == Some(&b'_')
        && prefixed_crc(secret, 4)
}

/// `npm_` + 30 random + 6 checksum characters.
pub fn npm(secret: &[u8]) -> bool {
    secret.len() == 40 && secret.starts_with(b"npm_") && prefixed_crc(secret, 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn make(prefix: &str, random: &str) -> String {
        let c = crc32_base62(random.as_bytes());
        format!("{prefix}{random}{}", std::str::from_utf8(&c).unwrap())
    }

    #[test]
    fn accepts_tokens_with_a_correct_checksum_only() {
        let t = make("ghp_", "Zk8q2LmN4pR7sT1vX3yB5dF9hJ0wQe");
        assert!(github(t.as_bytes()), "{t}");
        let mut bad = t.clone().into_bytes();
        bad[10] = if bad[10] == b'a' { b'b' } else { b'a' };
        assert!(!github(&bad));
        let n = make("npm_", "Zk8q2LmN4pR7sT1vX3yB5dF9hJ0wQe");
        assert!(npm(n.as_bytes()));
    }
}
