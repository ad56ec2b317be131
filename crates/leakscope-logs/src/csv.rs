//! Log Analytics CSV exports: a header row of column names (the portal may suffix them,
//! e.g. `TimeGenerated [UTC]`), then one request per record (RFC 4180 quoting).

use std::io::Read;

use crate::monitor_json::{record_from_flat, FlatRow};
use crate::record::Record;

/// Normalise a header: drop a ` [UTC]`-style suffix, trim, lower-case.
pub fn normalise_header(h: &str) -> String {
    let h = h.trim().trim_start_matches('\u{feff}');
    let h = h.split(" [").next().unwrap_or(h);
    h.trim().to_ascii_lowercase()
}

struct Row<'a> {
    headers: &'a [String],
    rec: &'a ::csv::StringRecord,
}

impl FlatRow for Row<'_> {
    fn col(&self, name: &str) -> Option<String> {
        let i = self
            .headers
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name))?;
        self.rec
            .get(i)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    }
}

/// Passes bytes through but fails once one CSV record (quote-aware: newlines inside quotes
/// do not end it) exceeds `max` bytes, so a hostile field cannot grow memory without bound.
struct RecordCap<R> {
    inner: R,
    max: usize,
    in_quotes: bool,
    since_break: usize,
}

const TOO_LONG: &str = "CSV record longer than the limit";

impl<R: Read> Read for RecordCap<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        for &b in &buf[..n] {
            match b {
                b'"' => self.in_quotes = !self.in_quotes,
                b'\n' if !self.in_quotes => {
                    self.since_break = 0;
                    continue;
                }
                _ => {}
            }
            self.since_break += 1;
            if self.since_break > self.max {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    TOO_LONG,
                ));
            }
        }
        Ok(n)
    }
}

/// Read every record; `f(line, result)` per record. A record over `MAX_RECORD` bytes is
/// reported once as a bad line and ends the file. Other I/O errors are returned.
pub fn read(
    r: impl Read,
    f: &mut dyn FnMut(u64, Result<Record, &'static str>),
) -> Result<(), ::csv::Error> {
    let capped = RecordCap {
        inner: r,
        max: crate::read::MAX_RECORD,
        in_quotes: false,
        since_break: 0,
    };
    let mut rdr = ::csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(capped);
    let headers: Vec<String> = rdr.headers()?.iter().map(normalise_header).collect();
    let mut rec = ::csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {
                let line = rec.position().map(|p| p.line()).unwrap_or(0);
                f(
                    line,
                    record_from_flat(&Row {
                        headers: &headers,
                        rec: &rec,
                    }),
                );
            }
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                if let ::csv::ErrorKind::Io(io) = e.kind() {
                    if io.to_string() == TOO_LONG {
                        f(line, Err(TOO_LONG));
                        return Ok(());
                    }
                    return Err(e);
                }
                f(line, Err("malformed CSV record"));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oversized_quoted_field_is_one_bad_record() {
        let mut data = b"TimeGenerated,OperationName\n2024-01-01T00:00:00Z,GetBlob\n\"".to_vec();
        data.extend(std::iter::repeat_n(b'a', crate::read::MAX_RECORD + 10));
        let mut got = Vec::new();
        read(&data[..], &mut |line, r| got.push((line, r.is_ok()))).unwrap();
        assert_eq!(got.len(), 2);
        assert!(got[0].1);
        assert!(!got[1].1);
    }
}
