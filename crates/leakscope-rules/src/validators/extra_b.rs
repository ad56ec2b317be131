//! Structure checks for the chat, e-mail, payment and package-registry rule files.

use super::base64len::decode_any;

/// Validators defined here, with a one-line description each.
pub const CATALOGUE: &[(&str, &str)] = &[
    (
        "packagist_checksum",
        "Private Packagist token: `packagist_xxx_`, 60 hex and the 8-hex CRC-32 of prefix and random part",
    ),
    (
        "intercom_token",
        "Intercom access token: base64 of `tok:<id>:<n>…` with an id of at least 20 [A-Za-z0-9_-] characters",
    ),
];

/// The check named `name`, if this module defines it (validators here take no argument).
pub fn lookup(name: &str) -> Option<fn(&[u8]) -> bool> {
    match name {
        "packagist_checksum" => Some(is_packagist_token),
        "intercom_token" => Some(is_intercom_token),
        _ => None,
    }
}

/// `packagist_` + three lower-case letters + `_` (14 bytes), 60 lower-case hex characters,
/// and the CRC-32 of those first 74 bytes as 8 lower-case hex digits (Private Packagist's
/// documented token format).
pub fn is_packagist_token(secret: &[u8]) -> bool {
    const PREFIX: usize = 14;
    if secret.len() != PREFIX + 60 + 8 || !secret.starts_with(b"packagist_") {
        return false;
    }
    let (kind, rest) = secret[10..].split_at(4);
    if !kind[..3].iter().all(u8::is_ascii_lowercase) || kind[3] != b'_' {
        return false;
    }
    if !rest
        .iter()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
    {
        return false;
    }
    let (body, check) = secret.split_at(PREFIX + 60);
    let expected = format!("{:08x}", crc32fast::hash(body));
    expected.as_bytes() == check
}

/// Standard base64 that decodes to `tok:<id>` optionally followed by `:`-separated numeric
/// fields, where the id has at least 20 characters of `[A-Za-z0-9_-]`.
pub fn is_intercom_token(secret: &[u8]) -> bool {
    let Some(raw) = decode_any(secret) else {
        return false;
    };
    let Some(rest) = raw.strip_prefix(b"tok:") else {
        return false;
    };
    let mut parts = rest.split(|&b| b == b':');
    let id = parts.next().unwrap_or_default();
    id.len() >= 20
        && id
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
        && parts.all(|p| !p.is_empty() && p.iter().all(u8::is_ascii_digit))
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;

    fn packagist(prefix: &str, random: &str) -> String {
        let crc = crc32fast::hash(format!("{prefix}{random}").as_bytes());
        format!("{prefix}{random}{crc:08x}")
    }

    const RANDOM60: &str = "3f9c2a7e51b04d86e2c9a1f07b3d5e8c46a2f19d0c7b8e35a6d4f21c9e0b7a58";

    #[test]
    fn packagist_accepts_a_correct_checksum_only() {
        let random = &RANDOM60[..60];
        for prefix in ["packagist_ort_", "packagist_out_", "packagist_uut_"] {
            let t = packagist(prefix, random);
            assert!(is_packagist_token(t.as_bytes()), "{t}");
        }
        // The checksum covers the prefix: the same random part under another prefix fails.
        let t = packagist("packagist_ort_", random).replacen("_ort_", "_out_", 1);
        assert!(!is_packagist_token(t.as_bytes()));
        // One changed random character.
        let mut bad = packagist("packagist_uut_", random).into_bytes();
        bad[20] = if bad[20] == b'a' { b'b' } else { b'a' };
        assert!(!is_packagist_token(&bad));
        // Wrong lengths and alphabets.
        assert!(!is_packagist_token(b"packagist_uut_"));
        let upper = packagist("packagist_uut_", random).to_ascii_uppercase();
        assert!(!is_packagist_token(upper.as_bytes()));
        assert!(lookup("packagist_checksum").is_some());
    }

    #[test]
    fn intercom_token_structure() {
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let good = b64("tok:8d3f2a91_c0b7_4e5a_9f16_2b7c4d8e0a13:1:0");
        assert!(good.starts_with("dG9rO"), "{good}");
        assert!(is_intercom_token(good.as_bytes()));
        assert!(is_intercom_token(
            b64("tok:Xq7_Lm2-Vb9Kc4Np8Rt3Zs6W").as_bytes()
        ));
        assert!(!is_intercom_token(
            b64("tok:<your token here>:1:0").as_bytes()
        ));
        assert!(!is_intercom_token(b64("tok:short:1:0").as_bytes()));
        assert!(!is_intercom_token(
            b64("tok:8d3f2a91_c0b7_4e5a_9f16_2b7c4d8e0a13:x:0").as_bytes()
        ));
        assert!(!is_intercom_token(
            b64("key:8d3f2a91_c0b7_4e5a_9f16_2b7c4d8e0a13:1:0").as_bytes()
        ));
        assert!(!is_intercom_token(b"dG9rOm not base64!"));
        assert!(lookup("intercom_token").is_some());
        assert!(lookup("no_such_validator").is_none());
    }
}
