//! The only way leakscope talks to a live service. Built so that validation cannot change
//! remote state or leak a secret to the wrong place:
//!
//! - [`Method`] has two variants, `GET` and `HEAD`; there is no way to send anything else.
//! - Every request names the hosts it may go to ([`Allowed`]); a URL outside them is refused
//!   before any byte is sent, and redirects are never followed.
//! - Errors never carry a query string, and any secret handed to [`Client::send`] is
//!   replaced in every message.
//! - Timeouts, bounded retries with backoff, a per-host minimum interval and a cap on
//!   response bytes keep a hostile or slow server from holding a scan.

mod allowed;
mod client;
mod error;
mod rate;
mod redact;

pub use allowed::Allowed;
pub use client::{Client, ClientConfig, Method, Request, Response};
pub use error::HttpError;
pub use redact::{redact, redact_url};
pub use url::Url;
