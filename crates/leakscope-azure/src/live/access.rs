//! The access map of a live credential: what it can list, counted from listings (never
//! downloads), within its request budget.

use super::target::{Scope, Target};
use crate::rest::{is_model_name, RestError, ShareItem, StorageClient, TableItem};
use crate::sas::Service;
use serde::Serialize;

/// Model-looking blob names kept per container; the count covers all of them.
const MAX_MODEL_NAMES: usize = 100;

/// `validation.access`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AccessMap {
    pub containers: Vec<ContainerAccess>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shares: Option<Vec<ShareItem>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queues: Option<Vec<QueueAccess>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tables: Option<Vec<TableItem>>,
    pub total_blobs: u64,
    pub total_bytes: u64,
    /// False when the budget ran out or a listing was refused: the counts are a floor.
    pub complete: bool,
    /// Requests made for this credential, the status probe included.
    pub requests: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ContainerAccess {
    pub name: String,
    /// Blobs listed (`null` when the credential cannot list this container).
    pub blobs: Option<u64>,
    /// Sum of their `Content-Length`.
    pub bytes: Option<u64>,
    /// `private`, `blob` or `container`; `null` when the credential cannot see it.
    pub public_access: Option<String>,
    /// Names that look like model files (at most 100; see `model_file_count`).
    pub model_files: Vec<String>,
    pub model_file_count: u64,
    /// Whether every blob was listed.
    pub complete: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct QueueAccess {
    pub name: String,
    /// Approximate message count, when the credential may read queue metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messages: Option<u64>,
}

impl ContainerAccess {
    fn new(name: String, public_access: Option<String>) -> ContainerAccess {
        ContainerAccess {
            name,
            blobs: None,
            bytes: None,
            public_access,
            model_files: Vec::new(),
            model_file_count: 0,
            complete: false,
        }
    }

    fn add_blob(&mut self, name: &str, size: u64) {
        *self.blobs.get_or_insert(0) += 1;
        *self.bytes.get_or_insert(0) += size;
        if is_model_name(name) {
            self.model_file_count += 1;
            if self.model_files.len() < MAX_MODEL_NAMES {
                self.model_files.push(name.to_string());
            }
        }
    }
}

/// What the scope allows at each level.
struct Can {
    list_containers: bool,
    list_blobs: bool,
    list_queues: bool,
    queue_metadata: bool,
    list_tables: bool,
    list_shares: bool,
}

fn can(t: &Target) -> Can {
    let has = |s: Service| t.endpoint(s).is_some();
    match &t.scope {
        Scope::Full => Can {
            list_containers: has(Service::Blob),
            list_blobs: has(Service::Blob),
            list_queues: has(Service::Queue),
            queue_metadata: has(Service::Queue),
            list_tables: has(Service::Table),
            list_shares: has(Service::File),
        },
        Scope::Account {
            services,
            service_level,
            container_level,
            read,
            list,
            ..
        } => {
            let svc = |s: Service| services.contains(&s) && has(s);
            Can {
                list_containers: svc(Service::Blob) && *service_level && *list,
                list_blobs: svc(Service::Blob) && *container_level && *list,
                list_queues: svc(Service::Queue) && *service_level && *list,
                queue_metadata: svc(Service::Queue) && *container_level && *read,
                list_tables: svc(Service::Table) && *container_level && *list,
                list_shares: svc(Service::File) && *service_level && *list,
            }
        }
        Scope::Container { list, .. } => Can {
            list_containers: false,
            list_blobs: *list && has(Service::Blob),
            list_queues: false,
            queue_metadata: false,
            list_tables: false,
            list_shares: false,
        },
        Scope::Object { .. } => Can {
            list_containers: false,
            list_blobs: false,
            list_queues: false,
            queue_metadata: false,
            list_tables: false,
            list_shares: false,
        },
    }
}

/// Builds the map. Stops at the budget; a refused or failed listing marks it incomplete
/// and moves on to the next service.
pub(crate) fn map(sc: &mut StorageClient<'_>, t: &Target) -> AccessMap {
    let can = can(t);
    let mut m = AccessMap {
        complete: true,
        ..AccessMap::default()
    };
    if let Some(ep) = t.endpoint(Service::Blob).cloned() {
        if can.list_containers {
            let (items, ok) =
                collect(|marker| sc.list_containers(&ep, marker).map(|p| (p.items, p.next)));
            m.complete &= ok;
            m.containers = items
                .into_iter()
                .map(|c| ContainerAccess::new(c.name, Some(c.public_access)))
                .collect();
        } else if let Some(c) = t.container.clone() {
            m.containers.push(ContainerAccess::new(c, None));
        }
        if can.list_blobs {
            for c in &mut m.containers {
                if !sc.has_budget() {
                    m.complete = false;
                    break;
                }
                c.blobs = Some(0);
                c.bytes = Some(0);
                let name = c.name.clone();
                let mut marker: Option<String> = None;
                loop {
                    match sc.list_blobs(&ep, &name, None, marker.as_deref()) {
                        Ok(page) => {
                            for b in &page.items {
                                c.add_blob(&b.name, b.size);
                            }
                            marker = page.next;
                            if marker.is_none() {
                                c.complete = true;
                                break;
                            }
                        }
                        Err(_) => {
                            m.complete = false;
                            break;
                        }
                    }
                }
            }
        } else if let (Scope::Object { .. }, Some(c), Some(p)) =
            (&t.scope, m.containers.first_mut(), t.path.as_deref())
        {
            // One blob is all it reaches: its size from the properties.
            if let Ok(size) = sc.blob_properties(&ep, &c.name.clone(), p) {
                c.add_blob(p, size.unwrap_or(0));
                c.complete = true;
            } else {
                m.complete = false;
            }
        } else if !m.containers.is_empty() {
            m.complete = false;
        }
    }
    if let Some(ep) = t
        .endpoint(Service::Queue)
        .cloned()
        .filter(|_| can.list_queues)
    {
        let (names, ok) = collect(|marker| sc.list_queues(&ep, marker).map(|p| (p.items, p.next)));
        m.complete &= ok;
        let mut queues: Vec<QueueAccess> = names
            .into_iter()
            .map(|name| QueueAccess {
                name,
                messages: None,
            })
            .collect();
        if can.queue_metadata {
            for q in &mut queues {
                match sc.queue_metadata(&ep, &q.name) {
                    Ok(n) => q.messages = n,
                    Err(_) => {
                        m.complete = false;
                        if !sc.has_budget() {
                            break;
                        }
                    }
                }
            }
        }
        m.queues = Some(queues);
    }
    if let Some(ep) = t
        .endpoint(Service::Table)
        .cloned()
        .filter(|_| can.list_tables)
    {
        let (items, ok) = collect(|next| sc.query_tables(&ep, next).map(|p| (p.items, p.next)));
        m.complete &= ok;
        m.tables = Some(items);
    }
    if let Some(ep) = t
        .endpoint(Service::File)
        .cloned()
        .filter(|_| can.list_shares)
    {
        let (items, ok) = collect(|marker| sc.list_shares(&ep, marker).map(|p| (p.items, p.next)));
        m.complete &= ok;
        m.shares = Some(items);
    }
    // A queue or table SAS reaches just the one its URL names.
    if let (Scope::Container { read: true, .. }, Some(name)) = (&t.scope, &t.container) {
        if let Some(ep) = t.endpoints.first().cloned() {
            match ep.service {
                Service::Queue => match sc.queue_metadata(&ep, name) {
                    Ok(messages) => {
                        m.queues = Some(vec![QueueAccess {
                            name: name.clone(),
                            messages,
                        }])
                    }
                    Err(_) => m.complete = false,
                },
                Service::Table => m.tables = Some(vec![TableItem { name: name.clone() }]),
                _ => {}
            }
        }
    }
    m.total_blobs = m.containers.iter().filter_map(|c| c.blobs).sum();
    m.total_bytes = m.containers.iter().filter_map(|c| c.bytes).sum();
    m.requests = sc.requests();
    m
}

/// Pages through a listing; `false` when it stopped before the end.
fn collect<T>(
    mut page: impl FnMut(Option<&str>) -> Result<(Vec<T>, Option<String>), RestError>,
) -> (Vec<T>, bool) {
    let mut out = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        match page(marker.as_deref()) {
            Ok((items, next)) => {
                out.extend(items);
                match next {
                    Some(n) => marker = Some(n),
                    None => return (out, true),
                }
            }
            Err(_) => return (out, false),
        }
    }
}
