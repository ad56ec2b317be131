//! `leakscope models scan` end to end on the committed model fixtures.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn leakscope() -> Command {
    Command::cargo_bin("leakscope").expect("binary")
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../leakscope-models/tests/fixtures")
}

fn copy(rel: &str, to: &Path) -> PathBuf {
    let dst = to.join(Path::new(rel).file_name().expect("file name"));
    std::fs::copy(fixtures().join(rel), &dst).expect("copy fixture");
    dst
}

fn jsonl(out: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

#[test]
fn malicious_pickle_exits_1_with_the_call() {
    let dir = tempfile::tempdir().unwrap();
    copy("malicious/getattr_import.pkl", dir.path());
    let out = leakscope()
        .current_dir(dir.path())
        .args(["models", "scan", "--format", "jsonl", "getattr_import.pkl"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v = jsonl(&out);
    assert_eq!(v.len(), 1);
    insta::assert_json_snapshot!("models_getattr_import_jsonl", v[0]);
}

#[test]
fn benign_files_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    copy("benign/state_dict.pt", dir.path());
    copy("benign/sklearn_logreg.joblib", dir.path());
    let out = leakscope()
        .current_dir(dir.path())
        .args(["models", "scan", "--format", "json", "."])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).expect("json array");
    insta::assert_json_snapshot!("models_benign_dir_json", v);
}

#[test]
fn directories_recurse_and_skip_non_models_and_human_output() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("a/b");
    std::fs::create_dir_all(&sub).unwrap();
    copy("malicious/torch_zip.pt", &sub);
    copy("benign/model.safetensors", dir.path());
    std::fs::write(dir.path().join("README.md"), "# not a model\n").unwrap();
    let out = leakscope()
        .current_dir(dir.path())
        .args(["models", "scan", "."])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8_lossy(&out).into_owned();
    insta::assert_snapshot!("models_dir_human", text);
}

#[test]
fn policy_file_extends_the_allowlist() {
    let dir = tempfile::tempdir().unwrap();
    copy("malicious/unknown_global.pkl", dir.path());
    leakscope()
        .current_dir(dir.path())
        .args(["models", "scan", "unknown_global.pkl"])
        .assert()
        .code(1);
    std::fs::write(
        dir.path().join("policy.toml"),
        "[allow]\nglobals = [\"mypkg.models.Net\"]\n",
    )
    .unwrap();
    leakscope()
        .current_dir(dir.path())
        .args([
            "models",
            "scan",
            "--policy",
            "policy.toml",
            "unknown_global.pkl",
        ])
        .assert()
        .code(0);
    // and the deny list can take something back from the allowlist
    copy("benign/state_dict.pt", dir.path());
    std::fs::write(
        dir.path().join("strict.toml"),
        "[deny]\nglobals = [\"collections.OrderedDict\"]\n",
    )
    .unwrap();
    leakscope()
        .current_dir(dir.path())
        .args(["models", "scan", "--policy", "strict.toml", "state_dict.pt"])
        .assert()
        .code(1);
}

#[test]
fn errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    leakscope()
        .current_dir(dir.path())
        .args(["models", "scan", "does-not-exist.pt"])
        .assert()
        .code(2);
    std::fs::write(dir.path().join("bad.toml"), "[allow]\nglobals = 3\n").unwrap();
    copy("benign/state_dict.pt", dir.path());
    leakscope()
        .current_dir(dir.path())
        .args(["models", "scan", "--policy", "bad.toml", "state_dict.pt"])
        .assert()
        .code(2);
}
