//! The whole engine on arbitrary bytes with every built-in rule: prefilter, windows,
//! regexes, validators and the percent / JSON / HTML decoders (nested). Must never panic,
//! and every reported position must lie inside the input.
#![no_main]

use std::sync::OnceLock;

use leakscope_core::Limits;
use leakscope_engine::Engine;
use leakscope_rules::RuleSet;
use libfuzzer_sys::fuzz_target;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let rules = RuleSet::builtin().expect("built-in rules load");
        Engine::new(rules, Limits::default()).expect("engine builds")
    })
}

fuzz_target!(|data: &[u8]| {
    let out = engine().scan(data);
    for m in &out.matches {
        assert!(m.start <= m.end && m.end <= data.len());
        assert!(m.line >= 1 && m.line <= m.end_line);
    }
});
