//! Writing a run directory whole or not at all.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Writes `files` (name, contents) as the directory `dir`, replacing what was there: the files
/// go into a temporary sibling directory, each synced, which is then renamed into place. A
/// killed process leaves at most a `.partial` sibling, never a half-written `dir`.
pub fn write_directory(dir: &Path, files: &[(&str, Vec<u8>)]) -> Result<()> {
    let write_error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Write { path, source }
    };
    let parent = match dir.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(write_error(&parent))?;
    let name = dir
        .file_name()
        .map_or_else(|| "run".into(), |n| n.to_string_lossy().into_owned());
    let partial = parent.join(format!(".{name}.partial-{}", std::process::id()));
    if partial.exists() {
        fs::remove_dir_all(&partial).map_err(write_error(&partial))?;
    }
    fs::create_dir(&partial).map_err(write_error(&partial))?;
    for (file, contents) in files {
        let path = partial.join(file);
        oml_data::write_atomically(&path, |out| std::io::Write::write_all(out, contents))
            .map_err(write_error(&path))?;
    }
    if dir.exists() {
        let old = parent.join(format!(".{name}.old-{}", std::process::id()));
        fs::rename(dir, &old).map_err(write_error(dir))?;
        fs::rename(&partial, dir).map_err(write_error(dir))?;
        fs::remove_dir_all(&old).map_err(write_error(&old))?;
    } else {
        fs::rename(&partial, dir).map_err(write_error(dir))?;
    }
    Ok(())
}
