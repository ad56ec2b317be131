//! Input sources (filesystem walk, archive expansion, git history). Each yields files (or blobs) with provenance; none knows about rules.

pub mod archive;
mod fs;
pub mod git;

pub use fs::{walk, FileEntry, SourceError, WalkEvent, WalkOptions};
