//! Hostile input never panics, whatever the bytes (proptest), and analysis stays
//! bounded on pathological streams.

use leakscope_models::{analyze_bytes, sniff, Policy};
use proptest::prelude::*;

/// Opcode-rich bytes: random streams over pickle's opcode alphabet reach far deeper
/// into the interpreter than uniform noise.
fn pickleish() -> impl Strategy<Value = Vec<u8>> {
    let ops: Vec<u8> = b"(.012FIJKLMNPQRSTUVXabcdeghijlopqrstu}])G"
        .iter()
        .copied()
        .chain(0x80..=0x98)
        .chain([b'\n', 0, 1, 2, 0xff, b'o', b's'])
        .collect();
    prop::collection::vec(prop::sample::select(ops), 0..400)
}

const PREFIXES: &[&[u8]] = &[
    b"",
    b"\x80\x02",
    b"\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00",
    b"PK\x03\x04",
    b"\x93NUMPY\x01\x00",
    b"GGUF\x03\x00\x00\x00",
    b"\x89HDF\r\n\x1a\n",
    b"\x10\x00\x00\x00\x00\x00\x00\x00{\"",
    b"\x08\x07\x12\x04",
    b"\x1f\x8b\x08\x00",
    b"x\x9c",
    b"BZh91AY&SY",
    b"\xfd7zXZ\x00",
    b"]\x00\x00\x80\x00\xff\xff\xff\xff\xff\xff\xff\xff",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes(data in prop::collection::vec(any::<u8>(), 0..2048), p in 0..PREFIXES.len()) {
        let policy = Policy::builtin();
        let mut bytes = PREFIXES[p].to_vec();
        bytes.extend(data);
        let _ = sniff(&bytes);
        let v = analyze_bytes("fuzz", &bytes, &policy);
        prop_assert!(serde_json::to_string(&v).is_ok());
    }

    #[test]
    fn opcode_streams(data in pickleish(), proto in 0u8..6) {
        let policy = Policy::builtin();
        let mut bytes = vec![0x80, proto];
        bytes.extend(data);
        let _ = analyze_bytes("fuzz", &bytes, &policy);
        let _ = analyze_bytes("fuzz", &bytes[2..], &policy);
    }
}

#[test]
fn deep_nesting_and_memo_bombs_are_bounded() {
    let policy = Policy::builtin();
    // 200k MARKs then STOP: a deep metastack, no recursion.
    let mut b = vec![0x80, 2];
    b.extend(std::iter::repeat_n(b'(', 200_000));
    b.push(b'.');
    let _ = analyze_bytes("marks", &b, &policy);
    // Billion laughs: a list appended to itself via DUP/memo; rendering must stay bounded.
    let mut b = vec![0x80, 2, b']', b'q', 0];
    for _ in 0..10_000 {
        b.extend_from_slice(b"h\x00h\x00\x86a");
    }
    b.extend_from_slice(b"cos\nsystem\nh\x00\x85R.");
    let v = analyze_bytes("laughs", &b, &policy);
    assert!(v.calls.iter().all(|c| c.len() < 4096));
    // A lying BINBYTES8 length must not allocate.
    let mut b = vec![0x80, 4, 0x8e];
    b.extend_from_slice(&u64::MAX.to_le_bytes());
    let v = analyze_bytes("liar", &b, &policy);
    assert_eq!(v.verdict.as_str(), "malformed");
}

#[test]
fn hdf5_config_longer_than_a_scan_chunk() {
    let policy = Policy::builtin();
    let mut b = b"\x89HDF\r\n\x1a\n".to_vec();
    b.extend_from_slice(&[0u8; 100]);
    b.extend_from_slice(b"{\"class_name\": \"Sequential\", \"pad\": \"");
    b.extend(std::iter::repeat_n(b'a', 9 << 20));
    b.extend_from_slice(b"\"}");
    b.extend_from_slice(&[0u8; 64]);
    let v = analyze_bytes("long.h5", &b, &policy);
    assert_eq!(v.format.as_str(), "h5");
}
