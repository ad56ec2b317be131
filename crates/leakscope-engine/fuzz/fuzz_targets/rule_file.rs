//! User rule files are input too (`--rules PATH`): arbitrary text must give a rule set or
//! a typed error, never a panic, and a rule set that loads must build an engine.
#![no_main]

use leakscope_core::Limits;
use leakscope_engine::Engine;
use leakscope_rules::RuleSet;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut set = RuleSet::default();
    if set.add_toml(text, "fuzz.toml").is_ok() && !set.is_empty() {
        if let Ok(engine) = Engine::new(set, Limits::default()) {
            let _ = engine.scan(text.as_bytes());
        }
    }
});
