//! The classes a training set holds out of the task's, confidences over the task's classes,
//! and the model of a training set with a single class.

use ndarray::{Array2, ArrayView1, ArrayView2};
use oml_data::DesignMatrix;

use crate::error::{Error, Result};
use crate::flow::{Describe, Model, Output, Target, TrainingSet, unsupported};
use crate::inputs::{fitted_inputs, training_inputs};

/// What a classifier without missing values fits on: the checked inputs, the class of each
/// row and the task's number of classes, with the distinct classes present.
pub(crate) struct ClassifierInputs<'a> {
    pub(crate) x: ArrayView2<'a, f64>,
    pub(crate) classes: ArrayView1<'a, usize>,
    pub(crate) n_classes: usize,
    pub(crate) present: Vec<usize>,
}

/// The inputs of a classifier's training set (a regression target is refused), or, when the
/// rows hold a single class, the [`OneClass`] model to return instead of fitting.
pub(crate) fn classifier_inputs<'a>(
    flow: &(impl Describe + ?Sized),
    data: &TrainingSet<'a>,
) -> Result<std::result::Result<ClassifierInputs<'a>, OneClass>> {
    classifier_inputs_checked_by(flow, data, training_inputs)
}

/// [`classifier_inputs`] with the features checked by `inputs` (e.g. without scanning values a
/// flow's [`crate::Flow::prepare`] checked already).
pub(crate) fn classifier_inputs_checked_by<'a>(
    flow: &(impl Describe + ?Sized),
    data: &TrainingSet<'a>,
    inputs: fn(&str, &TrainingSet<'a>) -> Result<ArrayView2<'a, f64>>,
) -> Result<std::result::Result<ClassifierInputs<'a>, OneClass>> {
    let Target::Classes { classes, n_classes } = data.target else {
        return Err(unsupported(flow, &data.target));
    };
    let x = inputs(&flow.name(), data)?;
    let present = present_classes(classes);
    if let [class] = present[..] {
        return Ok(Err(OneClass { class, n_classes }));
    }
    Ok(Ok(ClassifierInputs {
        x,
        classes,
        n_classes,
        present,
    }))
}

/// The distinct classes of the training rows, ascending (the order of linfa's `classes()`).
/// The indices are known to be below the task's number of classes.
pub(crate) fn present_classes(classes: ArrayView1<'_, usize>) -> Vec<usize> {
    let mut present = classes.to_vec();
    present.sort_unstable();
    present.dedup();
    present
}

/// Confidences over the task's `n_classes` classes from `probabilities`, whose columns belong
/// to the `present` classes in order; a class absent from training gets 0.
pub(crate) fn task_confidences(
    probabilities: ArrayView2<'_, f64>,
    present: &[usize],
    n_classes: usize,
) -> Array2<f64> {
    let mut out = Array2::zeros((probabilities.nrows(), n_classes));
    for (column, &class) in present.iter().enumerate() {
        out.column_mut(class).assign(&probabilities.column(column));
    }
    out
}

/// A fitted classifier that gives probabilities over the classes of its training rows.
pub(crate) trait ClassProbabilities: Send + Sync {
    /// The number of input columns it was fitted on.
    fn n_features(&self) -> usize;
    /// The classes of its training rows, ascending: the columns of [`Self::probabilities`].
    fn trained_classes(&self) -> &[usize];
    /// Probabilities of each row of `x` (checked to have [`Self::n_features`] columns), one
    /// column per trained class; the message of what went wrong otherwise.
    fn probabilities(&self, x: ArrayView2<'_, f64>) -> std::result::Result<Array2<f64>, String>;
    /// What a warm fit starts from ([`Model::warm_state`]); by default, nothing.
    fn warm_state(&self) -> Option<&dyn std::any::Any> {
        None
    }
}

/// A [`ClassProbabilities`] classifier as a [`Model`]: its inputs checked against the fitted
/// width and its probabilities spread over the task's classes ([`task_confidences`]).
pub(crate) struct OverTaskClasses<M> {
    /// The fitted classifier.
    pub(crate) model: M,
    /// The number of the task's classes.
    pub(crate) n_classes: usize,
    /// The flow's name, for errors.
    pub(crate) name: String,
}

impl<M: ClassProbabilities> Model for OverTaskClasses<M> {
    fn output(&self, x: &DesignMatrix) -> Result<Output> {
        let x = fitted_inputs(&self.name, x, self.model.n_features())?;
        let probabilities = self
            .model
            .probabilities(x)
            .map_err(|e| Error::predict(&self.name, e))?;
        Ok(Output::Confidences(task_confidences(
            probabilities.view(),
            self.model.trained_classes(),
            self.n_classes,
        )))
    }

    fn warm_state(&self) -> Option<&dyn std::any::Any> {
        self.model.warm_state()
    }
}

/// The model of a training set with a single class, which linfa's classifiers refuse or fit
/// degenerately: confidence 1 for that class on every row, whatever the features.
#[derive(Debug, Clone)]
pub(crate) struct OneClass {
    /// The one training class.
    pub(crate) class: usize,
    /// The number of the task's classes.
    pub(crate) n_classes: usize,
}

impl Model for OneClass {
    fn output(&self, x: &DesignMatrix) -> Result<Output> {
        let mut confidences = Array2::zeros((x.x.nrows(), self.n_classes));
        confidences.column_mut(self.class).fill(1.0);
        Ok(Output::Confidences(confidences))
    }
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::*;

    #[test]
    fn present_classes_are_sorted_and_scattered_into_the_task_columns() {
        let present = present_classes(array![3, 1, 3, 1].view());
        assert_eq!(present, vec![1, 3]);
        let confidences = task_confidences(array![[0.25, 0.75]].view(), &present, 4);
        assert_eq!(confidences, array![[0.0, 0.25, 0.0, 0.75]]);
    }
}
