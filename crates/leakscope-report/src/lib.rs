//! Output formats. Reports only render: they never decide what is a finding.

mod human;
mod sarif;
mod summary;
mod validation;

pub use summary::{RuleMeta, Summary};

use leakscope_core::Finding;
use std::io::{self, Write};

/// Output format of `scan` (DESIGN.md §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Jsonl,
    Sarif,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "human" => Ok(Format::Human),
            "json" => Ok(Format::Json),
            "jsonl" => Ok(Format::Jsonl),
            "sarif" => Ok(Format::Sarif),
            _ => Err(format!(
                "unknown format `{s}` (expected human, json, jsonl or sarif)"
            )),
        }
    }
}

/// Everything a report may show.
pub struct Report<'a> {
    pub findings: &'a [Finding],
    pub summary: &'a Summary,
    pub rules: &'a [RuleMeta],
}

#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    /// ANSI colour in human output.
    pub color: bool,
}

pub fn render(
    format: Format,
    report: &Report<'_>,
    opts: RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => human::render(report, opts, out),
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, report.findings)?;
            writeln!(out)
        }
        Format::Jsonl => {
            for f in report.findings {
                serde_json::to_writer(&mut *out, f)?;
                writeln!(out)?;
            }
            Ok(())
        }
        Format::Sarif => {
            serde_json::to_writer_pretty(&mut *out, &sarif::build(report))?;
            writeln!(out)
        }
    }
}
