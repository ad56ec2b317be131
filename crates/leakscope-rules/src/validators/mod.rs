//! Code-level validators that rules name with `validator = "name"` or `"name:argument"`.
//! Each checks structure or an embedded checksum, so a match that merely has the right
//! shape is not reported.

pub mod azure;
mod base64len;
mod checksum;
mod extra_a;
mod extra_b;
mod extra_c;
mod jwt;
mod pem;

use std::fmt;

/// The check a validator runs on a candidate secret.
type CheckFn = dyn Fn(&[u8]) -> bool + Send + Sync;

/// A resolved validator.
#[derive(Clone)]
pub struct Validator {
    name: String,
    check: std::sync::Arc<CheckFn>,
}

impl fmt::Debug for Validator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Validator")
            .field("name", &self.name)
            .finish()
    }
}

impl Validator {
    fn new(name: &str, f: impl Fn(&[u8]) -> bool + Send + Sync + 'static) -> Validator {
        Validator {
            name: name.to_string(),
            check: std::sync::Arc::new(f),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn check(&self, secret: &[u8]) -> bool {
        (self.check)(secret)
    }
}

/// Names of all validators with a one-line description, for docs and `rules list`.
pub fn catalogue() -> impl Iterator<Item = &'static (&'static str, &'static str)> {
    CATALOGUE
        .iter()
        .chain(extra_b::CATALOGUE)
        .chain(extra_c::CATALOGUE)
}

const CATALOGUE: &[(&str, &str)] = &[
    ("github_checksum", "GitHub token: base62 CRC-32 of the random part in the last 6 characters"),
    ("npm_checksum", "npm token: base62 CRC-32 of the random part in the last 6 characters"),
    ("base64_bytes:N", "decodes as base64 (standard or URL-safe, padding optional) to exactly N bytes"),
    ("jwt", "three base64url parts whose header is a JSON object with `alg`"),
    ("pem_private_key", "a PEM block whose body is well-formed base64 of plausible length"),
    ("bech32", "bech32 string (age keys) with a valid BIP-173 checksum, in one case"),
    ("pgp_private_key", "armoured PGP private key block: base64 body of plausible length and a matching CRC-24 line"),
    ("base64_pem_private_key", "base64 whose decoding is a well-formed PEM private-key block"),
    ("basic_auth", "base64 of `user:password` with printable text and a non-placeholder password"),
    ("generic_secret", "generic-assignment filter: rejects placeholders, references, defaults, test fixtures, hashes, UUIDs, repetitive or single-class values"),
    ("real_password", "URI / connection-string password that is not a template, env reference, mask or well-known default"),
    ("azure_storage_key", "Azure storage account key: base64 of exactly 64 bytes, not a repeated-character placeholder"),
    ("azure_identifiable_storage_key", "Azure identifiable storage key: `+ASt` marker and Marvin32 checksum"),
    ("azure_sas", "SAS query: `sig` is base64 of 32 bytes (not a placeholder) beside at least one SAS parameter"),
    ("azure_connection_string", "connection string whose AccountKey is 64 bytes of base64 or whose SharedAccessSignature is a SAS"),
];

/// Resolves `name` or `name:argument` to a validator, or explains why it cannot.
pub fn lookup(spec: &str) -> Result<Validator, String> {
    let (name, arg) = match spec.split_once(':') {
        Some((n, a)) => (n, Some(a)),
        None => (spec, None),
    };
    let no_arg = |v: Validator| match arg {
        None => Ok(v),
        Some(_) => Err(format!("validator `{name}` takes no argument")),
    };
    match name {
        "github_checksum" => no_arg(Validator::new(spec, checksum::github)),
        "npm_checksum" => no_arg(Validator::new(spec, checksum::npm)),
        "jwt" => no_arg(Validator::new(spec, jwt::is_jwt)),
        "pem_private_key" => no_arg(Validator::new(spec, pem::is_pem_private_key)),
        "bech32" => no_arg(Validator::new(spec, extra_a::is_bech32)),
        "pgp_private_key" => no_arg(Validator::new(spec, extra_a::is_pgp_private_key)),
        "base64_pem_private_key" => {
            no_arg(Validator::new(spec, extra_a::is_base64_pem_private_key))
        }
        "basic_auth" => no_arg(Validator::new(spec, extra_a::is_basic_auth)),
        "generic_secret" => no_arg(Validator::new(spec, extra_a::is_generic_secret)),
        "real_password" => no_arg(Validator::new(spec, extra_a::is_real_password)),
        "azure_storage_key" => no_arg(Validator::new(spec, azure::is_storage_account_key)),
        "azure_identifiable_storage_key" => {
            no_arg(Validator::new(spec, azure::is_identifiable_storage_key))
        }
        "azure_sas" => no_arg(Validator::new(spec, azure::is_sas_query)),
        "azure_connection_string" => no_arg(Validator::new(spec, azure::is_connection_string)),
        "base64_bytes" => {
            let n: usize = arg.and_then(|a| a.parse().ok()).ok_or_else(|| {
                "validator `base64_bytes` needs a byte count, e.g. `base64_bytes:64`".to_string()
            })?;
            Ok(Validator::new(spec, move |s| {
                base64len::decoded_len(s) == Some(n)
            }))
        }
        _ => {
            if let Some(f) = extra_b::lookup(name) {
                return no_arg(Validator::new(spec, f));
            }
            if let Some(f) = extra_c::lookup(name) {
                return no_arg(Validator::new(spec, f));
            }
            Err(format!(
                "unknown validator `{name}` (known: {})",
                catalogue().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
            ))
        }
    }
}
