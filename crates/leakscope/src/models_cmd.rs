//! `leakscope models scan` (owned by the model analysis work).

#[derive(Debug, clap::Args)]
pub struct ModelsScanArgs {
    /// Files or directories to analyse.
    #[arg(required = true)]
    pub paths: Vec<std::path::PathBuf>,
}

pub fn run(_args: ModelsScanArgs) -> anyhow::Result<i32> {
    anyhow::bail!("models scan is not implemented yet")
}
