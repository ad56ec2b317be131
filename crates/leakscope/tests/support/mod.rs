//! A planted repository shared by the `report` tests: real files, real git history, the
//! real binary.

#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// An account SAS like the incident's: read, write, delete, list, add and create over the
/// blob service of a whole account, for thirty years.
pub const SAS_URL: &str = "https://acct.blob.core.windows.net/?sv=2020-08-04&ss=b&srt=sco&sp=rwdlac&se=2051-10-06T00:00:00Z&st=2021-10-06T00:00:00Z&spr=https&sig=u12pe5YN4CkpujwoHGoRuW3tvAmdF4MYaawvyb7koaQ%3D";
pub const SAS_SIG: &str = "u12pe5YN4CkpujwoHGoRuW3tvAmdF4MYaawvyb7koaQ";
pub const AWS_KEY: &str = "AKIAQ3EGRTW5VNM2KP7Y";
pub const AWS_SECRET: &str = "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";
pub const OTHER_KEY: &str = "AKIAR6T2YVKBN4CX7DMQ";
/// A file name that tries to end the report's data block and run a script.
pub const HOSTILE_NAME: &str = "x</script><script>alert(1)</script>.env";
/// The clock of every scan and report here.
pub const NOW: &str = "2026-12-01T00:00:00Z";

pub fn leakscope() -> Command {
    let mut c = Command::cargo_bin("leakscope").expect("binary");
    c.env_remove("NO_COLOR");
    c
}

/// Runs git in `dir` with a fixed identity and date and no user configuration.
pub fn git(dir: &Path, date: &str, args: &[&str]) {
    let out = std::process::Command::new("git")
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Dana Dev")
        .env("GIT_AUTHOR_EMAIL", "dana@example.com")
        .env("GIT_COMMITTER_NAME", "Dana Dev")
        .env("GIT_COMMITTER_EMAIL", "dana@example.com")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .args(args)
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn write(root: &Path, rel: &str, text: &[u8]) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}

/// `root/repo`, a git repository whose history plants:
/// - 2021-10-06 "Add pretrained models": the account SAS in README.md, an AWS key pair in
///   config/prod.env, a pickle that runs `os.system` on load;
/// - 2022-03-01 "CI deploy": the same AWS key again in deploy/ci.sh, another AWS key in a
///   file whose name is an HTML injection attempt, and a token in old_tool.py;
/// - 2023-01-10 "Remove the old tool": old_tool.py deleted (its token stays in history).
pub fn planted_repo(root: &Path) -> PathBuf {
    let repo = root.join("repo");
    std::fs::create_dir_all(&repo).expect("repo dir");
    git(
        &repo,
        "2021-10-01T00:00:00Z",
        &["init", "-q", "-b", "main", "."],
    );
    write(
        &repo,
        "README.md",
        format!("# Robust models\n\nDownload the checkpoints from\n{SAS_URL}\n").as_bytes(),
    );
    write(
        &repo,
        "config/prod.env",
        format!("AWS_ACCESS_KEY_ID={AWS_KEY}\nAWS_SECRET_ACCESS_KEY={AWS_SECRET}\n").as_bytes(),
    );
    let pickle = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../leakscope-models/tests/fixtures/malicious/os_system_p1.pkl");
    write(
        &repo,
        "models/resnet50.ckpt",
        &std::fs::read(pickle).expect("pickle fixture"),
    );
    git(&repo, "2021-10-06T12:00:00Z", &["add", "-A"]);
    git(
        &repo,
        "2021-10-06T12:00:00Z",
        &["commit", "-q", "-m", "Add pretrained models"],
    );
    write(
        &repo,
        "deploy/ci.sh",
        format!("#!/bin/sh\nexport AWS_ACCESS_KEY_ID={AWS_KEY}\n").as_bytes(),
    );
    write(
        &repo,
        &format!("config/{HOSTILE_NAME}"),
        format!("KEY={OTHER_KEY}\n").as_bytes(),
    );
    write(
        &repo,
        "old_tool.py",
        b"SLACK_TOKEN = 'xoxb-2048602399-4219756302048-Rk7Tq2ZpLw9XvB4mNc8HsJ3d'\n",
    );
    git(&repo, "2022-03-01T09:00:00Z", &["add", "-A"]);
    git(
        &repo,
        "2022-03-01T09:00:00Z",
        &["commit", "-q", "-m", "CI deploy"],
    );
    git(&repo, "2023-01-10T09:00:00Z", &["rm", "-q", "old_tool.py"]);
    git(
        &repo,
        "2023-01-10T09:00:00Z",
        &["commit", "-q", "-m", "Remove the old tool"],
    );
    repo
}

/// `leakscope scan --datastore=DB --now NOW PATH`, expecting findings (exit 1).
pub fn scan_into(db: &Path, path: &Path, code: i32) {
    leakscope()
        .args(["scan", "-q", "--no-config", "--now", NOW])
        .arg(format!("--datastore={}", db.display()))
        .arg(path)
        .assert()
        .code(code);
}

/// `leakscope report --datastore DB --now NOW --format FORMAT [extra…]`: standard output.
pub fn report(db: &Path, format: &str, extra: &[&str]) -> String {
    let out = leakscope()
        .args(["report", "--now", NOW, "--format", format, "--datastore"])
        .arg(db)
        .args(extra)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).expect("utf-8 report")
}
