//! Archive and compressed-file expansion: zip (and jar, apk, whl, docx …), tar, gzip,
//! bzip2, xz and zstd, detected by content and nested to a bounded depth.
//!
//! [`expand`] turns one file's bytes into the blobs inside it, each with a display path
//! `outer.zip!dir/inner.tar.gz!file` (compression layers add no segment: what is inside
//! `a.env.gz` is reported as `a.env.gz`). Every limit that stops expansion is reported as
//! a skip with its reason; nothing here panics or allocates beyond the limits.

mod compress;
mod detect;
mod limits;
mod tar;
mod zip;

pub use detect::{detect, Kind};
pub use limits::{ArchiveLimits, MAX_COMPRESSION_LAYERS};

use leakscope_core::{SkipReason, Skipped};
use limits::{Budget, ReadError};
use std::io::Read;

/// Separates a container's path from a member's path.
pub const SEPARATOR: char = '!';

/// What the expander reports.
#[derive(Debug)]
pub enum Event<'a> {
    /// A member that is itself an archive or compressed stream, before it is opened (the
    /// caller may want to analyse the container as a whole, e.g. a PyTorch zip).
    Container { path: &'a str, bytes: &'a [u8] },
    /// A member that is not a container: scan it.
    Blob { path: &'a str, bytes: &'a [u8] },
    /// A member (or the rest of an archive) that was not expanded, and why.
    Skipped(Skipped),
}

/// One member as an archive format yields it.
pub(crate) struct Member<'r> {
    pub name: String,
    /// The member's decompressed bytes, or why they cannot be read.
    pub reader: Result<&'r mut dyn Read, String>,
    /// Bytes the member occupies in the archive (for the ratio limit).
    pub compressed: u64,
}

/// Expands `bytes` (the content of the file shown as `path`) if it is a container.
/// Returns `false` when it is not one, or is not readable as one: the caller then scans
/// `bytes` itself. The top-level file gets no [`Event::Container`].
pub fn expand(
    path: &str,
    bytes: &[u8],
    limits: &ArchiveLimits,
    visit: &mut dyn FnMut(Event<'_>),
) -> bool {
    let Some(kind) = detect(bytes) else {
        return false;
    };
    let mut x = Expander {
        budget: Budget::new(limits.clone()),
        visit,
        stopped: false,
    };
    if kind.is_compression() {
        x.decompress(path, bytes, kind, 0, 1);
        true
    } else {
        x.archive(path, bytes, kind, 1)
    }
}

struct Expander<'v> {
    budget: Budget,
    visit: &'v mut dyn FnMut(Event<'_>),
    /// Set once a whole-file limit (total bytes, member count) is hit: stop everything.
    stopped: bool,
}

impl Expander<'_> {
    fn skip(&mut self, path: &str, reason: SkipReason) {
        (self.visit)(Event::Skipped(Skipped {
            path: path.to_string(),
            reason,
        }));
    }

    /// Reads a member or stream within the budget; spending the whole-file budget stops
    /// the expansion of everything else in this file.
    fn read(&mut self, r: &mut dyn Read, compressed: u64) -> Result<Vec<u8>, ReadError> {
        let res = self.budget.read(r, compressed);
        if self.budget.expanded >= self.budget.limits.max_total_bytes {
            self.stopped = true;
        }
        res
    }

    /// `bytes` at `path`, found inside an archive at nesting `level` (or decompressed
    /// from a stream there, `layers` deep).
    fn content(&mut self, path: &str, bytes: &[u8], level: usize, layers: usize) {
        if self.stopped && detect(bytes).is_some() {
            return;
        }
        let Some(kind) = detect(bytes) else {
            (self.visit)(Event::Blob { path, bytes });
            return;
        };
        (self.visit)(Event::Container { path, bytes });
        if kind.is_compression() {
            if layers >= MAX_COMPRESSION_LAYERS {
                let detail = format!(
                    "more than {MAX_COMPRESSION_LAYERS} compression layers directly nested"
                );
                self.skip(path, SkipReason::ArchiveLimit { detail });
            } else {
                self.decompress(path, bytes, kind, level, layers + 1);
            }
        } else if level >= self.budget.limits.max_depth {
            let detail = format!(
                "{} archive nested deeper than {} levels (--max-archive-depth)",
                kind.name(),
                self.budget.limits.max_depth
            );
            self.skip(path, SkipReason::ArchiveLimit { detail });
        } else if !self.archive(path, bytes, kind, level + 1) {
            // Looked like an archive but is not one: it is just bytes.
            (self.visit)(Event::Blob { path, bytes });
        }
    }

    fn decompress(&mut self, path: &str, bytes: &[u8], kind: Kind, level: usize, layers: usize) {
        let mut reader = match compress::decoder(kind, bytes) {
            Ok(r) => r,
            Err(detail) => {
                let detail = format!("{}: {detail}", kind.name());
                return self.skip(path, SkipReason::ArchiveUnreadable { detail });
            }
        };
        // A tar inside is walked member by member straight from the decoder, so a large
        // `.tar.gz` needs no more memory than its largest member.
        let mut head = Vec::with_capacity(512);
        let head_ok = (&mut reader).take(512).read_to_end(&mut head).is_ok();
        if head_ok && detect(&head) == Some(Kind::Tar) {
            if level >= self.budget.limits.max_depth {
                let detail = format!(
                    "tar archive nested deeper than {} levels (--max-archive-depth)",
                    self.budget.limits.max_depth
                );
                return self.skip(path, SkipReason::ArchiveLimit { detail });
            }
            let mut stream = self
                .budget
                .stream(std::io::Cursor::new(head).chain(reader), bytes.len() as u64);
            let res = {
                let mut each = |m: Member<'_>| self.member(path, m, level + 1);
                tar::members_stream(&mut stream, &mut each)
            };
            if stream.hit {
                let detail = stream.why;
                self.skip(path, SkipReason::ArchiveLimit { detail });
            } else if let Err(detail) = res {
                let detail = format!("tar: {detail}");
                self.skip(path, SkipReason::ArchiveUnreadable { detail });
            }
            return;
        }
        let mut whole = std::io::Cursor::new(head).chain(reader);
        match self.read(&mut whole, bytes.len() as u64) {
            Ok(out) => self.content(path, &out, level, layers),
            Err(e) => {
                let (reason, partial) = e.into_reason();
                self.skip(path, reason);
                // A truncated stream still yields what decoded before the damage.
                if !partial.is_empty() {
                    self.content(path, &partial, level, layers);
                }
            }
        }
    }

    /// Visits the members of the archive `bytes` at nesting `level`. `false` when it
    /// cannot be opened.
    fn archive(&mut self, path: &str, bytes: &[u8], kind: Kind, level: usize) -> bool {
        let mut each = |m: Member<'_>| self.member(path, m, level);
        let res = match kind {
            Kind::Zip => zip::members(bytes, &mut each),
            Kind::Tar => tar::members(bytes, &mut each),
            _ => return false,
        };
        match res {
            Ok(()) => true,
            // A tar whose first header passed the checksum is a tar; damage later on is
            // reported. A zip without a readable central directory is treated as bytes.
            Err(detail) if kind == Kind::Tar => {
                let detail = format!("tar: {detail}");
                self.skip(path, SkipReason::ArchiveUnreadable { detail });
                true
            }
            Err(_) => false,
        }
    }

    /// One member; `false` stops the archive walk.
    fn member(&mut self, archive_path: &str, m: Member<'_>, level: usize) -> bool {
        if self.stopped {
            return false;
        }
        let path = format!("{archive_path}{SEPARATOR}{}", m.name);
        self.budget.entries += 1;
        if self.budget.entries > self.budget.limits.max_entries {
            self.stopped = true;
            let detail = format!(
                "more than {} members in total; the rest of {archive_path} is not scanned",
                self.budget.limits.max_entries
            );
            self.skip(archive_path, SkipReason::ArchiveLimit { detail });
            return false;
        }
        let reader = match m.reader {
            Ok(r) => r,
            Err(detail) => {
                self.skip(&path, SkipReason::ArchiveUnreadable { detail });
                return true;
            }
        };
        match self.read(reader, m.compressed) {
            Ok(bytes) => self.content(&path, &bytes, level, 0),
            Err(e) => {
                let (reason, partial) = e.into_reason();
                self.skip(&path, reason);
                if !partial.is_empty() {
                    self.content(&path, &partial, level, 0);
                }
            }
        }
        !self.stopped
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
pub(crate) mod testutil;
