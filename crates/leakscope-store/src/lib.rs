//! The findings datastore: every scan, every distinct secret (one row per fingerprint, with
//! first/last seen and a triage status that survives rescans) and every place it occurs, in
//! one SQLite file.
//!
//! The store is as sensitive as what it points at, so it holds fingerprints and redacted
//! forms only (never a full secret) and is created readable by its owner only (0600).

mod schema;
mod validations;

use leakscope_core::Finding;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub use schema::SCHEMA_VERSION;
pub use validations::CachedValidation;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("datastore {path}: {source}")]
    Sqlite {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("datastore {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("datastore {path} has schema version {found}, newer than this leakscope ({supported}); upgrade leakscope")]
    TooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error("no secret with id {0}")]
    NoSuchSecret(i64),
    #[error("unknown status `{0}` (expected one of: open, false_positive, accepted_risk, revoked, fixed)")]
    BadStatus(String),
}

/// Triage states.
pub const STATUSES: &[&str] = &[
    "open",
    "false_positive",
    "accepted_risk",
    "revoked",
    "fixed",
];

/// What a scan was, for the `scans` table.
#[derive(Debug, Clone, Default)]
pub struct ScanRecord {
    pub started: String,
    pub finished: String,
    pub tool_version: String,
    pub rules: usize,
    pub inputs: Vec<String>,
    pub files: u64,
    pub bytes: u64,
}

/// One distinct secret, as `findings list` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct SecretRow {
    pub id: i64,
    pub fingerprint: String,
    pub rule_id: String,
    pub kind: String,
    pub severity: String,
    pub secret_redacted: String,
    pub status: String,
    pub note: Option<String>,
    pub occurrences: i64,
    pub scans: i64,
    pub first_seen: String,
    pub last_seen: String,
}

/// Where a secret was seen.
#[derive(Debug, Clone, Serialize)]
pub struct Occurrence {
    pub path: String,
    pub line: i64,
    pub column: i64,
    pub first_seen: String,
    pub last_seen: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub git: Option<serde_json::Value>,
    /// Decodings that revealed it (`percent`, `base64`, …); empty when found as written.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub decoders: Vec<String>,
}

/// A status change, for `findings show`.
#[derive(Debug, Clone, Serialize)]
pub struct StatusChange {
    pub at: String,
    pub status: String,
    pub note: Option<String>,
}

/// A recorded scan.
#[derive(Debug, Clone, Serialize)]
pub struct ScanRow {
    pub id: i64,
    pub started: String,
    pub finished: String,
    pub tool_version: String,
    pub rules: i64,
    pub inputs: Vec<String>,
    pub files: i64,
    pub bytes: i64,
    pub findings: i64,
}

/// Everything the store knows about one secret, for reports.
#[derive(Debug, Clone, Serialize)]
pub struct SecretDetail {
    #[serde(flatten)]
    pub row: SecretRow,
    /// `None` for secrets last recorded by schema 1 (before names were kept).
    pub rule_name: Option<String>,
    /// The latest analysis (the SAS object of DESIGN.md §4, a model verdict, …).
    pub analysis: Option<serde_json::Value>,
    /// The latest live check (`scan --validate`), and the scan time it was made at.
    pub validation: Option<serde_json::Value>,
    pub validated_at: Option<String>,
    /// Whether git's HEAD held it at the last scan that saw it in a repository; `None`
    /// when none did.
    pub present_at_head: Option<bool>,
    /// When removed from HEAD: the newest commit date still holding it.
    pub removed_at: Option<String>,
    /// A later scan of exactly the same inputs no longer found it.
    pub absent_from_later_scan: bool,
    pub locations: Vec<Occurrence>,
    pub status_history: Vec<StatusChange>,
}

/// The whole store, for reports: every scan and every secret with its details.
#[derive(Debug, Clone, Serialize)]
pub struct Export {
    pub scans: Vec<ScanRow>,
    pub secrets: Vec<SecretDetail>,
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (creating it 0600 if missing) and migrates the store at `path`.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let io = |source| StoreError::Io {
            path: path.to_path_buf(),
            source,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        if !path.exists() {
            create_private(path).map_err(io)?;
        }
        let conn = Connection::open(path).map_err(|source| StoreError::Sqlite {
            path: path.to_path_buf(),
            source,
        })?;
        let store = Store {
            conn,
            path: path.to_path_buf(),
        };
        schema::migrate(&store.conn).map_err(|e| store.wrap(e))?;
        let version = schema::version(&store.conn).map_err(|e| store.wrap(e))?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                path: path.to_path_buf(),
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        Ok(store)
    }

    fn wrap(&self, source: rusqlite::Error) -> StoreError {
        StoreError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    /// Records a scan and its findings: new secrets are added `open`, known ones get a new
    /// `last_seen`; their status is left alone. Returns the scan id.
    pub fn record_scan(
        &mut self,
        scan: &ScanRecord,
        findings: &[Finding],
    ) -> Result<i64, StoreError> {
        let path = self.path.clone();
        let wrap = |source| StoreError::Sqlite {
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(wrap)?;
        tx.execute(
            "INSERT INTO scans (started, finished, tool_version, rules, inputs, files, bytes, findings)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                scan.started,
                scan.finished,
                scan.tool_version,
                scan.rules as i64,
                serde_json::to_string(&scan.inputs).unwrap_or_default(),
                scan.files as i64,
                scan.bytes as i64,
                findings.len() as i64
            ],
        )
        .map_err(wrap)?;
        let scan_id = tx.last_insert_rowid();
        let at = &scan.finished;
        let head = head_facts(findings);
        for f in findings {
            let analysis = f
                .analysis
                .as_ref()
                .and_then(|a| serde_json::to_string(a).ok());
            let validation = f
                .validation
                .as_ref()
                .and_then(|v| serde_json::to_string(v).ok());
            let validated_at = validation.as_ref().map(|_| at);
            let (present, removed_at) = match head.get(f.fingerprint.as_str()) {
                Some(h) => (Some(h.present), h.last_seen.filter(|_| !h.present)),
                None => (None, None),
            };
            tx.execute(
                "INSERT INTO secrets (fingerprint, rule_id, kind, severity, secret_redacted, status,
                                      first_seen, last_seen, first_scan, last_scan, rule_name,
                                      analysis, validation, validated_at, present_at_head, removed_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'open', ?6, ?6, ?7, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
                 ON CONFLICT(fingerprint) DO UPDATE SET
                     last_seen = excluded.last_seen, last_scan = excluded.last_scan,
                     severity = excluded.severity,
                     rule_name = COALESCE(excluded.rule_name, secrets.rule_name),
                     analysis = COALESCE(excluded.analysis, secrets.analysis),
                     validation = COALESCE(excluded.validation, secrets.validation),
                     validated_at = CASE WHEN excluded.validation IS NULL
                         THEN secrets.validated_at ELSE excluded.validated_at END,
                     present_at_head = COALESCE(excluded.present_at_head, secrets.present_at_head),
                     removed_at = CASE WHEN excluded.present_at_head IS NULL
                         THEN secrets.removed_at ELSE excluded.removed_at END",
                params![
                    f.fingerprint,
                    f.rule_id,
                    f.kind,
                    f.severity.as_str(),
                    f.secret_redacted,
                    at,
                    scan_id,
                    f.rule_name,
                    analysis,
                    validation,
                    validated_at,
                    present,
                    removed_at,
                ],
            )
            .map_err(wrap)?;
            let secret_id: i64 = tx
                .query_row(
                    "SELECT id FROM secrets WHERE fingerprint = ?1",
                    params![f.fingerprint],
                    |r| r.get(0),
                )
                .map_err(wrap)?;
            let git = f.git.as_ref().and_then(|g| serde_json::to_string(g).ok());
            let decoders = serde_json::to_string(&f.decoders).ok();
            tx.execute(
                "INSERT INTO occurrences (secret_id, path, line, col, git, first_seen, last_seen,
                                          first_scan, last_scan, decoders)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7, ?7, ?8)
                 ON CONFLICT(secret_id, path, line, col) DO UPDATE SET
                     last_seen = excluded.last_seen, last_scan = excluded.last_scan,
                     git = COALESCE(excluded.git, occurrences.git),
                     decoders = excluded.decoders",
                params![
                    secret_id,
                    f.path,
                    f.line as i64,
                    f.column as i64,
                    git,
                    at,
                    scan_id,
                    decoders
                ],
            )
            .map_err(wrap)?;
            tx.execute(
                "INSERT OR IGNORE INTO secret_scans (secret_id, scan_id) VALUES (?1, ?2)",
                params![secret_id, scan_id],
            )
            .map_err(wrap)?;
        }
        tx.commit().map_err(wrap)?;
        Ok(scan_id)
    }

    /// Every secret, most severe and most recent first.
    pub fn list(&self) -> Result<Vec<SecretRow>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(&format!(
                "{SECRET_SELECT} ORDER BY {SEVERITY_ORDER}, s.last_seen DESC, s.id"
            ))
            .map_err(|e| self.wrap(e))?;
        let rows = stmt
            .query_map([], secret_row)
            .map_err(|e| self.wrap(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.wrap(e))?;
        Ok(rows)
    }

    /// One secret with its occurrences and status history.
    pub fn show(
        &self,
        id: i64,
    ) -> Result<(SecretRow, Vec<Occurrence>, Vec<StatusChange>), StoreError> {
        let d = self.detail(id)?;
        Ok((d.row, d.locations, d.status_history))
    }

    /// One secret with everything known about it.
    pub fn detail(&self, id: i64) -> Result<SecretDetail, StoreError> {
        let mut d = self
            .conn
            .query_row(
                &format!("{DETAIL_SELECT} WHERE s.id = ?1"),
                params![id],
                secret_detail,
            )
            .optional()
            .map_err(|e| self.wrap(e))?
            .ok_or(StoreError::NoSuchSecret(id))?;
        d.locations = self
            .occurrences(Some(id))?
            .into_iter()
            .map(|(_, o)| o)
            .collect();
        d.status_history = self
            .history(Some(id))?
            .into_iter()
            .map(|(_, h)| h)
            .collect();
        Ok(d)
    }

    /// Every scan and every secret with its details (most severe and most recent first),
    /// in three queries however many secrets there are.
    pub fn export(&self) -> Result<Export, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, started, finished, tool_version, rules, inputs, files, bytes, findings
                 FROM scans ORDER BY id",
            )
            .map_err(|e| self.wrap(e))?;
        let scans = stmt
            .query_map([], |r| {
                let inputs: String = r.get(5)?;
                Ok(ScanRow {
                    id: r.get(0)?,
                    started: r.get(1)?,
                    finished: r.get(2)?,
                    tool_version: r.get(3)?,
                    rules: r.get(4)?,
                    inputs: serde_json::from_str(&inputs).unwrap_or_default(),
                    files: r.get(6)?,
                    bytes: r.get(7)?,
                    findings: r.get(8)?,
                })
            })
            .map_err(|e| self.wrap(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.wrap(e))?;
        let mut stmt = self
            .conn
            .prepare(&format!(
                "{DETAIL_SELECT} ORDER BY {SEVERITY_ORDER}, s.last_seen DESC, s.id"
            ))
            .map_err(|e| self.wrap(e))?;
        let mut secrets = stmt
            .query_map([], secret_detail)
            .map_err(|e| self.wrap(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.wrap(e))?;
        let mut occ: HashMap<i64, Vec<Occurrence>> = HashMap::new();
        for (id, o) in self.occurrences(None)? {
            occ.entry(id).or_default().push(o);
        }
        let mut hist: HashMap<i64, Vec<StatusChange>> = HashMap::new();
        for (id, h) in self.history(None)? {
            hist.entry(id).or_default().push(h);
        }
        for d in &mut secrets {
            d.locations = occ.remove(&d.row.id).unwrap_or_default();
            d.status_history = hist.remove(&d.row.id).unwrap_or_default();
        }
        Ok(Export { scans, secrets })
    }

    /// Occurrences of one secret, or of all, with their secret's id.
    fn occurrences(&self, id: Option<i64>) -> Result<Vec<(i64, Occurrence)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT secret_id, path, line, col, first_seen, last_seen, git, decoders
                 FROM occurrences WHERE ?1 IS NULL OR secret_id = ?1
                 ORDER BY secret_id, path, line, col",
            )
            .map_err(|e| self.wrap(e))?;
        let rows = stmt
            .query_map(params![id], |r| {
                let git: Option<String> = r.get(6)?;
                let decoders: Option<String> = r.get(7)?;
                Ok((
                    r.get(0)?,
                    Occurrence {
                        path: r.get(1)?,
                        line: r.get(2)?,
                        column: r.get(3)?,
                        first_seen: r.get(4)?,
                        last_seen: r.get(5)?,
                        git: git.and_then(|g| serde_json::from_str(&g).ok()),
                        decoders: decoders
                            .and_then(|d| serde_json::from_str(&d).ok())
                            .unwrap_or_default(),
                    },
                ))
            })
            .map_err(|e| self.wrap(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.wrap(e))?;
        Ok(rows)
    }

    /// Status changes of one secret, or of all, oldest first.
    fn history(&self, id: Option<i64>) -> Result<Vec<(i64, StatusChange)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT secret_id, at, status, note FROM status_history
                 WHERE ?1 IS NULL OR secret_id = ?1 ORDER BY id",
            )
            .map_err(|e| self.wrap(e))?;
        let rows = stmt
            .query_map(params![id], |r| {
                Ok((
                    r.get(0)?,
                    StatusChange {
                        at: r.get(1)?,
                        status: r.get(2)?,
                        note: r.get(3)?,
                    },
                ))
            })
            .map_err(|e| self.wrap(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.wrap(e))?;
        Ok(rows)
    }

    /// Sets a secret's triage status (kept across rescans) and logs the change.
    pub fn set_status(
        &mut self,
        id: i64,
        status: &str,
        note: Option<&str>,
        at: &str,
    ) -> Result<(), StoreError> {
        if !STATUSES.contains(&status) {
            return Err(StoreError::BadStatus(status.to_string()));
        }
        let changed = self
            .conn
            .execute(
                "UPDATE secrets SET status = ?1, note = COALESCE(?2, note) WHERE id = ?3",
                params![status, note, id],
            )
            .map_err(|e| self.wrap(e))?;
        if changed == 0 {
            return Err(StoreError::NoSuchSecret(id));
        }
        self.conn
            .execute(
                "INSERT INTO status_history (secret_id, at, status, note) VALUES (?1, ?2, ?3, ?4)",
                params![id, at, status, note],
            )
            .map_err(|e| self.wrap(e))?;
        Ok(())
    }

    /// Number of recorded scans.
    pub fn scan_count(&self) -> Result<i64, StoreError> {
        self.conn
            .query_row("SELECT COUNT(*) FROM scans", [], |r| r.get(0))
            .map_err(|e| self.wrap(e))
    }
}

const SECRET_SELECT: &str =
    "SELECT s.id, s.fingerprint, s.rule_id, s.kind, s.severity, s.secret_redacted,
        s.status, s.note,
        (SELECT COUNT(*) FROM occurrences o WHERE o.secret_id = s.id),
        (SELECT COUNT(*) FROM secret_scans x WHERE x.secret_id = s.id),
        s.first_seen, s.last_seen
     FROM secrets s";

/// [`SECRET_SELECT`] plus the schema 2 columns, and whether a later scan of the same
/// inputs missed the secret.
const DETAIL_SELECT: &str =
    "SELECT s.id, s.fingerprint, s.rule_id, s.kind, s.severity, s.secret_redacted,
        s.status, s.note,
        (SELECT COUNT(*) FROM occurrences o WHERE o.secret_id = s.id),
        (SELECT COUNT(*) FROM secret_scans x WHERE x.secret_id = s.id),
        s.first_seen, s.last_seen,
        s.rule_name, s.analysis, s.validation, s.validated_at, s.present_at_head, s.removed_at,
        EXISTS (SELECT 1 FROM scans l JOIN scans later
                ON later.inputs = l.inputs AND later.id > l.id
                WHERE l.id = s.last_scan)
     FROM secrets s";

const SEVERITY_ORDER: &str = "CASE s.severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1
     WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END";

fn secret_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SecretRow> {
    Ok(SecretRow {
        id: r.get(0)?,
        fingerprint: r.get(1)?,
        rule_id: r.get(2)?,
        kind: r.get(3)?,
        severity: r.get(4)?,
        secret_redacted: r.get(5)?,
        status: r.get(6)?,
        note: r.get(7)?,
        occurrences: r.get(8)?,
        scans: r.get(9)?,
        first_seen: r.get(10)?,
        last_seen: r.get(11)?,
    })
}

fn secret_detail(r: &rusqlite::Row<'_>) -> rusqlite::Result<SecretDetail> {
    let json = |i: usize| -> rusqlite::Result<Option<serde_json::Value>> {
        let text: Option<String> = r.get(i)?;
        // A column we cannot parse is shown as missing rather than failing the report.
        Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
    };
    Ok(SecretDetail {
        row: secret_row(r)?,
        rule_name: r.get(12)?,
        analysis: json(13)?,
        validation: json(14)?,
        validated_at: r.get(15)?,
        present_at_head: r.get(16)?,
        removed_at: r.get(17)?,
        absent_from_later_scan: r.get(18)?,
        locations: Vec::new(),
        status_history: Vec::new(),
    })
}

/// Per fingerprint, over one scan's findings from git: whether HEAD holds it anywhere,
/// and when it left HEAD (the removing commit's date, else the newest commit holding it).
struct HeadFact<'a> {
    present: bool,
    last_seen: Option<&'a str>,
}

fn head_facts(findings: &[Finding]) -> HashMap<&str, HeadFact<'_>> {
    let mut out: HashMap<&str, HeadFact<'_>> = HashMap::new();
    for f in findings {
        let Some(g) = &f.git else { continue };
        let h = out.entry(f.fingerprint.as_str()).or_insert(HeadFact {
            present: false,
            last_seen: None,
        });
        h.present |= g.present_at_head;
        // The commit that removed it from HEAD when history knows it, else the newest
        // commit still holding it. RFC 3339 UTC strings of one format order as text.
        let seen = g
            .removed_at
            .as_ref()
            .map(|r| r.date.as_str())
            .or(g.last_seen.as_deref());
        if let Some(seen) = seen {
            if h.last_seen.is_none_or(|l| l < seen) {
                h.last_seen = Some(seen);
            }
        }
    }
    out
}

/// Creates an empty file only its owner can read and write.
fn create_private(path: &Path) -> std::io::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path).map(|_| ())
}

/// Where the store lives when `--datastore` is given without a path:
/// `$XDG_DATA_HOME/leakscope/leakscope.db`, else `~/.local/share/leakscope/leakscope.db`.
pub fn default_path() -> PathBuf {
    let base = std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("leakscope").join("leakscope.db")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file written by schema 1 (as leakscope 0.1.0 left it) upgrades in place: its rows
    /// survive with the new columns empty, and the next scan fills them.
    #[test]
    fn schema_1_file_upgrades_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("old.db");
        {
            let conn = Connection::open(&db).unwrap();
            schema::migrate_to(&conn, 1).unwrap();
            conn.execute_batch(
                "INSERT INTO scans VALUES (1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:01Z',
                     '0.1.0', 331, '[\"repo\"]', 3, 300, 1);
                 INSERT INTO secrets (id, fingerprint, rule_id, kind, severity, secret_redacted,
                     status, note, first_seen, last_seen, first_scan, last_scan)
                     VALUES (1, 'fpA', 'aws.access_key_id', 'aws_access_key', 'high', 'AKIA…7Y',
                     'revoked', 'rotated', '2026-01-01T00:00:01Z', '2026-01-01T00:00:01Z', 1, 1);
                 INSERT INTO occurrences VALUES (1, 1, 'repo/a.env', 1, 5, NULL,
                     '2026-01-01T00:00:01Z', '2026-01-01T00:00:01Z', 1, 1);
                 INSERT INTO secret_scans VALUES (1, 1);
                 INSERT INTO status_history VALUES (1, 1, '2026-01-02T00:00:00Z', 'revoked', 'rotated');",
            )
            .unwrap();
            assert_eq!(schema::version(&conn).unwrap(), 1);
        }
        let mut s = Store::open(&db).unwrap();
        assert_eq!(schema::version(&s.conn).unwrap(), SCHEMA_VERSION);
        let e = s.export().unwrap();
        assert_eq!(e.scans.len(), 1);
        assert_eq!(e.scans[0].inputs, ["repo"]);
        let d = &e.secrets[0];
        assert_eq!(d.row.status, "revoked");
        assert_eq!(d.rule_name, None);
        assert_eq!(d.analysis, None);
        assert_eq!(d.present_at_head, None);
        assert_eq!(d.locations.len(), 1);
        assert!(d.locations[0].decoders.is_empty());
        assert_eq!(d.status_history.len(), 1);

        // A new scan of the same inputs fills the new columns and keeps the triage.
        let f = Finding {
            rule_id: "aws.access_key_id".into(),
            rule_name: "AWS access key id".into(),
            kind: "aws_access_key".into(),
            severity: leakscope_core::Severity::High,
            confidence: leakscope_core::Confidence::High,
            path: "repo/a.env".into(),
            line: 1,
            column: 5,
            end_line: 1,
            end_column: 25,
            offset: 4,
            secret_redacted: "AKIA…7Y".into(),
            secret: None,
            fingerprint: "fpA".into(),
            decoders: vec!["base64".into()],
            git: None,
            analysis: Some(serde_json::json!({"type": "x", "risk": "high"})),
            validation: None,
            paired: vec![],
            captures: Default::default(),
        };
        let rec = ScanRecord {
            started: "2026-02-01T00:00:00Z".into(),
            finished: "2026-02-01T00:00:01Z".into(),
            tool_version: "0.1.0".into(),
            rules: 331,
            inputs: vec!["repo".into()],
            files: 3,
            bytes: 300,
        };
        s.record_scan(&rec, &[f]).unwrap();
        let d = s.detail(1).unwrap();
        assert_eq!(d.row.status, "revoked");
        assert_eq!(d.row.scans, 2);
        assert_eq!(d.rule_name.as_deref(), Some("AWS access key id"));
        assert_eq!(d.analysis.as_ref().unwrap()["risk"], "high");
        assert_eq!(d.locations[0].decoders, ["base64"]);
        assert!(!d.absent_from_later_scan);

        // Reopening a current file runs nothing again.
        drop(s);
        let s = Store::open(&db).unwrap();
        assert_eq!(s.scan_count().unwrap(), 2);
    }
}
