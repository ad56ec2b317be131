//! Where earlier results are kept between runs (the datastore, in the CLI), so a rescan
//! does not ask the provider again within `--validate-max-age`.

use leakscope_core::Validation;
use std::collections::HashMap;

pub type CacheError = Box<dyn std::error::Error + Send + Sync>;

/// A result stored earlier.
#[derive(Debug, Clone)]
pub struct Cached {
    pub checked_at: jiff::Timestamp,
    pub validation: Validation,
}

/// Results keyed by the unit's key (a secret's fingerprint, or a pair's) and provider.
/// Only `live` and `rejected` are stored: `unknown` and `error` are worth asking again.
pub trait Cache {
    fn get(&mut self, key: &str, provider: &str) -> Result<Option<Cached>, CacheError>;
    fn put(&mut self, key: &str, provider: &str, entry: &Cached) -> Result<(), CacheError>;
}

/// An in-memory cache, for library users and tests.
#[derive(Debug, Default)]
pub struct MemoryCache {
    entries: HashMap<(String, String), Cached>,
}

impl MemoryCache {
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl Cache for MemoryCache {
    fn get(&mut self, key: &str, provider: &str) -> Result<Option<Cached>, CacheError> {
        Ok(self
            .entries
            .get(&(key.to_string(), provider.to_string()))
            .cloned())
    }

    fn put(&mut self, key: &str, provider: &str, entry: &Cached) -> Result<(), CacheError> {
        self.entries
            .insert((key.to_string(), provider.to_string()), entry.clone());
        Ok(())
    }
}
