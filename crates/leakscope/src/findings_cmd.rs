//! `leakscope findings list|show|set-status`: triage of the secrets a datastore holds.

use anyhow::Context;
use clap::{Subcommand, ValueEnum};
use leakscope_store::Store;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Human,
    Json,
    Jsonl,
    Csv,
}

#[derive(Debug, clap::Args)]
pub struct StoreArg {
    /// The datastore (default: `$XDG_DATA_HOME/leakscope/leakscope.db`, else
    /// `~/.local/share/leakscope/leakscope.db`).
    #[arg(long, value_name = "PATH")]
    pub datastore: Option<PathBuf>,
}

impl StoreArg {
    pub fn open(&self) -> anyhow::Result<Store> {
        let path = self
            .datastore
            .clone()
            .unwrap_or_else(leakscope_store::default_path);
        if !path.exists() {
            anyhow::bail!(
                "no datastore at {} (record scans with `leakscope scan --datastore`)",
                path.display()
            );
        }
        Ok(Store::open(&path)?)
    }
}

#[derive(Debug, Subcommand)]
pub enum FindingsCommand {
    /// One line per secret: id, severity, status, occurrences, first/last seen (human, json,
    /// jsonl, or csv for spreadsheets).
    List {
        #[command(flatten)]
        store: StoreArg,
        #[arg(long, value_enum, default_value = "human")]
        format: ListFormat,
    },
    /// A secret with every occurrence, its latest analysis and its status history.
    Show {
        id: i64,
        #[command(flatten)]
        store: StoreArg,
    },
    /// Triage: open, false_positive, accepted_risk, revoked or fixed (kept across rescans).
    SetStatus {
        id: i64,
        status: String,
        #[arg(long)]
        note: Option<String>,
        #[command(flatten)]
        store: StoreArg,
    },
}

pub fn run(cmd: FindingsCommand) -> anyhow::Result<i32> {
    let mut out = std::io::stdout().lock();
    match cmd {
        FindingsCommand::List { store, format } => {
            let rows = store.open()?.list()?;
            match format {
                ListFormat::Json => {
                    serde_json::to_writer_pretty(&mut out, &rows)?;
                    writeln!(out)?;
                }
                ListFormat::Jsonl => {
                    for r in &rows {
                        serde_json::to_writer(&mut out, r)?;
                        writeln!(out)?;
                    }
                }
                ListFormat::Csv => {
                    writeln!(
                        out,
                        "id,fingerprint,rule_id,kind,severity,status,occurrences,scans,first_seen,last_seen,secret_redacted,note"
                    )?;
                    for r in &rows {
                        let fields = [
                            r.id.to_string(),
                            r.fingerprint.clone(),
                            r.rule_id.clone(),
                            r.kind.clone(),
                            r.severity.clone(),
                            r.status.clone(),
                            r.occurrences.to_string(),
                            r.scans.to_string(),
                            r.first_seen.clone(),
                            r.last_seen.clone(),
                            r.secret_redacted.clone(),
                            r.note.clone().unwrap_or_default(),
                        ];
                        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
                        writeln!(out, "{}", line.join(","))?;
                    }
                }
                ListFormat::Human => {
                    for r in &rows {
                        writeln!(
                            out,
                            "{:>5}  {:<8} {:<14} {:>3}x  {}  {} -> {}  {}",
                            r.id,
                            r.severity,
                            r.status,
                            r.occurrences,
                            r.rule_id,
                            r.first_seen,
                            r.last_seen,
                            r.secret_redacted
                        )?;
                    }
                    writeln!(out, "{} secrets", rows.len())?;
                }
            }
        }
        FindingsCommand::Show { id, store } => {
            let d = store.open()?.detail(id)?;
            let v = serde_json::json!({
                "secret": d.row,
                "rule_name": d.rule_name,
                "analysis": d.analysis,
                "validation": d.validation,
                "present_at_head": d.present_at_head,
                "occurrences": d.locations,
                "status_history": d.status_history,
            });
            serde_json::to_writer_pretty(&mut out, &v)?;
            writeln!(out)?;
        }
        FindingsCommand::SetStatus {
            id,
            status,
            note,
            store,
        } => {
            let mut s = store.open()?;
            s.set_status(
                id,
                &status,
                note.as_deref(),
                &jiff::Timestamp::now().to_string(),
            )
            .with_context(|| format!("setting the status of secret {id}"))?;
            writeln!(out, "secret {id}: {status}")?;
        }
    }
    Ok(0)
}

/// RFC 4180 quoting; a leading `=`, `+`, `-` or `@` is prefixed with `'` so a spreadsheet
/// never evaluates text that came from scanned files.
fn csv_field(s: &str) -> String {
    let guarded = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
    }
}
