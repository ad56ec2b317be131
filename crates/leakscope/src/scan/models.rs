//! Model files met during a scan: a cheap sniff of each file's first bytes, and for a
//! recognised container the static analysis of `leakscope-models`, turned into a
//! `model_code_execution` finding when loading the file would run code.

use leakscope_core::{fingerprint, Confidence, Finding, Severity};
use leakscope_models::{analyze_bytes, analyze_path, sniff, Policy, Verdict, VerdictKind};
use leakscope_report::RuleMeta;
use leakscope_sources::FileEntry;

pub const RULE_ID: &str = "model.code_execution";
pub const KIND: &str = "model_code_execution";
const RULE_NAME: &str = "Model file runs code when loaded";

/// How many leading bytes the sniff looks at.
pub const SNIFF_BYTES: usize = 4096;

/// Rule metadata so SARIF and `rules list`-style consumers can describe model findings.
pub fn rule_meta() -> RuleMeta {
    RuleMeta {
        id: RULE_ID.to_string(),
        name: RULE_NAME.to_string(),
        kind: KIND.to_string(),
        severity: Severity::Critical,
        confidence: Confidence::High,
        description: "A pickle-based model file (PyTorch, joblib, numpy object arrays, Keras \
                      Lambda layers, …) imports or calls something that executes code on \
                      load. Found by static analysis; nothing is unpickled."
            .to_string()
            .into(),
        references: vec![
            "https://docs.python.org/3/library/pickle.html#restricting-globals".to_string(),
        ],
    }
}

/// Analyses in-memory `bytes` shown as `path` (a file or an archive member) if they look
/// like a model. The flag says whether they did (members of a model container, such as
/// the `data.pkl` of a PyTorch zip, are then not analysed again one by one).
pub fn check_bytes(path: &str, bytes: &[u8], policy: &Policy) -> (bool, Option<Finding>) {
    if sniff(&bytes[..bytes.len().min(SNIFF_BYTES)]).is_none() {
        return (false, None);
    }
    (true, to_finding(analyze_bytes(path, bytes, policy)))
}

/// Analyses `file` if its content looks like a model. `bytes` is the whole file when it
/// was read (within the size cap); otherwise the analysis streams from disk.
pub fn check(file: &FileEntry, bytes: Option<&[u8]>, policy: &Policy) -> Option<Finding> {
    let verdict = match bytes {
        Some(b) => return check_bytes(&file.display, b, policy).1,
        None => {
            let head = file.read_head(SNIFF_BYTES).ok()?;
            sniff(&head)?;
            let mut v = analyze_path(&file.path, policy);
            v.path.clone_from(&file.display);
            v
        }
    };
    to_finding(verdict)
}

fn to_finding(v: Verdict) -> Option<Finding> {
    let (severity, confidence) = match v.verdict {
        VerdictKind::Malicious => (Severity::Critical, Confidence::High),
        VerdictKind::Suspicious => (Severity::Medium, Confidence::Medium),
        VerdictKind::Safe | VerdictKind::Unsupported | VerdictKind::Malformed => return None,
    };
    // The "evidence" shown in place of a secret: what would run, not a credential.
    let evidence = v
        .calls
        .first()
        .or(v.denied_globals.first())
        .or(v.unknown_globals.first())
        .cloned()
        .unwrap_or_else(|| v.format.to_string());
    // Identity that survives renames and copies: the format and what the file imports/calls.
    let identity = format!(
        "{}\n{}\n{}",
        v.format,
        v.globals.join("\n"),
        v.calls.join("\n")
    );
    Some(Finding {
        rule_id: RULE_ID.to_string(),
        rule_name: RULE_NAME.to_string(),
        kind: KIND.to_string(),
        severity,
        confidence,
        path: v.path.clone(),
        line: 1,
        column: 1,
        end_line: 1,
        end_column: 1,
        offset: 0,
        secret_redacted: evidence,
        secret: None,
        fingerprint: fingerprint(identity.as_bytes()),
        decoders: Vec::new(),
        git: None,
        analysis: serde_json::to_value(&v).ok(),
        validation: None,
        paired: Vec::new(),
        captures: Default::default(),
    })
}
