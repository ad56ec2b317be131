//! Azure Storage: a slot for the check `leakscope-azure` implements
//! (`leakscope_azure::live::validate`), which the binary injects with
//! [`Registry::set_azure`](crate::Registry::set_azure). Its hosts depend on the account
//! (`ACCOUNT.blob.core.windows.net`, sovereign clouds), so it sends through
//! `ctx.client()` with its own `Allowed`; `--endpoint azure=URL` reaches it as
//! `ctx.endpoint()`.

use crate::{Candidate, Ctx, Outcome, Provider};
use leakscope_core::{Finding, Validation};
use leakscope_http::Allowed;
use std::sync::Arc;

/// The injected check: the finding and the context (client, `--endpoint` override,
/// remaining request budget).
pub type AzureCheck = dyn Fn(&Finding, &Ctx<'_>) -> Validation + Send + Sync;

#[derive(Default)]
pub struct Azure {
    check: Option<Arc<AzureCheck>>,
}

impl Azure {
    pub fn with_check(check: Arc<AzureCheck>) -> Azure {
        Azure { check: Some(check) }
    }
}

impl Provider for Azure {
    fn name(&self) -> &'static str {
        "azure"
    }

    fn kinds(&self) -> &'static [&'static str] {
        // The kinds leakscope_azure::live::validate probes (its `KINDS`).
        &[
            "azure_sas",
            "azure_account_key",
            "azure_connection_string",
            "azure_storage_key",
        ]
    }

    fn default_base(&self) -> Option<&'static str> {
        None
    }

    fn default_allowed(&self) -> Allowed {
        Allowed::domain("core.windows.net")
    }

    fn validate(&self, c: &Candidate<'_>, ctx: &Ctx<'_>) -> Validation {
        match &self.check {
            Some(check) => check(c.finding, ctx),
            // Only when a caller builds a registry without the binary's Azure check.
            None => Outcome::unknown("Azure validation not wired")
                .error_code("not_wired")
                .into(),
        }
    }
}
