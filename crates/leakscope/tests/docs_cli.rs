//! Shell completions and manual pages come from the live CLI definition.

use assert_cmd::Command;

fn leakscope() -> Command {
    Command::cargo_bin("leakscope").expect("binary")
}

#[test]
fn completions_know_every_subcommand_and_flag() {
    for shell in ["bash", "zsh", "fish"] {
        let out = leakscope().args(["completions", shell]).assert().success();
        let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        for word in [
            "scan",
            "explain",
            "models",
            "fail-on",
            "compat-ignore",
            "show-secrets",
        ] {
            assert!(text.contains(word), "{shell} completion lacks {word}");
        }
    }
    leakscope().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn man_pages_for_every_command() {
    let out = leakscope().arg("man").assert().success();
    let page = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        page.starts_with(".ie") || page.contains(".TH leakscope"),
        "{page}"
    );
    let dir = tempfile::tempdir().unwrap();
    leakscope()
        .args(["man", "--dir"])
        .arg(dir.path())
        .assert()
        .success();
    let scan = std::fs::read_to_string(dir.path().join("leakscope-scan.1")).unwrap();
    assert!(scan.contains("fail\\-on"), "{scan}");
    for name in [
        "leakscope.1",
        "leakscope-models-scan.1",
        "leakscope-rules-check.1",
        "leakscope-explain.1",
    ] {
        assert!(dir.path().join(name).is_file(), "{name} missing");
    }
}
