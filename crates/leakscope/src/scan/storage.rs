//! Azure Storage inputs: one thread lists (applying limits), the workers read each blob
//! and scan it like a file, under its URL (no credential in it).

use super::pipeline::{lock, scan_blob, Shared};
use super::ScanArgs;
use anyhow::Context;
use leakscope_azure::source::{BlobRef, StorageInput};
use leakscope_http::{Client, ClientConfig};
use leakscope_sources::storage::{self, Credentials, StorageEvent, StorageOptions};
use std::time::Duration;

pub(super) fn scan(args: &ScanArgs, inputs: &[String], shared: &Shared<'_>) -> anyhow::Result<()> {
    if inputs.is_empty() {
        return Ok(());
    }
    let creds = Credentials::from_env(args.azure_connection_string.clone());
    let http = Client::new(ClientConfig {
        max_body: args.max_file_size,
        timeout: Duration::from_secs(300),
        host_interval: Duration::from_millis(5),
        ..ClientConfig::default()
    });
    let opts = StorageOptions {
        max_file_size: args.max_file_size,
        max_total_bytes: Some(args.max_bytes),
        excludes: args.exclude.clone(),
    };
    let threads = args.thread_count().max(1);
    let mut spent = 0u64;
    for (i, text) in inputs.iter().enumerate() {
        // The input may be a connection string: never echo it.
        let input = StorageInput::parse(text, &creds)
            .with_context(|| format!("storage input {} is not usable", i + 1))?;
        let (tx, rx) = crossbeam_channel::bounded::<BlobRef>(threads * 2);
        let listed = std::thread::scope(|s| {
            for _ in 0..threads {
                let rx = rx.clone();
                let (input, http, opts) = (&input, &http, &opts);
                s.spawn(move || {
                    for blob in rx {
                        match storage::fetch(input, http, &blob, opts) {
                            Ok(bytes) => scan_blob(shared, &blob.url, &bytes, None),
                            Err(skip) => lock(shared.skipped).push(skip),
                        }
                    }
                });
            }
            drop(rx);
            let r = storage::list(&input, &http, &opts, &mut spent, &mut |e| match e {
                StorageEvent::Blob(b) => {
                    let _ = tx.send(b);
                }
                StorageEvent::Skipped(s) => lock(shared.skipped).push(s),
            });
            drop(tx);
            r
        });
        listed.with_context(|| format!("reading {}", input.display))?;
    }
    Ok(())
}
