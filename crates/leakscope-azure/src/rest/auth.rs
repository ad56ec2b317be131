//! How a request proves who it is: a SAS token appended to the query, or Shared Key (an
//! `Authorization` header over Microsoft's documented string-to-sign).

use crate::sas::Service;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use url::Url;

/// Query parameters of a SAS URL that address a resource or operation rather than
/// authorise it: the client sets its own.
const NOT_AUTH: &[&str] = &["restype", "comp"];

#[derive(Clone)]
pub enum Auth {
    /// The token's parameters, decoded, in the order given.
    Sas(Vec<(String, String)>),
    /// Account name and decoded key.
    SharedKey { account: String, key: Vec<u8> },
    /// No credential (public containers).
    Anonymous,
}

// Never print key material, even in debug output.
impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Auth::Sas(p) => write!(f, "Sas({} params)", p.len()),
            Auth::SharedKey { account, .. } => write!(f, "SharedKey({account})"),
            Auth::Anonymous => f.write_str("Anonymous"),
        }
    }
}

impl Auth {
    /// A SAS from decoded parameters; resource parameters such as `restype` are left out.
    pub fn sas(params: &[(String, String)]) -> Auth {
        Auth::Sas(
            params
                .iter()
                .filter(|(k, _)| !NOT_AUTH.iter().any(|n| k.eq_ignore_ascii_case(n)))
                .cloned()
                .collect(),
        )
    }

    /// Shared Key from a base64 account key; `None` when it is not base64.
    pub fn shared_key(account: &str, key_b64: &str) -> Option<Auth> {
        let key = base64::engine::general_purpose::STANDARD
            .decode(key_b64.trim())
            .ok()?;
        (!key.is_empty()).then(|| Auth::SharedKey {
            account: account.to_string(),
            key,
        })
    }

    /// Strings that must never appear in a message: the signature, the key.
    pub fn secrets(&self) -> Vec<String> {
        match self {
            Auth::Sas(p) => p
                .iter()
                .filter(|(k, _)| k.eq_ignore_ascii_case("sig"))
                .map(|(_, v)| v.clone())
                .collect(),
            Auth::SharedKey { key, .. } => {
                vec![base64::engine::general_purpose::STANDARD.encode(key)]
            }
            Auth::Anonymous => Vec::new(),
        }
    }

    /// Query pairs to append to every request (a SAS's), encoded.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        match self {
            Auth::Sas(p) => p.clone(),
            _ => Vec::new(),
        }
    }

    /// The `Authorization` header for a GET/HEAD of `url` carrying `headers`, if this is
    /// Shared Key. `headers` must hold `x-ms-date` (no `Date`).
    pub fn authorization(
        &self,
        service: Service,
        method: &str,
        url: &Url,
        headers: &[(String, String)],
    ) -> Option<String> {
        let Auth::SharedKey { account, key } = self else {
            return None;
        };
        let sts = match service {
            Service::Table => table_string_to_sign(account, method, url, headers),
            _ => string_to_sign(account, method, url, headers),
        };
        let mut mac = Hmac::<Sha256>::new_from_slice(key).ok()?;
        mac.update(sts.as_bytes());
        let sig = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
        Some(format!("SharedKey {account}:{sig}"))
    }
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map_or("", |(_, v)| v.as_str())
}

/// Blob, Queue and File Shared Key (version 2015-02-21 and later): the verb, eleven
/// standard headers (empty for a body-less GET/HEAD, `Date` empty because `x-ms-date` is
/// sent), the canonicalized `x-ms-` headers, then the canonicalized resource.
pub fn string_to_sign(
    account: &str,
    method: &str,
    url: &Url,
    headers: &[(String, String)],
) -> String {
    let mut s = String::new();
    s.push_str(method);
    s.push('\n');
    for name in [
        "content-encoding",
        "content-language",
        "content-length",
        "content-md5",
        "content-type",
        "date",
        "if-modified-since",
        "if-match",
        "if-none-match",
        "if-unmodified-since",
        "range",
    ] {
        s.push_str(header(headers, name));
        s.push('\n');
    }
    let mut ms: Vec<(String, String)> = headers
        .iter()
        .filter(|(k, _)| k.to_ascii_lowercase().starts_with("x-ms-"))
        .map(|(k, v)| {
            let v = v.split_whitespace().collect::<Vec<_>>().join(" ");
            (k.to_ascii_lowercase(), v)
        })
        .collect();
    ms.sort();
    for (k, v) in ms {
        s.push_str(&format!("{k}:{v}\n"));
    }
    s.push_str(&canonical_resource(account, url));
    s
}

/// `/{account}{encoded path}`, then each query parameter on its own line as
/// `name:value[,value]` (names lower-cased and sorted, values decoded and sorted).
fn canonical_resource(account: &str, url: &Url) -> String {
    let mut s = format!("/{account}{}", url.path());
    let mut params: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for (k, v) in url.query_pairs() {
        params
            .entry(k.to_ascii_lowercase())
            .or_default()
            .push(v.into_owned());
    }
    for (k, mut vs) in params {
        vs.sort();
        s.push_str(&format!("\n{k}:{}", vs.join(",")));
    }
    s
}

/// Table Shared Key: verb, `Content-MD5`, `Content-Type`, the date (`x-ms-date`), then
/// `/{account}{path}` with only a `comp` parameter appended.
pub fn table_string_to_sign(
    account: &str,
    method: &str,
    url: &Url,
    headers: &[(String, String)],
) -> String {
    let mut resource = format!("/{account}{}", url.path());
    if let Some((_, comp)) = url
        .query_pairs()
        .find(|(k, _)| k.eq_ignore_ascii_case("comp"))
    {
        resource.push_str(&format!("?comp={comp}"));
    }
    format!(
        "{method}\n{}\n{}\n{}\n{resource}",
        header(headers, "content-md5"),
        header(headers, "content-type"),
        header(headers, "x-ms-date"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn blob_string_to_sign_layout() {
        let url = Url::parse(
            "http://127.0.0.1:10000/devstoreaccount1/c?restype=container&comp=list&marker=a%20b",
        )
        .unwrap();
        let headers = h(&[
            ("x-ms-version", "2021-08-06"),
            ("x-ms-date", "Mon, 30 Nov 2026 10:00:00 GMT"),
        ]);
        let sts = string_to_sign("devstoreaccount1", "GET", &url, &headers);
        assert_eq!(
            sts,
            "GET\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:Mon, 30 Nov 2026 10:00:00 GMT\nx-ms-version:2021-08-06\n\
             /devstoreaccount1/devstoreaccount1/c\ncomp:list\nmarker:a b\nrestype:container"
        );
        let t = table_string_to_sign(
            "acct",
            "GET",
            &Url::parse("https://acct.table.core.windows.net/Tables?NextTableName=x").unwrap(),
            &headers,
        );
        assert_eq!(t, "GET\n\n\nMon, 30 Nov 2026 10:00:00 GMT\n/acct/Tables");
    }

    #[test]
    fn secrets_and_debug_hide_keys() {
        let a = Auth::shared_key("acct", crate::keys::AZURITE_DEV_KEY).unwrap();
        assert_eq!(a.secrets(), vec![crate::keys::AZURITE_DEV_KEY.to_string()]);
        assert_eq!(format!("{a:?}"), "SharedKey(acct)");
        let s = Auth::sas(&[
            ("restype".into(), "container".into()),
            ("sv".into(), "2021-08-06".into()),
            ("sig".into(), "abc=".into()),
        ]);
        assert_eq!(s.query_pairs().len(), 2);
        assert_eq!(s.secrets(), vec!["abc=".to_string()]);
    }
}
