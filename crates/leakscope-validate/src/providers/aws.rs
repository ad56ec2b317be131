//! AWS: STS `GetCallerIdentity` (`GET /?Action=GetCallerIdentity&Version=2011-06-15`),
//! SigV4-signed for service `sts`. It needs no IAM permission (even an explicit deny does
//! not block it) and changes nothing, so a signed 200 proves the key pair and names it.
//!
//! A key id and its secret are separate findings linked by the rules' `pairs_with`; the
//! pair (with the session token of a temporary `ASIA` key) is checked once and the result
//! given to every half. A half without its partner is `unknown`: nothing is sent.

use super::common::{short, transport, unexpected};
use crate::sigv4::{self, Credentials, Scope};
use crate::{Candidate, Ctx, Outcome, Provider};
use leakscope_core::Validation;
use leakscope_http::{Request, Url};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

pub struct Aws;

const KEY_ID: &str = "aws_access_key";
const SECRET: &str = "aws_secret_key";
const TOKEN: &str = "aws_session_token";

/// STS error codes that mean the credentials themselves are bad.
const INVALID: &[&str] = &[
    "InvalidClientTokenId",
    "SignatureDoesNotMatch",
    "ExpiredToken",
    "InvalidAccessKeyId",
    "InvalidToken",
];

/// The three parts of a credential, each with its fingerprint.
struct Pair<'a> {
    key_id: (&'a str, &'a str),
    secret: (&'a str, &'a str),
    token: Option<(&'a str, &'a str)>,
}

impl Pair<'_> {
    fn key(&self) -> String {
        let token = self.token.map(|t| t.1).unwrap_or_default();
        let id = format!("aws-pair\n{}\n{}\n{token}", self.key_id.1, self.secret.1);
        sigv4::hex(&Sha256::digest(id.as_bytes()))
    }
}

/// This finding's value and fingerprint, or the nearest partner's of `kind` within `hops`.
fn part<'a>(c: &Candidate<'a>, kind: &str, max_hops: u8) -> Option<(&'a str, &'a str)> {
    if c.finding.kind == kind {
        return c.secret().map(|s| (s, c.finding.fingerprint.as_str()));
    }
    c.partners
        .iter()
        .filter(|p| p.kind == kind && p.hops <= max_hops)
        .find_map(|p| p.secret.as_deref().map(|s| (s, p.fingerprint.as_str())))
}

fn resolve<'a>(c: &Candidate<'a>) -> Result<Pair<'a>, &'static str> {
    // The key id is always one hop from a secret or token; a secret and a token meet
    // through it.
    let key_id = part(c, KEY_ID, 1);
    let secret = part(c, SECRET, if c.finding.kind == KEY_ID { 1 } else { 2 });
    let token = part(c, TOKEN, if c.finding.kind == KEY_ID { 1 } else { 2 });
    match (key_id, secret) {
        (Some(key_id), Some(secret)) => Ok(Pair {
            key_id,
            secret,
            token,
        }),
        (Some(_), None) => Err("key id without its secret access key nearby"),
        (None, Some(_)) => Err("secret access key without its key id nearby"),
        (None, None) => Err("session token without its key id and secret nearby"),
    }
}

/// The region a regional or partition STS endpoint names (`sts.eu-west-1.amazonaws.com`,
/// `sts.cn-north-1.amazonaws.com.cn`); the global endpoint and anything else sign for
/// us-east-1.
fn region(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    let inner = host
        .strip_suffix(".amazonaws.com")
        .or_else(|| host.strip_suffix(".amazonaws.com.cn"))
        .and_then(|h| {
            h.strip_prefix("sts.")
                .or_else(|| h.strip_prefix("sts-fips."))
        });
    match inner {
        Some(r) if !r.is_empty() && !r.contains('.') => r.to_string(),
        _ => "us-east-1".to_string(),
    }
}

/// The text of the first `<name>…</name>` element. STS answers are small and flat enough
/// that a tag search is all the XML parsing this needs.
fn tag(xml: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let start = xml.find(&open)? + open.len();
    let len = xml.get(start..)?.find(&close)?;
    let raw = xml.get(start..start + len)?;
    Some(short(
        &raw.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&"),
    ))
}

impl Provider for Aws {
    fn name(&self) -> &'static str {
        "aws"
    }

    fn kinds(&self) -> &'static [&'static str] {
        &[KEY_ID, SECRET, TOKEN]
    }

    fn default_base(&self) -> Option<&'static str> {
        Some("https://sts.amazonaws.com")
    }

    fn key(&self, c: &Candidate<'_>) -> String {
        match resolve(c) {
            Ok(pair) => pair.key(),
            Err(_) => c.finding.fingerprint.clone(),
        }
    }

    fn secrets<'a>(&self, c: &Candidate<'a>) -> Vec<&'a str> {
        let mut out: Vec<&'a str> = c.secret().into_iter().collect();
        out.extend(c.partners.iter().filter_map(|p| p.secret.as_deref()));
        out
    }

    fn validate(&self, c: &Candidate<'_>, ctx: &Ctx<'_>) -> Validation {
        let pair = match resolve(c) {
            Ok(p) => p,
            Err(why) => return Outcome::unknown(why).error_code("incomplete_pair").into(),
        };
        if pair.key_id.0.starts_with("ASIA") && pair.token.is_none() {
            return Outcome::unknown("temporary (ASIA) key without its session token nearby")
                .error_code("incomplete_pair")
                .into();
        }
        let secrets: Vec<&str> = [Some(pair.secret.0), pair.token.map(|t| t.0)]
            .into_iter()
            .flatten()
            .collect();
        let Some(url) = ctx.url("/?Action=GetCallerIdentity&Version=2011-06-15") else {
            return Outcome::error("no STS endpoint").into();
        };
        let region = region(&url);
        let signed = sigv4::sign(
            "GET",
            &url,
            &[],
            &Credentials {
                access_key_id: pair.key_id.0,
                secret_access_key: pair.secret.0,
                session_token: pair.token.map(|t| t.0),
            },
            &Scope {
                region: &region,
                service: "sts",
            },
            &sigv4::amz_date(jiff::Timestamp::now()),
        );
        let mut req = Request::get(url).header("Authorization", signed.authorization);
        for (k, v) in signed.headers {
            req = req.header(&k, v);
        }
        let resp = match ctx.send(&req, &secrets) {
            Ok(r) => r,
            Err(e) => return transport(&e),
        };
        let body = resp.text();
        let code = tag(&body, "Code");
        let msg = tag(&body, "Message");
        match resp.status {
            200..=299 => {
                let mut id = Map::new();
                for (xml, key) in [
                    ("Arn", "arn"),
                    ("Account", "account"),
                    ("UserId", "user_id"),
                ] {
                    if let Some(v) = tag(&body, xml) {
                        id.insert(key.into(), Value::String(v));
                    }
                }
                if id.is_empty() {
                    return unexpected(&resp, Some("not a GetCallerIdentity answer".into()));
                }
                Outcome::live(id).into()
            }
            400 | 403 if code.as_deref().is_some_and(|c| INVALID.contains(&c)) => {
                let code = code.unwrap_or_default();
                let reason = match msg {
                    Some(m) => format!("HTTP {}: {code}: {m}", resp.status),
                    None => format!("HTTP {}: {code}", resp.status),
                };
                Outcome::rejected(&code, reason)
                    .field("http_status", Value::from(resp.status))
                    .into()
            }
            _ => unexpected(
                &resp,
                code.map(|c| match msg {
                    Some(m) => format!("{c}: {m}"),
                    None => c,
                }),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_from_endpoint() {
        let r = |s: &str| region(&Url::parse(s).unwrap());
        assert_eq!(r("https://sts.amazonaws.com"), "us-east-1");
        assert_eq!(r("https://sts.eu-west-1.amazonaws.com"), "eu-west-1");
        assert_eq!(r("https://sts.cn-north-1.amazonaws.com.cn"), "cn-north-1");
        assert_eq!(
            r("https://sts.us-gov-west-1.amazonaws.com/"),
            "us-gov-west-1"
        );
        assert_eq!(r("http://127.0.0.1:9000"), "us-east-1");
    }

    #[test]
    fn reads_tags() {
        let xml =
            "<R><Error><Code>SignatureDoesNotMatch</Code><Message>a &amp; b</Message></Error></R>";
        assert_eq!(tag(xml, "Code").as_deref(), Some("SignatureDoesNotMatch"));
        assert_eq!(tag(xml, "Message").as_deref(), Some("a & b"));
        assert_eq!(tag(xml, "Arn"), None);
        assert_eq!(tag("<Arn>unterminated", "Arn"), None);
    }
}
