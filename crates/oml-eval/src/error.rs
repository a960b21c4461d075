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
    /// A bad evaluator setting.
    #[error("evaluator: {0}")]
    Config(String),
}

/// A `Result` with oml-eval's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
