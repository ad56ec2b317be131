use url::Url;

/// The hosts a request may be sent to: a provider's own hosts, or the origin the user named
/// with `--endpoint`.
#[derive(Debug, Clone, Default)]
pub struct Allowed {
    rules: Vec<HostRule>,
}

#[derive(Debug, Clone)]
enum HostRule {
    /// Exactly this host, any port the URL gives.
    Host(String),
    /// This host or any subdomain of it (`core.windows.net` admits `a.blob.core.windows.net`).
    Domain(String),
    /// Scheme, host and port all equal (for overrides such as `http://127.0.0.1:10000`).
    Origin(url::Origin),
}

impl Allowed {
    pub fn host(host: &str) -> Allowed {
        Allowed::default().or_host(host)
    }

    pub fn domain(domain: &str) -> Allowed {
        Allowed::default().or_domain(domain)
    }

    pub fn origin(url: &Url) -> Allowed {
        Allowed::default().or_origin(url)
    }

    pub fn or_host(mut self, host: &str) -> Allowed {
        self.rules.push(HostRule::Host(host.to_ascii_lowercase()));
        self
    }

    pub fn or_domain(mut self, domain: &str) -> Allowed {
        let d = domain.trim_start_matches('.').to_ascii_lowercase();
        self.rules.push(HostRule::Domain(d));
        self
    }

    pub fn or_origin(mut self, url: &Url) -> Allowed {
        self.rules.push(HostRule::Origin(url.origin()));
        self
    }

    /// Whether `url` may be requested. Only http(s) URLs with a host are ever admitted, and
    /// plain http only through an explicit origin (a test server or emulator the user named).
    pub fn admits(&self, url: &Url) -> bool {
        let Some(host) = url.host_str().map(str::to_ascii_lowercase) else {
            return false;
        };
        let https = url.scheme() == "https";
        if !https && url.scheme() != "http" {
            return false;
        }
        self.rules.iter().any(|rule| match rule {
            HostRule::Host(h) => https && *h == host,
            HostRule::Domain(d) => {
                https
                    && (host == *d
                        || host
                            .strip_suffix(d.as_str())
                            .is_some_and(|rest| rest.ends_with('.')))
            }
            HostRule::Origin(o) => url.origin() == *o,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn hosts_domains_and_origins() {
        let a = Allowed::host("api.github.com");
        assert!(a.admits(&u("https://api.github.com/user")));
        assert!(!a.admits(&u("http://api.github.com/user")));
        assert!(!a.admits(&u("https://api.github.com.evil.test/user")));
        assert!(!a.admits(&u("https://evil.test/?h=api.github.com")));

        let d = Allowed::domain("core.windows.net");
        assert!(d.admits(&u("https://acct.blob.core.windows.net/c?comp=list")));
        assert!(!d.admits(&u("https://acct.blob.core.windows.net.evil.test/")));
        assert!(!d.admits(&u("https://notcore.windows.net/")));

        let o = Allowed::origin(&u("http://127.0.0.1:10000/devstoreaccount1"));
        assert!(o.admits(&u("http://127.0.0.1:10000/devstoreaccount1/c")));
        assert!(!o.admits(&u("http://127.0.0.1:10001/devstoreaccount1/c")));
        assert!(!o.admits(&u("https://127.0.0.1:10000/")));
        assert!(!Allowed::default().admits(&u("https://api.github.com/")));
        assert!(!Allowed::host("x").admits(&u("file:///etc/passwd")));
    }
}
