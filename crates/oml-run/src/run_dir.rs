//! Writing a run directory whole or not at all, never over what oml did not write.

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{Error, Result};

/// The files oml writes in a directory of some kind, and how such a directory shows that oml
/// wrote it: a directory of these names only is oml's when `written_by_oml` says so of it
/// (for a run, a `manifest.json` that is oml's), so that a user's files that happen to have
/// the same names are never taken for oml's.
#[derive(Debug, Clone, Copy)]
pub struct Owned<'a> {
    /// The names of the files.
    pub names: &'a [&'a str],
    /// Whether a directory that holds only files of these names is one oml wrote.
    pub written_by_oml: fn(&Path) -> bool,
}

/// Whether [`write_directory`] replaces a directory that oml wrote before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replace {
    /// Never: only a missing path or an empty directory is written.
    Never,
    /// When it holds only files named in the owned list (files oml writes there) and shows
    /// that oml wrote it ([`Owned`]); anything else (a file, other files or sub-directories,
    /// files of those names that oml did not write) is still kept and refused.
    Owned,
}

/// What is at a directory's path.
#[derive(Debug, PartialEq, Eq)]
enum Found {
    /// Nothing, or an empty directory.
    Nothing,
    /// A directory of owned files only, which oml wrote.
    Owned,
    /// A directory with entries oml does not own (their names, sorted, at most a few).
    Foreign(Vec<String>),
    /// A directory of owned names only, which does not show that oml wrote it.
    Unproven,
    /// Not a directory.
    NotADirectory,
}

/// How many entries an error lists.
const LISTED: usize = 5;

/// What is at `dir`. A directory of owned names that does not show oml wrote it is looked at
/// again, a few times: another writer may have swapped it for its own between the listing
/// and the reading of its proof.
fn found(dir: &Path, owned: Owned<'_>) -> std::io::Result<Found> {
    let mut what = found_once(dir, owned)?;
    for _ in 0..3 {
        if what != Found::Unproven {
            break;
        }
        what = found_once(dir, owned)?;
    }
    Ok(what)
}

/// What is at `dir`, looked at once.
fn found_once(dir: &Path, owned: Owned<'_>) -> std::io::Result<Found> {
    let gone = |e: &std::io::Error| e.kind() == ErrorKind::NotFound;
    let metadata = match fs::symlink_metadata(dir) {
        Ok(metadata) => metadata,
        Err(e) if gone(&e) => return Ok(Found::Nothing),
        Err(e) => return Err(e),
    };
    if !metadata.is_dir() {
        return Ok(Found::NotADirectory);
    }
    // Another writer may move the directory or its entries away meanwhile: what is gone is
    // not there.
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if gone(&e) => return Ok(Found::Nothing),
        Err(e) => return Err(e),
    };
    let mut foreign = Vec::new();
    let mut any = false;
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) if gone(&e) => continue,
            Err(e) => return Err(e),
        };
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_file = match entry.file_type() {
            Ok(kind) => kind.is_file(),
            Err(e) if gone(&e) => continue,
            Err(e) => return Err(e),
        };
        any = true;
        if !(owned.names.contains(&name.as_str()) && is_file) {
            foreign.push(name);
        }
    }
    Ok(match (any, foreign.is_empty()) {
        (false, _) => Found::Nothing,
        (true, true) if (owned.written_by_oml)(dir) => Found::Owned,
        // Moved away by another writer since it was listed.
        (true, true) if fs::symlink_metadata(dir).is_err_and(|e| gone(&e)) => Found::Nothing,
        (true, true) => Found::Unproven,
        (true, false) => {
            foreign.sort();
            Found::Foreign(foreign)
        }
    })
}

/// A name no other writer, in this process or another, uses at the same time.
fn unique_sibling(parent: &Path, name: &str, kind: &str) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    parent.join(format!(".{name}.{kind}-{}-{n}", std::process::id()))
}

/// `dir` made absolute when it exists (`.` and `..` resolved); refused when it is the current
/// directory or one that holds it, which cannot be replaced.
fn resolve(dir: &Path) -> Result<PathBuf> {
    let Ok(absolute) = fs::canonicalize(dir) else {
        return Ok(dir.to_path_buf());
    };
    if let Ok(current) = std::env::current_dir().and_then(fs::canonicalize)
        && current.starts_with(&absolute)
    {
        return Err(Error::Exists {
            path: dir.to_path_buf(),
            message: "is the current directory or holds it; give a new directory".to_owned(),
        });
    }
    Ok(absolute)
}

/// Writes `files` (name, contents) as the directory `dir`. The files go into a temporary
/// sibling directory, each synced, which is then renamed into place: a killed process leaves
/// at most a hidden `.NAME.partial-*` sibling, never a half-written `dir`, and a failed write
/// removes its temporary directory.
///
/// `owned` names the files oml writes in such a directory; what is already at `dir` is
/// replaced only as `replace` says, and a directory that holds anything else is never
/// replaced. Writers racing for the same `dir` with [`Replace::Owned`] all succeed, and one
/// complete directory remains.
pub fn write_directory(
    dir: &Path,
    files: &[(&str, Vec<u8>)],
    owned: Owned<'_>,
    replace: Replace,
) -> Result<()> {
    let dir = resolve(dir)?;
    check_existing(&dir, owned, replace)?;
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
    let partial = unique_sibling(&parent, &name, "partial");
    fs::create_dir(&partial).map_err(write_error(&partial))?;
    let written = (|| {
        for (file, contents) in files {
            let path = partial.join(file);
            oml_data::write_atomically(&path, |out| std::io::Write::write_all(out, contents))
                .map_err(write_error(&path))?;
        }
        move_into_place(&partial, &dir, &parent, &name, owned, replace)
    })();
    if written.is_err() {
        // Ours alone: it was made above under a name no one else uses.
        let _ = fs::remove_dir_all(&partial);
    }
    written
}

/// Checks, before anything is computed, that [`write_directory`] with the same `owned` and
/// `replace` would write `dir`: an error names what is there and why it is kept.
pub fn check_directory(dir: &Path, owned: Owned<'_>, replace: Replace) -> Result<()> {
    check_existing(&resolve(dir)?, owned, replace)
}

/// Refuses what `replace` does not allow at `dir`.
fn check_existing(dir: &Path, owned: Owned<'_>, replace: Replace) -> Result<()> {
    let refuse = |message: String| {
        Err(Error::Exists {
            path: dir.to_path_buf(),
            message,
        })
    };
    let what = found(dir, owned).map_err(|source| Error::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    match (what, replace) {
        (Found::Nothing, _) | (Found::Owned, Replace::Owned) => Ok(()),
        (Found::NotADirectory, _) => refuse("exists and is not a directory".to_owned()),
        (Found::Foreign(names), _) => {
            let more = names.len().saturating_sub(LISTED);
            let mut listed = names
                .into_iter()
                .take(LISTED)
                .collect::<Vec<_>>()
                .join(", ");
            if more > 0 {
                listed.push_str(&format!(" and {more} more"));
            }
            refuse(format!(
                "holds files that oml did not write ({listed}); it is left as it is"
            ))
        }
        (Found::Unproven, _) => refuse(
            "holds files with the names of oml's that do not show oml wrote them; it is left \
             as it is"
                .to_owned(),
        ),
        (Found::Owned, Replace::Never) => {
            refuse("holds what oml wrote there before; replacing it needs force".to_owned())
        }
    }
}

/// Renames `partial` to `dir`, replacing a directory of owned files when `replace` allows.
fn move_into_place(
    partial: &Path,
    dir: &Path,
    parent: &Path,
    name: &str,
    owned: Owned<'_>,
    replace: Replace,
) -> Result<()> {
    let write_error = |path: &Path, source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    // Other writers may move `dir` between our steps; each round either finishes or sees a
    // directory that another writer has just completed, and tries again.
    let mut last = None;
    for _ in 0..32 {
        // rename(2) replaces a missing path or an empty directory, nothing else.
        match fs::rename(partial, dir) {
            Ok(()) => return Ok(()),
            Err(e) => last = Some(e),
        }
        if !dir.exists() {
            continue;
        }
        check_existing(dir, owned, replace)?;
        let old = unique_sibling(parent, name, "old");
        if let Err(e) = fs::rename(dir, &old) {
            last = Some(e);
            continue;
        }
        let placed = fs::rename(partial, dir);
        remove_owned(&old, owned.names).map_err(|e| write_error(&old, e))?;
        match placed {
            Ok(()) => return Ok(()),
            Err(e) => last = Some(e),
        }
    }
    // Another writer keeps completing the same directory: theirs is as complete as ours.
    if found(dir, owned).is_ok_and(|f| f == Found::Owned) {
        return Ok(());
    }
    Err(write_error(
        dir,
        last.unwrap_or_else(|| std::io::Error::other("kept changing while it was written")),
    ))
}

/// Removes the directory `old`, which held only owned files when it was moved aside: each
/// owned file by name, then the directory, which fails rather than delete anything else.
fn remove_owned(old: &Path, owned: &[&str]) -> std::io::Result<()> {
    for name in owned {
        match fs::remove_file(old.join(name)) {
            Err(e) if e.kind() != ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    fs::remove_dir(old)
}
