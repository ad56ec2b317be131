use crate::rate::HostPacer;
use crate::{redact, redact_url, Allowed, HttpError};
use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use url::Url;

/// The only methods a validator can send. Read-only by construction: there is no variant
/// that could carry a body or change state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Head,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Request {
    pub method: Method,
    pub url: Url,
    pub headers: Vec<(String, String)>,
}

impl Request {
    pub fn get(url: Url) -> Request {
        Request {
            method: Method::Get,
            url,
            headers: Vec::new(),
        }
    }

    pub fn head(url: Url) -> Request {
        Request {
            method: Method::Head,
            ..Request::get(url)
        }
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> Request {
        self.headers.push((name.to_string(), value.into()));
        self
    }
}

#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The body was longer than [`ClientConfig::max_body`] and was cut there.
    pub truncated: bool,
}

impl Response {
    /// First value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Whole-request timeout (connect, send, receive).
    pub timeout: Duration,
    /// Extra attempts after a transport error, 429 or 5xx.
    pub retries: u32,
    /// First retry delay; doubled each time, and `Retry-After` is honoured up to 10 s.
    pub backoff: Duration,
    /// Minimum time between two requests to the same host.
    pub host_interval: Duration,
    /// Response bytes kept; the rest is dropped and `truncated` set.
    pub max_body: u64,
    /// Requests this client may send in all (retries included); `None` for no cap.
    pub max_requests: Option<u64>,
}

impl Default for ClientConfig {
    fn default() -> ClientConfig {
        ClientConfig {
            timeout: Duration::from_secs(15),
            retries: 2,
            backoff: Duration::from_millis(250),
            host_interval: Duration::from_millis(100),
            max_body: 8 << 20,
            max_requests: None,
        }
    }
}

/// A read-only HTTP client, safe to share between threads.
#[derive(Debug)]
pub struct Client {
    agent: ureq::Agent,
    config: ClientConfig,
    pacer: HostPacer,
    sent: AtomicU64,
}

const MAX_RETRY_AFTER: Duration = Duration::from_secs(10);

impl Client {
    pub fn new(config: ClientConfig) -> Client {
        let agent_config = ureq::Agent::config_builder()
            .timeout_global(Some(config.timeout))
            .http_status_as_error(false)
            // A redirect could carry the credential to a host nobody vetted.
            .max_redirects(0)
            .max_redirects_will_error(false)
            .user_agent(concat!("leakscope/", env!("CARGO_PKG_VERSION")))
            .build();
        Client {
            agent: ureq::Agent::new_with_config(agent_config),
            pacer: HostPacer::new(config.host_interval),
            config,
            sent: AtomicU64::new(0),
        }
    }

    /// Requests sent so far, retries included.
    pub fn requests_sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }

    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// Sends `req` if its URL is `allowed`, retrying transient failures. `secrets` are
    /// removed from any error message. Any HTTP status is a response, not an error.
    pub fn send(
        &self,
        req: &Request,
        allowed: &Allowed,
        secrets: &[&str],
    ) -> Result<Response, HttpError> {
        let shown = redact(&redact_url(&req.url), secrets);
        if !allowed.admits(&req.url) {
            return Err(HttpError::HostNotAllowed(shown));
        }
        let host = req.url.host_str().unwrap_or_default().to_ascii_lowercase();
        let mut delay = self.config.backoff;
        let mut attempt = 0;
        loop {
            self.reserve()?;
            self.pacer.wait(&host);
            let outcome = self.once(req);
            let retry_after = match &outcome {
                Ok(r) if r.status == 429 || (500..600).contains(&r.status) && r.status != 501 => {
                    Some(retry_after(r).unwrap_or(delay))
                }
                Err(Attempt::Transport(_)) => Some(delay),
                _ => None,
            };
            match retry_after {
                Some(wait) if attempt < self.config.retries => {
                    std::thread::sleep(wait.min(MAX_RETRY_AFTER));
                    delay *= 2;
                    attempt += 1;
                }
                _ => {
                    return outcome.map_err(|e| match e {
                        Attempt::Timeout => HttpError::Timeout { url: shown.clone() },
                        Attempt::Transport(m) => HttpError::Transport {
                            url: shown.clone(),
                            message: redact(&m, secrets),
                        },
                    })
                }
            }
        }
    }

    fn reserve(&self) -> Result<(), HttpError> {
        let n = self.sent.fetch_add(1, Ordering::Relaxed);
        match self.config.max_requests {
            Some(max) if n >= max => {
                self.sent.fetch_sub(1, Ordering::Relaxed);
                Err(HttpError::Budget(max))
            }
            _ => Ok(()),
        }
    }

    fn once(&self, req: &Request) -> Result<Response, Attempt> {
        let result = match req.method {
            Method::Get => {
                let mut b = self.agent.get(req.url.as_str());
                for (k, v) in &req.headers {
                    b = b.header(k.as_str(), v.as_str());
                }
                b.call()
            }
            Method::Head => {
                let mut b = self.agent.head(req.url.as_str());
                for (k, v) in &req.headers {
                    b = b.header(k.as_str(), v.as_str());
                }
                b.call()
            }
        };
        let resp = result.map_err(|e| match e {
            ureq::Error::Timeout(_) => Attempt::Timeout,
            other => Attempt::Transport(other.to_string()),
        })?;
        let status = resp.status().as_u16();
        let headers = resp
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let mut body = Vec::new();
        let mut reader = resp
            .into_body()
            .into_with_config()
            .limit(u64::MAX)
            .reader()
            .take(self.config.max_body.saturating_add(1));
        let read = reader.read_to_end(&mut body);
        if let Err(e) = read {
            return Err(Attempt::Transport(e.to_string()));
        }
        let truncated = body.len() as u64 > self.config.max_body;
        if truncated {
            body.truncate(usize::try_from(self.config.max_body).unwrap_or(usize::MAX));
        }
        Ok(Response {
            status,
            headers,
            body,
            truncated,
        })
    }
}

enum Attempt {
    Timeout,
    Transport(String),
}

fn retry_after(r: &Response) -> Option<Duration> {
    r.header("retry-after")
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
}
