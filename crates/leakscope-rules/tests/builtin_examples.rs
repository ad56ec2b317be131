//! Every built-in rule must find a secret in each of its positive examples and nothing in
//! each of its negative ones.

use leakscope_rules::{check_examples, RuleSet};

#[test]
fn builtin_rules_compile_and_pass_their_examples() {
    let set = RuleSet::builtin().unwrap_or_else(|e| panic!("built-in rules: {e}"));
    assert!(!set.is_empty());
    let failures = check_examples(&set);
    let report: Vec<String> = failures.iter().map(ToString::to_string).collect();
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        report.join("\n")
    );
}

#[test]
fn every_builtin_rule_has_two_examples_each_way_and_a_reference_or_description() {
    let set = RuleSet::builtin().unwrap_or_else(|e| panic!("built-in rules: {e}"));
    for r in &set.rules {
        assert!(
            r.spec.examples.len() >= 2 && r.spec.negative_examples.len() >= 2,
            "{} needs at least 2 positive and 2 negative examples",
            r.spec.id
        );
        assert!(
            !r.spec.references.is_empty() || r.spec.description.is_some(),
            "{} needs a reference or description",
            r.spec.id
        );
    }
}
