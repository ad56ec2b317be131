//! `live::validate` against a real Azurite: containers, blobs, queues and tables created by
//! the test; tokens of several scopes validated with exact access-map counts; a token
//! signed with a rotated key rejected; a read-only blob SAS proven live with one HEAD.

mod common;

use common::azurite::{self, sas_query, window, Azurite, ROTATED_KEY};
use common::finding;
use leakscope_azure::keys::{AZURITE_DEV_ACCOUNT as ACCOUNT, AZURITE_DEV_KEY as KEY};
use leakscope_azure::live::{validate, ProbeOptions};
use leakscope_http::{Client, ClientConfig};
use serde_json::{json, Value};

fn client() -> Client {
    Client::new(ClientConfig {
        retries: 0,
        host_interval: std::time::Duration::ZERO,
        ..ClientConfig::default()
    })
}

fn opts(access_map: bool) -> ProbeOptions {
    ProbeOptions {
        endpoint: None,
        access_map,
        max_requests: 100,
    }
}

/// The fixture account: three containers (one public), five blobs, a queue with two
/// messages, a table.
fn populate(az: &Azurite) {
    az.container("models", Some("container"));
    az.container("data", None);
    az.container("empty", Some("blob"));
    az.blob("models", "a.pt", b"12345");
    az.blob("models", "b.bin", b"0123456789");
    az.blob("models", "readme.md", b"abc");
    az.blob("data", "x.csv", b"1,2,3,4");
    az.blob("data", "sub/y.pkl", b"\x80\x04N.");
    az.queue("jobs", 2);
    az.table("Customers");
}

fn containers_json(public: bool) -> Value {
    let p = |v: &str| if public { json!(v) } else { Value::Null };
    json!([
        {"name": "data", "blobs": 2, "bytes": 11, "public_access": p("private"),
         "model_files": ["sub/y.pkl"], "model_file_count": 1, "complete": true},
        {"name": "empty", "blobs": 0, "bytes": 0, "public_access": p("blob"),
         "model_files": [], "model_file_count": 0, "complete": true},
        {"name": "models", "blobs": 3, "bytes": 18, "public_access": p("container"),
         "model_files": ["a.pt", "b.bin"], "model_file_count": 2, "complete": true},
    ])
}

fn as_json(v: &leakscope_core::Validation) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

#[test]
fn validates_credentials_of_every_kind_against_azurite() {
    let Some(az) = azurite::start() else { return };
    populate(&az);
    let http = client();
    let (st, se) = window();

    // Account key in a connection string: everything, counted exactly.
    let cs = az.connection_string(KEY);
    let v = validate(
        &finding("azure_connection_string", &cs, &[]),
        &http,
        &opts(true),
    );
    let j = as_json(&v);
    assert_eq!(j["status"], "live", "{j:#}");
    let access = &j["access"];
    assert_eq!(access["containers"], containers_json(true), "{j:#}");
    assert_eq!(access["total_blobs"], 5);
    assert_eq!(access["total_bytes"], 29);
    assert_eq!(access["complete"], true);
    assert_eq!(access["queues"], json!([{"name": "jobs", "messages": 2}]));
    assert_eq!(access["tables"], json!([{"name": "Customers"}]));
    assert!(access.get("shares").is_none(), "no file endpoint is known");
    // 1 probe + 1 container page + 3 blob pages + 1 queue page + 1 metadata + 1 table page
    assert_eq!(access["requests"], 8, "{j:#}");
    assert_eq!(v.probed.len(), 8);
    assert!(v
        .probed
        .iter()
        .all(|p| p.starts_with("GET ") || p.starts_with("HEAD ")));
    assert!(!serde_json::to_string(&j).unwrap_or_default().contains(KEY));

    // Without the access map: one request.
    let v = validate(
        &finding("azure_connection_string", &cs, &[]),
        &http,
        &opts(false),
    );
    assert_eq!(v.status, "live");
    assert_eq!(v.probed.len(), 1);
    assert!(v.extra.get("access").is_none());

    // A bare account key: --endpoint says where.
    let mut o = opts(true);
    o.endpoint = url::Url::parse(&az.blob_endpoint()).ok();
    let key = finding("azure_account_key", KEY, &[("account", ACCOUNT)]);
    let v = validate(&key, &http, &o);
    let j = as_json(&v);
    assert_eq!(j["status"], "live", "{j:#}");
    assert_eq!(j["access"]["total_blobs"], 5);
    // ... and without it the emulator's public key is not probed anywhere.
    let v = validate(&key, &http, &opts(false));
    assert_eq!(v.status, "unknown");
    assert!(v.probed.is_empty());

    // Account SAS, blob only, service+container+object, read+list: the URL says where.
    let q = sas_query(
        "",
        &[
            ("sv", "2021-08-06".into()),
            ("ss", "b".into()),
            ("srt", "sco".into()),
            ("sp", "rl".into()),
            ("st", st.clone()),
            ("se", se.clone()),
            ("spr", "https,http".into()),
        ],
        KEY,
    );
    let url = format!("{}/?", az.blob_endpoint());
    let sas = finding("azure_sas", &q, &[("url", &url)]);
    let v = validate(&sas, &http, &opts(true));
    let j = as_json(&v);
    assert_eq!(j["status"], "live", "{j:#}");
    assert_eq!(j["access"]["containers"], containers_json(true), "{j:#}");
    assert!(j["access"].get("queues").is_none());
    assert!(
        v.probed[0].starts_with(&format!("GET {}/?comp=list", az.blob_endpoint())),
        "{:?}",
        v.probed
    );
    assert!(v.probed[0].ends_with("&…"), "{:?}", v.probed);
    let text = serde_json::to_string(&j).unwrap_or_default();
    assert!(!text.contains("sig="), "{text}");

    // Account SAS over blob, queue and table, list only, in a connection string that names
    // every endpoint: queues and tables listed, no queue metadata (needs read).
    let q = sas_query(
        "",
        &[
            ("sv", "2021-08-06".into()),
            ("ss", "bqt".into()),
            ("srt", "sc".into()),
            ("sp", "l".into()),
            ("st", st.clone()),
            ("se", se.clone()),
        ],
        KEY,
    );
    let cs_sas = format!(
        "BlobEndpoint={};QueueEndpoint={};TableEndpoint={};SharedAccessSignature={q}",
        az.blob_endpoint(),
        az.queue_endpoint(),
        az.table_endpoint()
    );
    let v = validate(
        &finding("azure_connection_string", &cs_sas, &[]),
        &http,
        &opts(true),
    );
    let j = as_json(&v);
    assert_eq!(j["status"], "live", "{j:#}");
    assert_eq!(j["access"]["total_blobs"], 5, "{j:#}");
    assert_eq!(j["access"]["queues"], json!([{"name": "jobs"}]), "{j:#}");
    assert_eq!(
        j["access"]["tables"],
        json!([{"name": "Customers"}]),
        "{j:#}"
    );
    assert_eq!(j["access"]["complete"], true, "{j:#}");

    // Container SAS with read+list on `models`: that container only, public level unseen.
    let q = sas_query(
        "models",
        &[
            ("sv", "2021-08-06".into()),
            ("sr", "c".into()),
            ("sp", "rl".into()),
            ("st", st.clone()),
            ("se", se.clone()),
        ],
        KEY,
    );
    let url = format!("{}/models?", az.blob_endpoint());
    let v = validate(
        &finding("azure_sas", &q, &[("url", &url)]),
        &http,
        &opts(true),
    );
    let j = as_json(&v);
    assert_eq!(j["status"], "live", "{j:#}");
    assert_eq!(
        j["access"]["containers"],
        json!([{"name": "models", "blobs": 3, "bytes": 18, "public_access": null,
                "model_files": ["a.pt", "b.bin"], "model_file_count": 2, "complete": true}])
    );

    // Blob SAS, read only: live through one HEAD of the blob.
    let q = sas_query(
        "models/a.pt",
        &[
            ("sv", "2021-08-06".into()),
            ("sr", "b".into()),
            ("sp", "r".into()),
            ("st", st.clone()),
            ("se", se.clone()),
        ],
        KEY,
    );
    let url = format!("{}/models/a.pt?", az.blob_endpoint());
    let blob_sas = finding("azure_sas", &q, &[("url", &url)]);
    let v = validate(&blob_sas, &http, &opts(false));
    assert_eq!(v.status, "live", "{:?}", v);
    assert_eq!(v.probed.len(), 1);
    assert!(v.probed[0].starts_with("HEAD "), "{:?}", v.probed);
    let v = validate(&blob_sas, &http, &opts(true));
    let j = as_json(&v);
    assert_eq!(j["access"]["total_blobs"], 1, "{j:#}");
    assert_eq!(j["access"]["total_bytes"], 5, "{j:#}");

    // Queue SAS (read): Get Queue Metadata on its queue; table SAS (read): one entity.
    let q = sas_query(
        "jobs",
        &[
            ("sv", "2021-08-06".into()),
            ("sp", "r".into()),
            ("se", se.clone()),
        ],
        KEY,
    );
    let url = format!("{}/jobs?", az.queue_endpoint());
    let v = validate(
        &finding("azure_sas", &q, &[("url", &url)]),
        &http,
        &opts(true),
    );
    assert_eq!(v.status, "live", "{v:?}");
    assert!(
        v.probed[0].contains("/jobs?comp=metadata&…"),
        "{:?}",
        v.probed
    );
    assert_eq!(
        v.extra["access"]["queues"],
        json!([{"name": "jobs", "messages": 2}])
    );
    let q = sas_query(
        "Customers",
        &[
            ("sv", "2021-08-06".into()),
            ("tn", "Customers".into()),
            ("sp", "r".into()),
            ("se", se.clone()),
        ],
        KEY,
    );
    let url = format!("{}/Customers?", az.table_endpoint());
    let v = validate(
        &finding("azure_sas", &q, &[("url", &url)]),
        &http,
        &opts(false),
    );
    assert_eq!(v.status, "live", "{v:?}");
    assert!(
        v.probed[0].contains("/Customers()?%24top=1&…"),
        "{:?}",
        v.probed
    );

    // Write-only blob SAS: nothing read-only to call, so nothing is sent.
    let q = sas_query(
        "models/a.pt",
        &[
            ("sv", "2021-08-06".into()),
            ("sr", "b".into()),
            ("sp", "w".into()),
            ("se", se.clone()),
        ],
        KEY,
    );
    let v = validate(
        &finding("azure_sas", &q, &[("url", &url)]),
        &http,
        &opts(true),
    );
    assert_eq!(v.status, "unknown");
    assert!(v.probed.is_empty());
    assert!(v.extra["reason"]
        .as_str()
        .unwrap_or("")
        .contains("neither read nor list"));

    // Revoked: the same account SAS signed with the key before rotation.
    let q = sas_query(
        "",
        &[
            ("sv", "2021-08-06".into()),
            ("ss", "b".into()),
            ("srt", "sco".into()),
            ("sp", "rl".into()),
            ("st", st.clone()),
            ("se", se.clone()),
        ],
        ROTATED_KEY,
    );
    let url = format!("{}/?", az.blob_endpoint());
    let v = validate(
        &finding("azure_sas", &q, &[("url", &url)]),
        &http,
        &opts(true),
    );
    let j = as_json(&v);
    assert_eq!(j["status"], "rejected", "{j:#}");
    // Azure says AuthenticationFailed; Azurite says AuthorizationFailure for a bad SAS
    // signature ("Server failed to authenticate the request").
    let code = j["error_code"].as_str().unwrap_or("");
    assert!(
        ["AuthenticationFailed", "AuthorizationFailure"].contains(&code),
        "{j:#}"
    );
    assert_eq!(j["http_status"], 403);
    assert!(j.get("access").is_none());

    // A connection string with a rotated key.
    let v = validate(
        &finding(
            "azure_connection_string",
            &az.connection_string(ROTATED_KEY),
            &[],
        ),
        &http,
        &opts(true),
    );
    assert_eq!(v.status, "rejected", "{v:?}");
    assert!(v.extra.contains_key("error_code"), "{v:?}");

    // The budget bounds the map: two requests, then incomplete.
    let mut o = opts(true);
    o.max_requests = 2;
    let v = validate(&finding("azure_connection_string", &cs, &[]), &http, &o);
    let j = as_json(&v);
    assert_eq!(j["status"], "live");
    assert_eq!(j["access"]["complete"], false, "{j:#}");
    assert_eq!(j["access"]["requests"], 2, "{j:#}");
    assert_eq!(v.probed.len(), 2);
}

#[test]
fn validation_json_shape() {
    let Some(az) = azurite::start() else { return };
    populate(&az);
    let http = client();
    let v = validate(
        &finding("azure_connection_string", &az.connection_string(KEY), &[]),
        &http,
        &opts(true),
    );
    let text = serde_json::to_string_pretty(&v)
        .unwrap_or_default()
        .replace(&az.blob.to_string(), "BLOB_PORT")
        .replace(&az.queue.to_string(), "QUEUE_PORT")
        .replace(&az.table.to_string(), "TABLE_PORT");
    insta::assert_snapshot!(text);
}
