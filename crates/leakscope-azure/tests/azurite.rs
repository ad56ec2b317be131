//! Cross-check against Azurite (npm `azurite`): tokens signed with the emulator's published
//! key are accepted by Azurite exactly when our verifier says `valid`, and tampered ones are
//! rejected by both. The harness (tests/common/azurite.rs) starts Azurite on free 127.0.0.1
//! ports with a temporary data directory and stops it afterwards. Azurite is taken from PATH
//! or installed from npm on first use (see `leakscope-testkit`); if neither works the test
//! fails, unless `LEAKSCOPE_SKIP_AZURITE=1`.
//!
//! Only what Azurite implements faithfully is compared (Azurite 3.x): blob, queue and table
//! (no file service), no `sr=bv`/`sr=d`/user delegation, no `sip`, no table key ranges, and
//! `sv` from 2015-04-05 (it signs older versions with the 2015-04-05 layout).

mod common;

use common::azurite::{start, Azurite};
use leakscope_azure::keys::{AZURITE_DEV_ACCOUNT as ACCOUNT, AZURITE_DEV_KEY as KEY};
use leakscope_azure::{sas, signature};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// Minimal HTTP/1.1 over TCP: Azurite runs on plain HTTP and this keeps the test dependency-free.
fn http(port: u16, method: &str, path_query: &str, headers: &[(&str, &str)], body: &[u8]) -> u16 {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap_or_else(|e| panic!("connect: {e}"));
    let _ = s.set_read_timeout(Some(Duration::from_secs(30)));
    let mut req = format!(
        "{method} {path_query} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nx-ms-version: 2021-08-06\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes())
        .unwrap_or_else(|e| panic!("write: {e}"));
    s.write_all(body).unwrap_or_else(|e| panic!("write: {e}"));
    let mut resp = Vec::new();
    let _ = s.read_to_end(&mut resp);
    let text = String::from_utf8_lossy(&resp);
    text.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("bad HTTP response: {text:.200}"))
}

fn enc(v: &str) -> String {
    let mut o = String::new();
    for b in v.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                o.push(b as char)
            }
            _ => o.push_str(&format!("%{b:02X}")),
        }
    }
    o
}

const DUMMY_SIG: &str = "T2b8mYHYbsXnSI4MbC9UWRGRRjyRyt5XX7SMsbD4u4k=";

/// Builds a SAS for `resource_path` (below the account) signed with our own string-to-sign.
fn make(resource_path: &str, params: &[(&str, String)]) -> String {
    let q: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{k}={}", enc(v)))
        .collect();
    let unsigned = format!(
        "http://127.0.0.1/{ACCOUNT}/{resource_path}?{}&sig={}",
        q.join("&"),
        enc(DUMMY_SIG)
    );
    let t = sas::parse(&unsigned).unwrap_or_else(|e| panic!("{unsigned}: {e}"));
    let sig =
        signature::expected_signature(&t, None, KEY).unwrap_or_else(|e| panic!("{unsigned}: {e}"));
    format!("{}&sig={}", q.join("&"), enc(&sig))
}

fn our_verdict(url: &str) -> bool {
    let t = sas::parse(url).unwrap_or_else(|e| panic!("{url}: {e}"));
    signature::verify(&t, None, KEY).unwrap_or_else(|e| panic!("{url}: {e}"))
}

fn accepted(status: u16) -> bool {
    // 403 is Azurite's answer to a bad signature; anything else means authentication passed.
    status != 403 && status != 401
}

fn times() -> (String, String) {
    let now = jiff::Timestamp::now();
    let st = now - jiff::SignedDuration::from_hours(1);
    let se = now + jiff::SignedDuration::from_hours(24);
    (
        st.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        se.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
    )
}

struct Case {
    name: String,
    port: u16,
    /// Path and query below the host, without the SAS.
    path: String,
    /// The SAS query.
    sas: String,
    headers: Vec<(&'static str, &'static str)>,
}

fn tamper_sig(sas: &str) -> String {
    // Replace the first plain (not %-escaped) letter of the signature with another letter,
    // so the result is still base64 of 32 bytes, just not the right ones.
    let start = sas.find("sig=").map(|i| i + 4).unwrap_or(0);
    let mut b = sas.as_bytes().to_vec();
    let mut i = start;
    while i < b.len() && b[i] != b'&' {
        if b[i] == b'%' {
            i += 3;
            continue;
        }
        if b[i].is_ascii_alphanumeric() {
            b[i] = if b[i] == b'Q' { b'R' } else { b'Q' };
            break;
        }
        i += 1;
    }
    String::from_utf8_lossy(&b).into_owned()
}

fn tamper_field(sas: &str) -> String {
    // Extend the expiry by a second: still a well-formed token, no longer the signed one.
    let Some(i) = sas.find("se=") else {
        return sas.replace("sp=r", "sp=rl");
    };
    let end = sas[i..].find('&').map(|e| i + e).unwrap_or(sas.len());
    let se = sas[i + 3..end].replace("%3A", ":");
    let t: jiff::Timestamp = se.parse().unwrap_or_else(|e| panic!("{se}: {e}"));
    let t2 = (t + jiff::SignedDuration::from_secs(1))
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    format!("{}se={}{}", &sas[..i], enc(&t2), &sas[end..])
}

fn check(case: &Case, failures: &mut Vec<String>) {
    let sep = if case.path.contains('?') { '&' } else { '?' };
    for (label, sas, expect_valid) in [
        ("as signed", case.sas.clone(), None),
        ("sig tampered", tamper_sig(&case.sas), Some(false)),
        ("field tampered", tamper_field(&case.sas), Some(false)),
    ] {
        let pq = format!("{}{sep}{sas}", case.path);
        let url = format!("http://127.0.0.1:{}{}", case.port, pq);
        let ours = our_verdict(&url);
        let status = http(case.port, "GET", &pq, &case.headers, b"");
        let theirs = accepted(status);
        if ours != theirs || expect_valid.is_some_and(|e| e != ours) {
            failures.push(format!(
                "{} ({label}): ours valid={ours}, Azurite HTTP {status}: {url}",
                case.name
            ));
        }
    }
}

#[test]
fn azurite_agrees_with_our_verifier() {
    let Some(az) = start() else { return };
    let (st, se) = times();
    // Setup with an account SAS we sign ourselves: if our signer were wrong, this fails loudly.
    let admin = make(
        "",
        &[
            ("sv", "2021-08-06".into()),
            ("ss", "bqt".into()),
            ("srt", "sco".into()),
            ("sp", "rwdlacup".into()),
            ("st", st.clone()),
            ("se", se.clone()),
            ("spr", "https,http".into()),
        ],
    );
    let mut setup = vec![
        (
            az.blob,
            "PUT",
            format!("/{ACCOUNT}/models?restype=container&{admin}"),
            vec![],
            b"".to_vec(),
        ),
        (
            az.blob,
            "PUT",
            format!("/{ACCOUNT}/models/a.bin?{admin}"),
            vec![("x-ms-blob-type", "BlockBlob")],
            b"hello".to_vec(),
        ),
        (
            az.queue,
            "PUT",
            format!("/{ACCOUNT}/jobs?{admin}"),
            vec![],
            b"".to_vec(),
        ),
    ];
    setup.push((
        az.table,
        "POST",
        format!("/{ACCOUNT}/Tables?{admin}"),
        vec![
            ("Content-Type", "application/json"),
            ("Accept", "application/json;odata=nometadata"),
        ],
        br#"{"TableName":"Customers"}"#.to_vec(),
    ));
    for (port, method, pq, headers, body) in &setup {
        let status = http(*port, method, pq, headers, body);
        assert!(
            (200..300).contains(&status),
            "setup {method} {pq} -> HTTP {status}"
        );
    }

    let mut cases = Vec::new();
    let base = |sv: &str| -> Vec<(&'static str, String)> {
        vec![
            ("sv", sv.to_string()),
            ("st", st.clone()),
            ("se", se.clone()),
        ]
    };
    for sv in [
        "2015-04-05",
        "2017-07-29",
        "2018-11-09",
        "2019-12-12",
        "2020-02-10",
        "2020-12-06",
        "2021-08-06",
    ] {
        let mut p = base(sv);
        p.extend([
            ("ss", "b".to_string()),
            ("srt", "co".into()),
            ("sp", "rl".into()),
            ("spr", "https,http".into()),
        ]);
        cases.push(Case {
            name: format!("account {sv}"),
            port: az.blob,
            path: format!("/{ACCOUNT}/models?restype=container&comp=list"),
            sas: make("", &p),
            headers: vec![],
        });
        let mut p = base(sv);
        p.extend([("sr", "c".to_string()), ("sp", "rl".into())]);
        cases.push(Case {
            name: format!("container {sv}"),
            port: az.blob,
            path: format!("/{ACCOUNT}/models?restype=container&comp=list"),
            sas: make("models", &p),
            headers: vec![],
        });
        let mut p = base(sv);
        p.extend([
            ("sr", "b".to_string()),
            ("sp", "r".into()),
            ("rscd", "attachment".into()),
            ("rsct", "application/octet-stream".into()),
        ]);
        cases.push(Case {
            name: format!("blob {sv}"),
            port: az.blob,
            path: format!("/{ACCOUNT}/models/a.bin"),
            sas: make("models/a.bin", &p),
            headers: vec![],
        });
        let mut p = base(sv);
        p.push(("sp", "r".into()));
        cases.push(Case {
            name: format!("queue {sv}"),
            port: az.queue,
            path: format!("/{ACCOUNT}/jobs/messages?peekonly=true"),
            sas: make("jobs", &p),
            headers: vec![],
        });
        let mut p = base(sv);
        p.extend([("tn", "Customers".to_string()), ("sp", "r".into())]);
        cases.push(Case {
            name: format!("table {sv}"),
            port: az.table,
            path: format!("/{ACCOUNT}/Customers()"),
            sas: make("Customers", &p),
            headers: vec![("Accept", "application/json;odata=nometadata")],
        });
        let mut p = base(sv);
        p.extend([
            ("ss", "q".to_string()),
            ("srt", "o".into()),
            ("sp", "r".into()),
        ]);
        cases.push(Case {
            name: format!("account queue {sv}"),
            port: az.queue,
            path: format!("/{ACCOUNT}/jobs/messages?peekonly=true"),
            sas: make("", &p),
            headers: vec![],
        });
    }
    cases.extend(sdk_cases(&az));
    assert!(cases.len() >= 45, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for c in &cases {
        check(c, &mut failures);
    }
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The Python SDK's own tokens for the emulator account (tests/fixtures/sdk_sas.json), where
/// Azurite can judge them: native version, not expired, no stored policy, no `sr=bv`, not
/// HTTPS-only (the harness speaks plain HTTP).
fn sdk_cases(az: &Azurite) -> Vec<Case> {
    let v: serde_json::Value = serde_json::from_str(include_str!("fixtures/sdk_sas.json"))
        .unwrap_or_else(|e| panic!("fixture json: {e}"));
    let now = jiff::Timestamp::now();
    let mut out = Vec::new();
    for f in v["fixtures"].as_array().cloned().unwrap_or_default() {
        let (Some(url), Some(token), Some(name)) =
            (f["url"].as_str(), f["token"].as_str(), f["name"].as_str())
        else {
            continue;
        };
        if f["account"] != ACCOUNT || f["native_version"] != true || f["kind"] == "user_delegation"
        {
            continue;
        }
        let t = sas::parse(url).unwrap_or_else(|e| panic!("{name}: {e}"));
        // HTTPS-only tokens are refused over the harness's plain HTTP for protocol, not signature.
        if t.get("si").is_some() || t.get("sr") == Some("bv") || !t.allows_http() {
            continue;
        }
        if t.expiry.is_some_and(|e| e < now) {
            eprintln!("{name}: fixture expired, not sent to Azurite");
            continue;
        }
        // Requests the SAS allows against resources that exist.
        let (port, path, headers): (u16, String, Vec<(&str, &str)>) =
            match (f["kind"].as_str(), f["service"].as_str(), t.get("sr")) {
                (Some("account"), _, _) if t.get("ss").is_some_and(|s| s.contains('b')) => (
                    az.blob,
                    format!("/{ACCOUNT}/models?restype=container&comp=list"),
                    vec![],
                ),
                (Some("account"), _, _) if t.get("ss") == Some("q") => (
                    az.queue,
                    format!("/{ACCOUNT}/jobs/messages?peekonly=true"),
                    vec![],
                ),
                (Some("account"), _, _) => (
                    az.table,
                    format!("/{ACCOUNT}/Customers()"),
                    vec![("Accept", "application/json;odata=nometadata")],
                ),
                (_, Some("blob"), Some("c")) => (
                    az.blob,
                    format!("/{ACCOUNT}/models?restype=container&comp=list"),
                    vec![],
                ),
                (_, Some("blob"), _) => {
                    let base = url.split('?').next().unwrap_or("");
                    let p = base.splitn(4, '/').nth(3).unwrap_or("");
                    (az.blob, format!("/{p}"), vec![])
                }
                (_, Some("queue"), _) => (
                    az.queue,
                    format!("/{ACCOUNT}/jobs/messages?peekonly=true"),
                    vec![],
                ),
                (_, Some("table"), _) => (
                    az.table,
                    format!("/{ACCOUNT}/{}()", t.get("tn").unwrap_or("")),
                    vec![("Accept", "application/json;odata=nometadata")],
                ),
                _ => continue,
            };
        // The snapshot a bs token signs travels in the URL beside it.
        let path = match url
            .split('?')
            .nth(1)
            .and_then(|q| q.split('&').find(|p| p.starts_with("snapshot=")))
        {
            Some(snap) => format!("{path}?{snap}"),
            None => path,
        };
        out.push(Case {
            name: format!("sdk {name}"),
            port,
            path,
            sas: token.to_string(),
            headers,
        });
    }
    out
}
