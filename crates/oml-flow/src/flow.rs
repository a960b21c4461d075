//! The traits a flow implements and the values that go in and out of a fit.

use ndarray::{Array1, Array2, ArrayView1};
use oml_data::DesignMatrix;

use crate::error::{Error, Result};
use crate::param::{Parameter, unknown_parameter};

/// The version of oml-flow, as it appears in external versions.
pub const OML_FLOW_VERSION: &str = env!("CARGO_PKG_VERSION");

/// What OpenML records about a flow: its identity, its hyperparameters and its components.
///
/// Only [`Describe::name`] has no default. Flows ([`Flow`]) and preprocessing steps
/// ([`Preprocessor`]) both describe themselves this way, so both can be components.
pub trait Describe: Send + Sync {
    /// The flow's name in OpenML's characters (letters, digits and `_-.,():=`), such as
    /// `linfa_trees.DecisionTree`. With the external version it identifies the flow.
    fn name(&self) -> String;

    /// Every crate and version the flow's results depend on, as sorted, comma-separated
    /// `crate==version`. By default, oml-flow's version.
    fn external_version(&self) -> String {
        format!("oml-flow=={OML_FLOW_VERSION}")
    }

    /// One or two sentences on what the flow does. By default, its name.
    fn description(&self) -> String {
        self.name()
    }

    /// The flow's own hyperparameters, read from its parameter struct; components report
    /// theirs. By default, none.
    fn parameters(&self) -> Vec<Parameter> {
        Vec::new()
    }

    /// Sets hyperparameter `name` from text. An unknown name or a bad value is an error naming
    /// the parameter and what is allowed, and leaves the flow as it was.
    fn set_parameter(&mut self, name: &str, value: &str) -> Result<()> {
        let _ = value;
        Err(unknown_parameter(&self.name(), name, &self.parameters()))
    }

    /// The flow's components (pipeline steps), in order. By default, none.
    fn components(&self) -> Vec<Component<'_>> {
        Vec::new()
    }
}

/// A named sub-flow: a pipeline step.
#[derive(Clone, Copy)]
pub struct Component<'a> {
    /// The step's name within its parent, in OpenML's identifier characters.
    pub identifier: &'a str,
    /// The step itself.
    pub flow: &'a dyn Describe,
}

/// A model configuration that can be fitted: what `run_model_on_task` runs.
///
/// ```
/// use oml_flow::{Describe, Flow, Model, Output, Result, TrainingSet, Target};
/// use oml_data::DesignMatrix;
/// use ndarray::Array1;
///
/// /// Predicts the most frequent training class.
/// struct Majority;
/// struct Fitted(usize);
///
/// impl Describe for Majority {
///     fn name(&self) -> String { "example.Majority".into() }
/// }
/// impl Flow for Majority {
///     fn fit(&self, data: &TrainingSet<'_>, _seed: u64) -> Result<Box<dyn Model>> {
///         let Target::Classes { classes, n_classes } = data.target else {
///             return Err(oml_flow::unsupported(self, &data.target));
///         };
///         let mut counts = vec![0; n_classes];
///         classes.iter().for_each(|&c| counts[c] += 1);
///         let best = (0..n_classes).max_by_key(|&c| (counts[c], std::cmp::Reverse(c))).unwrap();
///         Ok(Box::new(Fitted(best)))
///     }
/// }
/// impl Model for Fitted {
///     fn output(&self, x: &DesignMatrix) -> Result<Output> {
///         Ok(Output::Labels(Array1::from_elem(x.x.nrows(), self.0)))
///     }
/// }
/// ```
pub trait Flow: Describe {
    /// Fits on the training rows of one unit. `seed` is derived from (run seed, repeat, fold,
    /// sample) by [`crate::unit_seed`]; a randomised flow takes all its randomness from it.
    fn fit(&self, data: &TrainingSet<'_>, seed: u64) -> Result<Box<dyn Model>>;

    /// Whether the flow learns tasks of `kind` (the number of classes aside): the evaluator
    /// refuses a flow that does not before any unit runs. By default, every kind; a flow that
    /// then cannot fit one says so when fitted.
    fn learns(&self, kind: TaskKind) -> bool {
        let _ = kind;
        true
    }

    /// What fitting on `features` computes from the features alone, whatever the flow's
    /// parameters and seed (a tree's presorted columns), for [`Flow::fit_prepared`]: a search
    /// that fits many parameter sets on the same rows computes it once. `None`, the default:
    /// nothing to share.
    fn prepare(&self, features: &DesignMatrix) -> Result<Option<Prepared>> {
        let _ = features;
        Ok(None)
    }

    /// [`Flow::fit`], given what [`Flow::prepare`] of a flow of the same type computed from
    /// `data.features`, if anything: the same model, without computing that again. The
    /// caller passes what was prepared from these very features; a flow may ignore what does
    /// not fit their shape. By default, `fit`.
    fn fit_prepared(
        &self,
        data: &TrainingSet<'_>,
        prepared: Option<&Prepared>,
        seed: u64,
    ) -> Result<Box<dyn Model>> {
        let _ = prepared;
        self.fit(data, seed)
    }

    /// The numeric parameter along which the flow fits warm ([`Flow::fit_warm`]), and in
    /// which direction: a search fits candidates that differ only in it in that order, each
    /// from the model of the one before on the same rows (scikit-learn's `warm_start`; its
    /// `LogisticRegressionCV` likewise starts each `C` from the last one's solution). `None`,
    /// the default: every fit is cold.
    fn warm_path(&self) -> Option<WarmPath> {
        None
    }

    /// [`Flow::fit_prepared`], with the solver started where `previous` stopped: a model of a
    /// flow of the same type fitted on the same training rows with the value of
    /// [`Flow::warm_path`]'s parameter before this flow's on the path. The objective is the
    /// same; where the solver's stopping rules stop it may differ by their tolerance. A model
    /// that offers no state to start from ([`Model::warm_state`]) gives a cold fit. By
    /// default, `fit_prepared`.
    fn fit_warm(
        &self,
        data: &TrainingSet<'_>,
        prepared: Option<&Prepared>,
        seed: u64,
        previous: &dyn Model,
    ) -> Result<Box<dyn Model>> {
        let _ = previous;
        self.fit_prepared(data, prepared, seed)
    }

    /// The parameters of which the flow fits several values at once ([`Flow::fit_family`]):
    /// a search fits candidates that differ only in them as one family on each inner split.
    /// Empty, the default: every candidate is fitted on its own.
    fn family_parameters(&self) -> &'static [&'static str] {
        &[]
    }

    /// Fits `members`, flows of this flow's type that differ from it at most in
    /// [`Flow::family_parameters`] (a flow may check it by name and parameters,
    /// [`family_members`]), on `data` at once: a model per member, in order, each the
    /// model the member's own [`Flow::fit_prepared`] gives. A flow whose fits of those
    /// parameters share work (trees of several depth limits and leaf sizes share their upper
    /// nodes) does it for less than the members' fits. By default, each member's own fit.
    fn fit_family(
        &self,
        data: &TrainingSet<'_>,
        prepared: Option<&Prepared>,
        seed: u64,
        members: &[&dyn Flow],
    ) -> Result<Vec<Box<dyn Model>>> {
        members
            .iter()
            .map(|member| member.fit_prepared(data, prepared, seed))
            .collect()
    }
}

/// This flow with each member's values of `names` ([`Flow::family_parameters`]), after
/// checking that the member is a flow of the same name with the same parameters, every one but
/// those of `names` set alike (as [`Describe::parameters`] gives them): how a flow reads the
/// members of its family.
pub fn family_members<F: Flow + Clone>(
    flow: &F,
    members: &[&dyn Flow],
    names: &[&str],
) -> Result<Vec<F>> {
    let outside = |parameters: Vec<Parameter>| -> Vec<(String, String)> {
        parameters
            .into_iter()
            .filter(|p| !names.contains(&p.name.as_str()))
            .map(|p| (p.name, p.value))
            .collect()
    };
    let own = outside(flow.parameters());
    members
        .iter()
        .map(|member| {
            let theirs = outside(member.parameters());
            if member.name() != flow.name() || theirs != own {
                let differing = theirs.iter().find(|p| !own.contains(p));
                return Err(Error::Fit {
                    flow: flow.name(),
                    message: match differing {
                        Some((name, value)) => format!(
                            "a member of a family sets {name} to {value}, and members may \
                             differ only in {}",
                            names.join(" and ")
                        ),
                        None => format!(
                            "a member of a family is {}, not a flow of the same parameters",
                            member.name()
                        ),
                    },
                });
            }
            let mut configured = flow.clone();
            for parameter in member.parameters() {
                if names.contains(&parameter.name.as_str()) {
                    configured.set_parameter(&parameter.name, &parameter.value)?;
                }
            }
            Ok(configured)
        })
        .collect()
}

/// A parameter along which a flow fits warm ([`Flow::warm_path`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WarmPath {
    /// The numeric parameter's name.
    pub parameter: &'static str,
    /// Whether the path runs from the parameter's largest value down (else from the smallest
    /// up).
    pub descending: bool,
}

/// What a flow computes from training features alone ([`Flow::prepare`]), for its own
/// [`Flow::fit_prepared`] to read back.
pub type Prepared = std::sync::Arc<dyn std::any::Any + Send + Sync>;

/// A fitted flow.
pub trait Model: Send + Sync {
    /// The model's raw output for the rows of `x`; [`Model::predict`] checks and completes it.
    fn output(&self, x: &DesignMatrix) -> Result<Output>;

    /// Predictions for the rows of `x`, for a task of `kind`: the output checked against the
    /// task, confidences normalised, and labels taken as the argmax of the confidences with
    /// ties to the first class.
    fn predict(&self, x: &DesignMatrix, kind: TaskKind) -> Result<Predictions> {
        Predictions::from_output(self.output(x)?, x.x.nrows(), kind)
    }

    /// The optimisation trace of a model chosen by a search: every candidate evaluated, in
    /// order, the chosen one selected. Empty for a model that searched nothing.
    fn trace(&self) -> &[TraceIteration] {
        &[]
    }

    /// What [`Flow::fit_warm`] of the flow that fitted this model starts from (its fitted
    /// coefficients), for that flow to downcast. `None`, the default: nothing.
    fn warm_state(&self) -> Option<&dyn std::any::Any> {
        None
    }
}

/// One candidate of a hyperparameter search (a row of OpenML's `trace.arff`).
#[derive(Debug, Clone, PartialEq)]
pub struct TraceIteration {
    /// The candidate's parameters by name, with their values as text.
    pub parameters: Vec<(String, String)>,
    /// Its mean score over the inner splits.
    pub evaluation: f64,
    /// Whether it was chosen and refitted.
    pub selected: bool,
}

/// A preprocessing step: fitted on the training rows, then applied to training and test rows.
pub trait Preprocessor: Describe {
    /// Learns what the step needs (means, categories, ...) from the training rows.
    fn fit(&self, x: &DesignMatrix) -> Result<Box<dyn Transform>>;
}

/// A fitted preprocessing step.
pub trait Transform: Send + Sync {
    /// The transformed matrix, with the columns it now has.
    fn transform(&self, x: &DesignMatrix) -> Result<DesignMatrix>;
}

/// The training rows of one unit.
#[derive(Debug, Clone, Copy)]
pub struct TrainingSet<'a> {
    /// The features of the training rows.
    pub features: &'a DesignMatrix,
    /// The target of the training rows.
    pub target: Target<'a>,
}

/// The target a flow learns.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    /// Class indices into the task's class labels. `n_classes` counts every label of the
    /// task, including labels with no training row.
    Classes {
        /// The class of each row.
        classes: ArrayView1<'a, usize>,
        /// The number of class labels of the task.
        n_classes: usize,
    },
    /// Numbers to predict.
    Values(ArrayView1<'a, f64>),
    /// No target: clustering.
    None,
}

impl Target<'_> {
    /// The same target, borrowed for a shorter time (array views are invariant in their
    /// lifetime, so a `Target` does not shorten by itself).
    pub fn reborrow(&self) -> Target<'_> {
        match self {
            Target::Classes { classes, n_classes } => Target::Classes {
                classes: classes.view(),
                n_classes: *n_classes,
            },
            Target::Values(values) => Target::Values(values.view()),
            Target::None => Target::None,
        }
    }

    /// The kind of task this target belongs to.
    pub fn kind(&self) -> TaskKind {
        match self {
            Target::Classes { n_classes, .. } => TaskKind::Classification {
                n_classes: *n_classes,
            },
            Target::Values(_) => TaskKind::Regression,
            Target::None => TaskKind::Clustering,
        }
    }
}

/// What a task asks a model to predict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskKind {
    /// A class out of `n_classes`, with a confidence for each.
    Classification {
        /// The number of class labels of the task.
        n_classes: usize,
    },
    /// A number.
    Regression,
    /// A cluster id.
    Clustering,
}

impl TaskKind {
    /// `classification`, `regression` or `clustering`.
    pub fn name(self) -> &'static str {
        match self {
            TaskKind::Classification { .. } => "classification",
            TaskKind::Regression => "regression",
            TaskKind::Clustering => "clustering",
        }
    }
}

/// The error for a flow asked to learn a target it cannot.
pub fn unsupported(flow: &(impl Describe + ?Sized), target: &Target<'_>) -> Error {
    Error::UnsupportedTask {
        flow: flow.name(),
        task: target.kind().name().to_owned(),
    }
}

/// What a fitted model returns, before [`Model::predict`] checks it.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// Per-class confidences, shape (rows, task classes), columns in the task's class order;
    /// each row is divided by its sum.
    Confidences(Array2<f64>),
    /// Class indices from a model with no notion of probability: confidence 1.0 on the
    /// predicted class, as OpenML expects.
    Labels(Array1<usize>),
    /// Regression values.
    Values(Array1<f64>),
    /// Cluster ids.
    Clusters(Array1<usize>),
}

/// Checked predictions for the rows of one unit's test set.
#[derive(Debug, Clone, PartialEq)]
pub enum Predictions {
    /// Classification.
    Classes {
        /// The predicted class of each row: the argmax of its confidences, ties to the first
        /// class.
        labels: Array1<usize>,
        /// Confidences, shape (rows, task classes); every row sums to 1.
        confidences: Array2<f64>,
    },
    /// Regression values.
    Values(Array1<f64>),
    /// Cluster ids.
    Clusters(Array1<usize>),
}

impl Predictions {
    /// Checks `output` of a model for `rows` rows of a task of `kind`, and completes it.
    pub fn from_output(output: Output, rows: usize, kind: TaskKind) -> Result<Self> {
        let fail = |message: String| Error::Predict {
            flow: "model output".to_owned(),
            message,
        };
        let length = |found: usize| -> Result<()> {
            if found == rows {
                Ok(())
            } else {
                Err(fail(format!("{found} predictions for {rows} rows")))
            }
        };
        match (output, kind) {
            (Output::Confidences(mut confidences), TaskKind::Classification { n_classes }) => {
                length(confidences.nrows())?;
                if confidences.ncols() != n_classes {
                    return Err(fail(format!(
                        "{} confidence columns for {n_classes} classes",
                        confidences.ncols()
                    )));
                }
                for (row, mut values) in confidences.rows_mut().into_iter().enumerate() {
                    if values.iter().any(|v| !v.is_finite() || *v < 0.0) {
                        return Err(fail(format!(
                            "row {row}: confidences must be finite and non-negative, found {values}"
                        )));
                    }
                    let sum: f64 = values.sum();
                    if sum <= 0.0 {
                        return Err(fail(format!("row {row}: all confidences are 0")));
                    }
                    if sum != 1.0 {
                        values.mapv_inplace(|v| v / sum);
                    }
                }
                let labels = confidences.rows().into_iter().map(argmax).collect();
                Ok(Predictions::Classes {
                    labels,
                    confidences,
                })
            }
            (Output::Labels(labels), TaskKind::Classification { n_classes }) => {
                length(labels.len())?;
                let mut confidences = Array2::zeros((rows, n_classes));
                for (row, &label) in labels.iter().enumerate() {
                    if label >= n_classes {
                        return Err(fail(format!(
                            "row {row}: class {label} out of {n_classes} classes"
                        )));
                    }
                    confidences[[row, label]] = 1.0;
                }
                Ok(Predictions::Classes {
                    labels,
                    confidences,
                })
            }
            (Output::Values(values), TaskKind::Regression) => {
                length(values.len())?;
                Ok(Predictions::Values(values))
            }
            (Output::Clusters(ids), TaskKind::Clustering) => {
                length(ids.len())?;
                Ok(Predictions::Clusters(ids))
            }
            (output, kind) => Err(fail(format!(
                "{} output for a {} task",
                match output {
                    Output::Confidences(_) | Output::Labels(_) => "classification",
                    Output::Values(_) => "regression",
                    Output::Clusters(_) => "clustering",
                },
                kind.name()
            ))),
        }
    }
}

/// The index of the largest value, the first one on ties.
pub fn argmax(values: ArrayView1<'_, f64>) -> usize {
    let mut best = 0;
    for (i, &v) in values.iter().enumerate() {
        if v > values[best] {
            best = i;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::*;

    const THREE: TaskKind = TaskKind::Classification { n_classes: 3 };

    #[test]
    fn labels_are_the_argmax_with_ties_to_the_first_class() {
        let output = Output::Confidences(array![[0.2, 0.4, 0.4], [2.0, 1.0, 1.0], [0.0, 0.0, 5.0]]);
        let Predictions::Classes {
            labels,
            confidences,
        } = Predictions::from_output(output, 3, THREE).unwrap()
        else {
            panic!("classification")
        };
        assert_eq!(labels, array![1, 0, 2]);
        assert_eq!(confidences.row(1), array![0.5, 0.25, 0.25]);
        assert_eq!(confidences.row(2), array![0.0, 0.0, 1.0]);
    }

    #[test]
    fn labels_without_probabilities_become_one_hot() {
        let Predictions::Classes { confidences, .. } =
            Predictions::from_output(Output::Labels(array![2, 0]), 2, THREE).unwrap()
        else {
            panic!("classification")
        };
        assert_eq!(confidences, array![[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]);
    }

    #[test]
    fn bad_outputs_are_errors() {
        let cases = [
            (
                Output::Confidences(array![[0.5, 0.5]]),
                THREE,
                "2 confidence columns for 3",
            ),
            (
                Output::Confidences(array![[0.5, f64::NAN, 0.0]]),
                THREE,
                "row 0: confidences",
            ),
            (
                Output::Confidences(array![[0.0, 0.0, 0.0]]),
                THREE,
                "all confidences are 0",
            ),
            (Output::Labels(array![3]), THREE, "class 3 out of 3"),
            (
                Output::Values(array![1.0]),
                THREE,
                "regression output for a classification",
            ),
            (
                Output::Values(array![1.0, 2.0]),
                TaskKind::Regression,
                "2 predictions for 1 rows",
            ),
        ];
        for (output, kind, expected) in cases {
            let error = Predictions::from_output(output, 1, kind)
                .unwrap_err()
                .to_string();
            assert!(error.contains(expected), "{error}");
        }
    }
}
