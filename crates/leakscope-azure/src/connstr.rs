//! Connection strings: `Key=Value;…` with Azure Storage, Service Bus / Event Hubs, App
//! Configuration and Cosmos DB fields.

/// A parsed connection string; field names are matched case-insensitively, values kept.
#[derive(Debug, Clone, Default)]
pub struct ConnectionString {
    pub fields: Vec<(String, String)>,
}

/// The flavour, decided by which fields are present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnKind {
    Storage,
    StorageDevelopment,
    ServiceBus,
    AppConfiguration,
    Cosmos,
}

impl ConnKind {
    pub fn name(self) -> &'static str {
        match self {
            ConnKind::Storage => "storage",
            ConnKind::StorageDevelopment => "storage_development",
            ConnKind::ServiceBus => "service_bus",
            ConnKind::AppConfiguration => "app_configuration",
            ConnKind::Cosmos => "cosmos_db",
        }
    }
}

impl ConnectionString {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn kind(&self) -> Option<ConnKind> {
        if self
            .get("UseDevelopmentStorage")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
        {
            return Some(ConnKind::StorageDevelopment);
        }
        if self.get("AccountEndpoint").is_some() && self.get("AccountKey").is_some() {
            return Some(ConnKind::Cosmos);
        }
        if self.get("AccountKey").is_some() || self.get("SharedAccessSignature").is_some() {
            if self.get("AccountName") == Some(crate::keys::AZURITE_DEV_ACCOUNT) {
                return Some(ConnKind::StorageDevelopment);
            }
            return Some(ConnKind::Storage);
        }
        if self.get("SharedAccessKey").is_some() {
            return Some(ConnKind::ServiceBus);
        }
        if self.get("Endpoint").is_some() && self.get("Secret").is_some() {
            return Some(ConnKind::AppConfiguration);
        }
        None
    }

    /// Storage endpoint for a service, explicit or built from protocol, account and suffix.
    pub fn endpoint(&self, service: &str) -> Option<String> {
        let explicit = match service {
            "blob" => self.get("BlobEndpoint"),
            "file" => self.get("FileEndpoint"),
            "queue" => self.get("QueueEndpoint"),
            "table" => self.get("TableEndpoint"),
            _ => None,
        };
        if let Some(e) = explicit {
            return Some(e.to_string());
        }
        let account = self.get("AccountName")?;
        let proto = self.get("DefaultEndpointsProtocol").unwrap_or("https");
        let suffix = self.get("EndpointSuffix").unwrap_or("core.windows.net");
        Some(format!("{proto}://{account}.{service}.{suffix}"))
    }
}

/// Parses `Key=Value;…`. Values may contain `=` (base64 padding), so split at the first one.
pub fn parse(text: &str) -> Option<ConnectionString> {
    let text = crate::query::unescape_text(text);
    if text.len() > crate::sas::MAX_INPUT {
        return None;
    }
    let mut fields = Vec::new();
    for part in text.split(';') {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let (k, v) = part.split_once('=')?;
        let k = k.trim();
        if k.is_empty() || !k.chars().all(|c| c.is_ascii_alphanumeric()) {
            return None;
        }
        fields.push((k.to_string(), v.trim().to_string()));
    }
    let cs = ConnectionString { fields };
    cs.kind().map(|_| cs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_fields() {
        let cs = parse("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=abc==;EndpointSuffix=core.usgovcloudapi.net").unwrap();
        assert_eq!(cs.kind(), Some(ConnKind::Storage));
        assert_eq!(cs.get("accountkey"), Some("abc=="));
        assert_eq!(
            cs.endpoint("queue").as_deref(),
            Some("https://acct.queue.core.usgovcloudapi.net")
        );
        assert_eq!(
            parse("UseDevelopmentStorage=true").and_then(|c| c.kind()),
            Some(ConnKind::StorageDevelopment)
        );
        assert!(parse("hello world").is_none());
    }
}
