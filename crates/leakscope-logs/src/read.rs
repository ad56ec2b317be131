//! Open inputs (files, directories, gzip), detect the format and stream records into an
//! [`Auditor`]. Lines are read one at a time with a length cap; nothing holds a whole log.

use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use crate::audit::{Auditor, FileStat};
use crate::detect::{detect, is_gzip, LogFormat};
use crate::Error;

/// Longest line / JSON record kept; longer ones are bad lines.
pub const MAX_RECORD: usize = 1 << 20;
/// Directory walks stop this deep; symlinks are never followed.
const MAX_DEPTH: usize = 64;
const BUF: usize = 256 * 1024;

/// Audit a file or, recursively, every regular file under a directory (sorted by name).
pub fn audit_path(path: &Path, a: &mut Auditor) -> Result<(), Error> {
    let io_err = |source| Error::Io {
        path: path.display().to_string(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io_err)?;
    if meta.is_dir() {
        let mut files = Vec::new();
        walk(path, 0, &mut files, a);
        for f in files {
            if let Err(e) = audit_file(&f, a) {
                a.error(e.to_string());
            }
        }
        Ok(())
    } else {
        audit_file(path, a)
    }
}

fn walk(dir: &Path, depth: usize, out: &mut Vec<PathBuf>, a: &mut Auditor) {
    if depth > MAX_DEPTH {
        a.error(format!("{}: directory nesting too deep", dir.display()));
        return;
    }
    let mut entries: Vec<_> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(Result::ok).collect(),
        Err(e) => {
            a.error(format!("{}: {e}", dir.display()));
            return;
        }
    };
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            walk(&e.path(), depth + 1, out, a);
        } else if ft.is_file() {
            out.push(e.path());
        }
    }
}

/// Audit one file.
pub fn audit_file(path: &Path, a: &mut Auditor) -> Result<(), Error> {
    let name = path.display().to_string();
    let f = std::fs::File::open(path).map_err(|source| Error::Io {
        path: name.clone(),
        source,
    })?;
    audit_reader(&name, f, a).map_err(|source| Error::Io { path: name, source })
}

/// Audit any byte stream (gzip or not) under a display name.
pub fn audit_reader(name: &str, r: impl Read, a: &mut Auditor) -> io::Result<()> {
    let mut raw = BufReader::with_capacity(BUF, r);
    let compressed = is_gzip(fill(&mut raw)?);
    let mut input: Box<dyn BufRead> = if compressed {
        Box::new(BufReader::with_capacity(
            BUF,
            flate2::read::MultiGzDecoder::new(raw),
        ))
    } else {
        Box::new(raw)
    };
    let format = detect(fill(&mut *input)?);
    let mut stat = FileStat {
        path: name.to_string(),
        format,
        compressed,
        requests: 0,
        bad_lines: 0,
    };
    let result = match format {
        LogFormat::Classic | LogFormat::JsonLines => lines(&mut *input, format, name, a, &mut stat),
        LogFormat::JsonArray => {
            let mut on = |line: u64, item: Result<&[u8], &'static str>| match item {
                Ok(bytes) => crate::monitor_json::parse_line(bytes, &mut |r| {
                    take(a, &mut stat, name, line, r)
                }),
                Err(reason) => take(a, &mut stat, name, line, Err(reason)),
            };
            crate::monitor_json::stream_array(&mut *input, MAX_RECORD, &mut on)
        }
        LogFormat::Csv => crate::csv::read(&mut *input, &mut |line, r| {
            take(a, &mut stat, name, line, r)
        })
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string())),
        LogFormat::Unknown => Ok(()),
    };
    a.file(stat);
    result
}

/// Peek at the buffered start of the input.
fn fill<R: BufRead + ?Sized>(r: &mut R) -> io::Result<&[u8]> {
    r.fill_buf()
}

fn take(
    a: &mut Auditor,
    stat: &mut FileStat,
    name: &str,
    line: u64,
    r: Result<crate::Record, &'static str>,
) {
    match r {
        Ok(rec) => {
            stat.requests += 1;
            a.record(&rec);
        }
        Err(reason) => {
            stat.bad_lines += 1;
            a.bad_line(name, line, reason);
        }
    }
}

fn lines(
    input: &mut dyn BufRead,
    format: LogFormat,
    name: &str,
    a: &mut Auditor,
    stat: &mut FileStat,
) -> io::Result<()> {
    let mut buf = Vec::with_capacity(4096);
    let mut n = 0u64;
    while let Some(too_long) = read_line(input, &mut buf, MAX_RECORD)? {
        n += 1;
        if too_long {
            take(a, stat, name, n, Err("line longer than the limit"));
            continue;
        }
        if buf.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        let line = if n == 1 {
            buf.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&buf)
        } else {
            &buf[..]
        };
        match format {
            LogFormat::Classic => {
                let r = match std::str::from_utf8(line) {
                    Ok(s) => crate::classic::parse_line(s),
                    Err(_) => Err("not UTF-8"),
                };
                take(a, stat, name, n, r);
            }
            _ => crate::monitor_json::parse_line(line, &mut |r| take(a, stat, name, n, r)),
        }
    }
    Ok(())
}

/// Read one line (without `\n` / `\r\n`) into `buf`, keeping at most `max` bytes.
/// `Ok(None)` at end of input; `Ok(Some(true))` when the line was longer than `max` (its
/// bytes are skipped).
pub fn read_line(r: &mut dyn BufRead, buf: &mut Vec<u8>, max: usize) -> io::Result<Option<bool>> {
    buf.clear();
    let mut too_long = false;
    let mut any = false;
    loop {
        let avail = match r.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            if !any {
                return Ok(None);
            }
            break;
        }
        any = true;
        match memchr::memchr(b'\n', avail) {
            Some(i) => {
                if !too_long && buf.len() + i <= max {
                    buf.extend_from_slice(&avail[..i]);
                } else {
                    too_long = true;
                }
                r.consume(i + 1);
                break;
            }
            None => {
                let n = avail.len();
                if !too_long && buf.len() + n <= max {
                    buf.extend_from_slice(avail);
                } else {
                    too_long = true;
                    buf.clear();
                }
                r.consume(n);
            }
        }
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(Some(too_long))
}
