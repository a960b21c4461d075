//! The one error type of oml-task.

use std::fmt;
use std::path::{Path, PathBuf};

/// A `Result` with oml-task's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong with tasks, splits and the cache.
///
/// The path is attached once, by whoever opened the file; `line` counts from 1.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A dataset or ARFF problem, from oml-data.
    #[error(transparent)]
    Data(#[from] oml_data::Error),
    /// A `task.xml` that cannot be used.
    #[error("{}{message}", Where(path.as_deref(), None))]
    TaskXml {
        /// The document, when it came from a file.
        path: Option<PathBuf>,
        /// What is wrong, naming the element.
        message: String,
    },
    /// A split file whose content is wrong (not its ARFF syntax, which is [`Error::Data`]).
    #[error("{}{message}", Where(path.as_deref(), *line))]
    Splits {
        /// The split file, when there is one.
        path: Option<PathBuf>,
        /// The line of the offending row, from 1, when one row is to blame.
        line: Option<u64>,
        /// What is wrong.
        message: String,
    },
    /// A task that cannot be built as asked (bad procedure parameters, wrong target kind...).
    #[error("{0}")]
    Invalid(String),
    /// A file of the cache that is not there.
    #[error("{} is not in the cache; fetch it with `{fetch}`", path.display())]
    NotCached {
        /// The missing file.
        path: PathBuf,
        /// The command that would fetch it.
        fetch: String,
    },
    /// Files in the cache that differ from what was to be written there, kept as they are.
    #[error(
        "the cache already holds different files ({}); they are kept (force replaces them)",
        paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
    )]
    Exists {
        /// The files in the way.
        paths: Vec<PathBuf>,
    },
    /// A file could not be read or written: oml-data's [`oml_data::Error::Io`] (the action, the
    /// file and the operating system's reason), apart from [`Error::Data`], which is about a
    /// dataset's content.
    #[error(transparent)]
    Io(Box<oml_data::Error>),
}

/// Prints `path: ` and `line N: ` where known.
struct Where<'a>(Option<&'a Path>, Option<u64>);

impl fmt::Display for Where<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(path) = self.0 {
            write!(f, "{}: ", path.display())?;
        }
        if let Some(line) = self.1 {
            write!(f, "line {line}: ")?;
        }
        Ok(())
    }
}

impl Error {
    /// Attaches `path` to an error that came from in-memory input.
    pub fn with_path(self, file: &Path) -> Self {
        match self {
            Error::Data(e) => Error::Data(e.with_path(file)),
            Error::TaskXml {
                path: None,
                message,
            } => Error::TaskXml {
                path: Some(file.to_path_buf()),
                message,
            },
            Error::Splits {
                path: None,
                line,
                message,
            } => Error::Splits {
                path: Some(file.to_path_buf()),
                line,
                message,
            },
            other => other,
        }
    }

    pub(crate) fn io(action: &'static str, path: &Path, source: std::io::Error) -> Self {
        Error::Io(Box::new(oml_data::Error::io(action, path, source)))
    }
}
