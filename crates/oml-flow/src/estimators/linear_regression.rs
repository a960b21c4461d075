//! oml-linear's ordinary least squares (scikit-learn's `LinearRegression`) as the
//! `linear-regression` flow, and the fitted linear function `x . weights + intercept` that it
//! and the elastic net predict with.

use linfa::ParamGuard;
use ndarray::Array1;
use oml_data::DesignMatrix;
use oml_linear::{LinearRegression, LinearRegressionParams, LinearRegressionValidParams};

use crate::error::{Error, Result};
use crate::estimators::external_version;
use crate::flow::{Describe, Flow, Model, Output, Target, TaskKind, TrainingSet, unsupported};
use crate::inputs::{fitted_inputs, training_inputs};
use crate::param::{Parameter, parse_value, unknown_parameter};

/// Ordinary least squares fitted as scikit-learn's `LinearRegression` fits dense records
/// (oml-linear's [`LinearRegression`]): with an intercept, the records and the target centred
/// by their training means; the least-squares weights of least norm, singular values at most
/// 1e-6 times the largest treated as zero (scipy's `lstsq` with scikit-learn 1.9's `tol` as
/// `cond`); the intercept `mean(y) - mean(x) . weights`. A singular design (the one-hot
/// columns of a nominal feature beside the intercept, a constant column, a repeated one) gets
/// scikit-learn's weights, not an error.
#[derive(Debug, Clone)]
pub struct LinearRegressionFlow {
    params: LinearRegressionValidParams,
}

impl Default for LinearRegressionFlow {
    fn default() -> Self {
        LinearRegressionFlow::with_params(
            LinearRegression::params()
                .check()
                .expect("the defaults are valid"),
        )
    }
}

impl LinearRegressionFlow {
    /// Least squares with an intercept and scikit-learn's cut-off.
    pub fn new() -> Self {
        LinearRegressionFlow::default()
    }

    /// Least squares with the given checked parameters (the flow sets `fit_intercept`;
    /// `tol` is kept as given).
    pub fn with_params(params: LinearRegressionValidParams) -> Self {
        LinearRegressionFlow { params }
    }

    /// The checked parameters.
    pub fn params(&self) -> &LinearRegressionValidParams {
        &self.params
    }
}

impl Describe for LinearRegressionFlow {
    fn name(&self) -> String {
        "oml_linear.LinearRegression".to_owned()
    }
    fn external_version(&self) -> String {
        // No exp, ln or pow: the solver takes only arithmetic and square roots, so no libm.
        external_version([("oml-linear", oml_linear::VERSION)])
    }
    fn description(&self) -> String {
        "Ordinary least squares fitted as scikit-learn fits dense records (scikit-learn: \
         LinearRegression, the same centring, minimum-norm least-squares solution and \
         singular value cut-off, 1e-6 of the largest); a singular design, such as one-hot \
         columns beside the intercept, gets the minimum-norm weights"
            .to_owned()
    }
    fn parameters(&self) -> Vec<Parameter> {
        let default = LinearRegressionFlow::new().params;
        vec![Parameter::new(
            "fit_intercept",
            &default.fit_intercept(),
            &self.params.fit_intercept(),
            "fit an intercept",
        )]
    }
    fn set_parameter(&mut self, name: &str, value: &str) -> Result<()> {
        let params = LinearRegressionParams::from(self.params.clone());
        let params = match name {
            "fit_intercept" => params.fit_intercept(parse_value(name, value)?),
            _ => return Err(unknown_parameter(&self.name(), name, &self.parameters())),
        };
        // `fit_intercept` takes either value, so this fails only if oml-linear checks more.
        self.params = params
            .check()
            .map_err(|e| Error::invalid(name, value, e.to_string()))?;
        Ok(())
    }
}

impl Flow for LinearRegressionFlow {
    fn learns(&self, kind: TaskKind) -> bool {
        kind == TaskKind::Regression
    }

    fn fit(&self, data: &TrainingSet<'_>, _seed: u64) -> Result<Box<dyn Model>> {
        let Target::Values(values) = data.target else {
            return Err(unsupported(self, &data.target));
        };
        let x = training_inputs(&self.name(), data)?;
        let model = self
            .params
            .fit_records(x, values)
            .map_err(|e| Error::fit(self.name(), e))?;
        LinearModel::boxed(self.name(), model.coefficients().clone(), model.intercept())
    }
}

/// A fitted linear function `x . weights + intercept`.
pub(crate) struct LinearModel {
    weights: Array1<f64>,
    intercept: f64,
    name: String,
}

impl LinearModel {
    /// The model, or a fit error if the solver returned numbers that are not finite (a
    /// singular or badly conditioned problem).
    pub(crate) fn boxed(
        name: String,
        weights: Array1<f64>,
        intercept: f64,
    ) -> Result<Box<dyn Model>> {
        if !intercept.is_finite() || weights.iter().any(|w| !w.is_finite()) {
            return Err(Error::fit(
                name,
                "the solver returned weights that are not finite numbers",
            ));
        }
        Ok(Box::new(LinearModel {
            weights,
            intercept,
            name,
        }))
    }
}

impl Model for LinearModel {
    fn output(&self, x: &DesignMatrix) -> Result<Output> {
        let x = fitted_inputs(&self.name, x, self.weights.len())?;
        Ok(Output::Values(x.dot(&self.weights) + self.intercept))
    }
}
