//! PyTorch's pre-1.6 formats: five pickles back to back followed by raw storages,
//! and the even older tar archive (`sys_info`, `pickle`, `storages`, `tensors`).

use crate::input::{RandomAccess, Window};
use crate::judge::judge_pickles;
use crate::policy::Policy;
use crate::sniff::{is_legacy_tar, tar_name};
use crate::verdict::{Builder, VerdictKind};

/// magic number, protocol version, sys_info, the object, storage keys.
const LEGACY_PICKLES: usize = 5;

pub fn analyze(b: &mut Builder, src: &dyn RandomAccess, policy: &Policy) {
    let head = src.read_vec(0, 512).unwrap_or_default();
    if is_legacy_tar(&head) {
        tar(b, src, policy);
        return;
    }
    let stream = judge_pickles(b, src, 0, policy, "legacy checkpoint", LEGACY_PICKLES);
    if stream.runs.len() < LEGACY_PICKLES && stream.runs.last().is_some_and(|r| r.stopped) {
        b.flag(
            VerdictKind::Malformed,
            format!(
                "legacy checkpoint has {} of the {LEGACY_PICKLES} expected pickles",
                stream.runs.len()
            ),
        );
    }
    if let Some(last) = stream.runs.last() {
        let rest = src.len().saturating_sub(last.end);
        if rest > 0 && stream.runs.len() == LEGACY_PICKLES {
            b.note(format!("{rest} bytes of raw tensor storage not read"));
        }
    }
}

const MAX_TAR_ENTRIES: usize = 10_000;

fn tar(b: &mut Builder, src: &dyn RandomAccess, policy: &Policy) {
    let mut off = 0u64;
    for _ in 0..MAX_TAR_ENTRIES {
        let Ok(h) = src.read_vec(off, 512) else { break };
        if h.len() < 512 || h.iter().all(|&x| x == 0) {
            break;
        }
        let name = tar_name(&h[..100]);
        let size_field = String::from_utf8_lossy(&h[124..136]);
        let Ok(size) =
            u64::from_str_radix(size_field.trim_matches(|c: char| c == '\0' || c == ' '), 8)
        else {
            b.flag(
                VerdictKind::Malformed,
                format!("tar entry {name}: bad size field"),
            );
            return;
        };
        let data = off + 512;
        if data + size > src.len() {
            b.flag(
                VerdictKind::Malformed,
                format!("tar entry {name} runs past the end"),
            );
            return;
        }
        let w = Window {
            inner: src,
            start: data,
            len: size,
        };
        match name.as_str() {
            // The object pickle: analyse it and anything appended.
            "pickle" => {
                judge_pickles(b, &w, 0, policy, "tar:pickle", 64);
            }
            // Each of these starts with a pickle followed by raw data.
            "storages" | "tensors" | "sys_info" => {
                judge_pickles(b, &w, 0, policy, &format!("tar:{name}"), 1);
            }
            other => b.note(format!("tar entry {other} not analysed")),
        }
        off = data + size.div_ceil(512) * 512;
    }
}
