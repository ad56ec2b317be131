//! `leakscope explain` (owned by the Azure analysis work).

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// The token, URL or connection string; `-` or nothing reads standard input.
    pub token: Option<String>,
}

pub fn run(_args: ExplainArgs) -> anyhow::Result<i32> {
    anyhow::bail!("explain is not implemented yet")
}
