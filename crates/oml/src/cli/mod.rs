//! The commands: clap's types ([`args`]), the environment resolved once ([`env`]), and one
//! module per group of commands, each only turning arguments into library calls and printing.

pub mod args;
pub mod env;
pub mod fetch;
pub mod info;
pub mod run;
pub mod store;
pub mod sweep;

use std::path::Path;

/// Refuses `path` as a command's output file when something is there already, unless `force`:
/// oml never replaces what it may not have written. Checked before the work, so that a refusal
/// costs nothing.
pub(crate) fn check_new_file(path: &Path, force: bool) -> anyhow::Result<()> {
    if !force && std::fs::symlink_metadata(path).is_ok() {
        anyhow::bail!(
            "{} exists; give --force to replace it, or another file",
            path.display()
        );
    }
    Ok(())
}
