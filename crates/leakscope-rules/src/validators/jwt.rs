use super::base64len::decode_any;

/// Three dot-separated base64url parts; the header decodes to a JSON object with `alg`.
pub fn is_jwt(secret: &[u8]) -> bool {
    let mut parts = secret.split(|&b| b == b'.');
    let (Some(header), Some(payload), Some(_sig), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let json_object = |part: &[u8]| -> Option<serde_json::Map<String, serde_json::Value>> {
        let bytes = decode_any(part)?;
        match serde_json::from_slice(&bytes).ok()? {
            serde_json::Value::Object(m) => Some(m),
            _ => None,
        }
    };
    match (json_object(header), json_object(payload)) {
        (Some(h), Some(_)) => h.contains_key("alg"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn recognises_real_jwt_structure() {
        // {"alg":"HS256","typ":"JWT"} . {"sub":"1234567890","name":"Ann"} . sig
        let t = b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkFubiJ9.c2lnbmF0dXJlLWJ5dGVz";
        assert!(super::is_jwt(t));
        assert!(!super::is_jwt(b"eyJhbGciOiJIUzI1NiJ9.notjson.x"));
        assert!(!super::is_jwt(b"a.b"));
    }
}
