//! The history walk against a brute-force model: random histories (branches, merges,
//! reverts, renames, files moving between paths) are written with `git fast-import`, then
//! every blob's provenance from `scan_history` is compared with what `git ls-tree -r` of
//! every commit says.

use leakscope_sources::git::{scan_history, HistoryEvent, HistoryOptions, Provenance};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Mutex;

/// A small deterministic generator (xorshift), so failures reproduce from the seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const PATHS: &[&str] = &[
    "a.txt",
    "d1/b.txt",
    "d1/d2/c.txt",
    "d1/d2/e.txt",
    "d3/f.txt",
    "d3/d4/g.txt",
    "d5/h.txt",
];

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .args(args)
        .output()
        .expect("run git");
    assert!(out.status.success(), "git {args:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Writes a random history into a new bare repository at `dir`: branches `main`, `b1`,
/// `b2` (commits on one at a time, now and then merging another into it), HEAD `main`.
fn random_repo(dir: &Path, seed: u64, commits: usize) {
    git(dir, &["init", "-q", "--bare", "-b", "main", "."]);
    let mut rng = Rng(seed);
    let mut stream: Vec<u8> = Vec::new();
    let branches = ["main", "b1", "b2"];
    let mut state: Vec<BTreeMap<String, usize>> = vec![BTreeMap::new(); 3];
    let mut tip: Vec<Option<usize>> = vec![None; 3];
    for c in 1..=commits {
        let b = if c <= 2 { 0 } else { rng.below(3) };
        let mut merge = None;
        if tip[b].is_some() && rng.below(5) == 0 {
            let other = (b + 1 + rng.below(2)) % 3;
            if let Some(t) = tip[other] {
                merge = Some(t);
                // The merge takes some of the other branch's files.
                for (p, v) in state[other].clone() {
                    if rng.below(2) == 0 {
                        state[b].insert(p, v);
                    }
                }
            }
        }
        if tip[b].is_none() && c > 2 {
            // A new branch starts from main.
            state[b] = state[0].clone();
            tip[b] = tip[0];
        }
        for _ in 0..1 + rng.below(3) {
            let p = PATHS[rng.below(PATHS.len())].to_string();
            match rng.below(6) {
                0 => {
                    state[b].remove(&p);
                }
                1 => {
                    // Move a file to another path (content keeps its blob).
                    if let Some(v) = state[b].remove(&p) {
                        state[b].insert(PATHS[rng.below(PATHS.len())].to_string(), v);
                    }
                }
                _ => {
                    state[b].insert(p, rng.below(8));
                }
            }
        }
        let time = 1_600_000_000 + c as u64 * 3600;
        write!(
            stream,
            "commit refs/heads/{}\nmark :{c}\nauthor A <a@x> {time} +0000\ncommitter A <a@x> {time} +0000\ndata 2\nc\n",
            branches[b]
        )
        .unwrap();
        if let Some(t) = tip[b] {
            writeln!(stream, "from :{t}").unwrap();
        }
        if let Some(m) = merge {
            writeln!(stream, "merge :{m}").unwrap();
        }
        writeln!(stream, "deleteall").unwrap();
        for (p, v) in &state[b] {
            let body = format!("content {v}\n");
            writeln!(stream, "M 100644 inline {p}\ndata {}\n{body}", body.len()).unwrap();
        }
        writeln!(stream).unwrap();
        tip[b] = Some(c);
    }
    let mut child = Command::new("git")
        .current_dir(dir)
        .args(["fast-import", "--quiet"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.as_mut().unwrap().write_all(&stream).unwrap();
    assert!(child.wait().unwrap().success());
    if seed & 1 == 0 {
        git(dir, &["repack", "-q", "-a", "-d"]);
    }
}

struct Commit {
    id: String,
    time: i64,
    parents: Vec<String>,
    /// path -> blob
    files: BTreeMap<String, String>,
}

/// Every commit, oldest first, with its files.
fn model(dir: &Path) -> Vec<Commit> {
    let log = git(dir, &["rev-list", "--all", "--parents", "--format=%ct"]);
    let mut commits = Vec::new();
    let mut lines = log.lines();
    while let Some(header) = lines.next() {
        let mut ids = header.trim_start_matches("commit ").split(' ');
        let id = ids.next().unwrap().to_string();
        let parents = ids.map(str::to_string).collect();
        let time = lines.next().unwrap().parse().unwrap();
        let mut files = BTreeMap::new();
        for l in git(dir, &["ls-tree", "-r", &id]).lines() {
            let (meta, path) = l.split_once('\t').unwrap();
            let blob = meta.split(' ').nth(2).unwrap();
            files.insert(path.to_string(), blob.to_string());
        }
        commits.push(Commit {
            id,
            time,
            parents,
            files,
        });
    }
    commits.sort_by_key(|c| c.time);
    commits
}

/// Returns (blobs with a removal, blobs with several paths, merge commits).
fn check(seed: u64) -> (usize, usize, usize) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    random_repo(dir, seed, 70);
    let commits = model(dir);
    let by_id: HashMap<&str, &Commit> = commits.iter().map(|c| (c.id.as_str(), c)).collect();
    let head = git(dir, &["rev-parse", "main"]).trim().to_string();

    // HEAD's history and first-parent chain.
    let mut on_head: HashSet<&str> = HashSet::new();
    let mut stack = vec![head.as_str()];
    while let Some(c) = stack.pop() {
        if on_head.insert(c) {
            stack.extend(by_id[c].parents.iter().map(String::as_str));
        }
    }
    let mut first_parent: HashSet<&str> = HashSet::new();
    let mut c = Some(head.as_str());
    while let Some(id) = c {
        first_parent.insert(id);
        c = by_id[id].parents.first().map(String::as_str);
    }
    let head_files: HashSet<&str> = by_id[head.as_str()]
        .files
        .values()
        .map(String::as_str)
        .collect();

    let got: Mutex<Vec<Provenance>> = Mutex::new(Vec::new());
    let opts = HistoryOptions {
        max_blob_size: 1 << 20,
        threads: 2,
        ..HistoryOptions::default()
    };
    scan_history(dir, &opts, &|e| {
        if let HistoryEvent::Blob { provenance, .. } = e {
            got.lock().unwrap().push(provenance);
        }
    })
    .unwrap();
    let got = got.into_inner().unwrap();
    let blobs: BTreeSet<&str> = commits
        .iter()
        .flat_map(|c| c.files.values().map(String::as_str))
        .collect();
    assert_eq!(got.len(), blobs.len(), "seed {seed}: each blob once");

    let merges = commits.iter().filter(|c| c.parents.len() > 1).count();
    let removed = got.iter().filter(|p| p.removed_at.is_some()).count();
    let moved = got.iter().filter(|p| p.paths.len() > 1).count();
    for p in &got {
        let holders: Vec<&Commit> = commits
            .iter()
            .filter(|c| c.files.values().any(|b| *b == p.blob))
            .collect();
        let first = holders[0];
        let ctx = format!("seed {seed}, blob {}", p.blob);
        assert_eq!(p.commit.as_ref().unwrap().id, first.id, "{ctx}: commit");
        assert_eq!(p.first_time, Some(first.time), "{ctx}: first_time");
        assert_eq!(p.last_time, holders.last().map(|c| c.time), "{ctx}: last");
        assert_eq!(p.at_head, head_files.contains(p.blob.as_str()), "{ctx}");
        assert!(!p.unreachable, "{ctx}");
        // Paths: every path it had, the first one among those of its first commit, in
        // order of their first commit.
        let mut first_at: BTreeMap<&str, i64> = BTreeMap::new();
        for c in &holders {
            for (path, b) in &c.files {
                if *b == p.blob {
                    first_at.entry(path.as_str()).or_insert(c.time);
                }
            }
        }
        let mut want: Vec<&str> = first_at.keys().copied().collect();
        want.sort();
        let mut have: Vec<&str> = p.paths.iter().map(String::as_str).collect();
        have.sort();
        assert_eq!(have, want, "{ctx}: paths");
        let times: Vec<i64> = p.paths.iter().map(|x| first_at[x.as_str()]).collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "{ctx}: path order");
        // Removal: the child on HEAD's history of the newest commit there holding it.
        let want_removal = if p.at_head {
            None
        } else {
            holders
                .iter()
                .rev()
                .find(|c| on_head.contains(c.id.as_str()))
                .and_then(|last| {
                    let children: Vec<&Commit> = commits
                        .iter()
                        .filter(|c| on_head.contains(c.id.as_str()) && c.parents.contains(&last.id))
                        .collect();
                    children
                        .iter()
                        .find(|c| first_parent.contains(c.id.as_str()) && c.parents[0] == last.id)
                        .or(children.first())
                        .map(|c| c.id.clone())
                })
        };
        assert_eq!(
            p.removed_at.as_ref().map(|r| r.commit.clone()),
            want_removal,
            "{ctx}: removed_at"
        );
    }
    (removed, moved, merges)
}

#[test]
fn history_matches_a_brute_force_model() {
    let mut totals = (0, 0, 0);
    for seed in 1..=12 {
        let (r, m, g) = check(seed * 7919);
        totals = (totals.0 + r, totals.1 + m, totals.2 + g);
    }
    // The histories exercised what they should.
    assert!(
        totals.0 > 20 && totals.1 > 20 && totals.2 > 20,
        "{totals:?}"
    );
}
