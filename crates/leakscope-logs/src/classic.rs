//! Classic Storage Analytics logs (the `$logs` container): one request per line,
//! semicolon-separated, fields that may hold `"`, `;` or a newline HTML-encoded and quoted.
//! Version 1.0 has 30 fields; version 2.0 appends 8 OAuth fields.

use std::borrow::Cow;

use crate::record::{RawFields, Record};

/// Every documented field of a version 1.0 / 2.0 log entry, in order (quotes removed,
/// HTML entities decoded).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ClassicEntry<'a> {
    pub version_number: Cow<'a, str>,
    pub request_start_time: Cow<'a, str>,
    pub operation_type: Cow<'a, str>,
    pub request_status: Cow<'a, str>,
    pub http_status_code: Cow<'a, str>,
    pub end_to_end_latency_in_ms: Cow<'a, str>,
    pub server_latency_in_ms: Cow<'a, str>,
    pub authentication_type: Cow<'a, str>,
    pub requester_account_name: Cow<'a, str>,
    pub owner_account_name: Cow<'a, str>,
    pub service_type: Cow<'a, str>,
    pub request_url: Cow<'a, str>,
    pub requested_object_key: Cow<'a, str>,
    pub request_id_header: Cow<'a, str>,
    pub operation_count: Cow<'a, str>,
    pub requester_ip_address: Cow<'a, str>,
    pub request_version_header: Cow<'a, str>,
    pub request_header_size: Cow<'a, str>,
    pub request_packet_size: Cow<'a, str>,
    pub response_header_size: Cow<'a, str>,
    pub response_packet_size: Cow<'a, str>,
    pub request_content_length: Cow<'a, str>,
    pub request_md5: Cow<'a, str>,
    pub server_md5: Cow<'a, str>,
    pub etag_identifier: Cow<'a, str>,
    pub last_modified_time: Cow<'a, str>,
    pub conditions_used: Cow<'a, str>,
    pub user_agent_header: Cow<'a, str>,
    pub referrer_header: Cow<'a, str>,
    pub client_request_id: Cow<'a, str>,
    // Version 2.0 (OAuth requests to Blob and Queue).
    pub user_object_id: Cow<'a, str>,
    pub tenant_id: Cow<'a, str>,
    pub application_id: Cow<'a, str>,
    pub audience: Cow<'a, str>,
    pub issuer: Cow<'a, str>,
    pub user_principal_name: Cow<'a, str>,
    pub reserved_field: Cow<'a, str>,
    pub authorization_detail: Cow<'a, str>,
}

/// Fields in a version 1.0 entry; version 2.0 has 38.
pub const V1_FIELDS: usize = 30;
pub const V2_FIELDS: usize = 38;

/// Split a line into fields: `;` outside double quotes separates; quotes are removed and
/// HTML entities inside quoted fields decoded. `Err` on an unterminated quote.
pub fn split_fields(line: &str) -> Result<Vec<Cow<'_, str>>, &'static str> {
    let mut out = Vec::with_capacity(V2_FIELDS);
    let bytes = line.as_bytes();
    let mut start = 0;
    let mut in_quotes = false;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'"' => in_quotes = !in_quotes,
            b';' if !in_quotes => {
                out.push(unquote(&line[start..i])?);
                start = i + 1;
            }
            _ => {}
        }
    }
    if in_quotes {
        return Err("unterminated quoted field");
    }
    out.push(unquote(&line[start..])?);
    Ok(out)
}

fn unquote(f: &str) -> Result<Cow<'_, str>, &'static str> {
    if let Some(inner) = f.strip_prefix('"') {
        let inner = inner.strip_suffix('"').ok_or("text after a quoted field")?;
        if inner.contains('"') {
            return Err("quote inside a quoted field");
        }
        Ok(html_decode(inner))
    } else if f.contains('"') {
        Err("quote inside an unquoted field")
    } else {
        Ok(Cow::Borrowed(f))
    }
}

/// Decode the entities Storage Analytics writes (`&quot;`, `&amp;`, `&lt;`, `&gt;`,
/// `&apos;`, `&#NN;`, `&#xNN;`); anything else is kept as is.
pub fn html_decode(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let end = tail.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &tail[1..e];
            let c = match name {
                "quot" => Some('"'),
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "apos" => Some('\''),
                _ => {
                    let n = if let Some(h) = name.strip_prefix("#x").or(name.strip_prefix("#X")) {
                        u32::from_str_radix(h, 16).ok()
                    } else {
                        name.strip_prefix('#').and_then(|d| d.parse::<u32>().ok())
                    };
                    n.and_then(char::from_u32)
                }
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &tail[e + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Parse one log line into its documented fields.
pub fn parse_entry(line: &str) -> Result<ClassicEntry<'_>, &'static str> {
    let fields = split_fields(line)?;
    let version = fields.first().map(|v| v.as_ref()).unwrap_or("");
    let need = match version {
        "1.0" => V1_FIELDS,
        "2.0" => V2_FIELDS,
        _ => return Err("unsupported log version"),
    };
    // Accept trailing fields a later revision may add; never fewer than documented.
    if fields.len() < need {
        return Err("too few fields for the log version");
    }
    let mut it = fields.into_iter();
    let mut next = || it.next().unwrap_or(Cow::Borrowed(""));
    Ok(ClassicEntry {
        version_number: next(),
        request_start_time: next(),
        operation_type: next(),
        request_status: next(),
        http_status_code: next(),
        end_to_end_latency_in_ms: next(),
        server_latency_in_ms: next(),
        authentication_type: next(),
        requester_account_name: next(),
        owner_account_name: next(),
        service_type: next(),
        request_url: next(),
        requested_object_key: next(),
        request_id_header: next(),
        operation_count: next(),
        requester_ip_address: next(),
        request_version_header: next(),
        request_header_size: next(),
        request_packet_size: next(),
        response_header_size: next(),
        response_packet_size: next(),
        request_content_length: next(),
        request_md5: next(),
        server_md5: next(),
        etag_identifier: next(),
        last_modified_time: next(),
        conditions_used: next(),
        user_agent_header: next(),
        referrer_header: next(),
        client_request_id: next(),
        user_object_id: next(),
        tenant_id: next(),
        application_id: next(),
        audience: next(),
        issuer: next(),
        user_principal_name: next(),
        reserved_field: next(),
        authorization_detail: next(),
    })
}

fn s(c: &str) -> Option<String> {
    Some(c.to_string())
}

impl ClassicEntry<'_> {
    pub fn to_record(&self) -> Result<Record, &'static str> {
        let principal = if self.user_object_id.is_empty() {
            self.user_principal_name.to_string()
        } else {
            self.user_object_id.to_string()
        };
        RawFields {
            time: s(&self.request_start_time),
            operation: s(&self.operation_type),
            auth: s(&self.authentication_type),
            hash: None,
            ip: s(&self.requester_ip_address),
            user_agent: s(&self.user_agent_header),
            status: s(&self.http_status_code),
            status_text: s(&self.request_status),
            bytes_in: s(&self.request_packet_size),
            bytes_out: s(&self.response_packet_size),
            account: s(&self.owner_account_name),
            service: s(&self.service_type),
            principal: Some(principal),
            category: None,
            uri: s(&self.request_url),
        }
        .finish()
    }
}

/// Parse a classic line straight to a [`Record`].
pub fn parse_line(line: &str) -> Result<Record, &'static str> {
    parse_entry(line)?.to_record()
}

#[cfg(test)]
mod tests {
    use super::*;

    const V1: &str = r#"1.0;2014-06-19T22:59:23.1967767Z;GetBlob;AnonymousSuccess;200;18;10;anonymous;;myaccount;blob;"https://myaccount.blob.core.windows.net/thumbnails/lake.jpg?timeout=30000";"/myaccount/thumbnails/lake.jpg";a84aa705-8a85-48c5-b064-b43bd22979c3;0;123.100.2.10:4455;2009-09-19;252;0;265;100;0;;;"0x8D101F7E4B662C4";Thursday, 19-Jun-14 22:58:10 GMT;;;;"6/19/2014 3:59:23 PM""#;

    #[test]
    fn v1_documented_shape() {
        let e = parse_entry(V1).unwrap();
        assert_eq!(e.operation_type, "GetBlob");
        assert_eq!(e.requester_ip_address, "123.100.2.10:4455");
        assert_eq!(e.etag_identifier, "0x8D101F7E4B662C4");
        assert_eq!(e.client_request_id, "6/19/2014 3:59:23 PM");
        let r = e.to_record().unwrap();
        assert_eq!(r.auth(), crate::AuthKind::Anonymous);
        assert_eq!(r.ip.as_deref(), Some("123.100.2.10"));
        assert_eq!(r.bytes_out, 100);
    }

    #[test]
    fn quoted_semicolons_and_entities() {
        let f = split_fields(r#"a;"x;y&quot;z";c"#).unwrap();
        assert_eq!(f, vec!["a", "x;y\"z", "c"]);
        assert!(split_fields(r#"a;"open;b"#).is_err());
        assert!(parse_entry("3.0;x").is_err());
        assert!(parse_entry("1.0;x;y").is_err());
    }
}
