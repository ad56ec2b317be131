//! The SAS token model and its parser.

use crate::error::SasError;
use crate::permissions::{self, PermContext, Permission};
use crate::query::{self, UrlInfo};
use crate::time::parse_sas_time;
use base64::Engine;
use jiff::Timestamp;

/// Inputs longer than this are not SAS tokens; refusing them bounds work on hostile input.
pub const MAX_INPUT: usize = 64 * 1024;

/// Every parameter a SAS may carry, across service versions. Others are kept as unknown.
pub const KNOWN_PARAMS: &[&str] = &[
    "sv", "ss", "srt", "sp", "st", "se", "sip", "spr", "sig", "sr", "si", "sdd", "ses", "skoid",
    "sktid", "skt", "ske", "sks", "skv", "saoid", "suoid", "scid", "tn", "spk", "srk", "epk",
    "erk", "rscc", "rscd", "rsce", "rscl", "rsct", "skdutid", "sduoid", "srh", "srq",
];

/// URL parameters that are not part of the SAS but are signed with it.
pub const RESOURCE_PARAMS: &[&str] = &["snapshot", "versionid", "sharesnapshot", "restype", "comp"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SasKind {
    Account,
    Service,
    UserDelegation,
}

impl SasKind {
    pub fn name(self) -> &'static str {
        match self {
            SasKind::Account => "account",
            SasKind::Service => "service",
            SasKind::UserDelegation => "user_delegation",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Service {
    Blob,
    File,
    Queue,
    Table,
}

impl Service {
    pub fn name(self) -> &'static str {
        match self {
            Service::Blob => "blob",
            Service::File => "file",
            Service::Queue => "queue",
            Service::Table => "table",
        }
    }

    fn from_name(s: &str) -> Option<Service> {
        match s {
            "blob" | "dfs" => Some(Service::Blob),
            "file" => Some(Service::File),
            "queue" => Some(Service::Queue),
            "table" => Some(Service::Table),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceType {
    Service,
    Container,
    Object,
}

impl ResourceType {
    pub fn name(self) -> &'static str {
        match self {
            ResourceType::Service => "service",
            ResourceType::Container => "container",
            ResourceType::Object => "object",
        }
    }
}

/// A parsed SAS. Raw values are kept as given because the signature covers them verbatim.
#[derive(Debug, Clone)]
pub struct SasToken {
    /// Every query parameter, decoded, in the order given (including unknown ones).
    pub params: Vec<(String, String)>,
    pub url: Option<UrlInfo>,
    pub kind: SasKind,
    /// The service a service/user-delegation SAS addresses (None when nothing says).
    pub service: Option<Service>,
    pub services: Vec<Service>,
    pub resource_types: Vec<ResourceType>,
    pub permissions: Vec<Permission>,
    pub start: Option<Timestamp>,
    pub expiry: Option<Timestamp>,
    /// User delegation key expiry (`ske`).
    pub key_expiry: Option<Timestamp>,
    pub signature: [u8; 32],
}

impl SasToken {
    /// The decoded value of a parameter (names are case-sensitive in Azure; we match exactly
    /// first and fall back to lower case, because pasted tokens are sometimes upper-cased).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .or_else(|| {
                self.params
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
            })
            .map(|(_, v)| v.as_str())
    }

    pub fn version(&self) -> Option<&str> {
        self.get("sv")
    }

    pub fn account(&self) -> Option<&str> {
        self.url.as_ref().and_then(|u| u.account.as_deref())
    }

    /// `spr` absent or listing `http`.
    pub fn allows_http(&self) -> bool {
        match self.get("spr") {
            None => true,
            Some(p) => p.split(',').any(|x| x.trim().eq_ignore_ascii_case("http")),
        }
    }

    /// Permissions are known only if `sp` is present (otherwise they live in a stored policy).
    pub fn permissions_known(&self) -> bool {
        self.get("sp").is_some()
    }

    /// Expiry that actually applies: a user delegation SAS dies with its key.
    pub fn effective_expiry(&self) -> Option<Timestamp> {
        match (self.expiry, self.key_expiry) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, None) => a,
            (None, Some(b)) if self.kind == SasKind::UserDelegation => Some(b),
            (None, _) => None,
        }
    }

    /// Parameters outside the documented set, kept for the report.
    pub fn unknown_params(&self) -> Vec<&(String, String)> {
        self.params
            .iter()
            .filter(|(k, _)| {
                let k = k.to_ascii_lowercase();
                !KNOWN_PARAMS.contains(&k.as_str()) && !RESOURCE_PARAMS.contains(&k.as_str())
            })
            .collect()
    }

    pub fn perm_context(&self) -> PermContext {
        perm_context(self.kind, self.service)
    }
}

fn perm_context(kind: SasKind, service: Option<Service>) -> PermContext {
    match (kind, service) {
        (SasKind::Account, _) => PermContext::Account,
        (_, Some(Service::File)) => PermContext::File,
        (_, Some(Service::Queue)) => PermContext::Queue,
        (_, Some(Service::Table)) => PermContext::Table,
        _ => PermContext::Blob,
    }
}

/// Parses a SAS from a URL, a query string (with or without `?`), percent-encoded or not.
pub fn parse(input: &str) -> Result<SasToken, SasError> {
    if input.len() > MAX_INPUT {
        return Err(SasError::TooLong(MAX_INPUT));
    }
    let text = query::unescape_text(input);
    let (base, q) = query::split_url(&text);
    let url = base.map(query::parse_url);
    let pairs = query::parse_pairs(q);
    from_pairs(pairs, url)
}

/// Parses a SAS from a query string and, when known, the URL it was attached to.
pub fn parse_with_url(query_text: &str, url_base: Option<&str>) -> Result<SasToken, SasError> {
    if query_text.len() > MAX_INPUT {
        return Err(SasError::TooLong(MAX_INPUT));
    }
    let text = query::unescape_text(query_text);
    let (base, q) = query::split_url(&text);
    let url = base
        .or(url_base.map(|u| u.trim_end_matches('?')))
        .map(query::parse_url);
    from_pairs(query::parse_pairs(q), url)
}

fn from_pairs(pairs: Vec<(String, String)>, url: Option<UrlInfo>) -> Result<SasToken, SasError> {
    if pairs.is_empty() {
        return Err(SasError::Empty);
    }
    // Repeated parameters are ambiguous (which one does the server read?): same value is fine.
    let mut params: Vec<(String, String)> = Vec::with_capacity(pairs.len());
    for (k, v) in pairs {
        match params.iter().find(|(pk, _)| *pk == k) {
            Some((_, pv)) if *pv == v => {}
            Some(_) => return Err(SasError::Duplicate(k)),
            None => params.push((k, v)),
        }
    }
    let get = |n: &str| {
        params
            .iter()
            .find(|(k, _)| k == n)
            .or_else(|| params.iter().find(|(k, _)| k.eq_ignore_ascii_case(n)))
            .map(|(_, v)| v.as_str())
    };

    let sig_text = get("sig").ok_or(SasError::MissingSignature)?;
    let signature = decode_sig(sig_text)?;
    if !["sv", "sp", "se", "si", "sr", "ss", "srt", "tn", "skoid"]
        .iter()
        .any(|n| get(n).is_some())
    {
        return Err(SasError::NotSas);
    }

    let kind = if get("ss").is_some() || get("srt").is_some() {
        SasKind::Account
    } else if get("skoid").is_some() || get("sktid").is_some() {
        SasKind::UserDelegation
    } else {
        SasKind::Service
    };

    let mut services = Vec::new();
    let mut resource_types = Vec::new();
    let mut service = None;
    if kind == SasKind::Account {
        for c in get("ss").unwrap_or("").chars() {
            let s = match c {
                'b' => Service::Blob,
                'f' => Service::File,
                'q' => Service::Queue,
                't' => Service::Table,
                other => return Err(SasError::UnknownService(other)),
            };
            if !services.contains(&s) {
                services.push(s);
            }
        }
        for c in get("srt").unwrap_or("").chars() {
            let r = match c {
                's' => ResourceType::Service,
                'c' => ResourceType::Container,
                'o' => ResourceType::Object,
                other => return Err(SasError::UnknownResourceType(other)),
            };
            if !resource_types.contains(&r) {
                resource_types.push(r);
            }
        }
    } else {
        service = service_of(get("sr"), get("tn").is_some(), url.as_ref())?;
    }

    let permissions = match get("sp") {
        Some(sp) => permissions::decode(sp, perm_context(kind, service))?,
        None => Vec::new(),
    };
    let time = |name: &'static str| -> Result<Option<Timestamp>, SasError> {
        match get(name) {
            None | Some("") => Ok(None),
            Some(v) => parse_sas_time(v)
                .map(Some)
                .ok_or_else(|| SasError::BadDate {
                    param: name,
                    value: v.to_string(),
                }),
        }
    };
    let start = time("st")?;
    let expiry = time("se")?;
    if let (Some(s), Some(e)) = (start, expiry) {
        if s > e {
            return Err(SasError::StartAfterExpiry {
                start: crate::time::rfc3339(s),
                expiry: crate::time::rfc3339(e),
            });
        }
    }
    if let Some(v) = get("sv") {
        // Versions are dates; the layout of the string-to-sign is chosen by comparing them.
        let ok = v.len() == 10
            && v.bytes().enumerate().all(|(i, b)| match i {
                4 | 7 => b == b'-',
                _ => b.is_ascii_digit(),
            });
        if !ok {
            return Err(SasError::BadVersion(v.to_string()));
        }
    }
    let key_expiry = time("ske")?;
    time("skt")?;

    Ok(SasToken {
        params,
        url,
        kind,
        service,
        services,
        resource_types,
        permissions,
        start,
        expiry,
        key_expiry,
        signature,
    })
}

/// Which service a service SAS addresses: `sr` and `tn` say it best, then the host.
fn service_of(
    sr: Option<&str>,
    has_tn: bool,
    url: Option<&UrlInfo>,
) -> Result<Option<Service>, SasError> {
    let from_url = url
        .and_then(|u| u.service.as_deref())
        .and_then(Service::from_name);
    if has_tn {
        return Ok(Some(Service::Table));
    }
    match sr {
        Some("b" | "bs" | "bv" | "c" | "d") => Ok(Some(Service::Blob)),
        Some("s" | "f") => Ok(Some(Service::File)),
        Some(other) => Err(SasError::UnknownSignedResource(other.to_string())),
        // Queue SAS carry neither `sr` nor `tn`.
        None => Ok(Some(from_url.unwrap_or(Service::Queue))),
    }
}

/// A signature must be base64 of an HMAC-SHA256 (32 bytes); anything else is a placeholder
/// or a fragment, not a credential.
fn decode_sig(sig: &str) -> Result<[u8; 32], SasError> {
    // A raw `+` that went through form decoding comes back as a space.
    let sig = sig.trim().replace(' ', "+");
    let first = sig.chars().next();
    if sig.is_empty()
        || sig.contains('<')
        || sig.contains('{')
        || sig.contains("...")
        || sig.trim_end_matches('=').chars().all(|c| Some(c) == first)
    {
        return Err(SasError::PlaceholderSignature(
            sig.chars().take(20).collect(),
        ));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(sig.as_bytes())
        .or_else(|_| {
            base64::engine::general_purpose::STANDARD_NO_PAD.decode(sig.trim_end_matches('='))
        })
        .map_err(|_| SasError::BadSignature("not base64".into()))?;
    let len = bytes.len();
    bytes
        .try_into()
        .map_err(|_| SasError::BadSignature(format!("decodes to {len} bytes")))
}
