//! Structure checks for the SaaS rule files.

use super::base64len::decode_any;

/// Validators defined here, with a one-line description each.
pub const CATALOGUE: &[(&str, &str)] = &[
    (
        "grafana_sa_checksum",
        "Grafana service-account token `glsa_<32>_<8 hex>`: the suffix is the little-endian hex CRC-32 of `glsa_<32>`",
    ),
    (
        "grafana_api_key",
        "legacy Grafana API key: base64 of a JSON object with string `k` and `n`",
    ),
    (
        "grafana_cloud_token",
        "Grafana Cloud token: `glc_` and base64 of a JSON object with a string `k`",
    ),
    (
        "sentry_org_token",
        "Sentry org auth token `sntrys_<payload>_<secret>`: payload is base64 JSON with `iat`, secret 32 bytes of base64",
    ),
    (
        "mapbox_token",
        "Mapbox `pk.`/`sk.`/`tk.` token whose middle part is base64url of a JSON object with a string `u` (the user)",
    ),
];

/// The check named `name`, if this module defines it (validators here take no argument).
pub fn lookup(name: &str) -> Option<fn(&[u8]) -> bool> {
    match name {
        "grafana_sa_checksum" => Some(is_grafana_sa_token),
        "grafana_api_key" => Some(is_grafana_api_key),
        "grafana_cloud_token" => Some(is_grafana_cloud_token),
        "sentry_org_token" => Some(is_sentry_org_token),
        "mapbox_token" => Some(is_mapbox_token),
        _ => None,
    }
}

type JsonObject = serde_json::Map<String, serde_json::Value>;

/// Decodes base64 (either alphabet, padding optional) to a JSON object.
fn base64_json_object(s: &[u8]) -> Option<JsonObject> {
    let bytes = decode_any(s)?;
    match serde_json::from_slice(&bytes).ok()? {
        serde_json::Value::Object(m) => Some(m),
        _ => None,
    }
}

fn has_string(m: &JsonObject, key: &str) -> bool {
    m.get(key)
        .is_some_and(|v| v.as_str().is_some_and(|s| !s.is_empty()))
}

/// `glsa_` + 32 alphanumerics + `_` + 8 lower-case hex, where the hex is the CRC-32 (IEEE)
/// of `glsa_<secret>` written as its four little-endian bytes.
fn is_grafana_sa_token(secret: &[u8]) -> bool {
    let Some(rest) = secret.strip_prefix(b"glsa_") else {
        return false;
    };
    if rest.len() != 32 + 1 + 8 || rest[32] != b'_' {
        return false;
    }
    let (body, sum) = (&rest[..32], &rest[33..]);
    if !body.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    let crc = crc32fast::hash(&secret[..5 + 32]);
    let expected: String = crc
        .to_le_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    sum == expected.as_bytes()
}

/// Legacy Grafana API key: base64 of `{"k":"…","n":"…","id":N}`.
fn is_grafana_api_key(secret: &[u8]) -> bool {
    base64_json_object(secret).is_some_and(|m| has_string(&m, "k") && has_string(&m, "n"))
}

/// Grafana Cloud access-policy token: `glc_` + base64 of a JSON object carrying the key `k`.
fn is_grafana_cloud_token(secret: &[u8]) -> bool {
    secret
        .strip_prefix(b"glc_")
        .and_then(base64_json_object)
        .is_some_and(|m| has_string(&m, "k"))
}

/// Sentry organisation auth token: `sntrys_` + base64 JSON payload (`iat`, `url`, `org` …)
/// + `_` + unpadded base64 of 32 random bytes.
fn is_sentry_org_token(secret: &[u8]) -> bool {
    let Some(rest) = secret.strip_prefix(b"sntrys_") else {
        return false;
    };
    let Some(cut) = rest.iter().rposition(|&b| b == b'_') else {
        return false;
    };
    let (payload, random) = (&rest[..cut], &rest[cut + 1..]);
    let payload_ok = base64_json_object(payload).is_some_and(|m| m.contains_key("iat"));
    payload_ok && decode_any(random).is_some_and(|b| b.len() == 32)
}

/// Mapbox access token: `pk.`, `sk.` or `tk.`, base64url JSON (`{"u":user,"a":id}`), `.`,
/// signature.
fn is_mapbox_token(secret: &[u8]) -> bool {
    let mut parts = secret.split(|&b| b == b'.');
    let (Some(kind), Some(payload), Some(sig), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    matches!(kind, b"pk" | b"sk" | b"tk")
        && !sig.is_empty()
        && base64_json_object(payload).is_some_and(|m| has_string(&m, "u"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_and_lookup_agree() {
        for (name, _) in CATALOGUE {
            assert!(lookup(name).is_some(), "{name}");
        }
        assert!(lookup("no_such_validator").is_none());
    }

    #[test]
    fn grafana_service_account_checksum() {
        // CRC-32("glsa_…") computed independently (Python zlib.crc32, little-endian hex).
        let good = b"glsa_Qm7Zt2WcVb9LxK4nRp8JfYd3Hs6Ga1Te_2be4f5d9";
        let body = &good[..37];
        let crc = crc32fast::hash(body).to_le_bytes();
        let hex: String = crc.iter().map(|b| format!("{b:02x}")).collect();
        let mut token = body.to_vec();
        token.push(b'_');
        token.extend_from_slice(hex.as_bytes());
        assert!(is_grafana_sa_token(&token));
        // A flipped character in the body breaks the checksum.
        let mut bad = token.clone();
        bad[10] = if bad[10] == b'a' { b'b' } else { b'a' };
        assert!(!is_grafana_sa_token(&bad));
        assert!(!is_grafana_sa_token(
            b"glsa_Qm7Zt2WcVb9LxK4nRp8JfYd3Hs6Ga1Te_zzzzzzzz"
        ));
        assert!(!is_grafana_sa_token(b"glsa_short_0000000"));
        assert!(!is_grafana_sa_token(
            b"glpat_Qm7Zt2WcVb9LxK4nRp8JfYd3Hs6Ga1Te_2be4f5d9"
        ));
    }

    #[test]
    fn grafana_service_account_reference_vector() {
        // zlib.crc32(b"glsa_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa") = 0x940aa4b1 -> bytes b1 a4 0a 94.
        assert!(is_grafana_sa_token(
            b"glsa_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa_b1a40a94"
        ));
        assert!(!is_grafana_sa_token(
            b"glsa_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa_940aa4b1"
        ));
    }

    #[test]
    fn grafana_api_key_json() {
        // {"k":"Zr4nT8qLwX2mVb6yHc1sJd9pKf3gAe7u","n":"ci-deploy","id":1}
        let key =
            b"eyJrIjoiWnI0blQ4cUx3WDJtVmI2eUhjMXNKZDlwS2YzZ0FlN3UiLCJuIjoiY2ktZGVwbG95IiwiaWQiOjF9";
        assert!(is_grafana_api_key(key));
        // {"k":"abc"} lacks `n`.
        assert!(!is_grafana_api_key(b"eyJrIjoiYWJjIn0="));
        assert!(!is_grafana_api_key(b"eyJrIjoinotbase64!!"));
    }

    #[test]
    fn grafana_cloud_token_json() {
        // {"o":"1","n":"r","k":"K9x","m":{"r":"eu"}}
        let good = b"glc_eyJvIjoiMSIsIm4iOiJyIiwiayI6Iks5eCIsIm0iOnsiciI6ImV1In19";
        assert!(is_grafana_cloud_token(good));
        // {"o":"1"}
        assert!(!is_grafana_cloud_token(b"glc_eyJvIjoiMSJ9"));
        assert!(!is_grafana_cloud_token(b"glc_aGVsbG8gd29ybGQ="));
        assert!(!is_grafana_cloud_token(
            b"eyJvIjoiMSIsIm4iOiJyIiwiayI6Iks5eCJ9"
        ));
    }

    #[test]
    fn sentry_org_token_structure() {
        // payload {"iat":1.5,"org":"a"}; secret 32 bytes of 0x01.
        let good =
            b"sntrys_eyJpYXQiOjEuNSwib3JnIjoiYSJ9_AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE";
        assert!(is_sentry_org_token(good));
        // payload {"org":"a"} lacks iat.
        assert!(!is_sentry_org_token(
            b"sntrys_eyJvcmciOiJhIn0=_AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE"
        ));
        // secret part too short.
        assert!(!is_sentry_org_token(
            b"sntrys_eyJpYXQiOjEuNSwib3JnIjoiYSJ9_AQEBAQ"
        ));
        assert!(!is_sentry_org_token(b"sntrys_nounderscorehere"));
    }

    #[test]
    fn mapbox_token_structure() {
        // {"u":"ann","a":"ck1"}
        assert!(is_mapbox_token(
            b"pk.eyJ1IjoiYW5uIiwiYSI6ImNrMSJ9.c2lnbmF0dXJlMTIzNDU2Nzg5MA"
        ));
        assert!(is_mapbox_token(
            b"sk.eyJ1IjoiYW5uIiwiYSI6ImNrMSJ9.c2lnbmF0dXJlMTIzNDU2Nzg5MA"
        ));
        // {"a":"ck1"} has no user.
        assert!(!is_mapbox_token(
            b"sk.eyJhIjoiY2sxIn0.c2lnbmF0dXJlMTIzNDU2Nzg5MA"
        ));
        assert!(!is_mapbox_token(b"xk.eyJ1IjoiYW5uIiwiYSI6ImNrMSJ9.c2ln"));
        assert!(!is_mapbox_token(b"sk.eyJ1IjoiYW5uIiwiYSI6ImNrMSJ9"));
    }
}
