//! Task types and estimation procedures.

use std::fmt;

/// The OpenML task types oml runs (the `task_type` table; ids are OpenML's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskType {
    /// 1: predict a nominal target.
    SupervisedClassification,
    /// 2: predict a numeric target.
    SupervisedRegression,
    /// 3: classification on growing prefixes of each training fold.
    LearningCurve,
    /// 5: cluster the rows; no target.
    Clustering,
}

impl TaskType {
    /// OpenML's id: 1, 2, 3 or 5.
    pub fn id(self) -> u32 {
        match self {
            TaskType::SupervisedClassification => 1,
            TaskType::SupervisedRegression => 2,
            TaskType::LearningCurve => 3,
            TaskType::Clustering => 5,
        }
    }

    /// The type with OpenML's id `id`, if oml runs it.
    pub fn from_id(id: u32) -> Option<Self> {
        match id {
            1 => Some(TaskType::SupervisedClassification),
            2 => Some(TaskType::SupervisedRegression),
            3 => Some(TaskType::LearningCurve),
            5 => Some(TaskType::Clustering),
            _ => None,
        }
    }

    /// OpenML's name, as in `task.xml`: `Supervised Classification`, ...
    pub fn name(self) -> &'static str {
        match self {
            TaskType::SupervisedClassification => "Supervised Classification",
            TaskType::SupervisedRegression => "Supervised Regression",
            TaskType::LearningCurve => "Learning Curve",
            TaskType::Clustering => "Clustering",
        }
    }

    /// Whether the target is nominal (classification and learning curves).
    pub fn is_classification(self) -> bool {
        matches!(
            self,
            TaskType::SupervisedClassification | TaskType::LearningCurve
        )
    }
}

impl fmt::Display for TaskType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How train/test splits are made: what `task.xml` calls the estimation procedure, as far as it
/// determines generated splits. Splits read from a file never depend on it.
#[derive(Debug, Clone, PartialEq)]
pub enum Resampling {
    /// `repeats` times `folds`-fold cross-validation; stratified by class when asked and the
    /// target is nominal.
    CrossValidation {
        /// Number of repeats, at least 1.
        repeats: u32,
        /// Number of folds, at least 2.
        folds: u32,
        /// Keep class proportions in every fold.
        stratified: bool,
    },
    /// `repeats` holdout splits with `percentage` percent of the rows as the test set.
    Holdout {
        /// Number of repeats, at least 1.
        repeats: u32,
        /// Percent of rows in the test set, in (0, 100).
        percentage: f64,
        /// Keep class proportions in train and test.
        stratified: bool,
    },
    /// One fold per row, that row the test set.
    LeaveOneOut,
    /// Cross-validation whose training folds are cut into growing prefixes (samples) of
    /// `min(N, round(2^(6 + s/2)))` rows, each a prefix of the next.
    LearningCurve {
        /// Number of repeats, at least 1.
        repeats: u32,
        /// Number of folds, at least 2.
        folds: u32,
        /// Keep class proportions in every fold.
        stratified: bool,
    },
}

impl Resampling {
    /// OpenML's procedure type string: `crossvalidation`, `holdout` or `leaveoneout`.
    pub fn openml_type(&self) -> &'static str {
        match self {
            Resampling::CrossValidation { .. } | Resampling::LearningCurve { .. } => {
                "crossvalidation"
            }
            Resampling::Holdout { .. } => "holdout",
            Resampling::LeaveOneOut => "leaveoneout",
        }
    }
}

/// The training-set size of learning-curve sample `sample` when the training fold has `n`
/// rows: `min(n, round(2^(6 + sample/2)))`.
pub fn learning_curve_size(sample: u32, n: usize) -> usize {
    let size = 2f64.powf(6.0 + f64::from(sample) / 2.0).round();
    if size >= n as f64 { n } else { size as usize }
}

/// The number of learning-curve samples for a training fold of `n` rows: up to and including
/// the first whose size reaches `n`.
pub fn learning_curve_samples(n: usize) -> u32 {
    let mut sample = 0;
    while learning_curve_size(sample, n) < n {
        sample += 1;
    }
    sample + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learning_curve_sizes_follow_openml() {
        let sizes: Vec<usize> = (0..13).map(|s| learning_curve_size(s, 1_000_000)).collect();
        assert_eq!(
            sizes,
            [
                64, 91, 128, 181, 256, 362, 512, 724, 1024, 1448, 2048, 2896, 4096
            ]
        );
        // The spec's example: a training fold of 691 rows has 8 samples, the last all 691.
        assert_eq!(learning_curve_samples(691), 8);
        assert_eq!(learning_curve_size(7, 691), 691);
        assert_eq!(learning_curve_samples(64), 1);
        assert_eq!(learning_curve_samples(10), 1);
    }

    #[test]
    fn task_type_ids() {
        for id in [1, 2, 3, 5] {
            assert_eq!(TaskType::from_id(id).unwrap().id(), id);
        }
        assert_eq!(TaskType::from_id(4), None);
    }
}
