//! The validator: one request per distinct credential, bounded concurrency, the request
//! budget, the cache, redaction of echoed secrets, and the Azure slot.

mod common;

use common::{all_to, client, finding, json, run_with};
use leakscope_core::Finding;
use leakscope_http::{Client, ClientConfig, Url};
use leakscope_testkit::mock::{MockServer, Reply};
use leakscope_validate::{Cache, MemoryCache, Options, Outcome, PairIndex, Registry, Validator};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

fn gh(secret: &str) -> Finding {
    finding("github_pat", "github.pat.classic", secret)
}

fn tokens(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("ghp_{i:0>36}")).collect()
}

#[test]
fn the_same_secret_in_three_files_is_checked_once() {
    let server = MockServer::start(|_| Reply::json(200, r#"{"login":"octocat"}"#));
    let mut f: Vec<Finding> = ["a.env", "b/c.yml", "d.json"]
        .iter()
        .map(|p| {
            let mut x = gh("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");
            x.path = p.to_string();
            x
        })
        .collect();
    f.push(finding(
        "model_code_execution",
        "model.code_execution",
        "posix.system",
    ));
    let report = run_with(&mut f, &all_to(&server), &client());
    assert_eq!(server.requests().len(), 1);
    assert_eq!(report.secrets, 1);
    assert_eq!(
        report.summary_line(),
        "validated 1 secret: 1 live, 0 rejected, 0 unknown"
    );
    assert!(f[..3]
        .iter()
        .all(|x| x.validation.as_ref().unwrap().status == "live"));
    assert!(
        f[3].validation.is_none(),
        "no provider for this kind: left alone"
    );
}

#[test]
fn checks_run_at_most_concurrency_at_a_time() {
    let inflight = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let server = {
        let (inflight, peak) = (inflight.clone(), peak.clone());
        MockServer::start(move |_| {
            let now = inflight.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(150));
            inflight.fetch_sub(1, Ordering::SeqCst);
            Reply::json(200, r#"{"login":"x"}"#)
        })
    };
    let mut f: Vec<Finding> = tokens(9).iter().map(|t| gh(t)).collect();
    let registry = Registry::builtin();
    let endpoints = all_to(&server);
    let c = client();
    let opts = Options {
        concurrency: 3,
        ..Options::default()
    };
    let pairs = PairIndex::from_findings(f.iter());
    let report = Validator::new(&registry, &c, &endpoints, opts).run(&mut f, &pairs, None);
    assert_eq!(report.live, 9);
    assert_eq!(server.requests().len(), 9);
    let peak = peak.load(Ordering::SeqCst);
    assert!((2..=3).contains(&peak), "peak concurrency {peak}");
}

#[test]
fn the_request_budget_leaves_the_rest_unknown() {
    let server = MockServer::start(|_| Reply::json(200, r#"{"login":"x"}"#));
    let c = Client::new(ClientConfig {
        max_requests: Some(2),
        retries: 0,
        host_interval: Duration::ZERO,
        ..ClientConfig::default()
    });
    let mut f: Vec<Finding> = tokens(5).iter().map(|t| gh(t)).collect();
    let report = run_with(&mut f, &all_to(&server), &c);
    assert_eq!(server.requests().len(), 2);
    assert_eq!((report.live, report.unknown), (2, 3));
    let j = json(
        f.iter()
            .find_map(|x| x.validation.as_ref().filter(|v| v.status == "unknown"))
            .unwrap(),
    );
    assert_eq!(j["error_code"], "budget_exhausted");
}

#[test]
fn cached_results_are_reused_until_fresh_is_asked() {
    let server = MockServer::start(|r| {
        if r.header("authorization").is_some_and(|a| a.ends_with('1')) {
            Reply::json(401, r#"{"message":"Bad credentials"}"#)
        } else if r.header("authorization").is_some_and(|a| a.ends_with('2')) {
            Reply::json(503, "{}")
        } else {
            Reply::json(200, r#"{"login":"octocat"}"#)
        }
    });
    let registry = Registry::builtin();
    let endpoints = all_to(&server);
    let c = client();
    let mut cache = MemoryCache::default();
    let run = |cache: &mut MemoryCache, fresh: bool| {
        let mut f: Vec<Finding> = tokens(3).iter().map(|t| gh(t)).collect();
        let pairs = PairIndex::from_findings(f.iter());
        let opts = Options {
            fresh,
            ..Options::default()
        };
        let report = Validator::new(&registry, &c, &endpoints, opts).run(
            &mut f,
            &pairs,
            Some(cache as &mut dyn Cache),
        );
        (f, report)
    };
    let (_, first) = run(&mut cache, false);
    assert_eq!(
        (first.live, first.rejected, first.unknown, first.cached),
        (1, 1, 1, 0)
    );
    assert_eq!(server.requests().len(), 3);
    assert_eq!(
        cache.len(),
        2,
        "live and rejected are kept, unknown is asked again"
    );

    let (f, second) = run(&mut cache, false);
    assert_eq!(
        server.requests().len(),
        4,
        "only the unknown one was asked again"
    );
    assert_eq!(second.cached, 2);
    assert!(second.summary_line().ends_with("(2 from the cache)"));
    let j = json(f[0].validation.as_ref().unwrap());
    assert_eq!(
        (j["status"].as_str(), j["cached"].as_bool()),
        (Some("live"), Some(true))
    );
    assert_eq!(j["identity"]["login"], "octocat");

    let (_, third) = run(&mut cache, true);
    assert_eq!(server.requests().len(), 7);
    assert_eq!(third.cached, 0);
}

#[test]
fn old_cache_entries_are_not_reused() {
    let server = MockServer::start(|_| Reply::json(200, r#"{"login":"octocat"}"#));
    let registry = Registry::builtin();
    let endpoints = all_to(&server);
    let c = client();
    let mut cache = MemoryCache::default();
    let mut f = vec![gh("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")];
    let pairs = PairIndex::from_findings(f.iter());
    let v = Validator::new(&registry, &c, &endpoints, Options::default());
    v.run(&mut f, &pairs, Some(&mut cache));
    let opts = Options {
        max_age: Duration::ZERO,
        ..Options::default()
    };
    std::thread::sleep(Duration::from_millis(1100));
    Validator::new(&registry, &c, &endpoints, opts).run(&mut f, &pairs, Some(&mut cache));
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn a_secret_echoed_by_the_server_never_reaches_the_result() {
    const TOKEN: &str = "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";
    let server = MockServer::start(|r| {
        let auth = r.header("authorization").unwrap_or_default().to_string();
        Reply::json(
            401,
            &format!(r#"{{"message":"Bad credentials: {auth} is not a valid token {TOKEN}"}}"#),
        )
    });
    let mut f = vec![gh(TOKEN)];
    run_with(&mut f, &all_to(&server), &client());
    let s = serde_json::to_string(&f[0].validation).unwrap();
    assert!(!s.contains(TOKEN), "{s}");
    assert!(s.contains("[REDACTED]"), "{s}");

    // A live answer that names the token as the "login".
    let server = MockServer::start(|_| Reply::json(200, &format!(r#"{{"login":"{TOKEN}"}}"#)));
    let mut f = vec![gh(TOKEN)];
    run_with(&mut f, &all_to(&server), &client());
    let s = serde_json::to_string(&f[0].validation).unwrap();
    assert!(!s.contains(TOKEN), "{s}");
}

#[test]
fn an_unreachable_endpoint_is_an_error_without_the_secret() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = Url::parse(&format!("http://127.0.0.1:{port}")).unwrap();
    let endpoints = [("github".to_string(), url)].into_iter().collect();
    let mut f = vec![gh("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")];
    let report = run_with(&mut f, &endpoints, &client());
    assert_eq!(report.error, 1);
    let j = json(f[0].validation.as_ref().unwrap());
    assert_eq!(j["status"], "error");
    assert!(!j.to_string().contains("ghp_oY9"), "{j}");
}

#[test]
fn the_azure_slot_calls_the_injected_check_with_the_override() {
    let mut registry = Registry::builtin();
    registry.set_azure(Arc::new(|f, ctx| {
        let endpoint = ctx.endpoint().map(|u| u.to_string()).unwrap_or_default();
        Outcome::live(Default::default())
            .reason(format!("{} via {endpoint}", f.kind))
            .into()
    }));
    let url = Url::parse("http://127.0.0.1:10000/devstoreaccount1").unwrap();
    let endpoints = [("azure".to_string(), url)].into_iter().collect();
    let mut f = vec![finding(
        "azure_sas",
        "azure.storage.sas",
        "sv=2020-08-04&sig=abc",
    )];
    let pairs = PairIndex::from_findings(f.iter());
    let c = client();
    Validator::new(&registry, &c, &endpoints, Options::default()).run(&mut f, &pairs, None);
    let j = json(f[0].validation.as_ref().unwrap());
    assert_eq!(j["status"], "live");
    assert_eq!(j["provider"], "azure");
    assert_eq!(
        j["reason"],
        "azure_sas via http://127.0.0.1:10000/devstoreaccount1"
    );
}
