//! Statistical tests for comparing flows (algorithms) by their evaluation scores.
//!
//! Two settings are covered:
//!
//! - **Two flows on one task.** [`corrected_resampled_t_test`] compares their scores per
//!   (repeat, fold) with Nadeau and Bengio's corrected resampled t-test (C. Nadeau and Y. Bengio,
//!   "Inference for the Generalization Error", Machine Learning 52, 2003), which inflates the
//!   variance to account for the overlap of training sets between folds.
//! - **Several flows on several datasets.** [`friedman`] ranks the flows per dataset
//!   ([`rank_row`]) and tests whether their average ranks differ, with the Iman-Davenport
//!   correction; [`nemenyi_q`], [`critical_difference`] and [`nemenyi_groups`] give Nemenyi's
//!   post-hoc test and the groups drawn as bars in a critical-difference diagram (J. Demšar,
//!   "Statistical Comparisons of Classifiers over Multiple Data Sets", JMLR 7, 2006).
//!
//! `t_test` holds the first, `friedman` the ranks and Friedman's test, `nemenyi` the post-hoc
//! test. This module only computes; it reads no runs and draws nothing. Bad input is reported
//! as a [`StatsError`], never as a panic.
//!
//! ```
//! use oml_report::stats::{critical_difference, friedman, nemenyi_groups};
//!
//! // Three datasets (rows) by three flows (columns), accuracy: higher is better.
//! let scores = vec![
//!     vec![0.90, 0.85, 0.80],
//!     vec![0.70, 0.72, 0.60],
//!     vec![0.95, 0.90, 0.91],
//! ];
//! let test = friedman(&scores, true).unwrap();
//! assert_eq!(test.average_ranks, vec![4.0 / 3.0, 2.0, 8.0 / 3.0]);
//! let cd = critical_difference(test.n_algorithms, test.n_datasets, 0.05).unwrap();
//! let groups = nemenyi_groups(&test.average_ranks, cd);
//! assert_eq!(groups, vec![vec![0, 1, 2]]);
//! ```

mod friedman;
mod nemenyi;
mod t_test;
#[cfg(test)]
mod tests;

pub use friedman::{Friedman, friedman, rank_row};
pub use nemenyi::{NEMENYI_MAX_ALGORITHMS, critical_difference, nemenyi_groups, nemenyi_q};
pub use t_test::{CorrectedTTest, corrected_resampled_t_test};

/// What is wrong with the input of a statistical test.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum StatsError {
    /// The two score series of a paired test differ in length.
    #[error("paired scores differ in length: a has {a} scores, b has {b}")]
    LengthMismatch {
        /// Number of scores in `a`.
        a: usize,
        /// Number of scores in `b`.
        b: usize,
    },
    /// A paired test got fewer than two pairs.
    #[error("paired test needs at least 2 pairs of scores, found {found}")]
    TooFewPairs {
        /// Number of pairs given.
        found: usize,
    },
    /// A score of a paired test is NaN or infinite.
    #[error("score series {series}, index {index}: non-finite score {value}")]
    NonFiniteScore {
        /// Which series: `"a"` or `"b"`.
        series: &'static str,
        /// Index of the score, from 0.
        index: usize,
        /// The offending value.
        value: f64,
    },
    /// The difference `a - b` of two finite scores overflows.
    #[error("index {index}: difference of scores {a} - {b} overflows")]
    DifferenceOverflow {
        /// Index of the pair, from 0.
        index: usize,
        /// Score in `a`.
        a: f64,
        /// Score in `b`.
        b: f64,
    },
    /// The test/train size ratio is not a finite positive number.
    #[error("test/train ratio must be finite and positive, found {ratio}")]
    InvalidRatio {
        /// The offending ratio.
        ratio: f64,
    },
    /// Too few datasets (rows) for a test across datasets.
    #[error("need at least {min} datasets, found {found}")]
    TooFewDatasets {
        /// Number of datasets given.
        found: usize,
        /// Smallest number accepted.
        min: usize,
    },
    /// Too few algorithms (columns) for a test across algorithms.
    #[error("need at least {min} algorithms, found {found}")]
    TooFewAlgorithms {
        /// Number of algorithms given.
        found: usize,
        /// Smallest number accepted.
        min: usize,
    },
    /// The number of algorithms is outside the supported range.
    #[error("number of algorithms must be in {min}..={max}, found {found}")]
    AlgorithmCountOutOfRange {
        /// Number of algorithms given.
        found: usize,
        /// Smallest number supported.
        min: usize,
        /// Largest number supported.
        max: usize,
    },
    /// A row of a score table has another length than the first row.
    #[error("row {row}: found {found} scores, but row 0 has {expected}")]
    RaggedRow {
        /// Index of the row, from 0.
        row: usize,
        /// Length of row 0.
        expected: usize,
        /// Length of this row.
        found: usize,
    },
    /// A cell of a score table is NaN or infinite.
    #[error("row {row}, column {column}: non-finite score {value}")]
    NonFiniteCell {
        /// Index of the row (dataset), from 0.
        row: usize,
        /// Index of the column (algorithm), from 0.
        column: usize,
        /// The offending value.
        value: f64,
    },
    /// The significance level is not strictly between 0 and 1.
    #[error("significance level alpha must lie strictly between 0 and 1, found {alpha}")]
    InvalidAlpha {
        /// The offending level.
        alpha: f64,
    },
}
