//! Input sources (filesystem walk, archive expansion). Each yields files (or blobs) with provenance; none knows about rules.

pub mod archive;
mod fs;

pub use fs::{walk, FileEntry, SourceError, WalkEvent, WalkOptions};
