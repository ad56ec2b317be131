//! Bounds on expansion. Everything inside an archive is hostile: a few KB can claim to
//! expand to terabytes (zip bombs, 42.zip-style nests, gzip quines).

use leakscope_core::SkipReason;
use std::io::Read;

/// Limits for one top-level file and everything nested in it.
#[derive(Debug, Clone)]
pub struct ArchiveLimits {
    /// Most nested archive levels opened (`a.zip!b.tar!c.zip` is three). Compression
    /// layers (`.tar.gz`) do not count; at most [`MAX_COMPRESSION_LAYERS`] stack directly.
    pub max_depth: usize,
    /// Most bytes expanded in total, across every member at every level.
    pub max_total_bytes: u64,
    /// Largest member (after decompression) read; bigger ones are skipped.
    pub max_entry_bytes: u64,
    /// Largest expansion ratio (expanded : compressed) of one member or stream, applied
    /// beyond [`ArchiveLimits::ratio_floor`] bytes so small, very repetitive files pass.
    pub max_ratio: u64,
    pub ratio_floor: u64,
    /// Most members (files) visited in total.
    pub max_entries: u64,
}

/// Compression layers directly inside one another (`x.gz.gz.gz`) before we give up:
/// real files have one; a gzip quine has infinitely many.
pub const MAX_COMPRESSION_LAYERS: usize = 3;

impl Default for ArchiveLimits {
    fn default() -> Self {
        ArchiveLimits {
            max_depth: 8,
            max_total_bytes: 1 << 30,
            max_entry_bytes: 256 << 20,
            max_ratio: 250,
            ratio_floor: 1 << 20,
            max_entries: 100_000,
        }
    }
}

/// What one top-level file has used so far.
pub(crate) struct Budget {
    pub limits: ArchiveLimits,
    pub expanded: u64,
    pub entries: u64,
}

/// Why a read stopped early.
pub(crate) enum ReadError {
    /// A limit was hit; the text says which.
    Limit(String),
    /// The stream is corrupt; `partial` is what decoded before the error.
    Corrupt { detail: String, partial: Vec<u8> },
}

impl ReadError {
    pub fn into_reason(self) -> (SkipReason, Vec<u8>) {
        match self {
            ReadError::Limit(detail) => (SkipReason::ArchiveLimit { detail }, Vec::new()),
            ReadError::Corrupt { detail, partial } => {
                (SkipReason::ArchiveUnreadable { detail }, partial)
            }
        }
    }
}

impl Budget {
    pub fn new(limits: ArchiveLimits) -> Budget {
        Budget {
            limits,
            expanded: 0,
            entries: 0,
        }
    }

    /// The most bytes one member or stream over `compressed` input bytes may expand to,
    /// and the limit that sets it. `whole` says the result is held in memory at once (a
    /// member), so the per-member limit applies; a tar streamed member by member is not.
    fn cap(&self, compressed: u64, whole: bool) -> (u64, String) {
        let l = &self.limits;
        let remaining = l.max_total_bytes.saturating_sub(self.expanded);
        let by_ratio = compressed.saturating_mul(l.max_ratio).max(l.ratio_floor);
        let mut caps = vec![
            (
                remaining,
                format!(
                    "expansion passes the {}-byte total (--max-archive-bytes)",
                    l.max_total_bytes
                ),
            ),
            (
                by_ratio,
                format!(
                    "compression ratio over {}:1 ({compressed} bytes expand past {by_ratio})",
                    l.max_ratio
                ),
            ),
        ];
        if whole {
            caps.push((
                l.max_entry_bytes,
                format!(
                    "member expands past the {}-byte member limit (--max-file-size)",
                    l.max_entry_bytes
                ),
            ));
        }
        caps.into_iter()
            .min_by_key(|(c, _)| *c)
            .unwrap_or((0, String::new()))
    }

    /// A reader over a decompressed stream that is walked, not held (a compressed tar):
    /// it fails once the stream passes its cap. Members read from it are still counted
    /// one by one by [`Budget::read`].
    pub fn stream<R: Read>(&self, inner: R, compressed: u64) -> Capped<R> {
        let (left, why) = self.cap(compressed, false);
        Capped {
            inner,
            left,
            why,
            hit: false,
        }
    }

    /// Reads all of `r` (a decoder over `compressed` input bytes) within every limit.
    /// The read is bounded with `Read::take` before any byte is allocated, whatever sizes
    /// the archive declares.
    pub fn read(&mut self, r: &mut dyn Read, compressed: u64) -> Result<Vec<u8>, ReadError> {
        let (cap, why) = self.cap(compressed, true);
        let mut out = Vec::new();
        let res = r.take(cap.saturating_add(1)).read_to_end(&mut out);
        self.expanded = self.expanded.saturating_add(out.len() as u64);
        if out.len() as u64 > cap {
            return Err(ReadError::Limit(why));
        }
        match res {
            Ok(_) => Ok(out),
            Err(e) => Err(ReadError::Corrupt {
                detail: e.to_string(),
                partial: out,
            }),
        }
    }
}

/// See [`Budget::stream`].
pub(crate) struct Capped<R> {
    inner: R,
    left: u64,
    /// The limit that set the cap, for the skip reason.
    pub why: String,
    /// The cap was reached (the stream had more).
    pub hit: bool,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let want = usize::try_from(self.left.saturating_add(1))
            .unwrap_or(usize::MAX)
            .min(buf.len());
        let n = self.inner.read(&mut buf[..want])?;
        if n as u64 > self.left {
            self.hit = true;
            return Err(std::io::Error::other("archive expansion limit"));
        }
        self.left -= n as u64;
        Ok(n)
    }
}
