use super::{xml, Auth, Endpoint, RestError, API_VERSION};
use crate::sas::Service;
use leakscope_http::{redact, Allowed, Client, Method, Request, Response};

/// One credential's view of storage: its authentication, the hosts it may be sent to, and
/// its own request budget. Every request is GET or HEAD (the only methods
/// `leakscope-http` can send) and is refused unless its URL is in `allowed`.
pub struct StorageClient<'a> {
    http: &'a Client,
    auth: Auth,
    allowed: Allowed,
    secrets: Vec<String>,
    max_requests: Option<u64>,
    sent: u64,
    probed: Vec<String>,
}

impl<'a> StorageClient<'a> {
    pub fn new(http: &'a Client, auth: Auth, allowed: Allowed) -> StorageClient<'a> {
        let secrets = auth.secrets();
        StorageClient {
            http,
            auth,
            allowed,
            secrets,
            max_requests: None,
            sent: 0,
            probed: Vec::new(),
        }
    }

    /// At most `max` requests from this client (retries not counted: those are the HTTP
    /// client's, bounded by its own budget).
    pub fn with_budget(mut self, max: u64) -> StorageClient<'a> {
        self.max_requests = Some(max);
        self
    }

    /// Also redact `secret` (e.g. the credential as found) from every message.
    pub fn with_secret(mut self, secret: &str) -> StorageClient<'a> {
        self.secrets.push(secret.to_string());
        self
    }

    pub fn requests(&self) -> u64 {
        self.sent
    }

    /// Whether another request fits the budget.
    pub fn has_budget(&self) -> bool {
        self.max_requests.is_none_or(|m| self.sent < m)
    }

    /// Every request made, as `METHOD url?operation-params&…`, without credentials.
    pub fn probed(&self) -> &[String] {
        &self.probed
    }

    pub fn take_probed(&mut self) -> Vec<String> {
        std::mem::take(&mut self.probed)
    }

    /// `text` with this client's secrets replaced.
    pub fn redact(&self, text: &str) -> String {
        let refs: Vec<&str> = self.secrets.iter().map(String::as_str).collect();
        redact(text, &refs)
    }

    /// Sends one request for `segments` below `ep` with operation `params`; a non-2xx
    /// status becomes [`RestError::Service`] with the service's error code.
    pub(crate) fn send(
        &mut self,
        method: Method,
        ep: &Endpoint,
        segments: &[&str],
        params: &[(&str, &str)],
        extra_headers: &[(&str, &str)],
    ) -> Result<Response, RestError> {
        if let Some(max) = self.max_requests.filter(|m| self.sent >= *m) {
            return Err(RestError::Budget(max));
        }
        let mut url = ep.url(segments);
        let mut query: Vec<String> = params
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect();
        let shown_params: Vec<&String> = query
            .iter()
            .filter(|p| !p.starts_with("marker=") && !p.starts_with("NextTableName="))
            .collect();
        let mut shown = format!("{} {}", method.as_str(), url.as_str());
        let sas = self.auth.query_pairs();
        if !shown_params.is_empty() || !sas.is_empty() {
            let mut q: Vec<&str> = shown_params.iter().map(|s| s.as_str()).collect();
            if !sas.is_empty() {
                q.push("…");
            }
            shown.push('?');
            shown.push_str(&q.join("&"));
        }
        query.extend(sas.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))));
        if !query.is_empty() {
            url.set_query(Some(&query.join("&")));
        }

        let mut headers: Vec<(String, String)> = vec![
            ("x-ms-version".into(), API_VERSION.into()),
            ("x-ms-date".into(), http_date()),
        ];
        if ep.service == Service::Table {
            headers.push(("Accept".into(), "application/json;odata=nometadata".into()));
            headers.push(("DataServiceVersion".into(), "3.0;NetFx".into()));
            headers.push(("MaxDataServiceVersion".into(), "3.0;NetFx".into()));
        }
        headers.extend(
            extra_headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string())),
        );
        if let Some(a) = self
            .auth
            .authorization(ep.service, method.as_str(), &url, &headers)
        {
            headers.push(("Authorization".into(), a));
        }
        let mut req = match method {
            Method::Get => Request::get(url),
            Method::Head => Request::head(url),
        };
        for (k, v) in headers {
            req = req.header(&k, v);
        }
        self.sent += 1;
        self.probed.push(self.redact(&shown));
        let refs: Vec<&str> = self.secrets.iter().map(String::as_str).collect();
        let resp = self.http.send(&req, &self.allowed, &refs)?;
        if resp.is_success() {
            return Ok(resp);
        }
        Err(self.service_error(&resp))
    }

    fn service_error(&self, resp: &Response) -> RestError {
        let code = resp
            .header("x-ms-error-code")
            .map(str::to_string)
            .or_else(|| xml::error_code(&resp.body))
            .or_else(|| json_error_code(&resp.body));
        let message = xml::parse(&resp.body)
            .ok()
            .and_then(|d| xml::text(d.root_element(), &["Message"]))
            .and_then(|m| m.lines().next().map(|l| self.redact(l.trim())));
        RestError::Service {
            status: resp.status,
            code: code.map(|c| self.redact(&c)),
            message,
        }
    }
}

/// `{"odata.error":{"code":…}}` (Table service errors in JSON).
fn json_error_code(body: &[u8]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    v.get("odata.error")?
        .get("code")?
        .as_str()
        .map(str::to_string)
}

/// RFC 1123 date in GMT, as `x-ms-date` wants.
fn http_date() -> String {
    jiff::Timestamp::now()
        .strftime("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

/// Percent-encodes a query name or value (unreserved characters kept).
fn enc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                o.push(b as char)
            }
            _ => o.push_str(&format!("%{b:02X}")),
        }
    }
    o
}
