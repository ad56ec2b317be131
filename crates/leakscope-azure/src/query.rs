//! Splitting text into an optional URL and a decoded list of query parameters. Tokens reach
//! us percent-encoded or not, HTML-escaped (`&amp;`), JSON-escaped (`\u0026`), with or
//! without the leading `?`; this module undoes all of that once so parsers see plain values.

/// Where a SAS points, as far as the URL says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UrlInfo {
    pub scheme: String,
    pub host: String,
    pub port: Option<u16>,
    /// Storage account, from the host name or (path-style, Azurite/IP) the first path segment.
    pub account: Option<String>,
    /// `blob`, `file`, `queue`, `table` (`dfs` is reported as `blob`: same data).
    pub service: Option<String>,
    /// The host's service label as written (`dfs`, `blob`, …).
    pub host_service: Option<String>,
    /// First path segment after the account: container, share, queue or table.
    pub container: Option<String>,
    /// The rest of the path, decoded.
    pub path: Option<String>,
    /// The text before the `?`, as written.
    pub base: String,
}

pub use leakscope_core::percent_decode;

/// Undoes the escapes a query string picks up when pasted into HTML, JSON or JS.
pub fn unescape_text(s: &str) -> String {
    s.trim()
        .trim_matches(|c| c == '"' || c == '\'' || c == '<' || c == '>')
        .replace("&amp;", "&")
        .replace("\\u0026", "&")
        .replace("\\/", "/")
}

/// Splits `key=value&…` into decoded pairs (order kept; empty segments skipped).
pub fn parse_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|seg| !seg.is_empty())
        .map(|seg| match seg.split_once('=') {
            Some((k, v)) => (percent_decode(k), percent_decode(v)),
            None => (percent_decode(seg), String::new()),
        })
        .collect()
}

/// Splits input into (URL part, query part). A bare query has no URL part.
pub fn split_url(text: &str) -> (Option<&str>, &str) {
    let text = text.split('#').next().unwrap_or(text);
    match text.find('?') {
        Some(i) => {
            let before = &text[..i];
            let after = &text[i + 1..];
            if before.contains("://") {
                (Some(before), after)
            } else if before.is_empty() {
                (None, after)
            } else {
                // Something like `path?query` without a scheme: keep the path as a hint.
                (Some(before), after)
            }
        }
        None => {
            if text.contains("://") {
                (Some(text), "")
            } else {
                (None, text)
            }
        }
    }
}

/// Services that appear as host labels in storage endpoints.
const SERVICE_LABELS: &[&str] = &["blob", "file", "queue", "table", "dfs", "web"];

/// Parses the part of a URL before `?` into account/service/container/path.
pub fn parse_url(base: &str) -> UrlInfo {
    let mut info = UrlInfo {
        base: base.to_string(),
        ..UrlInfo::default()
    };
    let (scheme, rest) = match base.split_once("://") {
        Some((s, r)) => (s.to_ascii_lowercase(), r),
        None => (String::new(), base),
    };
    info.scheme = scheme;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, ""),
    };
    // Drop any user-info; split host and port.
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || authority.starts_with('[') => match p.parse::<u16>() {
            Ok(port) => (h, Some(port)),
            Err(_) => (authority, None),
        },
        _ => (authority, None),
    };
    info.host = host.to_ascii_lowercase();
    info.port = port;
    let mut segments: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(percent_decode)
        .collect();

    let labels: Vec<&str> = info.host.split('.').collect();
    let service_at = labels
        .iter()
        .enumerate()
        .skip(1)
        .find(|(_, l)| SERVICE_LABELS.contains(l))
        .map(|(i, _)| i);
    let path_style = is_ip_or_local(&info.host);
    if let (Some(i), false) = (service_at, path_style) {
        // `<account>[-secondary].<service>.<suffix>` (also `<account>.zNN.blob.storage.azure.net`).
        let acct = labels[0].trim_end_matches("-secondary");
        info.account = Some(acct.to_string());
        let label = labels[i];
        info.host_service = Some(label.to_string());
        info.service = Some(match label {
            "dfs" | "web" => "blob".to_string(),
            other => other.to_string(),
        });
    } else if path_style {
        // Azurite and the legacy emulator: `http://127.0.0.1:10000/devstoreaccount1/…`.
        if !segments.is_empty() {
            info.account = Some(segments.remove(0));
        }
        info.service = match port {
            Some(10000) => Some("blob".into()),
            Some(10001) => Some("queue".into()),
            Some(10002) => Some("table".into()),
            _ => None,
        };
        info.host_service = info.service.clone();
    }
    if !segments.is_empty() {
        let first = segments.remove(0);
        // Table URLs address entities as `Table(PartitionKey='…',RowKey='…')`.
        let first = match first.find('(') {
            Some(i) if info.service.as_deref() == Some("table") => first[..i].to_string(),
            _ => first,
        };
        info.container = Some(first);
    }
    if !segments.is_empty() {
        info.path = Some(segments.join("/"));
    }
    info
}

fn is_ip_or_local(host: &str) -> bool {
    host == "localhost"
        || host.starts_with('[')
        || host.parse::<std::net::Ipv4Addr>().is_ok()
        || host.starts_with("azurite")
        || host == "host.docker.internal"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_percent_but_not_plus() {
        assert_eq!(percent_decode("a%2Bb+c%3D%zz%4"), "a+b+c=%zz%4");
    }

    #[test]
    fn parses_hosts() {
        let u = parse_url("https://acct.dfs.core.chinacloudapi.cn/fs/dir/file.txt");
        assert_eq!(u.account.as_deref(), Some("acct"));
        assert_eq!(u.service.as_deref(), Some("blob"));
        assert_eq!(u.host_service.as_deref(), Some("dfs"));
        assert_eq!(u.container.as_deref(), Some("fs"));
        assert_eq!(u.path.as_deref(), Some("dir/file.txt"));
        let u = parse_url("http://127.0.0.1:10001/devstoreaccount1/jobs");
        assert_eq!(u.account.as_deref(), Some("devstoreaccount1"));
        assert_eq!(u.service.as_deref(), Some("queue"));
        assert_eq!(u.container.as_deref(), Some("jobs"));
        let u = parse_url("https://cdn.example.com/c/b%20x.bin");
        assert_eq!(u.account, None);
        assert_eq!(u.container.as_deref(), Some("c"));
        assert_eq!(u.path.as_deref(), Some("b x.bin"));
        let u =
            parse_url("https://acct-secondary.table.core.usgovcloudapi.net/T1(PartitionKey='a')");
        assert_eq!(u.account.as_deref(), Some("acct"));
        assert_eq!(u.container.as_deref(), Some("T1"));
    }
}
