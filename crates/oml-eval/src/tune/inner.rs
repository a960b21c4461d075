//! The inner splits of a tuned flow's search: each split's rows cut from a unit's training
//! rows once for all candidates, and a fitted candidate's score on its test rows.

use ndarray::{Array1, Axis};
use oml_data::DesignMatrix;
use oml_flow::{Model, Pipeline, Predictions, Prepared, Target, TaskKind, TrainingSet};
use rayon::prelude::*;

use crate::measure_info::MeasureInfo;
use crate::measures::{classification_measure, regression_measure};

/// One inner split's rows, cut from a unit's training rows once for all candidates.
pub(super) struct InnerSet {
    x_train: DesignMatrix,
    x_test: DesignMatrix,
    /// What the estimator computes from the (preprocessed) training rows alone
    /// ([`Flow::prepare`]), where the preprocessing is shared.
    pub(super) prepared: Option<Prepared>,
    target: InnerTarget,
}

/// An inner split's training target and the truth of its test rows.
enum InnerTarget {
    Classes {
        train: Array1<usize>,
        truth: Vec<usize>,
        n_classes: usize,
    },
    Values {
        train: Array1<f64>,
        truth: Vec<f64>,
        /// The training mean, which the relative errors compare with.
        prior_mean: f64,
    },
}

/// The results of a parallel iterator in its order, or its first error in that order:
/// results are all collected before errors are looked at, so the error returned does not
/// depend on which thread failed first.
pub(super) fn in_order<T: Send>(
    results: impl IndexedParallelIterator<Item = oml_flow::Result<T>>,
) -> oml_flow::Result<Vec<T>> {
    results.collect::<Vec<_>>().into_iter().collect()
}

impl InnerSet {
    /// The rows of `splits` (train, test) of `data`, copied once; with `preprocess`, through
    /// its steps fitted on each split's training rows (the candidates then fit only the
    /// pipeline's estimator, see [`Tuned::shared`]).
    pub(super) fn cut(
        data: &TrainingSet<'_>,
        splits: &[(Vec<usize>, Vec<usize>)],
        preprocess: Option<&Pipeline>,
    ) -> oml_flow::Result<Vec<InnerSet>> {
        let rows = |rows: &[usize]| data.features.select_rows(rows);
        // In parallel, each split on its own, the first error in the splits' order.
        let sets = splits.par_iter().map(|(train, test)| {
            let (mut x_train, mut x_test) = (rows(train), rows(test));
            let mut prepared = None;
            if let Some(pipeline) = preprocess {
                (x_train, x_test) = pipeline.preprocess(x_train, x_test)?;
                prepared = pipeline.estimator().prepare(&x_train)?;
            }
            Ok(InnerSet {
                x_train,
                x_test,
                prepared,
                target: match data.target {
                    Target::Classes { classes, n_classes } => InnerTarget::Classes {
                        train: classes.select(Axis(0), train),
                        truth: test.iter().map(|&row| classes[row]).collect(),
                        n_classes,
                    },
                    Target::Values(values) => {
                        let train = values.select(Axis(0), train);
                        InnerTarget::Values {
                            prior_mean: train.mean().unwrap_or(0.0),
                            train,
                            truth: test.iter().map(|&row| values[row]).collect(),
                        }
                    }
                    Target::None => {
                        unreachable!("a tuned flow refuses clustering before cutting")
                    }
                },
            })
        });
        in_order(sets)
    }
}

impl InnerSet {
    /// The split's training rows, as a fit takes them.
    pub(super) fn training(&self) -> TrainingSet<'_> {
        let target = match &self.target {
            InnerTarget::Classes {
                train, n_classes, ..
            } => Target::Classes {
                classes: train.view(),
                n_classes: *n_classes,
            },
            InnerTarget::Values { train, .. } => Target::Values(train.view()),
        };
        TrainingSet {
            features: &self.x_train,
            target,
        }
    }

    /// The score of `model`, fitted on the split's training rows, by `measure` on its test
    /// rows (NaN where the measure is undefined).
    pub(super) fn score(&self, model: &dyn Model, measure: &MeasureInfo) -> oml_flow::Result<f64> {
        let value = match &self.target {
            InnerTarget::Classes {
                truth, n_classes, ..
            } => {
                let kind = TaskKind::Classification {
                    n_classes: *n_classes,
                };
                let Predictions::Classes {
                    labels,
                    confidences,
                } = model.predict(&self.x_test, kind)?
                else {
                    unreachable!("a classification model predicts classes")
                };
                classification_measure(measure.name, truth, &labels.to_vec(), confidences.view())
            }
            InnerTarget::Values {
                truth, prior_mean, ..
            } => {
                let Predictions::Values(predicted) =
                    model.predict(&self.x_test, TaskKind::Regression)?
                else {
                    unreachable!("a regression model predicts values")
                };
                regression_measure(measure.name, truth, &predicted.to_vec(), *prior_mean)
            }
        };
        Ok(value.unwrap_or(f64::NAN))
    }
}

/// The mean of the values, summed in order from 0.
pub(super) fn mean(values: &[f64]) -> f64 {
    values.iter().fold(0.0, |total, v| total + v) / values.len() as f64
}
