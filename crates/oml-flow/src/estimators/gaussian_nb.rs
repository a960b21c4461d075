//! linfa-bayes' Gaussian naive Bayes as a flow.

use linfa::prelude::*;
use linfa_bayes::{GaussianNb, GaussianNbValidParams, NaiveBayes};
use ndarray::Array2;
use oml_data::DesignMatrix;

use crate::error::{Error, Result};
use crate::estimators::linfa_libm_external_version;
use crate::flow::{Describe, Flow, Model, Output, TaskKind, TrainingSet};
use crate::inputs::{class_inputs, fitted_inputs};
use crate::param::{Constraint, FINITE_NON_NEGATIVE, Parameter, unknown_parameter};

/// The values `var_smoothing` takes.
const VAR_SMOOTHING: Constraint<f64> = FINITE_NON_NEGATIVE;

/// Gaussian naive Bayes of linfa-bayes. Its one parameter is linfa's own
/// [`GaussianNbValidParams`], read through its getter and set through linfa's setter and check.
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

    fn fit(&self, data: &TrainingSet<'_>, _seed: u64) -> Result<Box<dyn Model>> {
        let (x, classes, n_classes) = class_inputs(self, data)?;
        let model = self
            .params
            .fit(&DatasetBase::new(x, classes))
            .map_err(|e| Error::fit(self.name(), e))?;
        Ok(Box::new(FittedNb {
            model,
            n_features: x.ncols(),
            n_classes,
            name: self.name(),
        }))
    }
}

struct FittedNb {
    model: GaussianNb<f64, usize>,
    n_features: usize,
    n_classes: usize,
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
                return Err(Error::predict(
                    &self.name,
                    format!(
                        "row {row}: log-likelihoods are not finite: a class has a feature \
                         variance of 0 (var_smoothing is 0, or no feature varies in the \
                         training rows)"
                    ),
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
