use crate::{RenderOptions, Report};
use leakscope_core::{Finding, Severity};
use std::collections::BTreeMap;
use std::io::{self, Write};

struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn severity(&self, s: Severity) -> String {
        let label = format!("{:<8}", s.as_str().to_uppercase());
        let code = match s {
            Severity::Critical => "1;97;41",
            Severity::High => "1;31",
            Severity::Medium => "33",
            Severity::Low => "36",
            Severity::Info => "2",
        };
        self.wrap(code, &label)
    }
    fn bold(&self, s: &str) -> String {
        self.wrap("1", s)
    }
    fn dim(&self, s: &str) -> String {
        self.wrap("2", s)
    }
}

/// Findings grouped by file, worst first within a file's order of lines, then a summary.
pub fn render(report: &Report<'_>, opts: RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let p = Paint { on: opts.color };
    let mut by_file: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in report.findings {
        by_file.entry(f.path.as_str()).or_default().push(f);
    }
    for (path, mut findings) in by_file {
        findings.sort_by_key(|f| (f.line, f.column));
        writeln!(out, "{}", p.bold(path))?;
        for f in findings {
            writeln!(
                out,
                "  {}:{:<5} {} {} {}",
                f.line,
                f.column,
                p.severity(f.severity),
                f.rule_name,
                p.dim(&format!("({})", f.rule_id))
            )?;
            let shown = f.secret.as_deref().unwrap_or(&f.secret_redacted);
            writeln!(out, "           {shown}")?;
            if !f.decoders.is_empty() {
                writeln!(
                    out,
                    "           {}",
                    p.dim(&format!("revealed by decoding: {}", f.decoders.join(" → ")))
                )?;
            }
            if let Some(v) = &f.validation {
                let (text, code) = crate::validation::line(v);
                writeln!(out, "           {}", p.wrap(code, &text))?;
            }
            for line in analysis_lines(f) {
                writeln!(out, "           {}", p.dim(&line))?;
            }
        }
        writeln!(out)?;
    }
    write_summary(report, &p, out)
}

/// One-line highlights of a finding's analysis: where it stands in git history, the risk
/// reasons of a SAS, a model's calls.
fn analysis_lines(f: &Finding) -> Vec<String> {
    let mut lines: Vec<String> = f.git.iter().filter_map(history_line).collect();
    lines.extend(
        f.paired
            .iter()
            .map(|p| format!("- pairs with {} on line {}", p.rule_id, p.line)),
    );
    let Some(a) = &f.analysis else {
        return lines;
    };
    if let Some(summary) = a.get("summary").and_then(|v| v.as_str()) {
        lines.push(summary.to_string());
    }
    for key in ["reasons", "calls"] {
        if let Some(items) = a.get(key).and_then(|v| v.as_array()) {
            for r in items.iter().filter_map(|v| v.as_str()).take(8) {
                // A model's reasons usually quote its calls already.
                if key == "calls" && lines.iter().any(|l| l.contains(r)) {
                    continue;
                }
                lines.push(format!("- {r}"));
            }
        }
    }
    lines
}

/// For a secret no longer at HEAD: since when, and why it still matters.
fn history_line(g: &leakscope_core::GitInfo) -> Option<String> {
    if g.present_at_head {
        return None;
    }
    Some(match &g.removed_at {
        Some(r) => format!(
            "- removed from HEAD on {} (commit {}) but still in history",
            r.date.get(..10).unwrap_or(&r.date),
            r.commit.get(..12).unwrap_or(&r.commit)
        ),
        None if g.unreachable => "- unreachable: only in a reflog or dangling objects (git gc may \
             drop it; clones and forks made before keep it)"
            .to_string(),
        None => "- not on HEAD's history: only on other branches, tags or stashes".to_string(),
    })
}

fn write_summary(report: &Report<'_>, p: &Paint, out: &mut dyn Write) -> io::Result<()> {
    let s = report.summary;
    let n = report.findings.len();
    let mut counts: Vec<String> = Vec::new();
    for sev in Severity::ALL {
        let c = report.findings.iter().filter(|f| f.severity == sev).count();
        if c > 0 {
            counts.push(format!("{c} {sev}"));
        }
    }
    let files_with: std::collections::BTreeSet<&str> =
        report.findings.iter().map(|f| f.path.as_str()).collect();
    if n == 0 {
        writeln!(out, "{}", p.bold("No findings."))?;
    } else {
        writeln!(
            out,
            "{}",
            p.bold(&format!(
                "{n} finding{} ({}) in {} file{}.",
                plural(n),
                counts.join(", "),
                files_with.len(),
                plural(files_with.len())
            ))
        )?;
    }
    let mb = s.bytes_scanned as f64 / 1e6;
    let rate = if s.duration_secs > 0.0 {
        mb / s.duration_secs
    } else {
        0.0
    };
    writeln!(
        out,
        "Scanned {} file{}, {:.1} MB in {:.2} s ({:.0} MB/s).",
        s.files_scanned,
        plural(s.files_scanned as usize),
        mb,
        s.duration_secs,
        rate
    )?;
    if !s.skipped.is_empty() {
        let mut by_reason: BTreeMap<&str, usize> = BTreeMap::new();
        for sk in &s.skipped {
            *by_reason.entry(sk.reason.label()).or_default() += 1;
        }
        let parts: Vec<String> = by_reason.iter().map(|(r, c)| format!("{c} {r}")).collect();
        writeln!(out, "Skipped: {}.", parts.join(", "))?;
    }
    if s.matches_dropped > 0 {
        writeln!(
            out,
            "Dropped {} matches over the per-file limit.",
            s.matches_dropped
        )?;
    }
    Ok(())
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
