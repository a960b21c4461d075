//! oml-trees' histogram gradient boosting machine (scikit-learn's `HistGradientBoosting*`
//! algorithm) as the `gbm` flow, which learns classification or regression, whichever the
//! target is.

use std::cell::Cell;

use linfa::ParamGuard;
use linfa::traits::Predict;
use ndarray::ArrayView2;
use oml_trees::{
    Classification, EarlyStopping, HistGradientBoostingClassifier, HistGradientBoostingParams,
    HistGradientBoostingRegressor, HistGradientBoostingValidParams, Regression, Tree, TreeKind,
};

use crate::error::{Error, Result};
use crate::estimators::decision_tree::{Fitted, fit_trees};
use crate::estimators::oml_trees_external_version;
use crate::flow::{Describe, Flow, Model, Output, TaskKind, TrainingSet};
use crate::param::{
    AT_LEAST_ONE, Constraint, FINITE_NON_NEGATIVE, FINITE_POSITIVE, MAX_DEPTH, Parameter,
    number_text, unknown_parameter,
};

crate::option_value!(EarlyStopping {
    EarlyStopping::Auto => "auto",
    EarlyStopping::On => "true",
    EarlyStopping::Off => "false",
});

/// The values `max_leaf_nodes` takes.
const MAX_LEAF_NODES: Constraint<Option<usize>> = Constraint {
    allowed: "an integer of at least 2, or none",
    valid: |n| n.is_none_or(|n| n >= 2),
};

/// The values `max_bins` takes: bins are bytes, and one more holds the missing values.
const MAX_BINS: Constraint<usize> = Constraint {
    allowed: "an integer from 2 to 255",
    valid: |n| (2..=oml_trees::MAX_BINS).contains(n),
};

/// The values `validation_fraction` takes.
const VALIDATION_FRACTION: Constraint<f64> = Constraint {
    allowed: "a number greater than 0 and less than 1",
    valid: |f| *f > 0.0 && *f < 1.0,
};

/// The description of the flow: the algorithm, its scikit-learn counterpart and why it is not
/// perpetual's booster.
const DESCRIPTION: &str = "Histogram gradient boosting of oml-trees: scikit-learn's \
    HistGradientBoostingClassifier / HistGradientBoostingRegressor algorithm (1.9), with its \
    parameter names and defaults: features cut into at most max_bins quantile bins plus a bin \
    for missing values; trees grown leaf-wise on gradient and hessian histograms (the larger \
    child by subtraction) up to max_leaf_nodes leaves; log loss with a sigmoid (two classes) or \
    a softmax with one tree per class (three or more), squared error for regression; early \
    stopping on a validation split above 10,000 rows. Missing values go to the better side of \
    each split (to the larger child if no training row missed the feature). Chosen over \
    perpetual's booster (flow perpetual-gbm), which fits one booster per class and sets up a \
    histogram arena of 2 x rows nodes x 258 bins x columns for each, most of its 6 s per fold \
    of an 808-row, 6-class task; this one takes a fraction of a second with scikit-learn's \
    accuracy, the same for any thread count";

/// oml-trees' histogram gradient boosting machine, the built-in `gbm`: a classifier for a
/// classification target (with the task's number of classes, so a class absent from the
/// training rows gets confidence 0), a regressor for a regression target. It is scikit-learn's
/// `HistGradientBoostingClassifier` / `HistGradientBoostingRegressor` (see oml-trees' crate
/// documentation for the algorithm), with the same parameter names and defaults.
///
/// The parameters are oml-trees' own [`HistGradientBoostingValidParams`], one set per kind of
/// target, read through their getters and changed together: `learning_rate`, `max_iter`,
/// `max_leaf_nodes`, `max_depth`, `min_samples_leaf`, `l2_regularization`, `max_bins`,
/// `early_stopping` (`auto`, `true`, `false`), `validation_fraction`, `n_iter_no_change` and
/// `tol`. The seed of the validation split is the fit's seed, not a parameter. The trees of one
/// iteration (one per class) are grown in parallel on the current rayon pool and are the same
/// for any number of threads.
///
/// Missing values (NaN) reach the booster, which sends them to the better side of each split:
/// the default pipeline one-hot encodes nominal columns and imputes nothing. Confidences are the
/// sigmoid or softmax of the raw predictions.
///
/// perpetual's booster, the `gbm` of earlier versions, stays available as
/// [`crate::PerpetualGbmFlow`] (`perpetual-gbm`).
#[derive(Debug, Clone)]
pub struct GbmFlow {
    classifier: HistGradientBoostingValidParams<Classification>,
    regressor: HistGradientBoostingValidParams<Regression>,
}

impl Default for GbmFlow {
    fn default() -> Self {
        GbmFlow {
            classifier: HistGradientBoostingClassifier::params()
                .check()
                .expect("the defaults are valid"),
            regressor: HistGradientBoostingRegressor::params()
                .check()
                .expect("the defaults are valid"),
        }
    }
}

impl GbmFlow {
    /// A booster with scikit-learn's defaults: learning rate 0.1, 100 iterations, 31 leaves,
    /// no depth limit, 20 rows per leaf, no L2 penalty, 255 bins, early stopping above 10,000
    /// rows (10% validation, 10 iterations, tolerance 1e-7).
    pub fn new() -> Self {
        GbmFlow::default()
    }

    /// The checked parameters of a classification fit (without the number of classes and the
    /// seed, which the fit sets).
    pub fn classifier_params(&self) -> &HistGradientBoostingValidParams<Classification> {
        &self.classifier
    }

    /// The checked parameters of a regression fit (without the seed).
    pub fn regressor_params(&self) -> &HistGradientBoostingValidParams<Regression> {
        &self.regressor
    }
}

/// `params` with parameter `name` set from `value`, `None` if the booster has no such
/// parameter.
fn set_one<K: TreeKind>(
    params: HistGradientBoostingParams<K>,
    name: &str,
    value: &str,
) -> Result<Option<HistGradientBoostingParams<K>>> {
    Ok(Some(match name {
        "learning_rate" => params.learning_rate(FINITE_POSITIVE.parse(name, value)?),
        "max_iter" => params.max_iter(AT_LEAST_ONE.parse(name, value)?),
        "max_leaf_nodes" => params.max_leaf_nodes(MAX_LEAF_NODES.parse(name, value)?),
        "max_depth" => params.max_depth(MAX_DEPTH.parse(name, value)?),
        "min_samples_leaf" => params.min_samples_leaf(AT_LEAST_ONE.parse(name, value)?),
        "l2_regularization" => params.l2_regularization(FINITE_NON_NEGATIVE.parse(name, value)?),
        "max_bins" => params.max_bins(MAX_BINS.parse(name, value)?),
        "early_stopping" => params.early_stopping(crate::param::parse_value(name, value)?),
        "validation_fraction" => {
            params.validation_fraction(VALIDATION_FRACTION.parse(name, value)?)
        }
        "n_iter_no_change" => params.n_iter_no_change(AT_LEAST_ONE.parse(name, value)?),
        "tol" => params.tol(FINITE_NON_NEGATIVE.parse(name, value)?),
        _ => return Ok(None),
    }))
}

impl Describe for GbmFlow {
    fn name(&self) -> String {
        "oml_trees.HistGradientBoosting".to_owned()
    }
    fn external_version(&self) -> String {
        oml_trees_external_version()
    }
    fn description(&self) -> String {
        DESCRIPTION.to_owned()
    }
    fn parameters(&self) -> Vec<Parameter> {
        let default = GbmFlow::new();
        let (d, c) = (&default.classifier, &self.classifier);
        vec![
            Parameter::new(
                "learning_rate",
                &d.learning_rate(),
                &c.learning_rate(),
                "shrinkage of each tree's leaf values",
            )
            .allowing(FINITE_POSITIVE.allowed),
            Parameter::new(
                "max_iter",
                &d.max_iter(),
                &c.max_iter(),
                "most boosting iterations (one tree each, or one per class for three or more)",
            )
            .allowing(AT_LEAST_ONE.allowed),
            Parameter::new(
                "max_leaf_nodes",
                &d.max_leaf_nodes(),
                &c.max_leaf_nodes(),
                "most leaves of a tree (none: no limit)",
            )
            .allowing(MAX_LEAF_NODES.allowed),
            Parameter::new(
                "max_depth",
                &d.max_depth(),
                &c.max_depth(),
                "largest depth of a leaf (the root has depth 0; none: no limit)",
            )
            .allowing(MAX_DEPTH.allowed),
            Parameter::new(
                "min_samples_leaf",
                &d.min_samples_leaf(),
                &c.min_samples_leaf(),
                "fewest rows of a leaf",
            )
            .allowing(AT_LEAST_ONE.allowed),
            Parameter::new(
                "l2_regularization",
                &d.l2_regularization(),
                &c.l2_regularization(),
                "L2 penalty on leaf values",
            )
            .allowing(FINITE_NON_NEGATIVE.allowed),
            Parameter::new(
                "max_bins",
                &d.max_bins(),
                &c.max_bins(),
                "most bins of a feature's non-missing values (missing values get one more)",
            )
            .allowing(MAX_BINS.allowed),
            Parameter::new(
                "early_stopping",
                &d.early_stopping(),
                &c.early_stopping(),
                "whether boosting stops when the validation loss stops improving (auto: above \
                 10,000 rows)",
            ),
            Parameter::new(
                "validation_fraction",
                &d.validation_fraction(),
                &c.validation_fraction(),
                "fraction of the training rows held out for early stopping",
            )
            .allowing(VALIDATION_FRACTION.allowed),
            Parameter::new(
                "n_iter_no_change",
                &d.n_iter_no_change(),
                &c.n_iter_no_change(),
                "iterations without improvement after which boosting stops early",
            )
            .allowing(AT_LEAST_ONE.allowed),
            Parameter::new(
                "tol",
                &d.tol(),
                &c.tol(),
                "least improvement of the validation loss that counts for early stopping",
            )
            .allowing(FINITE_NON_NEGATIVE.allowed),
        ]
    }
    fn set_parameter(&mut self, name: &str, value: &str) -> Result<()> {
        let classifier = HistGradientBoostingParams::from(self.classifier.clone());
        let regressor = HistGradientBoostingParams::from(self.regressor.clone());
        let (Some(classifier), Some(regressor)) = (
            set_one(classifier, name, value)?,
            set_one(regressor, name, value)?,
        ) else {
            return Err(unknown_parameter(&self.name(), name, &self.parameters()));
        };
        // The constraints above are oml-trees' checks; this fails only if it checks more.
        let invalid = |e: oml_trees::Error| Error::invalid(name, value, e.to_string());
        let classifier = classifier.check().map_err(invalid)?;
        self.regressor = regressor.check().map_err(invalid)?;
        self.classifier = classifier;
        Ok(())
    }
}

impl Fitted for HistGradientBoostingClassifier {
    fn output(&self, x: &ArrayView2<'_, f64>) -> Output {
        Output::Confidences(self.predict_proba(x))
    }
}

impl Fitted for HistGradientBoostingRegressor {
    fn output(&self, x: &ArrayView2<'_, f64>) -> Output {
        Output::Values(self.predict(x))
    }
}

impl Flow for GbmFlow {
    fn learns(&self, kind: TaskKind) -> bool {
        kind != TaskKind::Clustering
    }

    /// Fits the booster, then refuses one whose raw predictions can overflow (its baseline
    /// plus the largest leaf value of every tree is not finite): its confidences or
    /// predictions could be NaN.
    fn fit(&self, data: &TrainingSet<'_>, seed: u64) -> Result<Box<dyn Model>> {
        // What a booster whose raw predictions can overflow would give, and what else than a
        // smaller learning_rate keeps them finite; `None` while they stay finite.
        let overflow: Cell<Option<(&str, &str)>> = Cell::new(None);
        let model = fit_trees(
            self,
            data,
            |x, classes, n_classes| {
                let model = HistGradientBoostingParams::from(self.classifier.clone())
                    .n_classes(Some(n_classes))
                    .seed(seed)
                    .fit_records(x, classes)?;
                if !raw_predictions_stay_finite(model.baseline(), model.trees()) {
                    overflow.set(Some(("confidences could be NaN", "")));
                }
                Ok(model)
            },
            |x, values| {
                let model = HistGradientBoostingParams::from(self.regressor.clone())
                    .seed(seed)
                    .fit_records(x, values)?;
                if !raw_predictions_stay_finite(&[model.baseline()], model.trees()) {
                    overflow.set(Some((
                        "predictions could be infinite or NaN",
                        " or a target of smaller values",
                    )));
                }
                Ok(model)
            },
        )?;
        let Some((outcome, other_remedy)) = overflow.get() else {
            return Ok(model);
        };
        Err(Error::on_data(
            self.name(),
            "learning_rate",
            number_text(self.classifier.learning_rate()),
            format!(
                "the booster's raw predictions (the baseline plus the leaf value of every tree, \
                 which learning_rate multiplies) are not finite or can exceed the largest \
                 number, {:e}, so its {outcome}; a smaller learning_rate{other_remedy} can keep \
                 them finite",
                f64::MAX
            ),
        ))
    }
}

/// Whether every raw prediction of a booster with `baseline` (one per tree of an iteration)
/// and `trees` (one per baseline in each iteration) is finite, whatever the row: each
/// baseline's magnitude plus the largest leaf magnitude of every tree that adds to it is a
/// finite bound. A leaf value that is not a number fails it.
fn raw_predictions_stay_finite(baseline: &[f64], trees: &[Vec<Tree>]) -> bool {
    baseline.iter().enumerate().all(|(k, &start)| {
        let bound = trees.iter().fold(start.abs(), |bound, iteration| {
            let tree = &iteration[k];
            let largest = (0..tree.nodes().len())
                .filter(|&node| tree.nodes()[node].is_leaf())
                .map(|leaf| {
                    let value = tree.value(leaf)[0];
                    if value.is_nan() {
                        f64::INFINITY
                    } else {
                        value.abs()
                    }
                })
                .fold(0.0, f64::max);
            bound + largest
        });
        bound.is_finite()
    })
}
