//! Bare pickle streams, joblib dumps and gzip/zlib-wrapped pickles.

use crate::compress::{self, decompress};
use crate::input::RandomAccess;
use crate::judge::judge_pickles;
use crate::policy::Policy;
use crate::verdict::{Builder, Format, VerdictKind};

/// Largest decompressed pickle analysed (keeps memory bounded on compressed dumps).
pub const MAX_INFLATE: usize = 64 << 20;

/// A file that is one or more pickles (plain, joblib, or compressed).
pub fn analyze(b: &mut Builder, src: &dyn RandomAccess, policy: &Policy) {
    let head = src.read_vec(0, 16).unwrap_or_default();
    if let Some(kind) = compress::kind(&head) {
        let (data, truncated) = decompress(src, kind, MAX_INFLATE);
        b.note(format!(
            "{}-compressed pickle stream ({} bytes decompressed)",
            kind.name(),
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
