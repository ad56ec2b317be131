//! numpy `.npy`: a small header describing the array; object arrays are a pickle.

use crate::input::RandomAccess;
use crate::judge::judge_pickles;
use crate::policy::Policy;
use crate::verdict::{Builder, VerdictKind};

/// Analyse one `.npy` payload; `what` names it in reasons.
pub fn analyze(b: &mut Builder, src: &dyn RandomAccess, policy: &Policy, what: &str) {
    let head = src.read_vec(0, 12).unwrap_or_default();
    if head.len() < 10 || !head.starts_with(b"\x93NUMPY") {
        b.flag(
            VerdictKind::Malformed,
            format!("{what}: not a numpy array file"),
        );
        return;
    }
    let major = head[6];
    let (hlen, start) = match major {
        1 => (u64::from(u16::from_le_bytes([head[8], head[9]])), 10u64),
        2 | 3 if head.len() >= 12 => (
            u64::from(u32::from_le_bytes([head[8], head[9], head[10], head[11]])),
            12u64,
        ),
        _ => {
            b.flag(
                VerdictKind::Malformed,
                format!("{what}: unsupported .npy version {major}"),
            );
            return;
        }
    };
    if hlen > 1 << 20 || start + hlen > src.len() {
        b.flag(
            VerdictKind::Malformed,
            format!("{what}: header length out of range"),
        );
        return;
    }
    let header = src.read_vec(start, hlen).unwrap_or_default();
    let header = String::from_utf8_lossy(&header);
    if !header.contains("descr") || !header.trim_start().starts_with('{') {
        b.flag(
            VerdictKind::Malformed,
            format!("{what}: header is not a dict"),
        );
        return;
    }
    if has_object_dtype(&header) {
        b.note(format!(
            "{what}: object array: its data is a pickle (numpy.load(allow_pickle=True) runs it)"
        ));
        judge_pickles(b, src, start + hlen, policy, what, 1);
    }
}

/// Whether any dtype string in the header is an object type (`O`, `|O`, `<O8`…).
fn has_object_dtype(header: &str) -> bool {
    let mut rest = header;
    while let Some(i) = rest.find(['\'', '"']) {
        let q = &rest[i..i + 1];
        let after = &rest[i + 1..];
        let Some(j) = after.find(q) else { break };
        let tok = &after[..j];
        let t = tok.trim_start_matches(['<', '>', '|', '=']);
        if t.starts_with('O') && t[1..].chars().all(|c| c.is_ascii_digit()) {
            return true;
        }
        rest = &after[j + 1..];
    }
    false
}

#[cfg(test)]
mod tests {
    #[test]
    fn object_dtypes() {
        assert!(super::has_object_dtype(
            "{'descr': '|O', 'fortran_order': False, 'shape': (2,), }"
        ));
        assert!(super::has_object_dtype(
            "{'descr': [('a', '<f8'), ('b', '|O')], }"
        ));
        assert!(!super::has_object_dtype(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }"
        ));
    }
}
