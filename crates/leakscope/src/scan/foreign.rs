//! What Gitleaks configs loaded with `--rules` add beside rules: allowlists and rules that
//! only apply to some paths. Applied per match, where the line text is at hand.

use leakscope_engine::Match;
use leakscope_rules::gitleaks::{Allowlist, Candidate, PathRule};
use leakscope_rules::RuleSet;

/// How far around a match its "line" may extend on minified one-line files.
const LINE_CAP: usize = 4096;

#[derive(Default)]
pub struct Foreign {
    allowlists: Vec<Allowlist>,
    path_rules: Vec<PathRule>,
}

impl Foreign {
    pub fn from_rules(rules: &RuleSet) -> Foreign {
        Foreign {
            allowlists: rules.allowlists.clone(),
            path_rules: rules.path_rules.clone(),
        }
    }

    /// Whether a match of rule `rule_id` in the file `path` (whose bytes are `blob`) is
    /// reported: its rule applies to the path and no allowlist covers it.
    pub fn keeps(&self, rule_id: &str, path: &str, m: &Match, blob: &[u8]) -> bool {
        if self.allowlists.is_empty() && self.path_rules.is_empty() {
            return true;
        }
        if self
            .path_rules
            .iter()
            .any(|p| p.rule_id == rule_id && !p.applies(path))
        {
            return false;
        }
        let candidate = Candidate {
            rule_id,
            path,
            secret: &m.secret,
            line: line_of(blob, m.start, m.end),
        };
        !self.allowlists.iter().any(|a| a.allows(&candidate))
    }
}

fn line_of(blob: &[u8], start: usize, end: usize) -> &[u8] {
    let end = end.min(blob.len());
    let start = start.min(end);
    let lo = start.saturating_sub(LINE_CAP);
    let s = memchr_rev(&blob[lo..start]).map_or(lo, |i| lo + i + 1);
    let hi = end.saturating_add(LINE_CAP).min(blob.len());
    let e = blob[end..hi]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(hi, |i| end + i);
    &blob[s..e]
}

fn memchr_rev(hay: &[u8]) -> Option<usize> {
    hay.iter().rposition(|&b| b == b'\n')
}
