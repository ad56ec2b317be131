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
}

/// A status change, for `findings show`.
#[derive(Debug, Clone, Serialize)]
pub struct StatusChange {
    pub at: String,
    pub status: String,
    pub note: Option<String>,
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
        for f in findings {
            tx.execute(
                "INSERT INTO secrets (fingerprint, rule_id, kind, severity, secret_redacted, status,
                                      first_seen, last_seen, first_scan, last_scan)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'open', ?6, ?6, ?7, ?7)
                 ON CONFLICT(fingerprint) DO UPDATE SET
                     last_seen = excluded.last_seen, last_scan = excluded.last_scan,
                     severity = excluded.severity",
                params![
                    f.fingerprint,
                    f.rule_id,
                    f.kind,
                    f.severity.as_str(),
                    f.secret_redacted,
                    at,
                    scan_id
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
            tx.execute(
                "INSERT INTO occurrences (secret_id, path, line, col, git, first_seen, last_seen, first_scan, last_scan)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7, ?7)
                 ON CONFLICT(secret_id, path, line, col) DO UPDATE SET
                     last_seen = excluded.last_seen, last_scan = excluded.last_scan,
                     git = COALESCE(excluded.git, occurrences.git)",
                params![secret_id, f.path, f.line as i64, f.column as i64, git, at, scan_id],
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
        let row = self
            .conn
            .query_row(
                &format!("{SECRET_SELECT} WHERE s.id = ?1"),
                params![id],
                secret_row,
            )
            .optional()
            .map_err(|e| self.wrap(e))?
            .ok_or(StoreError::NoSuchSecret(id))?;
        let mut stmt = self
            .conn
            .prepare(
                "SELECT path, line, col, first_seen, last_seen, git FROM occurrences
                 WHERE secret_id = ?1 ORDER BY path, line, col",
            )
            .map_err(|e| self.wrap(e))?;
        let occ = stmt
            .query_map(params![id], |r| {
                let git: Option<String> = r.get(5)?;
                Ok(Occurrence {
                    path: r.get(0)?,
                    line: r.get(1)?,
                    column: r.get(2)?,
                    first_seen: r.get(3)?,
                    last_seen: r.get(4)?,
                    git: git.and_then(|g| serde_json::from_str(&g).ok()),
                })
            })
            .map_err(|e| self.wrap(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.wrap(e))?;
        let mut stmt = self
            .conn
            .prepare("SELECT at, status, note FROM status_history WHERE secret_id = ?1 ORDER BY id")
            .map_err(|e| self.wrap(e))?;
        let history = stmt
            .query_map(params![id], |r| {
                Ok(StatusChange {
                    at: r.get(0)?,
                    status: r.get(1)?,
                    note: r.get(2)?,
                })
            })
            .map_err(|e| self.wrap(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.wrap(e))?;
        Ok((row, occ, history))
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
