//! Azure Storage as a scan input: a SAS URL, a connection string or
//! `azure://account/container[/prefix]`, listed and read blob by blob (read-only).
//!
//! Credentials come from the input itself (a SAS URL's query, a connection string), else
//! from `--azure-connection-string` or the Azure CLI's environment variables
//! (`AZURE_STORAGE_CONNECTION_STRING`, `AZURE_STORAGE_ACCOUNT` with `AZURE_STORAGE_KEY` or
//! `AZURE_STORAGE_SAS_TOKEN`), else none (public containers). A credential from outside
//! the input is only ever sent to an Azure Storage host or a loopback emulator.

use crate::rest::endpoint::{host_kind, HostKind};
use crate::rest::{Auth, Endpoint, RestError, StorageClient};
use crate::sas::Service;
use crate::{connstr, query, sas};
use leakscope_http::{Allowed, Client};
use url::Url;

/// Credentials from outside the input.
#[derive(Clone, Default)]
pub struct Credentials {
    pub connection_string: Option<String>,
    pub account: Option<String>,
    pub key: Option<String>,
    pub sas: Option<String>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("connection_string", &self.connection_string.is_some())
            .field("account", &self.account)
            .field("key", &self.key.is_some())
            .field("sas", &self.sas.is_some())
            .finish()
    }
}

impl Credentials {
    /// The Azure CLI's variables; `connection_string` (the command-line flag) wins over
    /// `AZURE_STORAGE_CONNECTION_STRING`.
    pub fn from_env(connection_string: Option<String>) -> Credentials {
        let var = |n: &str| std::env::var(n).ok().filter(|v| !v.trim().is_empty());
        Credentials {
            connection_string: connection_string.or_else(|| var("AZURE_STORAGE_CONNECTION_STRING")),
            account: var("AZURE_STORAGE_ACCOUNT"),
            key: var("AZURE_STORAGE_KEY"),
            sas: var("AZURE_STORAGE_SAS_TOKEN"),
        }
    }

    /// Every secret held, for redaction.
    pub fn secrets(&self) -> Vec<String> {
        [&self.connection_string, &self.key, &self.sas]
            .into_iter()
            .flatten()
            .cloned()
            .collect()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StorageInputError {
    #[error("{0}")]
    Invalid(String),
    #[error("refusing to send {what} to {host}: not an Azure Storage host (put a SAS in the URL to scan it)")]
    UntrustedHost { what: &'static str, host: String },
    #[error("{input}: {source}")]
    Rest {
        input: String,
        #[source]
        source: RestError,
    },
}

/// Whether a command-line input names storage rather than a path.
pub fn looks_like_storage(input: &str) -> bool {
    let t = input.trim();
    let lower = t.to_ascii_lowercase();
    lower.starts_with("azure://")
        || ((lower.starts_with("https://") || lower.starts_with("http://"))
            && (lower.contains("sig=")
                || host_kind_of(t) == Some(HostKind::Azure)
                || host_kind_of(t) == Some(HostKind::Loopback)))
        || (lower.contains("accountname=")
            || lower.contains("usedevelopmentstorage=")
            || lower.contains("blobendpoint="))
            && connstr::parse(t).is_some_and(|c| {
                matches!(
                    c.kind(),
                    Some(connstr::ConnKind::Storage | connstr::ConnKind::StorageDevelopment)
                )
            })
}

fn host_kind_of(u: &str) -> Option<HostKind> {
    Url::parse(u).ok().map(|u| host_kind(&u))
}

/// One blob to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobRef {
    pub container: String,
    pub name: String,
    pub size: u64,
    /// Its URL without any credential: the path findings are reported under.
    pub url: String,
}

/// A storage input, resolved: where, with what, and what part of it.
#[derive(Debug)]
pub struct StorageInput {
    /// What the user gave, with secrets removed, for messages.
    pub display: String,
    pub endpoint: Endpoint,
    auth: Auth,
    allowed: Allowed,
    pub container: Option<String>,
    /// A blob-name prefix (a "directory"), or one blob's name when `single`.
    pub prefix: Option<String>,
    /// The credential reaches one blob only (a blob SAS): read it, list nothing.
    pub single: bool,
    secrets: Vec<String>,
}

impl StorageInput {
    pub fn parse(input: &str, creds: &Credentials) -> Result<StorageInput, StorageInputError> {
        let t = input.trim();
        let lower = t.to_ascii_lowercase();
        if let Some(rest) = lower
            .strip_prefix("azure://")
            .map(|_| &t["azure://".len()..])
        {
            return from_azure_uri(rest, creds);
        }
        if lower.starts_with("http://") || lower.starts_with("https://") {
            return from_url(t, creds);
        }
        let cs = connstr::parse(t)
            .ok_or_else(|| StorageInputError::Invalid("not a storage connection string".into()))?;
        from_connection_string(&cs, None, "connection string".into(), vec![t.to_string()])
    }

    /// A client for this input (one per thread: it counts its own requests).
    pub fn client<'a>(&self, http: &'a Client) -> StorageClient<'a> {
        let mut c = StorageClient::new(http, self.auth.clone(), self.allowed.clone());
        for s in &self.secrets {
            c = c.with_secret(s);
        }
        c
    }

    /// Lists the blobs in scope, calling `each` per blob in listing order.
    pub fn list(
        &self,
        http: &Client,
        each: &mut dyn FnMut(BlobRef),
    ) -> Result<(), StorageInputError> {
        let mut c = self.client(http);
        let err = |source| StorageInputError::Rest {
            input: self.display.clone(),
            source,
        };
        if self.single {
            let (Some(container), Some(name)) = (&self.container, &self.prefix) else {
                return Ok(());
            };
            let size = c
                .blob_properties(&self.endpoint, container, name)
                .map_err(err)?
                .unwrap_or(0);
            each(self.blob_ref(container, name, size));
            return Ok(());
        }
        let containers = match &self.container {
            Some(c) => vec![c.clone()],
            None => {
                let mut all = Vec::new();
                let mut marker = None;
                loop {
                    let page = c
                        .list_containers(&self.endpoint, marker.as_deref())
                        .map_err(err)?;
                    all.extend(page.items.into_iter().map(|i| i.name));
                    marker = page.next;
                    if marker.is_none() {
                        break;
                    }
                }
                all
            }
        };
        for container in containers {
            let mut marker = None;
            loop {
                let page = c
                    .list_blobs(
                        &self.endpoint,
                        &container,
                        self.prefix.as_deref(),
                        marker.as_deref(),
                    )
                    .map_err(err)?;
                for b in page.items {
                    each(self.blob_ref(&container, &b.name, b.size));
                }
                marker = page.next;
                if marker.is_none() {
                    break;
                }
            }
        }
        Ok(())
    }

    /// Reads one blob, at most `max` bytes.
    pub fn fetch(&self, http: &Client, blob: &BlobRef, max: u64) -> Result<Vec<u8>, RestError> {
        self.client(http)
            .get_blob(&self.endpoint, &blob.container, &blob.name, Some(max))
    }

    fn blob_ref(&self, container: &str, name: &str, size: u64) -> BlobRef {
        BlobRef {
            container: container.to_string(),
            name: name.to_string(),
            size,
            url: self.endpoint.url(&[container, name]).to_string(),
        }
    }
}

fn from_azure_uri(rest: &str, creds: &Credentials) -> Result<StorageInput, StorageInputError> {
    let mut parts = rest.splitn(3, '/');
    let account = parts.next().unwrap_or("").to_ascii_lowercase();
    let container = parts.next().filter(|c| !c.is_empty()).map(str::to_string);
    let prefix = parts.next().filter(|p| !p.is_empty()).map(str::to_string);
    let display = format!("azure://{rest}");
    // A connection string for this account says where it lives (an emulator, a sovereign
    // cloud) and how to sign.
    if let Some(cs) = creds.connection_string.as_deref().and_then(connstr::parse) {
        let named = cs.get("AccountName").map(str::to_ascii_lowercase);
        let dev = cs.kind() == Some(connstr::ConnKind::StorageDevelopment);
        if named.as_deref() == Some(account.as_str()) || (dev && named.is_none()) {
            let mut s = from_connection_string(&cs, container, display, creds.secrets())?;
            s.prefix = prefix;
            return Ok(s);
        }
    }
    let endpoint =
        Endpoint::for_account(&account, Service::Blob, "core.windows.net").ok_or_else(|| {
            StorageInputError::Invalid(format!("`{account}` is not a storage account name"))
        })?;
    let auth = env_auth(&account, creds);
    Ok(StorageInput {
        display,
        allowed: endpoint.allow(Allowed::default()),
        endpoint,
        auth,
        container,
        prefix,
        single: false,
        secrets: creds.secrets(),
    })
}

/// `AZURE_STORAGE_KEY` (for `AZURE_STORAGE_ACCOUNT`, or any account when that is unset),
/// else `AZURE_STORAGE_SAS_TOKEN`, else anonymous.
fn env_auth(account: &str, creds: &Credentials) -> Auth {
    let for_this = creds
        .account
        .as_deref()
        .is_none_or(|a| a.eq_ignore_ascii_case(account));
    if let (true, Some(k)) = (for_this, creds.key.as_deref()) {
        if let Some(a) = Auth::shared_key(account, k) {
            return a;
        }
    }
    if let (true, Some(s)) = (for_this, creds.sas.as_deref()) {
        return Auth::sas(&query::parse_pairs(
            query::unescape_text(s).trim_start_matches('?'),
        ));
    }
    Auth::Anonymous
}

fn from_url(input: &str, creds: &Credentials) -> Result<StorageInput, StorageInputError> {
    let text = query::unescape_text(input);
    let (base, q) = query::split_url(&text);
    let base = base.unwrap_or_default();
    let info = query::parse_url(base);
    let origin_text = match info.port {
        Some(p) => format!("{}://{}:{p}/", info.scheme, info.host),
        None => format!("{}://{}/", info.scheme, info.host),
    };
    let origin = Url::parse(&origin_text)
        .map_err(|e| StorageInputError::Invalid(format!("not a URL: {e}")))?;
    let kind = host_kind(&origin);
    let account = info
        .account
        .clone()
        .ok_or_else(|| StorageInputError::Invalid("the URL names no storage account".into()))?;
    let mut base_url = origin.clone();
    if kind != HostKind::Azure {
        base_url.set_path(&format!(
            "/{}/",
            crate::rest::endpoint::encode_path(&account)
        ));
    }
    let endpoint = Endpoint::from_url(Service::Blob, &account, &base_url)
        .ok_or_else(|| StorageInputError::Invalid("not an http(s) URL".into()))?;
    let has_sig = query::parse_pairs(q)
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("sig"));
    let display = leakscope_http::redact_url(&Url::parse(&text).unwrap_or(origin.clone()));
    let (auth, single, secrets) = if has_sig {
        let token = sas::parse(&text)
            .map_err(|e| StorageInputError::Invalid(format!("the URL's SAS is not usable: {e}")))?;
        let single = matches!(token.get("sr"), Some("b" | "bs" | "bv"));
        let auth = Auth::sas(&token.params);
        let secrets = auth.secrets();
        (auth, single, secrets)
    } else {
        let auth = env_auth(&account, creds);
        if !matches!(auth, Auth::Anonymous) && kind == HostKind::Other {
            return Err(StorageInputError::UntrustedHost {
                what: "the Azure credentials from the environment",
                host: info.host.clone(),
            });
        }
        (auth, false, creds.secrets())
    };
    Ok(StorageInput {
        display,
        allowed: endpoint.allow(Allowed::default()),
        endpoint,
        auth,
        container: info.container.clone(),
        prefix: info.path.clone(),
        single,
        secrets,
    })
}

fn from_connection_string(
    cs: &connstr::ConnectionString,
    container: Option<String>,
    display: String,
    secrets: Vec<String>,
) -> Result<StorageInput, StorageInputError> {
    let dev = cs
        .get("UseDevelopmentStorage")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let account = if dev {
        crate::keys::AZURITE_DEV_ACCOUNT.to_string()
    } else {
        cs.get("AccountName").unwrap_or("").to_string()
    };
    let text = if dev {
        format!("http://127.0.0.1:10000/{account}")
    } else {
        cs.endpoint("blob").ok_or_else(|| {
            StorageInputError::Invalid("the connection string names no blob endpoint".into())
        })?
    };
    let url = Url::parse(text.trim())
        .map_err(|e| StorageInputError::Invalid(format!("blob endpoint: {e}")))?;
    let account = if account.is_empty() {
        url.path_segments()
            .and_then(|mut s| s.next().map(str::to_string))
            .or_else(|| url.host_str()?.split('.').next().map(str::to_string))
            .unwrap_or_default()
    } else {
        account
    };
    let endpoint = Endpoint::from_url(Service::Blob, &account, &url).ok_or_else(|| {
        StorageInputError::Invalid("the blob endpoint is not an http(s) URL".into())
    })?;
    let auth = if dev {
        Auth::shared_key(&account, crate::keys::AZURITE_DEV_KEY)
    } else if let Some(k) = cs.get("AccountKey") {
        Auth::shared_key(&account, k)
    } else {
        cs.get("SharedAccessSignature")
            .map(|s| Auth::sas(&query::parse_pairs(s.trim_start_matches('?'))))
    }
    .unwrap_or(Auth::Anonymous);
    // A connection string is a credential: it goes only where credentials may go.
    if !matches!(auth, Auth::Anonymous) && endpoint.host_kind() == HostKind::Other {
        return Err(StorageInputError::UntrustedHost {
            what: "the connection string's key",
            host: url.host_str().unwrap_or("").to_string(),
        });
    }
    let mut secrets = secrets;
    secrets.extend(auth.secrets());
    Ok(StorageInput {
        display,
        allowed: endpoint.allow(Allowed::default()),
        endpoint,
        auth,
        container,
        prefix: None,
        single: false,
        secrets,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_inputs() {
        assert!(looks_like_storage("azure://acct/models"));
        assert!(looks_like_storage(
            "http://127.0.0.1:10000/devstoreaccount1/c?sv=2021-08-06&sr=c&sp=rl&sig=abc"
        ));
        assert!(looks_like_storage("https://acct.blob.core.windows.net/c"));
        assert!(looks_like_storage("UseDevelopmentStorage=true"));
        assert!(!looks_like_storage("src/main.rs"));
        assert!(!looks_like_storage("https://example.com/page"));
    }

    #[test]
    fn urls_and_uris() {
        let none = Credentials::default();
        let s = StorageInput::parse(
            "http://127.0.0.1:10000/devstoreaccount1/models/dir?sv=2021-08-06&sr=c&sp=rl&se=2030-01-01&sig=7BjqyNdYseulLTwQ05rcbdmAZHLLSuBpY104PZCGpRM%3D", // fake token (leakscope:allow)
            &none,
        )
        .unwrap();
        assert_eq!(
            s.endpoint.base.as_str(),
            "http://127.0.0.1:10000/devstoreaccount1/"
        );
        assert_eq!(s.container.as_deref(), Some("models"));
        assert_eq!(s.prefix.as_deref(), Some("dir"));
        assert!(!s.display.contains("sig"));
        assert_eq!(
            s.blob_ref("models", "dir/a b.pkl", 1).url,
            "http://127.0.0.1:10000/devstoreaccount1/models/dir/a%20b.pkl"
        );
        let s = StorageInput::parse("azure://acct/c/pre/fix", &none).unwrap();
        assert_eq!(
            s.endpoint.base.as_str(),
            "https://acct.blob.core.windows.net/"
        );
        assert_eq!(s.prefix.as_deref(), Some("pre/fix"));
        let key = Credentials {
            key: Some(crate::keys::AZURITE_DEV_KEY.into()),
            ..Credentials::default()
        };
        assert!(matches!(
            StorageInput::parse("http://10.1.2.3:10000/acct/c", &key),
            Err(StorageInputError::UntrustedHost { .. })
        ));
        assert!(StorageInput::parse("https://files.example.com/acct/c", &key).is_err());
    }
}
