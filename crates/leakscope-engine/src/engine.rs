use crate::allow;
use crate::decode::runs::{self, RunKind};
use crate::decode::{Decoded, Decoder};
use crate::position::LineIndex;
use crate::prefilter::{Prefilter, Target};
use crate::window::{self, Window};
use leakscope_core::Limits;
use leakscope_rules::{Rule, RuleSet};
use std::collections::HashSet;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("cannot build the keyword automaton: {0}")]
    Prefilter(#[from] aho_corasick::BuildError),
    #[error("no rules to scan with")]
    NoRules,
}

/// One accepted match, with its position in the scanned bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// Index into [`Engine::rules`].
    pub rule: usize,
    /// Byte range of the secret in the original bytes (for decoded matches: the range of
    /// the encoded text that decodes to the secret).
    pub start: usize,
    pub end: usize,
    /// The secret as matched (decoded, when a decoder revealed it).
    pub secret: Vec<u8>,
    /// Decoders applied, outermost first.
    pub decoders: Vec<&'static str>,
    /// Other named groups of the rule's pattern.
    pub captures: Vec<(String, Vec<u8>)>,
    pub line: u64,
    pub column: u64,
    pub end_line: u64,
    pub end_column: u64,
}

/// Everything found in one blob.
#[derive(Debug, Default)]
pub struct ScanOutput {
    pub matches: Vec<Match>,
    /// Matches beyond the per-blob limit, dropped.
    pub dropped: usize,
    /// The blob looked binary (a NUL byte early on); generic rules were not run.
    pub binary: bool,
}

/// The compiled scanner: rules plus one prefilter automaton over all their keywords.
pub struct Engine {
    rules: Vec<Rule>,
    prefilter: Prefilter,
    limits: Limits,
    allow: Vec<memchr::memmem::Finder<'static>>,
}

/// How far into a blob we look for a NUL byte to call it binary.
const BINARY_SNIFF: usize = 8192;

impl Engine {
    pub fn new(rules: RuleSet, limits: Limits) -> Result<Engine, EngineError> {
        if rules.is_empty() {
            return Err(EngineError::NoRules);
        }
        let triggers: Vec<&str> = Decoder::ALL
            .iter()
            .flat_map(|d| d.triggers().iter().copied())
            .collect();
        let prefilter = Prefilter::build(&rules.rules, &triggers)?;
        Ok(Engine {
            rules: rules.rules,
            prefilter,
            limits,
            allow: vec![memchr::memmem::Finder::new(allow::OWN_MARKER.as_bytes())],
        })
    }

    /// Also honour other scanners' inline allow markers (`gitleaks:allow`, …).
    pub fn with_compat_allow_markers(mut self) -> Engine {
        self.allow.extend(
            allow::COMPAT_MARKERS
                .iter()
                .map(|m| memchr::memmem::Finder::new(m.as_bytes())),
        );
        self
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Scans one blob.
    pub fn scan(&self, bytes: &[u8]) -> ScanOutput {
        let binary = memchr::memchr(0, &bytes[..bytes.len().min(BINARY_SNIFF)]).is_some();
        let mut raw = Vec::new();
        self.scan_layer(bytes, binary, 0, &mut raw);
        let cap = self.limits.max_window;
        let mut matches: Vec<Match> = raw
            .into_iter()
            .filter(|m| {
                !allow::marked(
                    bytes,
                    m.start,
                    m.end,
                    &self.allow,
                    cap,
                    &self.rules[m.rule].spec.id,
                )
            })
            .collect();
        matches.sort_by_key(|m| (m.start, m.rule, m.end));
        let dropped = matches
            .len()
            .saturating_sub(self.limits.max_findings_per_blob);
        matches.truncate(self.limits.max_findings_per_blob);
        let mut index = LineIndex::new(bytes);
        for m in &mut matches {
            (m.line, m.column) = index.locate(m.start);
        }
        // End positions are located in a second ordered pass (ends may interleave starts).
        let mut order: Vec<usize> = (0..matches.len()).collect();
        order.sort_by_key(|&i| matches[i].end);
        let mut index = LineIndex::new(bytes);
        for i in order {
            let (l, c) = index.locate(matches[i].end);
            matches[i].end_line = l;
            matches[i].end_column = c;
        }
        ScanOutput {
            matches,
            dropped,
            binary,
        }
    }

    /// Finds matches in `bytes` (offsets relative to `bytes`), then in decoded views of the
    /// regions that carry decoder triggers, up to the depth limit.
    fn scan_layer(&self, bytes: &[u8], binary: bool, depth: usize, out: &mut Vec<Match>) {
        let cap = self.limits.max_window;
        let mut windows: Vec<Window> = Vec::new();
        let mut decode_regions: Vec<(usize, usize)> = Vec::new();
        for hit in self.prefilter.automaton.find_overlapping_iter(bytes) {
            let (s, e) = (hit.start(), hit.end());
            match &self.prefilter.targets[hit.pattern().as_usize()] {
                Target::Rules(rules) => {
                    for &ri in rules {
                        let rule = &self.rules[ri as usize];
                        if binary && rule.spec.generic {
                            continue;
                        }
                        let (start, end) = window::around(bytes, s, e, cap, rule.spec.max_span);
                        windows.push(Window {
                            rule: ri,
                            start,
                            end,
                        });
                    }
                }
                Target::Decoder => {
                    if depth < self.limits.max_decode_depth {
                        decode_regions.push(window::around(bytes, s, e, cap, None));
                    }
                }
            }
        }
        window::merge(&mut windows);
        let layer_start = out.len();
        let mut seen: HashSet<(usize, usize, usize)> = HashSet::new();
        for w in &windows {
            self.run_rule(w, bytes, &mut seen, out);
        }
        if !decode_regions.is_empty() {
            decode_regions.sort_unstable();
            decode_regions.dedup();
            let mut merged: Vec<(usize, usize)> = Vec::new();
            for (s, e) in decode_regions {
                match merged.last_mut() {
                    Some(last) if s <= last.1 => last.1 = last.1.max(e),
                    _ => merged.push((s, e)),
                }
            }
            for (s, e) in merged {
                self.scan_decoded(bytes, s, e, binary, depth, layer_start, out);
            }
        }
        if !binary && depth < self.limits.max_decode_depth {
            self.scan_runs(bytes, depth, layer_start, out);
        }
    }

    fn run_rule(
        &self,
        w: &Window,
        bytes: &[u8],
        seen: &mut HashSet<(usize, usize, usize)>,
        out: &mut Vec<Match>,
    ) {
        let rule = &self.rules[w.rule as usize];
        let hay = &bytes[..w.end];
        let mut locs = rule.regex.capture_locations();
        let mut at = w.start;
        while at <= hay.len() {
            let Some(m) = rule.regex.captures_read_at(&mut locs, hay, at) else {
                break;
            };
            at = if m.end() > m.start() {
                m.end()
            } else {
                m.end() + 1
            };
            let (s, e) = match secret_group(rule, &locs) {
                Some(r) => r,
                None => (m.start(), m.end()),
            };
            let secret = &hay[s..e];
            if rule.accept(secret).is_err() || !seen.insert((w.rule as usize, s, e)) {
                continue;
            }
            let captures = rule
                .regex
                .capture_names()
                .enumerate()
                .filter_map(|(i, name)| {
                    let name = name?;
                    if name == "secret" {
                        return None;
                    }
                    let (cs, ce) = locs.get(i)?;
                    Some((name.to_string(), hay[cs..ce].to_vec()))
                })
                .collect();
            out.push(Match {
                rule: w.rule as usize,
                start: s,
                end: e,
                secret: secret.to_vec(),
                decoders: Vec::new(),
                captures,
                line: 0,
                column: 0,
                end_line: 0,
                end_column: 0,
            });
        }
    }

    /// Decodes `bytes[s..e]` with every triggered decoder that changes it and scans the
    /// result.
    #[allow(clippy::too_many_arguments)]
    fn scan_decoded(
        &self,
        bytes: &[u8],
        s: usize,
        e: usize,
        binary: bool,
        depth: usize,
        layer_start: usize,
        out: &mut Vec<Match>,
    ) {
        let region = &bytes[s..e];
        for decoder in Decoder::ALL {
            let Some(decoded) = decoder.decode(region) else {
                continue;
            };
            self.scan_view(&decoded, s, decoder, binary, depth, layer_start, out);
        }
    }

    /// Base64 and hex runs: no trigger literal marks them, so a byte scan finds them (text
    /// blobs only; a run must decode to mostly printable text to be scanned).
    fn scan_runs(&self, bytes: &[u8], depth: usize, layer_start: usize, out: &mut Vec<Match>) {
        let mut budget = runs::MAX_DECODED_PER_LAYER;
        for run in runs::find(bytes, &mut budget) {
            let decoder = match run.kind {
                RunKind::Base64 => Decoder::Base64,
                RunKind::Hex => Decoder::Hex,
            };
            self.scan_view(
                &run.decoded,
                run.start,
                decoder,
                false,
                depth,
                layer_start,
                out,
            );
        }
    }

    /// Scans one decoded view whose map is relative to `base` and keeps what the plain
    /// layer did not already find (a decoded match that covers a plain one of the same
    /// rule replaces it: it is the more complete secret).
    #[allow(clippy::too_many_arguments)]
    fn scan_view(
        &self,
        decoded: &Decoded,
        base: usize,
        decoder: Decoder,
        binary: bool,
        depth: usize,
        layer_start: usize,
        out: &mut Vec<Match>,
    ) {
        let mut inner = Vec::new();
        self.scan_layer(&decoded.bytes, binary, depth + 1, &mut inner);
        for mut m in inner {
            let os = base + decoded.map[m.start] as usize;
            let oe = base + decoded.map[m.end] as usize;
            m.start = os;
            m.end = oe;
            m.decoders.insert(0, decoder.name());
            let mut replaced = false;
            let mut covered = false;
            for existing in out[layer_start..].iter_mut() {
                if existing.rule != m.rule || existing.end <= os || existing.start >= oe {
                    continue;
                }
                let same = (os, oe) == (existing.start, existing.end);
                // Prefer the more complete secret, then the shorter decoder chain.
                let better = (os <= existing.start && oe >= existing.end && !same)
                    || (same && m.decoders.len() < existing.decoders.len());
                if better && !replaced {
                    *existing = m.clone();
                    replaced = true;
                } else {
                    covered = true;
                }
            }
            if !replaced && !covered {
                out.push(m);
            }
        }
    }
}

fn secret_group(rule: &Rule, locs: &regex::bytes::CaptureLocations) -> Option<(usize, usize)> {
    rule.secret_span(locs)
}
