//! Rules as data: the schema of leakscope rule files, the built-in rule set (embedded at
//! build time from `rules/*.toml`), and the code-level validators rules may name.
//!
//! The schema is documented in `docs/rules.md`.

mod check;
mod entropy;
mod error;
pub mod gitleaks;
mod placeholder;
mod rule;
mod schema;
pub mod validators;

pub use check::{check_examples, ExampleFailure};
pub use entropy::shannon_entropy;
pub use error::RuleError;
pub use placeholder::is_placeholder;
pub use rule::{Reject, Rule, RuleSet};
pub use schema::{RuleFile, RuleSpec};

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));
}

/// The embedded built-in rule files as `(file name, TOML text)`.
pub fn builtin_rule_files() -> &'static [(&'static str, &'static str)] {
    builtin::BUILTIN_RULE_FILES
}
