//! Storage account keys: shape, Microsoft's identifiable format, the public emulator key.

use leakscope_rules::validators::azure as v;

/// The published Azurite / storage emulator key for `devstoreaccount1`: public, not a leak.
pub const AZURITE_DEV_KEY: &str =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
pub const AZURITE_DEV_ACCOUNT: &str = "devstoreaccount1";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// The emulator's published key.
    Development,
    /// Marker and checksum verified.
    Identifiable,
    /// 64 bytes of base64; most likely a real key.
    Plain,
}

impl KeyKind {
    pub fn name(self) -> &'static str {
        match self {
            KeyKind::Development => "development",
            KeyKind::Identifiable => "identifiable",
            KeyKind::Plain => "plain",
        }
    }
}

/// Classifies a candidate storage account key, or None if it is not one.
pub fn classify(key: &str) -> Option<KeyKind> {
    let key = key.trim();
    if key == AZURITE_DEV_KEY {
        return Some(KeyKind::Development);
    }
    if v::is_identifiable_storage_key(key.as_bytes()) {
        return Some(KeyKind::Identifiable);
    }
    v::is_storage_account_key(key.as_bytes()).then_some(KeyKind::Plain)
}
