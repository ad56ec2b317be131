//! Where an account's storage services answer, and whose host that is.
//!
//! Public Azure uses host-style endpoints (`https://{account}.{service}.{suffix}`); the
//! emulator and IP endpoints are path-style (`http://127.0.0.1:10000/{account}`), so the
//! account is the first path segment and part of the base.

use crate::sas::Service;
use leakscope_http::Allowed;
use url::Url;

/// DNS suffixes of Azure Storage endpoints: the public cloud, Azure China, Azure US
/// Government, and Azure DNS zone endpoints (`acct.z01.blob.storage.azure.net`).
pub const AZURE_SUFFIXES: &[&str] = &[
    "core.windows.net",
    "core.chinacloudapi.cn",
    "core.usgovcloudapi.net",
    "storage.azure.net",
];

/// Who owns a host, for deciding whether a credential may be sent there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostKind {
    /// Under one of [`AZURE_SUFFIXES`]: Azure Storage itself.
    Azure,
    /// 127.0.0.0/8, `::1` or `localhost`: an emulator on this machine.
    Loopback,
    /// Anything else: a proxy, a custom domain, or someone else's server.
    Other,
}

/// Classifies `url`'s host.
pub fn host_kind(url: &Url) -> HostKind {
    match url.host() {
        Some(url::Host::Ipv4(ip)) if ip.is_loopback() => HostKind::Loopback,
        Some(url::Host::Ipv6(ip)) if ip.is_loopback() => HostKind::Loopback,
        Some(url::Host::Domain(d)) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            if d == "localhost" {
                HostKind::Loopback
            } else if AZURE_SUFFIXES.iter().any(|s| {
                d.strip_suffix(s)
                    .is_some_and(|rest| rest.ends_with('.') && rest.len() > 1)
            }) {
                HostKind::Azure
            } else {
                HostKind::Other
            }
        }
        _ => HostKind::Other,
    }
}

/// One service of one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub service: Service,
    pub account: String,
    /// Service root, always ending in `/`: `https://acct.blob.core.windows.net/` or
    /// `http://127.0.0.1:10000/devstoreaccount1/`.
    pub base: Url,
}

/// Storage account names are 3–24 lower-case letters and digits; anything else cannot be
/// put in a host name safely.
pub fn valid_account(name: &str) -> bool {
    (3..=24).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

impl Endpoint {
    /// `https://{account}.{service}.{suffix}/`.
    pub fn for_account(account: &str, service: Service, suffix: &str) -> Option<Endpoint> {
        let account = account.to_ascii_lowercase();
        if !valid_account(&account) {
            return None;
        }
        let suffix = suffix.trim_matches(|c| c == '.' || c == '/');
        let base = Url::parse(&format!("https://{account}.{}.{suffix}/", service.name())).ok()?;
        Some(Endpoint {
            service,
            account,
            base,
        })
    }

    /// An endpoint given as a URL (connection string `BlobEndpoint=`, `--endpoint`, a SAS
    /// URL's origin): its path, if any, is kept (the emulator's `/devstoreaccount1`).
    pub fn from_url(service: Service, account: &str, url: &Url) -> Option<Endpoint> {
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return None;
        }
        let mut base = url.clone();
        base.set_query(None);
        base.set_fragment(None);
        let _ = base.set_username("");
        let _ = base.set_password(None);
        if !base.path().ends_with('/') {
            let p = format!("{}/", base.path());
            base.set_path(&p);
        }
        Some(Endpoint {
            service,
            account: account.to_string(),
            base,
        })
    }

    /// The same account's endpoint for another service, where it can be derived: the
    /// service label of a host-style name, or the emulator's default ports (10000 blob,
    /// 10001 queue, 10002 table).
    pub fn sibling(&self, service: Service) -> Option<Endpoint> {
        if service == self.service {
            return Some(self.clone());
        }
        let host = self.base.host_str()?.to_ascii_lowercase();
        let mut base = self.base.clone();
        if self.is_path_style() {
            let port = |s: Service| match s {
                Service::Blob => Some(10000),
                Service::Queue => Some(10001),
                Service::Table => Some(10002),
                Service::File => None,
            };
            if self.base.port() != port(self.service) {
                return None;
            }
            base.set_port(port(service)).ok()?;
        } else {
            let mut labels: Vec<&str> = host.split('.').collect();
            let i = labels.iter().position(|l| {
                *l == self.service.name() || (self.service == Service::Blob && *l == "dfs")
            })?;
            if i == 0 {
                return None;
            }
            labels[i] = service.name();
            base.set_host(Some(&labels.join("."))).ok()?;
        }
        Some(Endpoint {
            service,
            account: self.account.clone(),
            base,
        })
    }

    /// Whether the account is the first path segment rather than part of the host.
    pub fn is_path_style(&self) -> bool {
        host_kind(&self.base) != HostKind::Azure
            && self
                .base
                .path_segments()
                .and_then(|mut s| s.next())
                .is_some_and(|first| !first.is_empty())
    }

    pub fn host_kind(&self) -> HostKind {
        host_kind(&self.base)
    }

    /// `allowed` extended with this endpoint: its exact host over HTTPS when it is Azure's,
    /// otherwise exactly its origin (scheme, host and port).
    pub fn allow(&self, allowed: Allowed) -> Allowed {
        match (self.host_kind(), self.base.host_str()) {
            (HostKind::Azure, Some(h)) => allowed.or_host(h),
            _ => allowed.or_origin(&self.base),
        }
    }

    /// The URL of a resource below the service root: `segments` are a container/queue/table
    /// name and optionally a blob path (its `/` kept), each percent-encoded.
    pub fn url(&self, segments: &[&str]) -> Url {
        let mut path = self.base.path().to_string();
        let parts: Vec<String> = segments
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| encode_path(s))
            .collect();
        path.push_str(&parts.join("/"));
        let mut u = self.base.clone();
        u.set_path(&path);
        u
    }
}

/// Percent-encodes a path, leaving unreserved characters, `/` and the parentheses of a
/// table's entity set (`Customers()`).
pub fn encode_path(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'_'
            | b'.'
            | b'~'
            | b'/'
            | b'('
            | b')' => o.push(b as char),
            _ => o.push_str(&format!("%{b:02X}")),
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn hosts() {
        assert_eq!(
            host_kind(&u("https://a.blob.core.windows.net/")),
            HostKind::Azure
        );
        assert_eq!(
            host_kind(&u("https://a.queue.core.chinacloudapi.cn/")),
            HostKind::Azure
        );
        assert_eq!(host_kind(&u("https://core.windows.net/")), HostKind::Other);
        assert_eq!(
            host_kind(&u("https://a.core.windows.net.evil.test/")),
            HostKind::Other
        );
        assert_eq!(
            host_kind(&u("https://evilcore.windows.net/")),
            HostKind::Other
        );
        assert_eq!(
            host_kind(&u("http://127.0.0.5:10000/x")),
            HostKind::Loopback
        );
        assert_eq!(host_kind(&u("http://[::1]:10000/x")), HostKind::Loopback);
        assert_eq!(
            host_kind(&u("http://localhost:10000/x")),
            HostKind::Loopback
        );
        assert_eq!(host_kind(&u("http://10.0.0.1/x")), HostKind::Other);
    }

    #[test]
    fn endpoints_and_siblings() {
        let e = Endpoint::for_account("acct", Service::Blob, "core.usgovcloudapi.net").unwrap();
        assert_eq!(e.base.as_str(), "https://acct.blob.core.usgovcloudapi.net/");
        assert_eq!(
            e.sibling(Service::Table).unwrap().base.as_str(),
            "https://acct.table.core.usgovcloudapi.net/"
        );
        assert_eq!(
            e.url(&["models", "dir/a b.pt"]).as_str(),
            "https://acct.blob.core.usgovcloudapi.net/models/dir/a%20b.pt"
        );
        assert!(Endpoint::for_account("evil.test/x", Service::Blob, "core.windows.net").is_none());
        let emu = Endpoint::from_url(
            Service::Blob,
            "devstoreaccount1",
            &u("http://127.0.0.1:10000/devstoreaccount1"),
        )
        .unwrap();
        assert!(emu.is_path_style());
        assert_eq!(
            emu.url(&["c"]).as_str(),
            "http://127.0.0.1:10000/devstoreaccount1/c"
        );
        assert_eq!(
            emu.sibling(Service::Queue).unwrap().base.as_str(),
            "http://127.0.0.1:10001/devstoreaccount1/"
        );
        let odd = Endpoint::from_url(Service::Blob, "d", &u("http://127.0.0.1:4444/d/")).unwrap();
        assert!(odd.sibling(Service::Queue).is_none());
        let a = odd.allow(Allowed::default());
        assert!(a.admits(&u("http://127.0.0.1:4444/d/c")));
        assert!(!a.admits(&u("http://127.0.0.1:4445/d/c")));
        let a = e.allow(Allowed::default());
        assert!(a.admits(&u("https://acct.blob.core.usgovcloudapi.net/c")));
        assert!(!a.admits(&u("https://other.blob.core.usgovcloudapi.net/c")));
    }
}
