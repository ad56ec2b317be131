//! The audit report (the `--format json` contract) and its renderers.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::audit::FileStat;
use crate::correlate::LeakReport;
use crate::record::AuthKind;

/// Requests per authentication type.
#[derive(Debug, Default, Clone, Serialize)]
pub struct ByAuth {
    pub sas: u64,
    pub account_key: u64,
    pub oauth: u64,
    pub anonymous: u64,
    pub other: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct BadLine {
    pub file: String,
    pub line: u64,
    pub reason: String,
}

/// A raised flag.
#[derive(Debug, Clone, Serialize)]
pub struct Flag {
    /// `sas_write`, `sas_delete`, `sas_listing`, `sas_many_ips`, `anonymous_access`,
    /// `account_key_multiple_ips`.
    pub reason: String,
    /// The credential's `id`.
    pub id: String,
    pub auth: AuthKind,
    pub detail: String,
}

/// Usage of one credential.
#[derive(Debug, Clone, Serialize)]
pub struct CredentialReport {
    pub auth: AuthKind,
    pub id: String,
    pub account: Option<String>,
    /// SAS parameters without `sig` (a SAS's identity when the log has no hash).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sas_params: Option<String>,
    /// The log's token hash, as logged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
    pub requests: u64,
    pub first_use: Option<String>,
    pub last_use: Option<String>,
    pub ips: Vec<String>,
    /// Distinct IPs not kept once the cap was reached.
    pub ips_overflow: u64,
    pub user_agents: Vec<String>,
    pub user_agents_overflow: u64,
    pub operations: BTreeMap<String, u64>,
    pub operations_overflow: u64,
    pub reads: u64,
    pub writes: u64,
    pub deletes: u64,
    pub lists: u64,
    /// Request plus response body bytes.
    pub bytes: u64,
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub errors: u64,
    pub error_rate: f64,
    pub flags: Vec<String>,
}

/// The whole audit.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub requests: u64,
    pub bad_lines: u64,
    pub bad_line_examples: Vec<BadLine>,
    pub by_auth: ByAuth,
    pub credentials: Vec<CredentialReport>,
    pub credentials_overflow: u64,
    pub flags: Vec<Flag>,
    pub leaks: Vec<LeakReport>,
    pub files: Vec<FileStat>,
    pub errors: Vec<String>,
}

impl Report {
    /// One pretty JSON object.
    pub fn write_json(&self, out: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, self)?;
        writeln!(out)
    }

    /// One JSON object per line, each with a `type`: `summary` first, then `credential`,
    /// `flag`, `leak`, `bad_line`, `file`.
    pub fn write_jsonl(&self, out: &mut dyn Write) -> io::Result<()> {
        #[derive(Serialize)]
        struct Summary<'a> {
            r#type: &'static str,
            requests: u64,
            bad_lines: u64,
            by_auth: &'a ByAuth,
            credentials: usize,
            credentials_overflow: u64,
            flags: usize,
            errors: &'a [String],
        }
        #[derive(Serialize)]
        struct Tagged<'a, T: Serialize> {
            r#type: &'static str,
            #[serde(flatten)]
            item: &'a T,
        }
        let mut line = |v: &dyn erased::Ser| -> io::Result<()> {
            v.write(out)?;
            writeln!(out)
        };
        line(&Summary {
            r#type: "summary",
            requests: self.requests,
            bad_lines: self.bad_lines,
            by_auth: &self.by_auth,
            credentials: self.credentials.len(),
            credentials_overflow: self.credentials_overflow,
            flags: self.flags.len(),
            errors: &self.errors,
        })?;
        for c in &self.credentials {
            line(&Tagged {
                r#type: "credential",
                item: c,
            })?;
        }
        for f in &self.flags {
            line(&Tagged {
                r#type: "flag",
                item: f,
            })?;
        }
        for l in &self.leaks {
            line(&Tagged {
                r#type: "leak",
                item: l,
            })?;
        }
        for b in &self.bad_line_examples {
            line(&Tagged {
                r#type: "bad_line",
                item: b,
            })?;
        }
        for f in &self.files {
            line(&Tagged {
                r#type: "file",
                item: f,
            })?;
        }
        Ok(())
    }

    /// A readable summary.
    pub fn write_human(&self, out: &mut dyn Write) -> io::Result<()> {
        let b = &self.by_auth;
        writeln!(
            out,
            "{} requests in {} files ({} bad lines): {} SAS, {} account key, {} OAuth, {} anonymous, {} other",
            self.requests,
            self.files.len(),
            self.bad_lines,
            b.sas,
            b.account_key,
            b.oauth,
            b.anonymous,
            b.other
        )?;
        for c in &self.credentials {
            writeln!(out)?;
            writeln!(out, "{} {}", c.auth.as_str().to_uppercase(), c.id)?;
            writeln!(
                out,
                "  {} requests, {} → {}",
                c.requests,
                c.first_use.as_deref().unwrap_or("?"),
                c.last_use.as_deref().unwrap_or("?")
            )?;
            writeln!(
                out,
                "  reads {}, writes {}, deletes {}, lists {}, {} bytes, {} errors ({:.1}%)",
                c.reads,
                c.writes,
                c.deletes,
                c.lists,
                c.bytes,
                c.errors,
                c.error_rate * 100.0
            )?;
            let more = |n: u64| {
                if n > 0 {
                    format!(" (+{n} more)")
                } else {
                    String::new()
                }
            };
            writeln!(out, "  IPs: {}{}", c.ips.join(", "), more(c.ips_overflow))?;
            writeln!(
                out,
                "  user agents: {}{}",
                c.user_agents.join(" | "),
                more(c.user_agents_overflow)
            )?;
            let ops: Vec<String> = c
                .operations
                .iter()
                .map(|(k, v)| format!("{k}×{v}"))
                .collect();
            writeln!(out, "  operations: {}", ops.join(", "))?;
        }
        if !self.flags.is_empty() {
            writeln!(out)?;
            writeln!(out, "FLAGS")?;
            for f in &self.flags {
                writeln!(out, "  {:<26} {}  ({})", f.reason, f.detail, f.id)?;
            }
        }
        if !self.leaks.is_empty() {
            writeln!(out)?;
            writeln!(out, "LEAKED CREDENTIALS")?;
            for l in &self.leaks {
                let used = match l.used {
                    Some(true) => "USED",
                    Some(false) => "not used",
                    None => "unknown (no secret in findings)",
                };
                writeln!(
                    out,
                    "  {}:{} {} {} — {}",
                    l.path, l.line, l.kind, l.secret_redacted, used
                )?;
                if l.used == Some(true) {
                    writeln!(
                        out,
                        "    {} requests, {} → {}",
                        l.requests,
                        l.first_use.as_deref().unwrap_or("?"),
                        l.last_use.as_deref().unwrap_or("?")
                    )?;
                }
                if let Some(d) = &l.leaked_at {
                    writeln!(
                        out,
                        "    leaked {d}: {} requests after that date{}",
                        l.requests_after_leak,
                        l.first_use_after_leak
                            .as_deref()
                            .map(|t| format!(", first at {t}"))
                            .unwrap_or_default()
                    )?;
                }
            }
        }
        for e in &self.errors {
            writeln!(out, "error: {e}")?;
        }
        Ok(())
    }
}

/// Object-safe serialisation to a writer (so the jsonl writer can take any item).
mod erased {
    use std::io::{self, Write};

    pub trait Ser {
        fn write(&self, out: &mut dyn Write) -> io::Result<()>;
    }

    impl<T: serde::Serialize> Ser for T {
        fn write(&self, out: &mut dyn Write) -> io::Result<()> {
            serde_json::to_writer(out, self).map_err(io::Error::from)
        }
    }
}
