//! Azure Monitor resource logs for Storage (`StorageBlobLogs`, `StorageFileLogs`,
//! `StorageQueueLogs`, `StorageTableLogs`).
//!
//! Two shapes: the nested one written by a diagnostic setting to a storage account (JSON
//! lines; `time`, `operationName`, `statusCode`, `callerIpAddress`, `identity {type,
//! tokenHash, requester}`, `properties {accountName, userAgentHeader, requestBodySize, …}`,
//! `uri`), and the flat columns of a Log Analytics export (`TimeGenerated`,
//! `AuthenticationType`, `AuthenticationHash`, `CallerIpAddress`, …) as JSON lines or a
//! JSON array. A legacy `{"records": [...]}` wrapper on one line is accepted too.

use std::io::{self, BufRead};

use serde_json::{Map, Value};

use crate::record::{RawFields, Record};

/// Column access by name for flat (Log Analytics) rows, shared with the CSV reader.
pub trait FlatRow {
    /// The value of column `name` (matched case-insensitively), empty values as `None`.
    fn col(&self, name: &str) -> Option<String>;
}

/// Build a record from Log Analytics columns.
pub fn record_from_flat(row: &dyn FlatRow) -> Result<Record, &'static str> {
    let principal = row
        .col("RequesterObjectId")
        .or_else(|| row.col("RequesterUpn"))
        .or_else(|| row.col("RequesterAppId"));
    RawFields {
        time: row.col("TimeGenerated"),
        operation: row.col("OperationName"),
        auth: row.col("AuthenticationType"),
        hash: row.col("AuthenticationHash"),
        ip: row.col("CallerIpAddress"),
        user_agent: row.col("UserAgentHeader"),
        status: row.col("StatusCode"),
        status_text: row.col("StatusText"),
        bytes_in: row.col("RequestBodySize"),
        bytes_out: row.col("ResponseBodySize"),
        account: row.col("AccountName"),
        service: row.col("ServiceType"),
        principal,
        category: row.col("Category"),
        uri: row.col("Uri"),
    }
    .finish()
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

struct JsonFlat<'a>(&'a Map<String, Value>);

impl FlatRow for JsonFlat<'_> {
    fn col(&self, name: &str) -> Option<String> {
        match self.0.get(name) {
            Some(v) => scalar(v),
            None => self
                .0
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .and_then(|(_, v)| scalar(v)),
        }
    }
}

fn path<'a>(obj: &'a Map<String, Value>, keys: &[&str]) -> Option<&'a Value> {
    let (first, rest) = keys.split_first()?;
    let mut v = obj.get(*first)?;
    for k in rest {
        v = v.as_object()?.get(*k)?;
    }
    Some(v)
}

fn get(obj: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    path(obj, keys).and_then(scalar)
}

/// Build a record from the nested resource-log shape.
pub fn record_from_nested(obj: &Map<String, Value>) -> Result<Record, &'static str> {
    let principal = get(obj, &["identity", "requester", "objectId"])
        .or_else(|| get(obj, &["identity", "requester", "upn"]))
        .or_else(|| get(obj, &["identity", "requester", "appId"]));
    RawFields {
        time: get(obj, &["time"]),
        operation: get(obj, &["operationName"]),
        auth: get(obj, &["identity", "type"]),
        hash: get(obj, &["identity", "tokenHash"]),
        ip: get(obj, &["callerIpAddress"]),
        user_agent: get(obj, &["properties", "userAgentHeader"]),
        status: get(obj, &["statusCode"]),
        status_text: get(obj, &["statusText"]),
        bytes_in: get(obj, &["properties", "requestBodySize"]),
        bytes_out: get(obj, &["properties", "responseBodySize"]),
        account: get(obj, &["properties", "accountName"]),
        service: get(obj, &["properties", "serviceType"]),
        principal,
        category: get(obj, &["category"]),
        uri: get(obj, &["uri"]),
    }
    .finish()
}

/// One JSON object (either shape) → records. A `records` array yields several.
pub fn records_from_value(v: &Value, out: &mut dyn FnMut(Result<Record, &'static str>)) {
    let Some(obj) = v.as_object() else {
        out(Err("not a JSON object"));
        return;
    };
    if let Some(Value::Array(items)) = obj.get("records") {
        for item in items {
            records_from_value(item, out);
        }
        return;
    }
    let flat = obj.contains_key("TimeGenerated")
        || obj.contains_key("OperationName")
        || obj.contains_key("AuthenticationType");
    if flat {
        out(record_from_flat(&JsonFlat(obj)));
    } else {
        out(record_from_nested(obj));
    }
}

/// Parse one JSON line.
pub fn parse_line(line: &[u8], out: &mut dyn FnMut(Result<Record, &'static str>)) {
    match serde_json::from_slice::<Value>(line) {
        Ok(v) => records_from_value(&v, out),
        Err(_) => out(Err("invalid JSON")),
    }
}

/// Receives each array element (or why it was rejected) with the line it starts on.
pub type ElementSink<'a> = dyn FnMut(u64, Result<&[u8], &'static str>) + 'a;

/// Stream the objects of a top-level JSON array without holding the array: each element
/// object is collected (at most `max` bytes) and handed to `f` with the line it starts on.
pub fn stream_array(r: &mut dyn BufRead, max: usize, f: &mut ElementSink<'_>) -> io::Result<()> {
    let mut depth = 0usize;
    let mut in_str = false;
    let mut esc = false;
    let mut line = 1u64;
    let mut start_line = 1u64;
    let mut collecting = false;
    let mut too_long = false;
    let mut cur: Vec<u8> = Vec::new();
    loop {
        let buf = match r.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            break;
        }
        let n = buf.len();
        for &b in buf {
            if b == b'\n' {
                line += 1;
            }
            if collecting {
                if cur.len() < max {
                    cur.push(b);
                } else {
                    too_long = true;
                }
            }
            if in_str {
                if esc {
                    esc = false;
                } else if b == b'\\' {
                    esc = true;
                } else if b == b'"' {
                    in_str = false;
                }
                continue;
            }
            match b {
                b'"' => in_str = true,
                b'{' | b'[' => {
                    depth += 1;
                    if depth == 2 && b == b'{' && !collecting {
                        collecting = true;
                        too_long = false;
                        start_line = line;
                        cur.clear();
                        cur.push(b);
                    }
                }
                b'}' | b']' => {
                    depth = depth.saturating_sub(1);
                    if depth == 1 && collecting {
                        collecting = false;
                        if too_long {
                            f(start_line, Err("record longer than the limit"));
                        } else {
                            f(start_line, Ok(&cur));
                        }
                    }
                }
                _ => {}
            }
        }
        r.consume(n);
    }
    if collecting {
        f(start_line, Err("truncated JSON array element"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn array_streaming_handles_brackets_in_strings() {
        let data = br#"[{"a":"}]{["},
 {"b":2}, {"c":"x\"}"}]"#;
        let mut got = Vec::new();
        stream_array(&mut &data[..], 1 << 20, &mut |line, r| {
            got.push((line, String::from_utf8_lossy(r.unwrap()).into_owned()))
        })
        .unwrap();
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].1, r#"{"a":"}]{["}"#);
        assert_eq!(got[1].0, 2);
    }
}
