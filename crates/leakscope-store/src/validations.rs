//! The live-validation cache: the last definitive result per checked credential and
//! provider, so a rescan within the maximum age asks nobody.

use crate::{Store, StoreError};
use rusqlite::{params, OptionalExtension};

/// A stored result: `result` is the redacted `validation` JSON object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedValidation {
    pub status: String,
    pub checked_at: String,
    pub result: String,
}

impl Store {
    /// The stored result for `fingerprint` (a secret's, or a pair's) and `provider`.
    pub fn cached_validation(
        &self,
        fingerprint: &str,
        provider: &str,
    ) -> Result<Option<CachedValidation>, StoreError> {
        self.conn
            .query_row(
                "SELECT status, checked_at, result FROM validations
                 WHERE fingerprint = ?1 AND provider = ?2",
                params![fingerprint, provider],
                |r| {
                    Ok(CachedValidation {
                        status: r.get(0)?,
                        checked_at: r.get(1)?,
                        result: r.get(2)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.wrap(e))
    }

    /// Stores (or replaces) the result for `fingerprint` and `provider`.
    pub fn cache_validation(
        &mut self,
        fingerprint: &str,
        provider: &str,
        entry: &CachedValidation,
    ) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT INTO validations (fingerprint, provider, status, checked_at, result)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(fingerprint, provider) DO UPDATE SET
                     status = excluded.status, checked_at = excluded.checked_at,
                     result = excluded.result",
                params![
                    fingerprint,
                    provider,
                    entry.status,
                    entry.checked_at,
                    entry.result
                ],
            )
            .map_err(|e| self.wrap(e))?;
        Ok(())
    }
}
