//! `leakscope explain` (owned by the Azure analysis work): decode and rate one SAS, signed
//! URL, account key or connection string. Exit 0 recognised, 3 not recognisable, 2 usage.

use anyhow::{bail, Context};
use std::io::Read;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExplainFormat {
    Human,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// The token, URL or connection string; `-` or nothing reads standard input.
    pub token: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: ExplainFormat,
    /// The clock used for expiry and risk (RFC 3339), for reproducible output.
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,
    /// A storage account key to verify SAS signatures with, as NAME=BASE64KEY (repeatable).
    #[arg(long = "account-key", value_name = "NAME=KEY")]
    pub account_keys: Vec<String>,
}

/// Inputs are one credential; a megabyte is far beyond any real one.
const MAX_STDIN: u64 = 1 << 20;

fn parse_key(spec: &str) -> anyhow::Result<(String, String)> {
    match spec.split_once('=') {
        Some((name, key)) if !name.is_empty() && !key.is_empty() => {
            Ok((name.trim().to_string(), key.trim().to_string()))
        }
        _ => bail!("--account-key expects NAME=BASE64KEY, got `{spec}`"),
    }
}

pub fn run(args: ExplainArgs) -> anyhow::Result<i32> {
    let now = match &args.now {
        Some(s) => s
            .parse::<jiff::Timestamp>()
            .with_context(|| format!("--now `{s}` is not an RFC 3339 timestamp"))?,
        None => jiff::Timestamp::now(),
    };
    let keys = args
        .account_keys
        .iter()
        .map(|k| parse_key(k))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let input = match args.token.as_deref() {
        Some("-") | None => {
            let mut s = String::new();
            std::io::stdin()
                .take(MAX_STDIN)
                .read_to_string(&mut s)
                .context("reading standard input")?;
            s
        }
        Some(t) => t.to_string(),
    };
    match leakscope_azure::explain(&input, now, &keys) {
        Ok(e) => {
            match args.format {
                ExplainFormat::Human => print!("{}", leakscope_azure::card::render(&e)),
                ExplainFormat::Json => println!("{}", serde_json::to_string_pretty(&e.to_json())?),
            }
            Ok(0)
        }
        Err(e) => {
            match args.format {
                ExplainFormat::Human => println!("Not recognised: {}", e.0),
                ExplainFormat::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(
                        &serde_json::json!({ "recognised": false, "reason": e.0 })
                    )?
                ),
            }
            Ok(3)
        }
    }
}
