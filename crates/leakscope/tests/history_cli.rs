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

/// Runs `leakscope scan` with `args` from `dir`'s parent (quiet, redacted, no config);
/// returns (exit code, stdout).
fn run(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::cargo_bin("leakscope")
        .expect("binary")
        .current_dir(dir.parent().expect("parent"))
        .args(["scan", "--quiet", "--no-config"])
        .args(args)
        .output()
        .expect("run leakscope");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn incident_timeline_removed_at_is_the_replacing_commit() {
    let repo = Repo::new();
    repo.write("README.md", &format!("# Models\n{}", line(KEY_A)));
    repo.commit("2020-07-10T09:30:00Z", "Add download link");
    repo.write("docs.md", "docs\n");
    repo.commit("2020-08-01T00:00:00Z", "Docs");
    repo.write("README.md", &format!("# Models\n{}", line(KEY_B)));
    let c3 = repo.commit("2021-10-05T23:09:59Z", "Rotate the token");
    repo.write("other.md", "x\n");
    repo.commit("2022-01-01T00:00:00Z", "Later work");

    let findings = scan(&repo.dir, &[]);
    let a = with_secret(&findings, KEY_A);
    assert_eq!(a.len(), 1, "{findings:#?}");
    let g = &a[0]["git"];
    assert_eq!(g["present_at_head"], false);
    assert_eq!(g["last_seen"], "2020-08-01T00:00:00Z");
    assert_eq!(
        g["removed_at"],
        serde_json::json!({"commit": c3, "date": "2021-10-05T23:09:59Z"})
    );
    assert_eq!(g["unreachable"], false);
    let b = with_secret(&findings, KEY_B);
    assert_eq!(b.len(), 1, "{findings:#?}");
    assert_eq!(b[0]["git"]["present_at_head"], true);
    assert!(b[0]["git"]["removed_at"].is_null(), "{:#?}", b[0]);

    // The human report says when it left HEAD.
    let (code, human) = run(&repo.dir, &["--color", "never", "repo"]);
    assert_eq!(code, 1);
    let expected = format!(
        "removed from HEAD on 2021-10-05 (commit {}) but still in history",
        short(&c3)
    );
    assert!(human.contains(&expected), "{human}");
}

#[test]
fn removed_at_follows_the_last_removal_and_merges() {
    // Added, removed, added again, removed again: the last removal counts.
    let repo = Repo::new();
    repo.write("a.env", &line(KEY_A));
    repo.commit("2020-01-01T00:00:00Z", "add");
    std::fs::remove_file(repo.dir.join("a.env")).expect("rm");
    repo.commit("2020-02-01T00:00:00Z", "remove");
    repo.write("a.env", &line(KEY_A));
    repo.commit("2020-03-01T00:00:00Z", "add again");
    // Removed on a branch, which main merges later.
    repo.git(&["checkout", "-q", "-b", "cleanup"]);
    std::fs::remove_file(repo.dir.join("a.env")).expect("rm");
    repo.commit("2020-04-01T00:00:00Z", "cleanup");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("b.md", "b\n");
    repo.commit("2020-05-01T00:00:00Z", "main work");
    repo.git_at(
        "2020-06-01T00:00:00Z",
        &["merge", "-q", "--no-ff", "-m", "merge cleanup", "cleanup"],
    );
    let merge = repo.git(&["rev-parse", "HEAD"]);
    assert!(!repo.dir.join("a.env").exists());
    let findings = scan(&repo.dir, &[]);
    let a = with_secret(&findings, KEY_A);
    assert_eq!(a.len(), 1, "{findings:#?}");
    assert_eq!(
        a[0]["git"]["removed_at"],
        serde_json::json!({"commit": merge, "date": "2020-06-01T00:00:00Z"})
    );
}

#[test]
fn secret_only_on_a_side_branch_has_no_removal() {
    let repo = refs_repo();
    let findings = scan(&repo.dir, &[]);
    let side = with_secret(&findings, KEY_SIDE);
    assert_eq!(side.len(), 1, "{findings:#?}");
    assert!(side[0]["git"]["removed_at"].is_null());
    let (_, human) = run(&repo.dir, &["--color", "never", "repo"]);
    assert!(human.contains("not on HEAD's history"), "{human}");
}

#[test]
fn stash_list_entries_are_scanned() {
    let repo = Repo::new();
    repo.write("app.env", "x = 1\n");
    repo.commit("2020-01-01T00:00:00Z", "init");
    repo.write("app.env", &line(KEY_A));
    repo.git(&["stash", "-q"]);
    repo.write("app.env", &line(KEY_B));
    repo.git(&["stash", "-q"]);
    // stash@{1} holds KEY_A: only the stash's reflog reaches it.
    let findings = scan(&repo.dir, &[]);
    assert_eq!(with_secret(&findings, KEY_A).len(), 1, "{findings:#?}");
    assert_eq!(with_secret(&findings, KEY_B).len(), 1, "{findings:#?}");
    assert_eq!(
        with_secret(&findings, KEY_A)[0]["git"]["unreachable"],
        false
    );
}

#[test]
fn reset_hard_secret_found_only_with_include_unreachable() {
    let repo = Repo::new();
    repo.write("README.md", "# project\n");
    repo.commit("2020-01-01T00:00:00Z", "init");
    repo.write("deploy.env", &line(KEY_A));
    let leak = repo.commit("2020-02-01T00:00:00Z", "deploy settings");
    repo.git(&["reset", "-q", "--hard", "HEAD~1"]);

    let default = scan(&repo.dir, &[]);
    assert!(with_secret(&default, KEY_A).is_empty(), "{default:#?}");

    let all = scan(&repo.dir, &["--include-unreachable"]);
    let a = with_secret(&all, KEY_A);
    assert_eq!(a.len(), 1, "{all:#?}");
    assert_eq!(a[0]["path"], format!("repo/deploy.env@{}", short(&leak)));
    let g = &a[0]["git"];
    assert_eq!(g["commit"], leak.as_str());
    assert_eq!(g["summary"], "deploy settings");
    assert_eq!(g["unreachable"], true);
    assert_eq!(g["present_at_head"], false);
    assert!(g["removed_at"].is_null());
    let (_, human) = run(
        &repo.dir,
        &["--include-unreachable", "--color", "never", "repo"],
    );
    assert!(human.contains("unreachable: only in a reflog"), "{human}");
}

#[test]
fn amended_commit_secret_found_only_with_include_unreachable() {
    let repo = Repo::new();
    repo.write("README.md", "# project\n");
    repo.commit("2020-01-01T00:00:00Z", "init");
    repo.write("config.py", &format!("KEY = 1\n{}", line(KEY_A)));
    let leak = repo.commit("2020-02-01T00:00:00Z", "config");
    repo.write("config.py", "KEY = 1\n");
    repo.git_at(
        "2020-02-01T00:05:00Z",
        &["commit", "-q", "-a", "--amend", "-m", "config"],
    );
    let default = scan(&repo.dir, &[]);
    assert!(with_secret(&default, KEY_A).is_empty(), "{default:#?}");
    let all = scan(&repo.dir, &["--include-unreachable"]);
    let a = with_secret(&all, KEY_A);
    assert_eq!(a.len(), 1, "{all:#?}");
    assert_eq!(a[0]["git"]["commit"], leak.as_str());
    assert_eq!(a[0]["git"]["unreachable"], true);
    // README.md is in both commits: its provenance is the reachable one.
    assert!(all.iter().all(|f| f["secret"] != KEY_B));
}

/// A dangling blob (`git hash-object -w`) and a dangling commit (`git commit-tree`, in no
/// reflog), loose and then packed (`git repack -k` keeps unreachable objects).
#[test]
fn dangling_blob_and_commit_found_loose_and_packed() {
    let repo = Repo::new();
    repo.write("README.md", "# project\n");
    repo.commit("2020-01-01T00:00:00Z", "init");
    repo.write("loose.txt", &line(KEY_A));
    let blob = repo.git(&["hash-object", "-w", "loose.txt"]);
    std::fs::remove_file(repo.dir.join("loose.txt")).expect("rm");
    repo.write("tmp/ci.env", &line(KEY_B));
    repo.git(&["add", "tmp/ci.env"]);
    let tree = repo.git(&["write-tree"]);
    let dangling = repo.git_at(
        "2020-03-01T00:00:00Z",
        &["commit-tree", &tree, "-m", "scratch"],
    );
    repo.git(&["rm", "-q", "--cached", "tmp/ci.env"]);
    std::fs::remove_dir_all(repo.dir.join("tmp")).expect("rm");

    for packed in [false, true] {
        if packed {
            let mut objects = repo.git(&["rev-list", "--objects", "--all", &dangling]);
            objects.push('\n');
            objects.push_str(&blob);
            objects.push('\n');
            let dir = repo.dir.join(".git/objects/pack/pack");
            let mut child = std::process::Command::new("git")
                .current_dir(&repo.dir)
                .args(["pack-objects", "-q", dir.to_str().expect("utf-8")])
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::null())
                .spawn()
                .expect("git pack-objects");
            std::io::Write::write_all(child.stdin.as_mut().expect("stdin"), objects.as_bytes())
                .expect("write");
            assert!(child.wait().expect("wait").success());
            repo.git(&["prune-packed"]);
            let loose = repo.git(&["count-objects"]);
            assert!(loose.starts_with("0 objects"), "{loose}");
        }
        let default = scan(&repo.dir, &[]);
        assert!(default.is_empty(), "packed={packed}: {default:#?}");
        let all = scan(&repo.dir, &["--include-unreachable"]);
        let a = with_secret(&all, KEY_A);
        assert_eq!(a.len(), 1, "packed={packed}: {all:#?}");
        assert_eq!(a[0]["path"], format!("repo/<unreachable>@{}", &blob[..12]));
        let g = &a[0]["git"];
        assert!(g["commit"].is_null() && g["date"].is_null() && g["first_seen"].is_null());
        assert_eq!(g["blob"], blob.as_str());
        assert_eq!(g["paths"], serde_json::json!([]));
        assert_eq!(g["unreachable"], true);
        let b = with_secret(&all, KEY_B);
        assert_eq!(b.len(), 1, "packed={packed}: {all:#?}");
        assert_eq!(
            b[0]["path"],
            format!("repo/tmp/ci.env@{}", short(&dangling))
        );
        assert_eq!(b[0]["git"]["commit"], dangling.as_str());
        assert_eq!(b[0]["git"]["unreachable"], true);
    }
}

#[test]
fn include_unreachable_conflicts_with_branch() {
    let repo = Repo::new();
    repo.write("README.md", "# project\n");
    repo.commit("2020-01-01T00:00:00Z", "init");
    let (code, _) = run(
        &repo.dir,
        &["--include-unreachable", "--branch", "main", "repo"],
    );
    assert_eq!(code, 2);
}

#[test]
fn staged_scans_the_index_not_the_working_tree() {
    let repo = Repo::new();
    repo.write("tracked.env", "user = app\n");
    repo.write("old.env", &line(KEY_SIDE));
    repo.commit("2020-01-01T00:00:00Z", "init");

    // Committed secrets are not "staged": nothing to report.
    let (code, out) = run(&repo.dir, &["--staged", "--format", "jsonl", "repo"]);
    assert_eq!((code, out.as_str()), (0, ""));

    // An unstaged edit is not reported.
    repo.write("tracked.env", &format!("user = app\n{}", line(KEY_A)));
    let (code, out) = run(&repo.dir, &["--staged", "--format", "jsonl", "repo"]);
    assert_eq!((code, out.as_str()), (0, ""), "unstaged edit");

    // Staged: found, at its path, from the index.
    repo.git(&["add", "tracked.env"]);
    repo.write("new.env", &line(KEY_B));
    repo.git(&["add", "new.env"]);
    // The working tree no longer has KEY_A, but the index (what gets committed) does.
    repo.write("tracked.env", "user = app\n");
    let findings = scan(&repo.dir, &["--staged"]);
    let mut got: Vec<(String, String)> = findings
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or_default().to_string(),
                f["secret"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("repo/new.env".to_string(), KEY_B.to_string()),
            ("repo/tracked.env".to_string(), KEY_A.to_string())
        ]
    );
    assert!(findings.iter().all(|f| f.get("git").is_none()));
    assert_eq!(findings[0]["line"], if got[0].1 == KEY_A { 2 } else { 1 });
    let (code, _) = run(&repo.dir, &["--staged", "repo"]);
    assert_eq!(code, 1);

    // A subdirectory or file as input limits the scan to it.
    repo.write("sub/deep.env", &line(KEY_TAG));
    repo.git(&["add", "sub/deep.env"]);
    let sub = scan(&repo.dir.join("sub"), &["--staged"]);
    assert_eq!(sub.len(), 1, "{sub:#?}");
    assert_eq!(sub[0]["path"], "sub/deep.env");
}

#[test]
fn staged_deletion_reports_nothing() {
    let repo = Repo::new();
    repo.write("keys.env", &line(KEY_A));
    repo.commit("2020-01-01T00:00:00Z", "init");
    repo.git(&["rm", "-q", "keys.env"]);
    let (code, out) = run(&repo.dir, &["--staged", "--format", "jsonl", "repo"]);
    assert_eq!((code, out.as_str()), (0, ""));
}

#[test]
fn staged_before_the_first_commit_and_outside_a_repository() {
    let repo = Repo::new();
    repo.write("first.env", &line(KEY_A));
    repo.git(&["add", "first.env"]);
    let findings = scan(&repo.dir, &["--staged"]);
    assert_eq!(with_secret(&findings, KEY_A).len(), 1, "{findings:#?}");

    let plain = tempfile::tempdir().expect("temp dir");
    let out = Command::cargo_bin("leakscope")
        .expect("binary")
        .env("GIT_CEILING_DIRECTORIES", plain.path())
        .args(["scan", "--quiet", "--staged"])
        .arg(plain.path())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
}
