//! Test support shared by the workspace's integration tests: finds the real external
//! tools they run against (Azurite, Microsoft's SARIF Multitool), installing them from the
//! npm registry into a per-user cache on first use, so that `cargo test --workspace` on a
//! fresh machine runs every test instead of skipping some.
//!
//! Lookup order for a tool `bin` from npm package `pkg`:
//! 1. `bin` on `PATH`;
//! 2. `$LEAKSCOPE_TOOLS/node_modules/.bin/bin` (default `~/.cache/leakscope-tools`);
//! 3. `npm install --prefix $LEAKSCOPE_TOOLS pkg`, then 2 again.
//!
//! Libraries (`playwright-core` for the browser test) are found the same way, as
//! `$LEAKSCOPE_TOOLS/node_modules/<name>`, by [`npm_package`].
//!
//! `.ci/run` performs step 3 up front so that CI logs show the install separately.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The directory npm tools are installed into.
pub fn tools_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("LEAKSCOPE_TOOLS").filter(|d| !d.is_empty()) {
        return PathBuf::from(d);
    }
    let home = std::env::var_os("HOME").map_or_else(std::env::temp_dir, PathBuf::from);
    home.join(".cache").join("leakscope-tools")
}

fn on_path(bin: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(bin))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        p.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        p.is_file()
    }
}

fn npm_install(dir: &Path, pkg: &str) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    eprintln!("installing {pkg} into {} (first use)", dir.display());
    let status = Command::new("npm")
        .args([
            "install",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            "--prefix",
        ])
        .arg(dir)
        .arg(pkg)
        .status()
        .map_err(|e| format!("cannot run npm to install {pkg}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "`npm install --prefix {} {pkg}` failed ({status})",
            dir.display()
        ))
    }
}

/// Directory of the npm library `name` (from package spec `pkg`, e.g. `playwright-core@1`)
/// in [`tools_dir`], installing it there if missing. Node scripts load it by this absolute
/// path (`createRequire(import.meta.url)(dir)`), so neither `NODE_PATH` nor a global
/// install is needed.
pub fn npm_package(name: &str, pkg: &str) -> Result<PathBuf, String> {
    let dir = tools_dir();
    let module = dir.join("node_modules").join(name);
    if module.join("package.json").is_file() {
        return Ok(module);
    }
    npm_install(&dir, pkg)?;
    if module.join("package.json").is_file() {
        Ok(module)
    } else {
        Err(format!(
            "{pkg} installed but {} is missing",
            module.display()
        ))
    }
}

/// Path of the npm-provided executable `bin` (from package spec `pkg`, e.g.
/// `azurite@3`), installing it into [`tools_dir`] if it is nowhere to be found.
/// Errors say what failed and how to install by hand.
pub fn npm_tool(bin: &str, pkg: &str) -> Result<PathBuf, String> {
    if let Some(p) = on_path(bin) {
        return Ok(p);
    }
    let dir = tools_dir();
    let local = dir.join("node_modules").join(".bin").join(bin);
    if is_executable(&local) {
        return Ok(local);
    }
    npm_install(&dir, pkg).map_err(|e| format!("{e}; install it by hand: npm install -g {pkg}"))?;
    if is_executable(&local) {
        Ok(local)
    } else {
        Err(format!(
            "{pkg} installed but {} is missing",
            local.display()
        ))
    }
}

pub mod mock;
