//! Bare pickle streams, joblib dumps and gzip/zlib-wrapped pickles.

use std::io::Read;

use crate::input::RandomAccess;
use crate::judge::judge_pickles;
use crate::policy::Policy;
use crate::sniff::is_compressed;
use crate::verdict::{Builder, Format, VerdictKind};

/// Largest decompressed pickle analysed (keeps memory bounded on compressed dumps).
pub const MAX_INFLATE: u64 = 64 << 20;

/// Inflate at most `max` bytes of a gzip or zlib stream (errors end the output).
pub fn inflate_prefix(data: &[u8], max: u64) -> Vec<u8> {
    let mut out = Vec::new();
    if data.starts_with(&[0x1f, 0x8b]) {
        let _ = flate2::read::MultiGzDecoder::new(data)
            .take(max)
            .read_to_end(&mut out);
    } else {
        let _ = flate2::read::ZlibDecoder::new(data)
            .take(max)
            .read_to_end(&mut out);
    }
    out
}

fn inflate_source(src: &dyn RandomAccess, max: u64) -> (Vec<u8>, bool) {
    let mut out = Vec::new();
    let reader = SourceReader { src, pos: 0 };
    let gz = src.read_vec(0, 2).is_ok_and(|h| h == [0x1f, 0x8b]);
    let res = if gz {
        flate2::read::MultiGzDecoder::new(std::io::BufReader::new(reader))
            .take(max + 1)
            .read_to_end(&mut out)
    } else {
        flate2::read::ZlibDecoder::new(std::io::BufReader::new(reader))
            .take(max + 1)
            .read_to_end(&mut out)
    };
    let _ = res;
    let truncated = out.len() as u64 > max;
    out.truncate(max as usize);
    (out, truncated)
}

/// `std::io::Read` over a [`RandomAccess`], for streaming decoders.
pub struct SourceReader<'a> {
    pub src: &'a dyn RandomAccess,
    pub pos: u64,
}

impl Read for SourceReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = (buf.len() as u64).min(self.src.len().saturating_sub(self.pos)) as usize;
        if n == 0 {
            return Ok(0);
        }
        self.src.read_at(self.pos, &mut buf[..n])?;
        self.pos += n as u64;
        Ok(n)
    }
}

/// A file that is one or more pickles (plain, joblib, or compressed).
pub fn analyze(b: &mut Builder, src: &dyn RandomAccess, policy: &Policy) {
    let head = src.read_vec(0, 16).unwrap_or_default();
    if is_compressed(&head) {
        let (data, truncated) = inflate_source(src, MAX_INFLATE);
        let kind = if head[0] == 0x1f { "gzip" } else { "zlib" };
        b.note(format!(
            "{kind}-compressed pickle stream ({} bytes inflated)",
            data.len()
        ));
        if truncated {
            b.flag(
                VerdictKind::Suspicious,
                format!(
                    "decompressed stream exceeds {MAX_INFLATE} bytes; only the start was checked"
                ),
            );
        }
        analyze_plain(b, &data, policy);
    } else {
        analyze_plain(b, src, policy);
    }
}

fn analyze_plain(b: &mut Builder, src: &dyn RandomAccess, policy: &Policy) {
    let stream = judge_pickles(b, src, 0, policy, "pickle", 64);
    let joblib = stream.runs.iter().any(|r| {
        r.imports
            .iter()
            .any(|i| i.module.starts_with("joblib.") || i.module.contains(".joblib."))
    });
    b.format = if joblib {
        Format::Joblib
    } else {
        Format::Pickle
    };
}
