//! Every committed fixture gets the verdict, format and globals recorded in
//! `fixtures/expected.json` (written by `fixtures/generate.py`). Nothing is loaded.

use std::path::{Path, PathBuf};

use leakscope_models::{analyze_bytes, analyze_path, sniff, Policy, VerdictKind};
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn expected() -> Vec<Value> {
    let text = std::fs::read_to_string(fixtures().join("expected.json")).expect("expected.json");
    serde_json::from_str::<Vec<Value>>(&text).expect("valid expected.json")
}

#[test]
fn every_fixture_gets_its_expected_verdict() {
    let policy = Policy::builtin();
    let mut failures = Vec::new();
    let all = expected();
    assert!(all.len() > 100, "corpus unexpectedly small: {}", all.len());
    for e in &all {
        let file = e["file"].as_str().expect("file");
        let path = fixtures().join(file);
        let v = analyze_path(&path, &policy);
        let json = serde_json::to_value(&v).expect("serialises");
        let mut problems = Vec::new();
        if json["verdict"] != e["verdict"] {
            problems.push(format!(
                "verdict {} (want {})",
                json["verdict"], e["verdict"]
            ));
        }
        if json["format"] != e["format"] {
            problems.push(format!("format {} (want {})", json["format"], e["format"]));
        }
        for g in e["globals"].as_array().into_iter().flatten() {
            if !v.globals.iter().any(|x| Some(x.as_str()) == g.as_str()) {
                problems.push(format!("missing global {g}"));
            }
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{file}: {}\n    globals={:?}\n    reasons={:?}",
                problems.join("; "),
                v.globals,
                v.reasons
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn no_benign_fixture_is_flagged() {
    let policy = Policy::builtin();
    for e in expected() {
        let file = e["file"].as_str().expect("file");
        if !file.starts_with("benign/") {
            continue;
        }
        let v = analyze_path(&fixtures().join(file), &policy);
        assert!(
            !v.verdict.is_finding(),
            "{file} flagged {}: {:?}",
            v.verdict,
            v.reasons
        );
    }
}

#[test]
fn bytes_and_path_agree_and_sniff_recognises_models() {
    let policy = Policy::builtin();
    for e in expected() {
        let file = e["file"].as_str().expect("file");
        let path = fixtures().join(file);
        let bytes = std::fs::read(&path).expect("read fixture");
        let a = analyze_path(&path, &policy);
        let b = analyze_bytes(file, &bytes, &policy);
        assert_eq!(a.verdict, b.verdict, "{file}");
        assert_eq!(a.globals, b.globals, "{file}");
        let head = &bytes[..bytes.len().min(4096)];
        let sniffed = sniff(head);
        if file.ends_with(".txt") {
            assert_eq!(sniffed, None, "{file}");
        } else if !file.contains("prefix_bytes") && !file.starts_with("malformed/") {
            assert!(sniffed.is_some(), "{file} not sniffed as a model");
        }
    }
}

#[test]
fn malicious_calls_are_reconstructed() {
    let policy = Policy::builtin();
    let v = analyze_path(&fixtures().join("malicious/os_system_p2.pkl"), &policy);
    assert_eq!(v.verdict, VerdictKind::Malicious);
    assert!(
        v.calls
            .iter()
            .any(|c| c.ends_with("system('echo leakscope-fixture')")),
        "{:?}",
        v.calls
    );
    let v = analyze_path(&fixtures().join("malicious/getattr_import.pkl"), &policy);
    assert!(
        v.calls.iter().any(|c| c
            == "builtins.getattr(builtins.__import__('os'), 'system')('echo leakscope-fixture')"),
        "{:?}",
        v.calls
    );
}
