//! Azure Storage log parsing and credential-usage audit.
//!
//! Reads classic Storage Analytics logs (`$logs`, versions 1.0 and 2.0), Azure Monitor
//! resource logs (`StorageBlobLogs`, `StorageFileLogs`, `StorageQueueLogs`,
//! `StorageTableLogs`) as JSON lines, and Log Analytics exports (JSON array, JSON lines or
//! CSV), gzip-compressed or not, detected by content. Every input is streamed: memory does
//! not grow with the size of a log, and per-credential sets are capped.
//!
//! [`Auditor`] aggregates [`Record`]s into a [`report::Report`]: requests by authentication
//! type, one entry per credential (SAS identity, key hash, OAuth principal, anonymous
//! account), risk flags, and, with a [`correlate::Correlator`], whether leaked credentials
//! from a `leakscope scan` were used.

pub mod audit;
pub mod classic;
pub mod correlate;
pub mod csv;
pub mod detect;
mod html;
pub mod monitor_json;
pub mod read;
pub mod record;
pub mod report;

pub use audit::{AuditOptions, Auditor};
pub use correlate::Correlator;
pub use detect::LogFormat;
pub use record::{AuthKind, OpClass, Record};
pub use report::Report;

/// Errors that stop reading a whole input (never a single bad line: those are counted).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("findings file line {line}: {message}")]
    Findings { line: u64, message: String },
}
