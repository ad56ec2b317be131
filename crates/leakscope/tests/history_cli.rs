//! `leakscope scan` on git repositories: every blob reachable from any ref, once, with the
//! commit that introduced it. Real repositories built by the tests with the `git` CLI.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

const KEY_A: &str = "AKIAQ3EGRTW5VNM2KP7Y";
const KEY_B: &str = "AKIAZ5BDXRW3QH6MJN2T";
const KEY_SIDE: &str = "AKIAJ7MWQ4TPZ2XRDV6N";
const KEY_TAG: &str = "AKIAT6NRKW3XPQ5ZMB2H";
const KEY_STASH: &str = "AKIAW2HZQ7MDRX4TPN5K";
const KEY_MOVED: &str = "AKIAP4XKR6TWZM3QNH7D";
const KEY_NOTE: &str = "AKIAD5QRZ2WXNT7MKP4J";

struct Repo {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
}

impl Repo {
    fn new() -> Repo {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = tmp.path().join("repo");
        std::fs::create_dir(&dir).expect("repo dir");
        let repo = Repo { _tmp: tmp, dir };
        repo.git(&["init", "-q", "-b", "main", "."]);
        repo
    }

    /// Runs git in the repository with a fixed identity and date and no user config.
    fn git_at(&self, date: &str, args: &[&str]) -> String {
        let out = std::process::Command::new("git")
            .current_dir(&self.dir)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "Dev One")
            .env("GIT_AUTHOR_EMAIL", "dev@example.com")
            .env("GIT_COMMITTER_NAME", "Dev One")
            .env("GIT_COMMITTER_EMAIL", "dev@example.com")
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
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    fn git(&self, args: &[&str]) -> String {
        self.git_at("2020-01-01T00:00:00Z", args)
    }

    fn write(&self, path: &str, content: &str) {
        let p = self.dir.join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, content).expect("write");
    }

    /// Stages everything and commits at `date` (RFC 3339); returns the commit id.
    fn commit(&self, date: &str, message: &str) -> String {
        self.git_at(date, &["add", "-A"]);
        self.git_at(date, &["commit", "-q", "--allow-empty", "-m", message]);
        self.git(&["rev-parse", "HEAD"])
    }
}

fn line(key: &str) -> String {
    format!("aws_access_key_id = {key}\n")
}

/// `scan --format jsonl` of `dir` from its parent, as `repo`; returns the findings.
fn scan(dir: &Path, extra: &[&str]) -> Vec<Value> {
    let out = Command::cargo_bin("leakscope")
        .expect("binary")
        .current_dir(dir.parent().expect("parent"))
        .args(["scan", "--format", "jsonl", "--show-secrets", "--quiet"])
        .args(extra)
        .arg(dir.file_name().expect("name"))
        .output()
        .expect("run leakscope");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "scan failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect()
}

fn with_secret<'a>(findings: &'a [Value], key: &str) -> Vec<&'a Value> {
    findings.iter().filter(|f| f["secret"] == key).collect()
}

fn short(commit: &str) -> &str {
    &commit[..12]
}

#[test]
fn incident_timeline_token_replaced_in_readme() {
    let repo = Repo::new();
    repo.write("README.md", &format!("# Models\n{}", line(KEY_A)));
    let c1 = repo.commit("2020-07-10T09:30:00Z", "Add download link");
    repo.write("README.md", &format!("# Models\n{}", line(KEY_B)));
    let c2 = repo.commit("2021-10-05T23:09:59Z", "Rotate the token");

    let findings = scan(&repo.dir, &[]);
    assert_eq!(findings.len(), 2, "{findings:#?}");

    let a = with_secret(&findings, KEY_A);
    assert_eq!(a.len(), 1, "A once: {findings:#?}");
    let a = a[0];
    assert_eq!(a["path"], format!("repo/README.md@{}", short(&c1)));
    assert_eq!(a["line"], 2);
    let g = &a["git"];
    assert_eq!(g["commit"], c1.as_str());
    assert_eq!(g["author"], "Dev One <dev@example.com>");
    assert_eq!(g["date"], "2020-07-10T09:30:00Z");
    assert_eq!(g["first_seen"], "2020-07-10T09:30:00Z");
    assert_eq!(g["last_seen"], "2020-07-10T09:30:00Z");
    assert_eq!(g["summary"], "Add download link");
    assert_eq!(g["present_at_head"], false);
    assert_eq!(g["paths"], serde_json::json!(["README.md"]));

    // B is at HEAD and checked out unchanged: reported once, as the working-tree file,
    // with the commit that introduced it.
    let b = with_secret(&findings, KEY_B);
    assert_eq!(b.len(), 1, "B once: {findings:#?}");
    let b = b[0];
    assert_eq!(b["path"], "repo/README.md");
    assert_eq!(b["git"]["commit"], c2.as_str());
    assert_eq!(b["git"]["date"], "2021-10-05T23:09:59Z");
    assert_eq!(b["git"]["present_at_head"], true);
}

#[test]
fn uncommitted_change_to_head_file_is_scanned_from_both() {
    let repo = Repo::new();
    repo.write("app.env", &line(KEY_A));
    let c1 = repo.commit("2020-07-10T09:30:00Z", "config");
    // The checked-out file differs from HEAD: both are scanned.
    repo.write("app.env", &format!("# edited\n{}", line(KEY_A)));
    let findings = scan(&repo.dir, &[]);
    let a = with_secret(&findings, KEY_A);
    let mut paths: Vec<&str> = a.iter().filter_map(|f| f["path"].as_str()).collect();
    paths.sort();
    assert_eq!(
        paths,
        ["repo/app.env", &format!("repo/app.env@{}", short(&c1))]
    );
    let hist = a
        .iter()
        .find(|f| f["git"].is_object())
        .expect("history one");
    assert_eq!(hist["git"]["present_at_head"], true);
}

#[test]
fn secret_added_modified_moved_deleted() {
    let repo = Repo::new();
    repo.write("README.md", "# project\n");
    repo.write("config.env", &line(KEY_MOVED));
    let c1 = repo.commit("2020-01-10T10:00:00Z", "add config");
    repo.write(
        "config.env",
        &format!("{}region = eu-west-1\n", line(KEY_MOVED)),
    );
    let c2 = repo.commit("2020-02-10T10:00:00Z", "add region");
    // Unrelated commits: the blobs above are still reported once each.
    repo.write("README.md", "# project\nmore\n");
    repo.commit("2020-02-20T10:00:00Z", "docs");
    std::fs::create_dir(repo.dir.join("conf")).expect("mkdir");
    repo.git(&["mv", "config.env", "conf/app.env"]);
    repo.commit("2020-03-10T10:00:00Z", "move config");
    repo.git(&["rm", "-q", "conf/app.env"]);
    repo.commit("2020-04-10T10:00:00Z", "remove config");

    let findings = scan(&repo.dir, &[]);
    let f = with_secret(&findings, KEY_MOVED);
    assert_eq!(f.len(), 2, "one per distinct blob: {findings:#?}");
    let first = f
        .iter()
        .find(|x| x["git"]["commit"] == c1.as_str())
        .expect("blob of c1");
    assert_eq!(first["path"], format!("repo/config.env@{}", short(&c1)));
    assert_eq!(first["git"]["paths"], serde_json::json!(["config.env"]));
    let second = f
        .iter()
        .find(|x| x["git"]["commit"] == c2.as_str())
        .expect("blob of c2");
    assert_eq!(second["path"], format!("repo/config.env@{}", short(&c2)));
    assert_eq!(
        second["git"]["paths"],
        serde_json::json!(["config.env", "conf/app.env"])
    );
    assert_eq!(second["git"]["date"], "2020-02-10T10:00:00Z");
    for x in &f {
        // The window is the secret's (fingerprint's), across both blobs.
        assert_eq!(x["git"]["first_seen"], "2020-01-10T10:00:00Z");
        assert_eq!(x["git"]["last_seen"], "2020-03-10T10:00:00Z");
        assert_eq!(x["git"]["present_at_head"], false);
    }
}

#[test]
fn same_blob_in_many_commits_and_paths_reported_once() {
    let repo = Repo::new();
    repo.write("a/keys.txt", &line(KEY_A));
    repo.commit("2020-01-01T00:00:00Z", "one");
    repo.write("b/copy.txt", &line(KEY_A));
    repo.commit("2020-01-02T00:00:00Z", "two");
    repo.write("other.txt", "x\n");
    repo.commit("2020-01-03T00:00:00Z", "three");
    std::fs::remove_dir_all(repo.dir.join("a")).expect("rm");
    std::fs::remove_dir_all(repo.dir.join("b")).expect("rm");
    repo.commit("2020-01-04T00:00:00Z", "four");
    let findings = scan(&repo.dir, &[]);
    let a = with_secret(&findings, KEY_A);
    assert_eq!(a.len(), 1, "{findings:#?}");
    assert_eq!(
        a[0]["git"]["paths"],
        serde_json::json!(["a/keys.txt", "b/copy.txt"])
    );
    assert_eq!(a[0]["git"]["last_seen"], "2020-01-03T00:00:00Z");
}

/// main: README; side branch: KEY_SIDE; a tag on a detached commit: KEY_TAG; a stash:
/// KEY_STASH; a note on main's commit: KEY_NOTE.
fn refs_repo() -> Repo {
    let repo = Repo::new();
    repo.write("README.md", "# project\n");
    repo.commit("2020-01-01T00:00:00Z", "init");
    repo.git(&["checkout", "-q", "-b", "side"]);
    repo.write("side.env", &line(KEY_SIDE));
    repo.commit("2020-02-01T00:00:00Z", "side work");
    repo.git(&["checkout", "-q", "--detach", "main"]);
    repo.write("release.env", &line(KEY_TAG));
    repo.commit("2020-03-01T00:00:00Z", "release build");
    repo.git(&["tag", "v1-leak"]);
    repo.git(&["checkout", "-q", "main"]);
    repo.git_at(
        "2020-03-15T00:00:00Z",
        &["notes", "add", "-m", &line(KEY_NOTE), "HEAD"],
    );
    repo.write("README.md", &format!("# project\n{}", line(KEY_STASH)));
    repo.git_at("2020-04-01T00:00:00Z", &["stash", "-q"]);
    repo
}

#[test]
fn side_branch_tag_and_stash_are_scanned() {
    let repo = refs_repo();
    assert!(!repo.dir.join("side.env").exists());
    assert_eq!(
        std::fs::read_to_string(repo.dir.join("README.md")).expect("readme"),
        "# project\n"
    );
    let findings = scan(&repo.dir, &[]);
    for key in [KEY_SIDE, KEY_TAG, KEY_STASH, KEY_NOTE] {
        let f = with_secret(&findings, key);
        assert_eq!(f.len(), 1, "{key}: {findings:#?}");
        assert!(f[0]["path"].as_str().expect("path").contains('@'));
        assert_eq!(f[0]["git"]["present_at_head"], false);
    }
    let side = with_secret(&findings, KEY_SIDE)[0];
    assert_eq!(side["git"]["summary"], "side work");
    assert_eq!(side["git"]["date"], "2020-02-01T00:00:00Z");
}

#[test]
fn branch_limits_history() {
    let repo = refs_repo();
    let main = scan(&repo.dir, &["--branch", "main"]);
    assert!(main.is_empty(), "{main:#?}");
    let side = scan(&repo.dir, &["--branch", "side"]);
    assert_eq!(with_secret(&side, KEY_SIDE).len(), 1, "{side:#?}");
    assert_eq!(side.len(), 1, "{side:#?}");
    let tag = scan(&repo.dir, &["--branch", "v1-leak"]);
    assert_eq!(with_secret(&tag, KEY_TAG).len(), 1, "{tag:#?}");
    assert_eq!(tag.len(), 1, "{tag:#?}");
}

#[test]
fn no_history_and_since_commit() {
    let repo = Repo::new();
    repo.write("README.md", &line(KEY_A));
    repo.commit("2020-07-10T09:30:00Z", "a");
    repo.write("README.md", &line(KEY_B));
    repo.commit("2021-10-05T23:09:59Z", "b");
    repo.write("notes.txt", &line(KEY_SIDE));
    repo.commit("2022-01-01T00:00:00Z", "c");
    let all = scan(&repo.dir, &[]);
    assert_eq!(all.len(), 3, "{all:#?}");

    let worktree = scan(&repo.dir, &["--no-history"]);
    let mut secrets: Vec<&str> = worktree
        .iter()
        .filter_map(|f| f["secret"].as_str())
        .collect();
    secrets.sort();
    assert_eq!(secrets, [KEY_SIDE, KEY_B]);
    assert!(worktree.iter().all(|f| f.get("git").is_none()));

    // Only commits after the first: A is never seen.
    let since = scan(&repo.dir, &["--since-commit", "HEAD~2"]);
    assert!(with_secret(&since, KEY_A).is_empty(), "{since:#?}");
    assert_eq!(with_secret(&since, KEY_B).len(), 1);

    let out = Command::cargo_bin("leakscope")
        .expect("binary")
        .args(["scan", "--quiet", "--branch", "no-such-branch"])
        .arg(&repo.dir)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2), "bad revision is an error");
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-branch"));
}

#[test]
fn bare_repository() {
    let repo = Repo::new();
    repo.write("README.md", &line(KEY_A));
    let c1 = repo.commit("2020-07-10T09:30:00Z", "a");
    repo.write("README.md", &line(KEY_B));
    let c2 = repo.commit("2021-10-05T23:09:59Z", "b");
    let bare = repo.dir.parent().expect("parent").join("bare.git");
    repo.git(&["clone", "-q", "--bare", ".", bare.to_str().expect("utf-8")]);
    let findings = scan(&bare, &[]);
    let a = with_secret(&findings, KEY_A);
    let b = with_secret(&findings, KEY_B);
    assert_eq!((a.len(), b.len()), (1, 1), "{findings:#?}");
    assert_eq!(a[0]["path"], format!("bare.git/README.md@{}", short(&c1)));
    assert_eq!(b[0]["path"], format!("bare.git/README.md@{}", short(&c2)));
    assert_eq!(a[0]["git"]["present_at_head"], false);
    assert_eq!(b[0]["git"]["present_at_head"], true);
}

#[test]
fn oversized_history_blob_is_skipped_with_a_reason() {
    let repo = Repo::new();
    repo.write("big.txt", &format!("{}{}", "x".repeat(4000), line(KEY_A)));
    repo.commit("2020-07-10T09:30:00Z", "big");
    std::fs::remove_file(repo.dir.join("big.txt")).expect("rm");
    repo.commit("2020-07-11T09:30:00Z", "rm");
    let out = Command::cargo_bin("leakscope")
        .expect("binary")
        .args([
            "scan",
            "--format",
            "jsonl",
            "--verbose",
            "--max-file-size",
            "1K",
        ])
        .arg(&repo.dir)
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&out.stdout).trim().is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("big.txt@"), "{err}");
}

#[test]
fn shallow_clone_scans_what_it_has() {
    let repo = Repo::new();
    repo.write("README.md", &line(KEY_A));
    repo.commit("2020-07-10T09:30:00Z", "a");
    repo.write("README.md", &line(KEY_B));
    repo.commit("2021-10-05T23:09:59Z", "b");
    repo.write("notes.txt", &line(KEY_SIDE));
    repo.commit("2022-01-01T00:00:00Z", "c");
    let shallow = repo.dir.parent().expect("parent").join("shallow");
    let url = format!("file://{}", repo.dir.display());
    repo.git(&[
        "clone",
        "-q",
        "--depth",
        "2",
        &url,
        shallow.to_str().expect("utf-8"),
    ]);
    let findings = scan(&shallow, &[]);
    assert!(with_secret(&findings, KEY_A).is_empty(), "{findings:#?}");
    assert_eq!(with_secret(&findings, KEY_B).len(), 1, "{findings:#?}");
    assert_eq!(with_secret(&findings, KEY_SIDE).len(), 1, "{findings:#?}");
}

#[test]
fn exclude_applies_to_history_paths() {
    let repo = Repo::new();
    repo.write("vendor/lib/keys.txt", &line(KEY_A));
    repo.write("src/app.env", &line(KEY_B));
    repo.commit("2020-07-10T09:30:00Z", "a");
    std::fs::remove_dir_all(repo.dir.join("vendor")).expect("rm");
    std::fs::remove_dir_all(repo.dir.join("src")).expect("rm");
    repo.commit("2020-07-11T09:30:00Z", "b");
    let all = scan(&repo.dir, &[]);
    assert_eq!(all.len(), 2, "{all:#?}");
    let some = scan(&repo.dir, &["--exclude", "vendor/"]);
    assert_eq!(some.len(), 1, "{some:#?}");
    assert_eq!(some[0]["secret"], KEY_B);
}

#[test]
fn config_allow_paths_apply_to_history() {
    let repo = Repo::new();
    repo.write("tests/fixtures/keys.txt", &line(KEY_A));
    repo.write("src/app.env", &line(KEY_B));
    repo.commit("2020-07-10T09:30:00Z", "a");
    std::fs::remove_dir_all(repo.dir.join("tests")).expect("rm");
    std::fs::remove_dir_all(repo.dir.join("src")).expect("rm");
    repo.commit("2020-07-11T09:30:00Z", "b");
    repo.write(
        "leakscope.toml",
        "[[allow]]\npath = \"tests/**\"\nreason = \"fixtures\"\n",
    );
    let findings = scan(&repo.dir, &[]);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0]["secret"], KEY_B);
}
