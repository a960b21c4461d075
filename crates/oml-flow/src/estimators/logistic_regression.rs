//! oml-linear's logistic regression as a flow (`logistic-regression`): scikit-learn's
//! `LogisticRegression(solver="lbfgs")`, with its class probabilities as confidences.

use std::sync::Arc;

use linfa::ParamGuard;
use ndarray::{Array2, ArrayView2};
use oml_data::DesignMatrix;
use oml_linear::{
    Design, LogisticRegression, LogisticRegressionParams, LogisticRegressionValidParams,
};

use crate::error::{Error, Result};
use crate::estimators::classes::{
    ClassProbabilities, ClassifierInputs, OverTaskClasses, classifier_inputs_checked_by,
};
use crate::estimators::oml_linear_external_version;
use crate::flow::{Describe, Flow, Model, Prepared, TaskKind, TrainingSet, WarmPath};
use crate::inputs::{numeric_inputs, prepared_for, training_inputs, training_inputs_prechecked};
use crate::param::{
    AT_LEAST_ONE, Constraint, FINITE_NON_NEGATIVE, FINITE_POSITIVE, Parameter, parse_value,
    unknown_parameter,
};

/// The values `C` takes.
const C: Constraint<f64> = FINITE_POSITIVE;

/// The values `max_iter` takes.
const MAX_ITER: Constraint<usize> = AT_LEAST_ONE;

/// The values `tol` takes.
const TOL: Constraint<f64> = FINITE_NON_NEGATIVE;

/// L2-penalised logistic regression fitted as scikit-learn's
/// `LogisticRegression(solver="lbfgs")` fits it (oml-linear's [`LogisticRegression`]): the
/// mean log loss plus `|W|^2 / (2 C n)`, one coefficient row for two classes and a softmax
/// over one row per class for more, L-BFGS from zero until no gradient component exceeds
/// `tol`, the relative decrease of the objective is below 64 machine epsilons, or `max_iter`
/// iterations. The parameters are scikit-learn's names and defaults. Confidences are the class
/// probabilities; a class absent from the training rows gets 0, and a training set with a
/// single class gives confidence 1 for it.
#[derive(Debug, Clone)]
pub struct LogisticRegressionFlow {
    params: LogisticRegressionValidParams,
}

impl Default for LogisticRegressionFlow {
    fn default() -> Self {
        LogisticRegressionFlow {
            params: LogisticRegression::params()
                .check()
                .expect("the defaults are valid"),
        }
    }
}

impl LogisticRegressionFlow {
    /// Logistic regression with scikit-learn's defaults: `C` 1.0, an intercept, 100
    /// iterations, tolerance 1e-4.
    pub fn new() -> Self {
        LogisticRegressionFlow::default()
    }

    /// The checked parameters.
    pub fn params(&self) -> &LogisticRegressionValidParams {
        &self.params
    }
}

impl Describe for LogisticRegressionFlow {
    fn name(&self) -> String {
        "oml_linear.LogisticRegression".to_owned()
    }
    fn external_version(&self) -> String {
        oml_linear_external_version()
    }
    fn description(&self) -> String {
        "Logistic regression with an L2 penalty fitted by L-BFGS to scikit-learn's solution \
         (scikit-learn: LogisticRegression(solver=\"lbfgs\"), the same objective, defaults and \
         stopping rules); binary for two classes, multinomial for more; confidences are its \
         class probabilities"
            .to_owned()
    }
    fn parameters(&self) -> Vec<Parameter> {
        let default = LogisticRegressionFlow::new().params;
        let p = &self.params;
        vec![
            Parameter::new(
                "C",
                &default.c(),
                &p.c(),
                "inverse of the L2 penalty's strength: the objective is the mean log loss plus \
                 |W|^2 / (2 C n)",
            )
            .allowing(C.allowed),
            Parameter::new(
                "fit_intercept",
                &default.fit_intercept(),
                &p.fit_intercept(),
                "fit an intercept (not penalised)",
            ),
            Parameter::new(
                "max_iter",
                &default.max_iter(),
                &p.max_iter(),
                "most iterations of the L-BFGS solver",
            )
            .allowing(MAX_ITER.allowed),
            Parameter::new(
                "tol",
                &default.tol(),
                &p.tol(),
                "the solver stops when no gradient component is larger",
            )
            .allowing(TOL.allowed),
        ]
    }
    fn set_parameter(&mut self, name: &str, value: &str) -> Result<()> {
        let params = LogisticRegressionParams::from(self.params.clone());
        let params = match name {
            "C" => params.c(C.parse(name, value)?),
            "fit_intercept" => params.fit_intercept(parse_value(name, value)?),
            "max_iter" => params.max_iter(MAX_ITER.parse(name, value)?),
            "tol" => params.tol(TOL.parse(name, value)?),
            _ => return Err(unknown_parameter(&self.name(), name, &self.parameters())),
        };
        // The constraints above already hold, so this fails only if oml-linear checks more.
        self.params = params
            .check()
            .map_err(|e| Error::invalid(name, value, e.to_string()))?;
        Ok(())
    }
}

impl Flow for LogisticRegressionFlow {
    fn learns(&self, kind: TaskKind) -> bool {
        matches!(kind, TaskKind::Classification { .. })
    }

    fn fit(&self, data: &TrainingSet<'_>, _seed: u64) -> Result<Box<dyn Model>> {
        self.fit_from(data, None, None)
    }

    /// The inputs checked and laid out as the solver reads them ([`Design`]), which depends on
    /// neither the parameters nor the seed.
    fn prepare(&self, features: &DesignMatrix) -> Result<Option<Prepared>> {
        let x = numeric_inputs(&self.name(), features)?;
        let design = Design::new(x).map_err(|e| Error::fit(self.name(), e))?;
        Ok(Some(Arc::new(design)))
    }

    fn fit_prepared(
        &self,
        data: &TrainingSet<'_>,
        prepared: Option<&Prepared>,
        _seed: u64,
    ) -> Result<Box<dyn Model>> {
        self.fit_from(data, prepared, None)
    }

    /// `C`, from the largest down: each step strengthens the penalty, so every fit moves from
    /// its start (from the smallest up, the solution of a large `C` often already meets the
    /// gradient tolerance of a larger one and is kept unchanged).
    fn warm_path(&self) -> Option<WarmPath> {
        Some(WarmPath {
            parameter: "C",
            descending: true,
        })
    }

    fn fit_warm(
        &self,
        data: &TrainingSet<'_>,
        prepared: Option<&Prepared>,
        _seed: u64,
        previous: &dyn Model,
    ) -> Result<Box<dyn Model>> {
        let start = previous
            .warm_state()
            .and_then(|state| state.downcast_ref::<LogisticRegression>());
        self.fit_from(data, prepared, start)
    }
}

impl LogisticRegressionFlow {
    /// The fit, on the inputs laid out in `prepared` if given and of their shape (else laid out
    /// here), its solver started at `start`'s coefficients where they fit the rows' classes
    /// and features ([`LogisticRegressionValidParams::fit_design`]), else at zero. Prepared
    /// inputs were checked by [`Flow::prepare`], and their values are not scanned again.
    fn fit_from(
        &self,
        data: &TrainingSet<'_>,
        prepared: Option<&Prepared>,
        start: Option<&LogisticRegression>,
    ) -> Result<Box<dyn Model>> {
        let design = prepared_for(prepared, data.features, |d: &Design| {
            (d.n_rows(), d.n_features())
        });
        let inputs = if design.is_some() {
            training_inputs_prechecked
        } else {
            training_inputs
        };
        let ClassifierInputs {
            x,
            classes,
            n_classes,
            ..
        } = match classifier_inputs_checked_by(self, data, inputs)? {
            Ok(inputs) => inputs,
            Err(one_class) => return Ok(Box::new(one_class)),
        };
        let model = match design {
            Some(design) => self.params.fit_design(design, classes, start),
            None => self.params.fit_records_from(x, classes, start),
        }
        .map_err(|e| Error::fit(self.name(), e))?;
        Ok(Box::new(OverTaskClasses {
            model,
            n_classes,
            name: self.name(),
        }))
    }
}

impl ClassProbabilities for LogisticRegression {
    fn n_features(&self) -> usize {
        self.coefficients().ncols()
    }
    fn trained_classes(&self) -> &[usize] {
        self.classes()
    }
    fn probabilities(&self, x: ArrayView2<'_, f64>) -> std::result::Result<Array2<f64>, String> {
        self.predict_proba(x).map_err(|e| e.to_string())
    }
    fn warm_state(&self) -> Option<&dyn std::any::Any> {
        Some(self)
    }
}
