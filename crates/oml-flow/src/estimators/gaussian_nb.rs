//! linfa-bayes' Gaussian naive Bayes as a flow.

use linfa::prelude::*;
use linfa_bayes::{GaussianNb, GaussianNbValidParams, NaiveBayes};
use ndarray::{Array2, ArrayView1, ArrayView2, Axis};
use oml_data::{DesignMatrix, EncodedColumn};

use crate::error::{Error, Result};
use crate::estimators::linfa_libm_external_version;
use crate::flow::{Describe, Flow, Model, Output, TaskKind, TrainingSet};
use crate::inputs::{class_inputs, fitted_inputs};
use crate::param::{Constraint, FINITE_NON_NEGATIVE, Parameter, number_text, unknown_parameter};

/// The values `var_smoothing` takes.
const VAR_SMOOTHING: Constraint<f64> = FINITE_NON_NEGATIVE;

/// Gaussian naive Bayes of linfa-bayes. Its one parameter is linfa's own
/// [`GaussianNbValidParams`], read through its getter and set through linfa's setter and check.
/// A fit refuses a `var_smoothing` whose share of the largest variance makes a Gaussian
/// density's normalisation overflow on the training rows, naming the largest it allows.
///
/// Its default pipeline is [`crate::for_scaled`]: the model itself does not care about the
/// scale of a feature, but linfa adds `var_smoothing` × the *largest* feature variance to every
/// variance, so a feature on a large scale would swamp the variances of the others; with
/// standardised features the smoothing is the same small share for every numeric feature.
///
/// Confidences are linfa's `predict_proba`, columns moved from linfa's sorted list of training
/// classes to the task's classes (a class with no training row gets 0). They are computed from
/// linfa's `joint_log_likelihood` with the largest log-likelihood of the row subtracted
/// before exponentiating: the same numbers where linfa's `predict_proba` is finite, and still
/// finite for rows far from every class, where linfa's exponentials underflow to `0 / 0`.
#[derive(Debug, Clone)]
pub struct GaussianNbFlow {
    params: GaussianNbValidParams<f64, usize>,
}

impl Default for GaussianNbFlow {
    fn default() -> Self {
        GaussianNbFlow {
            params: GaussianNb::params()
                .check()
                .expect("linfa's defaults are valid"),
        }
    }
}

impl GaussianNbFlow {
    /// Naive Bayes with linfa's default `var_smoothing`, 1e-9.
    pub fn new() -> Self {
        GaussianNbFlow::default()
    }

    /// The checked linfa parameters.
    pub fn params(&self) -> &GaussianNbValidParams<f64, usize> {
        &self.params
    }
}

impl Describe for GaussianNbFlow {
    fn name(&self) -> String {
        "linfa_bayes.GaussianNb".to_owned()
    }
    fn external_version(&self) -> String {
        linfa_libm_external_version(&["linfa-bayes"])
    }
    fn description(&self) -> String {
        "Gaussian naive Bayes of linfa-bayes; confidences are its class probabilities \
         (scikit-learn: GaussianNB)"
            .to_owned()
    }
    fn parameters(&self) -> Vec<Parameter> {
        let default = GaussianNbFlow::default();
        vec![
            Parameter::new(
                "var_smoothing",
                &default.params.var_smoothing(),
                &self.params.var_smoothing(),
                "share of the largest feature variance added to every variance",
            )
            .allowing(VAR_SMOOTHING.allowed),
        ]
    }
    fn set_parameter(&mut self, name: &str, value: &str) -> Result<()> {
        match name {
            "var_smoothing" => {
                let mut var_smoothing = self.params.var_smoothing();
                VAR_SMOOTHING.set(&mut var_smoothing, name, value)?;
                self.params = GaussianNb::params()
                    .var_smoothing(var_smoothing)
                    .check()
                    .map_err(|e| Error::invalid(name, value, e.to_string()))?;
                Ok(())
            }
            _ => Err(unknown_parameter(&self.name(), name, &self.parameters())),
        }
    }
}

impl Flow for GaussianNbFlow {
    fn learns(&self, kind: TaskKind) -> bool {
        matches!(kind, TaskKind::Classification { .. })
    }

    /// Fits linfa's model after checking the variances it will hold: each class's variance of
    /// each feature plus `var_smoothing` times the largest feature variance, as linfa computes
    /// them. 2 pi times such a variance must be finite (its log is in each density's
    /// normalisation), or every log-likelihood of the class would be minus infinity.
    fn fit(&self, data: &TrainingSet<'_>, _seed: u64) -> Result<Box<dyn Model>> {
        let (x, classes, n_classes) = class_inputs(self, data)?;
        let zero_variance = self.check_variances(&data.features.columns, x, classes)?;
        let model = self
            .params
            .fit(&DatasetBase::new(x, classes))
            .map_err(|e| Error::fit(self.name(), e))?;
        Ok(Box::new(FittedNb {
            model,
            n_features: x.ncols(),
            n_classes,
            zero_variance,
            name: self.name(),
        }))
    }
}

impl GaussianNbFlow {
    /// Whether a variance the model will hold is 0; an error if one is too large for the
    /// densities (see [`Flow::fit`]), naming `var_smoothing` when its share alone is.
    fn check_variances(
        &self,
        columns: &[EncodedColumn],
        x: ArrayView2<'_, f64>,
        classes: ArrayView1<'_, usize>,
    ) -> Result<bool> {
        let largest = x.var_axis(Axis(0), 0.0).fold(0.0, |a: f64, &b| a.max(b));
        let smoothing = self.params.var_smoothing() * largest;
        let too_large = |variance: f64| !(TWO_PI * variance).is_finite();
        let mut present: Vec<usize> = classes.to_vec();
        present.sort_unstable();
        present.dedup();
        let (mut zero_variance, mut most) = (false, 0.0f64);
        for class in present {
            let rows: Vec<usize> = (0..classes.len())
                .filter(|&r| classes[r] == class)
                .collect();
            let variances = x.select(Axis(0), &rows).var_axis(Axis(0), 0.0);
            for (column, &variance) in columns.iter().zip(&variances) {
                zero_variance |= variance + smoothing == 0.0;
                most = most.max(variance);
                if too_large(variance) {
                    return Err(Error::Input {
                        flow: self.name(),
                        column: column.name.clone(),
                        problem: format!(
                            "its variance within the training rows of class {class}, {}, is \
                             too large for a Gaussian density (2 pi times it is beyond the \
                             largest number, {:e}); standardise the features",
                            number_text(variance),
                            f64::MAX
                        ),
                    });
                }
            }
        }
        if too_large(most + smoothing) {
            return Err(Error::on_data(
                self.name(),
                "var_smoothing",
                number_text(self.params.var_smoothing()),
                format!(
                    "var_smoothing times the largest feature variance ({}) is added to every \
                     variance, and 2 pi times a variance must stay below the largest number, \
                     {:e}; expected at most about {} on these rows",
                    number_text(largest),
                    f64::MAX,
                    number_text((f64::MAX / TWO_PI - most) / largest)
                ),
            ));
        }
        Ok(zero_variance)
    }
}

/// The factor of a variance in the normalisation of a Gaussian density, as linfa computes it.
const TWO_PI: f64 = 2.0 * std::f64::consts::PI;

struct FittedNb {
    model: GaussianNb<f64, usize>,
    n_features: usize,
    n_classes: usize,
    /// Whether a variance of the model is 0: the log-likelihoods of rows off the class's mean
    /// are then not finite.
    zero_variance: bool,
    name: String,
}

impl Model for FittedNb {
    fn output(&self, x: &DesignMatrix) -> Result<Output> {
        let x = fitted_inputs(&self.name, x, self.n_features)?;
        let likelihoods = self.model.joint_log_likelihood(x);
        let mut out = Array2::zeros((x.nrows(), self.n_classes));
        for (&&class, values) in &likelihoods {
            out.column_mut(class).assign(values);
        }
        for (row, mut values) in out.rows_mut().into_iter().enumerate() {
            let present = || likelihoods.keys().map(|&&class| values[class]);
            let max = present().fold(f64::NEG_INFINITY, f64::max);
            if !max.is_finite() || present().any(f64::is_nan) {
                let why = if self.zero_variance {
                    "a class has a feature variance of 0 (var_smoothing is 0, or no feature \
                     varies in the training rows)"
                } else {
                    "the row lies so far from every class's mean that its squared distances \
                     over the variances overflow"
                };
                return Err(Error::predict(
                    &self.name,
                    format!("row {row}: log-likelihoods are not finite: {why}"),
                ));
            }
            let mut probabilities = vec![0.0; self.n_classes];
            for &&class in likelihoods.keys() {
                probabilities[class] = libm::exp(values[class] - max);
            }
            let total: f64 = probabilities.iter().sum();
            values
                .iter_mut()
                .zip(probabilities)
                .for_each(|(v, p)| *v = p / total);
        }
        Ok(Output::Confidences(out))
    }
}
