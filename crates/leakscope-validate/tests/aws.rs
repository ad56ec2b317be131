//! AWS STS GetCallerIdentity against a loopback STS: the request is a SigV4-signed GET whose
//! signature the server recomputes from what it received and the secret it knows.

mod common;

use common::{check, finding, json, pair};
use leakscope_core::Finding;
use leakscope_http::Url;
use leakscope_testkit::mock::{MockServer, Reply, Seen};
use leakscope_validate::sigv4::{self, Credentials, Scope};

const KEY_ID: &str = "AKIARMRZQQTPUTZADS73";
const SECRET: &str = "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";
const TEMP_ID: &str = "ASIABRWYBY76GXXP3U62";
const TOKEN: &str = "IQoJb3JpZ2luX2VjEZGzmkMVFUxPCDjNzZthLYf1Bx4eKHhj7Kz0OwqBV08BnpcZHqNfzQetRtx1Md9WhO0qLTZ0isbDUyO";

const IDENTITY: &str = r#"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::123456789012:user/deploy-bot</Arn>
    <UserId>AIDAJQABLZS4A3QDU576Q</UserId>
    <Account>123456789012</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>"#;

const BAD_SIGNATURE: &str = r#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided.</Message></Error>
  <RequestId>x</RequestId>
</ErrorResponse>"#;

/// Key id and secret findings linked both ways, as `link_pairs` leaves them.
fn key_pair(id: &str, secret: &str) -> Vec<Finding> {
    let mut k = finding("aws_access_key", "aws.access_key_id", id);
    let mut s = finding("aws_secret_key", "aws.secret_access_key", secret);
    s.line = 2;
    pair(&mut k, &s);
    pair(&mut s, &k);
    vec![k, s]
}

/// What an STS would check: the Authorization header's structure, and that recomputing
/// the signature from the request as received (with the secret) gives the same value.
fn verify(r: &Seen, key_id: &str, secret: &str, token: Option<&str>) -> Result<(), String> {
    if r.method != "GET" {
        return Err(format!("method {}", r.method));
    }
    let date = r.header("x-amz-date").ok_or("no x-amz-date")?;
    let ok_date = date.len() == 16
        && date.as_bytes()[8] == b'T'
        && date.ends_with('Z')
        && date[..8]
            .bytes()
            .chain(date[9..15].bytes())
            .all(|b| b.is_ascii_digit());
    if !ok_date {
        return Err(format!("x-amz-date {date}"));
    }
    let auth = r.header("authorization").ok_or("no authorization")?;
    let signed = if token.is_some() {
        "host;x-amz-date;x-amz-security-token"
    } else {
        "host;x-amz-date"
    };
    let prefix = format!(
        "AWS4-HMAC-SHA256 Credential={key_id}/{}/us-east-1/sts/aws4_request, SignedHeaders={signed}, Signature=",
        &date[..8]
    );
    let sig = auth
        .strip_prefix(&prefix)
        .ok_or(format!("authorization {auth}"))?;
    if sig.len() != 64
        || !sig
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    {
        return Err(format!("signature {sig}"));
    }
    if r.header("x-amz-security-token") != token {
        return Err("session token header".into());
    }
    let host = r.header("host").ok_or("no host")?;
    let url = Url::parse(&format!("http://{host}{}", r.target)).map_err(|e| e.to_string())?;
    let expected = sigv4::sign(
        "GET",
        &url,
        &[],
        &Credentials {
            access_key_id: key_id,
            secret_access_key: secret,
            session_token: token,
        },
        &Scope {
            region: "us-east-1",
            service: "sts",
        },
        date,
    );
    if expected.signature != sig {
        return Err("signature does not verify".into());
    }
    Ok(())
}

#[test]
fn signed_get_caller_identity_names_the_key() {
    let server = MockServer::start(|r| match verify(r, KEY_ID, SECRET, None) {
        Ok(()) => Reply::new(200, IDENTITY).header("Content-Type", "text/xml"),
        Err(_) => Reply::new(403, BAD_SIGNATURE),
    });
    let mut f = key_pair(KEY_ID, SECRET);
    let v = check(&mut f, &server);
    let seen = server.requests();
    assert_eq!(seen.len(), 1, "one request for the pair");
    let r = &seen[0];
    assert_eq!(r.path(), "/");
    assert_eq!(
        r.query(),
        Some("Action=GetCallerIdentity&Version=2011-06-15")
    );
    verify(r, KEY_ID, SECRET, None).unwrap();
    assert!(r.body.is_empty());
    let j = json(&v);
    assert_eq!(j["status"], "live", "{j}");
    assert_eq!(j["provider"], "aws");
    assert_eq!(
        j["identity"]["arn"],
        "arn:aws:iam::123456789012:user/deploy-bot"
    );
    assert_eq!(j["identity"]["account"], "123456789012");
    assert_eq!(j["identity"]["user_id"], "AIDAJQABLZS4A3QDU576Q");
    // Both halves carry the pair's result.
    assert_eq!(
        f[1].validation.as_ref().map(|v| v.status.as_str()),
        Some("live")
    );
}

#[test]
fn a_wrong_secret_is_rejected() {
    let server = MockServer::start(|r| match verify(r, KEY_ID, SECRET, None) {
        Ok(()) => Reply::new(200, IDENTITY),
        Err(_) => Reply::new(403, BAD_SIGNATURE),
    });
    let mut f = key_pair(KEY_ID, "0000000000000000000000000000000000000000");
    let j = json(&check(&mut f, &server));
    assert_eq!(j["status"], "rejected");
    assert_eq!(j["error_code"], "SignatureDoesNotMatch");
    assert_eq!(j["http_status"], 403);
}

#[test]
fn session_token_is_signed_and_sent() {
    let server = MockServer::start(|r| match verify(r, TEMP_ID, SECRET, Some(TOKEN)) {
        Ok(()) => Reply::new(200, IDENTITY),
        Err(e) => Reply::new(403, e),
    });
    let mut f = key_pair(TEMP_ID, SECRET);
    let mut t = finding("aws_session_token", "aws.session_token", TOKEN);
    t.line = 3;
    pair(&mut t, &f[0]);
    f.push(t);
    let j = json(&check(&mut f, &server));
    assert_eq!(j["status"], "live", "{j}");
    assert_eq!(server.requests().len(), 1);
    // The secret reached the token through the key id: all three share the result.
    assert!(f
        .iter()
        .all(|x| x.validation.as_ref().map(|v| v.status.as_str()) == Some("live")));
}

#[test]
fn a_lone_half_is_unknown_and_sends_nothing() {
    let server = MockServer::start(|_| Reply::new(200, IDENTITY));
    let j = json(&check(
        &mut [finding("aws_access_key", "aws.access_key_id", KEY_ID)],
        &server,
    ));
    assert_eq!(j["status"], "unknown");
    assert_eq!(j["reason"], "key id without its secret access key nearby");
    let j = json(&check(
        &mut [finding("aws_secret_key", "aws.secret_access_key", SECRET)],
        &server,
    ));
    assert_eq!(j["status"], "unknown");
    assert_eq!(j["reason"], "secret access key without its key id nearby");
    let j = json(&check(&mut key_pair(TEMP_ID, SECRET), &server));
    assert_eq!(j["status"], "unknown");
    assert!(j["reason"].as_str().unwrap().contains("session token"));
    assert!(server.requests().is_empty());
}
