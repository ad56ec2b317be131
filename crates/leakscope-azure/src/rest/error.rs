use leakscope_http::HttpError;

/// Why a storage call produced no usable answer. Messages never hold a secret: URLs are
/// shown without their query, and service messages are redacted before they get here.
#[derive(Debug, thiserror::Error)]
pub enum RestError {
    #[error(transparent)]
    Http(#[from] HttpError),
    /// The service answered with an error status; `code` is its `x-ms-error-code`.
    #[error("HTTP {status}{}", code.as_deref().map(|c| format!(" {c}")).unwrap_or_default())]
    Service {
        status: u16,
        code: Option<String>,
        message: Option<String>,
    },
    #[error("unreadable response from {url}: {detail}")]
    Parse { url: String, detail: String },
    /// This credential's own request budget ran out.
    #[error("request budget of {0} exhausted")]
    Budget(u64),
}

impl RestError {
    pub fn code(&self) -> Option<&str> {
        match self {
            RestError::Service { code, .. } => code.as_deref(),
            _ => None,
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            RestError::Service { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The budget (ours or the client's) ran out: the answer is incomplete, not wrong.
    pub fn is_budget(&self) -> bool {
        matches!(
            self,
            RestError::Budget(_) | RestError::Http(HttpError::Budget(_))
        )
    }
}
