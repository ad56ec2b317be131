//! The providers leakscope knows, and `--endpoint NAME=URL` overrides.

use crate::providers;
use crate::Provider;
use leakscope_http::Url;
use std::collections::BTreeMap;
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum EndpointError {
    #[error("--endpoint `{0}` must be PROVIDER=URL")]
    Syntax(String),
    #[error("--endpoint: unknown provider `{name}` (known: {known})")]
    UnknownProvider { name: String, known: String },
    #[error("--endpoint {name}=…: not an http(s) URL with a host, and without user, password, query or fragment")]
    BadUrl { name: String },
}

/// Every provider, looked up by name (`--endpoint`) or by finding kind.
#[derive(Clone)]
pub struct Registry {
    providers: Vec<Arc<dyn Provider>>,
}

impl Registry {
    /// The built-in providers. The Azure slot answers `unknown` until a check is set with
    /// [`Registry::set_azure`].
    pub fn builtin() -> Registry {
        Registry {
            providers: vec![
                Arc::new(providers::Aws),
                Arc::new(providers::Azure::default()),
                Arc::new(providers::GitHub),
                Arc::new(providers::GitLab),
                Arc::new(providers::HuggingFace),
                Arc::new(providers::Npm),
                Arc::new(providers::OpenAi),
                Arc::new(providers::SendGrid),
                Arc::new(providers::Slack),
                Arc::new(providers::Stripe),
            ],
        }
    }

    /// An empty registry (tests, or a caller that picks providers itself).
    pub fn empty() -> Registry {
        Registry {
            providers: Vec::new(),
        }
    }

    /// Adds `p`, replacing a provider of the same name.
    pub fn insert(&mut self, p: Arc<dyn Provider>) {
        self.providers.retain(|q| q.name() != p.name());
        self.providers.push(p);
    }

    /// Fills the Azure slot with `leakscope-azure`'s live check.
    pub fn set_azure(&mut self, check: Arc<providers::AzureCheck>) {
        self.insert(Arc::new(providers::Azure::with_check(check)));
    }

    pub fn names(&self) -> Vec<&'static str> {
        let mut n: Vec<&'static str> = self.providers.iter().map(|p| p.name()).collect();
        n.sort_unstable();
        n
    }

    pub fn providers(&self) -> impl Iterator<Item = &Arc<dyn Provider>> {
        self.providers.iter()
    }

    pub fn by_name(&self, name: &str) -> Option<&Arc<dyn Provider>> {
        self.providers.iter().find(|p| p.name() == name)
    }

    pub fn for_kind(&self, kind: &str) -> Option<&Arc<dyn Provider>> {
        self.providers.iter().find(|p| p.kinds().contains(&kind))
    }

    /// Parses one `--endpoint NAME=URL`. The URL is the base the provider's paths are
    /// appended to (`github=https://ghe.example.com/api/v3`), and its origin becomes the
    /// only place that provider may send to.
    pub fn parse_endpoint(&self, arg: &str) -> Result<(String, Url), EndpointError> {
        let (name, url) = arg
            .split_once('=')
            .ok_or_else(|| EndpointError::Syntax(arg.to_string()))?;
        let name = name.trim().to_ascii_lowercase();
        if self.by_name(&name).is_none() {
            return Err(EndpointError::UnknownProvider {
                name,
                known: self.names().join(", "),
            });
        }
        let bad = || EndpointError::BadUrl { name: name.clone() };
        let url = Url::parse(url.trim()).map_err(|_| bad())?;
        let ok = matches!(url.scheme(), "http" | "https")
            && url.host_str().is_some()
            && url.username().is_empty()
            && url.password().is_none()
            && url.query().is_none()
            && url.fragment().is_none();
        if !ok {
            return Err(bad());
        }
        Ok((name, url))
    }
}

/// Parsed `--endpoint` overrides, by provider name.
pub type Endpoints = BTreeMap<String, Url>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_one_provider() {
        let r = Registry::builtin();
        let mut kinds: Vec<&str> = r
            .providers()
            .flat_map(|p| p.kinds().iter().copied())
            .collect();
        let n = kinds.len();
        kinds.sort_unstable();
        kinds.dedup();
        assert_eq!(kinds.len(), n, "a kind is claimed twice");
        assert_eq!(r.for_kind("github_pat").map(|p| p.name()), Some("github"));
        assert!(r.for_kind("model_code_execution").is_none());
    }

    #[test]
    fn endpoints_parse_and_refuse() {
        let r = Registry::builtin();
        let (n, u) = r.parse_endpoint("GitHub=http://127.0.0.1:8080").unwrap();
        assert_eq!(
            (n.as_str(), u.as_str()),
            ("github", "http://127.0.0.1:8080/")
        );
        assert!(r
            .parse_endpoint("azure=http://127.0.0.1:10000/devstoreaccount1")
            .is_ok());
        let e = r
            .parse_endpoint("gihtub=https://x")
            .unwrap_err()
            .to_string();
        assert!(e.contains("known: aws, azure, github"), "{e}");
        assert!(r.parse_endpoint("github").is_err());
        assert!(r.parse_endpoint("github=ftp://x/").is_err());
        assert!(r.parse_endpoint("github=https://u:p@x/").is_err());
        assert!(r.parse_endpoint("github=https://x/?a=b").is_err());
    }
}
