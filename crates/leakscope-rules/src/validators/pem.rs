use super::base64len::decode_any;

/// A `-----BEGIN … PRIVATE KEY-----` block whose body (minus headers such as
/// `Proc-Type:`) is base64 of at least 64 bytes. Placeholder bodies fail.
pub fn is_pem_private_key(secret: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(secret) else {
        return false;
    };
    // Keys embedded in JSON or code carry literal `\n` sequences instead of newlines.
    let text = literal_content(text)
        .replace("\\r", "")
        .replace("\\n", "\n");
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

/// A key written as concatenated string literals in code (`"-----BEGIN…\n" "MII…\n" …`, with
/// `+` or nothing between them) is the text inside the quotes. The match starts inside the
/// first literal, so everything up to the first quote is content and each quote toggles.
fn literal_content(text: &str) -> std::borrow::Cow<'_, str> {
    let Some(quote) = text.chars().find(|c| matches!(c, '"' | '\'')) else {
        return std::borrow::Cow::Borrowed(text);
    };
    let mut inside = true;
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c == quote {
            inside = !inside;
        } else if inside {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "MIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEAq7BFUpkGp3+LQmlQ\
                        Yx2eqzDV+xeG8kx/sQFV18S5JhzGeIKNA72wSeukEuojtqvuF0QcVMYD8rk2gi9n";

    #[test]
    fn pem_in_concatenated_string_literals() {
        let (a, b) = BODY.split_at(64);
        let c = format!(
            "-----BEGIN PRIVATE KEY-----\\n\"\n    \"{a}\\n\"\n    \"{b}\\n\"\n    \"-----END PRIVATE KEY-----"
        );
        assert!(is_pem_private_key(c.as_bytes()), "{c}");
        let go = format!(
            "-----BEGIN PRIVATE KEY-----\\n\" +\n\t\"{a}\\n\" +\n\t\"{b}\\n\" +\n\t\"-----END PRIVATE KEY-----"
        );
        assert!(is_pem_private_key(go.as_bytes()), "{go}");
        let plain = format!("-----BEGIN PRIVATE KEY-----\n{a}\n{b}\n-----END PRIVATE KEY-----");
        assert!(is_pem_private_key(plain.as_bytes()));
        let placeholder = "-----BEGIN PRIVATE KEY-----\\n\" \"...\\n\" \"-----END PRIVATE KEY-----";
        assert!(!is_pem_private_key(placeholder.as_bytes()));
    }
}
