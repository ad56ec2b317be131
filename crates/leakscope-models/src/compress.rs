//! Compressed pickle streams: joblib's compressors (zlib, gzip, bz2, xz, lzma) and
//! `*.pkl.gz`. Output is capped so a decompression bomb cannot exhaust memory.

use std::io::{self, BufReader, Read, Write};

use crate::input::RandomAccess;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Gzip,
    Zlib,
    Bz2,
    Xz,
    Lzma,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Gzip => "gzip",
            Kind::Zlib => "zlib",
            Kind::Bz2 => "bz2",
            Kind::Xz => "xz",
            Kind::Lzma => "lzma",
        }
    }
}

/// Recognise a compressed stream by its magic bytes.
pub fn kind(head: &[u8]) -> Option<Kind> {
    if head.starts_with(&[0x1f, 0x8b]) {
        Some(Kind::Gzip)
    } else if head.len() >= 2
        && head[0] == 0x78
        && matches!(head[1], 0x01 | 0x5e | 0x9c | 0xda)
        && (u16::from(head[0]) << 8 | u16::from(head[1])) % 31 == 0
    {
        Some(Kind::Zlib)
    } else if head.len() >= 10
        && head.starts_with(b"BZh")
        && head[4..10] == [0x31, 0x41, 0x59, 0x26, 0x53, 0x59]
    {
        Some(Kind::Bz2)
    } else if head.starts_with(b"\xfd7zXZ\x00") {
        Some(Kind::Xz)
    } else if head.starts_with(b"]\x00\x00") && head.len() >= 13 {
        // lzma "alone" format as joblib writes it (properties 0x5d, dictionary size)
        Some(Kind::Lzma)
    } else {
        None
    }
}

/// A writer that keeps at most `max` bytes and then fails, stopping the decoder.
struct Capped {
    buf: Vec<u8>,
    max: usize,
    hit: bool,
}

impl Write for Capped {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let room = self.max - self.buf.len();
        if data.len() > room {
            self.buf.extend_from_slice(&data[..room]);
            self.hit = true;
            return Err(io::Error::other("decompressed size cap reached"));
        }
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// `std::io::Read` over a [`RandomAccess`], for streaming decoders.
pub struct SourceReader<'a> {
    pub src: &'a dyn RandomAccess,
    pub pos: u64,
}

impl Read for SourceReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = (buf.len() as u64).min(self.src.len().saturating_sub(self.pos)) as usize;
        if n == 0 {
            return Ok(0);
        }
        self.src.read_at(self.pos, &mut buf[..n])?;
        self.pos += n as u64;
        Ok(n)
    }
}

/// Decompress at most `max` bytes; returns the data and whether the cap was hit.
/// A corrupt or truncated stream yields what decoded before the error.
pub fn decompress(src: &dyn RandomAccess, kind: Kind, max: usize) -> (Vec<u8>, bool) {
    let mut out = Capped {
        buf: Vec::new(),
        max,
        hit: false,
    };
    let mut input = BufReader::new(SourceReader { src, pos: 0 });
    let _ = match kind {
        Kind::Gzip => copy(flate2::read::MultiGzDecoder::new(input), &mut out),
        Kind::Zlib => copy(flate2::read::ZlibDecoder::new(input), &mut out),
        Kind::Bz2 => copy(bzip2::read::MultiBzDecoder::new(input), &mut out),
        Kind::Xz => lzma_rs::xz_decompress(&mut input, &mut out).map_err(io::Error::other),
        Kind::Lzma => lzma_rs::lzma_decompress(&mut input, &mut out).map_err(io::Error::other),
    };
    let hit = out.hit;
    (out.buf, hit)
}

fn copy(mut r: impl Read, w: &mut Capped) -> io::Result<()> {
    io::copy(&mut r, w).map(|_| ())
}
