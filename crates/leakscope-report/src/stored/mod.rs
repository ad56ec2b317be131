//! Reports of a datastore (`leakscope report`): one entry per secret with every
//! occurrence, its analysis and triage, as HTML, JSON, JSON lines, SARIF or CSV.

mod csv;
mod sarif;

use crate::RuleMeta;
use leakscope_store::{Export, SecretDetail};
use serde::Serialize;
use serde_json::{Map, Value};
use std::io::{self, Write};

/// Output format of `report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreFormat {
    Html,
    Json,
    Jsonl,
    Sarif,
    Csv,
}

/// Extra, kind-specific advice for a secret (e.g. how to revoke a SAS), supplied by the
/// caller so this crate stays free of credential knowledge.
pub type AdviceFn<'a> = dyn Fn(&SecretDetail) -> Option<Value> + 'a;

/// What a datastore report shows.
pub struct StoreReport<'a> {
    pub export: &'a Export,
    /// The clock for "now" (exposure that has not ended, remaining lifetimes), RFC 3339.
    pub now: jiff::Timestamp,
    pub tool_version: &'a str,
    /// How the datastore is named in the report (its path as given).
    pub datastore: &'a str,
    /// Rule metadata for SARIF's descriptors; rules missing here are described by name.
    pub rules: &'a [RuleMeta],
    pub advice: &'a AdviceFn<'a>,
}

/// When a secret was exposed: from the first sighting (the commit that added it, or the
/// first scan that found it) to its removal, or to now while it is still there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exposure {
    pub start: String,
    pub end: String,
    /// `removed_from_head` (git: no longer at HEAD, still in history),
    /// `not_found_by_later_scan` (a later scan of the same inputs missed it) or `ongoing`.
    pub end_reason: &'static str,
}

fn parse(t: &str) -> Option<jiff::Timestamp> {
    t.parse().ok()
}

/// The earliest of RFC 3339 strings, compared as times (text order breaks on fractions).
fn earliest<'s>(times: impl IntoIterator<Item = &'s str>) -> Option<&'s str> {
    times
        .into_iter()
        .filter_map(|t| parse(t).map(|p| (p, t)))
        .min_by_key(|(p, _)| *p)
        .map(|(_, t)| t)
}

pub fn exposure(d: &SecretDetail, now: jiff::Timestamp) -> Exposure {
    let git_starts = d
        .locations
        .iter()
        .filter_map(|o| o.git.as_ref()?.get("first_seen")?.as_str());
    let start = earliest(git_starts.chain([d.row.first_seen.as_str()]))
        .unwrap_or(&d.row.first_seen)
        .to_string();
    let (end, end_reason) = match (&d.removed_at, d.present_at_head) {
        (Some(r), Some(false)) => (r.clone(), "removed_from_head"),
        _ if d.absent_from_later_scan => (d.row.last_seen.clone(), "not_found_by_later_scan"),
        _ => (now.to_string(), "ongoing"),
    };
    Exposure {
        start,
        end,
        end_reason,
    }
}

/// One secret as JSON: the store's fields plus its exposure window.
pub fn secret_json(d: &SecretDetail, now: jiff::Timestamp) -> Value {
    let mut v = serde_json::to_value(d).unwrap_or(Value::Null);
    if let Some(obj) = v.as_object_mut() {
        obj.insert(
            "exposure".into(),
            serde_json::to_value(exposure(d, now)).unwrap_or(Value::Null),
        );
    }
    v
}

/// Everything the HTML page embeds.
fn page_data(r: &StoreReport<'_>) -> Value {
    let secrets: Vec<Value> = r
        .export
        .secrets
        .iter()
        .map(|d| {
            let mut v = secret_json(d, r.now);
            if let (Some(obj), Some(a)) = (v.as_object_mut(), (r.advice)(d)) {
                obj.insert("advice".into(), a);
            }
            v
        })
        .collect();
    let mut m = Map::new();
    m.insert("generated_at".into(), r.now.to_string().into());
    m.insert("tool_version".into(), r.tool_version.into());
    m.insert("datastore".into(), r.datastore.into());
    m.insert(
        "scans".into(),
        serde_json::to_value(&r.export.scans).unwrap_or(Value::Null),
    );
    m.insert("secrets".into(), Value::Array(secrets));
    Value::Object(m)
}

pub fn render_store(
    format: StoreFormat,
    r: &StoreReport<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        StoreFormat::Html => crate::html::render(&page_data(r), out),
        StoreFormat::Json => {
            let all: Vec<Value> = r
                .export
                .secrets
                .iter()
                .map(|d| secret_json(d, r.now))
                .collect();
            serde_json::to_writer_pretty(&mut *out, &all)?;
            writeln!(out)
        }
        StoreFormat::Jsonl => {
            for d in &r.export.secrets {
                serde_json::to_writer(&mut *out, &secret_json(d, r.now))?;
                writeln!(out)?;
            }
            Ok(())
        }
        StoreFormat::Sarif => {
            serde_json::to_writer_pretty(&mut *out, &sarif::build(r))?;
            writeln!(out)
        }
        StoreFormat::Csv => csv::write(r, out),
    }
}
