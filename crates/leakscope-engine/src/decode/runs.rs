//! Base64 (standard and URL-safe) and hex runs. Unlike the other decoders these have no
//! literal trigger, so candidates come from one cheap pass over the bytes: a run of
//! alphabet characters at least [`MIN_BASE64`] long, decoded only when the result is
//! mostly printable text (an encoded secret or config), not random bytes (a key, a hash,
//! an image).

use super::{hex_val, Decoded};

/// Shortest base64 run decoded (24 bytes of text).
pub const MIN_BASE64: usize = 32;
/// Shortest hex run decoded (20 bytes of text; also the length of a SHA-1, which decodes
/// to non-text and is dropped).
pub const MIN_HEX: usize = 40;
/// Most decoded bytes produced per scanned layer: bounds the cost on files that are
/// mostly base64 text.
pub const MAX_DECODED_PER_LAYER: usize = 1 << 20;

/// Decoded bytes at least this printable (per mille) are worth scanning.
const MIN_PRINTABLE_PERMILLE: usize = 900;
/// How much is decoded before the printable test first rejects a run.
const PROBE: usize = 48;

/// Character classes: bit 1 base64 (either alphabet), bit 2 hex digit.
const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        let alnum = b.is_ascii_alphanumeric();
        if alnum || b == b'+' || b == b'/' || b == b'-' || b == b'_' {
            t[c] |= 1;
        }
        if b.is_ascii_hexdigit() {
            t[c] |= 2;
        }
        c += 1;
    }
    t
};

/// Which encoding a run was decoded as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunKind {
    Base64,
    Hex,
}

/// A decoded run: `decoded.map` is relative to `start`.
pub struct Run {
    pub kind: RunKind,
    pub start: usize,
    pub decoded: Decoded,
}

/// Finds and decodes the candidate runs of `bytes`, spending at most `budget` decoded
/// bytes (reduced by what is used).
pub fn find(bytes: &[u8], budget: &mut usize) -> Vec<Run> {
    let mut out = Vec::new();
    spans(bytes, &mut |s, e| {
        if let Some(run) = decode_run(&bytes[s..e], s, budget) {
            out.push(run);
        }
        *budget > 0
    });
    out
}

/// Calls `f(start, end)` for every maximal run of alphabet characters at least
/// [`MIN_BASE64`] long, in order, while `f` returns true.
fn spans(bytes: &[u8], f: &mut dyn FnMut(usize, usize) -> bool) {
    const BLOCK: usize = 16;
    let member = |c: u8| CLASS[usize::from(c)] & 1 != 0;
    let n = bytes.len();
    // A run of at least MIN_BASE64 (>= 2 * BLOCK - 1) characters covers a whole aligned
    // 16-byte block, so only blocks need testing: their last byte first (one load per
    // block in ordinary text), then the whole block, and only then is the run measured.
    let mut b = 0;
    while b + BLOCK <= n {
        let block = &bytes[b..b + BLOCK];
        if !maybe_all_members(block) || !block.iter().all(|&c| member(c)) {
            b += BLOCK;
            continue;
        }
        let mut s = b;
        while s > 0 && member(bytes[s - 1]) {
            s -= 1;
        }
        let mut e = b + BLOCK;
        while e < n && member(bytes[e]) {
            e += 1;
        }
        if e - s >= MIN_BASE64 && !f(s, e) {
            return;
        }
        // The next block that can start a new run begins after `e` (not a member).
        b = (e + 1).div_ceil(BLOCK) * BLOCK;
    }
}

/// A branch-light superset test for "all 16 bytes are alphabet characters": every byte in
/// `+`..=`z` (0x2B-0x7A), checked eight bytes at a time. Ordinary text fails it on a
/// space, newline, quote or bracket, so the exact per-byte test rarely runs.
fn maybe_all_members(block: &[u8]) -> bool {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let word_ok = |w: &[u8]| {
        let mut a = [0u8; 8];
        a.copy_from_slice(w);
        let x = u64::from_le_bytes(a);
        // No byte >= 0x80, none below 0x2B, none above 0x7A (the classic has-less /
        // has-more tricks, valid once the top bits are known clear).
        let below = x.wrapping_sub(LO * 0x2B) & !x & HI;
        let above = (x.wrapping_add(LO * (127 - 0x7A)) | x) & HI;
        below | above == 0
    };
    word_ok(&block[..8]) && word_ok(&block[8..16])
}

fn decode_run(run: &[u8], start: usize, budget: &mut usize) -> Option<Run> {
    let all_hex = run.iter().all(|&c| CLASS[usize::from(c)] & 2 != 0);
    let (kind, decoded) = if all_hex {
        if run.len() < MIN_HEX || !leads_like_text(run.iter().step_by(2), hex_lead_ok) {
            return None;
        }
        (RunKind::Hex, hex(run, budget)?)
    } else {
        if !leads_like_text(run.iter().step_by(4), b64_lead_ok) {
            return None;
        }
        (RunKind::Base64, base64(run, budget)?)
    };
    Some(Run {
        kind,
        start,
        decoded,
    })
}

/// Groups whose leading character is checked before decoding anything.
const LEAD_GROUPS: usize = 16;

/// A cheap test on the leading character of the first groups (every 4th base64 character,
/// every 2nd hex digit): in encoded text it holds the top bits of a text byte, which rules
/// out most identifiers, digests and keys without decoding them.
fn leads_like_text<'a>(leads: impl Iterator<Item = &'a u8>, ok: fn(u8) -> bool) -> bool {
    let (mut seen, mut bad) = (0, 0);
    for &c in leads.take(LEAD_GROUPS) {
        seen += 1;
        bad += usize::from(!ok(c));
    }
    bad * 1000 <= seen * (1000 - MIN_PRINTABLE_PERMILLE)
}

/// Top six bits of a printable byte (0x20-0x7e) are 8-31; of tab, LF, CR 2-3.
fn b64_lead_ok(c: u8) -> bool {
    matches!(b64_val(c), Some(2 | 3 | 8..=31))
}

/// High nibble of a printable byte or tab/LF/CR: 0, 2-7.
fn hex_lead_ok(c: u8) -> bool {
    matches!(c, b'0' | b'2'..=b'7')
}

fn printable(b: &[u8]) -> bool {
    let ok = b
        .iter()
        .filter(|&&c| (0x20..0x7f).contains(&c) || c == b'\n' || c == b'\r' || c == b'\t')
        .count();
    !b.is_empty() && ok * 1000 >= b.len() * MIN_PRINTABLE_PERMILLE
}

fn b64_val(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' | b'-' => Some(62),
        b'/' | b'_' => Some(63),
        _ => None,
    }
}

/// Decodes a base64 run (either alphabet, padding optional). Each decoded byte maps to
/// the start of its 4-character group.
pub fn base64(run: &[u8], budget: &mut usize) -> Option<Decoded> {
    let limit = (run.len() / 4 * 3 + 2).min(*budget);
    let mut bytes = Vec::with_capacity(limit.min(PROBE * 2));
    let mut map = Vec::with_capacity(bytes.capacity() + 1);
    let mut checked = false;
    for (g, group) in run.chunks(4).enumerate() {
        let mut acc: u32 = 0;
        for &c in group {
            acc = acc << 6 | u32::from(b64_val(c)?);
        }
        let n = match group.len() {
            4 => 3,
            3 => 2,
            2 => 1,
            _ => 0,
        };
        // Left-align a short final group so its bytes sit in the top bits.
        acc <<= 6 * (4 - group.len() as u32);
        for k in 0..n {
            if bytes.len() >= limit {
                break;
            }
            bytes.push((acc >> (16 - 8 * k)) as u8);
            map.push((g * 4) as u32);
        }
        if !checked && bytes.len() >= PROBE {
            if !printable(&bytes) {
                return None;
            }
            checked = true;
        }
    }
    finish(bytes, map, run.len(), budget)
}

/// Decodes a hex run (an odd last digit is ignored). Byte `j` maps to `2j`.
pub fn hex(run: &[u8], budget: &mut usize) -> Option<Decoded> {
    let limit = (run.len() / 2).min(*budget);
    let mut bytes = Vec::with_capacity(limit.min(PROBE * 2));
    let mut map = Vec::with_capacity(bytes.capacity() + 1);
    for (j, pair) in run.chunks_exact(2).enumerate() {
        if bytes.len() >= limit {
            break;
        }
        bytes.push(hex_val(pair[0])? << 4 | hex_val(pair[1])?);
        map.push((2 * j) as u32);
        if bytes.len() == PROBE && !printable(&bytes) {
            return None;
        }
    }
    finish(bytes, map, run.len(), budget)
}

fn finish(
    bytes: Vec<u8>,
    mut map: Vec<u32>,
    run_len: usize,
    budget: &mut usize,
) -> Option<Decoded> {
    if !printable(&bytes) {
        return None;
    }
    *budget = budget.saturating_sub(bytes.len());
    map.push(run_len as u32);
    Some(Decoded { bytes, map })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_text_runs_and_maps_groups() {
        // "leakscope-test:secret-value-0123456789" in base64.
        let text = b"x = bGVha3Njb3BlLXRlc3Q6c2VjcmV0LXZhbHVlLTAxMjM0NTY3ODk= ;";
        let mut budget = MAX_DECODED_PER_LAYER;
        let runs = find(text, &mut budget);
        assert_eq!(runs.len(), 1);
        let r = &runs[0];
        assert_eq!((r.kind, r.start), (RunKind::Base64, 4));
        assert_eq!(r.decoded.bytes, b"leakscope-test:secret-value-0123456789");
        assert_eq!(&r.decoded.map[..7], &[0, 0, 0, 4, 4, 4, 8]);
        assert_eq!(*r.decoded.map.last().unwrap(), 51);
    }

    proptest::proptest! {
        #[test]
        fn block_probing_finds_exactly_the_long_runs(s in "([a-z0-9]{0,40}[ .]?){0,30}") {
            let bytes = s.as_bytes();
            let mut got = Vec::new();
            spans(bytes, &mut |a, b| { got.push((a, b)); true });
            let mut want = Vec::new();
            let mut i = 0;
            while i < bytes.len() {
                let start = i;
                while i < bytes.len() && CLASS[usize::from(bytes[i])] & 1 != 0 {
                    i += 1;
                }
                if i - start >= MIN_BASE64 {
                    want.push((start, i));
                }
                i += 1;
            }
            proptest::prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn block_superset_test_agrees_with_the_byte_classes() {
        for c in 0..=255u8 {
            let block = [c; 16];
            if CLASS[usize::from(c)] & 1 != 0 {
                assert!(maybe_all_members(&block), "{c:#x}");
            }
            let expect = (0x2b..=0x7a).contains(&c);
            assert_eq!(maybe_all_members(&block), expect, "{c:#x}");
            let mut mixed = [b'A'; 16];
            mixed[(c % 16) as usize] = c;
            assert_eq!(maybe_all_members(&mixed), expect, "mixed {c:#x}");
        }
    }

    #[test]
    fn url_safe_and_hex() {
        let mut budget = MAX_DECODED_PER_LAYER;
        // "???>>>" bytes force `-`/`_` in the URL-safe alphabet.
        let url = b"Pz8_Pj4-dG9rZW4gaXMgaGVyZSBhbmQgdGhlcmUgYW5kIGV2ZXJ5d2hlcmU";
        let d = base64(url, &mut budget).unwrap();
        assert_eq!(d.bytes, b"???>>>token is here and there and everywhere");
        let h = b"6c65616b73636f70652068657820656e636f646564207465787421";
        let runs = find(h, &mut budget);
        assert_eq!(runs[0].kind, RunKind::Hex);
        assert_eq!(runs[0].decoded.bytes, b"leakscope hex encoded text!");
        assert_eq!(runs[0].decoded.map[3], 6);
    }

    #[test]
    fn rejects_random_bytes_short_runs_and_respects_budget() {
        let mut budget = MAX_DECODED_PER_LAYER;
        // An Azure-style account key: base64 of random bytes.
        let key = b"k=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
        assert!(find(key, &mut budget).is_empty());
        let sha = b"commit 3f786850e387550fdab836ed7e6dc881de23001b";
        assert!(find(sha, &mut budget).is_empty());
        assert!(find(b"c2hvcnQ=", &mut budget).is_empty());
        let mut none = 0;
        let text = b"bGVha3Njb3BlLXRlc3Q6c2VjcmV0LXZhbHVlLTAxMjM0NTY3ODk=";
        assert!(find(text, &mut none).is_empty());
    }
}
