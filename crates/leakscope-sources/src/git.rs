//! Git history: every distinct blob reachable from the repository's refs, once, with the
//! commit that introduced it. Reads the object database with `gix` (pure Rust).
//!
//! Cost is O(distinct trees): a commit's tree is traversed only into subtrees not seen
//! before at the same path, so unchanged directories are visited once for all commits.

use leakscope_core::{SkipReason, Skipped};
use std::collections::{HashMap, HashSet};
use std::path::Path;

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
}

/// Where a blob comes from.
#[derive(Debug, Clone)]
pub struct Provenance {
    /// Full hex id of the oldest commit (by commit time) whose tree holds the blob.
    pub commit: String,
    /// `Name <email>` of that commit's author.
    pub author: String,
    /// That commit's author time, seconds since the Unix epoch.
    pub author_time: i64,
    /// First line of that commit's message.
    pub summary: String,
    /// Author time of the newest commit whose tree holds the blob.
    pub last_time: i64,
    /// Path of the blob in the introducing commit.
    pub path: String,
    /// Every path the blob appeared under, in order of first appearance.
    pub paths: Vec<String>,
    /// Hex blob id.
    pub blob: String,
    /// Whether HEAD's tree holds this blob (at any path).
    pub at_head: bool,
}

/// One item of a history scan.
#[derive(Debug)]
pub enum HistoryEvent {
    /// A blob to scan. `display` is `<input>/<path>@<12-hex commit>`.
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

struct CommitRec {
    id: ObjectId,
    tree: ObjectId,
    author: String,
    author_time: i64,
    commit_time: i64,
    summary: String,
}

struct TreeNode {
    /// Newest commit (index in commit order) reaching this tree.
    last: usize,
    entries: Vec<(String, ObjectId, bool)>,
}

struct BlobRec {
    id: ObjectId,
    first: usize,
    last: usize,
    paths: Vec<String>,
}

/// Reads the history of the repository at `root` (input path as given; `display_root` is
/// how it is shown) and calls `on_event` for each distinct blob, oldest first.
pub fn scan_history(
    root: &Path,
    opts: &HistoryOptions,
    on_event: &mut dyn FnMut(HistoryEvent),
) -> Result<HistoryStats, GitError> {
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
    let mut repo = gix::open(root).map_err(|e| fail(e.to_string()))?;
    repo.object_cache_size_if_unset(16 * 1024 * 1024);

    // Tips: every ref (branches, tags, remotes, stash, notes) and HEAD, or one revision.
    let mut tips: Vec<ObjectId> = Vec::new();
    match &opts.branch {
        Some(spec) => tips.push(peel_commit(&repo, spec).map_err(fail)?),
        None => {
            let platform = repo.references().map_err(|e| fail(e.to_string()))?;
            for r in platform.all().map_err(|e| fail(e.to_string()))? {
                let Ok(mut r) = r else { continue };
                let Ok(id) = r.peel_to_id() else { continue };
                if let Some(c) = commit_of(&repo, id.detach()) {
                    tips.push(c);
                }
            }
            if let Ok(id) = repo.head_id() {
                tips.push(id.detach());
            }
        }
    }
    let hidden: HashSet<ObjectId> = match &opts.since_commit {
        Some(spec) => {
            let start = peel_commit(&repo, spec).map_err(fail)?;
            ancestors(&repo, vec![start], &HashSet::new(), |_, _| {}).map_err(fail)?
        }
        None => HashSet::new(),
    };

    let mut commits: Vec<CommitRec> = Vec::new();
    ancestors(&repo, tips, &hidden, |id, c| {
        let author = c.author().ok();
        let commit_time = c.committer().map(|s| s.seconds()).unwrap_or(0);
        commits.push(CommitRec {
            id,
            tree: c.tree(),
            author: author
                .map(|a| {
                    let a = a.trim();
                    format!("{} <{}>", a.name, a.email)
                })
                .unwrap_or_default(),
            author_time: author.map(|a| a.seconds()).unwrap_or(commit_time),
            commit_time,
            summary: c.message().summary().to_string(),
        });
    })
    .map_err(fail)?;
    // Oldest first; ties keep parents (discovered later) before children.
    let n = commits.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| (commits[i].commit_time, n - i));
    let commits: Vec<CommitRec> = {
        let mut slots: Vec<Option<CommitRec>> = commits.into_iter().map(Some).collect();
        order.iter().filter_map(|&i| slots[i].take()).collect()
    };

    // Trees, skipping (tree, path) pairs already traversed.
    let mut trees: HashMap<ObjectId, TreeNode> = HashMap::new();
    let mut traversed: HashSet<(ObjectId, String)> = HashSet::new();
    let mut blobs: Vec<BlobRec> = Vec::new();
    let mut blob_index: HashMap<ObjectId, usize> = HashMap::new();
    for (k, c) in commits.iter().enumerate() {
        let mut stack: Vec<(ObjectId, String)> = vec![(c.tree, String::new())];
        while let Some((tree_id, prefix)) = stack.pop() {
            let node = match trees.entry(tree_id) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    let entries = read_tree(&repo, tree_id).map_err(&fail)?;
                    e.insert(TreeNode { last: k, entries })
                }
            };
            node.last = node.last.max(k);
            if !traversed.insert((tree_id, prefix.clone())) {
                continue;
            }
            for (name, id, is_tree) in &node.entries {
                let path = if prefix.is_empty() {
                    name.clone()
                } else {
                    format!("{prefix}/{name}")
                };
                if *is_tree {
                    stack.push((*id, path));
                    continue;
                }
                match blob_index.get(id) {
                    Some(&b) => {
                        let rec = &mut blobs[b];
                        rec.last = rec.last.max(k);
                        if !rec.paths.contains(&path) {
                            rec.paths.push(path);
                        }
                    }
                    None => {
                        blob_index.insert(*id, blobs.len());
                        blobs.push(BlobRec {
                            id: *id,
                            first: k,
                            last: k,
                            paths: vec![path],
                        });
                    }
                }
            }
        }
    }
    propagate_last(&trees, &mut blobs, &blob_index);

    // HEAD's tree, and which of its files are checked out unchanged.
    let mut at_head: HashSet<ObjectId> = HashSet::new();
    let mut in_worktree: HashMap<ObjectId, String> = HashMap::new();
    if let Ok(head_tree) = repo.head_tree_id() {
        let workdir = repo.workdir().map(Path::to_path_buf);
        let mut stack = vec![(head_tree.detach(), String::new())];
        while let Some((tree_id, prefix)) = stack.pop() {
            let entries = match trees.get(&tree_id) {
                Some(node) => node.entries.clone(),
                None => read_tree(&repo, tree_id).map_err(&fail)?,
            };
            for (name, id, is_tree) in entries {
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
                if let Some(dir) = &workdir {
                    if !in_worktree.contains_key(&id)
                        && worktree_matches(&dir.join(&path), id, opts.max_blob_size)
                    {
                        in_worktree.insert(id, path);
                    }
                }
            }
        }
    }

    let stats = HistoryStats {
        commits: commits.len(),
        trees: trees.len(),
        blobs: blobs.len(),
    };
    drop(trees);
    drop(traversed);
    for rec in &mut blobs {
        if let Some(gi) = &excludes {
            rec.paths.retain(|p| {
                !gi.matched_path_or_any_parents(root.join(p), false)
                    .is_ignore()
            });
            if rec.paths.is_empty() {
                continue;
            }
        }
        let first = &commits[rec.first];
        let provenance = Provenance {
            commit: first.id.to_string(),
            author: first.author.clone(),
            author_time: first.author_time,
            summary: first.summary.clone(),
            last_time: commits[rec.last].author_time,
            path: rec.paths[0].clone(),
            paths: rec.paths.clone(),
            blob: rec.id.to_string(),
            at_head: at_head.contains(&rec.id),
        };
        if let Some(path) = in_worktree.get(&rec.id) {
            on_event(HistoryEvent::InWorktree {
                display: root.join(path).display().to_string(),
                provenance,
            });
            continue;
        }
        let display = format!(
            "{}@{}",
            root.join(&provenance.path).display(),
            first.id.to_hex_with_len(12)
        );
        let size = match repo.find_header(rec.id) {
            Ok(h) => h.size(),
            Err(e) => {
                on_event(HistoryEvent::Skipped(Skipped {
                    path: display,
                    reason: SkipReason::Unreadable {
                        error: e.to_string(),
                    },
                }));
                continue;
            }
        };
        if size > opts.max_blob_size {
            on_event(HistoryEvent::Skipped(Skipped {
                path: display,
                reason: SkipReason::TooLarge {
                    size,
                    limit: opts.max_blob_size,
                },
            }));
            continue;
        }
        match repo.find_object(rec.id) {
            Ok(obj) => on_event(HistoryEvent::Blob {
                display,
                bytes: obj.detach().data,
                provenance,
            }),
            Err(e) => on_event(HistoryEvent::Skipped(Skipped {
                path: display,
                reason: SkipReason::Unreadable {
                    error: e.to_string(),
                },
            })),
        }
    }
    Ok(stats)
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

/// Every commit reachable from `tips` and not in `hidden`, each passed to `visit` once
/// (breadth-first: children before their parents). Commits not in the object database
/// (beyond a shallow clone's boundary) are left out.
fn ancestors(
    repo: &gix::Repository,
    tips: Vec<ObjectId>,
    hidden: &HashSet<ObjectId>,
    mut visit: impl FnMut(ObjectId, &gix::objs::CommitRef<'_>),
) -> Result<HashSet<ObjectId>, String> {
    let mut seen: HashSet<ObjectId> = HashSet::new();
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
    Ok(seen)
}

/// A tree's entries as (name, id, is_tree); submodules (commits) are left out.
fn read_tree(
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

/// A tree skipped in a newer commit still holds its blobs there: push each tree's newest
/// commit down to its subtrees and blobs (parents before children).
fn propagate_last(
    trees: &HashMap<ObjectId, TreeNode>,
    blobs: &mut [BlobRec],
    blob_index: &HashMap<ObjectId, usize>,
) {
    // Post-order DFS over the tree DAG, then reversed: every parent before its children.
    let mut post: Vec<ObjectId> = Vec::with_capacity(trees.len());
    let mut done: HashSet<ObjectId> = HashSet::with_capacity(trees.len());
    for &root in trees.keys() {
        if done.contains(&root) {
            continue;
        }
        let mut stack: Vec<(ObjectId, bool)> = vec![(root, false)];
        while let Some((id, expanded)) = stack.pop() {
            if expanded {
                post.push(id);
                continue;
            }
            if !done.insert(id) {
                continue;
            }
            stack.push((id, true));
            if let Some(node) = trees.get(&id) {
                for (_, child, is_tree) in &node.entries {
                    if *is_tree && !done.contains(child) && trees.contains_key(child) {
                        stack.push((*child, false));
                    }
                }
            }
        }
    }
    let mut last: HashMap<ObjectId, usize> = trees.iter().map(|(id, n)| (*id, n.last)).collect();
    for id in post.iter().rev() {
        let l = last[id];
        for (_, child, is_tree) in &trees[id].entries {
            if *is_tree {
                if let Some(c) = last.get_mut(child) {
                    *c = (*c).max(l);
                }
            } else if let Some(&b) = blob_index.get(child) {
                blobs[b].last = blobs[b].last.max(l);
            }
        }
    }
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
