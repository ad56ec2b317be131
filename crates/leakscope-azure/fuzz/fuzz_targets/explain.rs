//! Every parser entry point on arbitrary bytes: SAS (bare and with a URL), connection
//! strings, keys, other clouds' signed URLs, then rendering. None may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let now = jiff::Timestamp::UNIX_EPOCH;
    let _ = leakscope_azure::parse_sas(&s);
    let _ = leakscope_azure::sas::parse_with_url(&s, Some("https://a.blob.core.windows.net/c/b"));
    let keys = vec![("a".to_string(), "a2V5a2V5a2V5".to_string())];
    if let Ok(e) = leakscope_azure::explain(&s, now, &keys) {
        let _ = leakscope_azure::card::render(&e);
        let _ = e.to_json();
    }
});
