//! The verdict contract (DESIGN §5) and the builder that accumulates it.

use serde::Serialize;

/// Detected container/model format; serialises to the DESIGN §5 names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Pickle,
    PytorchZip,
    PytorchLegacy,
    Numpy,
    Npz,
    Joblib,
    Keras,
    H5,
    Safetensors,
    Gguf,
    Onnx,
    Unknown,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Pickle => "pickle",
            Format::PytorchZip => "pytorch_zip",
            Format::PytorchLegacy => "pytorch_legacy",
            Format::Numpy => "numpy",
            Format::Npz => "npz",
            Format::Joblib => "joblib",
            Format::Keras => "keras",
            Format::H5 => "h5",
            Format::Safetensors => "safetensors",
            Format::Gguf => "gguf",
            Format::Onnx => "onnx",
            Format::Unknown => "unknown",
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Overall judgement; ordered by how much attention it needs (`Malicious` highest).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum VerdictKind {
    Safe,
    Unsupported,
    Malformed,
    Suspicious,
    Malicious,
}

impl VerdictKind {
    pub fn as_str(self) -> &'static str {
        match self {
            VerdictKind::Safe => "safe",
            VerdictKind::Unsupported => "unsupported",
            VerdictKind::Malformed => "malformed",
            VerdictKind::Suspicious => "suspicious",
            VerdictKind::Malicious => "malicious",
        }
    }

    /// Whether the CLI should fail (exit 1) on this verdict.
    pub fn is_finding(self) -> bool {
        matches!(self, VerdictKind::Suspicious | VerdictKind::Malicious)
    }
}

impl std::fmt::Display for VerdictKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The analysis of one file (DESIGN §5 fields first; the rest are additions).
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    pub path: String,
    pub format: Format,
    pub verdict: VerdictKind,
    /// Every `module.name` the file would import, in first-seen order.
    pub globals: Vec<String>,
    /// Reconstructed calls to anything not on the allowlist, e.g. `os.system('…')`.
    pub calls: Vec<String>,
    /// One short sentence each, most important first.
    pub reasons: Vec<String>,
    /// Globals matching the deny list (subset of `globals`).
    pub denied_globals: Vec<String>,
    /// Globals on neither list (subset of `globals`).
    pub unknown_globals: Vec<String>,
    /// Pickle records analysed (zip members, nested and consecutive pickles).
    pub pickles: usize,
    /// Chat templates found in GGUF metadata (reported for review; not executed).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub chat_templates: Vec<String>,
}

const MAX_CALLS: usize = 200;
const MAX_REASONS: usize = 100;

/// Accumulates findings while a container is walked.
#[derive(Debug)]
pub struct Builder {
    pub format: Format,
    level: VerdictKind,
    globals: Vec<String>,
    calls: Vec<String>,
    strong: Vec<String>,
    weak: Vec<String>,
    denied: Vec<String>,
    unknown: Vec<String>,
    pub pickles: usize,
    pub chat_templates: Vec<String>,
}

fn push_unique(v: &mut Vec<String>, s: String, cap: usize) {
    if v.len() < cap && !v.contains(&s) {
        v.push(s);
    }
}

impl Builder {
    pub fn new(format: Format) -> Builder {
        Builder {
            format,
            level: VerdictKind::Safe,
            globals: Vec::new(),
            calls: Vec::new(),
            strong: Vec::new(),
            weak: Vec::new(),
            denied: Vec::new(),
            unknown: Vec::new(),
            pickles: 0,
            chat_templates: Vec::new(),
        }
    }

    /// Raise the verdict to at least `kind` for `reason`.
    pub fn flag(&mut self, kind: VerdictKind, reason: impl Into<String>) {
        self.level = self.level.max(kind);
        let r = reason.into();
        // Reasons that drive a malicious/suspicious verdict are listed first.
        if kind >= VerdictKind::Suspicious {
            push_unique(&mut self.strong, r, MAX_REASONS);
        } else {
            push_unique(&mut self.weak, r, MAX_REASONS);
        }
    }

    /// A fact that does not change the verdict.
    pub fn note(&mut self, reason: impl Into<String>) {
        push_unique(&mut self.weak, reason.into(), MAX_REASONS);
    }

    pub fn global(&mut self, path: String) {
        push_unique(&mut self.globals, path, usize::MAX);
    }

    pub fn denied(&mut self, path: String) {
        push_unique(&mut self.denied, path, usize::MAX);
    }

    pub fn unknown(&mut self, path: String) {
        push_unique(&mut self.unknown, path, usize::MAX);
    }

    pub fn call(&mut self, rendered: String) {
        push_unique(&mut self.calls, rendered, MAX_CALLS);
    }

    pub fn finish(self, path: &str) -> Verdict {
        let mut reasons = self.strong;
        reasons.extend(self.weak);
        Verdict {
            path: path.to_string(),
            format: self.format,
            verdict: self.level,
            globals: self.globals,
            calls: self.calls,
            reasons,
            denied_globals: self.denied,
            unknown_globals: self.unknown,
            pickles: self.pickles,
            chat_templates: self.chat_templates,
        }
    }
}
