//! From a finding to what may be probed: the credential's authentication, the endpoints it
//! may be sent to, and the scope its permissions give.
//!
//! Where a credential may go (DESIGN: "never send a secret to a host other than the one
//! its provider owns"): an Azure Storage host (`*.core.windows.net`, the China and US
//! Government clouds, Azure DNS zone endpoints), always over HTTPS; an emulator on a
//! loopback address named by the credential itself; or the endpoint the user passed with
//! `--endpoint`. Any other host named in a credential is someone else's server (a proxy, a
//! typo, a trap) and is not contacted.

use super::ProbeOptions;
use crate::connstr::{self, ConnKind};
use crate::rest::endpoint::{host_kind, valid_account, HostKind};
use crate::rest::{Auth, Endpoint};
use crate::sas::{self, ResourceType, SasKind, SasToken, Service};
use crate::{keys, permissions::Permission};
use leakscope_core::Finding;
use leakscope_http::Allowed;
use url::Url;

/// What a SAS lets us call, read-only.
#[derive(Debug, Clone)]
pub(crate) enum Scope {
    /// An account key: everything.
    Full,
    /// An account SAS.
    Account {
        services: Vec<Service>,
        service_level: bool,
        container_level: bool,
        object_level: bool,
        read: bool,
        list: bool,
    },
    /// A service SAS (or user delegation SAS) on a container, share, queue or table.
    Container { read: bool, list: bool },
    /// A service SAS on one blob or file.
    Object { read: bool },
}

#[derive(Debug)]
pub(crate) struct Target {
    pub auth: Auth,
    /// Trusted endpoints, at most one per service; the first is the credential's own.
    pub endpoints: Vec<Endpoint>,
    pub allowed: Allowed,
    pub scope: Scope,
    /// The container / share / queue / table the credential's URL names.
    pub container: Option<String>,
    /// The blob or file path below it.
    pub path: Option<String>,
}

impl Target {
    pub fn endpoint(&self, s: Service) -> Option<&Endpoint> {
        self.endpoints.iter().find(|e| e.service == s)
    }
}

/// Why nothing can be probed (status `unknown`).
pub(crate) type Reason = String;

const SERVICES: [Service; 4] = [Service::Blob, Service::Queue, Service::Table, Service::File];

pub(crate) fn resolve(f: &Finding, secret: &str, opts: &ProbeOptions) -> Result<Target, Reason> {
    match f.kind.as_str() {
        "azure_sas" => from_sas(f, secret, opts),
        "azure_connection_string" => from_connection_string(secret, opts),
        "azure_account_key" | "azure_storage_key" => from_key(f, secret, opts),
        other => Err(format!("`{other}` is not an Azure Storage credential")),
    }
}

fn not_azure(url: &Url) -> Reason {
    format!(
        "endpoint {} is not an Azure Storage host; pass --endpoint azure=URL to probe it",
        leakscope_http::redact_url(url)
    )
}

/// The account a `--endpoint` URL names: path-style first segment, else the host's first
/// label.
fn override_account(u: &Url) -> Option<String> {
    let first_segment = u
        .path_segments()
        .and_then(|mut s| s.next().map(str::to_string))
        .filter(|s| !s.is_empty());
    match host_kind(u) {
        HostKind::Azure => u.host_str()?.split('.').next().map(str::to_string),
        _ => first_segment,
    }
}

/// Endpoints for `primary` and its siblings from one base endpoint, kept only if trusted.
fn family(base: &Endpoint, services: &[Service]) -> Vec<Endpoint> {
    let mut out = vec![base.clone()];
    for s in services {
        if *s != base.service {
            if let Some(e) = base.sibling(*s) {
                out.push(e);
            }
        }
    }
    out
}

fn allowed_for(eps: &[Endpoint]) -> Allowed {
    eps.iter().fold(Allowed::default(), |a, e| e.allow(a))
}

/// Azure hosts are always spoken to over HTTPS, whatever the credential says.
fn https_if_azure(mut u: Url) -> Url {
    if host_kind(&u) == HostKind::Azure && u.scheme() == "http" {
        let _ = u.set_scheme("https");
        let _ = u.set_port(None);
    }
    u
}

/// The `--endpoint` override as the credential's `primary` service endpoint.
fn from_override(
    opts: &ProbeOptions,
    primary: Service,
    account: Option<&str>,
    services: &[Service],
) -> Option<Result<Vec<Endpoint>, Reason>> {
    let u = opts.endpoint.as_ref()?;
    let account = override_account(u).or(account.map(str::to_string));
    let Some(account) = account else {
        return Some(Err(
            "the --endpoint URL names no account (use http://HOST:PORT/ACCOUNT)".into(),
        ));
    };
    let ep = Endpoint::from_url(primary, &account, u)?;
    Some(Ok(family(&ep, services)))
}

fn from_sas(f: &Finding, secret: &str, opts: &ProbeOptions) -> Result<Target, Reason> {
    let url = f.captures.get("url").map(String::as_str);
    let t = sas::parse_with_url(secret, url).map_err(|e| format!("not a usable SAS: {e}"))?;
    sas_target(&t, opts, None)
}

/// A SAS's target. `named` are endpoints a connection string gave beside it.
fn sas_target(
    t: &SasToken,
    opts: &ProbeOptions,
    named: Option<Vec<Endpoint>>,
) -> Result<Target, Reason> {
    if t.kind == SasKind::UserDelegation && t.service.is_none() {
        return Err("a user delegation SAS that names no service".into());
    }
    let services: Vec<Service> = match t.kind {
        SasKind::Account => SERVICES
            .iter()
            .copied()
            .filter(|s| t.services.contains(s))
            .collect(),
        _ => t.service.into_iter().collect(),
    };
    let Some(&primary) = services.first() else {
        return Err("the SAS grants no storage service".into());
    };
    let info = t.url.as_ref();
    let account = info.and_then(|u| u.account.clone());
    let endpoints = match named {
        Some(eps) => eps,
        None => sas_endpoints(t, opts, primary, account.as_deref(), &services)?,
    };
    let endpoints: Vec<Endpoint> = endpoints
        .into_iter()
        .filter(|e| services.contains(&e.service))
        .collect();
    if endpoints.is_empty() {
        return Err(format!(
            "no endpoint is known for the {} service this SAS grants",
            primary.name()
        ));
    }
    let known = t.permissions_known();
    let has = |p: Permission| !known || t.permissions.contains(&p);
    let (read, list) = (has(Permission::Read), has(Permission::List));
    let scope =
        match t.kind {
            SasKind::Account => {
                let rt = |r| t.resource_types.contains(&r);
                Scope::Account {
                    services,
                    service_level: rt(ResourceType::Service),
                    container_level: rt(ResourceType::Container),
                    object_level: rt(ResourceType::Object),
                    read,
                    list,
                }
            }
            _ => match (t.service, t.get("sr")) {
                (Some(Service::Blob), Some("b" | "bs" | "bv"))
                | (Some(Service::File), Some("f")) => Scope::Object { read },
                (Some(Service::Blob), Some("d")) => return Err(
                    "directory SAS (sr=d) are not probed: they list only through the Data Lake API"
                        .into(),
                ),
                _ => Scope::Container { read, list },
            },
        };
    let allowed = allowed_for(&endpoints);
    Ok(Target {
        auth: Auth::sas(&t.params),
        endpoints,
        allowed,
        scope,
        container: info
            .and_then(|u| u.container.clone())
            .or_else(|| t.get("tn").map(str::to_string)),
        path: info.and_then(|u| u.path.clone()),
    })
}

fn sas_endpoints(
    t: &SasToken,
    opts: &ProbeOptions,
    primary: Service,
    account: Option<&str>,
    services: &[Service],
) -> Result<Vec<Endpoint>, Reason> {
    let info = t.url.as_ref().filter(|u| !u.host.is_empty());
    let Some(info) = info else {
        return from_override(opts, primary, account, services).unwrap_or_else(|| {
            Err("a bare SAS query names no account or endpoint; pass --endpoint azure=URL to probe it".into())
        });
    };
    let origin = match info.port {
        Some(p) => format!("{}://{}:{p}/", info.scheme, info.host),
        None => format!("{}://{}/", info.scheme, info.host),
    };
    let origin = Url::parse(&origin).map_err(|_| "the SAS URL is not a valid URL".to_string())?;
    match host_kind(&origin) {
        HostKind::Azure => {
            let account = account.ok_or("the SAS URL names no account")?;
            let mut base = https_if_azure(origin);
            // The Data Lake and static-website hosts serve the same data; the Blob API
            // answers on the `blob` host.
            if let Some(label) = info.host_service.as_deref().filter(|l| *l != "blob") {
                if matches!(label, "dfs" | "web") {
                    let host = info.host.replacen(&format!(".{label}."), ".blob.", 1);
                    base.set_host(Some(&host))
                        .map_err(|_| "the SAS URL's host is invalid".to_string())?;
                }
            }
            let own = info
                .service
                .as_deref()
                .and_then(|s| SERVICES.iter().copied().find(|x| x.name() == s))
                .unwrap_or(primary);
            let ep = Endpoint::from_url(own, account, &base)
                .ok_or("the SAS URL's endpoint is invalid")?;
            Ok(family(&ep, services))
        }
        HostKind::Loopback => {
            let account = account.ok_or("the emulator URL names no account")?;
            let mut base = origin;
            base.set_path(&format!(
                "/{}/",
                crate::rest::endpoint::encode_path(account)
            ));
            // An emulator on its default ports says which service it is; elsewhere the
            // token's own service is assumed to answer at the URL it came with.
            let own = info
                .service
                .as_deref()
                .and_then(|s| SERVICES.iter().copied().find(|x| x.name() == s))
                .unwrap_or(primary);
            let ep =
                Endpoint::from_url(own, account, &base).ok_or("the emulator URL is invalid")?;
            Ok(family(&ep, services))
        }
        HostKind::Other => from_override(opts, primary, account, services)
            .unwrap_or_else(|| Err(not_azure(&origin))),
    }
}

fn from_connection_string(secret: &str, opts: &ProbeOptions) -> Result<Target, Reason> {
    let cs = connstr::parse(secret).ok_or("not a parsable connection string")?;
    let kind = cs.kind().ok_or("not a storage connection string")?;
    if !matches!(kind, ConnKind::Storage | ConnKind::StorageDevelopment) {
        return Err(format!(
            "a {} connection string is not an Azure Storage credential",
            kind.name()
        ));
    }
    let dev = cs
        .get("UseDevelopmentStorage")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let account = if dev {
        Some(keys::AZURITE_DEV_ACCOUNT.to_string())
    } else {
        cs.get("AccountName").map(str::to_string)
    };
    // Endpoints the string names, each judged on its own; untrusted ones are dropped (and
    // replaced by --endpoint for the blob service when given).
    let mut endpoints = Vec::new();
    let mut untrusted: Option<Url> = None;
    // A string that names endpoints of its own points at a custom setup: services it does
    // not name are not guessed from the account name.
    let explicit = SERVICES
        .iter()
        .any(|s| cs.get(&format!("{}Endpoint", field_prefix(*s))).is_some());
    for s in SERVICES {
        let text = if dev {
            let port = match s {
                Service::Blob => 10000,
                Service::Queue => 10001,
                Service::Table => 10002,
                Service::File => continue,
            };
            Some(format!(
                "http://127.0.0.1:{port}/{}",
                keys::AZURITE_DEV_ACCOUNT
            ))
        } else if explicit {
            cs.get(&format!("{}Endpoint", field_prefix(s)))
                .map(str::to_string)
        } else {
            cs.endpoint(s.name())
        };
        let Some(u) = text.and_then(|t| Url::parse(t.trim()).ok()) else {
            continue;
        };
        let u = https_if_azure(u);
        let acct = account
            .clone()
            .or_else(|| override_account(&u))
            .unwrap_or_default();
        match host_kind(&u) {
            HostKind::Azure | HostKind::Loopback => {
                if let Some(ep) = Endpoint::from_url(s, &acct, &u) {
                    endpoints.push(ep);
                }
            }
            HostKind::Other => {
                untrusted.get_or_insert(u);
            }
        }
    }
    if let Some(o) = opts.endpoint.as_ref() {
        if endpoints.is_empty() {
            let acct = override_account(o).or(account.clone()).unwrap_or_default();
            if let Some(ep) = Endpoint::from_url(Service::Blob, &acct, o) {
                endpoints = family(&ep, &SERVICES);
            }
        }
    }
    if endpoints.is_empty() {
        return Err(match untrusted {
            Some(u) => not_azure(&u),
            None => "the connection string names no storage endpoint".into(),
        });
    }
    if let Some(sas_text) = cs.get("SharedAccessSignature") {
        let t = sas::parse(sas_text).map_err(|e| format!("its SAS is not usable: {e}"))?;
        return sas_target(&t, opts, Some(endpoints));
    }
    let key = if dev {
        keys::AZURITE_DEV_KEY
    } else {
        cs.get("AccountKey")
            .ok_or("no AccountKey or SharedAccessSignature")?
    };
    let account = account
        .or_else(|| endpoints.first().map(|e| e.account.clone()))
        .filter(|a| !a.is_empty())
        .ok_or("no AccountName: Shared Key needs the account name")?;
    key_target(&account, key, endpoints)
}

fn field_prefix(s: Service) -> &'static str {
    match s {
        Service::Blob => "Blob",
        Service::File => "File",
        Service::Queue => "Queue",
        Service::Table => "Table",
    }
}

fn key_target(account: &str, key: &str, endpoints: Vec<Endpoint>) -> Result<Target, Reason> {
    let auth = Auth::shared_key(account, key).ok_or("the account key is not base64")?;
    let allowed = allowed_for(&endpoints);
    Ok(Target {
        auth,
        endpoints,
        allowed,
        scope: Scope::Full,
        container: None,
        path: None,
    })
}

fn from_key(f: &Finding, secret: &str, opts: &ProbeOptions) -> Result<Target, Reason> {
    let key = secret.trim();
    let account = f
        .captures
        .get("account")
        .cloned()
        .or_else(|| {
            f.analysis
                .as_ref()
                .and_then(|a| a.get("account"))
                .and_then(|v| v.as_str())
                .map(str::to_string)
        })
        .or_else(|| opts.endpoint.as_ref().and_then(override_account));
    let Some(account) = account else {
        return Err(
            "the key was found without an account name, so no endpoint can be derived".into(),
        );
    };
    if let Some(eps) = from_override(opts, Service::Blob, Some(&account), &SERVICES) {
        return key_target(&account, key, eps?);
    }
    if key == keys::AZURITE_DEV_KEY {
        return Err("the storage emulator's published key (public, not a leak); pass --endpoint azure=URL to probe an emulator".into());
    }
    if !valid_account(&account) {
        return Err(format!("`{account}` is not a storage account name"));
    }
    let ep = Endpoint::for_account(&account, Service::Blob, "core.windows.net")
        .ok_or("no endpoint for this account")?;
    key_target(&account, key, family(&ep, &SERVICES))
}
