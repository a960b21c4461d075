//! oml-trees' exact CART tree as a flow that learns classification or regression, whichever
//! the target is; and what it shares with [`crate::RandomForestFlow`]: the tree parameters, their
//! text and their checks.

use std::borrow::Cow;
use std::sync::Arc;

use linfa::ParamGuard;
use linfa::traits::Predict;
use ndarray::{ArrayView1, ArrayView2};
use oml_data::DesignMatrix;
use oml_trees::{
    Classification, Criterion, DecisionTreeClassifier, DecisionTreeParams, DecisionTreeRegressor,
    DecisionTreeValidParams, MaxFeatures, RandomForestClassifier, RandomForestParams,
    RandomForestRegressor, Regression, TreeKind,
};

use crate::error::{Error, Result};
use crate::estimators::oml_trees_external_version;
use crate::flow::{
    Describe, Flow, Model, Output, Prepared, Target, TaskKind, TrainingSet, family_members,
    unsupported,
};
use crate::inputs::{
    fitted_inputs_with_missing, inputs_with_missing, prepared_for, training_inputs_prechecked,
    training_inputs_with_missing,
};
use crate::param::{
    AT_LEAST_ONE, Constraint, FINITE_NON_NEGATIVE, MAX_DEPTH, ParamValue, Parameter,
    unknown_parameter,
};

crate::option_value!(Criterion {
    Criterion::Gini => "gini",
    Criterion::Entropy => "entropy",
    Criterion::SquaredError => "squared_error",
});

/// `all`, `sqrt`, `log2`, a count or a fraction (with a decimal point), as
/// [`MaxFeatures`]'s `FromStr` and `Display`.
impl ParamValue for MaxFeatures {
    const DATA_TYPE: &'static str = "string";
    fn to_text(&self) -> String {
        self.to_string()
    }
    fn from_text(text: &str) -> Option<Self> {
        text.parse().ok()
    }
    fn allowed() -> String {
        MAX_FEATURES.allowed.to_owned()
    }
}

/// The values `criterion` takes: a classification criterion; regression always uses squared
/// error, its only criterion.
pub(crate) const CRITERION: Constraint<Criterion> = Constraint {
    allowed: "gini or entropy (classification; regression always uses squared_error)",
    valid: |c| *c != Criterion::SquaredError,
};

/// The values `min_samples_split` takes.
pub(crate) const SPLIT_SAMPLES: Constraint<usize> = Constraint {
    allowed: "an integer of at least 2",
    valid: |n| *n >= 2,
};

/// The values `max_features` takes.
pub(crate) const MAX_FEATURES: Constraint<MaxFeatures> = Constraint {
    allowed: "all, sqrt, log2, a count of at least 1 or a fraction in (0, 1] with a decimal point",
    valid: |m| match *m {
        MaxFeatures::Count(k) => k >= 1,
        MaxFeatures::Fraction(f) => f > 0.0 && f <= 1.0,
        _ => true,
    },
};

/// The setters a tree's and a forest's unchecked parameters share.
pub(crate) trait TreeSetters: Sized {
    fn set_criterion(self, criterion: Criterion) -> Self;
    fn set_max_depth(self, max_depth: Option<usize>) -> Self;
    fn set_min_samples_split(self, n: usize) -> Self;
    fn set_min_samples_leaf(self, n: usize) -> Self;
    fn set_min_impurity_decrease(self, decrease: f64) -> Self;
}

macro_rules! tree_setters {
    ($($t:ident),*) => {$(
        impl<K: TreeKind> TreeSetters for $t<K> {
            fn set_criterion(self, criterion: Criterion) -> Self {
                self.criterion(criterion)
            }
            fn set_max_depth(self, max_depth: Option<usize>) -> Self {
                self.max_depth(max_depth)
            }
            fn set_min_samples_split(self, n: usize) -> Self {
                self.min_samples_split(n)
            }
            fn set_min_samples_leaf(self, n: usize) -> Self {
                self.min_samples_leaf(n)
            }
            fn set_min_impurity_decrease(self, decrease: f64) -> Self {
                self.min_impurity_decrease(decrease)
            }
        }
    )*};
}
tree_setters!(DecisionTreeParams, RandomForestParams);

/// The tree parameters as OpenML records them, read from `params` (a classification tree's,
/// whose criterion is the one that can be chosen) against `default`; `max_features` is left to
/// the caller, whose default differs.
pub(crate) fn tree_parameters(
    default: &DecisionTreeValidParams<Classification>,
    params: &DecisionTreeValidParams<Classification>,
) -> Vec<Parameter> {
    vec![
        Parameter::new(
            "criterion",
            &default.criterion(),
            &params.criterion(),
            "impurity measure of a classification split (regression uses squared error)",
        )
        .allowing(CRITERION.allowed),
        Parameter::new(
            "max_depth",
            &default.max_depth(),
            &params.max_depth(),
            "largest depth of a leaf (the root has depth 0)",
        )
        .allowing(MAX_DEPTH.allowed),
        Parameter::new(
            "min_samples_split",
            &default.min_samples_split(),
            &params.min_samples_split(),
            "fewest rows a node needs to be split",
        )
        .allowing(SPLIT_SAMPLES.allowed),
        Parameter::new(
            "min_samples_leaf",
            &default.min_samples_leaf(),
            &params.min_samples_leaf(),
            "fewest rows each child of a split needs",
        )
        .allowing(AT_LEAST_ONE.allowed),
        Parameter::new(
            "min_impurity_decrease",
            &default.min_impurity_decrease(),
            &params.min_impurity_decrease(),
            "least weighted impurity decrease a split must bring",
        )
        .allowing(FINITE_NON_NEGATIVE.allowed),
    ]
}

/// The classification and regression parameters `classifier` and `regressor` of `flow` with
/// the shared tree parameter `name` set from `value` (`criterion` sets the classifier's only);
/// an unknown-parameter error if `name` is not a tree parameter. `max_features` is left to the
/// caller.
pub(crate) fn set_tree_parameter<C: TreeSetters, R: TreeSetters>(
    flow: &impl Describe,
    classifier: C,
    regressor: R,
    name: &str,
    value: &str,
) -> Result<(C, R)> {
    match name {
        "criterion" => CRITERION
            .parse(name, value)
            .map(|v| (classifier.set_criterion(v), regressor)),
        "max_depth" => MAX_DEPTH
            .parse(name, value)
            .map(|v| (classifier.set_max_depth(v), regressor.set_max_depth(v))),
        "min_samples_split" => SPLIT_SAMPLES.parse(name, value).map(|v| {
            (
                classifier.set_min_samples_split(v),
                regressor.set_min_samples_split(v),
            )
        }),
        "min_samples_leaf" => AT_LEAST_ONE.parse(name, value).map(|v| {
            (
                classifier.set_min_samples_leaf(v),
                regressor.set_min_samples_leaf(v),
            )
        }),
        "min_impurity_decrease" => FINITE_NON_NEGATIVE.parse(name, value).map(|v| {
            (
                classifier.set_min_impurity_decrease(v),
                regressor.set_min_impurity_decrease(v),
            )
        }),
        _ => Err(unknown_parameter(&flow.name(), name, &flow.parameters())),
    }
}

/// Checks the classification and regression parameters, with an error naming parameter `name`
/// set to `value`: the constraints above already hold, so this fails only if oml-trees checks
/// more than they say.
pub(crate) fn check_set<C, R>(
    (classifier, regressor): (C, R),
    name: &str,
    value: &str,
) -> Result<(C::Checked, R::Checked)>
where
    C: ParamGuard<Error = oml_trees::Error>,
    R: ParamGuard<Error = oml_trees::Error>,
{
    let invalid = |e: oml_trees::Error| Error::invalid(name, value, e.to_string());
    Ok((
        classifier.check().map_err(invalid)?,
        regressor.check().map_err(invalid)?,
    ))
}

/// What a flow reads from a fitted oml-trees tree or forest: confidences from a classifier,
/// values from a regressor.
pub(crate) trait Fitted: Send + Sync {
    fn output(&self, x: &ArrayView2<'_, f64>) -> Output;
}

impl Fitted for DecisionTreeClassifier {
    fn output(&self, x: &ArrayView2<'_, f64>) -> Output {
        Output::Confidences(self.predict_proba(x))
    }
}

impl Fitted for DecisionTreeRegressor {
    fn output(&self, x: &ArrayView2<'_, f64>) -> Output {
        Output::Values(self.predict(x))
    }
}

impl Fitted for RandomForestClassifier {
    fn output(&self, x: &ArrayView2<'_, f64>) -> Output {
        Output::Confidences(self.predict_proba(x))
    }
}

impl Fitted for RandomForestRegressor {
    fn output(&self, x: &ArrayView2<'_, f64>) -> Output {
        Output::Values(self.predict(x))
    }
}

/// Fits `flow` on `data`'s inputs (missing values kept): with `classify` (inputs, classes,
/// number of classes) for a classification target, with `regress` (inputs, values) for a
/// regression target; other targets are unsupported.
pub(crate) fn fit_trees<C: Fitted + 'static, R: Fitted + 'static>(
    flow: &impl Flow,
    data: &TrainingSet<'_>,
    classify: impl FnOnce(ArrayView2<'_, f64>, ArrayView1<'_, usize>, usize) -> oml_trees::Result<C>,
    regress: impl FnOnce(ArrayView2<'_, f64>, ArrayView1<'_, f64>) -> oml_trees::Result<R>,
) -> Result<Box<dyn Model>> {
    let mut models = fit_family(
        flow,
        data,
        |x, classes, n_classes| classify(x, classes, n_classes).map(|c| vec![c]),
        |x, values| regress(x, values).map(|r| vec![r]),
    )?;
    Ok(models.remove(0))
}

/// Fits a family of `flow`'s members on `data`'s inputs (missing values kept): see
/// [`fit_family_on`].
pub(crate) fn fit_family<C: Fitted + 'static, R: Fitted + 'static>(
    flow: &impl Flow,
    data: &TrainingSet<'_>,
    classify: impl FnOnce(
        ArrayView2<'_, f64>,
        ArrayView1<'_, usize>,
        usize,
    ) -> oml_trees::Result<Vec<C>>,
    regress: impl FnOnce(ArrayView2<'_, f64>, ArrayView1<'_, f64>) -> oml_trees::Result<Vec<R>>,
) -> Result<Vec<Box<dyn Model>>> {
    fit_family_on(flow, data, training_inputs_with_missing, classify, regress)
}

/// Fits a family of `flow`'s members on `data`'s inputs, taken by `inputs` (missing values
/// kept): with `classify` (inputs, classes, number of classes) for a classification target,
/// with `regress` (inputs, values) for a regression target, each giving a fitted tree or
/// forest per member; other targets are unsupported. A model per member, in order.
fn fit_family_on<'a, C: Fitted + 'static, R: Fitted + 'static>(
    flow: &impl Flow,
    data: &TrainingSet<'a>,
    inputs: fn(&str, &TrainingSet<'a>) -> Result<ArrayView2<'a, f64>>,
    classify: impl FnOnce(
        ArrayView2<'_, f64>,
        ArrayView1<'_, usize>,
        usize,
    ) -> oml_trees::Result<Vec<C>>,
    regress: impl FnOnce(ArrayView2<'_, f64>, ArrayView1<'_, f64>) -> oml_trees::Result<Vec<R>>,
) -> Result<Vec<Box<dyn Model>>> {
    let name = flow.name();
    let fail = |e: oml_trees::Error| Error::fit(&name, e);
    let fitted: Vec<Box<dyn Fitted>> = match data.target {
        Target::Classes { classes, n_classes } => {
            let x = inputs(&name, data)?;
            let fitted = classify(x, classes, n_classes).map_err(fail)?;
            fitted.into_iter().map(|f| Box::new(f) as _).collect()
        }
        Target::Values(values) => {
            let x = inputs(&name, data)?;
            let fitted = regress(x, values).map_err(fail)?;
            fitted.into_iter().map(|f| Box::new(f) as _).collect()
        }
        Target::None => return Err(unsupported(flow, &data.target)),
    };
    let n_features = data.features.x.ncols();
    Ok(fitted
        .into_iter()
        .map(|fitted| {
            Box::new(FittedTrees {
                fitted,
                n_features,
                name: name.clone(),
            }) as Box<dyn Model>
        })
        .collect())
}

/// The parameters of the tree flows of which a family fits several values at once: the trees
/// of the members grow together ([`DecisionTreeValidParams::fit_family`]).
pub(crate) const TREE_FAMILY: &[&str] = &["max_depth", "min_samples_leaf"];

/// A fitted oml-trees flow: the tree or forest, the number of columns it was fitted on and the
/// flow's name.
struct FittedTrees {
    fitted: Box<dyn Fitted>,
    n_features: usize,
    name: String,
}

impl Model for FittedTrees {
    fn output(&self, x: &DesignMatrix) -> Result<Output> {
        let x = fitted_inputs_with_missing(&self.name, x, self.n_features)?;
        Ok(self.fitted.output(&x))
    }
}

/// oml-trees' exact CART tree: a classification tree for a classification target (with the
/// task's number of classes, so a class absent from the training rows gets confidence 0), a
/// regression tree for a regression target.
///
/// The parameters are oml-trees' own [`DecisionTreeValidParams`], one set per kind of target,
/// read through their getters and changed together; `criterion` chooses the classification
/// criterion (regression has only squared error). The seed of the feature order at each node
/// (which breaks ties between equally good splits, as scikit-learn's random_state does) and of
/// the draws with `max_features` below all is the fit's seed, not a parameter.
///
/// Missing values (NaN) reach the tree, which sends them to the better side of each split, as
/// scikit-learn 1.3 and later: its default pipeline one-hot encodes nominal columns and
/// imputes nothing. Confidences are the training class fractions of a row's leaf.
#[derive(Debug, Clone)]
pub struct DecisionTreeFlow {
    classifier: DecisionTreeValidParams<Classification>,
    regressor: DecisionTreeValidParams<Regression>,
}

impl Default for DecisionTreeFlow {
    fn default() -> Self {
        DecisionTreeFlow {
            classifier: DecisionTreeClassifier::params()
                .check()
                .expect("the defaults are valid"),
            regressor: DecisionTreeRegressor::params()
                .check()
                .expect("the defaults are valid"),
        }
    }
}

impl DecisionTreeFlow {
    /// A tree with scikit-learn's defaults: gini, no depth limit, `min_samples_split` 2,
    /// `min_samples_leaf` 1, `min_impurity_decrease` 0, every feature at every split.
    pub fn new() -> Self {
        DecisionTreeFlow::default()
    }

    /// The checked parameters of a classification fit (without the number of classes and the
    /// seed, which the fit sets).
    pub fn classifier_params(&self) -> &DecisionTreeValidParams<Classification> {
        &self.classifier
    }

    /// The checked parameters of a regression fit (without the seed).
    pub fn regressor_params(&self) -> &DecisionTreeValidParams<Regression> {
        &self.regressor
    }
}

impl Describe for DecisionTreeFlow {
    fn name(&self) -> String {
        "oml_trees.DecisionTree".to_owned()
    }
    fn external_version(&self) -> String {
        oml_trees_external_version()
    }
    fn description(&self) -> String {
        "Exact CART tree of oml-trees (gini or entropy for classification, squared error for \
         regression; missing values go to the better side of each split); confidences are the \
         training class fractions of the leaf (scikit-learn: DecisionTreeClassifier, \
         DecisionTreeRegressor)"
            .to_owned()
    }
    fn parameters(&self) -> Vec<Parameter> {
        let default = DecisionTreeFlow::new();
        let mut parameters = tree_parameters(&default.classifier, &self.classifier);
        parameters.push(
            Parameter::new(
                "max_features",
                &default.classifier.max_features(),
                &self.classifier.max_features(),
                "features drawn at random as candidates at each split",
            )
            .allowing(MAX_FEATURES.allowed),
        );
        parameters
    }
    fn set_parameter(&mut self, name: &str, value: &str) -> Result<()> {
        let classifier = DecisionTreeParams::from(self.classifier.clone());
        let regressor = DecisionTreeParams::from(self.regressor.clone());
        let (classifier, regressor) = match name {
            "max_features" => {
                let v = MAX_FEATURES.parse(name, value)?;
                (classifier.max_features(v), regressor.max_features(v))
            }
            _ => set_tree_parameter(self, classifier, regressor, name, value)?,
        };
        (self.classifier, self.regressor) = check_set((classifier, regressor), name, value)?;
        Ok(())
    }
}

impl Flow for DecisionTreeFlow {
    fn learns(&self, kind: TaskKind) -> bool {
        kind != TaskKind::Clustering
    }

    fn fit(&self, data: &TrainingSet<'_>, seed: u64) -> Result<Box<dyn Model>> {
        self.fit_prepared(data, None, seed)
    }

    /// The inputs' presorted columns ([`oml_trees::SortedFeatures`]), which depend on neither
    /// the parameters nor the seed.
    fn prepare(&self, features: &DesignMatrix) -> Result<Option<Prepared>> {
        let x = inputs_with_missing(&self.name(), features)?;
        let sorted = oml_trees::SortedFeatures::new(&x).map_err(|e| Error::fit(self.name(), e))?;
        Ok(Some(Arc::new(sorted)))
    }

    /// Fits on `data`, its inputs presorted in `prepared` if given and of their shape (else
    /// sorted here). Presorted inputs were checked by [`Flow::prepare`], and their values are
    /// not searched again: the caller passes what was prepared from these very features, as
    /// [`Flow::fit_prepared`] asks.
    fn fit_prepared(
        &self,
        data: &TrainingSet<'_>,
        prepared: Option<&Prepared>,
        seed: u64,
    ) -> Result<Box<dyn Model>> {
        let mut models = self.fit_members(data, prepared, seed, std::slice::from_ref(self))?;
        Ok(models.remove(0))
    }

    fn family_parameters(&self) -> &'static [&'static str] {
        TREE_FAMILY
    }

    /// The members' trees grown together ([`DecisionTreeValidParams::fit_family`]).
    fn fit_family(
        &self,
        data: &TrainingSet<'_>,
        prepared: Option<&Prepared>,
        seed: u64,
        members: &[&dyn Flow],
    ) -> Result<Vec<Box<dyn Model>>> {
        let members = family_members(self, members, TREE_FAMILY)?;
        self.fit_members(data, prepared, seed, &members)
    }
}

impl DecisionTreeFlow {
    /// Fits the trees of `members` (this flow's type, differing at most in [`TREE_FAMILY`])
    /// together on `data`, its inputs presorted in `prepared` if given and of their shape (else
    /// sorted here). Presorted inputs were checked by [`Flow::prepare`], and their values are
    /// not searched again: the caller passes what was prepared from these very features, as
    /// [`Flow::fit_prepared`] asks.
    fn fit_members(
        &self,
        data: &TrainingSet<'_>,
        prepared: Option<&Prepared>,
        seed: u64,
        members: &[DecisionTreeFlow],
    ) -> Result<Vec<Box<dyn Model>>> {
        let sorted = prepared_for(prepared, data.features, |s: &oml_trees::SortedFeatures| {
            (s.n_rows(), s.n_features())
        });
        let sort =
            |x: ArrayView2<'_, f64>| -> oml_trees::Result<Cow<'_, oml_trees::SortedFeatures>> {
                match sorted {
                    Some(sorted) => Ok(Cow::Borrowed(sorted)),
                    None => oml_trees::SortedFeatures::new(&x).map(Cow::Owned),
                }
            };
        let inputs = if sorted.is_some() {
            training_inputs_prechecked
        } else {
            training_inputs_with_missing
        };
        fit_family_on(
            self,
            data,
            inputs,
            |x, classes, n_classes| {
                let members = members
                    .iter()
                    .map(|m| {
                        DecisionTreeParams::from(m.classifier.clone())
                            .n_classes(Some(n_classes))
                            .seed(seed)
                            .check()
                    })
                    .collect::<oml_trees::Result<Vec<_>>>()?;
                DecisionTreeValidParams::fit_family(&members, &*sort(x)?, classes, None)
            },
            |x, values| {
                let members = members
                    .iter()
                    .map(|m| {
                        DecisionTreeParams::from(m.regressor.clone())
                            .seed(seed)
                            .check()
                    })
                    .collect::<oml_trees::Result<Vec<_>>>()?;
                DecisionTreeValidParams::fit_family(&members, &*sort(x)?, values, None)
            },
        )
    }
}
