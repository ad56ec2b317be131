use serde::Serialize;
use std::fmt;

/// Why an input was not scanned (in whole or in part).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    TooLarge {
        size: u64,
        limit: u64,
    },
    Unreadable {
        error: String,
    },
    SymlinkLoop,
    Symlink,
    SpecialFile,
    Excluded,
    TooManyFindings {
        dropped: usize,
    },
    /// An archive (or a member of one) hit an expansion limit: depth, total expanded
    /// bytes, member size, compression ratio or member count.
    ArchiveLimit {
        detail: String,
    },
    /// An archive member that could not be read (corrupt, encrypted, unsupported method).
    ArchiveUnreadable {
        detail: String,
    },
    /// Not read because the scan's byte budget (`--max-bytes`) was spent.
    OverBudget {
        limit: u64,
    },
    Other {
        detail: String,
    },
}

impl SkipReason {
    /// A short stable label used to group skips in the summary.
    pub fn label(&self) -> &'static str {
        match self {
            SkipReason::TooLarge { .. } => "too large",
            SkipReason::Unreadable { .. } => "unreadable",
            SkipReason::SymlinkLoop => "symlink loop",
            SkipReason::Symlink => "symlink not followed",
            SkipReason::SpecialFile => "special file",
            SkipReason::Excluded => "excluded",
            SkipReason::TooManyFindings { .. } => "too many findings",
            SkipReason::ArchiveLimit { .. } => "archive limit",
            SkipReason::ArchiveUnreadable { .. } => "archive member unreadable",
            SkipReason::OverBudget { .. } => "over --max-bytes",
            SkipReason::Other { .. } => "other",
        }
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::TooLarge { size, limit } => {
                write!(f, "file is {size} bytes, over the {limit}-byte limit")
            }
            SkipReason::Unreadable { error } => write!(f, "unreadable: {error}"),
            SkipReason::SymlinkLoop => f.write_str("symbolic link loop"),
            SkipReason::Symlink => f.write_str("symbolic link (not followed)"),
            SkipReason::SpecialFile => f.write_str("not a regular file (device, FIFO or socket)"),
            SkipReason::Excluded => f.write_str("excluded"),
            SkipReason::TooManyFindings { dropped } => {
                write!(f, "{dropped} further matches dropped (per-file limit)")
            }
            SkipReason::ArchiveLimit { detail } => write!(f, "archive limit: {detail}"),
            SkipReason::ArchiveUnreadable { detail } => {
                write!(f, "archive member unreadable: {detail}")
            }
            SkipReason::OverBudget { limit } => {
                write!(
                    f,
                    "not read: the {limit}-byte budget (--max-bytes) is spent"
                )
            }
            SkipReason::Other { detail } => f.write_str(detail),
        }
    }
}

/// An input (or part of one) that was skipped, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub path: String,
    pub reason: SkipReason,
}
