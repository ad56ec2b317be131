//! The pairing graph (`Finding.paired`), so a provider whose credential has two halves (an
//! AWS key id and its secret) can find the other half.
//!
//! Built from every finding of the scan, before severity and baseline filters: the key id
//! of a reported secret must be found even when the key id itself is not reported.

use leakscope_core::Finding;
use std::collections::HashMap;

/// A finding linked to the candidate through `paired`.
#[derive(Debug, Clone)]
pub struct Partner {
    pub kind: String,
    pub rule_id: String,
    pub fingerprint: String,
    pub secret: Option<String>,
    /// 1: linked to the candidate directly; 2: through a direct partner.
    pub hops: u8,
}

#[derive(Debug, Clone)]
struct Node {
    kind: String,
    rule_id: String,
    secret: Option<String>,
}

/// Fingerprint → finding facts and pairing links in both directions.
#[derive(Debug, Clone, Default)]
pub struct PairIndex {
    nodes: HashMap<String, Node>,
    /// Neighbours in the order they were linked: a finding's own `paired` (nearest first)
    /// before the links other findings made to it.
    links: HashMap<String, Vec<String>>,
}

impl PairIndex {
    pub fn from_findings<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> PairIndex {
        let findings: Vec<&Finding> = findings.into_iter().collect();
        let mut index = PairIndex::default();
        for f in &findings {
            let node = index
                .nodes
                .entry(f.fingerprint.clone())
                .or_insert_with(|| Node {
                    kind: f.kind.clone(),
                    rule_id: f.rule_id.clone(),
                    secret: None,
                });
            if node.secret.is_none() {
                node.secret = f.secret.clone();
            }
        }
        // Forward links first, so a finding's nearest partner stays first.
        for f in &findings {
            for p in &f.paired {
                index.link(&f.fingerprint, &p.fingerprint);
            }
        }
        for f in &findings {
            for p in &f.paired {
                index.link(&p.fingerprint, &f.fingerprint);
            }
        }
        index
    }

    fn link(&mut self, from: &str, to: &str) {
        if from == to {
            return;
        }
        let list = self.links.entry(from.to_string()).or_default();
        if !list.iter().any(|x| x == to) {
            list.push(to.to_string());
        }
    }

    /// Partners of the finding with `fingerprint`: direct ones, then their own partners.
    pub fn partners(&self, fingerprint: &str) -> Vec<Partner> {
        let mut out: Vec<Partner> = Vec::new();
        let mut seen = vec![fingerprint.to_string()];
        let direct = self.links.get(fingerprint).cloned().unwrap_or_default();
        for (hops, list) in [(1u8, direct.clone()), (2, self.second_hop(&direct))] {
            for fp in list {
                if seen.contains(&fp) {
                    continue;
                }
                seen.push(fp.clone());
                if let Some(n) = self.nodes.get(&fp) {
                    out.push(Partner {
                        kind: n.kind.clone(),
                        rule_id: n.rule_id.clone(),
                        fingerprint: fp,
                        secret: n.secret.clone(),
                        hops,
                    });
                }
            }
        }
        out
    }

    fn second_hop(&self, direct: &[String]) -> Vec<String> {
        direct
            .iter()
            .filter_map(|fp| self.links.get(fp))
            .flatten()
            .cloned()
            .collect()
    }
}
