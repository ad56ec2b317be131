//! Azure Storage containers as a source: the blobs of a [`StorageInput`] with the same
//! limits as files (`--max-file-size` per blob, `--exclude` on blob names) and a total
//! byte budget (`--max-bytes`), decided from the listing before anything is read.

use leakscope_azure::source::{BlobRef, StorageInput, StorageInputError};
use leakscope_core::{SkipReason, Skipped};
use leakscope_http::Client;

pub use leakscope_azure::source::{looks_like_storage, Credentials};

#[derive(Debug, Clone)]
pub struct StorageOptions {
    pub max_file_size: u64,
    /// Most bytes read across every storage input; `None` for no limit.
    pub max_total_bytes: Option<u64>,
    /// Gitignore-syntax patterns matched against `container/blob/name`.
    pub excludes: Vec<String>,
}

pub enum StorageEvent {
    /// A blob to read with [`fetch`].
    Blob(BlobRef),
    Skipped(Skipped),
}

/// Lists `input`; each blob within the limits is emitted, each over them skipped with its
/// reason, excluded ones silently left out (as files are). `spent` carries the byte budget
/// across inputs.
pub fn list(
    input: &StorageInput,
    http: &Client,
    opts: &StorageOptions,
    spent: &mut u64,
    emit: &mut dyn FnMut(StorageEvent),
) -> Result<(), StorageInputError> {
    let excludes = excludes(&opts.excludes).map_err(StorageInputError::Invalid)?;
    input.list(http, &mut |b: BlobRef| {
        let rel = format!("{}/{}", b.container, b.name);
        if excludes
            .as_ref()
            .is_some_and(|g| g.matched_path_or_any_parents(&rel, false).is_ignore())
        {
            return;
        }
        let skip = |reason| {
            StorageEvent::Skipped(Skipped {
                path: b.url.clone(),
                reason,
            })
        };
        if b.size > opts.max_file_size {
            return emit(skip(SkipReason::TooLarge {
                size: b.size,
                limit: opts.max_file_size,
            }));
        }
        if let Some(limit) = opts.max_total_bytes {
            if spent.saturating_add(b.size) > limit {
                return emit(skip(SkipReason::OverBudget { limit }));
            }
        }
        *spent += b.size;
        emit(StorageEvent::Blob(b));
    })
}

/// Reads one listed blob (at most `max_file_size` bytes, in case it grew since).
pub fn fetch(
    input: &StorageInput,
    http: &Client,
    blob: &BlobRef,
    opts: &StorageOptions,
) -> Result<Vec<u8>, Skipped> {
    if blob.size == 0 {
        return Ok(Vec::new());
    }
    input
        .fetch(http, blob, opts.max_file_size)
        .map_err(|e| Skipped {
            path: blob.url.clone(),
            reason: SkipReason::Unreadable {
                error: e.to_string(),
            },
        })
}

fn excludes(patterns: &[String]) -> Result<Option<ignore::gitignore::Gitignore>, String> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut b = ignore::gitignore::GitignoreBuilder::new("");
    for p in patterns {
        b.add_line(None, p)
            .map_err(|e| format!("exclude `{p}`: {e}"))?;
    }
    b.build().map(Some).map_err(|e| e.to_string())
}
