//! Pickle streams: the symbolic interpreter and the walk over one file's pickles.

pub mod interp;
mod joblib;
mod text;
pub mod value;

use crate::input::{Cursor, RandomAccess};
pub use interp::{Limits, Run};

/// Every pickle found in one byte stream, in order.
#[derive(Debug, Default)]
pub struct Stream {
    pub runs: Vec<Run>,
    /// Bytes after the last pickle that do not form another one: (offset, length).
    pub trailing: Option<(u64, u64)>,
}

/// Most pickles read back to back from one stream (the legacy PyTorch format has 5).
const MAX_PICKLES: usize = 64;

/// Interpret pickles back to back from `start`, as repeated `pickle.load(f)` would.
///
/// After a complete pickle, further bytes are tried as another pickle; they count as
/// one when they would do something on load (a protocol header, a call, or a clean
/// `STOP`) because a loader that calls `load()` again executes them. Otherwise they
/// are reported as trailing data. `max_runs` caps how many pickles are read.
pub fn scan_stream(
    src: &dyn RandomAccess,
    start: u64,
    limits: &Limits,
    depth: u8,
    max_runs: usize,
) -> Stream {
    let mut stream = Stream::default();
    let mut cur = Cursor::new(src, start);
    let max_runs = max_runs.min(MAX_PICKLES);
    loop {
        let begin = cur.pos();
        let run = interp::Interp::new(&mut cur, limits, depth).run();
        let stopped = run.stopped;
        let end = run.end;
        if stream.runs.is_empty() || run.is_substantial() {
            stream.runs.push(run);
        } else {
            stream.trailing = Some((begin, src.len().saturating_sub(begin)));
            break;
        }
        if !stopped || end >= src.len() {
            break;
        }
        if stream.runs.len() >= max_runs {
            stream.trailing = Some((end, src.len() - end));
            break;
        }
        cur.set_pos(end);
    }
    stream
}
