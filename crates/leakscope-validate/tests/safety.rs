//! Safety by construction, checked over every registered provider: only GET/HEAD, only the
//! override origin when one is named, only the provider's documented host otherwise, no
//! redirects followed.

mod common;

use common::{all_to, client, finding, pair, run_with};
use leakscope_core::Finding;
use leakscope_http::Url;
use leakscope_testkit::mock::{MockServer, Reply};
use leakscope_validate::{Ctx, Registry};

/// A finding (with its partner where the kind needs one) for every kind of every
/// provider, with secrets of each kind's shape.
fn one_of_each() -> Vec<Finding> {
    let mut out = Vec::new();
    for p in Registry::builtin().providers() {
        for kind in p.kinds() {
            let secret = match *kind {
                "aws_access_key" => "AKIARMRZQQTPUTZADS73".to_string(),
                "npm_access_token" => "npm_Zk8q2LmN4pR7sT1vX3yB5dF9hJ0wQe123456".to_string(),
                "openai_api_key" => {
                    "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".to_string()
                }
                k => format!("{k}-Zk8q2LmN4pR7sT1vX3yB5dF9hJ0wQe"),
            };
            out.push(finding(kind, &format!("{}.test", p.name()), &secret));
        }
    }
    // Link the AWS halves as the scan does.
    let idx = |k: &str| out.iter().position(|f| f.kind == k).unwrap();
    let (id, secret, token) = (
        idx("aws_access_key"),
        idx("aws_secret_key"),
        idx("aws_session_token"),
    );
    let (a, b) = (out[id].clone(), out[secret].clone());
    pair(&mut out[id], &b);
    pair(&mut out[secret], &a);
    pair(&mut out[token], &a);
    out
}

#[test]
fn every_provider_sends_only_get_or_head_to_the_override_origin() {
    // Every answer a provider reads differently: success, invalid, forbidden, odd, failing.
    for (status, body) in [
        (200, r#"{"ok":true,"login":"x","scopes":["a"]}"#),
        (200, r#"{"ok":false,"error":"invalid_auth"}"#),
        (
            401,
            r#"{"message":"Bad credentials","error":{"code":"invalid_api_key"}}"#,
        ),
        (
            403,
            r#"{"message":"forbidden","error":{"message":"no permission"}}"#,
        ),
        (302, ""),
        (404, "not found"),
        (500, "<Error><Code>InternalFailure</Code></Error>"),
    ] {
        let decoy = MockServer::start(|_| Reply::json(200, "{}"));
        let location = format!("{}/stolen", decoy.url());
        let server =
            MockServer::start(move |_| Reply::json(status, body).header("Location", &location));
        let mut f = one_of_each();
        run_with(&mut f, &all_to(&server), &client());
        let seen = server.requests();
        assert!(
            seen.len() >= 9,
            "every provider but the unwired Azure slot asked: {seen:?}"
        );
        let origin = server.url();
        let host = origin.trim_start_matches("http://");
        for r in &seen {
            assert!(
                r.method == "GET" || r.method == "HEAD",
                "{} {}",
                r.method,
                r.target
            );
            assert!(r.body.is_empty());
            assert_eq!(r.header("host"), Some(host));
        }
        assert!(decoy.requests().is_empty(), "a redirect was followed");
        for x in &f {
            let v = x.validation.as_ref().unwrap();
            for p in &v.probed {
                assert!(
                    p.starts_with(&format!("GET {origin}/"))
                        || p.starts_with(&format!("HEAD {origin}/")),
                    "{p}"
                );
            }
            let s = serde_json::to_string(v).unwrap();
            assert!(!s.contains("refused to send"), "{s}");
            assert!(!s.contains(x.secret.as_deref().unwrap()), "{s}");
        }
    }
}

#[test]
fn without_an_override_each_provider_admits_only_its_documented_host() {
    let documented = [
        ("aws", "sts.amazonaws.com"),
        ("github", "api.github.com"),
        ("gitlab", "gitlab.com"),
        ("huggingface", "huggingface.co"),
        ("npm", "registry.npmjs.org"),
        ("openai", "api.openai.com"),
        ("sendgrid", "api.sendgrid.com"),
        ("slack", "slack.com"),
        ("stripe", "api.stripe.com"),
    ];
    let registry = Registry::builtin();
    let c = client();
    let u = |s: String| Url::parse(&s).unwrap();
    for (name, host) in documented {
        let p = registry.by_name(name).unwrap();
        let ctx = Ctx::new(&c, p.as_ref(), None);
        let url = ctx.url("/x?y=1").unwrap();
        assert_eq!(url.host_str(), Some(host), "{name}");
        assert_eq!(url.scheme(), "https");
        let allowed = ctx.allowed();
        assert!(allowed.admits(&url));
        for bad in [
            format!("http://{host}/x"),
            format!("https://{host}.evil.test/x"),
            format!("https://evil-{host}/x"),
            format!("https://evil.{host}/x"),
            format!("https://{host}./x"),
            "https://127.0.0.1/x".to_string(),
        ] {
            assert!(!allowed.admits(&u(bad.clone())), "{name} admits {bad}");
        }
        for (other, other_host) in documented {
            if other != name && other_host != host {
                assert!(
                    !allowed.admits(&u(format!("https://{other_host}/"))),
                    "{name} admits {other_host}"
                );
            }
        }
    }
    // Every provider but the Azure slot is in the table above.
    let mut names = registry.names();
    names.retain(|n| *n != "azure");
    assert_eq!(names, documented.map(|d| d.0));
}

#[test]
fn an_override_admits_exactly_its_origin() {
    let registry = Registry::builtin();
    let c = client();
    let over = Url::parse("http://127.0.0.1:9999/api/v3").unwrap();
    let p = registry.by_name("github").unwrap();
    let ctx = Ctx::new(&c, p.as_ref(), Some(&over));
    let a = ctx.allowed();
    assert!(a.admits(&Url::parse("http://127.0.0.1:9999/api/v3/user").unwrap()));
    assert!(!a.admits(&Url::parse("https://api.github.com/user").unwrap()));
    assert!(!a.admits(&Url::parse("http://127.0.0.1:9998/user").unwrap()));
    assert!(!a.admits(&Url::parse("https://127.0.0.1:9999/user").unwrap()));
}
