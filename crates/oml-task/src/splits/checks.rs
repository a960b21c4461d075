//! What a task's splits must be beside the shape [`Splits::new`] checks: the counts its
//! `task.xml` declares, folds that differ in their samples only in a learning curve, and
//! units a model can be trained and scored on.

use crate::task_xml::{ProcedureDescription, TaskDescription};
use crate::{Error, Result, TaskType};

use super::{Splits, describe};

impl Splits {
    /// Checks the splits of the task `description` describes on a dataset of `n_rows` rows:
    /// the counts of its estimation procedure ([`Splits::check_procedure`]) and the rows
    /// ([`Splits::validate`]), whose test folds partition the dataset for cross-validation,
    /// leave-one-out and learning curves.
    pub fn check_for_task(&self, description: &TaskDescription, n_rows: usize) -> Result<()> {
        self.check_procedure(&description.procedure, description.task_type)?;
        let partition = description.task_type == TaskType::LearningCurve
            || matches!(
                description.procedure.kind.as_str(),
                "crossvalidation" | "leaveoneout"
            );
        self.validate(n_rows, partition)
    }

    /// Checks the splits of a supervised or learning-curve task against its estimation
    /// procedure: the split file's repeats and folds must be the `number_repeats` and
    /// `number_folds` of `task.xml`, where it gives them, and its learning-curve samples at
    /// most `number_samples` (OpenML's "maximum number of samples": a small dataset has
    /// fewer), counting the samples of repeat 0, fold 0, which are run. A clustering task's
    /// counts are not checked: the server's clustering procedures declare repeats that its
    /// split files need not have. The error names the split file and the task's parameter.
    ///
    /// Only a learning curve's folds may have more samples than repeat 0, fold 0
    /// ([`Splits::extra_units`]); for any other task type the error names the split file and
    /// the first such repeat and fold.
    pub fn check_procedure(
        &self,
        procedure: &ProcedureDescription,
        task_type: TaskType,
    ) -> Result<()> {
        if task_type != TaskType::LearningCurve
            && let Some((run, extra)) = self.folds().find(|(_, extra)| !extra.is_empty())
        {
            let (repeat, fold) = (run[0].repeat, run[0].fold);
            return Err(self.error(format!(
                "repeat {repeat}, fold {fold} has {} samples, more than the {} of repeat 0, \
                 fold 0; only the folds of a learning curve may differ in their samples",
                run.len() + extra.len(),
                self.n_samples
            )));
        }
        if task_type == TaskType::Clustering {
            return Ok(());
        }
        let counts = [
            (
                "repeats",
                "number_repeats",
                self.n_repeats,
                procedure.number_repeats,
            ),
            (
                "folds",
                "number_folds",
                self.n_folds,
                procedure.number_folds,
            ),
            (
                "samples",
                "number_samples",
                self.n_samples,
                procedure.number_samples,
            ),
        ];
        for (what, parameter, found, declared) in counts {
            let fits = |declared: u32| match what {
                "samples" => found <= declared,
                _ => found == declared,
            };
            if let Some(declared) = declared
                && !fits(declared)
            {
                return Err(self.error(format!(
                    "has {found} {what}, but the task's estimation procedure says \
                     {parameter} {declared} (task.xml)"
                )));
            }
        }
        Ok(())
    }

    /// Checks that every unit, extra samples included, has rows to train on and rows to test,
    /// and, with learning-curve samples, that every sample of a (repeat, fold) tests the rows
    /// its sample 0 tests (the samples differ in their training rows only). The error names
    /// the unit.
    pub(super) fn check_units(&self) -> Result<()> {
        for unit in self.all_units() {
            let empty = match (unit.train.is_empty(), unit.test.is_empty()) {
                (_, true) => "no test rows",
                (true, false) => "no training rows",
                (false, false) => continue,
            };
            return Err(self.error(format!("{} has {empty}", describe(unit.key()))));
        }
        let sorted = |rows: &[u32]| {
            let mut rows = rows.to_vec();
            rows.sort_unstable();
            rows
        };
        for (run, extra) in self.folds() {
            if run.len() + extra.len() < 2 {
                continue;
            }
            let tested = sorted(&run[0].test);
            if let Some(other) = run[1..]
                .iter()
                .chain(extra)
                .find(|u| sorted(&u.test) != tested)
            {
                return Err(self.error(format!(
                    "{} tests other rows than sample 0 of its repeat and fold; the samples of \
                     a learning curve share their test rows",
                    describe(other.key())
                )));
            }
        }
        Ok(())
    }

    /// A split error about the whole file (no line).
    fn error(&self, message: String) -> Error {
        Error::Splits {
            path: self.path.clone(),
            line: None,
            message,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::task_xml::ProcedureDescription;
    use crate::{SplitUnit, TaskType};

    use super::Splits;

    fn unit(fold: u32, sample: u32, train: &[u32], test: &[u32]) -> SplitUnit {
        SplitUnit {
            repeat: 0,
            fold,
            sample,
            train: train.to_vec(),
            test: test.to_vec(),
        }
    }

    fn procedure(repeats: u32, folds: u32, samples: Option<u32>) -> ProcedureDescription {
        ProcedureDescription {
            kind: "crossvalidation".to_owned(),
            number_repeats: Some(repeats),
            number_folds: Some(folds),
            number_samples: samples,
            ..ProcedureDescription::default()
        }
    }

    #[test]
    fn the_counts_must_be_the_procedures() {
        let splits =
            Splits::new("s", vec![unit(0, 0, &[1], &[0]), unit(1, 0, &[0], &[1])]).unwrap();
        let check = |p: ProcedureDescription, t| splits.check_procedure(&p, t);
        let supervised = TaskType::SupervisedClassification;
        check(procedure(1, 2, None), supervised).unwrap();
        check(ProcedureDescription::default(), supervised).unwrap();
        // number_samples is a maximum.
        check(procedure(1, 2, Some(4)), supervised).unwrap();
        check(procedure(1, 2, Some(1)), supervised).unwrap();
        // A clustering procedure's counts are not the split file's.
        check(procedure(50, 3, None), TaskType::Clustering).unwrap();
        let error = |p| check(p, supervised).unwrap_err().to_string();
        assert_eq!(
            error(procedure(1, 3, None)),
            "has 2 folds, but the task's estimation procedure says number_folds 3 (task.xml)"
        );
        assert_eq!(
            error(procedure(2, 2, None)),
            "has 1 repeats, but the task's estimation procedure says number_repeats 2 (task.xml)"
        );
        let curve = Splits::new(
            "s",
            vec![
                SplitUnit {
                    sample: 0,
                    ..unit(0, 0, &[1], &[0])
                },
                SplitUnit {
                    sample: 1,
                    ..unit(0, 0, &[1, 2], &[0])
                },
                SplitUnit {
                    sample: 0,
                    ..unit(1, 0, &[0], &[1, 2])
                },
                SplitUnit {
                    sample: 1,
                    ..unit(1, 0, &[0], &[1, 2])
                },
            ],
        )
        .unwrap();
        let curve_error = curve.check_procedure(&procedure(1, 2, Some(1)), TaskType::LearningCurve);
        assert_eq!(
            curve_error.unwrap_err().to_string(),
            "has 2 samples, but the task's estimation procedure says number_samples 1 (task.xml)"
        );
    }

    #[test]
    fn every_unit_trains_and_tests_and_samples_share_their_test_rows() {
        let no_test = Splits::new("s", vec![unit(0, 0, &[0, 1], &[]), unit(1, 0, &[0], &[1])]);
        assert_eq!(
            no_test.unwrap().validate(2, false).unwrap_err().to_string(),
            "repeat 0, fold 0, sample 0 has no test rows"
        );
        let no_train = Splits::new("s", vec![unit(0, 0, &[1], &[0]), unit(1, 0, &[], &[1])]);
        assert_eq!(
            no_train
                .unwrap()
                .validate(2, false)
                .unwrap_err()
                .to_string(),
            "repeat 0, fold 1, sample 0 has no training rows"
        );
        let curve = |test: &[u32]| {
            Splits::new(
                "s",
                vec![
                    unit(0, 0, &[2], &[0, 1]),
                    unit(0, 1, &[2, 3], test),
                    unit(1, 0, &[0], &[2, 3]),
                    unit(1, 1, &[0, 1], &[3, 2]),
                ],
            )
            .unwrap()
        };
        curve(&[1, 0]).validate(4, true).unwrap();
        assert_eq!(
            curve(&[0]).validate(4, true).unwrap_err().to_string(),
            "repeat 0, fold 0, sample 1 tests other rows than sample 0 of its repeat and fold; \
             the samples of a learning curve share their test rows"
        );
    }

    #[test]
    fn only_a_learning_curve_may_have_more_samples_in_a_later_fold() {
        // Fold 0 has one sample, fold 1 two (the second kept apart, not run).
        let splits = Splits::new(
            "s",
            vec![
                unit(0, 0, &[1], &[0]),
                unit(1, 0, &[0], &[1, 2]),
                unit(1, 1, &[0, 3], &[2, 1]),
            ],
        )
        .unwrap();
        assert_eq!(splits.n_samples(), 1);
        let check = |t| splits.check_procedure(&procedure(1, 2, Some(1)), t);
        check(TaskType::LearningCurve).unwrap();
        for task_type in [TaskType::SupervisedClassification, TaskType::Clustering] {
            assert_eq!(
                check(task_type).unwrap_err().to_string(),
                "repeat 0, fold 1 has 2 samples, more than the 1 of repeat 0, fold 0; only the \
                 folds of a learning curve may differ in their samples"
            );
        }
    }
}
