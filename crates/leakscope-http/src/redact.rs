use url::Url;

/// `url` without its query string and credentials, for messages and logs: SAS tokens and
/// API keys travel in the query.
pub fn redact_url(url: &Url) -> String {
    let mut u = url.clone();
    let had_query = u.query().is_some();
    u.set_query(None);
    u.set_fragment(None);
    let _ = u.set_password(None);
    let _ = u.set_username("");
    let mut s = u.to_string();
    if had_query {
        s.push_str("?…");
    }
    s
}

/// `text` with every occurrence of each secret (and its percent-encoded form) replaced.
pub fn redact(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_string();
    for s in secrets.iter().filter(|s| s.len() >= 4) {
        out = out.replace(s, "[REDACTED]");
        let encoded: String = url::form_urlencoded::byte_serialize(s.as_bytes()).collect();
        if encoded != *s {
            out = out.replace(&encoded, "[REDACTED]");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_query_and_userinfo() {
        let u = Url::parse("https://user:pw@a.blob.core.windows.net/c/b?sv=1&sig=abc%3D").unwrap();
        assert_eq!(redact_url(&u), "https://a.blob.core.windows.net/c/b?…");
    }

    #[test]
    fn replaces_plain_and_encoded_secrets() {
        let t = redact("sig=ab+c/d= and ab%2Bc%2Fd%3D", &["ab+c/d="]);
        assert_eq!(t, "sig=[REDACTED] and [REDACTED]");
    }
}
