//! perpetual's gradient boosting machine as a flow (`perpetual-gbm`, the `gbm` of earlier
//! versions) that learns classification or regression, whichever the target is.

use std::panic::{AssertUnwindSafe, catch_unwind};

use ndarray::{Array1, Array2, ArrayView2};
use oml_data::DesignMatrix;
use perpetual::booster::config::{BoosterConfig, MissingNodeTreatment};
use perpetual::objective::Objective;
use perpetual::{Matrix, PerpetualBooster};

use crate::error::{Error, Result};
use crate::estimators::{panic_message, perpetual_external_version};
use crate::flow::{Describe, Flow, Model, Output, Target, TaskKind, TrainingSet, unsupported};
use crate::inputs::{fitted_inputs_with_missing, training_inputs_with_missing};
use crate::param::{Constraint, Parameter, set_value, unknown_parameter};

crate::option_value!(MissingNodeTreatment {
    MissingNodeTreatment::None => "none",
    MissingNodeTreatment::AssignToParent => "assign_to_parent",
    MissingNodeTreatment::AverageLeafWeight => "average_leaf_weight",
    MissingNodeTreatment::AverageNodeWeight => "average_node_weight",
});

/// The values `budget` takes. perpetual does not check it; from 5 on, the loss decrease it
/// asks of each tree is no longer positive (`c = 2/n - 1/(n-1)` with `n = 10/budget`), and
/// its own documentation uses 0.1 to 2.
const BUDGET: Constraint<f32> = Constraint {
    allowed: "a number greater than 0 and less than 5",
    valid: |b| *b > 0.0 && *b < 5.0,
};

/// The values `max_bin` takes: perpetual counts bins up to `max_bin + 1` in a `u16`.
const MAX_BIN: Constraint<u16> = Constraint {
    allowed: "an integer from 2 to 65534",
    valid: |n| (2..=65534).contains(n),
};

/// The values `iteration_limit` and `stopping_rounds` take; `none` is perpetual's own
/// default (1000 iterations, 3 rounds).
const LIMIT: Constraint<Option<usize>> = Constraint {
    allowed: "an integer of at least 1, or none",
    valid: |n| *n != Some(0),
};

/// perpetual's gradient boosting machine ([`PerpetualBooster`], perpetual 2.3.0), the
/// built-in `perpetual-gbm` (`gbm` is oml-trees' [`crate::GbmFlow`] now): histogram
/// trees added until the loss stops improving by what the `budget` asks (a larger budget
/// learns more slowly and longer), with no learning rate or depth to tune.
///
/// The objective is picked by the target: log loss for classification, squared loss for
/// regression. A regression target gets one booster. Two classes present in the training
/// rows get one booster of the second against the first, whose sigmoid is the confidence of
/// the second class. Three or more get one-vs-rest boosters, one per class present, and the
/// confidences are the softmax of their log-odds, as perpetual's own `MultiOutputBooster`
/// (its Python classifier's multi-class mode) computes them. A class absent from the training
/// rows gets confidence 0; a single class present gets 1.
///
/// The parameters are perpetual's own [`BoosterConfig`] fields, read from the struct the
/// booster is built from, with perpetual's defaults: `budget`, `max_bin`, `iteration_limit`,
/// `stopping_rounds`, `allow_missing_splits`, `create_missing_branch`,
/// `missing_node_treatment` and `force_children_to_bound_parent`. Left out: `timeout`, which
/// would make the fit depend on the clock, and `memory_limit`, which caps a tree's nodes; the
/// column constraints and categorical features, which name columns by position after one-hot
/// encoding. The seed (of perpetual's column sampling, used only when rows are few against
/// columns) is the fit's seed, and a fit runs on one thread, so that results do not depend on
/// the thread count (the evaluator runs units in parallel). The vendored perpetual caps a
/// tree's nodes by the training rows alone (twice them, 100 to 10,000); the release capped
/// them by the memory free when the fit started too, which made the trees depend on the
/// machine (`vendor/perpetual/OML-PATCH.md`, patch 4).
///
/// Missing values (NaN) reach the booster: the default pipeline one-hot encodes nominal
/// columns and imputes nothing. perpetual's default splitter sends them to the side of each
/// split where they fit best; with `create_missing_branch` they get a branch of their own, which
/// can also learn that being missing is what matters.
#[derive(Clone, Default)]
pub struct PerpetualGbmFlow {
    config: BoosterConfig,
}

impl std::fmt::Debug for PerpetualGbmFlow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PerpetualGbmFlow")
            .field("parameters", &self.parameters())
            .finish()
    }
}

impl PerpetualGbmFlow {
    /// A booster with perpetual's defaults: budget 0.5, 256 bins, perpetual's own iteration
    /// limit and stopping rounds, missing splits allowed, no missing branch.
    pub fn new() -> Self {
        PerpetualGbmFlow::default()
    }

    /// perpetual's configuration the booster is built from (the objective, the seed and the
    /// thread count are set by the fit).
    pub fn config(&self) -> &BoosterConfig {
        &self.config
    }

    /// A booster for `objective` with this flow's parameters, the fit's seed and one thread.
    fn booster(&self, objective: Objective, seed: u64) -> PerpetualBooster {
        let mut cfg = self.config.clone();
        cfg.objective = objective;
        cfg.seed = seed;
        cfg.num_threads = Some(1);
        cfg.log_iterations = 0;
        PerpetualBooster {
            cfg,
            ..PerpetualBooster::default()
        }
    }
}

impl Describe for PerpetualGbmFlow {
    fn name(&self) -> String {
        "perpetual.PerpetualBooster".to_owned()
    }
    fn external_version(&self) -> String {
        perpetual_external_version()
    }
    fn description(&self) -> String {
        "Gradient boosting machine of perpetual (histogram trees, fitted until the loss stops \
         improving by what the budget asks; log loss for classification, one-vs-rest with \
         softmax for three or more classes; squared loss for regression); missing values go \
         to the better side of each split or to a branch of their own"
            .to_owned()
    }
    fn parameters(&self) -> Vec<Parameter> {
        let (d, c) = (&BoosterConfig::default(), &self.config);
        vec![
            Parameter::new(
                "budget",
                &d.budget,
                &c.budget,
                "how much the booster learns: larger fits more, smaller trees with a smaller \
                 learning rate (10^-budget)",
            )
            .allowing(BUDGET.allowed),
            Parameter::new(
                "max_bin",
                &d.max_bin,
                &c.max_bin,
                "most bins a numeric feature is cut into",
            )
            .allowing(MAX_BIN.allowed),
            Parameter::new(
                "iteration_limit",
                &d.iteration_limit,
                &c.iteration_limit,
                "most boosting rounds (none: perpetual's limit, 1000)",
            )
            .allowing(LIMIT.allowed),
            Parameter::new(
                "stopping_rounds",
                &d.stopping_rounds,
                &c.stopping_rounds,
                "rounds without improvement after which boosting stops (none: perpetual's \
                 default, 3)",
            )
            .allowing(LIMIT.allowed),
            Parameter::new(
                "allow_missing_splits",
                &d.allow_missing_splits,
                &c.allow_missing_splits,
                "whether a split may separate the missing values from the others",
            ),
            Parameter::new(
                "create_missing_branch",
                &d.create_missing_branch,
                &c.create_missing_branch,
                "whether missing values get a branch of their own at each split",
            ),
            Parameter::new(
                "missing_node_treatment",
                &d.missing_node_treatment,
                &c.missing_node_treatment,
                "the weight of a missing branch (with create_missing_branch)",
            ),
            Parameter::new(
                "force_children_to_bound_parent",
                &d.force_children_to_bound_parent,
                &c.force_children_to_bound_parent,
                "whether a split's children must bound their parent's weight",
            ),
        ]
    }
    fn set_parameter(&mut self, name: &str, value: &str) -> Result<()> {
        let c = &mut self.config;
        match name {
            "budget" => BUDGET.set(&mut c.budget, name, value),
            "max_bin" => MAX_BIN.set(&mut c.max_bin, name, value),
            "iteration_limit" => LIMIT.set(&mut c.iteration_limit, name, value),
            "stopping_rounds" => LIMIT.set(&mut c.stopping_rounds, name, value),
            "allow_missing_splits" => set_value(&mut c.allow_missing_splits, name, value),
            "create_missing_branch" => set_value(&mut c.create_missing_branch, name, value),
            "missing_node_treatment" => set_value(&mut c.missing_node_treatment, name, value),
            "force_children_to_bound_parent" => {
                set_value(&mut c.force_children_to_bound_parent, name, value)
            }
            _ => Err(unknown_parameter(&self.name(), name, &self.parameters())),
        }
    }
}

/// `x` in perpetual's column-major layout.
fn column_major(x: ArrayView2<'_, f64>) -> Vec<f64> {
    x.t().iter().copied().collect()
}

/// Fits `booster` on the column-major `data` of `rows` rows, panics caught.
fn fit_booster(
    name: &str,
    mut booster: PerpetualBooster,
    data: &[f64],
    rows: usize,
    y: &[f64],
) -> Result<PerpetualBooster> {
    let cols = data.len().checked_div(rows).unwrap_or(0);
    let matrix = Matrix::new(data, rows, cols);
    catch_unwind(AssertUnwindSafe(|| booster.fit(&matrix, y, None, None)))
        .map_err(|payload| Error::fit(name, panic_message(payload.as_ref())))?
        .map_err(|e| Error::fit(name, e))?;
    Ok(booster)
}

impl Flow for PerpetualGbmFlow {
    fn learns(&self, kind: TaskKind) -> bool {
        kind != TaskKind::Clustering
    }

    fn fit(&self, data: &TrainingSet<'_>, seed: u64) -> Result<Box<dyn Model>> {
        let name = self.name();
        let (fitted, n_classes) = match data.target {
            Target::Classes { classes, n_classes } => {
                let x = training_inputs_with_missing(&name, data)?;
                let rows = x.nrows();
                let values = column_major(x);
                let mut counts = vec![0usize; n_classes];
                classes.iter().for_each(|&c| counts[c] += 1);
                let present: Vec<usize> = (0..n_classes).filter(|&c| counts[c] > 0).collect();
                let one_against = |class: usize| -> Result<PerpetualBooster> {
                    let y: Vec<f64> = classes
                        .iter()
                        .map(|&c| if c == class { 1.0 } else { 0.0 })
                        .collect();
                    fit_booster(
                        &name,
                        self.booster(Objective::LogLoss, seed),
                        &values,
                        rows,
                        &y,
                    )
                };
                let fitted = match present[..] {
                    [only] => Fitted::Constant { class: only },
                    [negative, positive] => Fitted::Binary {
                        negative,
                        positive,
                        booster: one_against(positive)?,
                    },
                    _ => Fitted::OneVsRest {
                        boosters: present
                            .iter()
                            .map(|&class| Ok((class, one_against(class)?)))
                            .collect::<Result<_>>()?,
                    },
                };
                (fitted, n_classes)
            }
            Target::Values(values) => {
                let x = training_inputs_with_missing(&name, data)?;
                let rows = x.nrows();
                let y = values.to_vec();
                let booster = fit_booster(
                    &name,
                    self.booster(Objective::SquaredLoss, seed),
                    &column_major(x),
                    rows,
                    &y,
                )?;
                (Fitted::Regressor(booster), 0)
            }
            Target::None => return Err(unsupported(self, &data.target)),
        };
        Ok(Box::new(FittedGbm {
            fitted,
            n_classes,
            n_features: data.features.x.ncols(),
            name,
        }))
    }
}

enum Fitted {
    /// The only class of the training rows.
    Constant {
        class: usize,
    },
    /// One booster of class `positive` against class `negative`.
    Binary {
        negative: usize,
        positive: usize,
        booster: PerpetualBooster,
    },
    /// One booster per class present, against the rest.
    OneVsRest {
        boosters: Vec<(usize, PerpetualBooster)>,
    },
    Regressor(PerpetualBooster),
}

struct FittedGbm {
    fitted: Fitted,
    /// The task's number of classes (0 for regression).
    n_classes: usize,
    n_features: usize,
    name: String,
}

impl FittedGbm {
    fn output_of(&self, x: ArrayView2<'_, f64>) -> Output {
        let rows = x.nrows();
        let values = column_major(x);
        let matrix = Matrix::new(&values, rows, x.ncols());
        let mut confidences = Array2::zeros((rows, self.n_classes));
        match &self.fitted {
            Fitted::Regressor(booster) => {
                return Output::Values(Array1::from(booster.predict(&matrix, false)));
            }
            Fitted::Constant { class } => confidences.column_mut(*class).fill(1.0),
            Fitted::Binary {
                negative,
                positive,
                booster,
            } => {
                for (row, p) in booster
                    .predict_proba(&matrix, false, false)
                    .into_iter()
                    .enumerate()
                {
                    confidences[[row, *negative]] = 1.0 - p;
                    confidences[[row, *positive]] = p;
                }
            }
            Fitted::OneVsRest { boosters } => {
                let log_odds: Vec<Vec<f64>> = boosters
                    .iter()
                    .map(|(_, booster)| booster.predict(&matrix, false))
                    .collect();
                for row in 0..rows {
                    let max = log_odds
                        .iter()
                        .map(|l| l[row])
                        .fold(f64::NEG_INFINITY, f64::max);
                    let exps: Vec<f64> = log_odds.iter().map(|l| libm::exp(l[row] - max)).collect();
                    let sum: f64 = exps.iter().sum();
                    for ((class, _), e) in boosters.iter().zip(exps) {
                        confidences[[row, *class]] = e / sum;
                    }
                }
            }
        }
        Output::Confidences(confidences)
    }
}

impl Model for FittedGbm {
    fn output(&self, x: &DesignMatrix) -> Result<Output> {
        let x = fitted_inputs_with_missing(&self.name, x, self.n_features)?;
        catch_unwind(AssertUnwindSafe(|| self.output_of(x)))
            .map_err(|payload| Error::predict(&self.name, panic_message(payload.as_ref())))
    }
}
