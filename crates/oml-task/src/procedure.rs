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

    /// The short name the command line and the stored task options use: `classification`,
    /// `regression`, `learning-curve` or `clustering`.
    pub fn short_name(self) -> &'static str {
        match self {
            TaskType::SupervisedClassification => "classification",
            TaskType::SupervisedRegression => "regression",
            TaskType::LearningCurve => "learning-curve",
            TaskType::Clustering => "clustering",
        }
    }

    /// openml-python's default estimation procedure id for the type: 1 (10-fold
    /// cross-validation), 7 (the same for regression), 13 (10-fold learning curve) and 17
    /// (50 times clustering).
    pub fn default_procedure_id(self) -> i64 {
        match self {
            TaskType::SupervisedClassification => 1,
            TaskType::SupervisedRegression => 7,
            TaskType::LearningCurve => 13,
            TaskType::Clustering => 17,
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

/// Reads a task type by OpenML's id (`1`, `2`, `3`, `5`) or a short name: `classification`,
/// `regression`, `learning-curve` (or `curve`), `clustering`.
impl std::str::FromStr for TaskType {
    type Err = crate::Error;

    fn from_str(s: &str) -> crate::Result<Self> {
        let found = match s.trim() {
            "1" | "classification" => Some(TaskType::SupervisedClassification),
            "2" | "regression" => Some(TaskType::SupervisedRegression),
            "3" | "learning-curve" | "curve" => Some(TaskType::LearningCurve),
            "5" | "clustering" => Some(TaskType::Clustering),
            _ => None,
        };
        found.ok_or_else(|| {
            crate::Error::Invalid(format!(
                "unknown task type `{s}`; expected classification, regression, learning-curve, \
                 clustering or an id (1, 2, 3, 5)"
            ))
        })
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

/// A holdout's percentage is checked finite where a resampling is made, so equality is total.
impl Eq for Resampling {}

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

impl Resampling {
    /// The id of the estimation procedure in the server's table (specification §2.3) that
    /// makes splits like these for `task_type`: 1, 2, 3, 25 and 23 for 1x10, 5x2, 10x10, 1x4
    /// and 100x10 classification cross-validation, 4 for leave-one-out and 6 for a 33 %
    /// holdout; 7 to 12 for the same regression procedures; 13 and 14 for 1x10 and 10x10
    /// learning curves. Stratification is not compared. Anything else gets openml-python's
    /// default for the task type (1, 7, 13, or 17 for clustering).
    ///
    /// openml-python 0.16 needs a procedure id in `task.xml`; the parameters and the split
    /// file, not the id, decide what oml and openml-python do.
    pub fn server_procedure_id(&self, task_type: TaskType) -> i64 {
        use Resampling::*;
        let classification = match *self {
            CrossValidation {
                repeats: 1,
                folds: 10,
                ..
            } => Some(1),
            CrossValidation {
                repeats: 5,
                folds: 2,
                ..
            } => Some(2),
            CrossValidation {
                repeats: 10,
                folds: 10,
                ..
            } => Some(3),
            LeaveOneOut => Some(4),
            Holdout {
                repeats: 1,
                percentage: 33.0,
                ..
            } => Some(6),
            CrossValidation {
                repeats: 100,
                folds: 10,
                ..
            } => Some(23),
            CrossValidation {
                repeats: 1,
                folds: 4,
                ..
            } => Some(25),
            _ => None,
        };
        let found = match task_type {
            TaskType::SupervisedClassification => classification,
            TaskType::SupervisedRegression => classification.filter(|id| *id <= 6).map(|id| id + 6),
            TaskType::LearningCurve => match *self {
                LearningCurve {
                    repeats: 1,
                    folds: 10,
                    ..
                } => Some(13),
                LearningCurve {
                    repeats: 10,
                    folds: 10,
                    ..
                } => Some(14),
                _ => None,
            },
            TaskType::Clustering => None,
        };
        found.unwrap_or(task_type.default_procedure_id())
    }
}

/// The compact form that [`FromStr`](std::str::FromStr) reads: `cv:FOLDS[:REPEATS]`,
/// `holdout:PERCENT[:REPEATS]`, `loo`, `curve:FOLDS[:REPEATS]` (a learning curve); the
/// repeats are left out when 1. Stratification is not part of it.
impl fmt::Display for Resampling {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (name, first, repeats) = match *self {
            Resampling::CrossValidation { repeats, folds, .. } => ("cv", f64::from(folds), repeats),
            Resampling::Holdout {
                repeats,
                percentage,
                ..
            } => ("holdout", percentage, repeats),
            Resampling::LearningCurve { repeats, folds, .. } => {
                ("curve", f64::from(folds), repeats)
            }
            Resampling::LeaveOneOut => return f.write_str("loo"),
        };
        write!(f, "{name}:{first}")?;
        if repeats != 1 {
            write!(f, ":{repeats}")?;
        }
        Ok(())
    }
}

/// Reads `cv:FOLDS[:REPEATS]` (cross-validation), `holdout:PERCENT[:REPEATS]`, `loo`
/// (leave-one-out) and `curve:FOLDS[:REPEATS]` (learning curve); repeats default to 1.
/// Cross-validation, holdouts and curves come out stratified; a task builder turns that off
/// for numeric targets (see `LocalTaskBuilder::stratified`). Counts and percentages are
/// checked as [`ProcedureDescription::resampling`](crate::ProcedureDescription::resampling)
/// checks them.
impl std::str::FromStr for Resampling {
    type Err = crate::Error;

    fn from_str(s: &str) -> crate::Result<Self> {
        let bad = |why: &str| {
            crate::Error::Invalid(format!(
                "resampling `{s}`: {why}; expected cv:FOLDS[:REPEATS], holdout:PERCENT[:REPEATS], \
                 loo or curve:FOLDS[:REPEATS]"
            ))
        };
        let mut parts = s.trim().split(':');
        let kind = parts.next().unwrap_or_default();
        let first = parts.next();
        let count = |text: &str, what: &str, least: u64| match text.trim().parse::<u64>() {
            Ok(n) if n < least => Err(bad(&format!("the {what} must be at least {least}"))),
            Ok(n) => u32::try_from(n)
                .map_err(|_| bad(&format!("the {what} must be at most {}", u32::MAX))),
            Err(_) => Err(bad(&format!(
                "the {what} must be a whole number of at least {least}"
            ))),
        };
        let repeats = match parts.next() {
            None => 1,
            Some(r) => count(r, "repeats", 1)?,
        };
        if parts.next().is_some() {
            return Err(bad("too many `:`"));
        }
        let folds = |first: Option<&str>| match first {
            Some(f) => count(f, "folds", 2),
            None => Err(bad("the folds must be a whole number of at least 2")),
        };
        match kind.trim() {
            "cv" => Ok(Resampling::CrossValidation {
                repeats,
                folds: folds(first)?,
                stratified: true,
            }),
            "curve" => Ok(Resampling::LearningCurve {
                repeats,
                folds: folds(first)?,
                stratified: true,
            }),
            "holdout" => match first.map(|p| p.trim().parse::<f64>()) {
                Some(Ok(percentage)) if percentage > 0.0 && percentage < 100.0 => {
                    Ok(Resampling::Holdout {
                        repeats,
                        percentage,
                        stratified: true,
                    })
                }
                _ => Err(bad("the percentage must be more than 0 and less than 100")),
            },
            "loo" if first.is_none() => Ok(Resampling::LeaveOneOut),
            "loo" => Err(bad("leave-one-out takes no parameters")),
            _ => Err(bad("unknown kind")),
        }
    }
}

/// The training-set size of learning-curve sample `sample` when the training fold has `n`
/// rows: `min(n, round(2^(6 + sample/2)))`.
pub fn learning_curve_size(sample: u32, n: usize) -> usize {
    let size = libm::pow(2f64, 6.0 + f64::from(sample) / 2.0).round();
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
    fn resampling_specs_round_trip() {
        for spec in [
            "cv:10",
            "cv:2:5",
            "holdout:33",
            "holdout:12.5:3",
            "loo",
            "curve:10:2",
        ] {
            let resampling: Resampling = spec.parse().unwrap();
            assert_eq!(resampling.to_string(), spec);
        }
        assert_eq!(
            "cv:10:3".parse::<Resampling>().unwrap(),
            Resampling::CrossValidation {
                repeats: 3,
                folds: 10,
                stratified: true
            }
        );
        for bad in [
            "",
            "cv",
            "cv:1",
            "cv:10:0",
            "cv:x",
            "holdout:100",
            "loo:1",
            "cv:2:2:2",
        ] {
            let err = bad.parse::<Resampling>().unwrap_err().to_string();
            assert!(err.starts_with(&format!("resampling `{bad}`: ")), "{err}");
        }
    }

    #[test]
    fn server_procedure_ids() {
        let cv = |repeats, folds| Resampling::CrossValidation {
            repeats,
            folds,
            stratified: true,
        };
        let holdout = Resampling::Holdout {
            repeats: 1,
            percentage: 33.0,
            stratified: true,
        };
        let classification = TaskType::SupervisedClassification;
        let regression = TaskType::SupervisedRegression;
        assert_eq!(cv(1, 10).server_procedure_id(classification), 1);
        assert_eq!(cv(10, 10).server_procedure_id(classification), 3);
        assert_eq!(holdout.server_procedure_id(classification), 6);
        assert_eq!(cv(1, 5).server_procedure_id(classification), 1);
        assert_eq!(cv(1, 10).server_procedure_id(regression), 7);
        assert_eq!(Resampling::LeaveOneOut.server_procedure_id(regression), 10);
        assert_eq!(holdout.server_procedure_id(regression), 12);
        assert_eq!(cv(1, 4).server_procedure_id(regression), 7);
        let curve = |repeats| Resampling::LearningCurve {
            repeats,
            folds: 10,
            stratified: true,
        };
        assert_eq!(curve(1).server_procedure_id(TaskType::LearningCurve), 13);
        assert_eq!(curve(10).server_procedure_id(TaskType::LearningCurve), 14);
        assert_eq!(cv(1, 10).server_procedure_id(TaskType::Clustering), 17);
    }

    #[test]
    fn task_type_ids() {
        for id in [1, 2, 3, 5] {
            assert_eq!(TaskType::from_id(id).unwrap().id(), id);
        }
        assert_eq!(TaskType::from_id(4), None);
        assert_eq!(
            "curve".parse::<TaskType>().unwrap(),
            TaskType::LearningCurve
        );
        assert_eq!(
            "2".parse::<TaskType>().unwrap(),
            TaskType::SupervisedRegression
        );
        assert!("survival".parse::<TaskType>().is_err());
    }
}
