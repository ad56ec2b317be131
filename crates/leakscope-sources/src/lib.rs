//! Input sources. Each yields files (or blobs) with provenance; none knows about rules.

mod fs;

pub use fs::{walk, FileEntry, SourceError, WalkEvent, WalkOptions};
