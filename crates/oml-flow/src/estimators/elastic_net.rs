//! linfa-elasticnet's elastic net as the `elastic-net` flow.

use linfa::prelude::*;
use linfa_elasticnet::{ElasticNet, ElasticNetParams, ElasticNetValidParams};

use crate::error::{Error, Result};
use crate::estimators::linear_regression::LinearModel;
use crate::estimators::linfa_external_version;
use crate::flow::{Describe, Flow, Model, Target, TaskKind, TrainingSet, unsupported};
use crate::inputs::training_inputs;
use crate::param::{
    AT_LEAST_ONE_U32, Constraint, FINITE_NON_NEGATIVE, Parameter, set_value, unknown_parameter,
};

/// The values the elastic net's `penalty` and `tolerance` take.
const NON_NEGATIVE: Constraint<f64> = FINITE_NON_NEGATIVE;

/// The values the elastic net's `l1_ratio` takes.
const L1_RATIO: Constraint<f64> = Constraint {
    allowed: "a number from 0 to 1",
    valid: |ratio| (0.0..=1.0).contains(ratio),
};

/// The values the elastic net's `max_iterations` takes.
const MAX_ITERATIONS: Constraint<u32> = AT_LEAST_ONE_U32;

/// The elastic net of linfa-elasticnet: least squares with a penalty
/// `penalty * (l1_ratio * |w|_1 + (1 - l1_ratio) / 2 * |w|_2^2)`, as scikit-learn's
/// `ElasticNet`, fitted by coordinate descent. Its parameters are linfa's own
/// [`ElasticNetValidParams`], read through their getters; oml adds the checks linfa lacks
/// (finite numbers, at least one iteration).
#[derive(Debug, Clone)]
pub struct ElasticNetFlow {
    params: ElasticNetValidParams<f64>,
}

impl Default for ElasticNetFlow {
    fn default() -> Self {
        ElasticNetFlow {
            params: ElasticNet::params()
                .check()
                .expect("linfa's defaults are valid"),
        }
    }
}

impl ElasticNetFlow {
    /// An elastic net with linfa's defaults: penalty 1.0, `l1_ratio` 0.5, an intercept, 1000
    /// iterations, tolerance 1e-4.
    pub fn new() -> Self {
        ElasticNetFlow::default()
    }

    /// An elastic net with the given checked linfa parameters.
    pub fn with_params(params: ElasticNetValidParams<f64>) -> Self {
        ElasticNetFlow { params }
    }

    /// The checked linfa parameters.
    pub fn params(&self) -> &ElasticNetValidParams<f64> {
        &self.params
    }
}

impl Describe for ElasticNetFlow {
    fn name(&self) -> String {
        "linfa_elasticnet.ElasticNet".to_owned()
    }
    fn external_version(&self) -> String {
        linfa_external_version(&["linfa-elasticnet"])
    }
    fn description(&self) -> String {
        "Elastic net linear regression of linfa-elasticnet (L1 and L2 penalties, coordinate \
         descent; scikit-learn: ElasticNet)"
            .to_owned()
    }
    fn parameters(&self) -> Vec<Parameter> {
        let default = ElasticNetFlow::new().params;
        let p = &self.params;
        vec![
            Parameter::new(
                "penalty",
                &default.penalty(),
                &p.penalty(),
                "overall weight of the penalty",
            )
            .allowing(NON_NEGATIVE.allowed),
            Parameter::new(
                "l1_ratio",
                &default.l1_ratio(),
                &p.l1_ratio(),
                "share of the L1 penalty, from 0 (ridge) to 1 (lasso)",
            )
            .allowing(L1_RATIO.allowed),
            Parameter::new(
                "with_intercept",
                &default.with_intercept(),
                &p.with_intercept(),
                "fit an intercept",
            ),
            Parameter::new(
                "max_iterations",
                &default.max_iterations(),
                &p.max_iterations(),
                "most passes of coordinate descent",
            )
            .allowing(MAX_ITERATIONS.allowed),
            Parameter::new(
                "tolerance",
                &default.tolerance(),
                &p.tolerance(),
                "relative change of the weights below which descent stops",
            )
            .allowing(NON_NEGATIVE.allowed),
        ]
    }
    fn set_parameter(&mut self, name: &str, value: &str) -> Result<()> {
        let p = &self.params;
        let (mut penalty, mut l1_ratio, mut with_intercept) =
            (p.penalty(), p.l1_ratio(), p.with_intercept());
        let (mut max_iterations, mut tolerance) = (p.max_iterations(), p.tolerance());
        match name {
            "penalty" => NON_NEGATIVE.set(&mut penalty, name, value)?,
            "l1_ratio" => L1_RATIO.set(&mut l1_ratio, name, value)?,
            "with_intercept" => set_value(&mut with_intercept, name, value)?,
            "max_iterations" => MAX_ITERATIONS.set(&mut max_iterations, name, value)?,
            "tolerance" => NON_NEGATIVE.set(&mut tolerance, name, value)?,
            _ => return Err(unknown_parameter(&self.name(), name, &self.parameters())),
        }
        self.params = ElasticNetParams::new()
            .penalty(penalty)
            .l1_ratio(l1_ratio)
            .with_intercept(with_intercept)
            .max_iterations(max_iterations)
            .tolerance(tolerance)
            .check()
            .map_err(|e| Error::invalid(name, value, e.to_string()))?;
        Ok(())
    }
}

impl Flow for ElasticNetFlow {
    fn learns(&self, kind: TaskKind) -> bool {
        kind == TaskKind::Regression
    }

    fn fit(&self, data: &TrainingSet<'_>, _seed: u64) -> Result<Box<dyn Model>> {
        let Target::Values(values) = data.target else {
            return Err(unsupported(self, &data.target));
        };
        let x = training_inputs(&self.name(), data)?;
        // scikit-learn centres the records as well as the target; linfa-elasticnet centres
        // only the target, which leaves one-hot columns (not centred by the scaler) to the
        // penalty around 0 rather than around their means. Fitted on centred records, the
        // intercept is then mean(y) - mean(x) . w, as scikit-learn's.
        let means = if self.params.with_intercept() {
            x.mean_axis(ndarray::Axis(0))
        } else {
            None
        };
        let centred = means.as_ref().map(|means| &x - means);
        let records = centred.as_ref().map_or(x.view(), |c| c.view());
        let model = self
            .params
            .fit(&DatasetBase::new(records, values))
            .map_err(|e| Error::fit(self.name(), e))?;
        let weights = model.hyperplane().clone();
        let shift = means.map_or(0.0, |means| means.dot(&weights));
        LinearModel::boxed(self.name(), weights, model.intercept() - shift)
    }
}
