//! The client against a real loopback HTTP server.

use leakscope_http::{Allowed, Client, ClientConfig, HttpError, Method, Request, Url};
use leakscope_testkit::mock::{MockServer, Reply};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

fn fast() -> ClientConfig {
    ClientConfig {
        timeout: Duration::from_secs(5),
        backoff: Duration::from_millis(10),
        host_interval: Duration::ZERO,
        ..ClientConfig::default()
    }
}

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

#[test]
fn get_and_head_carry_headers_and_return_any_status() {
    let server = MockServer::start(|r| match r.path() {
        "/ok" => Reply::json(200, r#"{"login":"x"}"#).header("X-OAuth-Scopes", "repo"),
        _ => Reply::new(401, "bad credentials"),
    });
    let base = url(&server.url());
    let client = Client::new(fast());
    let allowed = Allowed::origin(&base);

    let r = client
        .send(
            &Request::get(base.join("/ok").unwrap()).header("Authorization", "Bearer t0k"),
            &allowed,
            &[],
        )
        .unwrap();
    assert_eq!((r.status, r.text().as_str()), (200, r#"{"login":"x"}"#));
    assert_eq!(r.header("x-oauth-scopes"), Some("repo"));

    let r = client
        .send(&Request::head(base.join("/nope").unwrap()), &allowed, &[])
        .unwrap();
    assert_eq!(r.status, 401);
    assert!(r.body.is_empty());

    let seen = server.requests();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].method, "GET");
    assert_eq!(seen[0].header("authorization"), Some("Bearer t0k"));
    assert_eq!(seen[1].method, Method::Head.as_str());
    assert_eq!(client.requests_sent(), 2);
}

#[test]
fn refuses_hosts_outside_the_allowance_without_connecting() {
    let server = MockServer::start(|_| Reply::new(200, ""));
    let client = Client::new(fast());
    let target = url(&format!("{}/x?sig=SECRETSIG", server.url()));
    let err = client
        .send(&Request::get(target), &Allowed::host("api.github.com"), &[])
        .unwrap_err();
    assert!(matches!(err, HttpError::HostNotAllowed(_)));
    assert!(!err.to_string().contains("SECRETSIG"), "{err}");
    assert!(server.requests().is_empty());
    assert_eq!(client.requests_sent(), 0);
}

#[test]
fn retries_transient_failures_then_succeeds() {
    let calls = Arc::new(AtomicU32::new(0));
    let c = calls.clone();
    let server = MockServer::start(move |_| match c.fetch_add(1, Ordering::SeqCst) {
        0 => Reply::new(503, "busy"),
        1 => Reply::new(429, "slow down").header("Retry-After", "0"),
        _ => Reply::new(200, "fine"),
    });
    let base = url(&server.url());
    let client = Client::new(fast());
    let r = client
        .send(&Request::get(base.clone()), &Allowed::origin(&base), &[])
        .unwrap();
    assert_eq!((r.status, r.text().as_str()), (200, "fine"));
    assert_eq!(server.requests().len(), 3);

    let client = Client::new(ClientConfig {
        retries: 0,
        ..fast()
    });
    let r = client
        .send(&Request::get(base.clone()), &Allowed::origin(&base), &[])
        .unwrap();
    assert_eq!(r.status, 200, "fourth call answers 200");
}

#[test]
fn never_follows_redirects() {
    let target = MockServer::start(|_| Reply::new(200, "you followed"));
    let location = format!("{}/steal", target.url());
    let server = MockServer::start(move |_| Reply::new(302, "").header("Location", &location));
    let base = url(&server.url());
    let client = Client::new(fast());
    let r = client
        .send(&Request::get(base.clone()), &Allowed::origin(&base), &[])
        .unwrap();
    assert_eq!(r.status, 302);
    assert!(target.requests().is_empty());
}

#[test]
fn bounds_body_and_request_budget() {
    let server = MockServer::start(|_| Reply::new(200, vec![b'a'; 10_000]));
    let base = url(&server.url());
    let client = Client::new(ClientConfig {
        max_body: 100,
        max_requests: Some(1),
        ..fast()
    });
    let allowed = Allowed::origin(&base);
    let r = client
        .send(&Request::get(base.clone()), &allowed, &[])
        .unwrap();
    assert_eq!((r.body.len(), r.truncated), (100, true));
    let err = client.send(&Request::get(base), &allowed, &[]).unwrap_err();
    assert!(matches!(err, HttpError::Budget(1)));
}

#[test]
fn transport_errors_are_redacted() {
    // A port nothing listens on: connection refused, after the retries.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let target = url(&format!(
        "http://127.0.0.1:{port}/c?sv=2020-08-04&sig=AbCdSECRET%2B%3D"
    ));
    let client = Client::new(fast());
    let err = client
        .send(
            &Request::get(target.clone()).header("Authorization", "Bearer ghp_SECRETTOKEN"),
            &Allowed::origin(&target),
            &["ghp_SECRETTOKEN", "AbCdSECRET+="],
        )
        .unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, HttpError::Transport { .. }), "{msg}");
    assert!(!msg.contains("SECRET"), "{msg}");
    assert!(msg.contains(&format!("127.0.0.1:{port}/c?…")), "{msg}");
    assert_eq!(client.requests_sent(), 3, "one attempt and two retries");
}
