use leakscope_core::SkipReason;
use leakscope_sources::{walk, WalkEvent, WalkOptions};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

fn collect(inputs: &[PathBuf], opts: &WalkOptions) -> (Vec<String>, Vec<(String, SkipReason)>) {
    let files = Mutex::new(Vec::new());
    let skips = Mutex::new(Vec::new());
    walk(inputs, opts, || {
        |ev| match ev {
            WalkEvent::File(f) => files.lock().unwrap().push(f.display),
            WalkEvent::Skipped(s) => skips.lock().unwrap().push((s.path, s.reason)),
        }
    })
    .unwrap();
    let mut f = files.into_inner().unwrap();
    f.sort();
    (f, skips.into_inner().unwrap())
}

#[test]
fn walks_files_skips_git_dir_and_reports_symlinks() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("a/b")).unwrap();
    std::fs::create_dir_all(root.join(".git/objects")).unwrap();
    std::fs::write(root.join("a/b/c.txt"), "x").unwrap();
    std::fs::write(root.join(".env"), "y").unwrap();
    std::fs::write(root.join(".git/objects/zz"), "z").unwrap();
    std::os::unix::fs::symlink(root.join("a"), root.join("a/b/loop")).unwrap();
    let (files, skips) = collect(&[root.to_path_buf()], &WalkOptions::default());
    let rel: Vec<String> = files
        .iter()
        .map(|f| {
            f.strip_prefix(&root.display().to_string())
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(rel, vec!["/.env", "/a/b/c.txt"]);
    assert!(skips
        .iter()
        .any(|(p, r)| p.ends_with("loop") && *r == SkipReason::Symlink));
}

#[test]
fn following_symlinks_detects_loops_instead_of_hanging() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("a/b")).unwrap();
    std::fs::write(root.join("a/b/c.txt"), "x").unwrap();
    std::os::unix::fs::symlink(root.join("a"), root.join("a/b/loop")).unwrap();
    let opts = WalkOptions {
        follow_symlinks: true,
        ..WalkOptions::default()
    };
    let (files, skips) = collect(&[root.to_path_buf()], &opts);
    assert_eq!(files.len(), 1);
    assert!(
        skips.iter().any(|(_, r)| *r == SkipReason::SymlinkLoop),
        "{skips:?}"
    );
}

#[test]
fn fifos_are_skipped_not_opened() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    let (files, skips) = collect(&[dir.path().to_path_buf()], &WalkOptions::default());
    assert!(files.is_empty());
    assert!(skips
        .iter()
        .any(|(p, r)| p.ends_with("pipe") && *r == SkipReason::SpecialFile));
}

#[test]
fn excludes_and_missing_inputs() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.min.js"), "x").unwrap();
    std::fs::write(dir.path().join("app.js"), "x").unwrap();
    let opts = WalkOptions {
        excludes: vec!["*.min.js".into()],
        ..WalkOptions::default()
    };
    let (files, _) = collect(&[dir.path().to_path_buf()], &opts);
    assert_eq!(files.len(), 1);
    assert!(files[0].ends_with("app.js"));
    let missing = walk(&[dir.path().join("nope")], &WalkOptions::default(), || {
        |_| {}
    });
    assert!(missing.is_err());
}

#[test]
fn exclude_patterns_are_relative_to_each_input() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("checkout");
    for rel in [
        "vendor/lib/a.txt",
        "docs/guide.md",
        "docs/deep/notes.md",
        "src/docs/api.md",
        "src/main.rs",
        "src/keep.min.js",
        "web/app.min.js",
    ] {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, "x").unwrap();
    }
    let scan = |patterns: &[&str]| {
        let opts = WalkOptions {
            excludes: patterns.iter().map(|s| s.to_string()).collect(),
            ..WalkOptions::default()
        };
        let (files, _) = collect(std::slice::from_ref(&root), &opts);
        let mut rel: Vec<String> = files
            .iter()
            .map(|f| {
                Path::new(f)
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        rel.sort();
        rel
    };
    // Anchored: only below the input, not a same-named directory deeper down.
    assert_eq!(
        scan(&["docs/*.md", "/vendor"]),
        [
            "docs/deep/notes.md",
            "src/docs/api.md",
            "src/keep.min.js",
            "src/main.rs",
            "web/app.min.js"
        ]
    );
    // Unanchored names match at any depth; `!` re-includes.
    assert_eq!(
        scan(&["*.min.js", "!keep.min.js", "docs/", "vendor/**"]),
        ["src/keep.min.js", "src/main.rs"]
    );
    assert!(matches!(
        walk(
            std::slice::from_ref(&root),
            &WalkOptions {
                excludes: vec!["{a".into()],
                ..WalkOptions::default()
            },
            || |_| {}
        ),
        Err(leakscope_sources::SourceError::BadGlob { .. })
    ));
}

#[test]
fn oversized_files_are_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("big.bin");
    let f = std::fs::File::create(&p).unwrap();
    f.set_len(2 * 1024 * 1024 * 1024).unwrap(); // sparse 2 GiB
    let entries = Mutex::new(Vec::new());
    walk(std::slice::from_ref(&p), &WalkOptions::default(), || {
        |ev| {
            if let WalkEvent::File(f) = ev {
                entries.lock().unwrap().push(f)
            }
        }
    })
    .unwrap();
    let entries = entries.into_inner().unwrap();
    let mut buf = Vec::new();
    let err = entries[0].read_into(&mut buf, 1024 * 1024).unwrap_err();
    assert!(matches!(err, SkipReason::TooLarge { .. }));
    assert!(buf.is_empty());
}
