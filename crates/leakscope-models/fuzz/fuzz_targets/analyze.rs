//! Any bytes, any format: sniffing and analysis must never panic or run away.
#![no_main]

use leakscope_models::{analyze_bytes, sniff, Policy};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let policy = Policy::builtin();
    let _ = sniff(&data[..data.len().min(4096)]);
    let _ = analyze_bytes("fuzz", data, &policy);
});
