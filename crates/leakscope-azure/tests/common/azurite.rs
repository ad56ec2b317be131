//! Azurite (npm `azurite`) on free 127.0.0.1 ports with a temporary data directory, stopped
//! on drop, plus a tiny test-only writer: the tests create their own containers, blobs,
//! queues and tables with Shared Key PUT/POST over a plain TcpStream. The product never
//! writes; only test code does.
//!
//! Azurite is taken from PATH or installed from npm on first use (see `leakscope-testkit`);
//! if neither works the test fails, unless `LEAKSCOPE_SKIP_AZURITE=1`.

#![allow(dead_code)]

use leakscope_azure::keys::{AZURITE_DEV_ACCOUNT as ACCOUNT, AZURITE_DEV_KEY as KEY};
use leakscope_azure::rest::auth::{string_to_sign, table_string_to_sign};
use leakscope_azure::{sas, signature};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Azurite {
    child: Child,
    pub blob: u16,
    pub queue: u16,
    pub table: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Azurite {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free port: {e}"))
}

/// Starts Azurite, or returns None when it is unavailable and `LEAKSCOPE_SKIP_AZURITE=1`.
pub fn start() -> Option<Azurite> {
    let skip = std::env::var("LEAKSCOPE_SKIP_AZURITE").is_ok_and(|v| v == "1");
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let (blob, queue, table) = (free_port(), free_port(), free_port());
    let spawned = leakscope_testkit::npm_tool("azurite", "azurite@3")
        .map_err(std::io::Error::other)
        .and_then(|azurite| {
            Command::new(azurite)
                .args([
                    "--silent",
                    "--skipApiVersionCheck",
                    "--disableProductStyleUrl",
                    "--location",
                ])
                .arg(dir.path())
                .args(["--blobHost", "127.0.0.1", "--blobPort", &blob.to_string()])
                .args([
                    "--queueHost",
                    "127.0.0.1",
                    "--queuePort",
                    &queue.to_string(),
                ])
                .args([
                    "--tableHost",
                    "127.0.0.1",
                    "--tablePort",
                    &table.to_string(),
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
        });
    let child = match spawned {
        Ok(c) => c,
        Err(e) if skip => {
            eprintln!("skipping Azurite test (LEAKSCOPE_SKIP_AZURITE=1): {e}");
            return None;
        }
        Err(e) => panic!(
            "cannot start `azurite` ({e}). Install it with `npm install -g azurite`, \
             or set LEAKSCOPE_SKIP_AZURITE=1 to skip this test"
        ),
    };
    let az = Azurite {
        child,
        blob,
        queue,
        table,
        _dir: dir,
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    for port in [blob, queue, table] {
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "Azurite did not listen on port {port} within 60 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    Some(az)
}

/// A raw HTTP/1.1 exchange: status, headers, body.
pub struct Raw {
    pub status: u16,
    pub head: String,
    pub body: Vec<u8>,
}

/// Minimal HTTP/1.1 over TCP (Azurite speaks plain HTTP; this keeps the tests free of an
/// HTTP client that could write).
pub fn http(
    port: u16,
    method: &str,
    path_query: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Raw {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap_or_else(|e| panic!("connect: {e}"));
    let _ = s.set_read_timeout(Some(Duration::from_secs(30)));
    let mut req = format!(
        "{method} {path_query} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: {}\r\n",
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
    let split = resp
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(resp.len());
    let head = String::from_utf8_lossy(&resp[..split]).into_owned();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("bad HTTP response: {head:.200}"));
    Raw {
        status,
        head,
        body: resp.get(split + 4..).unwrap_or_default().to_vec(),
    }
}

fn date() -> String {
    jiff::Timestamp::now()
        .strftime("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

pub fn enc(v: &str) -> String {
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

impl Azurite {
    pub fn blob_endpoint(&self) -> String {
        format!("http://127.0.0.1:{}/{ACCOUNT}", self.blob)
    }

    pub fn queue_endpoint(&self) -> String {
        format!("http://127.0.0.1:{}/{ACCOUNT}", self.queue)
    }

    pub fn table_endpoint(&self) -> String {
        format!("http://127.0.0.1:{}/{ACCOUNT}", self.table)
    }

    /// A connection string naming all three endpoints, with `key`.
    pub fn connection_string(&self, key: &str) -> String {
        format!(
            "DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={key};BlobEndpoint={};QueueEndpoint={};TableEndpoint={};",
            self.blob_endpoint(),
            self.queue_endpoint(),
            self.table_endpoint()
        )
    }

    /// A Shared Key write (test setup only); panics unless 2xx.
    fn write(
        &self,
        port: u16,
        table: bool,
        method: &str,
        pq: &str,
        extra: &[(&str, &str)],
        body: &[u8],
    ) {
        let mut headers: Vec<(String, String)> = vec![
            ("x-ms-date".into(), date()),
            ("x-ms-version".into(), "2021-08-06".into()),
        ];
        if !body.is_empty() {
            headers.push(("Content-Length".into(), body.len().to_string()));
        }
        headers.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let url = url::Url::parse(&format!("http://127.0.0.1:{port}{pq}"))
            .unwrap_or_else(|e| panic!("{pq}: {e}"));
        let sts = if table {
            table_string_to_sign(ACCOUNT, method, &url, &headers)
        } else {
            string_to_sign(ACCOUNT, method, &url, &headers)
        };
        let mac = signature::sign(KEY, &sts).unwrap_or_else(|e| panic!("sign: {e}"));
        use base64::Engine;
        let sig = base64::engine::general_purpose::STANDARD.encode(mac);
        headers.retain(|(k, _)| k != "Content-Length");
        headers.push(("Authorization".into(), format!("SharedKey {ACCOUNT}:{sig}")));
        let r = http(port, method, pq, &headers, body);
        assert!(
            (200..300).contains(&r.status),
            "setup {method} {pq} -> HTTP {}: {}",
            r.status,
            String::from_utf8_lossy(&r.body)
        );
    }

    /// Creates a container; `public` is `container`, `blob` or None (private).
    pub fn container(&self, name: &str, public: Option<&str>) {
        let extra: Vec<(&str, &str)> = public
            .map(|p| vec![("x-ms-blob-public-access", p)])
            .unwrap_or_default();
        self.write(
            self.blob,
            false,
            "PUT",
            &format!("/{ACCOUNT}/{name}?restype=container"),
            &extra,
            b"",
        );
    }

    pub fn blob(&self, container: &str, name: &str, bytes: &[u8]) {
        let path: Vec<String> = name.split('/').map(enc).collect();
        self.write(
            self.blob,
            false,
            "PUT",
            &format!("/{ACCOUNT}/{container}/{}", path.join("/")),
            &[("x-ms-blob-type", "BlockBlob")],
            bytes,
        );
    }

    pub fn queue(&self, name: &str, messages: usize) {
        self.write(
            self.queue,
            false,
            "PUT",
            &format!("/{ACCOUNT}/{name}"),
            &[],
            b"",
        );
        for i in 0..messages {
            let body = format!("<QueueMessage><MessageText>m{i}</MessageText></QueueMessage>");
            self.write(
                self.queue,
                false,
                "POST",
                &format!("/{ACCOUNT}/{name}/messages"),
                &[("Content-Type", "application/xml")],
                body.as_bytes(),
            );
        }
    }

    pub fn table(&self, name: &str) {
        let body = format!("{{\"TableName\":\"{name}\"}}");
        self.write(
            self.table,
            true,
            "POST",
            &format!("/{ACCOUNT}/Tables"),
            &[
                ("Content-Type", "application/json"),
                ("Accept", "application/json;odata=nometadata"),
            ],
            body.as_bytes(),
        );
    }
}

pub const DUMMY_SIG: &str = "T2b8mYHYbsXnSI4MbC9UWRGRRjyRyt5XX7SMsbD4u4k=";

/// A SAS query for `resource_path` below the account, signed with `key` by our own signer.
pub fn sas_query(resource_path: &str, params: &[(&str, String)], key: &str) -> String {
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
        signature::expected_signature(&t, None, key).unwrap_or_else(|e| panic!("{unsigned}: {e}"));
    format!("{}&sig={}", q.join("&"), enc(&sig))
}

/// `(st, se)`: an hour ago and a day ahead.
pub fn window() -> (String, String) {
    let now = jiff::Timestamp::now();
    let f = |t: jiff::Timestamp| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    (
        f(now - jiff::SignedDuration::from_hours(1)),
        f(now + jiff::SignedDuration::from_hours(24)),
    )
}

/// Another valid-looking key: what the account's key is after rotation.
pub const ROTATED_KEY: &str =
    "Rl0MR48pQ8np3bWRgj5NNdXrQ0nmSgmF/krFuA8a4Qrb7KkwvWxtHNTdVLntlpqj5d+vSmth1ArA82ejwjaFRw==";
