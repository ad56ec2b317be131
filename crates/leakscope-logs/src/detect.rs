//! Detect a log's format from its first bytes (never from the file name).

/// Log formats leakscope reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    /// Storage Analytics (`$logs`) lines, version 1.0 or 2.0.
    Classic,
    /// One JSON object per line (Monitor resource logs or a Log Analytics export).
    JsonLines,
    /// A JSON array of objects (Log Analytics export).
    JsonArray,
    /// A Log Analytics CSV export.
    Csv,
    Unknown,
}

/// True for the gzip magic number.
pub fn is_gzip(head: &[u8]) -> bool {
    head.starts_with(&[0x1f, 0x8b])
}

/// Guess from the first bytes of the (decompressed) content.
pub fn detect(head: &[u8]) -> LogFormat {
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(head.len());
    let t = &head[start..];
    match t.first() {
        Some(b'[') => return LogFormat::JsonArray,
        Some(b'{') => return LogFormat::JsonLines,
        _ => {}
    }
    // `<major>.<minor>;<timestamp>;`
    let digits = |s: &[u8]| s.iter().take_while(|b| b.is_ascii_digit()).count();
    let a = digits(t);
    if a > 0 && t.get(a) == Some(&b'.') {
        let b = digits(&t[a + 1..]);
        if b > 0 && t.get(a + 1 + b) == Some(&b';') {
            return LogFormat::Classic;
        }
    }
    let first_line = t.split(|&b| b == b'\n').next().unwrap_or(t);
    let lower = String::from_utf8_lossy(first_line).to_ascii_lowercase();
    if lower.contains(',') && (lower.contains("timegenerated") || lower.contains("operationname")) {
        return LogFormat::Csv;
    }
    LogFormat::Unknown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_content() {
        assert_eq!(
            detect(b"1.0;2024-01-01T00:00:00Z;GetBlob"),
            LogFormat::Classic
        );
        assert_eq!(detect(b"2.0;x"), LogFormat::Classic);
        assert_eq!(detect(b"\xef\xbb\xbf  {\"time\":1}"), LogFormat::JsonLines);
        assert_eq!(detect(b"\n[ {"), LogFormat::JsonArray);
        assert_eq!(
            detect(b"TimeGenerated [UTC],OperationName\n"),
            LogFormat::Csv
        );
        assert_eq!(detect(b"hello"), LogFormat::Unknown);
        assert!(is_gzip(&[0x1f, 0x8b, 8]));
    }
}
