//! The GitHub Action's (and GitLab template's) scan step, `ci/action-scan.sh`, run as the
//! action runs it: inputs in the environment, outputs appended to `$GITHUB_OUTPUT`.

use std::path::Path;
use std::process::Command;

fn run_step(dir: &Path, envs: &[(&str, &str)]) -> (String, String) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ci/action-scan.sh");
    let outputs = dir.join("github_output");
    let _ = std::fs::remove_file(&outputs);
    let out = Command::new("bash")
        .arg(&script)
        .current_dir(dir)
        .env("LEAKSCOPE_BIN", assert_cmd::cargo::cargo_bin("leakscope"))
        .env("GITHUB_OUTPUT", &outputs)
        .envs(envs.iter().copied())
        .output()
        .expect("run ci/action-scan.sh");
    assert!(out.status.success(), "the step itself never fails: {out:?}");
    (
        std::fs::read_to_string(&outputs).unwrap_or_default(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn action_scan_step_reports_outcome_and_writes_sarif() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    std::fs::create_dir_all(repo.join("docs")).unwrap();
    std::fs::create_dir_all(repo.join("vendor/lib")).unwrap();
    let sas = "https://acct7.blob.core.windows.net/c?sv=2020-08-04&ss=bfqt&srt=sco&sp=rwdlacupx&se=2051-10-06T07:09:59Z&spr=https,http&sig=T2b8mYHYbsXnSI4MbC9UWRGRRjyRyt5XX7SMsbD4u4k%3D";
    std::fs::write(repo.join("docs/README.md"), format!("models: {sas}\n")).unwrap();
    std::fs::write(repo.join("vendor/lib/conf.env"), format!("URL={sas}\n")).unwrap();

    let (outputs, stdout) = run_step(repo, &[]);
    assert!(outputs.contains("exit-code=1"), "{outputs}");
    assert!(outputs.contains("findings=2"), "{outputs}");
    assert!(outputs.contains("sarif=leakscope.sarif"), "{outputs}");
    assert!(stdout.contains("findings at or above 'high'"), "{stdout}");
    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(repo.join("leakscope.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");

    // Quoted extra arguments reach leakscope intact, and nothing in them is executed.
    let (outputs, _) = run_step(
        repo,
        &[
            (
                "LS_ARGS",
                "--exclude 'vendor/**' --exclude \"$(touch pwned)\"",
            ),
            ("LS_SARIF", "out.sarif"),
        ],
    );
    assert!(outputs.contains("findings=1"), "{outputs}");
    assert!(!repo.join("pwned").exists());
    assert!(repo.join("out.sarif").exists());

    // Below the threshold: clean exit code, findings still counted.
    let (outputs, _) = run_step(repo, &[("LS_FAIL_ON", "critical"), ("LS_PATHS", "docs")]);
    assert!(outputs.contains("findings=1"), "{outputs}");
    let code = outputs
        .lines()
        .find(|l| l.starts_with("exit-code="))
        .unwrap();
    // The incident-class SAS is critical, so even fail-on critical trips.
    assert_eq!(code, "exit-code=1");

    let (outputs, _) = run_step(repo, &[("LS_PATHS", "does-not-exist")]);
    assert!(outputs.contains("exit-code=2"), "{outputs}");
}
