use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    #[error("{origin}: not a valid rule file: {message}")]
    Parse { origin: String, message: String },
    #[error("{origin}: rule `{id}`: {message}")]
    Invalid {
        origin: String,
        id: String,
        message: String,
    },
    #[error("{origin}: rule `{id}`: pattern does not compile: {source}")]
    Regex {
        origin: String,
        id: String,
        #[source]
        source: regex::Error,
    },
    #[error("rule id `{id}` is defined twice ({first} and {second})")]
    Duplicate {
        id: String,
        first: String,
        second: String,
    },
    #[error("cannot read rule file {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}
