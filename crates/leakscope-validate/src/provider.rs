//! The contract every provider implements, and what it gets to work with.

use crate::pairs::Partner;
use leakscope_core::{Finding, Validation};
use leakscope_http::{Allowed, Client, HttpError, Request, Response, Url};
use std::sync::Mutex;

/// One credential issuer's live check: its documented read-only identity call.
pub trait Provider: Send + Sync {
    /// The name used in `--endpoint NAME=URL` and in `validation.provider`.
    fn name(&self) -> &'static str;

    /// The finding `kind`s this provider checks.
    fn kinds(&self) -> &'static [&'static str];

    /// The base URL its paths are appended to, when it has a single one.
    fn default_base(&self) -> Option<&'static str>;

    /// The hosts a request may go to without an override: the provider's own.
    fn default_allowed(&self) -> Allowed {
        let host = self
            .default_base()
            .and_then(|b| Url::parse(b).ok())
            .and_then(|u| u.host_str().map(str::to_string));
        match host {
            Some(h) => Allowed::host(&h),
            None => Allowed::default(),
        }
    }

    /// Which unit of work `c` belongs to: candidates with the same key are checked once and
    /// share the result. A single secret's fingerprint by default; a pair's combination for
    /// providers whose credential has two halves.
    fn key(&self, c: &Candidate<'_>) -> String {
        c.finding.fingerprint.clone()
    }

    /// Every secret `c` would send (all halves of a pair), for redaction.
    fn secrets<'a>(&self, c: &Candidate<'a>) -> Vec<&'a str> {
        c.finding.secret.as_deref().into_iter().collect()
    }

    /// Runs the check. Must send only through `ctx` (or `ctx.client()` with
    /// `ctx.allowed()`), so the host and method rules hold.
    fn validate(&self, c: &Candidate<'_>, ctx: &Ctx<'_>) -> Validation;
}

/// A finding to check, with the findings it is paired with.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    pub finding: &'a Finding,
    /// Pair partners: `hops == 1` are linked to this finding directly, `hops == 2` through
    /// one of those (an AWS session token reached from its secret key via the key id).
    /// Nearest first.
    pub partners: &'a [Partner],
}

impl<'a> Candidate<'a> {
    pub fn secret(&self) -> Option<&'a str> {
        self.finding.secret.as_deref()
    }

    /// Partners of `kind`, nearest first.
    pub fn partners_of_kind(&self, kind: &'a str) -> impl Iterator<Item = &'a Partner> + 'a {
        self.partners.iter().filter(move |p| p.kind == kind)
    }
}

/// What a provider may use during one check: the shared client, its base URL and the
/// hosts it may reach. Records every request it sends, for `validation.probed`.
pub struct Ctx<'a> {
    client: &'a Client,
    base: Option<Url>,
    allowed: Allowed,
    endpoint: Option<&'a Url>,
    probed: Mutex<Vec<String>>,
}

impl<'a> Ctx<'a> {
    /// `endpoint` is the `--endpoint` override: when given it is both the base and the
    /// only origin admitted; otherwise the provider's default base and hosts apply.
    pub fn new(client: &'a Client, provider: &dyn Provider, endpoint: Option<&'a Url>) -> Ctx<'a> {
        let (base, allowed) = match endpoint {
            Some(url) => (Some(url.clone()), Allowed::origin(url)),
            None => (
                provider.default_base().and_then(|b| Url::parse(b).ok()),
                provider.default_allowed(),
            ),
        };
        Ctx {
            client,
            base,
            allowed,
            endpoint,
            probed: Mutex::new(Vec::new()),
        }
    }

    pub fn client(&self) -> &'a Client {
        self.client
    }

    /// The `--endpoint` override for this provider, if any.
    pub fn endpoint(&self) -> Option<&'a Url> {
        self.endpoint
    }

    pub fn allowed(&self) -> &Allowed {
        &self.allowed
    }

    /// Requests left in the client's budget, if it has one.
    pub fn max_requests(&self) -> Option<u64> {
        self.client
            .config()
            .max_requests
            .map(|m| m.saturating_sub(self.client.requests_sent()))
    }

    pub fn base(&self) -> Option<&Url> {
        self.base.as_ref()
    }

    /// `path_and_query` (starting with `/`) under the base URL: a base with a path
    /// (`https://ghe.example.com/api/v3`) keeps it as a prefix.
    pub fn url(&self, path_and_query: &str) -> Option<Url> {
        let base = self.base.as_ref()?;
        let (path, query) = match path_and_query.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (path_and_query, None),
        };
        let mut url = base.clone();
        url.set_path(&format!("{}{}", base.path().trim_end_matches('/'), path));
        url.set_query(query);
        url.set_fragment(None);
        Some(url)
    }

    /// Sends `req` to an admitted host, with `secrets` scrubbed from any error.
    pub fn send(&self, req: &Request, secrets: &[&str]) -> Result<Response, HttpError> {
        if self.allowed.admits(&req.url) {
            self.probed
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(format!(
                    "{} {}",
                    req.method.as_str(),
                    leakscope_http::redact(&leakscope_http::redact_url(&req.url), secrets)
                ));
        }
        self.client.send(req, &self.allowed, secrets)
    }

    /// `GET base+path_and_query` with `headers`.
    pub fn get(
        &self,
        path_and_query: &str,
        headers: &[(&str, String)],
        secrets: &[&str],
    ) -> Result<Response, HttpError> {
        let Some(url) = self.url(path_and_query) else {
            return Err(HttpError::HostNotAllowed(format!(
                "(no base URL for {path_and_query})"
            )));
        };
        let mut req = Request::get(url);
        for (k, v) in headers {
            req = req.header(k, v.clone());
        }
        self.send(&req, secrets)
    }

    /// The requests sent through this context, as `METHOD url-without-query`.
    pub fn probed(&self) -> Vec<String> {
        self.probed
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}
