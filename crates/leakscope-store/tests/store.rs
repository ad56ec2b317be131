//! The datastore on real SQLite files in temp dirs.

use leakscope_core::{Confidence, Finding, Severity};
use leakscope_store::{ScanRecord, Store, StoreError};

fn finding(fp: &str, path: &str, line: u64) -> Finding {
    Finding {
        rule_id: "aws.access_key_id".into(),
        rule_name: "AWS access key id".into(),
        kind: "aws_access_key".into(),
        severity: Severity::High,
        confidence: Confidence::High,
        path: path.into(),
        line,
        column: 5,
        end_line: line,
        end_column: 25,
        offset: 0,
        secret_redacted: "AKIA…7Y".into(),
        secret: Some("AKIAQ3EGRTW5VNM2KP7Y".into()),
        fingerprint: fp.into(),
        decoders: vec![],
        git: None,
        analysis: None,
        validation: None,
        paired: vec![],
        captures: Default::default(),
    }
}

fn scan(at: &str) -> ScanRecord {
    ScanRecord {
        started: at.into(),
        finished: at.into(),
        tool_version: "0.1.0".into(),
        rules: 331,
        inputs: vec!["repo".into()],
        files: 10,
        bytes: 1000,
    }
}

#[test]
fn one_row_per_secret_across_scans_and_status_survives() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sub/leakscope.db");
    let mut s = Store::open(&db).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&db).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the store is private");
    }
    let a = finding("fpA", "repo/a.env", 1);
    let a2 = finding("fpA", "repo/b.env", 7);
    let b = finding("fpB", "repo/c.env", 3);
    s.record_scan(&scan("2026-11-01T00:00:00Z"), &[a.clone(), a2, b.clone()])
        .unwrap();
    let rows = s.list().unwrap();
    assert_eq!(rows.len(), 2);
    let ra = rows.iter().find(|r| r.fingerprint == "fpA").unwrap();
    assert_eq!(ra.occurrences, 2);
    assert_eq!(ra.status, "open");
    s.set_status(
        ra.id,
        "revoked",
        Some("rotated on 2026-11-02"),
        "2026-11-02T00:00:00Z",
    )
    .unwrap();

    // Rescan: the same secret is the same row, seen again; its status stays.
    drop(s);
    let mut s = Store::open(&db).unwrap();
    s.record_scan(&scan("2026-11-05T00:00:00Z"), &[a, b])
        .unwrap();
    assert_eq!(s.scan_count().unwrap(), 2);
    let rows = s.list().unwrap();
    assert_eq!(rows.len(), 2);
    let ra = rows.iter().find(|r| r.fingerprint == "fpA").unwrap();
    assert_eq!(ra.status, "revoked");
    assert_eq!(ra.scans, 2);
    assert_eq!(ra.first_seen, "2026-11-01T00:00:00Z");
    assert_eq!(ra.last_seen, "2026-11-05T00:00:00Z");
    let (row, occ, history) = s.show(ra.id).unwrap();
    assert_eq!(row.note.as_deref(), Some("rotated on 2026-11-02"));
    assert_eq!(occ.len(), 2);
    assert_eq!(history.len(), 1);

    // The store never holds a full secret.
    let bytes = std::fs::read(&db).unwrap();
    assert!(!bytes.windows(20).any(|w| w == b"AKIAQ3EGRTW5VNM2KP7Y"));

    assert!(matches!(
        s.set_status(ra.id, "done", None, "x"),
        Err(StoreError::BadStatus(_))
    ));
    assert!(matches!(
        s.set_status(999, "open", None, "x"),
        Err(StoreError::NoSuchSecret(999))
    ));
}

#[test]
fn a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db");
    drop(Store::open(&db).unwrap());
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("PRAGMA user_version = 99").unwrap();
    drop(conn);
    assert!(matches!(
        Store::open(&db),
        Err(StoreError::TooNew { found: 99, .. })
    ));
}

#[test]
fn keeps_what_reports_need_analysis_validation_and_head() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db");
    let mut s = Store::open(&db).unwrap();
    let git = |present: bool, last: &str| leakscope_core::GitInfo {
        commit: Some("e212b231e8a6e212b231e8a6e212b231e8a6e212".into()),
        author: Some("Dev <dev@example.com>".into()),
        date: Some("2021-10-06T00:00:00Z".into()),
        first_seen: Some("2021-10-06T00:00:00Z".into()),
        present_at_head: present,
        last_seen: Some(last.into()),
        summary: Some("add models".into()),
        blob: "b".into(),
        paths: vec!["README.md".into()],
        unreachable: false,
        removed_at: None,
    };
    let mut a = finding("fpA", "repo/README.md@e212b231e8a6", 4);
    a.git = Some(git(false, "2022-01-01T00:00:00Z"));
    a.analysis = Some(serde_json::json!({"type": "azure_sas", "risk": "critical"}));
    a.decoders = vec!["percent".into()];
    let mut b = finding("fpB", "repo/c.env", 3);
    b.validation = Some(leakscope_core::Validation {
        status: "live".into(),
        probed: vec!["GET /".into()],
        extra: Default::default(),
    });
    s.record_scan(&scan("2026-11-01T00:00:00Z"), &[a.clone(), b])
        .unwrap();
    // Second scan of the same inputs: A only (B is gone), and no validation this time.
    s.record_scan(&scan("2026-11-05T00:00:00Z"), &[a]).unwrap();
    let e = s.export().unwrap();
    assert_eq!(e.scans.len(), 2);
    let get = |fp: &str| e.secrets.iter().find(|d| d.row.fingerprint == fp).unwrap();
    let da = get("fpA");
    assert_eq!(da.rule_name.as_deref(), Some("AWS access key id"));
    assert_eq!(da.analysis.as_ref().unwrap()["risk"], "critical");
    assert_eq!(da.present_at_head, Some(false));
    assert_eq!(da.removed_at.as_deref(), Some("2022-01-01T00:00:00Z"));
    assert_eq!(da.locations[0].decoders, ["percent"]);
    assert_eq!(
        da.locations[0].git.as_ref().unwrap()["author"],
        "Dev <dev@example.com>"
    );
    assert!(!da.absent_from_later_scan);
    let db_ = get("fpB");
    assert_eq!(db_.validation.as_ref().unwrap()["status"], "live");
    assert_eq!(db_.validated_at.as_deref(), Some("2026-11-01T00:00:00Z"));
    assert_eq!(db_.present_at_head, None);
    assert!(
        db_.absent_from_later_scan,
        "the later scan of `repo` missed it"
    );
}

#[test]
fn validation_cache_round_trips_and_replaces() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db");
    let mut s = Store::open(&db).unwrap();
    assert_eq!(s.cached_validation("fp", "github").unwrap(), None);
    let entry = leakscope_store::CachedValidation {
        status: "live".into(),
        checked_at: "2026-11-30T10:00:00Z".into(),
        result: r#"{"status":"live","probed":[]}"#.into(),
    };
    s.cache_validation("fp", "github", &entry).unwrap();
    let newer = leakscope_store::CachedValidation {
        status: "rejected".into(),
        checked_at: "2026-11-30T11:00:00Z".into(),
        ..entry.clone()
    };
    s.cache_validation("fp", "github", &newer).unwrap();
    drop(s);
    let s = Store::open(&db).unwrap();
    assert_eq!(s.cached_validation("fp", "github").unwrap(), Some(newer));
    assert_eq!(s.cached_validation("fp", "gitlab").unwrap(), None);
}

#[test]
fn a_schema_2_file_gains_the_validation_cache() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("old.db");
    drop(Store::open(&db).unwrap());
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("DROP TABLE validations; PRAGMA user_version = 2")
        .unwrap();
    drop(conn);
    let mut s = Store::open(&db).unwrap();
    let entry = leakscope_store::CachedValidation {
        status: "live".into(),
        checked_at: "2026-11-30T10:00:00Z".into(),
        result: "{}".into(),
    };
    s.cache_validation("fp", "aws", &entry).unwrap();
}
