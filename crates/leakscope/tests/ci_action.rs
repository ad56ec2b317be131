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

fn git(dir: &Path, args: &[&str]) {
    let st = Command::new("git")
        .args(["-c", "user.name=Dev", "-c", "user.email=dev@example.com"])
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_DATE", "2020-07-01T12:00:00Z")
        .env("GIT_COMMITTER_DATE", "2020-07-01T12:00:00Z")
        .status()
        .expect("git");
    assert!(st.success(), "git {args:?}");
}

/// The GitLab template's path: `LS_FORMAT=gitlab` writes a secret-detection report that
/// has what GitLab's schema requires, for a secret still in the tree and one only in history.
#[test]
fn gitlab_step_writes_a_secret_detection_report() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    git(repo, &["init", "-q", "-b", "main"]);
    let sig = "T2b8mYHYbsXnSI4MbC9UWRGRRjyRyt5XX7SMsbD4u4k%3D";
    let sas = format!("https://acct7.blob.core.windows.net/c?sv=2020-08-04&ss=b&srt=sco&sp=rwdlac&se=2051-10-06T07:09:59Z&spr=https&sig={sig}");
    std::fs::write(repo.join("README.md"), format!("models: {sas}\n")).unwrap();
    git(repo, &["add", "."]);
    git(repo, &["commit", "-qm", "publish models"]);
    std::fs::write(repo.join("README.md"), "models: ask the team\n").unwrap();
    let key = "AKIAZ3MSJV4WWNKWW5YB";
    std::fs::write(
        repo.join("deploy.env"),
        format!("AWS_ACCESS_KEY_ID={key}\nAWS_SECRET_ACCESS_KEY=8S7OUgaz2LLhq0Hn2gZt8/Z/2QykGC2Q5qNR8WkB\n"),
    )
    .unwrap();
    git(repo, &["add", "."]);
    git(repo, &["commit", "-qm", "rotate"]);

    let (outputs, _) = run_step(
        repo,
        &[
            ("LS_FORMAT", "gitlab"),
            ("LS_ARGS", "--now 2026-11-30T10:00:00Z"),
        ],
    );
    assert!(outputs.contains("exit-code=1"), "{outputs}");
    assert!(
        outputs.contains("sarif=gl-secret-detection-report.json"),
        "{outputs}"
    );
    let text = std::fs::read_to_string(repo.join("gl-secret-detection-report.json")).unwrap();
    assert!(
        !text.contains(sig) && !text.contains(key),
        "secrets are redacted"
    );
    let report: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(report["version"].as_str().unwrap().starts_with("15."));
    let scan = &report["scan"];
    assert_eq!(scan["type"], "secret_detection");
    assert_eq!(scan["status"], "success");
    assert_eq!(scan["start_time"], "2026-11-30T10:00:00");
    for tool in ["analyzer", "scanner"] {
        for field in ["id", "name", "version"] {
            assert!(scan[tool][field].is_string(), "scan.{tool}.{field}");
        }
        assert!(scan[tool]["vendor"]["name"].is_string());
    }
    let vulns = report["vulnerabilities"].as_array().unwrap();
    let count: usize = outputs
        .lines()
        .find_map(|l| l.strip_prefix("findings="))
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(vulns.len(), count);
    let mut ids = std::collections::HashSet::new();
    for v in vulns {
        let id = v["id"].as_str().unwrap();
        assert_eq!(id.len(), 36, "{id}");
        assert!(ids.insert(id.to_string()), "ids are unique");
        assert!(["Critical", "High", "Medium", "Low", "Info"]
            .contains(&v["severity"].as_str().unwrap()));
        assert!(!v["identifiers"].as_array().unwrap().is_empty());
        let loc = &v["location"];
        assert!(!loc["file"].as_str().unwrap().contains('@'), "{loc}");
        assert!(loc["start_line"].as_u64().unwrap() >= 1);
        assert!(loc["commit"]["sha"].is_string());
    }
    let sas_vuln = vulns
        .iter()
        .find(|v| v["location"]["file"] == "README.md")
        .expect("the SAS removed from HEAD is still reported from history");
    assert_eq!(sas_vuln["severity"], "Critical");
    assert_eq!(
        sas_vuln["location"]["commit"]["sha"]
            .as_str()
            .unwrap()
            .len(),
        40
    );
    assert_eq!(sas_vuln["location"]["commit"]["message"], "publish models");
    assert!(sas_vuln["description"]
        .as_str()
        .unwrap()
        .contains("still in the repository's history"));

    // The template publishes exactly this file as its secret_detection report.
    let template = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ci/gitlab/leakscope.gitlab-ci.yml"),
    )
    .unwrap();
    assert!(template.contains("secret_detection: gl-secret-detection-report.json"));
    assert!(template.contains("LS_FORMAT=gitlab"));
}
