//! SARIF output checked by Microsoft's SARIF Multitool (npm `@microsoft/sarif-multitool`,
//! `sarif-multitool validate`), the validator GitHub code scanning's format is defined by.
//! The tool is taken from PATH or installed from npm on first use (`leakscope-testkit`);
//! `LEAKSCOPE_SKIP_SARIF_MULTITOOL=1` skips this test where npm is unreachable.

use assert_cmd::Command;
use std::path::Path;

const INCIDENT_URL: &str = "https://robustnessws4285631339.blob.core.windows.net/public-models/robust_imagenet/resnet50.ckpt?sv=2020-08-04&ss=bfqt&srt=sco&sp=rwdlacupitfx&se=2051-10-06T07:09:59Z&st=2021-10-05T23:09:59Z&spr=https,http&sig=T2b8mYHYbsXnSI4MbC9UWRGRRjyRyt5XX7SMsbD4u4k%3D";

/// A tree with several kinds of findings and awkward file names (spaces, non-ASCII,
/// percent signs) so URIs, regions and rule metadata are all exercised.
fn tree(root: &Path) {
    let w = |rel: &str, text: &str| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    w(
        "docs/README.md",
        &format!("# Models\n\nGet them [here]({INCIDENT_URL}).\n"),
    );
    w(
        "config/dev settings 100%.env",
        "AWS_ACCESS_KEY_ID=AKIAQ3EGRTW5VNM2KP7Y\nAWS_SECRET_ACCESS_KEY=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\n",
    );
    w(
        "src/données/app.js",
        "const url = \"https://contoso.blob.core.windows.net/c/b.txt?sig=Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg%3D\\u0026sv=2021-08-06\\u0026sr=b\\u0026sp=r\\u0026se=2030-01-01\";\n",
    );
    let pickle = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../leakscope-models/tests/fixtures/malicious/os_system_p1.pkl");
    std::fs::copy(pickle, root.join("model.ckpt")).unwrap();
}

/// The validator, or `None` to skip (only with LEAKSCOPE_SKIP_SARIF_MULTITOOL=1).
fn multitool() -> Option<std::path::PathBuf> {
    match leakscope_testkit::npm_tool("sarif-multitool", "@microsoft/sarif-multitool@5") {
        Ok(p) => Some(p),
        Err(e) if std::env::var("LEAKSCOPE_SKIP_SARIF_MULTITOOL").is_ok_and(|v| v == "1") => {
            eprintln!("skipping SARIF Multitool test (LEAKSCOPE_SKIP_SARIF_MULTITOOL=1): {e}");
            None
        }
        Err(e) => panic!("{e}; or set LEAKSCOPE_SKIP_SARIF_MULTITOOL=1 to skip this test"),
    }
}

/// Runs `sarif-multitool validate` on `sarif`; fails on any error or warning it reports.
fn validate(multitool: &Path, sarif: &Path) {
    let validation = sarif.with_extension("validation.sarif");
    let out = std::process::Command::new(multitool)
        .arg("validate")
        .arg(sarif)
        .arg("-o")
        .arg(&validation)
        .args(["--log", "ForceOverwrite"])
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", multitool.display()));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "sarif-multitool failed: {stdout}");
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&validation).unwrap()).unwrap();
    let problems: Vec<String> = report["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| matches!(r["level"].as_str(), Some("error") | Some("warning") | None))
        .map(|r| format!("{} {}", r["ruleId"], r["message"]))
        .collect();
    assert!(
        problems.is_empty(),
        "validator found problems in {}:\n{}\n{stdout}",
        sarif.display(),
        problems.join("\n")
    );
}

#[test]
fn sarif_passes_the_sarif_multitool_validator() {
    let Some(multitool) = multitool() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    tree(dir.path());
    let sarif = dir.path().join("out.sarif");
    Command::cargo_bin("leakscope")
        .unwrap()
        .current_dir(dir.path())
        .args([
            "scan",
            "--format",
            "sarif",
            "--now",
            "2023-06-01T00:00:00Z",
            "-q",
            "-o",
        ])
        .arg(&sarif)
        .arg(".")
        .assert()
        .code(1);
    let log: serde_json::Value = serde_json::from_slice(&std::fs::read(&sarif).unwrap()).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    let rules: Vec<&str> = results
        .iter()
        .filter_map(|r| r["ruleId"].as_str())
        .collect();
    for want in [
        "azure.storage.sas",
        "aws.access_key_id",
        "model.code_execution",
    ] {
        assert!(rules.contains(&want), "{want} missing from {rules:?}");
    }
    validate(&multitool, &sarif);
}

/// `leakscope report --format sarif` of a datastore: one result per occurrence, triage as
/// suppressions.
#[test]
fn report_sarif_passes_the_sarif_multitool_validator() {
    let Some(multitool) = multitool() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let tree_dir = dir.path().join("tree");
    std::fs::create_dir_all(&tree_dir).unwrap();
    tree(&tree_dir);
    let db = dir.path().join("store.db");
    let leakscope = || Command::cargo_bin("leakscope").unwrap();
    for _ in 0..2 {
        leakscope()
            .current_dir(&tree_dir)
            .args(["scan", "-q", "--now", "2023-06-01T00:00:00Z"])
            .arg(format!("--datastore={}", db.display()))
            .arg(".")
            .assert()
            .code(1);
    }
    leakscope()
        .args([
            "findings",
            "set-status",
            "1",
            "false_positive",
            "--note",
            "test data",
            "--datastore",
        ])
        .arg(&db)
        .assert()
        .code(0);
    let sarif = dir.path().join("report.sarif");
    leakscope()
        .args([
            "report",
            "-q",
            "--format",
            "sarif",
            "--now",
            "2023-06-01T00:00:00Z",
            "-o",
        ])
        .arg(&sarif)
        .arg("--datastore")
        .arg(&db)
        .assert()
        .code(0);
    let log: serde_json::Value = serde_json::from_slice(&std::fs::read(&sarif).unwrap()).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(results.len() >= 4, "{results:#?}");
    assert!(results
        .iter()
        .any(|r| r["suppressions"][0]["justification"] == "test data"));
    validate(&multitool, &sarif);
}
