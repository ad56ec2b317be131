//! AWS Signature Version 4 for header-signed requests without a body, written from AWS's
//! published description of the algorithm (canonical request → string to sign → derived
//! key → HMAC-SHA256) and checked against its published test-suite values.

use hmac::{Hmac, Mac};
use leakscope_http::Url;
use sha2::{Digest, Sha256};

/// SHA-256 of the empty payload: GET requests carry none.
pub const EMPTY_PAYLOAD_SHA256: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Key material and where it is used.
#[derive(Debug, Clone, Copy)]
pub struct Credentials<'a> {
    pub access_key_id: &'a str,
    pub secret_access_key: &'a str,
    /// For temporary (ASIA) keys; sent and signed as `x-amz-security-token`.
    pub session_token: Option<&'a str>,
}

#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    pub region: &'a str,
    pub service: &'a str,
}

/// Everything a signature is made of, kept for tests and for explaining mismatches.
#[derive(Debug, Clone)]
pub struct Signed {
    pub canonical_request: String,
    pub string_to_sign: String,
    pub signed_headers: String,
    pub signature: String,
    pub authorization: String,
    /// Headers to send: `x-amz-date`, and the session token when there is one. `host` is
    /// signed but left to the HTTP client, which writes the same value.
    pub headers: Vec<(String, String)>,
}

/// `YYYYMMDDTHHMMSSZ`, the `x-amz-date` form.
pub fn amz_date(t: jiff::Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// Signs a body-less `method` request to `url` at `amz_date`. The headers signed are
/// `host`, `x-amz-date` and, with a session token, `x-amz-security-token`, plus `extra`.
pub fn sign(
    method: &str,
    url: &Url,
    extra: &[(&str, &str)],
    creds: &Credentials<'_>,
    scope: &Scope<'_>,
    amz_date: &str,
) -> Signed {
    let mut to_send = vec![("x-amz-date".to_string(), amz_date.to_string())];
    if let Some(t) = creds.session_token {
        to_send.push(("x-amz-security-token".to_string(), t.to_string()));
    }
    for (k, v) in extra {
        to_send.push((k.to_ascii_lowercase(), v.to_string()));
    }
    let mut signed: Vec<(String, String)> = to_send.clone();
    signed.push(("host".to_string(), host_header(url)));
    let date = amz_date.get(..8).unwrap_or(amz_date);
    let parts = signature_parts(
        method,
        url,
        &signed,
        EMPTY_PAYLOAD_SHA256,
        creds,
        scope,
        date,
        amz_date,
    );
    let authorization = format!(
        "AWS4-HMAC-SHA256 Credential={}/{date}/{}/{}/aws4_request, SignedHeaders={}, Signature={}",
        creds.access_key_id, scope.region, scope.service, parts.signed_headers, parts.signature
    );
    Signed {
        canonical_request: parts.canonical_request,
        string_to_sign: parts.string_to_sign,
        signed_headers: parts.signed_headers,
        signature: parts.signature,
        authorization,
        headers: to_send,
    }
}

struct Parts {
    canonical_request: String,
    string_to_sign: String,
    signed_headers: String,
    signature: String,
}

#[allow(clippy::too_many_arguments)]
fn signature_parts(
    method: &str,
    url: &Url,
    headers: &[(String, String)],
    payload_sha256: &str,
    creds: &Credentials<'_>,
    scope: &Scope<'_>,
    date: &str,
    amz_date: &str,
) -> Parts {
    let mut canon: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), collapse_spaces(v)))
        .collect();
    canon.sort();
    let canonical_headers: String = canon.iter().map(|(k, v)| format!("{k}:{v}\n")).collect();
    let signed_headers = canon
        .iter()
        .map(|(k, _)| k.as_str())
        .collect::<Vec<_>>()
        .join(";");
    let path = if url.path().is_empty() {
        "/"
    } else {
        url.path()
    };
    let canonical_request = format!(
        "{method}\n{path}\n{}\n{canonical_headers}\n{signed_headers}\n{payload_sha256}",
        canonical_query(url.query())
    );
    let credential_scope = format!("{date}/{}/{}/aws4_request", scope.region, scope.service);
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{credential_scope}\n{}",
        hex(&Sha256::digest(canonical_request.as_bytes()))
    );
    let key = signing_key(creds.secret_access_key, date, scope.region, scope.service);
    let signature = hex(&hmac(&key, string_to_sign.as_bytes()));
    Parts {
        canonical_request,
        string_to_sign,
        signed_headers,
        signature,
    }
}

/// The derived signing key: HMAC chain over date, region, service and `aws4_request`.
pub fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> [u8; 32] {
    let k_date = hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let k_region = hmac(&k_date, region.as_bytes());
    let k_service = hmac(&k_region, service.as_bytes());
    hmac(&k_service, b"aws4_request")
}

/// The `host` header as an HTTP client writes it: the port only when not the scheme's
/// default.
pub fn host_header(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    }
}

/// Query parameters decoded, re-encoded the AWS way (only unreserved characters left
/// bare) and sorted by name, then value.
pub fn canonical_query(query: Option<&str>) -> String {
    let Some(q) = query.filter(|q| !q.is_empty()) else {
        return String::new();
    };
    let mut pairs: Vec<(String, String)> = q
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (
                aws_encode(&leakscope_core::percent_decode(k)),
                aws_encode(&leakscope_core::percent_decode(v)),
            )
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

fn aws_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn collapse_spaces(v: &str) -> String {
    v.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    // HMAC takes keys of any length, so this cannot fail.
    let mut mac = match Hmac::<Sha256>::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => return [0; 32],
    };
    mac.update(data);
    mac.finalize().into_bytes().into()
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // AWS's SigV4 test suite: credentials, date, region and service of every example.
    const AKID: &str = "AKIDEXAMPLE";
    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    const DATE: &str = "20150830T123600Z";
    const SCOPE: Scope<'static> = Scope {
        region: "us-east-1",
        service: "service",
    };

    fn creds() -> Credentials<'static> {
        Credentials {
            access_key_id: AKID,
            secret_access_key: SECRET,
            session_token: None,
        }
    }

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn derived_key_matches_the_published_value() {
        let k = signing_key(SECRET, "20150830", "us-east-1", "service");
        assert_eq!(
            hex(&k),
            "938127b5336810ddb6a5d6af445fcac9e371f9ed418ed386b022aed82901be75"
        );
    }

    #[test]
    fn get_vanilla() {
        let s = sign(
            "GET",
            &url("https://example.amazonaws.com/"),
            &[],
            &creds(),
            &SCOPE,
            DATE,
        );
        assert_eq!(
            s.canonical_request,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n\
             e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            s.string_to_sign,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n\
             bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63"
        );
        assert_eq!(
            s.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
             SignedHeaders=host;x-amz-date, \
             Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        );
        assert_eq!(s.headers, [("x-amz-date".to_string(), DATE.to_string())]);
    }

    #[test]
    fn get_vanilla_query_order_key_case() {
        let s = sign(
            "GET",
            &url("https://example.amazonaws.com/?Param2=value2&Param1=value1"),
            &[],
            &creds(),
            &SCOPE,
            DATE,
        );
        assert_eq!(
            s.signature,
            "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"
        );
    }

    #[test]
    fn canonical_query_encodes_and_sorts() {
        assert_eq!(
            canonical_query(Some("b=2&a=x%20y&A=~ok&c=a+b")),
            "A=~ok&a=x%20y&b=2&c=a%2Bb"
        );
        assert_eq!(canonical_query(None), "");
    }

    #[test]
    fn session_token_is_signed_and_sent() {
        let c = Credentials {
            session_token: Some("tok"),
            ..creds()
        };
        let s = sign("GET", &url("http://127.0.0.1:8080/"), &[], &c, &SCOPE, DATE);
        assert_eq!(s.signed_headers, "host;x-amz-date;x-amz-security-token");
        assert!(s.canonical_request.contains("host:127.0.0.1:8080\n"));
        assert!(s
            .headers
            .contains(&("x-amz-security-token".to_string(), "tok".to_string())));
    }
}
