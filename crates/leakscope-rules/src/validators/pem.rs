use super::base64len::decode_any;

/// A `-----BEGIN … PRIVATE KEY-----` block whose body (minus headers such as
/// `Proc-Type:`) is base64 of at least 64 bytes. Placeholder bodies fail.
pub fn is_pem_private_key(secret: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(secret) else {
        return false;
    };
    // Keys embedded in JSON or code carry literal `\n` sequences instead of newlines.
    let text = text.replace("\\r", "").replace("\\n", "\n");
    let mut body = String::new();
    for line in text.lines().map(str::trim) {
        if line.starts_with("-----") || line.contains(':') {
            continue;
        }
        body.extend(
            line.chars()
                .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=')),
        );
    }
    decode_any(body.as_bytes()).is_some_and(|b| b.len() >= 64)
}
