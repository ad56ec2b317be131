use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use leakscope_rules::Rule;
use std::collections::HashMap;

/// What a keyword hit means: which rules it triggers, or which decoder it calls for.
pub enum Target {
    Rules(Vec<u32>),
    Decoder,
}

/// One automaton over every rule keyword and every decoder trigger.
pub struct Prefilter {
    pub automaton: AhoCorasick,
    pub targets: Vec<Target>,
}

impl Prefilter {
    pub fn build(
        rules: &[Rule],
        decoder_triggers: &[&str],
    ) -> Result<Prefilter, aho_corasick::BuildError> {
        // Keywords are matched ASCII-case-insensitively, so identical keywords in different
        // case collapse to one pattern that triggers all their rules.
        let mut index: HashMap<Vec<u8>, usize> = HashMap::new();
        let mut patterns: Vec<Vec<u8>> = Vec::new();
        let mut targets: Vec<Target> = Vec::new();
        for (ri, rule) in rules.iter().enumerate() {
            for kw in &rule.spec.keywords {
                let key = kw.as_bytes().to_ascii_lowercase();
                let slot = *index.entry(key.clone()).or_insert_with(|| {
                    patterns.push(key);
                    targets.push(Target::Rules(Vec::new()));
                    patterns.len() - 1
                });
                if let Target::Rules(v) = &mut targets[slot] {
                    if !v.contains(&(ri as u32)) {
                        v.push(ri as u32);
                    }
                }
            }
        }
        for t in decoder_triggers {
            patterns.push(t.as_bytes().to_ascii_lowercase());
            targets.push(Target::Decoder);
        }
        let automaton = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&patterns)
            .or_else(|_| {
                // A DFA can be too large for huge user rule sets; fall back to the
                // automaton the crate picks.
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .build(&patterns)
            })?;
        Ok(Prefilter { automaton, targets })
    }
}
