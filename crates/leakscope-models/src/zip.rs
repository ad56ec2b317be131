//! Just enough ZIP to find and read members without touching the rest of the archive.
//!
//! Reads the end-of-central-directory record (ZIP64 included, so >4 GiB checkpoints
//! work) and the central directory; member data is located through its local header.
//! Like PyTorch's loader it tolerates data before the archive (the offsets are shifted
//! the way Python's zipfile does it) and unusual general-purpose flags.

use std::io::Read;

use crate::error::ContainerError;
use crate::input::{RandomAccess, Window};

#[derive(Debug, Clone)]
pub struct Entry {
    pub name: String,
    pub method: u16,
    pub flags: u16,
    pub compressed_size: u64,
    pub size: u64,
    /// Offset of the local header, already shifted by any prefix.
    pub local_offset: u64,
}

impl Entry {
    pub fn is_dir(&self) -> bool {
        self.name.ends_with('/')
    }
    pub fn encrypted(&self) -> bool {
        self.flags & 1 != 0
    }
}

#[derive(Debug)]
pub struct Archive {
    pub entries: Vec<Entry>,
    /// Bytes found before the archive proper.
    pub prefix: u64,
}

const EOCD_SIG: u32 = 0x0605_4b50;
const EOCD64_LOC_SIG: u32 = 0x0706_4b50;
const EOCD64_SIG: u32 = 0x0606_4b50;
const CDH_SIG: u32 = 0x0201_4b50;
const LFH_SIG: u32 = 0x0403_4b50;
const MAX_ENTRIES: u64 = 1_000_000;
const MAX_CD: u64 = 256 << 20;

fn u16le(b: &[u8], o: usize) -> u16 {
    u16::from_le_bytes([b[o], b[o + 1]])
}
fn u32le(b: &[u8], o: usize) -> u32 {
    u32::from_le_bytes([b[o], b[o + 1], b[o + 2], b[o + 3]])
}
fn u64le(b: &[u8], o: usize) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[o..o + 8]);
    u64::from_le_bytes(a)
}

fn bad(s: impl Into<String>) -> ContainerError {
    ContainerError::Malformed(s.into())
}

/// Whether the tail of `src` holds an end-of-central-directory record.
pub fn has_eocd(src: &dyn RandomAccess) -> bool {
    find_eocd(src).is_ok()
}

fn find_eocd(src: &dyn RandomAccess) -> Result<(u64, Vec<u8>), ContainerError> {
    let len = src.len();
    let tail_len = len.min(22 + 65535);
    let tail = src.read_vec(len - tail_len, tail_len)?;
    if tail.len() < 22 {
        return Err(bad("too short for a zip archive"));
    }
    // Scan backwards: the last record whose comment length fits is the real one.
    for i in (0..=tail.len() - 22).rev() {
        if u32le(&tail, i) == EOCD_SIG {
            let comment = usize::from(u16le(&tail, i + 20));
            if i + 22 + comment <= tail.len() {
                let rec = tail[i..i + 22].to_vec();
                return Ok((len - tail_len + i as u64, rec));
            }
        }
    }
    Err(bad("no end of central directory record"))
}

/// Read the central directory.
pub fn open(src: &dyn RandomAccess) -> Result<Archive, ContainerError> {
    let (eocd_pos, rec) = find_eocd(src)?;
    let mut count = u64::from(u16le(&rec, 10));
    let mut cd_size = u64::from(u32le(&rec, 12));
    let mut cd_offset = u64::from(u32le(&rec, 16));
    let mut cd_end = eocd_pos;
    // ZIP64: the locator sits right before the EOCD and points at the ZIP64 record.
    if eocd_pos >= 20 {
        let loc = src.read_vec(eocd_pos - 20, 20)?;
        if u32le(&loc, 0) == EOCD64_LOC_SIG {
            let z64_off = u64le(&loc, 8);
            // The record directly precedes its locator; prefer that position when the
            // stored offset is shifted by a prefix.
            let guess = eocd_pos - 20 - 56.min(eocd_pos - 20);
            let at = [z64_off, guess]
                .into_iter()
                .find(|&o| {
                    src.read_vec(o, 4)
                        .is_ok_and(|s| s.len() == 4 && u32le(&s, 0) == EOCD64_SIG)
                })
                .ok_or_else(|| bad("ZIP64 locator without a ZIP64 record"))?;
            let z = src.read_vec(at, 56)?;
            if z.len() < 56 {
                return Err(bad("truncated ZIP64 record"));
            }
            count = u64le(&z, 32);
            cd_size = u64le(&z, 40);
            cd_offset = u64le(&z, 48);
            cd_end = at;
        }
    }
    if count > MAX_ENTRIES || cd_size > MAX_CD {
        return Err(bad("central directory too large"));
    }
    // Data before the archive shifts every offset (Python's zipfile "concat").
    let actual_cd = cd_end
        .checked_sub(cd_size)
        .ok_or_else(|| bad("central directory size exceeds file"))?;
    let prefix = actual_cd.saturating_sub(cd_offset);
    let cd = src.read_vec(actual_cd, cd_size)?;
    let mut entries = Vec::new();
    let mut p = 0usize;
    while p + 46 <= cd.len() && (entries.len() as u64) < count.max(1) * 2 {
        if u32le(&cd, p) != CDH_SIG {
            break;
        }
        let flags = u16le(&cd, p + 8);
        let method = u16le(&cd, p + 10);
        let mut csize = u64::from(u32le(&cd, p + 20));
        let mut usize_ = u64::from(u32le(&cd, p + 24));
        let nlen = usize::from(u16le(&cd, p + 28));
        let xlen = usize::from(u16le(&cd, p + 30));
        let clen = usize::from(u16le(&cd, p + 32));
        let mut local = u64::from(u32le(&cd, p + 42));
        let name_end = p + 46 + nlen;
        let extra_end = name_end + xlen;
        if extra_end + clen > cd.len() {
            return Err(bad("central directory entry runs past its end"));
        }
        let name = String::from_utf8_lossy(&cd[p + 46..name_end]).into_owned();
        // ZIP64 extended information replaces saturated 32-bit fields, in order.
        let mut x = name_end;
        while x + 4 <= extra_end {
            let id = u16le(&cd, x);
            let sz = usize::from(u16le(&cd, x + 2));
            let body = x + 4;
            if body + sz > extra_end {
                break;
            }
            if id == 1 {
                let mut q = body;
                for field in [&mut usize_, &mut csize, &mut local] {
                    if *field == 0xffff_ffff && q + 8 <= body + sz {
                        *field = u64le(&cd, q);
                        q += 8;
                    }
                }
            }
            x = body + sz;
        }
        entries.push(Entry {
            name,
            method,
            flags,
            compressed_size: csize,
            size: usize_,
            local_offset: local.saturating_add(prefix),
        });
        p = extra_end + clen;
    }
    Ok(Archive { entries, prefix })
}

/// Where a member's data starts (after its local header).
pub fn data_offset(src: &dyn RandomAccess, e: &Entry) -> Result<u64, ContainerError> {
    let h = src.read_vec(e.local_offset, 30)?;
    if h.len() < 30 || u32le(&h, 0) != LFH_SIG {
        return Err(bad(format!("{}: bad local header", e.name)));
    }
    let nlen = u64::from(u16le(&h, 26));
    let xlen = u64::from(u16le(&h, 28));
    Ok(e.local_offset + 30 + nlen + xlen)
}

/// A member's bytes: stored members are a window onto the source (nothing read),
/// deflated ones are inflated up to `max` bytes.
pub enum Member<'a> {
    Stored(Window<'a>),
    Inflated { data: Vec<u8>, truncated: bool },
}

impl Member<'_> {
    pub fn source(&self) -> &dyn RandomAccess {
        match self {
            Member::Stored(w) => w,
            Member::Inflated { data, .. } => data,
        }
    }
}

pub fn member<'a>(
    src: &'a dyn RandomAccess,
    e: &Entry,
    max: u64,
) -> Result<Member<'a>, ContainerError> {
    if e.encrypted() {
        return Err(ContainerError::Unsupported(format!(
            "{}: encrypted member",
            e.name
        )));
    }
    let start = data_offset(src, e)?;
    let avail = src.len().saturating_sub(start);
    match e.method {
        0 => Ok(Member::Stored(Window {
            inner: src,
            start,
            len: e.compressed_size.max(e.size).min(avail),
        })),
        8 => {
            // Stream the compressed bytes through the decoder: memory is bounded by
            // the inflated output cap, not by the member's compressed size.
            let window = Window {
                inner: src,
                start,
                len: e.compressed_size.min(avail),
            };
            let reader = std::io::BufReader::new(crate::compress::SourceReader {
                src: &window,
                pos: 0,
            });
            let mut out = Vec::new();
            let mut dec = flate2::read::DeflateDecoder::new(reader).take(max + 1);
            // A corrupt stream still yields what inflated before the error.
            let _ = dec.read_to_end(&mut out);
            let truncated = out.len() as u64 > max;
            out.truncate(max as usize);
            Ok(Member::Inflated {
                data: out,
                truncated,
            })
        }
        m => Err(ContainerError::Unsupported(format!(
            "{}: compression method {m}",
            e.name
        ))),
    }
}
