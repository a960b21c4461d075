//! The one error of sweeps.

use std::fmt::Write as _;
use std::path::PathBuf;

/// Why a sweep could not be read, expanded, sharded, run or collected (a failing job is not
/// an error: it is an outcome). Messages say where (the file, its line from 1, the entry)
/// before what.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// `oml sweep status` of a sweep none of whose jobs the store has seen.
    #[error(
        "no job of this sweep has run in the store {} (all {jobs} pending): run the sweep \
         first, or name the store it ran into (--store)",
        store.display()
    )]
    NeverRan {
        /// The store.
        store: PathBuf,
        /// The sweep's jobs.
        jobs: usize,
    },
    /// A file could not be read: the sweep file, or a record of the store.
    #[error("cannot read {}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// TOML syntax, an unknown key, or a value of the wrong type, where toml found it.
    #[error("{}: {}{message}", path.display(), place(&None, line, column))]
    Toml {
        /// The sweep file.
        path: PathBuf,
        /// The line, from 1.
        line: Option<usize>,
        /// The column in characters, from 1.
        column: Option<usize>,
        /// What toml says.
        message: String,
    },
    /// An entry that is not allowed: a task with options it cannot take, no tasks, a seed
    /// range, a duration.
    #[error("{}{entry}: {message}", place(path, line, &None))]
    Invalid {
        /// The sweep file, if the entry is from one.
        path: Option<PathBuf>,
        /// The entry's line, from 1, where known.
        line: Option<usize>,
        /// The entry: `tasks[2].resampling`, `seeds`, `--task`.
        entry: String,
        /// What is wrong.
        message: String,
    },
    /// A flow that cannot be made with a grid value or point.
    #[error("{}{entry}", place(path, line, &None))]
    Flow {
        /// The sweep file, if the flow is from one.
        path: Option<PathBuf>,
        /// The entry's line, from 1, where known.
        line: Option<usize>,
        /// The entry: `flows[0].name`, `flows[1].grid.max_depth`, or
        /// `flows[1].grid (max_depth=3 min_samples_split=2)` for a grid point.
        entry: String,
        /// The flow's error, which names the flow or the parameter and value (boxed: flow
        /// errors are large).
        #[source]
        source: Box<oml_flow::Error>,
    },
    /// A suite whose tasks could not be listed.
    #[error("{entry}: cannot list the tasks of suite {suite}: {message}")]
    Suite {
        /// The entry: `tasks[2]`.
        entry: String,
        /// The suite's id or alias.
        suite: String,
        /// What the caller's lookup said.
        message: String,
    },
    /// A shard that is not `INDEX/COUNT` with INDEX below COUNT.
    #[error("shard `{text}`: {message}")]
    Shard {
        /// The shard as given.
        text: String,
        /// What is wrong.
        message: String,
    },
    /// A task of the sweep could not be fetched into the cache.
    #[error("cannot fetch task {id} (offline, the cache must hold it)")]
    Fetch {
        /// The OpenML task id.
        id: i64,
        /// The client's error (boxed: it carries a server's message).
        #[source]
        source: Box<oml_api::Error>,
    },
    /// An array-job engine's environment that gives no valid shard.
    #[error("{variable}: {message}")]
    Environment {
        /// The environment variable.
        variable: String,
        /// What is wrong.
        message: String,
    },
    /// Jobs of the shard were done before and `resume` is off.
    #[error(
        "{stored} of this shard's {total} jobs were done before (the first: {first}); \
         --resume skips them"
    )]
    AlreadyStored {
        /// How many were done.
        stored: usize,
        /// Jobs in the shard.
        total: usize,
        /// The first done job's label.
        first: String,
    },
    /// A file could not be written: a record of the store, or a table.
    #[error("cannot write {}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The run store or a run in it.
    #[error(transparent)]
    Store(#[from] oml_run::Error),
    /// An output file whose extension names no table format.
    #[error("{}: the extension must be .parquet, .pq or .csv", path.display())]
    Format {
        /// The file.
        path: PathBuf,
    },
    /// A run's summary with a measure that is not a number.
    #[error("{}: measure `{measure}` has no numeric `value`", path.display())]
    Summary {
        /// The run's summary file.
        path: PathBuf,
        /// The measure.
        measure: String,
    },
}

/// `file: line L, column C: ` with the parts that are known.
fn place(path: &Option<PathBuf>, line: &Option<usize>, column: &Option<usize>) -> String {
    let mut out = String::new();
    if let Some(path) = path {
        let _ = write!(out, "{}: ", path.display());
    }
    match (line, column) {
        (Some(line), Some(column)) => {
            let _ = write!(out, "line {line}, column {column}: ");
        }
        (Some(line), None) => {
            let _ = write!(out, "line {line}: ");
        }
        _ => {}
    }
    out
}
