/// Redacts a secret for display: enough of a prefix to recognise the token type, never
/// enough to use it.
pub fn redact(secret: &str) -> String {
    if looks_like_query(secret) {
        return redact_query_secret(secret);
    }
    let chars: Vec<char> = secret.chars().collect();
    let n = chars.len();
    let keep = match n {
        0..=7 => 0,
        8..=15 => 2,
        16..=31 => 4,
        _ => 6,
    };
    let prefix: String = chars[..keep].iter().collect();
    format!("{prefix}…[{n} chars]")
}

fn looks_like_query(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    lower.contains("sig=") || lower.contains("signature=") || lower.contains("accountkey=")
}

/// Redacts only the secret-bearing parameters of a URL, query string or connection string
/// (`sig`, `Signature`, `AccountKey`, `SharedAccessKey`, `X-Amz-Signature`,
/// `X-Goog-Signature`, passwords in userinfo), keeping the rest, which is what explains a
/// token's scope and is not secret.
pub fn redact_query_secret(s: &str) -> String {
    const SECRET_KEYS: [&str; 7] = [
        "sig",
        "signature",
        "accountkey",
        "sharedaccesskey",
        "x-amz-signature",
        "x-goog-signature",
        "x-amz-security-token",
    ];
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while !rest.is_empty() {
        // Split on the separators of query strings and connection strings alike.
        let cut = rest.find(['&', ';', '?']).unwrap_or(rest.len());
        let (part, tail) = rest.split_at(cut);
        match part.split_once('=') {
            Some((k, v)) if SECRET_KEYS.contains(&k.trim().to_ascii_lowercase().as_str()) => {
                out.push_str(k);
                out.push('=');
                if !v.is_empty() {
                    out.push_str("REDACTED");
                }
            }
            _ => out.push_str(part),
        }
        if let Some(sep) = tail.chars().next() {
            out.push(sep);
            rest = &tail[sep.len_utf8()..];
        } else {
            rest = tail;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_plain_tokens_keeping_a_short_prefix() {
        let r = redact("ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
        assert_eq!(r, "ghp_aa…[40 chars]");
        assert_eq!(redact("short"), "…[5 chars]");
    }

    #[test]
    fn redacts_only_the_signature_of_a_sas() {
        let r = redact("sv=2019-12-12&ss=bfqt&sig=abcDEF%2Bxyz%3D&se=2051-01-01");
        assert_eq!(r, "sv=2019-12-12&ss=bfqt&sig=REDACTED&se=2051-01-01");
        let c = redact("DefaultEndpointsProtocol=https;AccountName=a;AccountKey=Zm9v==;");
        assert_eq!(
            c,
            "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=REDACTED;"
        );
    }
}
