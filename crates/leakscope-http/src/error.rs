/// A request that did not produce a response. Messages are already redacted: no query
/// strings, no secrets.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("refused to send a request to {0}: not a host this credential's provider owns (use --endpoint to name another)")]
    HostNotAllowed(String),
    #[error("request budget exhausted ({0} requests)")]
    Budget(u64),
    #[error("{url}: {message}")]
    Transport { url: String, message: String },
    #[error("{url}: timed out")]
    Timeout { url: String },
}
