//! The read-only operations: listings (paged with `marker` / `NextMarker`), properties
//! (HEAD) and bounded reads. Nothing here can create, change or delete anything.

use super::{xml, Endpoint, RestError, StorageClient};
use leakscope_http::{Method, Response};
use serde::Serialize;

/// One page of a listing and the marker of the next, if any.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContainerItem {
    pub name: String,
    /// `container` or `blob` when anonymous reads are allowed, else `private`.
    pub public_access: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BlobItem {
    pub name: String,
    pub size: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShareItem {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quota_gib: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableItem {
    pub name: String,
}

fn parse_err(c: &StorageClient<'_>, ep: &Endpoint, detail: impl std::fmt::Display) -> RestError {
    RestError::Parse {
        url: ep.base.to_string(),
        detail: c.redact(&detail.to_string()),
    }
}

/// A listing that the response cap cut short cannot be trusted: its end is missing.
fn whole<'r>(
    c: &StorageClient<'_>,
    ep: &Endpoint,
    resp: &'r Response,
) -> Result<&'r [u8], RestError> {
    if resp.truncated {
        return Err(parse_err(c, ep, "listing larger than the response cap"));
    }
    Ok(&resp.body)
}

/// Page size asked for: the services' maximum, so a budget of requests goes furthest.
const PAGE: &str = "5000";

impl StorageClient<'_> {
    /// List Containers (`GET /?comp=list`), one page.
    pub fn list_containers(
        &mut self,
        ep: &Endpoint,
        marker: Option<&str>,
    ) -> Result<Page<ContainerItem>, RestError> {
        let mut params = vec![("comp", "list"), ("maxresults", PAGE)];
        if let Some(m) = marker {
            params.push(("marker", m));
        }
        let resp = self.send(Method::Get, ep, &[], &params, &[])?;
        let doc = xml::parse(whole(self, ep, &resp)?).map_err(|e| parse_err(self, ep, e))?;
        let root = doc.root_element();
        let items = xml::child(root, "Containers")
            .map(|cs| {
                xml::children(cs, "Container")
                    .filter_map(|c| {
                        Some(ContainerItem {
                            name: xml::text(c, &["Name"])?,
                            public_access: xml::text(c, &["Properties", "PublicAccess"])
                                .filter(|p| !p.is_empty())
                                .unwrap_or_else(|| "private".into()),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(Page {
            items,
            next: xml::next_marker(root),
        })
    }

    /// List Blobs (`GET /{container}?restype=container&comp=list`), flat, one page.
    pub fn list_blobs(
        &mut self,
        ep: &Endpoint,
        container: &str,
        prefix: Option<&str>,
        marker: Option<&str>,
    ) -> Result<Page<BlobItem>, RestError> {
        let mut params = vec![
            ("restype", "container"),
            ("comp", "list"),
            ("maxresults", PAGE),
        ];
        if let Some(p) = prefix.filter(|p| !p.is_empty()) {
            params.push(("prefix", p));
        }
        if let Some(m) = marker {
            params.push(("marker", m));
        }
        let resp = self.send(Method::Get, ep, &[container], &params, &[])?;
        let doc = xml::parse(whole(self, ep, &resp)?).map_err(|e| parse_err(self, ep, e))?;
        let root = doc.root_element();
        let items = xml::child(root, "Blobs")
            .map(|bs| {
                xml::children(bs, "Blob")
                    .filter_map(|b| {
                        Some(BlobItem {
                            name: xml::text(b, &["Name"])?,
                            size: xml::text(b, &["Properties", "Content-Length"])
                                .and_then(|s| s.trim().parse().ok())
                                .unwrap_or(0),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(Page {
            items,
            next: xml::next_marker(root),
        })
    }

    /// Get Blob Properties (`HEAD /{container}/{blob}`): the blob's size.
    pub fn blob_properties(
        &mut self,
        ep: &Endpoint,
        container: &str,
        blob: &str,
    ) -> Result<Option<u64>, RestError> {
        let resp = self.send(Method::Head, ep, &[container, blob], &[], &[])?;
        Ok(resp
            .header("content-length")
            .and_then(|v| v.trim().parse().ok()))
    }

    /// Get Container Properties (`HEAD /{container}?restype=container`): its public access
    /// level.
    pub fn container_properties(
        &mut self,
        ep: &Endpoint,
        container: &str,
    ) -> Result<String, RestError> {
        let resp = self.send(
            Method::Head,
            ep,
            &[container],
            &[("restype", "container")],
            &[],
        )?;
        Ok(resp
            .header("x-ms-blob-public-access")
            .filter(|v| !v.is_empty())
            .unwrap_or("private")
            .to_string())
    }

    /// Get Blob (`GET /{container}/{blob}`), at most `max` bytes (asked for with
    /// `x-ms-range`, and cut by the HTTP client's body cap in any case).
    pub fn get_blob(
        &mut self,
        ep: &Endpoint,
        container: &str,
        blob: &str,
        max: Option<u64>,
    ) -> Result<Vec<u8>, RestError> {
        let range = max.filter(|m| *m > 0).map(|m| format!("bytes=0-{}", m - 1));
        let headers: Vec<(&str, &str)> = range
            .as_deref()
            .map(|r| vec![("x-ms-range", r)])
            .unwrap_or_default();
        let resp = self.send(Method::Get, ep, &[container, blob], &[], &headers)?;
        Ok(resp.body)
    }

    /// Get Blob Service Properties (`GET /?restype=service&comp=properties`).
    pub fn service_properties(&mut self, ep: &Endpoint) -> Result<(), RestError> {
        self.send(
            Method::Get,
            ep,
            &[],
            &[("restype", "service"), ("comp", "properties")],
            &[],
        )
        .map(|_| ())
    }

    /// List Shares (`GET /?comp=list` on the file endpoint), one page.
    pub fn list_shares(
        &mut self,
        ep: &Endpoint,
        marker: Option<&str>,
    ) -> Result<Page<ShareItem>, RestError> {
        let mut params = vec![("comp", "list"), ("maxresults", PAGE)];
        if let Some(m) = marker {
            params.push(("marker", m));
        }
        let resp = self.send(Method::Get, ep, &[], &params, &[])?;
        let doc = xml::parse(whole(self, ep, &resp)?).map_err(|e| parse_err(self, ep, e))?;
        let root = doc.root_element();
        let items = xml::child(root, "Shares")
            .map(|ss| {
                xml::children(ss, "Share")
                    .filter_map(|s| {
                        Some(ShareItem {
                            name: xml::text(s, &["Name"])?,
                            quota_gib: xml::text(s, &["Properties", "Quota"])
                                .and_then(|q| q.trim().parse().ok()),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(Page {
            items,
            next: xml::next_marker(root),
        })
    }

    /// List Directories and Files of a share's root (`GET /{share}?restype=directory&comp=list`):
    /// how many entries the first page holds.
    pub fn list_share_root(&mut self, ep: &Endpoint, share: &str) -> Result<usize, RestError> {
        let resp = self.send(
            Method::Get,
            ep,
            &[share],
            &[
                ("restype", "directory"),
                ("comp", "list"),
                ("maxresults", PAGE),
            ],
            &[],
        )?;
        let doc = xml::parse(whole(self, ep, &resp)?).map_err(|e| parse_err(self, ep, e))?;
        Ok(xml::child(doc.root_element(), "Entries")
            .map(|e| e.children().filter(|c| c.is_element()).count())
            .unwrap_or(0))
    }

    /// Get File Properties (`HEAD /{share}/{path}`).
    pub fn file_properties(
        &mut self,
        ep: &Endpoint,
        share: &str,
        path: &str,
    ) -> Result<Option<u64>, RestError> {
        self.blob_properties(ep, share, path)
    }

    /// List Queues (`GET /?comp=list` on the queue endpoint), one page.
    pub fn list_queues(
        &mut self,
        ep: &Endpoint,
        marker: Option<&str>,
    ) -> Result<Page<String>, RestError> {
        let mut params = vec![("comp", "list"), ("maxresults", PAGE)];
        if let Some(m) = marker {
            params.push(("marker", m));
        }
        let resp = self.send(Method::Get, ep, &[], &params, &[])?;
        let doc = xml::parse(whole(self, ep, &resp)?).map_err(|e| parse_err(self, ep, e))?;
        let root = doc.root_element();
        let items = xml::child(root, "Queues")
            .map(|qs| {
                xml::children(qs, "Queue")
                    .filter_map(|q| xml::text(q, &["Name"]))
                    .collect()
            })
            .unwrap_or_default();
        Ok(Page {
            items,
            next: xml::next_marker(root),
        })
    }

    /// Get Queue Metadata (`GET /{queue}?comp=metadata`): the approximate message count.
    /// Unlike peeking, this reads no message.
    pub fn queue_metadata(&mut self, ep: &Endpoint, queue: &str) -> Result<Option<u64>, RestError> {
        let resp = self.send(Method::Get, ep, &[queue], &[("comp", "metadata")], &[])?;
        Ok(resp
            .header("x-ms-approximate-messages-count")
            .and_then(|v| v.trim().parse().ok()))
    }

    /// Query Tables (`GET /Tables`), one page; the continuation travels in
    /// `x-ms-continuation-NextTableName`.
    pub fn query_tables(
        &mut self,
        ep: &Endpoint,
        next: Option<&str>,
    ) -> Result<Page<TableItem>, RestError> {
        let params: Vec<(&str, &str)> =
            next.map(|n| vec![("NextTableName", n)]).unwrap_or_default();
        let resp = self.send(Method::Get, ep, &["Tables"], &params, &[])?;
        let v: serde_json::Value =
            serde_json::from_slice(whole(self, ep, &resp)?).map_err(|e| parse_err(self, ep, e))?;
        let items = v
            .get("value")
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|t| t.get("TableName")?.as_str())
                    .map(|n| TableItem {
                        name: n.to_string(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(Page {
            items,
            next: resp
                .header("x-ms-continuation-NextTableName")
                .filter(|n| !n.is_empty())
                .map(str::to_string),
        })
    }

    /// Query Entities with `$top=1` (`GET /{table}()`): the least a table SAS can read.
    pub fn query_one_entity(&mut self, ep: &Endpoint, table: &str) -> Result<(), RestError> {
        let seg = format!("{table}()");
        self.send(Method::Get, ep, &[&seg], &[("$top", "1")], &[])
            .map(|_| ())
    }
}
