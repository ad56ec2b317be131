//! Versioned schema: each migration runs once, in order, recorded in `PRAGMA user_version`.

use rusqlite::Connection;

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

const MIGRATIONS: &[&str] = &[
    // 1: scans, secrets (one per fingerprint), occurrences, triage history.
    "CREATE TABLE scans (
         id INTEGER PRIMARY KEY,
         started TEXT NOT NULL,
         finished TEXT NOT NULL,
         tool_version TEXT NOT NULL,
         rules INTEGER NOT NULL,
         inputs TEXT NOT NULL,
         files INTEGER NOT NULL,
         bytes INTEGER NOT NULL,
         findings INTEGER NOT NULL
     );
     CREATE TABLE secrets (
         id INTEGER PRIMARY KEY,
         fingerprint TEXT NOT NULL UNIQUE,
         rule_id TEXT NOT NULL,
         kind TEXT NOT NULL,
         severity TEXT NOT NULL,
         secret_redacted TEXT NOT NULL,
         status TEXT NOT NULL DEFAULT 'open',
         note TEXT,
         first_seen TEXT NOT NULL,
         last_seen TEXT NOT NULL,
         first_scan INTEGER NOT NULL REFERENCES scans(id),
         last_scan INTEGER NOT NULL REFERENCES scans(id)
     );
     CREATE TABLE occurrences (
         id INTEGER PRIMARY KEY,
         secret_id INTEGER NOT NULL REFERENCES secrets(id),
         path TEXT NOT NULL,
         line INTEGER NOT NULL,
         col INTEGER NOT NULL,
         git TEXT,
         first_seen TEXT NOT NULL,
         last_seen TEXT NOT NULL,
         first_scan INTEGER NOT NULL,
         last_scan INTEGER NOT NULL,
         UNIQUE (secret_id, path, line, col)
     );
     CREATE TABLE secret_scans (
         secret_id INTEGER NOT NULL REFERENCES secrets(id),
         scan_id INTEGER NOT NULL REFERENCES scans(id),
         PRIMARY KEY (secret_id, scan_id)
     );
     CREATE TABLE status_history (
         id INTEGER PRIMARY KEY,
         secret_id INTEGER NOT NULL REFERENCES secrets(id),
         at TEXT NOT NULL,
         status TEXT NOT NULL,
         note TEXT
     );",
    // 2: what reports need. Per secret: the rule's name, the latest analysis (e.g. the SAS
    // object of DESIGN.md §4) and live-check result, and whether git's HEAD still holds it
    // (NULL when no scan saw it in a repository). Per occurrence: the decoders that
    // revealed it. All nullable, so rows written by schema 1 stay valid as they are.
    "ALTER TABLE secrets ADD COLUMN rule_name TEXT;
     ALTER TABLE secrets ADD COLUMN analysis TEXT;
     ALTER TABLE secrets ADD COLUMN validation TEXT;
     ALTER TABLE secrets ADD COLUMN validated_at TEXT;
     ALTER TABLE secrets ADD COLUMN present_at_head INTEGER;
     ALTER TABLE secrets ADD COLUMN removed_at TEXT;
     ALTER TABLE occurrences ADD COLUMN decoders TEXT;",
    // 3: live-validation results (`scan --validate`), reused while young enough. Keyed by
    // the checked credential (a secret's fingerprint, or a pair's) and provider; `result`
    // is the redacted `validation` object, never a secret.
    "CREATE TABLE validations (
         fingerprint TEXT NOT NULL,
         provider TEXT NOT NULL,
         status TEXT NOT NULL,
         checked_at TEXT NOT NULL,
         result TEXT NOT NULL,
         PRIMARY KEY (fingerprint, provider)
     );",
];

pub fn version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

/// Applies the migrations the file has not seen yet.
pub fn migrate(conn: &Connection) -> rusqlite::Result<()> {
    migrate_to(conn, SCHEMA_VERSION)
}

/// Applies the migrations up to `target` (tests build old files with it).
pub(crate) fn migrate_to(conn: &Connection, target: i64) -> rusqlite::Result<()> {
    let current = version(conn)?;
    for (i, sql) in MIGRATIONS.iter().enumerate() {
        let v = i as i64 + 1;
        if v > current && v <= target {
            conn.execute_batch(&format!("BEGIN; {sql}; PRAGMA user_version = {v}; COMMIT;"))?;
        }
    }
    Ok(())
}
