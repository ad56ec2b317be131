//! Parallel filesystem walk with per-file bounds. Symbolic links are not followed unless
//! asked; loops are detected; devices, FIFOs and sockets are never opened.

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::{WalkBuilder, WalkState};
use leakscope_core::{SkipReason, Skipped};
use std::io::Read;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct WalkOptions {
    pub threads: usize,
    pub follow_symlinks: bool,
    /// Honour `.gitignore`/`.ignore` files. Off by default: secrets live in ignored files.
    pub respect_gitignore: bool,
    /// Glob patterns (gitignore syntax) of paths not to scan.
    pub excludes: Vec<String>,
    /// Directory names never descended into (e.g. `.git`, whose objects are compressed
    /// and scanned by the history source instead).
    pub skip_dir_names: Vec<String>,
}

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            threads: 0,
            follow_symlinks: false,
            respect_gitignore: false,
            excludes: Vec::new(),
            skip_dir_names: vec![".git".into()],
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("input {0} does not exist")]
    Missing(PathBuf),
    #[error("invalid exclude pattern `{pattern}`: {message}")]
    BadGlob { pattern: String, message: String },
}

/// A regular file found by the walk, not yet read.
#[derive(Debug, Clone)]
pub struct FileEntry {
    pub path: PathBuf,
    /// The path as the user would open it (input joined with the relative path).
    pub display: String,
    pub size: u64,
}

impl FileEntry {
    /// Reads the whole file into `buf` if it is at most `limit` bytes.
    pub fn read_into(&self, buf: &mut Vec<u8>, limit: u64) -> Result<(), SkipReason> {
        buf.clear();
        if self.size > limit {
            return Err(SkipReason::TooLarge {
                size: self.size,
                limit,
            });
        }
        let file = std::fs::File::open(&self.path).map_err(|e| SkipReason::Unreadable {
            error: e.to_string(),
        })?;
        // The file may have grown since we looked: never read past the limit.
        file.take(limit + 1)
            .read_to_end(buf)
            .map_err(|e| SkipReason::Unreadable {
                error: e.to_string(),
            })?;
        if buf.len() as u64 > limit {
            let size = buf.len() as u64;
            buf.clear();
            return Err(SkipReason::TooLarge { size, limit });
        }
        Ok(())
    }

    /// Reads at most `n` bytes from the start of the file.
    pub fn read_head(&self, n: usize) -> std::io::Result<Vec<u8>> {
        let mut buf = Vec::with_capacity(n.min(self.size as usize));
        std::fs::File::open(&self.path)?
            .take(n as u64)
            .read_to_end(&mut buf)?;
        Ok(buf)
    }
}

/// What the walk reports to a visitor.
#[derive(Debug)]
pub enum WalkEvent {
    File(FileEntry),
    Skipped(Skipped),
}

/// `--exclude` patterns with gitignore semantics relative to each input: `*.min.js` or
/// `node_modules` match at any depth, `docs/*.md` or `/vendor` only below the input
/// they were given for, `!keep.txt` re-includes.
struct Excludes {
    /// (input directory, matcher), longest directory first so nested inputs win.
    roots: Vec<(PathBuf, Gitignore)>,
}

impl Excludes {
    fn new(inputs: &[PathBuf], patterns: &[String]) -> Result<Excludes, SourceError> {
        let mut roots = Vec::new();
        if patterns.is_empty() {
            return Ok(Excludes { roots });
        }
        for input in inputs {
            let base = if input.is_dir() {
                input.clone()
            } else {
                input.parent().map(Path::to_path_buf).unwrap_or_default()
            };
            let mut b = GitignoreBuilder::new(&base);
            for g in patterns {
                b.add_line(None, g).map_err(|e| SourceError::BadGlob {
                    pattern: g.clone(),
                    message: e.to_string(),
                })?;
            }
            let gi = b.build().map_err(|e| SourceError::BadGlob {
                pattern: patterns.join(", "),
                message: e.to_string(),
            })?;
            roots.push((base, gi));
        }
        roots.sort_by_key(|(b, _)| std::cmp::Reverse(b.as_os_str().len()));
        Ok(Excludes { roots })
    }

    fn excluded(&self, path: &Path, is_dir: bool) -> bool {
        self.roots
            .iter()
            .find(|(base, _)| path.starts_with(base))
            .is_some_and(|(_, gi)| gi.matched(path, is_dir).is_ignore())
    }
}

/// Walks `inputs` on `opts.threads` threads. `make_visitor` is called once per thread; the
/// visitor it returns receives that thread's events (so it can keep per-thread buffers).
pub fn walk<F, V>(
    inputs: &[PathBuf],
    opts: &WalkOptions,
    make_visitor: F,
) -> Result<(), SourceError>
where
    F: Fn() -> V + Sync,
    V: FnMut(WalkEvent) + Send,
{
    let Some((first, rest)) = inputs.split_first() else {
        return Ok(());
    };
    for p in inputs {
        if std::fs::symlink_metadata(p).is_err() {
            return Err(SourceError::Missing(p.clone()));
        }
    }
    let mut builder = WalkBuilder::new(first);
    for p in rest {
        builder.add(p);
    }
    builder
        .threads(opts.threads)
        .follow_links(opts.follow_symlinks)
        .hidden(false)
        .parents(opts.respect_gitignore)
        .ignore(opts.respect_gitignore)
        .git_ignore(opts.respect_gitignore)
        .git_global(opts.respect_gitignore)
        .git_exclude(opts.respect_gitignore)
        .require_git(false);
    let excludes = Excludes::new(inputs, &opts.excludes)?;
    let skip_names = opts.skip_dir_names.clone();
    builder.filter_entry(move |e| {
        if e.depth() == 0 {
            return true;
        }
        let is_dir = e.file_type().is_some_and(|t| t.is_dir());
        let skipped_name = is_dir
            && e.file_name()
                .to_str()
                .is_some_and(|n| skip_names.iter().any(|s| s == n));
        !skipped_name && !excludes.excluded(e.path(), is_dir)
    });
    let follow = opts.follow_symlinks;
    builder.build_parallel().run(|| {
        let mut visit = make_visitor();
        Box::new(move |result| {
            match result {
                Ok(entry) => {
                    if let Some(ev) = classify(entry.path(), entry.file_type(), follow) {
                        visit(ev);
                    }
                }
                Err(err) => visit(WalkEvent::Skipped(skip_from_error(&err))),
            }
            WalkState::Continue
        })
    });
    Ok(())
}

fn classify(path: &Path, ft: Option<std::fs::FileType>, follow: bool) -> Option<WalkEvent> {
    let display = path.display().to_string();
    let skipped = |reason| {
        Some(WalkEvent::Skipped(Skipped {
            path: display.clone(),
            reason,
        }))
    };
    let ft = ft?;
    if ft.is_dir() {
        return None;
    }
    if ft.is_symlink() && !follow {
        return skipped(SkipReason::Symlink);
    }
    // With follow_links the entry's type is the target's; stat again to be sure what we open.
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            return skipped(SkipReason::Unreadable {
                error: e.to_string(),
            })
        }
    };
    if meta.is_dir() {
        return None;
    }
    if !meta.is_file() {
        return skipped(SkipReason::SpecialFile);
    }
    Some(WalkEvent::File(FileEntry {
        path: path.to_path_buf(),
        display,
        size: meta.len(),
    }))
}

fn skip_from_error(err: &ignore::Error) -> Skipped {
    fn find(err: &ignore::Error, path: Option<&Path>) -> Skipped {
        match err {
            ignore::Error::WithPath { path, err } => find(err, Some(path)),
            ignore::Error::WithDepth { err, .. } => find(err, path),
            ignore::Error::WithLineNumber { err, .. } => find(err, path),
            ignore::Error::Loop { child, .. } => Skipped {
                path: child.display().to_string(),
                reason: SkipReason::SymlinkLoop,
            },
            other => Skipped {
                path: path.map(|p| p.display().to_string()).unwrap_or_default(),
                reason: SkipReason::Unreadable {
                    error: other.to_string(),
                },
            },
        }
    }
    find(err, None)
}
