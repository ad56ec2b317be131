//! Opt-in live validation (`scan --validate`): is a leaked credential live, and whose is it?
//!
//! Each [`Provider`] makes its issuer's documented read-only identity call (GitHub
//! `GET /user`, STS `GetCallerIdentity`, Slack `auth.test` …). Safety comes from the
//! construction, not from care in each provider:
//!
//! - every request goes through [`leakscope_http::Client`], which can only send GET and
//!   HEAD and never follows a redirect;
//! - a provider reaches the network only through its [`Ctx`], whose [`Allowed`] admits the
//!   provider's own host(s), or exactly the origin named with `--endpoint NAME=URL`;
//! - every string of a result is scrubbed of the secrets that were sent, so a server that
//!   echoes a token back cannot put it into a report, a log line or the datastore.
//!
//! The [`Validator`] checks each distinct credential once (a secret by fingerprint; an AWS
//! key id with its secret as one pair), a few at a time, reuses [`Cache`]d results and
//! copies each result onto every finding it covers.
//!
//! [`Allowed`]: leakscope_http::Allowed

mod cache;
mod outcome;
mod pairs;
mod provider;
pub mod providers;
mod registry;
pub mod sigv4;
mod validator;

pub use cache::{Cache, CacheError, Cached, MemoryCache};
pub use outcome::{redact_validation, validation_from_json, Outcome, Status};
pub use pairs::{PairIndex, Partner};
pub use provider::{Candidate, Ctx, Provider};
pub use registry::{EndpointError, Endpoints, Registry};
pub use validator::{Options, Report, Validator};
