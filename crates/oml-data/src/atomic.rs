//! Writing files so that a reader never sees half of one.

use std::fs::File;
use std::io;
use std::path::Path;

/// Writes a file at `path` by handing `fill` a temporary file in the same directory, then
/// syncing it and renaming it over `path`. If `fill` fails or the process dies, `path` keeps
/// its old content (or stays absent) and the temporary file is removed.
pub fn write_atomically(
    path: &Path,
    fill: impl FnOnce(&mut File) -> io::Result<()>,
) -> io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut temp = temporary_file_in(dir)?;
    fill(temp.as_file_mut())?;
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// A new temporary file in `dir` (named `.oml-tmp-*`, removed when dropped unless persisted),
/// created with the permissions any new file gets (`0666` less the umask), as the file it
/// will become should have: a shared store or a report stays readable by the group when the
/// umask says so.
pub fn temporary_file_in(dir: &Path) -> io::Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".oml-tmp-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // The kernel applies the umask to the mode a file is created with.
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    builder.tempfile_in(dir)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn failed_write_keeps_old_content() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        write_atomically(&path, |f| f.write_all(b"old")).unwrap();
        let err = write_atomically(&path, |f| {
            f.write_all(b"half")?;
            Err(io::Error::other("interrupted"))
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "interrupted");
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "temporary file left behind"
        );
    }

    #[cfg(unix)]
    #[test]
    fn files_are_written_with_the_permissions_the_umask_gives() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        // What the umask gives a plain new file in this process.
        let plain = dir.path().join("plain");
        std::fs::write(&plain, b"x").unwrap();
        let expected = std::fs::metadata(&plain).unwrap().permissions().mode() & 0o777;
        let path = dir.path().join("out.txt");
        write_atomically(&path, |f| f.write_all(b"x")).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        // With the usual umask 022 this is 644, where tempfile alone gives 600.
        assert_eq!(mode, expected, "{mode:o} vs {expected:o}");
    }
}
