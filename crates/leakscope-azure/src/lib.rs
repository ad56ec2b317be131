//! Azure Storage credential intelligence: SAS parsing and risk (DESIGN.md §4), account keys
//! (including identifiable keys and the emulator key), connection strings, offline SAS
//! signature verification, other clouds' signed URLs, and scan enrichment.

pub mod analysis;
pub mod card;
pub mod connstr;
mod enrich;
pub mod error;
pub mod explain;
pub mod keys;
pub mod other;
pub mod permissions;
pub mod query;
pub mod risk;
pub mod sas;
pub mod signature;
pub mod source;
pub mod time;

pub use enrich::{enrich_findings, EnrichContext, KINDS};
pub use error::{SasError, VerifyError};
pub use explain::{explain, Explanation, NotRecognised};
pub use risk::{Risk, SignatureStatus};
pub use sas::{parse as parse_sas, SasKind, SasToken};
pub mod live;
pub mod rest;
