//! Shared types every leakscope crate speaks: severities, findings, provenance and limits.
//!
//! The field names of [`Finding`] are an output contract (DESIGN.md §3): add, never rename.

mod finding;
mod fingerprint;
mod limits;
mod redact;
mod severity;
mod skip;
mod text;

pub use finding::{Finding, GitInfo, Paired, RemovedAt, Validation};
pub use fingerprint::fingerprint;
pub use limits::Limits;
pub use redact::{redact, redact_query_secret};
pub use severity::{Confidence, ParseLevelError, Severity};
pub use skip::{SkipReason, Skipped};
pub use text::percent_decode;
