//! `scan --validate`: live checks of the findings, wired to leakscope-validate, the HTTP
//! client and the datastore's cache.

use anyhow::Context;
use clap::Args;
use leakscope_core::Finding;
use leakscope_http::{Client, ClientConfig, Url};
use leakscope_store::{CachedValidation, Store};
use leakscope_validate::{
    validation_from_json, Cache, CacheError, Cached, Endpoints, Options, PairIndex, Registry,
    Validator,
};
use std::time::Duration;

#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Live validation (opt-in)")]
pub struct ValidateArgs {
    /// Ask each credential's provider whether it is live, with the provider's read-only
    /// identity call (GitHub GET /user, AWS STS GetCallerIdentity, Slack auth.test …);
    /// each distinct secret once. Off by default: nothing is sent anywhere without it.
    #[arg(long)]
    pub validate: bool,

    /// Send PROVIDER's checks to URL (its base: `github=https://ghe.example.com/api/v3`,
    /// `gitlab=https://gitlab.example.com`) instead of its public API; that origin is then
    /// the only place its secrets may go. Repeatable. Providers: aws, azure, github,
    /// gitlab, huggingface, npm, openai, sendgrid, slack, stripe.
    #[arg(long = "endpoint", value_name = "PROVIDER=URL", value_parser = parse_endpoint)]
    pub endpoints: Vec<(String, Url)>,

    /// Most HTTP requests live checks may send in all, retries included; checks past it
    /// are `unknown`.
    #[arg(long, default_value_t = 1000, value_name = "N")]
    pub max_requests: u64,

    /// Timeout of one request, in seconds.
    #[arg(long, default_value_t = 15, value_name = "SECS")]
    pub validate_timeout: u64,

    /// Checks running at once.
    #[arg(long, default_value_t = 4, value_name = "N",
          value_parser = clap::value_parser!(u64).range(1..=64))]
    pub validate_concurrency: u64,

    /// With --datastore: reuse a stored result younger than this (e.g. 30m, 24h, 7d).
    #[arg(long, default_value = "24h", value_name = "AGE", value_parser = parse_age)]
    pub validate_max_age: Duration,

    /// With --datastore: ask again even when a stored result is young enough.
    #[arg(long)]
    pub validate_fresh: bool,

    /// For live Azure Storage credentials, only say whether they work: do not list what
    /// they reach (containers, blob counts and bytes, public access, model files, queues,
    /// tables, shares). The map is drawn from listings, never downloads, within
    /// --max-requests.
    #[arg(long)]
    pub no_access_map: bool,
}

fn parse_endpoint(s: &str) -> Result<(String, Url), String> {
    Registry::builtin()
        .parse_endpoint(s)
        .map_err(|e| e.to_string())
}

/// `90`, `90s`, `30m`, `24h`, `7d`.
fn parse_age(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (n, unit) = s.split_at(split);
    let n: u64 = n
        .parse()
        .map_err(|_| format!("`{s}` is not an age such as 30m, 24h or 7d"))?;
    let secs = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86400,
        _ => return Err(format!("`{s}`: the unit must be s, m, h or d")),
    };
    Ok(Duration::from_secs(n.saturating_mul(secs)))
}

/// The pairing graph, taken before severity and baseline filters drop a pair's other half.
pub fn pair_index(args: &ValidateArgs, findings: &[Finding]) -> Option<PairIndex> {
    args.validate.then(|| PairIndex::from_findings(findings))
}

/// Validates `findings` and prints the summary line (and cache warnings) on stderr.
pub fn run(
    args: &ValidateArgs,
    datastore: Option<std::path::PathBuf>,
    quiet: bool,
    findings: &mut [Finding],
    pairs: &PairIndex,
) -> anyhow::Result<()> {
    let client = Client::new(ClientConfig {
        timeout: Duration::from_secs(args.validate_timeout.max(1)),
        max_requests: Some(args.max_requests),
        // Identity answers are small; a huge body is not one.
        max_body: 1 << 20,
        ..ClientConfig::default()
    });
    // Azure Storage checks live in leakscope-azure (they need the account's own hosts and
    // Shared Key signing); each may spend what is left of --max-requests on its access map.
    let mut registry = Registry::builtin();
    let access_map = !args.no_access_map;
    registry.set_azure(std::sync::Arc::new(move |f, ctx| {
        let opts = leakscope_azure::live::ProbeOptions {
            endpoint: ctx.endpoint().cloned(),
            access_map,
            max_requests: ctx.max_requests().unwrap_or(u64::MAX),
        };
        leakscope_azure::live::validate(f, ctx.client(), &opts)
    }));
    let endpoints: Endpoints = args.endpoints.iter().cloned().collect();
    let options = Options {
        concurrency: usize::try_from(args.validate_concurrency).unwrap_or(4),
        max_age: args.validate_max_age,
        fresh: args.validate_fresh,
    };
    let mut store = match &datastore {
        Some(db) => Some(StoreCache(Store::open(db)?)),
        None => None,
    };
    let report = Validator::new(&registry, &client, &endpoints, options).run(
        findings,
        pairs,
        store.as_mut().map(|s| s as &mut dyn Cache),
    );
    for w in &report.warnings {
        eprintln!("leakscope: warning: {w}");
    }
    if !quiet {
        eprintln!("leakscope: {}", report.summary_line());
    }
    Ok(())
}

/// The datastore as the validator's cache.
struct StoreCache(Store);

impl Cache for StoreCache {
    fn get(&mut self, key: &str, provider: &str) -> Result<Option<Cached>, CacheError> {
        let Some(row) = self.0.cached_validation(key, provider)? else {
            return Ok(None);
        };
        let checked_at: jiff::Timestamp = row.checked_at.parse()?;
        let value: serde_json::Value = serde_json::from_str(&row.result)?;
        Ok(validation_from_json(value).map(|validation| Cached {
            checked_at,
            validation,
        }))
    }

    fn put(&mut self, key: &str, provider: &str, entry: &Cached) -> Result<(), CacheError> {
        let result =
            serde_json::to_string(&entry.validation).context("serialising a validation result")?;
        self.0.cache_validation(
            key,
            provider,
            &CachedValidation {
                status: entry.validation.status.clone(),
                checked_at: entry.checked_at.to_string(),
                result,
            },
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages() {
        assert_eq!(parse_age("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_age("30m"), Ok(Duration::from_secs(1800)));
        assert_eq!(parse_age("24h"), Ok(Duration::from_secs(86400)));
        assert_eq!(parse_age("7d"), Ok(Duration::from_secs(7 * 86400)));
        assert!(parse_age("1w").is_err());
        assert!(parse_age("h").is_err());
    }
}
