//! Typed errors. Analysis itself never fails outward: problems with a file become a
//! `malformed`/`unsupported` verdict with a reason; these types carry the why.

use thiserror::Error;

/// A user policy file could not be used.
#[derive(Debug, Error)]
pub enum PolicyError {
    #[error("policy file is not valid TOML for the policy schema: {0}")]
    Parse(String),
    #[error("invalid global pattern {0:?} (expected dotted `module.name` or `module.*`)")]
    Pattern(String),
    #[error("cannot read policy file {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// Why reading a pickle stream stopped before `STOP`.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum PickleError {
    #[error("truncated at byte {0}")]
    Truncated(u64),
    #[error("unknown opcode 0x{op:02x} at byte {pos}")]
    UnknownOpcode { op: u8, pos: u64 },
    #[error("{what} at byte {pos}")]
    Invalid { what: &'static str, pos: u64 },
    #[error("limit exceeded: {0}")]
    Limit(&'static str),
    #[error("read error: {0}")]
    Io(String),
}

/// A container (zip, tar, npy, …) could not be read.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ContainerError {
    #[error("{0}")]
    Malformed(String),
    #[error("{0}")]
    Unsupported(String),
    #[error("read error: {0}")]
    Io(String),
}

impl From<std::io::Error> for ContainerError {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::UnexpectedEof {
            ContainerError::Malformed("unexpected end of file".into())
        } else {
            ContainerError::Io(e.to_string())
        }
    }
}
