//! What `git commit` would record: the index entries whose blob differs from HEAD's tree
//! (changed and new files), read from the object database, not the working tree. No
//! history walk: the cost is one pass over HEAD's tree and the index.

use super::GitError;
use leakscope_core::{SkipReason, Skipped};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use gix::ObjectId;

/// Options of a staged scan.
#[derive(Debug, Clone, Default)]
pub struct StagedOptions {
    /// Blobs larger than this are skipped with a reason.
    pub max_blob_size: u64,
    /// `--exclude` patterns (gitignore syntax, relative to the input).
    pub excludes: Vec<String>,
}

/// One item of a staged scan.
#[derive(Debug)]
pub enum StagedEvent {
    /// A staged blob. `display` is the input joined with the file's path below it;
    /// `path` is the path in the repository.
    Blob {
        display: String,
        path: String,
        blob: String,
        bytes: Vec<u8>,
    },
    Skipped(Skipped),
}

/// Totals of one staged scan.
#[derive(Debug, Clone, Copy, Default)]
pub struct StagedStats {
    /// Index entries under the input.
    pub entries: usize,
    /// Of those, new or changed relative to HEAD.
    pub staged: usize,
}

/// Reads the staged changes of the repository holding `input` (a repository's working
/// tree, a directory or a file in it; only index entries at or below it count) and calls
/// `on_event` for each new or changed regular file. Deletions, submodules and symbolic
/// links are not content and are left out; so are unresolved conflicts (`git commit`
/// refuses them) and intent-to-add entries (`git add -N`: no content staged yet).
pub fn scan_staged(
    input: &Path,
    opts: &StagedOptions,
    on_event: &mut dyn FnMut(StagedEvent),
) -> Result<StagedStats, GitError> {
    let fail = |message: String| GitError {
        repo: input.display().to_string(),
        message,
    };
    let repo = gix::discover(input).map_err(|e| fail(format!("--staged: {e}")))?;
    let workdir = repo
        .workdir()
        .ok_or_else(|| fail("--staged: a bare repository has no index".to_string()))?;
    let prefix = repo_prefix(input, workdir).map_err(&fail)?;
    let excludes = if opts.excludes.is_empty() {
        None
    } else {
        let mut b = ignore::gitignore::GitignoreBuilder::new(input);
        for g in &opts.excludes {
            b.add_line(None, g)
                .map_err(|e| fail(format!("exclude `{g}`: {e}")))?;
        }
        Some(b.build().map_err(|e| fail(e.to_string()))?)
    };

    // HEAD's files (none before the first commit).
    let mut at_head: HashMap<String, ObjectId> = HashMap::new();
    if let Ok(tree) = repo.head_tree_id() {
        let mut stack = vec![(tree.detach(), String::new())];
        while let Some((id, dir)) = stack.pop() {
            let tree = repo
                .find_tree(id)
                .map_err(|e| fail(format!("tree {id}: {e}")))?;
            let decoded = tree.decode().map_err(|e| fail(format!("tree {id}: {e}")))?;
            for e in &decoded.entries {
                let name = e.filename.to_string();
                let path = if dir.is_empty() {
                    name
                } else {
                    format!("{dir}/{name}")
                };
                // Only what can hold the staged entries (below the input) is descended.
                if e.mode.is_tree() {
                    if within(&path, &prefix) || prefix.starts_with(&format!("{path}/")) {
                        stack.push((e.oid.to_owned(), path));
                    }
                } else if e.mode.is_blob() && within(&path, &prefix) {
                    at_head.insert(path, e.oid.to_owned());
                }
            }
        }
    }

    let index = repo
        .index_or_empty()
        .map_err(|e| fail(format!("reading the index: {e}")))?;
    let mut stats = StagedStats::default();
    for entry in index.entries() {
        let path = entry.path(&index).to_string();
        if !within(&path, &prefix) {
            continue;
        }
        stats.entries += 1;
        let regular = entry.mode == gix::index::entry::Mode::FILE
            || entry.mode == gix::index::entry::Mode::FILE_EXECUTABLE;
        if !regular
            || entry.stage_raw() != 0
            || entry
                .flags
                .contains(gix::index::entry::Flags::INTENT_TO_ADD)
            || at_head.get(&path) == Some(&entry.id)
        {
            continue;
        }
        let below = path
            .get(prefix.len()..)
            .unwrap_or_default()
            .trim_start_matches('/');
        let file: PathBuf = if below.is_empty() {
            input.to_path_buf()
        } else {
            input.join(below)
        };
        if let Some(gi) = &excludes {
            if gi.matched_path_or_any_parents(&file, false).is_ignore() {
                continue;
            }
        }
        stats.staged += 1;
        let display = file.display().to_string();
        let size = match repo.find_header(entry.id) {
            Ok(h) => h.size(),
            Err(e) => {
                on_event(StagedEvent::Skipped(Skipped {
                    path: display,
                    reason: SkipReason::Unreadable {
                        error: e.to_string(),
                    },
                }));
                continue;
            }
        };
        if size > opts.max_blob_size {
            on_event(StagedEvent::Skipped(Skipped {
                path: display,
                reason: SkipReason::TooLarge {
                    size,
                    limit: opts.max_blob_size,
                },
            }));
            continue;
        }
        match repo.find_object(entry.id) {
            Ok(obj) => on_event(StagedEvent::Blob {
                display,
                path,
                blob: entry.id.to_string(),
                bytes: obj.detach().data,
            }),
            Err(e) => on_event(StagedEvent::Skipped(Skipped {
                path: display,
                reason: SkipReason::Unreadable {
                    error: e.to_string(),
                },
            })),
        }
    }
    Ok(stats)
}

/// `input`'s path in the repository whose working tree is `workdir` ("" for the root).
fn repo_prefix(input: &Path, workdir: &Path) -> Result<String, String> {
    let canon = |p: &Path| {
        p.canonicalize()
            .map_err(|e| format!("{}: {e}", p.display()))
    };
    let (input, workdir) = (canon(input)?, canon(workdir)?);
    let rel = input.strip_prefix(&workdir).map_err(|_| {
        format!(
            "{} is not in the working tree {}",
            input.display(),
            workdir.display()
        )
    })?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Ok(parts.join("/"))
}

/// Whether repository path `path` is `prefix` or below it.
fn within(path: &str, prefix: &str) -> bool {
    prefix.is_empty()
        || path == prefix
        || (path.starts_with(prefix) && path.as_bytes().get(prefix.len()) == Some(&b'/'))
}
