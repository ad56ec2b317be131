//! One request, normalised from any log format, and the classification helpers.

use jiff::Timestamp;
use sha2::{Digest, Sha256};

/// How a request was authorised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthKind {
    Sas,
    AccountKey,
    Oauth,
    Anonymous,
    Other,
}

impl AuthKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AuthKind::Sas => "sas",
            AuthKind::AccountKey => "account_key",
            AuthKind::Oauth => "oauth",
            AuthKind::Anonymous => "anonymous",
            AuthKind::Other => "other",
        }
    }
}

/// What an operation does to data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpClass {
    Read,
    Write,
    Delete,
    List,
}

/// A request, whatever format it came from.
#[derive(Debug, Clone, Default)]
pub struct Record {
    pub time: Option<Timestamp>,
    pub operation: String,
    pub auth: Option<AuthKind>,
    /// The authentication type exactly as logged.
    pub auth_raw: String,
    /// The log's token hash (`AuthenticationHash` / `identity.tokenHash`), as logged.
    pub hash: Option<String>,
    /// SAS parameters of the request URL without `sig`, canonical (see [`canonical_sas`]).
    pub sas_params: Option<String>,
    /// Client IP without port.
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub status: Option<u16>,
    /// `Success`, `SASSuccess`, … (classic request-status / Monitor statusText).
    pub status_text: Option<String>,
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub account: Option<String>,
    pub service: Option<String>,
    /// OAuth requester (object id or UPN).
    pub principal: Option<String>,
    /// Monitor category: `StorageRead`, `StorageWrite`, `StorageDelete`.
    pub category: Option<String>,
}

/// Fields pulled out of any format before normalisation.
#[derive(Debug, Default)]
pub struct RawFields {
    pub time: Option<String>,
    pub operation: Option<String>,
    pub auth: Option<String>,
    pub hash: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub status: Option<String>,
    pub status_text: Option<String>,
    pub bytes_in: Option<String>,
    pub bytes_out: Option<String>,
    pub account: Option<String>,
    pub service: Option<String>,
    pub principal: Option<String>,
    pub category: Option<String>,
    pub uri: Option<String>,
}

fn nonempty(s: Option<String>) -> Option<String> {
    let v = s?;
    let t = v.trim();
    if t.is_empty() {
        None
    } else if t.len() == v.len() {
        Some(v)
    } else {
        Some(t.to_string())
    }
}

fn num(s: &Option<String>) -> u64 {
    s.as_deref()
        .and_then(|v| v.trim().split('.').next())
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0)
}

impl RawFields {
    /// Normalise; `Err` when the entry has no operation name (not a request record).
    pub fn finish(self) -> Result<Record, &'static str> {
        let operation = nonempty(self.operation).ok_or("no operation name")?;
        let time = match nonempty(self.time) {
            Some(t) => Some(parse_time(&t).ok_or("unparseable time")?),
            None => None,
        };
        let sas_params = self.uri.as_deref().and_then(|u| canonical_sas(query_of(u)));
        let has_sig = self.uri.as_deref().is_some_and(|u| {
            query_of(u)
                .split('&')
                .any(|p| p.len() >= 4 && p[..4].eq_ignore_ascii_case("sig="))
        });
        let auth_raw = self.auth.unwrap_or_default().trim().to_string();
        let status_text = nonempty(self.status_text);
        let status_num = self.status.as_deref().and_then(|s| {
            s.trim()
                .split('.')
                .next()
                .and_then(|v| v.parse::<u16>().ok())
        });
        let auth = auth_kind(&auth_raw, has_sig, status_text.as_deref());
        Ok(Record {
            time,
            operation,
            auth: Some(auth),
            auth_raw,
            hash: nonempty(self.hash),
            sas_params,
            ip: nonempty(self.ip).map(|i| strip_port(&i).to_string()),
            user_agent: nonempty(self.user_agent),
            status: status_num,
            status_text,
            bytes_in: num(&self.bytes_in),
            bytes_out: num(&self.bytes_out),
            account: nonempty(self.account),
            service: nonempty(self.service),
            principal: nonempty(self.principal),
            category: nonempty(self.category),
        })
    }
}

impl Record {
    pub fn auth(&self) -> AuthKind {
        self.auth.unwrap_or(AuthKind::Other)
    }

    pub fn class(&self) -> OpClass {
        classify(&self.operation, self.category.as_deref())
    }

    /// A failed request: HTTP status ≥ 400, or without a status a request-status that is
    /// not a success.
    pub fn is_error(&self) -> bool {
        match self.status {
            Some(s) => s >= 400,
            None => self
                .status_text
                .as_deref()
                .is_some_and(|t| !t.to_ascii_lowercase().contains("success")),
        }
    }
}

/// Map a logged authentication type (classic `authentication-type`, Monitor
/// `AuthenticationType`) to a kind. Classic logs say `authenticated` for Shared Key; the
/// request URL's `sig` and the classic request-status prefix (`SASSuccess`,
/// `AnonymousSuccess`) break ties.
pub fn auth_kind(raw: &str, has_sig: bool, status_text: Option<&str>) -> AuthKind {
    let l = raw.to_ascii_lowercase();
    let status = status_text.unwrap_or("").to_ascii_lowercase();
    if l.contains("sas") {
        AuthKind::Sas
    } else if l == "authenticated" || l.contains("accountkey") || l.contains("sharedkey") {
        if has_sig {
            AuthKind::Sas
        } else {
            AuthKind::AccountKey
        }
    } else if l.contains("oauth") || l.contains("bearer") {
        AuthKind::Oauth
    } else if l.contains("anonymous") {
        AuthKind::Anonymous
    } else if l.is_empty() {
        if has_sig || status.starts_with("sas") {
            AuthKind::Sas
        } else if status.starts_with("anonymous") {
            AuthKind::Anonymous
        } else {
            AuthKind::Other
        }
    } else {
        AuthKind::Other
    }
}

/// Classify an operation name (the REST operation names used by both log families).
pub fn classify(op: &str, category: Option<&str>) -> OpClass {
    const WRITE_PREFIXES: &[&str] = &[
        "Put",
        "Set",
        "Create",
        "Copy",
        "Append",
        "Update",
        "Insert",
        "Merge",
        "Upload",
        "Lease",
        "Snapshot",
        "Undelete",
        "Abort",
        "Incremental",
        "Flush",
        "Rename",
        "Patch",
        "Restore",
        "Seal",
        "Acquire",
        "Break",
        "Release",
        "Renew",
        "Change",
        "Force",
    ];
    if op.starts_with("List") || op == "QueryTables" || op == "FindBlobsByTags" {
        return OpClass::List;
    }
    if op.starts_with("Delete") || op == "ClearMessages" || op.starts_with("Purge") {
        return OpClass::Delete;
    }
    if WRITE_PREFIXES.iter().any(|p| op.starts_with(p)) {
        return OpClass::Write;
    }
    match category {
        Some(c) if c.eq_ignore_ascii_case("StorageDelete") => OpClass::Delete,
        Some(c) if c.eq_ignore_ascii_case("StorageWrite") => OpClass::Write,
        _ => OpClass::Read,
    }
}

/// Listing scope: `account` for listing containers/shares/queues/tables, else `container`.
pub fn list_level(op: &str) -> &'static str {
    match op {
        "ListContainers" | "ListShares" | "ListQueues" | "QueryTables" | "ListFileSystems" => {
            "account"
        }
        _ => "container",
    }
}

/// Strip `:port` from `1.2.3.4:5678` and `[::1]:443`; leave a bare IPv6 address alone.
pub fn strip_port(s: &str) -> &str {
    let s = s.trim();
    if let Some(rest) = s.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    match s.matches(':').count() {
        1 => s.split(':').next().unwrap_or(s),
        _ => s,
    }
}

/// The query string of a URL (or the string itself when it has no `?`).
pub fn query_of(u: &str) -> &str {
    match u.find('?') {
        Some(i) => &u[i + 1..],
        None => u,
    }
}

/// SAS query parameters (every documented signed field and response-header override).
const SAS_KEYS: &[&str] = &[
    "sv", "ss", "srt", "sp", "st", "se", "sip", "spr", "sr", "si", "sdd", "ses", "skoid", "sktid",
    "skt", "ske", "sks", "skv", "saoid", "suoid", "scid", "sduoid", "skdutid", "rscc", "rscd",
    "rsce", "rscl", "rsct", "tn", "spk", "srk", "epk", "erk",
];

/// Canonical identity of a SAS from a query string: its SAS parameters without `sig`,
/// percent-decoded, keys lower-cased, sorted, joined as `k=v&k=v`. `None` when the query
/// holds no `sig` and no `sv`/`se`/`sp` (not a SAS).
pub fn canonical_sas(query: &str) -> Option<String> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut is_sas = false;
    for part in query.split('&') {
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        let k = percent_decode(k).to_ascii_lowercase();
        if k == "sig" {
            is_sas = true;
            continue;
        }
        if SAS_KEYS.contains(&k.as_str()) {
            if matches!(k.as_str(), "sv" | "se" | "sp") {
                is_sas = true;
            }
            pairs.push((k, percent_decode(v)));
        }
    }
    if !is_sas || pairs.is_empty() {
        return None;
    }
    pairs.sort();
    pairs.dedup();
    Some(
        pairs
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&"),
    )
}

/// The `sig` value of a query string, percent-decoded.
pub fn sas_sig(query: &str) -> Option<String> {
    query.split('&').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.eq_ignore_ascii_case("sig").then(|| percent_decode(v))
    })
}

pub use leakscope_core::percent_decode;

/// The SHA-256 values in a logged token hash, as upper-case hex. Azure writes
/// `key1(HEX)` for Shared Key, `key1(HEX),SasSignature(HEX)` for a SAS and a bare hash for
/// OAuth; hex is upper-case in Microsoft's examples. Base64-encoded digests (44 chars) are
/// accepted too and converted.
pub fn hash_values(logged: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in logged.split([',', ';', ' ']) {
        let inner = match (part.find('('), part.rfind(')')) {
            (Some(a), Some(b)) if b > a => &part[a + 1..b],
            _ => part,
        };
        if let Some(h) = normalise_digest(inner.trim()) {
            out.push(h);
        }
    }
    out
}

/// A SHA-256 digest given as hex (any case) or base64 → upper-case hex.
pub fn normalise_digest(s: &str) -> Option<String> {
    if s.len() == 64 && s.bytes().all(|c| c.is_ascii_hexdigit()) {
        return Some(s.to_ascii_uppercase());
    }
    if s.len() == 44 {
        use base64::Engine;
        if let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(s) {
            if bytes.len() == 32 {
                return Some(hex_upper(&bytes));
            }
        }
    }
    None
}

pub fn hex_upper(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(HEX[(b >> 4) as usize] as char);
        s.push(HEX[(b & 15) as usize] as char);
    }
    s
}

/// SHA-256 as upper-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex_upper(&Sha256::digest(bytes))
}

/// RFC 3339 / ISO 8601 (with or without zone: UTC assumed), or the Log Analytics portal's
/// `M/D/YYYY, h:mm:ss[.fff] AM|PM` (UTC).
pub fn parse_time(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    if let Ok(t) = s.parse::<Timestamp>() {
        return Some(t);
    }
    if let Ok(dt) = s.parse::<jiff::civil::DateTime>() {
        return dt
            .to_zoned(jiff::tz::TimeZone::UTC)
            .ok()
            .map(|z| z.timestamp());
    }
    portal_time(s)
}

fn portal_time(s: &str) -> Option<Timestamp> {
    let (date, rest) = s.split_once(',')?;
    let mut d = date.trim().split('/');
    let month: i8 = d.next()?.parse().ok()?;
    let day: i8 = d.next()?.parse().ok()?;
    let year: i16 = d.next()?.parse().ok()?;
    let mut r = rest.split_whitespace();
    let clock = r.next()?;
    let ampm = r.next().unwrap_or("").to_ascii_uppercase();
    let mut c = clock.split(':');
    let mut hour: i8 = c.next()?.parse().ok()?;
    let minute: i8 = c.next()?.parse().ok()?;
    let sec = c.next().unwrap_or("0");
    let (secs, frac) = sec.split_once('.').unwrap_or((sec, ""));
    let second: i8 = secs.parse().ok()?;
    let mut nanos: i32 = 0;
    if !frac.is_empty() {
        let digits: String = frac.chars().take(9).collect();
        let scale = 10i32.pow(9 - digits.len() as u32);
        nanos = digits.parse::<i32>().ok()? * scale;
    }
    match ampm.as_str() {
        "PM" if hour < 12 => hour += 12,
        "AM" if hour == 12 => hour = 0,
        _ => {}
    }
    let dt = jiff::civil::DateTime::new(year, month, day, hour, minute, second, nanos).ok()?;
    dt.to_zoned(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sas_identity_ignores_sig_order_and_non_sas_params() {
        let a = canonical_sas(
            "comp=list&sv=2022-11-02&sp=rl&sig=XXXXX&se=2030-01-01T00%3A00%3A00Z&restype=container",
        );
        let b = canonical_sas("se=2030-01-01T00:00:00Z&sig=abc%3D&sp=rl&sv=2022-11-02");
        assert_eq!(
            a.as_deref(),
            Some("se=2030-01-01T00:00:00Z&sp=rl&sv=2022-11-02")
        );
        assert_eq!(a, b);
        assert_eq!(canonical_sas("timeout=30&comp=list"), None);
    }

    #[test]
    fn hashes_from_logged_forms() {
        let h = "A".repeat(64);
        let l = "b".repeat(64);
        let v = hash_values(&format!("key1({h}),SasSignature({l})"));
        assert_eq!(v, vec![h.clone(), l.to_ascii_uppercase()]);
        assert_eq!(hash_values(&h), vec![h]);
    }

    #[test]
    fn ports_and_times() {
        assert_eq!(strip_port("10.0.0.1:52100"), "10.0.0.1");
        assert_eq!(strip_port("[2001:db8::1]:443"), "2001:db8::1");
        assert_eq!(strip_port("2001:db8::1"), "2001:db8::1");
        let t = parse_time("2024-03-01T10:00:00.1234567Z").unwrap();
        assert_eq!(t.to_string(), "2024-03-01T10:00:00.1234567Z");
        let p = parse_time("3/1/2024, 1:02:03.500 PM").unwrap();
        assert_eq!(p.to_string(), "2024-03-01T13:02:03.5Z");
    }

    #[test]
    fn classification() {
        assert_eq!(classify("GetBlob", None), OpClass::Read);
        assert_eq!(classify("PutBlob", None), OpClass::Write);
        assert_eq!(classify("DeleteBlob", None), OpClass::Delete);
        assert_eq!(classify("ListBlobs", None), OpClass::List);
        assert_eq!(classify("Unknown", Some("StorageDelete")), OpClass::Delete);
        assert_eq!(list_level("ListContainers"), "account");
    }
}
