//! Git history: every distinct blob reachable from the repository's refs, once, with the
//! commit that introduced it. Reads the object database with `gix` (pure Rust).
//!
//! [`plan_history`] walks commits and trees on one thread. Cost follows the distinct
//! trees, not commits × files: commits are visited newest first (packs store older
//! versions as deltas of newer ones, so each tree decodes from a cached base); a tree is
//! traversed once per path, and only its entries that differ from the previous tree at
//! that path are looked at. What each commit says (first and last time, HEAD's history,
//! reachability) is recorded on its root and pushed down afterwards along "runs" of
//! consecutive trees at a path holding the same entry. [`HistoryPlan::read`] then
//! decompresses the blobs on several threads, in pack order, each blob on exactly one.
//!
//! [`scan_staged`] reads what `git commit` would record instead: the index entries that
//! differ from HEAD.

mod staged;

pub use staged::{scan_staged, StagedEvent, StagedOptions, StagedStats};

use leakscope_core::{SkipReason, Skipped};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use gix::ObjectId;

/// What part of history to read.
#[derive(Debug, Clone, Default)]
pub struct HistoryOptions {
    /// Only commits reachable from this revision (default: from every ref and HEAD).
    pub branch: Option<String>,
    /// Skip commits reachable from this revision.
    pub since_commit: Option<String>,
    /// Blobs larger than this are skipped with a reason.
    pub max_blob_size: u64,
    /// `--exclude` patterns (gitignore syntax, relative to the repository root): a blob
    /// is left out when every path it appeared under is excluded.
    pub excludes: Vec<String>,
    /// Also read what no ref reaches: commits only in reflogs (after `git reset`, `git
    /// commit --amend`, a deleted branch) and dangling commits, trees and blobs.
    pub include_unreachable: bool,
    /// Threads reading blobs (0 = 1). `on_event` is called from all of them.
    pub threads: usize,
}

/// A commit, as shown in provenance.
#[derive(Debug, Clone)]
pub struct CommitInfo {
    /// Full hex id.
    pub id: String,
    /// `Name <email>` of the author.
    pub author: String,
    /// Author time, seconds since the Unix epoch.
    pub author_time: i64,
    /// First line of the message.
    pub summary: String,
}

/// The commit that removed a blob from HEAD's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removal {
    /// Full hex id.
    pub commit: String,
    /// Its author time, seconds since the Unix epoch.
    pub author_time: i64,
}

/// Where a blob comes from.
#[derive(Debug, Clone)]
pub struct Provenance {
    /// The oldest commit (by commit time) whose tree holds the blob, preferring commits
    /// reachable from a ref; `None` for a blob no commit holds (dangling).
    pub commit: Option<CommitInfo>,
    /// Earliest author time of any commit holding the blob.
    pub first_time: Option<i64>,
    /// Newest author time of any commit holding the blob.
    pub last_time: Option<i64>,
    /// Every path the blob appeared under, in order of first appearance (empty for a
    /// dangling blob no tree holds).
    pub paths: Vec<String>,
    /// Hex blob id.
    pub blob: String,
    /// Whether HEAD's tree holds this blob (at any path).
    pub at_head: bool,
    /// No ref, HEAD or stash entry reaches the blob: only reflog entries or dangling
    /// objects do.
    pub unreachable: bool,
    /// For a blob not at HEAD that a commit on HEAD's history held: the commit on HEAD's
    /// history that dropped it, the last time it was dropped.
    pub removed_at: Option<Removal>,
}

/// One item of a history scan.
#[derive(Debug)]
pub enum HistoryEvent {
    /// A blob to scan. `display` is `<input>/<path>@<12-hex commit>`; for a blob no commit
    /// holds, `<input>/<path>@<12-hex blob>` or `<input>/<unreachable>@<12-hex blob>`.
    Blob {
        display: String,
        bytes: Vec<u8>,
        provenance: Provenance,
    },
    /// A blob identical to the checked-out working-tree file `display` (`<input>/<path>`),
    /// which the working-tree scan covers: not read again.
    InWorktree {
        display: String,
        provenance: Provenance,
    },
    Skipped(Skipped),
}

/// Totals of one history scan.
#[derive(Debug, Clone, Copy, Default)]
pub struct HistoryStats {
    pub commits: usize,
    pub trees: usize,
    pub blobs: usize,
    /// Commits reachable only from reflogs or dangling (`include_unreachable`).
    pub unreachable_commits: usize,
    /// Blobs no tree holds (`include_unreachable`).
    pub dangling_blobs: usize,
}

#[derive(Debug, thiserror::Error)]
#[error("git history of {repo}: {message}")]
pub struct GitError {
    pub repo: String,
    pub message: String,
}

/// Whether `path` is the root of a git repository: a working tree with `.git`, or a bare
/// repository.
pub fn is_repository(path: &Path) -> bool {
    path.join(".git").exists()
        || (path.join("HEAD").is_file()
            && path.join("objects").is_dir()
            && path.join("refs").is_dir())
}

/// Whether `path` is a bare repository (a repository root without a working tree).
pub fn is_bare_repository(path: &Path) -> bool {
    is_repository(path) && !path.join(".git").exists()
}

struct CommitRec {
    id: ObjectId,
    tree: ObjectId,
    parents: Vec<ObjectId>,
    author: String,
    author_time: i64,
    commit_time: i64,
    summary: String,
    /// Reached from a ref, HEAD or a stash entry (not only from a reflog or dangling).
    reachable: bool,
}

/// What is known of the commits holding a tree or blob at a path, combined over all of
/// them.
#[derive(Debug, Clone, Copy)]
struct Seen {
    /// First in commit order (reachable commits first, then by commit time).
    first: Option<u32>,
    first_time: i64,
    last_time: i64,
    /// Newest (in commit order) commit on HEAD's history holding it.
    last_head: Option<u32>,
    reachable: bool,
}

impl Seen {
    const NONE: Seen = Seen {
        first: None,
        first_time: i64::MAX,
        last_time: i64::MIN,
        last_head: None,
        reachable: false,
    };

    fn merge(&mut self, o: &Seen) {
        self.first = match (self.first, o.first) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.first_time = self.first_time.min(o.first_time);
        self.last_time = self.last_time.max(o.last_time);
        self.last_head = self.last_head.max(o.last_head);
        self.reachable |= o.reachable;
    }

    fn times(&self) -> (Option<i64>, Option<i64>) {
        if self.first_time > self.last_time {
            (None, None)
        } else {
            (Some(self.first_time), Some(self.last_time))
        }
    }
}

/// Interned file names (raw bytes) and paths: a path is (parent path, name), path 0 is
/// the root.
#[derive(Default)]
struct Paths {
    names: Vec<Box<[u8]>>,
    name_ids: HashMap<Box<[u8]>, u32>,
    /// (parent, name) of every path but the root.
    nodes: Vec<(u32, u32)>,
    node_ids: HashMap<(u32, u32), u32, PairHash>,
}

const ROOT: u32 = 0;

impl Paths {
    fn new() -> Paths {
        let mut p = Paths::default();
        p.nodes.push((ROOT, 0));
        p
    }

    fn name(&mut self, name: &[u8]) -> u32 {
        if let Some(&id) = self.name_ids.get(name) {
            return id;
        }
        let id = self.names.len() as u32;
        let boxed: Box<[u8]> = name.into();
        self.names.push(boxed.clone());
        self.name_ids.insert(boxed, id);
        id
    }

    fn child(&mut self, parent: u32, name: u32) -> u32 {
        let next = self.nodes.len() as u32;
        let id = *self.node_ids.entry((parent, name)).or_insert(next);
        if id == next {
            self.nodes.push((parent, name));
        }
        id
    }

    fn bytes_of(&self, name: u32) -> &[u8] {
        self.names.get(name as usize).map_or(&[], |n| n)
    }

    fn string(&self, mut id: u32) -> String {
        let mut parts: Vec<&[u8]> = Vec::new();
        while id != ROOT {
            let Some(&(parent, name)) = self.nodes.get(id as usize) else {
                break;
            };
            parts.push(self.bytes_of(name));
            id = parent;
        }
        parts.reverse();
        String::from_utf8_lossy(&parts.join(&b'/')).into_owned()
    }
}

/// Hashes (u32, u32) index pairs: a multiply-rotate mix (keys are internal indexes, not
/// input an attacker chooses freely).
#[derive(Default, Clone, Copy)]
struct PairHash;

#[derive(Default)]
struct PairHasher(u64);

impl std::hash::BuildHasher for PairHash {
    type Hasher = PairHasher;
    fn build_hasher(&self) -> PairHasher {
        PairHasher(0)
    }
}

impl std::hash::Hasher for PairHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u32(u32::from(b));
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = (self.0.rotate_left(26) ^ u64::from(n)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 29)
    }
}

/// A blob as planned: what its commits say, and its paths (excludes applied).
struct BlobInfo {
    id: ObjectId,
    seen: Seen,
    paths: Vec<String>,
}

/// The result of reading a repository's commits and trees: which blobs to read, with
/// their provenance. [`HistoryPlan::read`] then reads them.
pub struct HistoryPlan {
    root: std::path::PathBuf,
    repo: gix::ThreadSafeRepository,
    max_blob_size: u64,
    commits: Vec<CommitRec>,
    blobs: Vec<BlobInfo>,
    at_head: HashSet<ObjectId>,
    removals: HashMap<u32, Removal>,
    /// Blobs to read (indexes into `blobs`), in pack order.
    jobs: Vec<u32>,
    /// Blobs identical to a checked-out file: (that file's display path, blob index).
    in_worktree: Vec<(String, u32)>,
    stats: HistoryStats,
}

/// Reads the history of the repository at `root` (input path as given) and calls
/// `on_event` for each distinct blob: first, on the calling thread, for blobs identical to
/// checked-out files; then from `opts.threads` threads for the blobs read.
pub fn scan_history(
    root: &Path,
    opts: &HistoryOptions,
    on_event: &(dyn Fn(HistoryEvent) + Sync),
) -> Result<HistoryStats, GitError> {
    let plan = plan_history(root, opts)?;
    for (display, provenance) in plan.in_worktree() {
        on_event(HistoryEvent::InWorktree {
            display,
            provenance,
        });
    }
    plan.read(opts.threads, on_event);
    Ok(plan.stats())
}

/// Reads the commits and trees of the repository at `root` (one thread) and plans which
/// blobs to read.
pub fn plan_history(root: &Path, opts: &HistoryOptions) -> Result<HistoryPlan, GitError> {
    let fail = |message: String| GitError {
        repo: root.display().to_string(),
        message,
    };
    let excludes = if opts.excludes.is_empty() {
        None
    } else {
        let mut b = ignore::gitignore::GitignoreBuilder::new(root);
        for g in &opts.excludes {
            b.add_line(None, g)
                .map_err(|e| fail(format!("exclude `{g}`: {e}")))?;
        }
        Some(b.build().map_err(|e| fail(e.to_string()))?)
    };
    // No object cache: each tree is read once (newest first, from the delta-base cache).
    let repo = gix::open(root).map_err(|e| fail(e.to_string()))?;

    // Tips: every ref (branches, tags, remotes, notes), every stash entry and HEAD, or
    // one revision.
    let mut tips: Vec<ObjectId> = Vec::new();
    let mut extra_tips: Vec<ObjectId> = Vec::new();
    match &opts.branch {
        Some(spec) => tips.push(peel_commit(&repo, spec).map_err(fail)?),
        None => {
            let platform = repo.references().map_err(|e| fail(e.to_string()))?;
            let mut names: Vec<String> = vec!["HEAD".to_string()];
            for r in platform.all().map_err(|e| fail(e.to_string()))? {
                let Ok(mut r) = r else { continue };
                names.push(r.name().as_bstr().to_string());
                let Ok(id) = r.peel_to_id() else { continue };
                if let Some(c) = commit_of(&repo, id.detach()) {
                    tips.push(c);
                }
            }
            if let Ok(id) = repo.head_id() {
                tips.push(id.detach());
            }
            // Older stash entries live in the stash's reflog: `git stash list` shows them.
            for id in reflog_ids(&repo, "refs/stash") {
                if let Some(c) = commit_of(&repo, id) {
                    tips.push(c);
                }
            }
            if opts.include_unreachable {
                for name in &names {
                    for id in reflog_ids(&repo, name) {
                        if let Some(c) = commit_of(&repo, id) {
                            extra_tips.push(c);
                        }
                    }
                }
            }
        }
    }
    let mut hidden: HashSet<ObjectId> = HashSet::new();
    if let Some(spec) = &opts.since_commit {
        let start = peel_commit(&repo, spec).map_err(fail)?;
        ancestors(&repo, vec![start], &mut hidden, &HashSet::new(), |_, _| {}).map_err(fail)?;
    }

    let mut commits: Vec<CommitRec> = Vec::new();
    let mut seen_commits: HashSet<ObjectId> = HashSet::new();
    ancestors(&repo, tips, &mut seen_commits, &hidden, |id, c| {
        commits.push(commit_rec(id, c, true))
    })
    .map_err(fail)?;
    let reachable_count = commits.len();

    // Unreachable objects: reflog entries, then whatever the object database holds that
    // no commit walk reached (dangling commits, trees and blobs; kinds read from headers).
    let mut loose_trees: Vec<ObjectId> = Vec::new();
    let mut loose_blobs: Vec<ObjectId> = Vec::new();
    if opts.include_unreachable {
        let all = repo
            .objects
            .iter()
            .map_err(|e| fail(format!("listing objects: {e}")))?;
        let mut listed: HashSet<ObjectId> = HashSet::new();
        for id in all {
            let Ok(id) = id else { continue };
            if seen_commits.contains(&id) || !listed.insert(id) {
                continue;
            }
            let Ok(header) = repo.find_header(id) else {
                continue;
            };
            match header.kind() {
                gix::object::Kind::Commit => extra_tips.push(id),
                gix::object::Kind::Tree => loose_trees.push(id),
                gix::object::Kind::Blob => loose_blobs.push(id),
                gix::object::Kind::Tag => {
                    if let Some(c) = commit_of(&repo, id) {
                        extra_tips.push(c);
                    }
                }
            }
        }
        ancestors(&repo, extra_tips, &mut seen_commits, &hidden, |id, c| {
            commits.push(commit_rec(id, c, false))
        })
        .map_err(fail)?;
    }
    drop(seen_commits);

    // Commit order: reachable commits first (so provenance names a commit a clone has),
    // then oldest first; ties keep parents (discovered later) before children.
    let n = commits.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| (i >= reachable_count, commits[i].commit_time, n - i));
    let commits: Vec<CommitRec> = {
        let mut slots: Vec<Option<CommitRec>> = commits.into_iter().map(Some).collect();
        order.iter().filter_map(|&i| slots[i].take()).collect()
    };
    let index_of: HashMap<ObjectId, u32> = commits
        .iter()
        .enumerate()
        .map(|(k, c)| (c.id, k as u32))
        .collect();
    let head = repo
        .head_id()
        .ok()
        .and_then(|id| index_of.get(&id.detach()).copied());
    let (on_head, first_parent) = head_history(&commits, &index_of, head);
    drop(index_of);

    // Trees, newest first (packs delta older versions against newer ones, so this order
    // decodes each tree from a cached base), each (tree, path) pair once.
    let mut w = Walker::new();
    for (k, c) in commits.iter().enumerate().rev() {
        let seen = Seen {
            first: Some(k as u32),
            first_time: c.author_time,
            last_time: c.author_time,
            last_head: on_head[k].then_some(k as u32),
            reachable: c.reachable,
        };
        w.walk(&repo, c.tree, seen).map_err(&fail)?;
    }
    // Dangling trees: those no other dangling tree holds, walked without a commit.
    let loose_trees: Vec<ObjectId> = loose_trees
        .into_iter()
        .filter(|id| !w.tree_ids.contains_key(id))
        .collect();
    let mut held: HashSet<ObjectId> = HashSet::new();
    for id in &loose_trees {
        if let Ok(entries) = tree_entries(&repo, *id) {
            held.extend(entries.into_iter().filter(|e| e.2).map(|e| e.1));
        }
    }
    for id in loose_trees.iter().filter(|id| !held.contains(*id)) {
        // A corrupt dangling tree is not worth failing the scan over.
        let _ = w.walk(&repo, *id, Seen::NONE);
    }
    drop(held);
    let mut dangling_blobs = 0;
    for id in loose_blobs {
        if !w.blob_index.contains_key(&id) {
            w.blob_index.insert(id, w.blobs.len() as u32);
            w.blobs.push(id);
            dangling_blobs += 1;
        }
    }
    let stats = HistoryStats {
        commits: commits.len(),
        trees: w.tree_ids.len(),
        blobs: w.blobs.len(),
        unreachable_commits: commits.len() - reachable_count,
        dangling_blobs,
    };
    let Walked {
        paths,
        blobs: walked,
    } = w.finish();

    // HEAD's tree, and which of its files are checked out unchanged.
    let mut at_head: HashSet<ObjectId> = HashSet::new();
    let mut in_worktree: HashMap<ObjectId, String> = HashMap::new();
    if let Ok(head_tree) = repo.head_tree_id() {
        let workdir = repo.workdir().map(Path::to_path_buf);
        let index = workdir.as_ref().and_then(|_| repo.index_or_empty().ok());
        let mut stack = vec![(head_tree.detach(), String::new())];
        while let Some((tree_id, prefix)) = stack.pop() {
            for (name, id, is_tree) in tree_entries(&repo, tree_id).map_err(&fail)? {
                let path = if prefix.is_empty() {
                    name
                } else {
                    format!("{prefix}/{name}")
                };
                if is_tree {
                    stack.push((id, path));
                    continue;
                }
                at_head.insert(id);
                let Some(dir) = &workdir else { continue };
                if in_worktree.contains_key(&id) {
                    continue;
                }
                let file = dir.join(&path);
                // The index's stat data says whether the file changed since it was
                // checked out (as `git status` decides); else hash the file.
                let same = index
                    .as_ref()
                    .is_some_and(|i| unchanged_since_index(i, &path, id, &file))
                    || worktree_matches(&file, id, opts.max_blob_size);
                if same {
                    in_worktree.insert(id, path);
                }
            }
        }
    }

    let removals = removals(
        &commits,
        &on_head,
        &first_parent,
        walked.iter().map(|b| (b.0, b.1.last_head)),
        &at_head,
    );

    // Blobs to read: not excluded, not checked out unchanged.
    let mut blobs: Vec<BlobInfo> = Vec::with_capacity(walked.len());
    let mut jobs: Vec<u32> = Vec::new();
    let mut worktree_blobs: Vec<(String, u32)> = Vec::new();
    for (id, seen, path_ids) in walked {
        let mut shown: Vec<String> = path_ids.iter().map(|&p| paths.string(p)).collect();
        if let Some(gi) = &excludes {
            if !shown.is_empty() {
                shown.retain(|p| {
                    !gi.matched_path_or_any_parents(root.join(p), false)
                        .is_ignore()
                });
                if shown.is_empty() {
                    continue;
                }
            }
        }
        let b = blobs.len() as u32;
        match in_worktree.get(&id) {
            Some(path) => worktree_blobs.push((root.join(path).display().to_string(), b)),
            None => jobs.push(b),
        }
        blobs.push(BlobInfo {
            id,
            seen,
            paths: shown,
        });
    }
    drop(paths);
    pack_order(&repo, &blobs, &mut jobs);
    Ok(HistoryPlan {
        root: root.to_path_buf(),
        repo: repo.into_sync(),
        max_blob_size: opts.max_blob_size,
        commits,
        blobs,
        at_head,
        removals,
        jobs,
        in_worktree: worktree_blobs,
        stats,
    })
}

/// Jobs a reading thread takes at once: neighbours in a pack are often deltas of each
/// other, and each thread has its own delta-base cache.
const CHUNK: usize = 64;

/// Bytes of decoded delta bases each reading thread keeps.
const READER_PACK_CACHE: usize = 8 << 20;

impl HistoryPlan {
    /// Totals of the commit and tree walk.
    pub fn stats(&self) -> HistoryStats {
        self.stats
    }

    /// Blobs identical to a checked-out file (which the working-tree scan covers), as
    /// (that file's display path, the blob's provenance).
    pub fn in_worktree(&self) -> Vec<(String, Provenance)> {
        self.in_worktree
            .iter()
            .filter_map(|(display, b)| {
                let blob = self.blobs.get(*b as usize)?;
                Some((display.clone(), self.provenance(blob)))
            })
            .collect()
    }

    /// Reads (decompresses) every planned blob on `threads` threads (0 = 1) and calls
    /// `on_event` with it, from that thread; each blob exactly once.
    pub fn read(&self, threads: usize, on_event: &(dyn Fn(HistoryEvent) + Sync)) {
        let next = AtomicUsize::new(0);
        std::thread::scope(|s| {
            for _ in 1..threads.max(1) {
                let next = &next;
                s.spawn(move || self.read_jobs(next, on_event));
            }
            self.read_jobs(&next, on_event);
        });
    }

    fn read_jobs(&self, next: &AtomicUsize, on_event: &(dyn Fn(HistoryEvent) + Sync)) {
        let mut repo = self.repo.to_thread_local();
        // Jobs come in pack order, so delta bases were read just before: a small
        // delta-base cache is enough, and bounds each thread's memory.
        repo.objects.set_pack_cache(|| {
            Box::new(gix::odb::pack::cache::lru::StaticLinkedList::<64>::new(
                READER_PACK_CACHE,
            ))
        });
        let repo = &repo;
        loop {
            let start = next.fetch_add(CHUNK, Ordering::Relaxed);
            let Some(chunk) = self.jobs.get(start..) else {
                return;
            };
            for &b in chunk.iter().take(CHUNK) {
                if let Some(blob) = self.blobs.get(b as usize) {
                    on_event(self.read_one(repo, blob));
                }
            }
        }
    }

    fn read_one(&self, repo: &gix::Repository, blob: &BlobInfo) -> HistoryEvent {
        let provenance = self.provenance(blob);
        let path = provenance
            .paths
            .first()
            .map_or("<unreachable>", String::as_str);
        let at = match &provenance.commit {
            Some(c) => c.id.get(..12).unwrap_or(&c.id).to_string(),
            None => blob.id.to_hex_with_len(12).to_string(),
        };
        let display = format!("{}@{at}", self.root.join(path).display());
        let unreadable = |display: String, error: String| {
            HistoryEvent::Skipped(Skipped {
                path: display,
                reason: SkipReason::Unreadable { error },
            })
        };
        let size = match repo.find_header(blob.id) {
            Ok(h) => h.size(),
            Err(e) => return unreadable(display, e.to_string()),
        };
        if size > self.max_blob_size {
            return HistoryEvent::Skipped(Skipped {
                path: display,
                reason: SkipReason::TooLarge {
                    size,
                    limit: self.max_blob_size,
                },
            });
        }
        match repo.find_object(blob.id) {
            Ok(obj) => HistoryEvent::Blob {
                display,
                bytes: obj.detach().data,
                provenance,
            },
            Err(e) => unreadable(display, e.to_string()),
        }
    }

    fn provenance(&self, blob: &BlobInfo) -> Provenance {
        let commit = blob
            .seen
            .first
            .and_then(|k| self.commits.get(k as usize))
            .map(|c| CommitInfo {
                id: c.id.to_string(),
                author: c.author.clone(),
                author_time: c.author_time,
                summary: c.summary.clone(),
            });
        let (first_time, last_time) = blob.seen.times();
        let at_head = self.at_head.contains(&blob.id);
        Provenance {
            commit,
            first_time,
            last_time,
            paths: blob.paths.clone(),
            blob: blob.id.to_string(),
            at_head,
            unreachable: !blob.seen.reachable,
            removed_at: blob
                .seen
                .last_head
                .filter(|_| !at_head)
                .and_then(|l| self.removals.get(&l))
                .cloned(),
        }
    }
}

/// Sorts `jobs` by where their blobs lie in the packs: a delta's base comes before it,
/// so each blob is decoded from a base still in the delta-base cache.
fn pack_order(repo: &gix::Repository, blobs: &[BlobInfo], jobs: &mut Vec<u32>) {
    if jobs.len() < 2 {
        return;
    }
    let Ok(all) = repo.objects.iter() else {
        return;
    };
    let wanted: gix::hashtable::HashMap<ObjectId, u32> = jobs
        .iter()
        .filter_map(|&b| Some((blobs.get(b as usize)?.id, b)))
        .collect();
    let mut placed = vec![false; blobs.len()];
    let mut ordered: Vec<u32> = Vec::with_capacity(jobs.len());
    let by_offset = gix::odb::store::iter::Ordering::PackAscendingOffsetThenLooseLexicographical;
    for id in all.with_ordering(by_offset).flatten() {
        if let Some(&b) = wanted.get(&id) {
            if !std::mem::replace(&mut placed[b as usize], true) {
                ordered.push(b);
            }
        }
    }
    ordered.extend(jobs.iter().filter(|&&b| !placed[b as usize]));
    *jobs = ordered;
}

/// Which commits are on HEAD's history, and which on its first-parent chain.
fn head_history(
    commits: &[CommitRec],
    index_of: &HashMap<ObjectId, u32>,
    head: Option<u32>,
) -> (Vec<bool>, Vec<bool>) {
    let mut on_head = vec![false; commits.len()];
    let mut first_parent = vec![false; commits.len()];
    let Some(head) = head else {
        return (on_head, first_parent);
    };
    let mut k = Some(head);
    while let Some(i) = k {
        if std::mem::replace(&mut first_parent[i as usize], true) {
            break;
        }
        k = commits[i as usize]
            .parents
            .first()
            .and_then(|p| index_of.get(p).copied());
    }
    let mut stack = vec![head];
    while let Some(i) = stack.pop() {
        if std::mem::replace(&mut on_head[i as usize], true) {
            continue;
        }
        stack.extend(
            commits[i as usize]
                .parents
                .iter()
                .filter_map(|p| index_of.get(p).copied()),
        );
    }
    (on_head, first_parent)
}

/// For every commit on HEAD's history that is the newest such commit holding some blob no
/// longer at HEAD (`blobs`: id, newest commit on HEAD's history holding it): the child
/// on HEAD's history that dropped it (the one on the first-parent chain, else the oldest).
fn removals(
    commits: &[CommitRec],
    on_head: &[bool],
    first_parent: &[bool],
    blobs: impl Iterator<Item = (ObjectId, Option<u32>)>,
    at_head: &HashSet<ObjectId>,
) -> HashMap<u32, Removal> {
    let wanted: HashMap<ObjectId, u32> = blobs
        .filter(|(id, _)| !at_head.contains(id))
        .filter_map(|(_, k)| k)
        .filter_map(|k| Some((commits.get(k as usize)?.id, k)))
        .collect();
    if wanted.is_empty() {
        return HashMap::new();
    }
    // parent -> (child, whether the child is on the first-parent chain through it)
    let mut best: HashMap<u32, (u32, bool)> = HashMap::new();
    for (k, c) in commits.iter().enumerate() {
        if !on_head[k] {
            continue;
        }
        for (n, p) in c.parents.iter().enumerate() {
            let Some(&parent) = wanted.get(p) else {
                continue;
            };
            let mainline = n == 0 && first_parent[k];
            let k = k as u32;
            best.entry(parent)
                .and_modify(|b| {
                    if (mainline && !b.1) || (mainline == b.1 && k < b.0) {
                        *b = (k, mainline);
                    }
                })
                .or_insert((k, mainline));
        }
    }
    best.into_iter()
        .filter_map(|(parent, (child, _))| {
            let c = commits.get(child as usize)?;
            Some((
                parent,
                Removal {
                    commit: c.id.to_string(),
                    author_time: c.author_time,
                },
            ))
        })
        .collect()
}

fn commit_rec(id: ObjectId, c: &gix::objs::CommitRef<'_>, reachable: bool) -> CommitRec {
    let author = c.author().ok();
    let commit_time = c.committer().map(|s| s.seconds()).unwrap_or(0);
    CommitRec {
        id,
        tree: c.tree(),
        parents: c.parents().collect(),
        author: author
            .map(|a| {
                let a = a.trim();
                format!("{} <{}>", a.name, a.email)
            })
            .unwrap_or_default(),
        author_time: author.map(|a| a.seconds()).unwrap_or(commit_time),
        commit_time,
        summary: c.message().summary().to_string(),
        reachable,
    }
}

/// A revision as a commit id.
fn peel_commit(repo: &gix::Repository, spec: &str) -> Result<ObjectId, String> {
    let id = repo
        .rev_parse_single(spec)
        .map_err(|e| format!("revision `{spec}`: {e}"))?;
    commit_of(repo, id.detach()).ok_or_else(|| format!("revision `{spec}` is not a commit"))
}

/// The commit an object id stands for (peeling tags), if any.
fn commit_of(repo: &gix::Repository, id: ObjectId) -> Option<ObjectId> {
    let obj = repo.find_object(id).ok()?.peel_tags_to_end().ok()?;
    (obj.kind == gix::object::Kind::Commit).then_some(obj.id)
}

/// Every object id a reference's reflog mentions (old and new values).
fn reflog_ids(repo: &gix::Repository, name: &str) -> Vec<ObjectId> {
    let mut out = Vec::new();
    let Ok(r) = repo.find_reference(name) else {
        return out;
    };
    let mut platform = r.log_iter();
    let Ok(Some(lines)) = platform.all() else {
        return out;
    };
    for line in lines.flatten() {
        for id in [line.previous_oid(), line.new_oid()] {
            if !id.is_null() {
                out.push(id);
            }
        }
    }
    out
}

/// Every commit reachable from `tips` and not in `hidden` or `seen`, each passed to
/// `visit` once (breadth-first: children before their parents) and added to `seen`.
/// Commits not in the object database (beyond a shallow clone's boundary) are left out.
fn ancestors(
    repo: &gix::Repository,
    tips: Vec<ObjectId>,
    seen: &mut HashSet<ObjectId>,
    hidden: &HashSet<ObjectId>,
    mut visit: impl FnMut(ObjectId, &gix::objs::CommitRef<'_>),
) -> Result<(), String> {
    let mut queue: std::collections::VecDeque<ObjectId> = tips.into_iter().collect();
    while let Some(id) = queue.pop_front() {
        if hidden.contains(&id) || !seen.insert(id) {
            continue;
        }
        // A missing parent is the boundary of a shallow clone: history ends there.
        let Ok(commit) = repo.find_commit(id) else {
            continue;
        };
        let decoded = commit.decode().map_err(|e| format!("commit {id}: {e}"))?;
        visit(id, &decoded);
        queue.extend(decoded.parents());
    }
    Ok(())
}

/// A tree's entries as (name, id, is_tree); submodules (commits) are left out.
fn tree_entries(
    repo: &gix::Repository,
    id: ObjectId,
) -> Result<Vec<(String, ObjectId, bool)>, String> {
    let tree = repo.find_tree(id).map_err(|e| format!("tree {id}: {e}"))?;
    let decoded = tree.decode().map_err(|e| format!("tree {id}: {e}"))?;
    Ok(decoded
        .entries
        .iter()
        .filter(|e| !e.mode.is_commit())
        .map(|e| (e.filename.to_string(), e.oid.to_owned(), e.mode.is_tree()))
        .collect())
}

/// An entry of the last tree traversed at a path: name, object, kind, and the run of
/// trees at that path holding it.
#[derive(Clone, Copy)]
struct Known {
    name: u32,
    id: ObjectId,
    is_tree: bool,
    run: u32,
}

/// Marks a (blob, path) node in [`Run::child`].
const BLOB: u32 = 1 << 31;

/// A tree at a path.
struct TreeAt {
    seen: Seen,
    traversed: bool,
}

/// A blob at a path.
struct BlobAt {
    blob: u32,
    path: u32,
    seen: Seen,
}

/// A node held by consecutive trees at one path: `child` (a (tree, path) node, or a
/// (blob, path) node with [`BLOB`] set) is an entry of the trees `start..=end` of the
/// chain of trees traversed at path `chain`. Runs replace per-tree child lists: a tree
/// mostly holds what the one before it at its path held, so runs are few.
struct Run {
    child: u32,
    chain: u32,
    start: u32,
    end: u32,
}

/// Git's tree order: names compared bytewise, a tree's name as if followed by `/`.
fn tree_order(a: &[u8], a_tree: bool, b: &[u8], b_tree: bool) -> std::cmp::Ordering {
    let n = a.len().min(b.len());
    a[..n].cmp(&b[..n]).then_with(|| {
        let end =
            |name: &[u8], tree: bool| name.get(n).copied().unwrap_or(if tree { b'/' } else { 0 });
        end(a, a_tree).cmp(&end(b, b_tree))
    })
}

/// What the walk found: the interned paths, and every blob with what its commits say and
/// its paths in order of first appearance.
struct Walked {
    paths: Paths,
    blobs: Vec<(ObjectId, Seen, Vec<u32>)>,
}

/// The tree traversal: (tree, path) and (blob, path) nodes, each tree at a path read
/// once. Commits mark their root's node; [`Walker::finish`] pushes that down to
/// everything below it.
#[derive(Default)]
struct Walker {
    paths: Paths,
    tree_ids: gix::hashtable::HashMap<ObjectId, u32>,
    trees: Vec<TreeAt>,
    tree_index: HashMap<(u32, u32), u32, PairHash>,
    blobs: Vec<ObjectId>,
    blob_index: gix::hashtable::HashMap<ObjectId, u32>,
    blob_ats: Vec<BlobAt>,
    blob_at_index: HashMap<(u32, u32), u32, PairHash>,
    /// Per directory path: the (tree, path) nodes traversed there, in order.
    chains: HashMap<u32, Vec<u32>, PairHash>,
    runs: Vec<Run>,
    /// The entries of the last tree traversed at each directory path. Invariant: the node
    /// of each of them exists and (for trees) is traversed, so a newer tree at the same
    /// path only needs its changed entries looked at.
    last_at: HashMap<u32, Vec<Known>, PairHash>,
}

impl Walker {
    fn new() -> Walker {
        Walker {
            paths: Paths::new(),
            ..Walker::default()
        }
    }

    fn tree_at(&mut self, id: ObjectId, path: u32) -> u32 {
        let next = self.tree_ids.len() as u32;
        let t = *self.tree_ids.entry(id).or_insert(next);
        let next = self.trees.len() as u32;
        let node = *self.tree_index.entry((t, path)).or_insert(next);
        if node == next {
            self.trees.push(TreeAt {
                seen: Seen::NONE,
                traversed: false,
            });
        }
        node
    }

    fn blob_at(&mut self, id: ObjectId, path: u32) -> u32 {
        let next = self.blobs.len() as u32;
        let blob = *self.blob_index.entry(id).or_insert(next);
        if blob == next {
            self.blobs.push(id);
        }
        let next = self.blob_ats.len() as u32;
        let node = *self.blob_at_index.entry((blob, path)).or_insert(next);
        if node == next {
            self.blob_ats.push(BlobAt {
                blob,
                path,
                seen: Seen::NONE,
            });
        }
        node
    }

    /// Walks the tree `root` at the root path, marking its node with `seen` (a commit's,
    /// or nothing for a dangling tree).
    fn walk(&mut self, repo: &gix::Repository, root: ObjectId, seen: Seen) -> Result<(), String> {
        let node = self.tree_at(root, ROOT);
        if let Some(t) = self.trees.get_mut(node as usize) {
            t.seen.merge(&seen);
        }
        let mut stack: Vec<(u32, ObjectId, u32)> = vec![(node, root, ROOT)];
        while let Some((node, tree_id, prefix)) = stack.pop() {
            match self.trees.get_mut(node as usize) {
                Some(t) if !t.traversed => t.traversed = true,
                _ => continue,
            }
            let tree = repo
                .find_tree(tree_id)
                .map_err(|e| format!("tree {tree_id}: {e}"))?;
            let decoded = tree.decode().map_err(|e| format!("tree {tree_id}: {e}"))?;
            let chain = self.chains.entry(prefix).or_default();
            let at = chain.len() as u32;
            chain.push(node);
            // Diff against the last tree at this path: an unchanged entry extends its run.
            let prev = self.last_at.remove(&prefix).unwrap_or_default();
            let mut j = 0;
            let mut now: Vec<Known> = Vec::with_capacity(decoded.entries.len());
            for e in decoded.entries.iter().filter(|e| !e.mode.is_commit()) {
                let is_tree = e.mode.is_tree();
                let name: &[u8] = e.filename;
                let mut same_name = None;
                while let Some(p) = prev.get(j) {
                    match tree_order(self.paths.bytes_of(p.name), p.is_tree, name, is_tree) {
                        std::cmp::Ordering::Less => j += 1,
                        std::cmp::Ordering::Equal => {
                            same_name = Some(*p);
                            j += 1;
                            break;
                        }
                        std::cmp::Ordering::Greater => break,
                    }
                }
                let id = e.oid.to_owned();
                if let Some(p) = same_name.filter(|p| p.id == id) {
                    if let Some(run) = self.runs.get_mut(p.run as usize) {
                        run.end = at;
                    }
                    now.push(p);
                    continue;
                }
                let name = match same_name {
                    Some(p) => p.name,
                    None => self.paths.name(name),
                };
                let path = self.paths.child(prefix, name);
                let child = if is_tree {
                    let child = self.tree_at(id, path);
                    stack.push((child, id, path));
                    child
                } else {
                    self.blob_at(id, path) | BLOB
                };
                let run = self.runs.len() as u32;
                self.runs.push(Run {
                    child,
                    chain: prefix,
                    start: at,
                    end: at,
                });
                now.push(Known {
                    name,
                    id,
                    is_tree,
                    run,
                });
            }
            self.last_at.insert(prefix, now);
        }
        Ok(())
    }

    /// Pushes what is known of each tree-at-path's commits down to its subtrees and blobs
    /// (shallow paths first: a node's parents are all at its parent path), then sums it up
    /// per blob.
    fn finish(self) -> Walked {
        let Walker {
            paths,
            mut trees,
            blobs,
            mut blob_ats,
            chains,
            mut runs,
            ..
        } = self;
        drop(self.last_at);
        let mut depth: Vec<u32> = vec![0; paths.nodes.len()];
        for i in 1..paths.nodes.len() {
            let parent = paths.nodes[i].0 as usize;
            depth[i] = depth.get(parent).map_or(0, |d| d + 1);
        }
        runs.sort_by_key(|r| depth.get(r.chain as usize).copied().unwrap_or(0));
        for run in &runs {
            let Some(chain) = chains.get(&run.chain) else {
                continue;
            };
            let Some(holders) = chain.get(run.start as usize..=run.end as usize) else {
                continue;
            };
            let mut seen = Seen::NONE;
            for &t in holders {
                if let Some(t) = trees.get(t as usize) {
                    seen.merge(&t.seen);
                }
            }
            let target = if run.child & BLOB == 0 {
                trees.get_mut(run.child as usize).map(|n| &mut n.seen)
            } else {
                blob_ats
                    .get_mut((run.child & !BLOB) as usize)
                    .map(|n| &mut n.seen)
            };
            if let Some(target) = target {
                target.merge(&seen);
            }
        }
        drop(runs);
        drop(chains);
        drop(trees);
        // Per blob: its id, what its commits say, and (first commit, path) per path.
        type Sightings = Vec<(Option<u32>, u32)>;
        let mut out: Vec<(ObjectId, Seen, Sightings)> = blobs
            .into_iter()
            .map(|id| (id, Seen::NONE, Vec::new()))
            .collect();
        for at in blob_ats {
            if let Some(o) = out.get_mut(at.blob as usize) {
                o.1.merge(&at.seen);
                o.2.push((at.seen.first, at.path));
            }
        }
        let blobs = out
            .into_iter()
            .map(|(id, seen, mut at)| {
                at.sort_by_key(|&(first, path)| (first.is_none(), first, path));
                (id, seen, at.into_iter().map(|(_, path)| path).collect())
            })
            .collect();
        Walked { paths, blobs }
    }
}

/// Whether the index says the checked-out file at `path` (`file` on disk) holds blob
/// `id`: its entry has that blob and the file's stat data matches the entry's, and not
/// racily (modified in the second the index was written).
fn unchanged_since_index(index: &gix::index::File, path: &str, id: ObjectId, file: &Path) -> bool {
    let Some(entry) = index.entry_by_path(path.into()) else {
        return false;
    };
    if entry.id != id {
        return false;
    }
    let Ok(meta) = gix::index::fs::Metadata::from_path_no_follow(file) else {
        return false;
    };
    let Ok(stat) = gix::index::entry::Stat::from_fs(&meta) else {
        return false;
    };
    let opts = gix::index::entry::stat::Options::default();
    entry.stat.matches(&stat, opts) && !entry.stat.is_racy(index.timestamp(), opts)
}

/// Whether the regular file at `path` holds exactly blob `id`.
fn worktree_matches(path: &Path, id: ObjectId, max: u64) -> bool {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return false;
    };
    if !meta.is_file() || meta.len() > max {
        return false;
    }
    let Ok(bytes) = std::fs::read(path) else {
        return false;
    };
    gix::objs::compute_hash(id.kind(), gix::objs::Kind::Blob, &bytes).is_ok_and(|h| h == id)
}
