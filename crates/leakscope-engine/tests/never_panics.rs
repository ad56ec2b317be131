use leakscope_core::Limits;
use leakscope_engine::Engine;
use leakscope_rules::RuleSet;
use proptest::prelude::*;
use std::sync::OnceLock;

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| Engine::new(RuleSet::builtin().unwrap(), Limits::default()).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn scanning_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let out = engine().scan(&bytes);
        for m in &out.matches {
            prop_assert!(m.start <= m.end && m.end <= bytes.len());
            prop_assert!(m.line >= 1 && m.column >= 1);
        }
    }

    #[test]
    fn scanning_base64_and_hex_heavy_text_never_panics(s in "([A-Za-z0-9+/_=-]{0,80}|[0-9a-f]{40,90}|QUtJQV|c2VjcmV0|[ \n:\"]){0,60}") {
        let out = engine().scan(s.as_bytes());
        for m in &out.matches {
            prop_assert!(m.start <= m.end && m.end <= s.len());
            prop_assert!(m.line >= 1 && m.column >= 1);
        }
    }

    #[test]
    fn base64_and_hex_decoders_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        for d in [leakscope_engine::Decoder::Base64, leakscope_engine::Decoder::Hex] {
            if let Some(out) = d.decode(&bytes) {
                prop_assert_eq!(out.map.len(), out.bytes.len() + 1);
                prop_assert!(out.map.iter().all(|&o| o as usize <= bytes.len()));
            }
        }
    }

    #[test]
    fn scanning_escape_heavy_text_never_panics(s in "([a-z=&%]|%3[dD]|%26|\\\\u00[0-9a-f]{2}|&amp;|&#[0-9]{1,3};|sig=|\\\\/|\n){0,300}") {
        let out = engine().scan(s.as_bytes());
        for m in &out.matches {
            prop_assert!(m.start <= m.end && m.end <= s.len());
        }
    }
}
