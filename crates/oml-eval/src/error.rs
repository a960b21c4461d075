//! The error type of oml-eval.

/// Why a task could not be evaluated at all. A failing unit is not an error: it is recorded
/// in its [`crate::UnitResult`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The task's dataset cannot be encoded for a flow.
    #[error("encoding the task's dataset")]
    Data(#[from] oml_data::Error),
    /// A supervised task without a target.
    #[error("the task has no target")]
    NoTarget,
    /// A flow that does not learn the task's kind, refused before any unit runs.
    #[error("{flow} does not learn {kind} tasks")]
    Unsupported {
        /// The flow's name.
        flow: String,
        /// The task's kind (`classification`, `regression`, `clustering`).
        kind: &'static str,
    },
    /// A bad evaluator setting.
    #[error("evaluator: {0}")]
    Config(String),
    /// A search space that the flow or the search cannot take, refused before any fit: the
    /// `--tune` texts concerned and why.
    #[error("tune {}: {problem}", quoted(texts))]
    Space {
        /// The `NAME=SPACE` texts concerned, as given.
        texts: Vec<String>,
        /// Why the flow or the search cannot take them, and what they can.
        problem: String,
    },
}

/// `texts`, each in backticks, separated by commas.
fn quoted(texts: &[String]) -> String {
    texts
        .iter()
        .map(|text| format!("`{text}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A `Result` with oml-eval's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
