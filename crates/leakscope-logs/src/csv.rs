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

/// Read every record; `f(line, result)` per record. Header errors are returned as `Err`.
pub fn read(
    r: impl Read,
    f: &mut dyn FnMut(u64, Result<Record, &'static str>),
) -> Result<(), ::csv::Error> {
    let mut rdr = ::csv::ReaderBuilder::new().flexible(true).from_reader(r);
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
                if matches!(e.kind(), ::csv::ErrorKind::Io(_)) {
                    return Err(e);
                }
                f(line, Err("malformed CSV record"));
            }
        }
    }
    Ok(())
}
