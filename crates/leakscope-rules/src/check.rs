use crate::{Rule, RuleSet};

/// A rule whose own examples disagree with it.
#[derive(Debug, Clone)]
pub struct ExampleFailure {
    pub rule_id: String,
    pub origin: String,
    pub example: String,
    /// `true`: a positive example found nothing; `false`: a negative example matched.
    pub positive: bool,
    pub detail: String,
}

impl std::fmt::Display for ExampleFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = if self.positive {
            "positive example found nothing"
        } else {
            "negative example matched"
        };
        write!(
            f,
            "{} ({}): {what}: {:?}{}",
            self.rule_id,
            self.origin,
            self.example,
            if self.detail.is_empty() {
                String::new()
            } else {
                format!(" ({})", self.detail)
            }
        )
    }
}

/// Checks every rule against its own examples. A rule without a positive example fails.
pub fn check_examples(set: &RuleSet) -> Vec<ExampleFailure> {
    set.rules.iter().flat_map(check_rule).collect()
}

fn check_rule(rule: &Rule) -> Vec<ExampleFailure> {
    let mut out = Vec::new();
    let fail = |example: &str, positive: bool, detail: String| ExampleFailure {
        rule_id: rule.spec.id.clone(),
        origin: rule.origin.clone(),
        example: example.to_string(),
        positive,
        detail,
    };
    if rule.spec.examples.is_empty() && !rule.is_foreign() {
        out.push(fail("", true, "rule has no positive examples".into()));
    }
    for ex in &rule.spec.examples {
        if rule.find_in(ex.as_bytes()).is_none() {
            out.push(fail(ex, true, why_not(rule, ex.as_bytes())));
        }
    }
    for ex in &rule.spec.negative_examples {
        if let Some(secret) = rule.find_in(ex.as_bytes()) {
            out.push(fail(
                ex,
                false,
                format!("matched {:?}", String::from_utf8_lossy(&secret)),
            ));
        }
    }
    out
}

fn why_not(rule: &Rule, text: &[u8]) -> String {
    let lower = String::from_utf8_lossy(text).to_ascii_lowercase();
    if !rule
        .spec
        .keywords
        .iter()
        .any(|k| lower.contains(&k.to_ascii_lowercase()))
    {
        return "no keyword occurs in it".into();
    }
    let mut reasons = Vec::new();
    for caps in rule.regex.captures_iter(text) {
        if let Some(r) = rule.secret_range(&caps) {
            if let Err(e) = rule.accept(&text[r]) {
                reasons.push(e.to_string());
            }
        }
    }
    if reasons.is_empty() {
        "pattern does not match".into()
    } else {
        reasons.join("; ")
    }
}
