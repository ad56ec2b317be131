//! Structure checks for the cloud, code-hosting, key and generic rule files: bech32
//! checksums (age keys), OpenPGP armour CRC-24, base64-wrapped PEM, HTTP Basic credentials,
//! and the false-positive filters of the password and generic-secret rules.

use super::base64len::decode_any;
use super::pem::is_pem_private_key;

const BECH32_CHARSET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";

fn bech32_polymod(values: impl Iterator<Item = u8>) -> u32 {
    const GEN: [u32; 5] = [
        0x3b6a_57b2,
        0x2650_8e6d,
        0x1ea1_19fa,
        0x3d42_33dd,
        0x2a14_62b3,
    ];
    let mut chk: u32 = 1;
    for v in values {
        let top = chk >> 25;
        chk = ((chk & 0x01ff_ffff) << 5) ^ u32::from(v);
        for (i, g) in GEN.iter().enumerate() {
            if (top >> i) & 1 == 1 {
                chk ^= g;
            }
        }
    }
    chk
}

/// A bech32 string (BIP-173) with a valid checksum, in one case throughout: the encoding
/// of age identities (`AGE-SECRET-KEY-1…`) and recipients (`age1…`).
pub fn is_bech32(secret: &[u8]) -> bool {
    let has_lower = secret.iter().any(u8::is_ascii_lowercase);
    let has_upper = secret.iter().any(u8::is_ascii_uppercase);
    if has_lower && has_upper || secret.len() > 1023 {
        return false;
    }
    let s = secret.to_ascii_lowercase();
    let Some(sep) = s.iter().rposition(|&b| b == b'1') else {
        return false;
    };
    let (hrp, data) = (&s[..sep], &s[sep + 1..]);
    if hrp.is_empty() || data.len() < 6 || hrp.iter().any(|&b| !(33..=126).contains(&b)) {
        return false;
    }
    let mut values = Vec::with_capacity(data.len());
    for &c in data {
        match BECH32_CHARSET.iter().position(|&x| x == c) {
            Some(v) => values.push(v as u8),
            None => return false,
        }
    }
    let expanded = hrp
        .iter()
        .map(|&b| b >> 5)
        .chain(std::iter::once(0))
        .chain(hrp.iter().map(|&b| b & 31))
        .chain(values.iter().copied());
    bech32_polymod(expanded) == 1
}

/// OpenPGP ASCII-armour CRC-24 (RFC 4880 §6.1).
fn crc24(data: &[u8]) -> u32 {
    let mut crc: u32 = 0x00b7_04ce;
    for &b in data {
        crc ^= u32::from(b) << 16;
        for _ in 0..8 {
            crc <<= 1;
            if crc & 0x0100_0000 != 0 {
                crc ^= 0x0186_4cfb;
            }
        }
    }
    crc & 0x00ff_ffff
}

/// An armoured `PGP PRIVATE KEY BLOCK`: the body (after the armour headers) is base64 of at
/// least 64 bytes, and the `=XXXX` CRC-24 line, when present, matches it.
pub fn is_pgp_private_key(secret: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(secret) else {
        return false;
    };
    let text = text.replace("\\r", "").replace("\\n", "\n");
    let mut body = String::new();
    let mut checksum: Option<&str> = None;
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with("-----") || line.contains(": ") {
            continue;
        }
        if line.len() == 5 && line.starts_with('=') {
            checksum = Some(&line[1..]);
            continue;
        }
        body.push_str(line);
    }
    let Some(bytes) = decode_any(body.as_bytes()) else {
        return false;
    };
    if bytes.len() < 64 {
        return false;
    }
    match checksum {
        None => true,
        Some(c) => decode_any(c.as_bytes()).is_some_and(|v| {
            v.len() == 3
                && (u32::from(v[0]) << 16 | u32::from(v[1]) << 8 | u32::from(v[2])) == crc24(&bytes)
        }),
    }
}

/// Base64 whose decoding is a PEM private-key block (a key file stored base64-encoded, as
/// in Kubernetes secrets and CI variables).
pub fn is_base64_pem_private_key(secret: &[u8]) -> bool {
    let Some(decoded) = decode_any(secret) else {
        return false;
    };
    let Ok(text) = std::str::from_utf8(&decoded) else {
        return false;
    };
    text.contains("PRIVATE KEY-----") && is_pem_private_key(text.as_bytes())
}

/// Base64 of `user:password` (an HTTP `Authorization: Basic` value) with printable text
/// and a password that is not empty or a template.
pub fn is_basic_auth(secret: &[u8]) -> bool {
    let Some(decoded) = decode_any(secret) else {
        return false;
    };
    let Ok(text) = std::str::from_utf8(&decoded) else {
        return false;
    };
    if text.chars().any(char::is_control) {
        return false;
    }
    match text.split_once(':') {
        Some((user, pass)) => !user.is_empty() && is_real_password(pass.as_bytes()),
        None => false,
    }
}

/// Values that are defaults, documentation words or references, never a leaked secret.
const DUMMY_VALUES: &[&str] = &[
    "password",
    "passwd",
    "pass",
    "secret",
    "admin",
    "root",
    "test",
    "testing",
    "guest",
    "user",
    "username",
    "postgres",
    "mysql",
    "redis",
    "rabbitmq",
    "mongo",
    "mongodb",
    "default",
    "none",
    "null",
    "nil",
    "true",
    "false",
    "undefined",
    "empty",
    "string",
    "value",
    "token",
    "apikey",
    "api_key",
    "foobar",
    "foo",
    "bar",
    "baz",
    "qwerty",
    "letmein",
    "welcome",
    "hunter2",
    "p@ssw0rd",
    "passw0rd",
    "password1",
    "password123",
    "secret123",
    "sample",
    "mypassword",
    "mysecret",
    "yourpassword",
    "pa55word",
    "s3cr3t",
    "topsecret",
    "notasecret",
    "insecure",
    "required",
    "optional",
    "anonymous",
    "opensesame",
    "foobared",
    "unknown",
    "todo",
    "tbd",
    "fixme",
];

/// Well-known credentials published for local development (the Azurite / Storage Emulator
/// account key), which are not secrets.
const PUBLIC_DEV_KEYS: &[&str] = &[
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq",
    // RFC 6749 (OAuth 2.0) sample client credentials, tokens and codes.
    "s6BhdRkqt3",
    "gX1fBat3bV",
    "7Fjfp0ZBr1KtDRbnfVdmIw",
    "2YotnFZFEjr1zCsicMWpAA",
    "tGzv3JOkF0XG5Qx2TlKWIA",
    "SplxlOBeZQQYbYS6WxSbIA",
];

/// Substrings that mark a value as a test fixture, mock or documentation sample.
const FIXTURE_MARKERS: &[&str] = &[
    "test",
    "fixture",
    "sample",
    "mock",
    "fake",
    "dummy",
    "example",
    "demo",
    "lorem",
    "foobar",
    "notreal",
    "not_real",
    "not-real",
    "invalid",
    "secret_here",
    "password_here",
    "insert",
    "replace",
    "fill_in",
    "fillme",
    "todo",
    "...",
];

/// A default or dummy value, possibly with a numeric suffix (`password1`, `admin123`).
fn is_dummy(lower: &str) -> bool {
    let stem = lower.trim_end_matches(|c: char| c.is_ascii_digit() || c == '!');
    DUMMY_VALUES.contains(&lower) || (!stem.is_empty() && DUMMY_VALUES.contains(&stem))
}

/// Base64 that decodes to readable text (`you're not supposed to decode this!`,
/// `{"foo": "bar"}`): an encoded message or structure, not random key material.
fn is_encoded_text(s: &str) -> bool {
    if s.len() < 12
        || !s
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_'))
    {
        return false;
    }
    let Some(bytes) = decode_any(s.as_bytes()) else {
        return false;
    };
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return false;
    };
    text.len() >= 8
        && text
            .chars()
            .all(|c| !c.is_control() || c == '\n' || c == '\t')
        && text.chars().any(|c| c == ' ' || c == '{' || c == '"')
}

fn is_hex(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// An identifier, member access or call (`settings.DB_PASSWORD`, `os.getenv("X")`,
/// `getPassword()`, `this.password`), or a path: code, not a literal secret.
fn looks_like_code_or_path(s: &str) -> bool {
    let first = s.as_bytes()[0];
    if matches!(first, b'$' | b'%' | b'@' | b'&' | b'!' | b'(' | b'[' | b'{') && s.len() > 1 {
        // `$VAR`, `%VAR%`, `@Value`, `!vault`, `(expr)`: references and syntax.
        if s[1..].bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'_' | b'{' | b'}' | b'%' | b'.' | b'-' | b'|' | b'(' | b')'
                )
        }) {
            return true;
        }
    }
    if s.contains("()") || s.contains("(\"") || s.contains("('") || s.starts_with("process.env") {
        return true;
    }
    // Dotted identifiers: `config.db.password`, `self.secret`, Sphinx `~pkg.mod.Class`.
    let s = s.strip_prefix('~').unwrap_or(s);
    if s.contains('.')
        && s.split('.').all(|p| {
            !p.is_empty()
                && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                && p.bytes()
                    .next()
                    .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        })
    {
        return true;
    }
    // Paths, URLs and file names.
    if s.starts_with("./") || s.starts_with("../") || s.starts_with("~/") || s.contains("://") {
        return true;
    }
    let lower = s.to_ascii_lowercase();
    const FILE_EXTENSIONS: [&str; 14] = [
        ".html", ".json", ".yaml", ".yml", ".toml", ".txt", ".pem", ".key", ".crt", ".p12", ".pfx",
        ".jks", ".env", ".cfg",
    ];
    if FILE_EXTENSIONS.iter().any(|e| lower.ends_with(e)) {
        return true;
    }
    // Type paths and annotations: `windows_core::PCWSTR`, `vk::RenderPass`, `persistence:`.
    if s.contains("::") || s.starts_with(':') || s.ends_with(':') {
        return true;
    }
    // Identifiers: letters only (`GameTextInputType`), or snake/constant case
    // (`PFN_vkCreateRenderPass`, `D3DKMT_DEFRAG_ESCAPE_OPERATION`).
    let b = s.as_bytes();
    if b.iter().all(u8::is_ascii_alphabetic) {
        return true;
    }
    let word_chars = b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_');
    if word_chars
        && b[0].is_ascii_alphabetic()
        && s.contains('_')
        && (b.iter().all(|c| !c.is_ascii_lowercase()) || b.iter().all(|c| !c.is_ascii_digit()))
    {
        return true;
    }
    // UPPER_SNAKE or lower_snake/camel identifiers without digits are names, not secrets.
    let ident = s
        .bytes()
        .all(|b| b.is_ascii_alphabetic() || b == b'_' || b == b'-');
    ident && (s.bytes().all(|b| !b.is_ascii_lowercase()) || s.len() < 12)
}

/// Lower-case words joined by `-`, `_` or `.` (`my-app-bucket`, `us_east_1`, `v2.3.1`): names
/// and versions, not secrets. Random values mix letters and digits inside their segments.
fn is_slug(s: &str) -> bool {
    let segments: Vec<&str> = s.split(|c: char| !c.is_ascii_alphanumeric()).collect();
    segments.len() >= 2
        && segments.iter().all(|seg| {
            seg.bytes().all(|b| b.is_ascii_lowercase()) || seg.bytes().all(|b| b.is_ascii_digit())
        })
}

/// CamelCase names (`X509HardwareKeyUsageFlags`): three quarters of the value is three or
/// more capitalised words of three or more letters, which random strings almost never are.
fn is_camel_case_name(s: &str) -> bool {
    let b = s.as_bytes();
    let (mut covered, mut words, mut i) = (0, 0, 0);
    while i < b.len() {
        if b[i].is_ascii_uppercase() {
            let run = b[i + 1..]
                .iter()
                .take_while(|c| c.is_ascii_lowercase())
                .count();
            if run >= 2 {
                covered += run + 1;
                words += 1;
                i += run + 1;
                continue;
            }
        }
        i += 1;
    }
    words >= 3 && covered * 4 >= b.len() * 3
}

fn repetitive(s: &str) -> bool {
    let b = s.as_bytes();
    // One short unit repeated (`abcabcabc`, `121212`).
    (1..=4).any(|unit| b.len() >= unit * 3 && b.len().is_multiple_of(unit) && b.chunks(unit).all(|c| c == &b[..unit]))
        // Runs such as `12345678` / `abcdefgh`.
        || (b.len() >= 6 && b.windows(2).all(|w| w[1] == w[0].wrapping_add(1)))
}

/// The false-positive filter of the generic password/secret/token assignment rules. It
/// rejects placeholders and references (`${VAR}`, `%VAR%`, `settings.X`, `getenv(...)`),
/// defaults (`changeme`, `postgres`, `admin`), test fixtures (`test`, `mock`, `dummy` …),
/// hashes (pure hex of digest length), UUIDs, repeated and sequential characters, and
/// values without enough variety (fewer than two character classes).
pub fn is_generic_secret(secret: &[u8]) -> bool {
    let Ok(s) = std::str::from_utf8(secret) else {
        return false;
    };
    let s = s.trim_matches(|c| c == '"' || c == '\'' || c == '`');
    if s.len() < 8 || s.len() > 256 || crate::is_placeholder(s.as_bytes()) {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    if is_dummy(&lower) || FIXTURE_MARKERS.iter().any(|m| lower.contains(m)) {
        return false;
    }
    if PUBLIC_DEV_KEYS.iter().any(|k| s.starts_with(k)) {
        return false;
    }
    if is_uuid(s) || (is_hex(s) && matches!(s.len(), 32 | 40 | 56 | 64 | 96 | 128)) {
        return false;
    }
    // Hash/integrity notation (`sha256:…`, `sha512-…`) and crypt strings are not passwords.
    if ["sha1", "sha256", "sha384", "sha512", "md5"]
        .iter()
        .any(|p| lower.starts_with(p) && lower[p.len()..].starts_with([':', '-', '=']))
    {
        return false;
    }
    if looks_like_code_or_path(s)
        || is_prose_word(s)
        || repetitive(&lower)
        || is_slug(s)
        || is_camel_case_name(s)
        || is_encoded_text(s)
    {
        return false;
    }
    // Values naming a secret rather than holding one (`db-password-ref`, `my-app-secret`).
    if [
        "secret",
        "password",
        "passwd",
        "token",
        "apikey",
        "api_key",
        "api-key",
        "credential",
    ]
    .iter()
    .any(|w| lower.contains(w))
    {
        return false;
    }
    let classes = [
        s.bytes().any(|b| b.is_ascii_lowercase()),
        s.bytes().any(|b| b.is_ascii_uppercase()),
        s.bytes().any(|b| b.is_ascii_digit()),
        s.bytes().any(|b| !b.is_ascii_alphanumeric()),
    ];
    classes.iter().filter(|&&c| c).count() >= 2
}

/// A word of documentation rather than a value: `password: Optional. The …`,
/// `--http-password=STRING’.` — letters only, ending in sentence punctuation, or a single
/// Title-case or UPPER-case word.
fn is_prose_word(s: &str) -> bool {
    let core = s.trim_end_matches(|c: char| {
        matches!(c, '.' | ',' | ':' | ';' | '!' | '?' | '\u{2019}' | '\'')
    });
    if core.is_empty() || !core.bytes().all(|b| b.is_ascii_alphabetic()) {
        return false;
    }
    let punctuated = core.len() < s.len();
    let mut chars = core.chars();
    let first_upper = chars.next().is_some_and(|c| c.is_ascii_uppercase());
    let rest_lower = chars.clone().all(|c| c.is_ascii_lowercase());
    let all_upper = core.bytes().all(|b| b.is_ascii_uppercase());
    punctuated || (first_upper && rest_lower) || all_upper
}

/// The password of a URI or connection string: not empty, not a template or environment
/// reference, and not a well-known default (`postgres`, `guest`, `password` …).
pub fn is_real_password(secret: &[u8]) -> bool {
    let Ok(s) = std::str::from_utf8(secret) else {
        return false;
    };
    if s.len() < 4 || crate::is_placeholder(s.as_bytes()) {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    if is_dummy(&lower) || PUBLIC_DEV_KEYS.iter().any(|k| s.starts_with(k)) {
        return false;
    }
    let b = s.as_bytes();
    let env_ref = (b[0] == b'$'
        && (b[1] == b'{' || b[1] == b'(' || b[1].is_ascii_alphabetic() || b[1] == b'_'))
        || (b[0] == b'%' && b[b.len() - 1] == b'%');
    if env_ref || lower.starts_with("env:") {
        return false;
    }
    // Masked values as printed by tools and docs.
    !s.bytes()
        .all(|b| matches!(b, b'*' | b'x' | b'X' | b'.' | b'#'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documentation_words_are_not_secrets() {
        for v in [
            "Optional.",
            "Required.",
            "STRING\u{2019}.",
            "Changeme",
            "PASSWORDVALUE",
        ] {
            assert!(is_prose_word(v), "{v}");
            assert!(!is_generic_secret(v.as_bytes()), "{v}");
        }
        for v in [
            "hunter2Zq",
            "dQcbY5m9Gfwk34c0",
            "M2L7vlCryyw0",
            "wPf!8T0E8*QCKYfwLJ",
        ] {
            assert!(!is_prose_word(v), "{v}");
        }
    }

    #[test]
    fn bech32_checksum() {
        // BIP-173 test vectors.
        assert!(is_bech32(b"A12UEL5L"));
        assert!(is_bech32(b"abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw"));
        assert!(!is_bech32(b"abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxx"));
        assert!(!is_bech32(b"A12uEL5L"));
    }

    #[test]
    fn crc24_vector() {
        // CRC-24/OPENPGP check value of "123456789".
        assert_eq!(crc24(b"123456789"), 0x21cf02);
    }

    #[test]
    fn basic_auth_values() {
        assert!(is_basic_auth(b"ZGVwbG95OnM0TmtQcTdXelhyMg=="));
        assert!(!is_basic_auth(b"dXNlcm5hbWU6")); // "username:"
        assert!(!is_basic_auth(b"bm9jb2xvbg==")); // "nocolon"
    }

    #[test]
    fn generic_secret_filter() {
        for ok in [
            "s4NkPq7WzXr2",
            "Tr0ub4dor&3xyz",
            "hG7#kq!29Lm",
            "XMbmunMMfqcaCu90",
            "/UV0RGaHfA1BDnLg8ELIGK07sH8picHgwUos5LazbSZb",
        ] {
            assert!(is_generic_secret(ok.as_bytes()), "{ok}");
        }
        for bad in [
            "changeme",
            "${DB_PASSWORD}",
            "%DB_PASSWORD%",
            "settings.DB_PASSWORD",
            "os.getenv(\"DB_PASSWORD\")",
            "test_password_1",
            "mock-secret-99",
            "5f4dcc3b5aa765d61d8327deb882cf99",
            "da39a3ee5e6b4b0d3255bfef95601890afd80709",
            "123e4567-e89b-12d3-a456-426614174000",
            "12345678",
            "abcabcabcabc",
            "DATABASE_PASSWORD",
            "sha256:0a1b2c3d4e5f",
            "/run/secrets/db_password",
            "alllowercaseletters",
            "my-k8s-secret",
            "orders-api-prod",
            "payments-eu-west-1",
            "windows_core::PCWSTR",
            "GameTextInputType",
            "PFN_vkCreateRenderPass",
            "D3DKMT_DEFRAG_ESCAPE_OPERATION",
            "persistence:",
            "true/false",
            "X509HardwareKeyUsageFlags",
            "/etc/ssl/private/server.key",
            "/home/deploy/.ssh/id_rsa",
            "client_pk^server_sk",
            "~azure.mgmt.compute.models.KeyVaultKeyReference",
            "eW91J3JlIG5vdCBzdXBwb3NlZCB0byBkZWNvZGUgdGhpcyE=",
            "eyJmb28iOiAiYmFyIn0=",
            "Password123!",
            "../../sign/trait.SigningKey.html",
        ] {
            assert!(!is_generic_secret(bad.as_bytes()), "{bad}");
        }
    }

    #[test]
    fn generic_secret_keeps_random_values() {
        // Deterministic xorshift: random base62 / base64 values of typical secret lengths
        // must almost all survive the filter (it targets code, names and fixtures).
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let alphabets: [&[u8]; 2] = [
            b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
            b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/",
        ];
        let (mut kept, total) = (0, 2000);
        for i in 0..total {
            let alphabet = alphabets[i % 2];
            let len = 16 + (next() % 29) as usize;
            let v: Vec<u8> = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            if is_generic_secret(&v) {
                kept += 1;
            }
        }
        assert!(kept * 100 >= total * 98, "kept only {kept} of {total}");
    }

    #[test]
    fn uri_passwords() {
        assert!(is_real_password(b"q8Lz!r2Vw"));
        assert!(!is_basic_auth(b"czZCaGRSa3F0MzpnWDFmQmF0M2JW")); // RFC 6749 sample
        for bad in [
            "postgres",
            "guest",
            "${PGPASSWORD}",
            "****",
            "pass",
            "xxxxxxxx",
        ] {
            assert!(!is_real_password(bad.as_bytes()), "{bad}");
        }
    }
}
