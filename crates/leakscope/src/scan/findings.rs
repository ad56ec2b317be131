//! Turning engine matches into findings, and the intelligence that enriches them.

use leakscope_core::{fingerprint, redact, Finding, Paired};
use leakscope_engine::Match;
use leakscope_rules::Rule;
use std::collections::{HashMap, HashSet};

/// A finding for one match in the file at `path`. The full secret is kept for analysis;
/// `scan::run` clears it before output unless `--show-secrets`.
pub fn from_match(rule: &Rule, m: &Match, path: &str) -> Finding {
    let secret = String::from_utf8_lossy(&m.secret).into_owned();
    Finding {
        rule_id: rule.spec.id.clone(),
        rule_name: rule.spec.name.clone(),
        kind: rule.spec.kind.clone(),
        severity: rule.spec.severity,
        confidence: rule.spec.confidence,
        path: path.to_string(),
        line: m.line,
        column: m.column,
        end_line: m.end_line,
        end_column: m.end_column,
        offset: m.start as u64,
        secret_redacted: redact(&secret),
        fingerprint: fingerprint(&m.secret),
        secret: Some(secret),
        decoders: m.decoders.iter().map(|d| d.to_string()).collect(),
        git: None,
        analysis: None,
        validation: None,
        paired: Vec::new(),
        captures: m
            .captures
            .iter()
            .map(|(k, v)| (k.clone(), String::from_utf8_lossy(v).into_owned()))
            .collect(),
    }
}

/// Kind-specific analysis after the whole scan (so a SAS can be checked against an account
/// key found in another file). Needs the full secrets, so it runs before redaction.
pub fn enrich(findings: &mut [Finding], now: jiff::Timestamp, account_keys: Vec<(String, String)>) {
    leakscope_azure::enrich_findings(
        findings,
        &leakscope_azure::EnrichContext { now, account_keys },
    );
}

/// One report per piece of evidence: where findings in a file overlap, drop a generic
/// rule's match when a specific rule matched there too, identical spans keep only the most
/// severe rule, and a specific finding inside another specific one that is at least as
/// severe (a SAS inside a connection string) is covered by the outer one.
pub fn dedup_overlaps(findings: &mut Vec<Finding>, generic_rules: &HashSet<String>) {
    findings.sort_by(|a, b| (&a.path, span(a)).cmp(&(&b.path, span(b))));
    let mut drop = vec![false; findings.len()];
    let mut start = 0;
    while start < findings.len() {
        let mut end = start + 1;
        while end < findings.len() && findings[end].path == findings[start].path {
            end += 1;
        }
        mark_overlaps(&findings[start..end], &mut drop[start..end], generic_rules);
        start = end;
    }
    let mut keep = drop.iter().map(|d| !d);
    findings.retain(|_| keep.next().unwrap_or(true));
}

/// How many lines apart the two halves of a credential pair may be.
const PAIR_LINES: u64 = 30;

/// Links each finding to the nearest finding in the same file whose rule it pairs with
/// (`pairs_with`), so a report shows an AWS key id together with its secret. Expects the
/// order `dedup_overlaps` leaves (grouped by path).
pub fn link_pairs(findings: &mut [Finding], pairs: &HashMap<String, Vec<String>>) {
    if pairs.is_empty() {
        return;
    }
    let mut start = 0;
    while start < findings.len() {
        let mut end = start + 1;
        while end < findings.len() && findings[end].path == findings[start].path {
            end += 1;
        }
        let group = &mut findings[start..end];
        let links: Vec<Option<Paired>> = group
            .iter()
            .map(|a| {
                let partners = pairs.get(&a.rule_id)?;
                group
                    .iter()
                    .filter(|b| {
                        partners.contains(&b.rule_id) && b.line.abs_diff(a.line) <= PAIR_LINES
                    })
                    .min_by_key(|b| b.line.abs_diff(a.line))
                    .map(|b| Paired {
                        rule_id: b.rule_id.clone(),
                        line: b.line,
                        fingerprint: b.fingerprint.clone(),
                    })
            })
            .collect();
        for (f, link) in group.iter_mut().zip(links) {
            if let Some(p) = link {
                f.paired.push(p);
            }
        }
        start = end;
    }
}

type Pos = (u64, u64);

/// Start and end (exclusive) of a finding as (line, column) pairs in the original text.
fn span(f: &Finding) -> (Pos, Pos) {
    ((f.line, f.column), (f.end_line, f.end_column))
}

/// `group` is one file's findings sorted by span start.
fn mark_overlaps(group: &[Finding], drop: &mut [bool], generic_rules: &HashSet<String>) {
    let is_generic = |f: &Finding| generic_rules.contains(&f.rule_id);
    for i in 0..group.len() {
        let (a_start, a_end) = span(&group[i]);
        for j in i + 1..group.len() {
            let (b_start, b_end) = span(&group[j]);
            if b_start >= a_end {
                break;
            }
            let (a, b) = (&group[i], &group[j]);
            let loser = match (is_generic(a), is_generic(b)) {
                (true, false) => Some(i),
                (false, true) => Some(j),
                _ if (a_start, a_end) == (b_start, b_end) => {
                    // Same bytes, two rules: keep the more severe, then more confident.
                    if (b.severity, b.confidence) > (a.severity, a.confidence) {
                        Some(i)
                    } else {
                        Some(j)
                    }
                }
                (false, false) if b_end <= a_end && a.severity >= b.severity => Some(j),
                (false, false)
                    if a_start == b_start && a_end <= b_end && b.severity >= a.severity =>
                {
                    Some(i)
                }
                _ => None,
            };
            if let Some(k) = loser {
                drop[k] = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use leakscope_core::{Confidence, Severity};

    fn f(rule: &str, sev: Severity, from: Pos, to: Pos) -> Finding {
        Finding {
            rule_id: rule.into(),
            rule_name: rule.into(),
            kind: rule.into(),
            severity: sev,
            confidence: Confidence::High,
            path: "a.txt".into(),
            line: from.0,
            column: from.1,
            end_line: to.0,
            end_column: to.1,
            offset: 0,
            secret_redacted: String::new(),
            secret: None,
            fingerprint: String::new(),
            decoders: vec![],
            git: None,
            analysis: None,
            validation: None,
            paired: Vec::new(),
            captures: Default::default(),
        }
    }

    fn ids(v: &[Finding]) -> Vec<&str> {
        v.iter().map(|f| f.rule_id.as_str()).collect()
    }

    #[test]
    fn generic_match_yields_to_specific_one() {
        let generic: HashSet<String> = ["generic.secret".to_string()].into();
        let mut v = vec![
            f("generic.secret", Severity::Medium, (3, 10), (3, 50)),
            f("github.pat", Severity::High, (3, 12), (3, 52)),
            f("generic.secret", Severity::Medium, (9, 1), (9, 20)),
        ];
        dedup_overlaps(&mut v, &generic);
        assert_eq!(ids(&v), ["github.pat", "generic.secret"]);
        assert_eq!(v[1].line, 9);
    }

    #[test]
    fn inner_specific_match_covered_by_outer_one() {
        let mut v = vec![
            f("azure.sas", Severity::High, (1, 60), (1, 200)),
            f("azure.conn", Severity::Critical, (1, 1), (1, 200)),
        ];
        dedup_overlaps(&mut v, &HashSet::new());
        assert_eq!(ids(&v), ["azure.conn"]);
    }

    #[test]
    fn more_severe_inner_match_is_kept_and_disjoint_ones_untouched() {
        let mut v = vec![
            f("db.uri", Severity::Medium, (1, 1), (1, 80)),
            f("aws.key", Severity::Critical, (1, 20), (1, 40)),
            f("other", Severity::Low, (2, 1), (2, 5)),
        ];
        dedup_overlaps(&mut v, &HashSet::new());
        assert_eq!(ids(&v), ["db.uri", "aws.key", "other"]);
    }

    #[test]
    fn pairs_link_to_the_nearest_partner_in_the_same_file() {
        let mut v = vec![
            f("aws.key_id", Severity::High, (3, 1), (3, 20)),
            f("aws.secret", Severity::Critical, (4, 1), (4, 40)),
            f("aws.secret", Severity::Critical, (90, 1), (90, 40)),
        ];
        v[1].fingerprint = "fp-near".into();
        let pairs: HashMap<String, Vec<String>> = [
            ("aws.key_id".to_string(), vec!["aws.secret".to_string()]),
            ("aws.secret".to_string(), vec!["aws.key_id".to_string()]),
        ]
        .into();
        link_pairs(&mut v, &pairs);
        assert_eq!(v[0].paired.len(), 1);
        assert_eq!(v[0].paired[0].line, 4);
        assert_eq!(v[0].paired[0].fingerprint, "fp-near");
        assert_eq!(v[1].paired[0].rule_id, "aws.key_id");
        // 87 lines away: not a pair.
        assert!(v[2].paired.is_empty());
    }

    #[test]
    fn identical_spans_keep_the_most_severe_rule() {
        let mut v = vec![
            f("a", Severity::Medium, (4, 2), (4, 30)),
            f("b", Severity::High, (4, 2), (4, 30)),
        ];
        dedup_overlaps(&mut v, &HashSet::new());
        assert_eq!(ids(&v), ["b"]);
    }
}
