//! Input sources (filesystem walk, archive expansion, git history, Azure Storage). Each yields files (or blobs) with provenance; none knows about rules.

pub mod archive;
mod fs;
pub mod git;
pub mod storage;

pub use fs::{walk, FileEntry, SourceError, WalkEvent, WalkOptions};
