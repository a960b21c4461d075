//! The crate's one error type.

/// What can go wrong when checking parameters or fitting a model.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A parameter has a value outside its allowed range.
    #[error("invalid parameter {name}: {value} (allowed: {allowed})")]
    InvalidParameter {
        /// The parameter's name, as its setter is called (`c`).
        name: &'static str,
        /// The rejected value, as text.
        value: String,
        /// What the parameter accepts.
        allowed: &'static str,
    },
    /// The dataset has no rows.
    #[error("no training rows")]
    NoRows,
    /// The targets do not have one entry per row.
    #[error("targets have {found} entries but there are {rows} rows")]
    LengthMismatch {
        /// The number of rows of the records.
        rows: usize,
        /// The number of targets found.
        found: usize,
    },
    /// Every training row has the same class: there is nothing to separate.
    #[error("every training row has class {class}: logistic regression needs two classes")]
    OneClass {
        /// The one class.
        class: usize,
    },
    /// A record is NaN or infinite.
    #[error("row {row}, column {column}: {value} is not finite")]
    NonFiniteInput {
        /// The row, from 0.
        row: usize,
        /// The column, from 0.
        column: usize,
        /// The value found.
        value: f64,
    },
    /// A target is NaN or infinite.
    #[error("row {row}: target {value} is not finite")]
    NonFiniteTarget {
        /// The row, from 0.
        row: usize,
        /// The value found.
        value: f64,
    },
    /// Records to predict have another number of columns than the training records.
    #[error("the model was fitted on {expected} columns, the records have {found}")]
    WidthMismatch {
        /// The training records' columns.
        expected: usize,
        /// The columns given.
        found: usize,
    },
    /// An error of linfa itself, as its message.
    #[error("{0}")]
    Linfa(String),
}

impl From<linfa::Error> for Error {
    fn from(error: linfa::Error) -> Self {
        Error::Linfa(error.to_string())
    }
}

/// The crate's result type.
pub type Result<T> = std::result::Result<T, Error>;
