/// True when a candidate secret is evidently a placeholder, template variable or example
/// rather than a credential. Conservative: real random tokens essentially never trip it.
pub fn is_placeholder(secret: &[u8]) -> bool {
    let s = String::from_utf8_lossy(secret);
    let lower = s.to_ascii_lowercase();
    const TEMPLATE_MARKERS: [&str; 6] = ["${", "{{", "%(", "$(", "<%", "#{"];
    if TEMPLATE_MARKERS.iter().any(|m| lower.contains(m)) {
        return true;
    }
    if lower.contains('<') && lower.contains('>') {
        return true;
    }
    const WORDS: [&str; 12] = [
        "example",
        "placeholder",
        "changeme",
        "change_me",
        "your_",
        "your-",
        "yourkey",
        "redacted",
        "dummy",
        "xxxxxx",
        "******",
        "000000000000",
    ];
    if WORDS.iter().any(|w| lower.contains(w)) {
        return true;
    }
    let mut distinct = [false; 256];
    let mut n = 0;
    for &b in secret {
        if !distinct[b as usize] {
            distinct[b as usize] = true;
            n += 1;
        }
    }
    secret.len() >= 6 && n <= 2
}

#[cfg(test)]
mod tests {
    use super::is_placeholder;

    #[test]
    fn recognises_placeholders() {
        for p in [
            "${AWS_SECRET}",
            "<your-token>",
            "xxxxxxxxxxxxxxxx",
            "AKIAIOSFODNN7EXAMPLE",
            "aaaaaaaaaaaaaaaa",
            "{{ secret }}",
        ] {
            assert!(is_placeholder(p.as_bytes()), "{p}");
        }
    }

    #[test]
    fn keeps_random_tokens() {
        for t in [
            "ghp_4Qz9rT1kLm8Vx2Bn7Cd5Ef3Gh6Jk0Pq9Rs1T",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzKEY",
        ] {
            assert!(!is_placeholder(t.as_bytes()), "{t}");
        }
    }
}
