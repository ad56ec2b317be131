//! CSV: one row per occurrence (a secret found in three places is three rows sharing its
//! `id`), so a spreadsheet can sort and filter by file. RFC 4180 quoting by the `csv`
//! crate; cells that a spreadsheet would evaluate as a formula are defused.

use super::{exposure, StoreReport};
use serde_json::Value;
use std::io::{self, Write};

const HEADER: &[&str] = &[
    "id",
    "fingerprint",
    "severity",
    "status",
    "kind",
    "rule_id",
    "rule_name",
    "path",
    "line",
    "column",
    "commit",
    "author",
    "commit_date",
    "at_head",
    "occurrence_first_seen",
    "occurrence_last_seen",
    "secret_first_seen",
    "secret_last_seen",
    "exposure_start",
    "exposure_end",
    "risk",
    "validation",
    "secret_redacted",
    "note",
];

/// A leading `=`, `+`, `-`, `@`, tab or carriage return makes spreadsheets evaluate a
/// cell; text from scanned files must never run, so such cells get a `'` in front.
pub(crate) fn defuse(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

fn str_at<'v>(v: Option<&'v Value>, key: &str) -> &'v str {
    v.and_then(|v| v.get(key))
        .and_then(Value::as_str)
        .unwrap_or("")
}

pub fn write(r: &StoreReport<'_>, out: &mut dyn Write) -> io::Result<()> {
    let mut w = ::csv::Writer::from_writer(out);
    let err = io::Error::other;
    w.write_record(HEADER).map_err(err)?;
    for d in &r.export.secrets {
        let e = exposure(d, r.now);
        let risk = str_at(d.analysis.as_ref(), "risk");
        let validation = str_at(d.validation.as_ref(), "status");
        let secret_cells = |loc: Option<&leakscope_store::Occurrence>| -> Vec<String> {
            let git = loc.and_then(|o| o.git.as_ref());
            let at_head = git
                .and_then(|g| g.get("present_at_head"))
                .and_then(Value::as_bool)
                .map(|b| b.to_string())
                .unwrap_or_default();
            vec![
                d.row.id.to_string(),
                d.row.fingerprint.clone(),
                d.row.severity.clone(),
                d.row.status.clone(),
                d.row.kind.clone(),
                d.row.rule_id.clone(),
                d.rule_name.clone().unwrap_or_default(),
                loc.map(|o| o.path.clone()).unwrap_or_default(),
                loc.map(|o| o.line.to_string()).unwrap_or_default(),
                loc.map(|o| o.column.to_string()).unwrap_or_default(),
                str_at(git, "commit").to_string(),
                str_at(git, "author").to_string(),
                str_at(git, "date").to_string(),
                at_head,
                loc.map(|o| o.first_seen.clone()).unwrap_or_default(),
                loc.map(|o| o.last_seen.clone()).unwrap_or_default(),
                d.row.first_seen.clone(),
                d.row.last_seen.clone(),
                e.start.clone(),
                e.end.clone(),
                risk.to_string(),
                validation.to_string(),
                d.row.secret_redacted.clone(),
                d.row.note.clone().unwrap_or_default(),
            ]
        };
        let rows: Vec<Vec<String>> = if d.locations.is_empty() {
            vec![secret_cells(None)]
        } else {
            d.locations.iter().map(|o| secret_cells(Some(o))).collect()
        };
        for row in rows {
            w.write_record(row.iter().map(|c| defuse(c))).map_err(err)?;
        }
    }
    w.flush()
}
