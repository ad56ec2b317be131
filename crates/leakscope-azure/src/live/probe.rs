//! The one read-only call that decides a credential's status, chosen from its scope.

use super::target::{Scope, Target};
use crate::rest::{Endpoint, RestError, StorageClient};
use crate::sas::Service;

/// A read-only call the scope allows.
#[derive(Debug, Clone)]
pub(crate) enum Op {
    ListContainers,
    ListBlobs(String),
    BlobProperties(String, String),
    ServiceProperties,
    ContainerProperties(String),
    ListQueues,
    QueueMetadata(String),
    QueryTables,
    OneEntity(String),
    ListShares,
    ShareRoot(String),
    FileProperties(String, String),
}

impl Op {
    pub fn service(&self) -> Service {
        match self {
            Op::ListContainers
            | Op::ListBlobs(_)
            | Op::BlobProperties(..)
            | Op::ServiceProperties
            | Op::ContainerProperties(_) => Service::Blob,
            Op::ListQueues | Op::QueueMetadata(_) => Service::Queue,
            Op::QueryTables | Op::OneEntity(_) => Service::Table,
            Op::ListShares | Op::ShareRoot(_) | Op::FileProperties(..) => Service::File,
        }
    }

    pub fn run(&self, sc: &mut StorageClient<'_>, ep: &Endpoint) -> Result<(), RestError> {
        match self {
            Op::ListContainers => sc.list_containers(ep, None).map(drop),
            Op::ListBlobs(c) => sc.list_blobs(ep, c, None, None).map(drop),
            Op::BlobProperties(c, p) => sc.blob_properties(ep, c, p).map(drop),
            Op::ServiceProperties => sc.service_properties(ep),
            Op::ContainerProperties(c) => sc.container_properties(ep, c).map(drop),
            Op::ListQueues => sc.list_queues(ep, None).map(drop),
            Op::QueueMetadata(q) => sc.queue_metadata(ep, q).map(drop),
            Op::QueryTables => sc.query_tables(ep, None).map(drop),
            Op::OneEntity(t) => sc.query_one_entity(ep, t),
            Op::ListShares => sc.list_shares(ep, None).map(drop),
            Op::ShareRoot(s) => sc.list_share_root(ep, s).map(drop),
            Op::FileProperties(s, p) => sc.file_properties(ep, s, p).map(drop),
        }
    }
}

/// The calls that would show the credential works, best first (listings before
/// properties, the credential's own service first). Empty when the scope allows nothing
/// read-only that we know how to address.
pub(crate) fn plan(t: &Target) -> Vec<Op> {
    let c = t.container.clone();
    let p = t.path.clone();
    let mut ops = Vec::new();
    let own = t.endpoints.first().map(|e| e.service);
    match &t.scope {
        Scope::Full => {
            ops.extend([
                Op::ListContainers,
                Op::ListQueues,
                Op::QueryTables,
                Op::ListShares,
            ]);
        }
        Scope::Account {
            services,
            service_level: s,
            container_level: cl,
            object_level: o,
            read,
            list,
        } => {
            for svc in services {
                match svc {
                    Service::Blob => {
                        if *s && *list {
                            ops.push(Op::ListContainers);
                        }
                        if let (true, true, Some(c)) = (*cl, *list, &c) {
                            ops.push(Op::ListBlobs(c.clone()));
                        }
                        if let (true, true, Some(c), Some(p)) = (*o, *read, &c, &p) {
                            ops.push(Op::BlobProperties(c.clone(), p.clone()));
                        }
                        if *s && *read {
                            ops.push(Op::ServiceProperties);
                        }
                        if let (true, true, Some(c)) = (*cl, *read, &c) {
                            ops.push(Op::ContainerProperties(c.clone()));
                        }
                    }
                    Service::Queue => {
                        if *s && *list {
                            ops.push(Op::ListQueues);
                        }
                        if let (true, true, Some(q)) = (*cl, *read, &c) {
                            ops.push(Op::QueueMetadata(q.clone()));
                        }
                    }
                    Service::Table => {
                        if *cl && *list {
                            ops.push(Op::QueryTables);
                        }
                        if let (true, true, Some(tn)) = (*o, *read, &c) {
                            ops.push(Op::OneEntity(tn.clone()));
                        }
                    }
                    Service::File => {
                        if *s && *list {
                            ops.push(Op::ListShares);
                        }
                        if let (true, true, Some(sh)) = (*cl, *list, &c) {
                            ops.push(Op::ShareRoot(sh.clone()));
                        }
                        if let (true, true, Some(sh), Some(p)) = (*o, *read, &c, &p) {
                            ops.push(Op::FileProperties(sh.clone(), p.clone()));
                        }
                    }
                }
            }
        }
        Scope::Container { read, list } => match (own, &c) {
            (Some(Service::Blob), Some(c)) => {
                if *list {
                    ops.push(Op::ListBlobs(c.clone()));
                }
                if let (true, Some(p)) = (*read, &p) {
                    ops.push(Op::BlobProperties(c.clone(), p.clone()));
                }
            }
            (Some(Service::File), Some(s)) => {
                if *list {
                    ops.push(Op::ShareRoot(s.clone()));
                }
                if let (true, Some(p)) = (*read, &p) {
                    ops.push(Op::FileProperties(s.clone(), p.clone()));
                }
            }
            (Some(Service::Queue), Some(q)) if *read => ops.push(Op::QueueMetadata(q.clone())),
            (Some(Service::Table), Some(tn)) if *read => ops.push(Op::OneEntity(tn.clone())),
            _ => {}
        },
        Scope::Object { read } => match (own, &c, &p, *read) {
            (Some(Service::Blob), Some(c), Some(p), true) => {
                ops.push(Op::BlobProperties(c.clone(), p.clone()))
            }
            (Some(Service::File), Some(s), Some(p), true) => {
                ops.push(Op::FileProperties(s.clone(), p.clone()))
            }
            _ => {}
        },
    }
    ops.retain(|op| t.endpoint(op.service()).is_some());
    ops
}

/// Why [`plan`] found nothing to call.
pub(crate) fn nothing_to_call(t: &Target) -> String {
    match &t.scope {
        Scope::Object { read: false }
        | Scope::Container {
            read: false,
            list: false,
        } => "the SAS grants neither read nor list, so no read-only call can use it".into(),
        Scope::Account {
            read: false,
            list: false,
            ..
        } => "the SAS grants neither read nor list, so no read-only call can use it".into(),
        _ if t.container.is_none() => {
            "the SAS's scope needs a resource name that its URL does not give".into()
        }
        _ if t.path.is_none() => {
            "the SAS can only read objects by name, and its URL names none".into()
        }
        _ => "no read-only call fits this SAS's scope on the endpoints known for it".into(),
    }
}

/// What one answer says about the credential.
#[derive(Debug, Clone)]
pub(crate) enum Outcome {
    Live {
        note: Option<String>,
        code: Option<String>,
        status: Option<u16>,
    },
    Rejected {
        code: Option<String>,
        status: u16,
    },
    Unknown {
        reason: String,
        code: Option<String>,
        status: Option<u16>,
    },
    Error(String),
}

/// Error codes that mean the signature or key itself was refused.
const AUTH_FAILED: &[&str] = &[
    "AuthenticationFailed",
    "InvalidAuthenticationInfo",
    "NoAuthenticationInformation",
    "AccountIsDisabled",
    "KeyBasedAuthenticationNotPermitted",
];

/// Codes the service returns only after the credential authenticated: the signature is
/// good, the operation is just outside its permissions.
const AUTHORISED_ELSEWHERE: &[&str] = &[
    "AuthorizationPermissionMismatch",
    "AuthorizationResourceTypeMismatch",
    "AuthorizationServiceMismatch",
];

/// Codes that depend on where the request came from, not on the credential.
const CONTEXT_REFUSED: &[&str] = &[
    "AuthorizationSourceIPMismatch",
    "AuthorizationProtocolMismatch",
    "AuthorizationFailure",
];

pub(crate) fn judge(result: Result<(), RestError>) -> Outcome {
    let err = match result {
        Ok(()) => {
            return Outcome::Live {
                note: None,
                code: None,
                status: None,
            }
        }
        Err(e) => e,
    };
    match &err {
        RestError::Service {
            status,
            code,
            message,
        } => {
            let c = code.as_deref().unwrap_or("");
            // Azurite (and some service paths) answer a bad signature with a generic code
            // but say what happened in the message.
            let says_auth_failed = message
                .as_deref()
                .is_some_and(|m| m.to_ascii_lowercase().contains("failed to authenticate"));
            if AUTH_FAILED.contains(&c) || says_auth_failed {
                Outcome::Rejected {
                    code: code.clone(),
                    status: *status,
                }
            } else if AUTHORISED_ELSEWHERE.contains(&c) {
                Outcome::Live {
                    note: Some(format!(
                        "the service accepted the credential but refused this call ({c})"
                    )),
                    code: code.clone(),
                    status: Some(*status),
                }
            } else if CONTEXT_REFUSED.contains(&c) {
                Outcome::Unknown {
                    reason: format!(
                        "the service refused this client, not necessarily the credential ({c}): an IP, protocol or firewall restriction"
                    ),
                    code: code.clone(),
                    status: Some(*status),
                }
            } else if *status == 404 {
                Outcome::Live {
                    note: Some(format!(
                        "the credential was accepted but what it names does not exist ({})",
                        if c.is_empty() { "404" } else { c }
                    )),
                    code: code.clone(),
                    status: Some(*status),
                }
            } else if *status == 401 || *status == 403 {
                Outcome::Rejected {
                    code: code.clone(),
                    status: *status,
                }
            } else {
                Outcome::Error(err.to_string())
            }
        }
        // The call succeeded; only its body was odd.
        RestError::Parse { .. } => Outcome::Live {
            note: Some(err.to_string()),
            code: None,
            status: None,
        },
        e if e.is_budget() => Outcome::Unknown {
            reason: format!("{e} before any answer"),
            code: None,
            status: None,
        },
        e => Outcome::Error(e.to_string()),
    }
}
