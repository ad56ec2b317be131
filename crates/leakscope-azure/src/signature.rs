//! Offline SAS signature verification: rebuild the string-to-sign that the service version
//! `sv` defines, HMAC-SHA256 it with the account key, compare with `sig`.
//!
//! Layout changes, by version (Microsoft's "Create a service SAS" / "Create an account SAS"):
//! * 2012-02-12: `sp st se resource si sv` (tables append `spk srk epk erk`).
//! * 2013-08-15: blob/file append the five `rsc*` response headers.
//! * 2015-02-21: the canonicalized resource gains the service name (`/blob/acct/…`).
//! * 2015-04-05: `sip` and `spr` after `si`; account SAS introduced.
//! * 2018-11-09: blob adds `sr` and the snapshot time after `sv`.
//! * 2020-12-06: blob and account SAS add `ses` (encryption scope).

use crate::error::VerifyError;
use crate::risk::SignatureStatus;
use crate::sas::{SasKind, SasToken, Service};
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

fn at_least(v: &str, since: &str) -> bool {
    // `sv` values are ISO dates, so byte order is chronological.
    v >= since
}

/// The canonicalized resource of a service SAS.
fn resource(t: &SasToken, account: &str, service: Service, v: &str) -> Result<String, VerifyError> {
    let url = t.url.as_ref();
    let container = url.and_then(|u| u.container.as_deref());
    let path = url.and_then(|u| u.path.as_deref());
    let name = match service {
        Service::Table => t
            .get("tn")
            .or(container)
            .ok_or(VerifyError::NoResource)?
            .to_ascii_lowercase(),
        _ => {
            let c = container.ok_or(VerifyError::NoResource)?;
            match (t.get("sr"), path) {
                (Some("c" | "s"), _) | (None, _) => c.to_string(),
                (_, Some(p)) => format!("{c}/{p}"),
                (_, None) => return Err(VerifyError::NoResource),
            }
        }
    };
    Ok(if at_least(v, "2015-02-21") {
        format!("/{}/{account}/{name}", service.name())
    } else {
        format!("/{account}/{name}")
    })
}

/// Builds the string-to-sign for an account or service SAS.
pub fn string_to_sign(t: &SasToken, account: &str) -> Result<String, VerifyError> {
    let v = t.version().ok_or(VerifyError::NoVersion)?;
    let g = |n: &str| t.get(n).unwrap_or("").to_string();
    let mut f: Vec<String> = Vec::new();
    match t.kind {
        SasKind::UserDelegation => return Err(VerifyError::UserDelegation),
        SasKind::Account => {
            f.push(account.to_string());
            for n in ["sp", "ss", "srt", "st", "se", "sip", "spr", "sv"] {
                f.push(g(n));
            }
            if at_least(v, "2020-12-06") {
                f.push(g("ses"));
            }
            // The account layout ends with a newline.
            f.push(String::new());
            return Ok(f.join("\n"));
        }
        SasKind::Service => {}
    }
    let service = t.service.ok_or(VerifyError::NoService)?;
    let res = resource(t, account, service, v)?;
    for n in ["sp", "st", "se"] {
        f.push(g(n));
    }
    f.push(res);
    f.push(g("si"));
    if at_least(v, "2015-04-05") {
        f.push(g("sip"));
        f.push(g("spr"));
    }
    f.push(g("sv"));
    match service {
        Service::Blob => {
            if at_least(v, "2018-11-09") {
                f.push(g("sr"));
                // Snapshot/version SAS sign the timestamp that the URL carries beside the SAS.
                f.push(
                    t.get("snapshot")
                        .or(t.get("versionid"))
                        .unwrap_or("")
                        .to_string(),
                );
            }
            if at_least(v, "2020-12-06") {
                f.push(g("ses"));
            }
            if at_least(v, "2013-08-15") {
                for n in ["rscc", "rscd", "rsce", "rscl", "rsct"] {
                    f.push(g(n));
                }
            }
        }
        Service::File => {
            for n in ["rscc", "rscd", "rsce", "rscl", "rsct"] {
                f.push(g(n));
            }
        }
        Service::Queue => {}
        Service::Table => {
            for n in ["spk", "srk", "epk", "erk"] {
                f.push(g(n));
            }
        }
    }
    Ok(f.join("\n"))
}

/// HMAC-SHA256 of `sts` under a base64 account key.
pub fn sign(key_b64: &str, sts: &str) -> Result<[u8; 32], VerifyError> {
    let key = base64::engine::general_purpose::STANDARD
        .decode(key_b64.trim())
        .map_err(|_| VerifyError::BadKey)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).map_err(|_| VerifyError::BadKey)?;
    mac.update(sts.as_bytes());
    Ok(mac.finalize().into_bytes().into())
}

/// Computes the base64 `sig` a token should carry under `key_b64` (test tooling, and to show
/// a user what a correct signature would be).
pub fn expected_signature(
    t: &SasToken,
    account: Option<&str>,
    key_b64: &str,
) -> Result<String, VerifyError> {
    let account = account.or(t.account()).ok_or(VerifyError::NoAccount)?;
    let sts = string_to_sign(t, account)?;
    Ok(base64::engine::general_purpose::STANDARD.encode(sign(key_b64, &sts)?))
}

/// Verifies `t` against one account's key. `account` overrides the URL's when given.
pub fn verify(t: &SasToken, account: Option<&str>, key_b64: &str) -> Result<bool, VerifyError> {
    let account = account.or(t.account()).ok_or(VerifyError::NoAccount)?;
    let sts = string_to_sign(t, account)?;
    let mac = sign(key_b64, &sts)?;
    // Constant time is irrelevant offline, but costs nothing.
    Ok(mac
        .iter()
        .zip(t.signature.iter())
        .fold(0u8, |acc, (a, b)| acc | (a ^ b))
        == 0)
}

/// Tries every candidate `(account, key)`; valid if any matches, with the index of the
/// matching candidate. Invalid only when the token names its account (URL) and a key of that
/// account did not match: without the account, a mismatch only says "not this key".
pub fn verify_any(t: &SasToken, keys: &[(String, String)]) -> (SignatureStatus, Option<usize>) {
    let mut checked_own_account = false;
    for (i, (acct, key)) in keys.iter().enumerate() {
        let own = match t.account() {
            // A key only proves anything for its own account.
            Some(url_acct) if !url_acct.eq_ignore_ascii_case(acct) => continue,
            Some(_) => true,
            None => false,
        };
        match verify(t, Some(acct), key) {
            Ok(true) => return (SignatureStatus::Valid, Some(i)),
            Ok(false) => checked_own_account |= own,
            Err(_) => {}
        }
    }
    if checked_own_account {
        (SignatureStatus::Invalid, None)
    } else {
        (SignatureStatus::Unknown, None)
    }
}
