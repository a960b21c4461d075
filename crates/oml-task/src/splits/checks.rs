//! What a task's splits must be beside the unit grid [`Splits::new`] checks: the counts its
//! `task.xml` declares, and units a model can be trained and scored on.

use crate::task_xml::ProcedureDescription;
use crate::{Error, Result};

use super::{Splits, describe};

impl Splits {
    /// Checks the splits against the estimation procedure of the task that names them: the
    /// split file's repeats, folds and (when declared) learning-curve samples must be the
    /// `number_repeats`, `number_folds` and `number_samples` of `task.xml`, where it gives
    /// them. The error names the split file and the task's parameter.
    pub fn check_procedure(&self, procedure: &ProcedureDescription) -> Result<()> {
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
            if let Some(declared) = declared
                && declared != found
            {
                return Err(self.error(format!(
                    "has {found} {what}, but the task's estimation procedure says \
                     {parameter} {declared} (task.xml)"
                )));
            }
        }
        Ok(())
    }

    /// Checks that every unit has rows to train on and rows to test, and, with learning-curve
    /// samples, that every sample of a (repeat, fold) tests the rows its sample 0 tests (the
    /// samples differ in their training rows only). The error names the unit.
    pub(super) fn check_units(&self) -> Result<()> {
        for unit in &self.units {
            let empty = match (unit.train.is_empty(), unit.test.is_empty()) {
                (_, true) => "no test rows",
                (true, false) => "no training rows",
                (false, false) => continue,
            };
            return Err(self.error(format!("{} has {empty}", describe(unit.key()))));
        }
        if self.n_samples > 1 {
            let sorted = |rows: &[u32]| {
                let mut rows = rows.to_vec();
                rows.sort_unstable();
                rows
            };
            for first in self.units.chunks(self.n_samples as usize) {
                let tested = sorted(&first[0].test);
                if let Some(other) = first[1..].iter().find(|u| sorted(&u.test) != tested) {
                    return Err(self.error(format!(
                        "{} tests other rows than sample 0 of its repeat and fold; the \
                         samples of a learning curve share their test rows",
                        describe(other.key())
                    )));
                }
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
    use crate::SplitUnit;
    use crate::task_xml::ProcedureDescription;

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
        splits.check_procedure(&procedure(1, 2, None)).unwrap();
        splits
            .check_procedure(&ProcedureDescription::default())
            .unwrap();
        let error = |p| splits.check_procedure(&p).unwrap_err().to_string();
        assert_eq!(
            error(procedure(1, 3, None)),
            "has 2 folds, but the task's estimation procedure says number_folds 3 (task.xml)"
        );
        assert_eq!(
            error(procedure(2, 2, None)),
            "has 1 repeats, but the task's estimation procedure says number_repeats 2 (task.xml)"
        );
        assert_eq!(
            error(procedure(1, 2, Some(4))),
            "has 1 samples, but the task's estimation procedure says number_samples 4 (task.xml)"
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
}
