//! Azure key validators. Identifiable storage account keys (Microsoft security-utilities'
//! format) end in a fixed marker and a Marvin32 checksum of the bytes before it, so a match
//! can be confirmed offline with no false positives.

use base64::Engine;

/// The marker at characters 76..80 of an identifiable storage account key.
pub const STORAGE_SIGNATURE: &str = "+ASt";
/// Marvin seed for storage account keys (ASCII "Default0", big-endian).
pub const STORAGE_CHECKSUM_SEED: u64 = 0x4465_6661_756c_7430;

/// Marvin32 (the 64-bit result, high word `p1`, low word `p0`) over `data` with `seed`.
pub fn marvin64(data: &[u8], seed: u64) -> u64 {
    let mut p0 = seed as u32;
    let mut p1 = (seed >> 32) as u32;
    let mut chunks = data.chunks_exact(4);
    for c in chunks.by_ref() {
        p0 = p0.wrapping_add(u32::from_le_bytes([c[0], c[1], c[2], c[3]]));
        block(&mut p0, &mut p1);
    }
    // The tail is padded with 0x80 after the last byte, little-endian.
    let rest = chunks.remainder();
    let last = match rest.len() {
        0 => 0x80,
        1 => 0x8000 | u32::from(rest[0]),
        2 => 0x80_0000 | u32::from(u16::from_le_bytes([rest[0], rest[1]])),
        _ => 0x8000_0000 | u32::from(rest[0]) | u32::from(rest[1]) << 8 | u32::from(rest[2]) << 16,
    };
    p0 = p0.wrapping_add(last);
    block(&mut p0, &mut p1);
    block(&mut p0, &mut p1);
    (u64::from(p1) << 32) | u64::from(p0)
}

/// The 32-bit fold used for identifiable keys.
pub fn marvin32(data: &[u8], seed: u64) -> u32 {
    let h = marvin64(data, seed);
    (h ^ (h >> 32)) as u32
}

fn block(p0: &mut u32, p1: &mut u32) {
    *p1 ^= *p0;
    *p0 = p0.rotate_left(20);
    *p0 = p0.wrapping_add(*p1);
    *p1 = p1.rotate_left(9);
    *p1 ^= *p0;
    *p0 = p0.rotate_left(27);
    *p0 = p0.wrapping_add(*p1);
    *p1 = p1.rotate_left(19);
}

/// True for an identifiable storage account key: 88 base64 characters, the `+ASt` marker at
/// 76, and a little-endian Marvin32 checksum of the first 60 bytes in the last 4.
pub fn is_identifiable_storage_key(secret: &[u8]) -> bool {
    let s = match std::str::from_utf8(secret) {
        Ok(s) => s.trim(),
        Err(_) => return false,
    };
    if s.len() != 88 || s.get(76..80) != Some(STORAGE_SIGNATURE) || !s.ends_with("==") {
        return false;
    }
    let bytes = match base64::engine::general_purpose::STANDARD.decode(s) {
        Ok(b) if b.len() == 64 => b,
        _ => return false,
    };
    let expected = u32::from_le_bytes([bytes[60], bytes[61], bytes[62], bytes[63]]);
    marvin32(&bytes[..60], STORAGE_CHECKSUM_SEED) == expected
}

/// A storage account key: base64 of exactly 64 bytes that is not a run of one character.
pub fn is_storage_account_key(secret: &[u8]) -> bool {
    let s = match std::str::from_utf8(secret) {
        Ok(s) => s.trim(),
        Err(_) => return false,
    };
    if s.len() != 88 || !s.ends_with("==") {
        return false;
    }
    let distinct = {
        let mut seen = [false; 256];
        s.bytes()
            .filter(|&b| !std::mem::replace(&mut seen[b as usize], true))
            .count()
    };
    distinct >= 16
        && matches!(base64::engine::general_purpose::STANDARD.decode(s), Ok(b) if b.len() == 64)
}

use leakscope_core::percent_decode;

/// A SAS signature: base64 of a 32-byte HMAC-SHA256, not a run of one character.
fn is_sas_signature(raw: &str) -> bool {
    let sig = percent_decode(raw).replace(' ', "+");
    let first = sig.chars().next();
    !sig.trim_end_matches('=').chars().all(|c| Some(c) == first)
        && matches!(base64::engine::general_purpose::STANDARD.decode(sig.as_bytes()), Ok(b) if b.len() == 32)
}

/// A SAS query: a `sig` that is base64 of 32 bytes and at least one SAS parameter beside it.
pub fn is_sas_query(secret: &[u8]) -> bool {
    let s = String::from_utf8_lossy(secret).replace("&amp;", "&");
    let mut sig_ok = false;
    let mut has_param = false;
    for part in s.split('&') {
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        match k.to_ascii_lowercase().as_str() {
            "sig" => sig_ok = is_sas_signature(v),
            // Service Bus tokens also carry `sr` and `sig`, but `sr` is a URI there.
            "sr" if !matches!(v, "b" | "bs" | "bv" | "c" | "d" | "s" | "f") => return false,
            "sv" | "se" | "sp" | "sr" | "si" | "ss" | "srt" | "tn" | "skoid" => has_param = true,
            _ => {}
        }
    }
    sig_ok && has_param
}

/// A key of `n` bytes in standard base64 that is not one repeated character.
fn is_key_of(v: &str, n: usize) -> bool {
    let first = v.chars().next();
    !v.trim_end_matches('=').chars().all(|c| Some(c) == first)
        && matches!(base64::engine::general_purpose::STANDARD.decode(v.as_bytes()), Ok(b) if b.len() == n)
}

/// A connection string whose `AccountKey` is a 64-byte key, whose `SharedAccessSignature`
/// is a SAS query, or whose `SharedAccessKey` (Service Bus) is a 32-byte key.
pub fn is_connection_string(secret: &[u8]) -> bool {
    let s = String::from_utf8_lossy(secret);
    s.split(';').any(|part| match part.split_once('=') {
        Some((k, v)) if k.trim().eq_ignore_ascii_case("AccountKey") => {
            is_storage_account_key(v.trim().as_bytes())
        }
        Some((k, v)) if k.trim().eq_ignore_ascii_case("SharedAccessSignature") => {
            is_sas_query(v.trim().as_bytes())
        }
        Some((k, v)) if k.trim().eq_ignore_ascii_case("SharedAccessKey") => is_key_of(v.trim(), 32),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marvin_reference_vectors() {
        // SymCrypt's published test vectors, as quoted by Microsoft security-utilities.
        assert_eq!(
            marvin64(b"abc", 0xd53c_d9ce_cd08_93b7),
            0x22c7_4339_4927_69bf
        );
        assert_eq!(
            marvin64(b"abcdefghijklmnopqrstuvwxyz", 0x0ddd_deee_efff_f000),
            0xa128_eb7e_7260_aca2
        );
    }

    #[test]
    fn sas_queries() {
        assert!(is_sas_query(
            b"sv=2022-11-02&sr=b&sig=7BjqyNdYseulLTwQ05rcbdmAZHLLSuBpY104PZCGpRM%3D"
        ));
        assert!(!is_sas_query(
            b"sv=2022-11-02&sr=b&sig=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%3D"
        ));
        assert!(!is_sas_query(
            b"foo=1&sig=7BjqyNdYseulLTwQ05rcbdmAZHLLSuBpY104PZCGpRM%3D"
        ));
        assert!(!is_sas_query(b"sv=2022-11-02&sig=c2hvcnQ%3D"));
        assert!(!is_sas_query(
            b"sr=https%3A%2F%2Fns.servicebus.windows.net%2Fq&sig=7BjqyNdYseulLTwQ05rcbdmAZHLLSuBpY104PZCGpRM%3D&se=1893456000&skn=k"
        ));
    }

    #[test]
    fn identifiable_key_roundtrip_and_tamper() {
        // Build a key the way the format defines it: 57 random bytes, the marker, checksum.
        let mut raw = [0u8; 64];
        for (i, b) in raw.iter_mut().enumerate().take(57) {
            *b = (i as u8).wrapping_mul(37).wrapping_add(11);
        }
        let marker = base64::engine::general_purpose::STANDARD
            .decode(STORAGE_SIGNATURE)
            .unwrap_or_default();
        raw[57..60].copy_from_slice(&marker);
        let sum = marvin32(&raw[..60], STORAGE_CHECKSUM_SEED).to_le_bytes();
        raw[60..].copy_from_slice(&sum);
        let key = base64::engine::general_purpose::STANDARD.encode(raw);
        assert_eq!(&key[76..80], STORAGE_SIGNATURE);
        assert!(is_identifiable_storage_key(key.as_bytes()), "{key}");
        assert!(is_storage_account_key(key.as_bytes()));
        let mut bad = key.into_bytes();
        bad[3] = if bad[3] == b'A' { b'B' } else { b'A' };
        assert!(!is_identifiable_storage_key(&bad));
    }
}
