//! Inline allow markers: a finding whose lines carry a marker such as `leakscope:allow`
//! (in a comment, typically) is a reviewed false positive or test value and is dropped.

use memchr::memmem;

/// Our own marker, always honoured.
pub const OWN_MARKER: &str = "leakscope:allow";

/// Other scanners' markers, honoured with `--compat-ignore` so teams switching tools keep
/// their reviewed exceptions.
pub const COMPAT_MARKERS: &[&str] = &[
    "gitleaks:allow",
    "trufflehog:ignore",
    "kingfisher:ignore",
    "pragma: allowlist secret",
];

/// Whether the lines spanned by `bytes[start..end]` carry one of `markers` that silences
/// `rule_id` (a marker followed by `:id` or `(id)` silences only that rule). Lines longer
/// than `cap` bytes either side are only searched within `cap` bytes of the match, so a
/// minified megabyte line costs no more than a normal one.
pub fn marked(
    bytes: &[u8],
    start: usize,
    end: usize,
    markers: &[memmem::Finder<'static>],
    cap: usize,
    rule_id: &str,
) -> bool {
    if markers.is_empty() {
        return false;
    }
    let end = end.min(bytes.len());
    let start = start.min(end);
    let lo = start.saturating_sub(cap);
    let line_start = memchr::memrchr(b'\n', &bytes[lo..start]).map_or(lo, |i| lo + i + 1);
    let hi = end.saturating_add(cap).min(bytes.len());
    let line_end = memchr::memchr(b'\n', &bytes[end..hi]).map_or(hi, |i| end + i);
    let span = &bytes[line_start..line_end];
    markers.iter().any(|m| {
        m.find_iter(span).any(|at| {
            let after = &span[at + m.needle().len()..];
            match scoped_rule(after) {
                // `leakscope:allow:aws.access_key_id` only silences that rule.
                Some(id) => rule_id.as_bytes() == id,
                None => true,
            }
        })
    })
}

/// The rule id right after a marker, written `marker:id` or `marker(id)`.
fn scoped_rule(after: &[u8]) -> Option<&[u8]> {
    let (open, rest) = after.split_first()?;
    if !matches!(open, b':' | b'(') {
        return None;
    }
    let len = rest
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-'))
        .count();
    (len > 0).then(|| &rest[..len])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finders(m: &[&'static str]) -> Vec<memmem::Finder<'static>> {
        m.iter()
            .map(|s| memmem::Finder::new(s.as_bytes()))
            .collect()
    }

    #[test]
    fn marker_on_the_secret_line_or_its_last_line() {
        let own = finders(&[OWN_MARKER]);
        let text = b"a = 1\nkey = \"AKIAXXXX\" # leakscope:allow\nb = 2\n";
        let s = 13;
        assert!(marked(text, s, s + 8, &own, 4096, "r"));
        // The line before does not count.
        let text2 = b"# leakscope:allow\nkey = \"AKIAXXXX\"\n";
        assert!(!marked(text2, 25, 33, &own, 4096, "r"));
        // A multi-line secret is allowed by a marker on its last line.
        let pem = b"k = '''-----BEGIN\nMIIB\n-----END''' # leakscope:allow\n";
        assert!(marked(pem, 7, 33, &own, 4096, "r"));
        assert!(!marked(text, s, s + 8, &[], 4096, "r"));
    }

    #[test]
    fn a_marker_can_name_the_one_rule_it_silences() {
        let own = finders(&[OWN_MARKER]);
        let text = b"k = 'AKIAXXXX' # leakscope:allow:aws.access_key_id\n";
        assert!(marked(text, 5, 13, &own, 4096, "aws.access_key_id"));
        assert!(!marked(text, 5, 13, &own, 4096, "generic.secret"));
        let paren = b"k = 'AKIAXXXX' # leakscope:allow(generic.secret) ok\n";
        assert!(marked(paren, 5, 13, &own, 4096, "generic.secret"));
        assert!(!marked(paren, 5, 13, &own, 4096, "aws.access_key_id"));
        // A bare marker after the colon-less text still allows every rule.
        assert!(marked(
            b"x # leakscope:allow - reviewed",
            0,
            1,
            &own,
            4096,
            "any"
        ));
    }

    #[test]
    fn cap_bounds_the_search_on_long_lines() {
        let mut line = vec![b'x'; 10_000];
        line.extend_from_slice(b" leakscope:allow");
        let own = finders(&[OWN_MARKER]);
        assert!(!marked(&line, 0, 4, &own, 100, "r"));
        assert!(marked(&line, 9_990, 9_995, &own, 100, "r"));
    }
}
