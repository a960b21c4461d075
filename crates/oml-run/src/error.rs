//! The error type of oml-run.

use std::path::PathBuf;

/// What can go wrong packaging a run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file or directory of the run could not be written.
    #[error("cannot write {path}")]
    Write {
        /// The path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// Something is already where a run directory was to be written, and it is kept.
    #[error("{path} {message}")]
    Exists {
        /// The path.
        path: PathBuf,
        /// What is there and why it is kept.
        message: String,
    },
    /// A file of the run or of its task could not be read.
    #[error("cannot read {path}")]
    Read {
        /// The path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A file of a run directory that is not what it should be.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The task's dataset cannot be written as ARFF (for its digest).
    #[error("the task's dataset")]
    Dataset(#[source] oml_data::Error),
    /// The flow cannot be written as OpenML's flow XML.
    #[error("the flow's XML")]
    Flow(#[from] oml_flow::Error),
    /// The task of a run could not be read or made.
    #[error("cannot read task {task}")]
    Task {
        /// The task as given.
        task: String,
        /// The cause (boxed: task errors carry paths and lines).
        #[source]
        source: Box<oml_task::Error>,
    },
    /// The flow of a run cannot be made or its parameters set (boxed, as the others that
    /// carry another crate's error).
    #[error(transparent)]
    Setup(Box<oml_flow::Error>),
    /// The evaluator failed.
    #[error("cannot evaluate the flow on the task")]
    Eval(#[source] Box<oml_eval::Error>),
    /// A run description that cannot be read.
    #[error("description.xml: line {line}: {message}")]
    Description {
        /// The line (from 1).
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// The predictions do not fit the task.
    #[error("predictions of unit (repeat {repeat}, fold {fold}, sample {sample}): {problem}")]
    Predictions {
        /// The repeat.
        repeat: u32,
        /// The fold.
        fold: u32,
        /// The sample.
        sample: u32,
        /// What is wrong.
        problem: String,
    },
}

impl From<oml_eval::Error> for Error {
    fn from(error: oml_eval::Error) -> Self {
        Error::Eval(Box::new(error))
    }
}

/// A `Result` with oml-run's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
