//! The crate's one error type.

/// What can go wrong when checking parameters or fitting a tree.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A parameter has a value outside its allowed range.
    #[error("invalid parameter {name}: {value} (allowed: {allowed})")]
    InvalidParameter {
        /// The parameter's name, as its setter is called (`min_samples_leaf`).
        name: &'static str,
        /// The rejected value, as text.
        value: String,
        /// What the parameter accepts.
        allowed: &'static str,
    },
    /// The dataset has no rows, or every row has weight 0.
    #[error("no training rows")]
    NoRows,
    /// A family of parameter sets fitted at once has none, or a member that differs from the
    /// first in more than the depth limit and the leaf size.
    #[error(
        "a family fitted at once needs parameter sets that differ only in max_depth and \
         min_samples_leaf: {0}"
    )]
    Family(String),
    /// Two inputs that must have one entry per row do not.
    #[error("{what} has {found} entries but there are {rows} rows")]
    LengthMismatch {
        /// Which input is too long or too short (`targets`, `sample weights`).
        what: &'static str,
        /// The number of rows of the records.
        rows: usize,
        /// The number of entries found.
        found: usize,
    },
    /// A class label is not below the number of classes given with `n_classes`.
    #[error("row {row}: label {label} is not below n_classes = {n_classes}")]
    LabelOutOfRange {
        /// The row, from 0.
        row: usize,
        /// The label found.
        label: usize,
        /// The number of classes.
        n_classes: usize,
    },
    /// A regression target is NaN or infinite.
    #[error("row {row}: target {value} is not finite")]
    NonFiniteTarget {
        /// The row, from 0.
        row: usize,
        /// The value found.
        value: f64,
    },
    /// A sample weight is negative, NaN or infinite.
    #[error("row {row}: sample weight {weight} is not finite and non-negative")]
    InvalidWeight {
        /// The row, from 0.
        row: usize,
        /// The weight found.
        weight: f64,
    },
    /// More rows than a tree indexes (`u32::MAX`).
    #[error("{rows} rows are more than a tree indexes ({max})")]
    TooManyRows {
        /// The number of rows.
        rows: usize,
        /// The largest number of rows supported.
        max: usize,
    },
    /// Records have a different number of features than the tree or the presorted features.
    #[error("{found} features where {expected} were expected")]
    FeatureMismatch {
        /// The number of features expected.
        expected: usize,
        /// The number found.
        found: usize,
    },
    /// The dataset has sample weights, which the gradient boosting machine does not take.
    #[error("sample weights are not supported by gradient boosting")]
    WeightsUnsupported,
    /// An error of linfa itself.
    #[error(transparent)]
    Linfa(#[from] LinfaError),
}

/// linfa's error, wrapped so that [`Error`] can stay `Clone` and `PartialEq`: its message.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct LinfaError(pub String);

impl From<linfa::Error> for Error {
    fn from(error: linfa::Error) -> Self {
        Error::Linfa(LinfaError(error.to_string()))
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

pub(crate) fn invalid(name: &'static str, value: impl ToString, allowed: &'static str) -> Error {
    Error::InvalidParameter {
        name,
        value: value.to_string(),
        allowed,
    }
}
