//! Random access to the bytes under analysis, whether a file on disk or a buffer.
//!
//! Containers read only the records they need (a zip's central directory, one
//! `data.pkl`) so a multi-gigabyte checkpoint is never read through or held in memory.

use std::cell::RefCell;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

/// Positioned reads over a fixed-length byte source.
pub trait RandomAccess {
    fn len(&self) -> u64;
    /// Fill `buf` from `offset`; fails with `UnexpectedEof` past the end.
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()>;

    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Read up to `max` bytes at `offset` (clipped to the end), into a new buffer.
    fn read_vec(&self, offset: u64, max: u64) -> io::Result<Vec<u8>> {
        let avail = self.len().saturating_sub(offset).min(max);
        let n = usize::try_from(avail)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "read too large"))?;
        let mut v = vec![0u8; n];
        self.read_at(offset, &mut v)?;
        Ok(v)
    }
}

/// Bytes in memory.
pub struct Mem<'a>(pub &'a [u8]);

impl RandomAccess for Mem<'_> {
    fn len(&self) -> u64 {
        self.0.len() as u64
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        let start = usize::try_from(offset).map_err(|_| eof())?;
        let end = start.checked_add(buf.len()).ok_or_else(eof)?;
        let src = self.0.get(start..end).ok_or_else(eof)?;
        buf.copy_from_slice(src);
        Ok(())
    }
}

impl RandomAccess for Vec<u8> {
    fn len(&self) -> u64 {
        Mem(self).len()
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        Mem(self).read_at(offset, buf)
    }
}

fn eof() -> io::Error {
    io::Error::new(io::ErrorKind::UnexpectedEof, "read past end")
}

/// A file read with seek + read; the length is taken once at open.
pub struct FileInput {
    file: RefCell<File>,
    len: u64,
}

impl FileInput {
    pub fn new(file: File) -> io::Result<FileInput> {
        let len = file.metadata()?.len();
        Ok(FileInput {
            file: RefCell::new(file),
            len,
        })
    }
}

impl RandomAccess for FileInput {
    fn len(&self) -> u64 {
        self.len
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        if offset
            .checked_add(buf.len() as u64)
            .is_none_or(|e| e > self.len)
        {
            return Err(eof());
        }
        let mut f = self.file.borrow_mut();
        f.seek(SeekFrom::Start(offset))?;
        f.read_exact(buf)
    }
}

/// A window `[start, start+len)` of another source (a stored zip member, a tar entry).
pub struct Window<'a> {
    pub inner: &'a dyn RandomAccess,
    pub start: u64,
    pub len: u64,
}

impl RandomAccess for Window<'_> {
    fn len(&self) -> u64 {
        self.len
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        if offset
            .checked_add(buf.len() as u64)
            .is_none_or(|e| e > self.len)
        {
            return Err(eof());
        }
        self.inner.read_at(self.start + offset, buf)
    }
}

/// Buffered sequential reader over a [`RandomAccess`]; skipping is free (no read).
pub struct Cursor<'a> {
    src: &'a dyn RandomAccess,
    pos: u64,
    buf: Vec<u8>,
    buf_start: u64,
}

const CHUNK: u64 = 64 * 1024;

impl<'a> Cursor<'a> {
    pub fn new(src: &'a dyn RandomAccess, pos: u64) -> Cursor<'a> {
        Cursor {
            src,
            pos,
            buf: Vec::new(),
            buf_start: 0,
        }
    }

    pub fn pos(&self) -> u64 {
        self.pos
    }

    pub fn len(&self) -> u64 {
        self.src.len()
    }

    pub fn is_empty(&self) -> bool {
        self.src.len() == 0
    }

    pub fn remaining(&self) -> u64 {
        self.src.len().saturating_sub(self.pos)
    }

    pub fn set_pos(&mut self, pos: u64) {
        self.pos = pos;
    }

    fn fill(&mut self) -> io::Result<()> {
        if self.pos >= self.buf_start && self.pos < self.buf_start + self.buf.len() as u64 {
            return Ok(());
        }
        self.buf = self.src.read_vec(self.pos, CHUNK)?;
        self.buf_start = self.pos;
        if self.buf.is_empty() {
            return Err(eof());
        }
        Ok(())
    }

    pub fn byte(&mut self) -> io::Result<u8> {
        self.fill()?;
        let b = self.buf[(self.pos - self.buf_start) as usize];
        self.pos += 1;
        Ok(b)
    }

    pub fn peek(&mut self) -> io::Result<u8> {
        self.fill()?;
        Ok(self.buf[(self.pos - self.buf_start) as usize])
    }

    /// Read exactly `n` bytes into a new buffer (callers bound `n`).
    pub fn take(&mut self, n: usize) -> io::Result<Vec<u8>> {
        if (n as u64) > self.remaining() {
            return Err(eof());
        }
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            self.fill()?;
            let off = (self.pos - self.buf_start) as usize;
            let k = (n - out.len()).min(self.buf.len() - off);
            out.extend_from_slice(&self.buf[off..off + k]);
            self.pos += k as u64;
        }
        Ok(out)
    }

    pub fn skip(&mut self, n: u64) -> io::Result<()> {
        if n > self.remaining() {
            self.pos = self.src.len();
            return Err(eof());
        }
        self.pos += n;
        Ok(())
    }

    /// Bytes up to and excluding `\n` (consumed), at most `max` long.
    pub fn line(&mut self, max: usize) -> io::Result<Option<Vec<u8>>> {
        let mut out = Vec::new();
        loop {
            let b = self.byte()?;
            if b == b'\n' {
                return Ok(Some(out));
            }
            if out.len() >= max {
                return Ok(None);
            }
            out.push(b);
        }
    }
}
