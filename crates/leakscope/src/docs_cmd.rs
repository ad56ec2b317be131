//! `leakscope completions SHELL` and `leakscope man`: generated from the same clap
//! definition the parser uses, so they never drift from the real flags.

use anyhow::Context;
use clap::CommandFactory;
use std::io::Write;
use std::path::Path;

pub fn completions(shell: clap_complete::Shell) -> anyhow::Result<i32> {
    let mut cmd = crate::cli::Cli::command();
    let mut out = std::io::stdout().lock();
    clap_complete::generate(shell, &mut cmd, "leakscope", &mut out);
    out.flush()?;
    Ok(0)
}

pub fn man(dir: Option<&Path>) -> anyhow::Result<i32> {
    let cmd = crate::cli::Cli::command();
    match dir {
        None => {
            let mut out = std::io::stdout().lock();
            clap_mangen::Man::new(cmd).render(&mut out)?;
            out.flush()?;
        }
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            write_pages(&cmd, "leakscope", dir)?;
        }
    }
    Ok(0)
}

/// leakscope.1, leakscope-scan.1, leakscope-models-scan.1, …
fn write_pages(cmd: &clap::Command, name: &str, dir: &Path) -> anyhow::Result<()> {
    let path = dir.join(format!("{name}.1"));
    let mut file = std::fs::File::create(&path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    clap_mangen::Man::new(cmd.clone())
        .title(name.to_string())
        .render(&mut file)?;
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        write_pages(sub, &format!("{name}-{}", sub.get_name()), dir)?;
    }
    Ok(())
}
