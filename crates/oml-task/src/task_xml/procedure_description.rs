//! The estimation procedure as a task document names it, and the [`Resampling`] that
//! generates its splits.

use std::fmt;

use crate::error::{Error, Result};
use crate::procedure::{Resampling, TaskType};

/// The estimation procedure as the task names it (parameters kept as the server wrote them).
///
/// A parameter the document leaves empty (the server's NULL) is `None`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProcedureDescription {
    /// The procedure id on the server (`1` is 10-fold cross-validation for classification).
    pub id: Option<i64>,
    /// `oml:type`: `crossvalidation`, `holdout`, `leaveoneout`, `customholdout`, ...
    pub kind: String,
    /// Where the server serves the task's split file.
    pub data_splits_url: Option<String>,
    /// The number of repeats.
    pub number_repeats: Option<u32>,
    /// The number of folds.
    pub number_folds: Option<u32>,
    /// The number of learning-curve samples.
    pub number_samples: Option<u32>,
    /// The percentage of rows in a holdout test set.
    pub percentage: Option<f64>,
    /// Whether splits keep class proportions.
    pub stratified_sampling: Option<bool>,
}

impl ProcedureDescription {
    /// The `Resampling` that generates splits like this procedure's, or an error saying which
    /// parameter is missing or unsupported (e.g. customholdout has no generator: the split file
    /// is needed).
    ///
    /// `crossvalidation` needs `number_repeats` (at least 1) and `number_folds` (at least 2) and
    /// becomes [`Resampling::LearningCurve`] for learning-curve tasks; `holdout` needs
    /// `number_repeats` and a `percentage` in (0, 100); `leaveoneout` needs nothing. A missing
    /// `stratified_sampling` counts as false.
    pub fn resampling(&self, task_type: TaskType) -> Result<Resampling> {
        let kind = self.kind.as_str();
        let stratified = self.stratified_sampling.unwrap_or(false);
        if task_type == TaskType::LearningCurve && kind != "crossvalidation" {
            return Err(invalid(format_args!(
                "learning-curve tasks need a `crossvalidation` estimation procedure, not `{kind}`"
            )));
        }
        match kind {
            "crossvalidation" => {
                let repeats = self.repeats()?;
                let folds = self.required("number_folds", self.number_folds)?;
                if folds < 2 {
                    return Err(invalid(format_args!(
                        "estimation procedure `crossvalidation` has `number_folds` {folds}; \
                         expected at least 2"
                    )));
                }
                Ok(if task_type == TaskType::LearningCurve {
                    Resampling::LearningCurve {
                        repeats,
                        folds,
                        stratified,
                    }
                } else {
                    Resampling::CrossValidation {
                        repeats,
                        folds,
                        stratified,
                    }
                })
            }
            "holdout" => {
                let repeats = self.repeats()?;
                let percentage = self.required("percentage", self.percentage)?;
                if !(percentage > 0.0 && percentage < 100.0) {
                    return Err(invalid(format_args!(
                        "estimation procedure `holdout` has `percentage` {percentage}; \
                         expected more than 0 and less than 100"
                    )));
                }
                Ok(Resampling::Holdout {
                    repeats,
                    percentage,
                    stratified,
                })
            }
            "leaveoneout" => Ok(Resampling::LeaveOneOut),
            "customholdout" => Err(invalid(
                "estimation procedure `customholdout` has no generator; the task's split file is needed",
            )),
            "" => Err(invalid("the task names no estimation procedure type")),
            other => Err(invalid(format_args!(
                "estimation procedure `{other}` has no generator (oml generates crossvalidation, \
                 holdout and leaveoneout splits); the task's split file is needed"
            ))),
        }
    }

    /// The description of a Resampling (inverse of [`resampling`](Self::resampling): kind,
    /// repeats, folds, percentage, stratified; id None).
    ///
    /// Holdouts have no `number_folds`; leave-one-out has one repeat and no stratification, as in
    /// the server's procedure table.
    pub fn from_resampling(r: &Resampling) -> Self {
        let kind = r.openml_type().to_owned();
        match *r {
            Resampling::CrossValidation {
                repeats,
                folds,
                stratified,
            }
            | Resampling::LearningCurve {
                repeats,
                folds,
                stratified,
            } => ProcedureDescription {
                kind,
                number_repeats: Some(repeats),
                number_folds: Some(folds),
                stratified_sampling: Some(stratified),
                ..ProcedureDescription::default()
            },
            Resampling::Holdout {
                repeats,
                percentage,
                stratified,
            } => ProcedureDescription {
                kind,
                number_repeats: Some(repeats),
                percentage: Some(percentage),
                stratified_sampling: Some(stratified),
                ..ProcedureDescription::default()
            },
            Resampling::LeaveOneOut => ProcedureDescription {
                kind,
                number_repeats: Some(1),
                stratified_sampling: Some(false),
                ..ProcedureDescription::default()
            },
        }
    }

    fn required<T>(&self, parameter: &str, value: Option<T>) -> Result<T> {
        value.ok_or_else(|| {
            invalid(format_args!(
                "estimation procedure `{}` has no `{parameter}`",
                self.kind
            ))
        })
    }

    fn repeats(&self) -> Result<u32> {
        let repeats = self.required("number_repeats", self.number_repeats)?;
        if repeats == 0 {
            return Err(invalid(format_args!(
                "estimation procedure `{}` has `number_repeats` 0; expected at least 1",
                self.kind
            )));
        }
        Ok(repeats)
    }
}

fn invalid(message: impl fmt::Display) -> Error {
    Error::Invalid(message.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invalid_message(result: Result<Resampling>) -> String {
        match result {
            Err(Error::Invalid(message)) => message,
            other => panic!("expected an invalid-procedure error, got {other:?}"),
        }
    }

    fn procedure(kind: &str) -> ProcedureDescription {
        ProcedureDescription {
            kind: kind.into(),
            ..ProcedureDescription::default()
        }
    }

    #[test]
    fn resampling_crossvalidation() {
        let mut cv = ProcedureDescription {
            number_repeats: Some(10),
            number_folds: Some(10),
            stratified_sampling: Some(true),
            ..procedure("crossvalidation")
        };
        assert_eq!(
            cv.resampling(TaskType::SupervisedClassification).unwrap(),
            Resampling::CrossValidation {
                repeats: 10,
                folds: 10,
                stratified: true
            }
        );
        cv.stratified_sampling = Some(false);
        assert_eq!(
            cv.resampling(TaskType::SupervisedRegression).unwrap(),
            Resampling::CrossValidation {
                repeats: 10,
                folds: 10,
                stratified: false
            }
        );
        cv.stratified_sampling = None;
        assert_eq!(
            cv.resampling(TaskType::SupervisedRegression).unwrap(),
            Resampling::CrossValidation {
                repeats: 10,
                folds: 10,
                stratified: false
            }
        );
    }

    #[test]
    fn resampling_holdout() {
        let holdout = ProcedureDescription {
            number_repeats: Some(1),
            percentage: Some(33.0),
            stratified_sampling: Some(true),
            ..procedure("holdout")
        };
        assert_eq!(
            holdout
                .resampling(TaskType::SupervisedClassification)
                .unwrap(),
            Resampling::Holdout {
                repeats: 1,
                percentage: 33.0,
                stratified: true
            }
        );
        let no_percentage = ProcedureDescription {
            percentage: None,
            ..holdout.clone()
        };
        assert_eq!(
            invalid_message(no_percentage.resampling(TaskType::SupervisedClassification)),
            "estimation procedure `holdout` has no `percentage`"
        );
        let all = ProcedureDescription {
            percentage: Some(100.0),
            ..holdout
        };
        assert_eq!(
            invalid_message(all.resampling(TaskType::SupervisedClassification)),
            "estimation procedure `holdout` has `percentage` 100; expected more than 0 and less than 100"
        );
    }

    #[test]
    fn resampling_leave_one_out() {
        let loo = ProcedureDescription {
            number_repeats: Some(1),
            stratified_sampling: Some(false),
            ..procedure("leaveoneout")
        };
        assert_eq!(
            loo.resampling(TaskType::SupervisedRegression).unwrap(),
            Resampling::LeaveOneOut
        );
        assert_eq!(
            procedure("leaveoneout")
                .resampling(TaskType::SupervisedClassification)
                .unwrap(),
            Resampling::LeaveOneOut
        );
    }

    #[test]
    fn resampling_learning_curve() {
        let curve = ProcedureDescription {
            id: Some(13),
            number_repeats: Some(1),
            number_folds: Some(10),
            number_samples: Some(8),
            stratified_sampling: Some(true),
            ..procedure("crossvalidation")
        };
        assert_eq!(
            curve.resampling(TaskType::LearningCurve).unwrap(),
            Resampling::LearningCurve {
                repeats: 1,
                folds: 10,
                stratified: true
            }
        );
        assert_eq!(
            invalid_message(procedure("holdout").resampling(TaskType::LearningCurve)),
            "learning-curve tasks need a `crossvalidation` estimation procedure, not `holdout`"
        );
    }

    #[test]
    fn resampling_errors() {
        let classification = TaskType::SupervisedClassification;
        let custom = ProcedureDescription {
            number_repeats: Some(1),
            number_folds: Some(10),
            ..procedure("customholdout")
        };
        assert_eq!(
            invalid_message(custom.resampling(classification)),
            "estimation procedure `customholdout` has no generator; the task's split file is needed"
        );
        let no_folds = ProcedureDescription {
            number_repeats: Some(1),
            ..procedure("crossvalidation")
        };
        assert_eq!(
            invalid_message(no_folds.resampling(classification)),
            "estimation procedure `crossvalidation` has no `number_folds`"
        );
        let one_fold = ProcedureDescription {
            number_folds: Some(1),
            ..no_folds.clone()
        };
        assert_eq!(
            invalid_message(one_fold.resampling(classification)),
            "estimation procedure `crossvalidation` has `number_folds` 1; expected at least 2"
        );
        let no_repeats = ProcedureDescription {
            number_repeats: None,
            number_folds: Some(10),
            ..procedure("crossvalidation")
        };
        assert_eq!(
            invalid_message(no_repeats.resampling(classification)),
            "estimation procedure `crossvalidation` has no `number_repeats`"
        );
        assert!(
            invalid_message(procedure("testontrainingdata").resampling(TaskType::Clustering))
                .starts_with("estimation procedure `testontrainingdata` has no generator")
        );
        assert_eq!(
            invalid_message(procedure("").resampling(classification)),
            "the task names no estimation procedure type"
        );
    }

    #[test]
    fn from_resampling_inverts_resampling() {
        let cases = [
            (
                TaskType::SupervisedClassification,
                Resampling::CrossValidation {
                    repeats: 5,
                    folds: 2,
                    stratified: true,
                },
            ),
            (
                TaskType::SupervisedRegression,
                Resampling::Holdout {
                    repeats: 1,
                    percentage: 33.0,
                    stratified: false,
                },
            ),
            (TaskType::SupervisedClassification, Resampling::LeaveOneOut),
            (
                TaskType::LearningCurve,
                Resampling::LearningCurve {
                    repeats: 1,
                    folds: 10,
                    stratified: true,
                },
            ),
        ];
        for (task_type, resampling) in cases {
            let description = ProcedureDescription::from_resampling(&resampling);
            assert_eq!(description.id, None);
            assert_eq!(description.kind, resampling.openml_type());
            assert_eq!(description.resampling(task_type).unwrap(), resampling);
        }
        let holdout = ProcedureDescription::from_resampling(&Resampling::Holdout {
            repeats: 3,
            percentage: 20.0,
            stratified: true,
        });
        assert_eq!(
            holdout,
            ProcedureDescription {
                kind: "holdout".into(),
                number_repeats: Some(3),
                percentage: Some(20.0),
                stratified_sampling: Some(true),
                ..ProcedureDescription::default()
            }
        );
    }
}
