//! Typed errors: every fault names what is wrong with the token so a user can fix or dismiss it.

/// Why a string is not a usable SAS token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SasError {
    #[error("no query parameters found")]
    Empty,
    #[error("input is longer than {0} bytes")]
    TooLong(usize),
    #[error("no `sig` parameter: without a signature this is not a usable SAS")]
    MissingSignature,
    #[error("`sig` is a placeholder (`{0}`), not a signature")]
    PlaceholderSignature(String),
    #[error("`sig` is not base64 of a 32-byte HMAC-SHA256 ({0})")]
    BadSignature(String),
    #[error("`{param}` is not a valid date/time: `{value}`")]
    BadDate { param: &'static str, value: String },
    #[error("unknown permission letter `{letter}` in `sp` for {context}")]
    UnknownPermission { letter: char, context: &'static str },
    #[error("unknown service letter `{0}` in `ss` (expected b, f, q, t)")]
    UnknownService(char),
    #[error("unknown resource type letter `{0}` in `srt` (expected s, c, o)")]
    UnknownResourceType(char),
    #[error("`sr={0}` is not a known signed resource")]
    UnknownSignedResource(String),
    #[error("`st` ({start}) is after `se` ({expiry}): the token can never be valid")]
    StartAfterExpiry { start: String, expiry: String },
    #[error("`sv={0}` is not a service version (YYYY-MM-DD)")]
    BadVersion(String),
    #[error("parameter `{0}` is given twice with different values")]
    Duplicate(String),
    #[error("no SAS parameters besides `sig` (need at least `sv`, `sp`, `se`, `si` or `sr`)")]
    NotSas,
}

/// Why offline signature verification could not be performed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("the account key is not base64")]
    BadKey,
    #[error("the account name is unknown (no URL)")]
    NoAccount,
    #[error("the signed resource path is unknown (no URL)")]
    NoResource,
    #[error("the storage service is unknown")]
    NoService,
    #[error("user delegation SAS are signed with a key only Azure AD can issue")]
    UserDelegation,
    #[error("no `sv`: the string-to-sign layout is unknown")]
    NoVersion,
}
