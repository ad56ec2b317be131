//! Safety of `live::validate`, against loopback mock servers: every request is GET or
//! HEAD, goes only to the endpoint the credential names (or `--endpoint`), never follows a
//! redirect, and no secret appears in the result, even when the server echoes it.

mod common;

use common::finding;
use leakscope_azure::live::{validate, ProbeOptions};
use leakscope_core::Finding;
use leakscope_http::{Client, ClientConfig};
use leakscope_testkit::mock::{MockServer, Reply, Seen};

const SIG: &str = "7BjqyNdYseulLTwQ05rcbdmAZHLLSuBpY104PZCGpRM=";
const SIG_ENC: &str = "7BjqyNdYseulLTwQ05rcbdmAZHLLSuBpY104PZCGpRM%3D";
const KEY: &str =
    "Rl0MR48pQ8np3bWRgj5NNdXrQ0nmSgmF/krFuA8a4Qrb7KkwvWxtHNTdVLntlpqj5d+vSmth1ArA82ejwjaFRw==";

/// Answers every listing with two items and a next marker (so paging runs until the
/// budget stops it), everything else with 200; a few paths misbehave on purpose.
fn storage_like(req: &Seen) -> Reply {
    let q = req.query().unwrap_or("");
    if req.path().ends_with("/redirect") {
        return Reply::new(302, "").header("Location", "http://127.0.0.1:9/stolen");
    }
    if req.path().ends_with("/echo") {
        // A hostile server repeating the credential back in its error.
        let body = format!(
            "<?xml version=\"1.0\"?><Error><Code>Weird</Code><Message>you sent {}</Message></Error>",
            req.target
        );
        return Reply::new(400, body).header("x-ms-error-code", "Weird");
    }
    if req.path().ends_with("/Tables") {
        return Reply::json(200, r#"{"value":[{"TableName":"t1"}]}"#)
            .header("x-ms-continuation-NextTableName", "t2");
    }
    let items = if q.contains("restype=container") {
        "<Blobs><Blob><Name>m.pkl</Name><Properties><Content-Length>7</Content-Length></Properties></Blob></Blobs>"
    } else if q.contains("comp=list") {
        "<Containers><Container><Name>c1</Name><Properties/></Container></Containers>\
         <Queues><Queue><Name>q1</Name></Queue></Queues><Shares><Share><Name>s1</Name></Share></Shares>"
    } else {
        ""
    };
    Reply::new(
        200,
        format!("\u{feff}<?xml version=\"1.0\"?><EnumerationResults>{items}<NextMarker>more</NextMarker></EnumerationResults>"),
    )
}

fn client() -> Client {
    Client::new(ClientConfig {
        retries: 0,
        host_interval: std::time::Duration::ZERO,
        ..ClientConfig::default()
    })
}

fn credentials(base: &str) -> Vec<Finding> {
    let acct = format!("{base}/devstoreaccount1");
    let q = |extra: &str| format!("sv=2021-08-06&{extra}&se=2030-01-01T00:00:00Z&sig={SIG_ENC}");
    let sas = |path: &str, extra: &str| {
        let url = format!("{acct}/{path}?");
        finding("azure_sas", &q(extra), &[("url", url.as_str())])
    };
    vec![
        sas("", "ss=bfqt&srt=sco&sp=rwdlacup"),
        sas("", "ss=b&srt=s&sp=r"),
        sas("models", "sr=c&sp=rl"),
        sas("models/a.pt", "sr=b&sp=r"),
        sas("jobs", "sp=r"),
        sas("Customers", "tn=Customers&sp=r"),
        sas("share", "sr=s&sp=rl"),
        sas("echo", "sr=c&sp=l"),
        sas("redirect", "sr=c&sp=l"),
        sas("", "si=policy1&ss=b&srt=sco"),
        finding(
            "azure_connection_string",
            &format!("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={KEY};BlobEndpoint={acct};QueueEndpoint={acct};TableEndpoint={acct};FileEndpoint={acct}"),
            &[],
        ),
        finding(
            "azure_connection_string",
            &format!("BlobEndpoint={acct};SharedAccessSignature={}", q("ss=b&srt=sco&sp=rl")),
            &[],
        ),
        finding("azure_account_key", KEY, &[("account", "devstoreaccount1")]),
    ]
}

#[test]
fn only_get_and_head_and_only_to_the_named_endpoint() {
    let server = MockServer::start(storage_like);
    // Anything sent here would be a request to a host the credential does not name.
    let elsewhere = MockServer::start(|_| Reply::new(200, ""));
    let http = client();
    let endpoint = url::Url::parse(&format!("{}/devstoreaccount1", server.url())).ok();
    let mut results = Vec::new();
    for f in credentials(&server.url()) {
        for access_map in [false, true] {
            let opts = ProbeOptions {
                endpoint: endpoint.clone(),
                access_map,
                max_requests: 12,
            };
            let v = validate(&f, &http, &opts);
            let text = serde_json::to_string(&v).unwrap_or_default();
            for secret in [SIG, SIG_ENC, KEY] {
                assert!(!text.contains(secret), "{} leaked a secret: {text}", f.kind);
            }
            assert!(v.probed.len() <= 12, "budget exceeded: {text}");
            results.push((f.kind.clone(), text));
        }
    }
    let seen = server.requests();
    assert!(!seen.is_empty());
    for r in &seen {
        assert!(
            r.method == "GET" || r.method == "HEAD",
            "{} {}",
            r.method,
            r.target
        );
        assert!(r.target.starts_with("/devstoreaccount1/"), "{}", r.target);
    }
    assert_eq!(
        http.requests_sent(),
        seen.len() as u64,
        "every request reached the named endpoint"
    );
    assert!(elsewhere.requests().is_empty());
    // Every kind was actually probed; only the misbehaving paths are errors.
    for (kind, text) in &results {
        let odd = text.contains("/echo") || text.contains("/redirect");
        let want = if odd { "error" } else { "live" };
        assert!(
            text.contains(&format!("\"status\":\"{want}\"")),
            "{kind}: {text}"
        );
    }
}

#[test]
fn foreign_hosts_are_never_contacted() {
    let server = MockServer::start(storage_like);
    let http = client();
    let opts = ProbeOptions {
        endpoint: None,
        access_map: true,
        max_requests: 10,
    };
    let foreign = [
        finding(
            "azure_connection_string",
            &format!("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={KEY};BlobEndpoint=https://evil.example/acct"),
            &[],
        ),
        finding(
            "azure_connection_string",
            &format!("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={KEY};EndpointSuffix=evil.example"),
            &[],
        ),
        finding(
            "azure_sas",
            &format!("sv=2021-08-06&sr=b&sp=r&se=2030-01-01&sig={SIG_ENC}"),
            &[("url", "https://acct.blob.core.windows.net.evil.example/c/b?")],
        ),
        finding(
            "azure_sas",
            &format!("sv=2021-08-06&sr=b&sp=r&se=2030-01-01&sig={SIG_ENC}"),
            &[("url", "http://10.0.0.7:10000/devstoreaccount1/c/b?")],
        ),
        finding("azure_sas", &format!("sv=2021-08-06&sr=b&sp=r&se=2030-01-01&sig={SIG_ENC}"), &[]),
        finding("azure_account_key", KEY, &[]),
    ];
    for f in &foreign {
        let v = validate(f, &http, &opts);
        assert_eq!(v.status, "unknown", "{v:?}");
        assert!(v.probed.is_empty());
        let reason = v.extra["reason"].as_str().unwrap_or("");
        assert!(!reason.is_empty());
        assert!(!reason.contains(SIG) && !reason.contains(KEY), "{reason}");
    }
    let v = validate(&foreign[0], &http, &opts);
    assert_eq!(
        v.extra["reason"],
        "endpoint https://evil.example/acct is not an Azure Storage host; pass --endpoint azure=URL to probe it"
    );
    assert_eq!(http.requests_sent(), 0);

    // With --endpoint, the same credential goes there and nowhere else.
    let with = ProbeOptions {
        endpoint: url::Url::parse(&format!("{}/acct", server.url())).ok(),
        ..opts
    };
    let v = validate(&foreign[0], &http, &with);
    assert_eq!(v.status, "live", "{v:?}");
    assert!(server
        .requests()
        .iter()
        .all(|r| r.target.starts_with("/acct/")));
    assert_eq!(http.requests_sent(), server.requests().len() as u64);
}

#[test]
fn azure_hosts_are_spoken_to_over_https_only() {
    // An Azure host named with http:// is probed over HTTPS; nothing listens on the public
    // internet here, so the client is given a zero budget and must refuse before sending.
    let http = Client::new(ClientConfig {
        max_requests: Some(0),
        retries: 0,
        ..ClientConfig::default()
    });
    let f = finding(
        "azure_sas",
        &format!("sv=2021-08-06&sr=c&sp=rl&se=2030-01-01&sig={SIG_ENC}"),
        &[("url", "http://acct.blob.core.windows.net/c?")],
    );
    let v = validate(&f, &http, &ProbeOptions::default());
    assert_eq!(v.status, "unknown", "{v:?}");
    assert!(
        v.probed[0].starts_with("GET https://acct.blob.core.windows.net/c?"),
        "{:?}",
        v.probed
    );
}

/// Where each credential would be sent, read from `probed` with a client that may send
/// nothing (so no request leaves this machine).
#[test]
fn endpoints_are_derived_from_the_credential() {
    let http = Client::new(ClientConfig {
        max_requests: Some(0),
        retries: 0,
        ..ClientConfig::default()
    });
    let q = |extra: &str| format!("sv=2021-08-06&{extra}&se=2030-01-01&sig={SIG_ENC}");
    let cases: Vec<(Finding, &str)> = vec![
        (
            finding("azure_sas", &q("sr=c&sp=rl"), &[("url", "https://acct.dfs.core.chinacloudapi.cn/fs?")]),
            "GET https://acct.blob.core.chinacloudapi.cn/fs?restype=container&comp=list",
        ),
        (
            finding("azure_sas", &q("ss=q&srt=s&sp=l"), &[("url", "https://acct.blob.core.usgovcloudapi.net/?")]),
            "GET https://acct.queue.core.usgovcloudapi.net/?comp=list",
        ),
        (
            finding("azure_sas", &q("sr=b&sp=r"), &[("url", "https://acct-secondary.blob.core.windows.net/c/d/e.pt?")]),
            "HEAD https://acct-secondary.blob.core.windows.net/c/d/e.pt?…",
        ),
        (
            finding(
                "azure_connection_string",
                &format!("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={KEY};EndpointSuffix=core.chinacloudapi.cn"),
                &[],
            ),
            "GET https://acct.blob.core.chinacloudapi.cn/?comp=list",
        ),
        (
            finding("azure_account_key", KEY, &[("account", "prodstore01")]),
            "GET https://prodstore01.blob.core.windows.net/?comp=list",
        ),
        (
            finding("azure_connection_string", "UseDevelopmentStorage=true", &[]),
            "GET http://127.0.0.1:10000/devstoreaccount1/?comp=list",
        ),
    ];
    for (f, want) in cases {
        let v = validate(&f, &http, &ProbeOptions::default());
        assert!(
            v.probed.first().is_some_and(|p| p.starts_with(want)),
            "{}: {:?} (want {want})",
            f.kind,
            v.probed
        );
    }
    assert_eq!(http.requests_sent(), 0);
}
