//! oml-trees' random forest as a flow that learns classification or regression, whichever the
//! target is.

use linfa::ParamGuard;
use oml_trees::{
    Classification, MaxFeatures, RandomForestClassifier, RandomForestParams, RandomForestRegressor,
    RandomForestValidParams, Regression, TreeKind,
};

use crate::error::Result;
use crate::estimators::decision_tree::{
    MAX_FEATURES, TREE_FAMILY, check_set, fit_family, set_tree_parameter, tree_parameters,
};
use crate::estimators::oml_trees_external_version;
use crate::flow::{Describe, Flow, Model, Prepared, TaskKind, TrainingSet, family_members};
use crate::param::{Constraint, PROPORTION, ParamValue, Parameter, set_value};

/// The `max_features` of a [`RandomForestFlow`]: scikit-learn's per-task default, or one choice for
/// both kinds of task.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RandomForestMaxFeatures {
    /// `auto`: the square root of the number of features for classification, all of them for
    /// regression (scikit-learn's defaults, and what its old `auto` meant).
    Auto,
    /// The same choice for classification and regression.
    Fixed(MaxFeatures),
}

impl RandomForestMaxFeatures {
    /// What the two kinds of forest hold: `Auto` for their two defaults, otherwise their
    /// common value.
    fn of(
        classifier: &RandomForestValidParams<Classification>,
        regressor: &RandomForestValidParams<Regression>,
    ) -> Self {
        let (c, r) = (classifier.max_features(), regressor.max_features());
        if c == r {
            RandomForestMaxFeatures::Fixed(c)
        } else {
            RandomForestMaxFeatures::Auto
        }
    }

    /// The value for a forest of kind `K`.
    fn resolve<K: TreeKind>(self) -> MaxFeatures {
        match self {
            RandomForestMaxFeatures::Auto => K::FOREST_MAX_FEATURES,
            RandomForestMaxFeatures::Fixed(m) => m,
        }
    }
}

impl ParamValue for RandomForestMaxFeatures {
    const DATA_TYPE: &'static str = "string";
    fn to_text(&self) -> String {
        match self {
            RandomForestMaxFeatures::Auto => "auto".to_owned(),
            RandomForestMaxFeatures::Fixed(m) => m.to_text(),
        }
    }
    fn from_text(text: &str) -> Option<Self> {
        if text.eq_ignore_ascii_case("auto") {
            Some(RandomForestMaxFeatures::Auto)
        } else {
            MaxFeatures::from_text(text).map(RandomForestMaxFeatures::Fixed)
        }
    }
    fn allowed() -> String {
        FOREST_MAX_FEATURES.allowed.to_owned()
    }
}

/// The values a forest's `max_features` takes.
const FOREST_MAX_FEATURES: Constraint<RandomForestMaxFeatures> = Constraint {
    allowed: "auto (sqrt for classification, all for regression), all, sqrt, log2, a count of at \
              least 1 or a fraction in (0, 1] with a decimal point",
    valid: |m| match m {
        RandomForestMaxFeatures::Auto => true,
        RandomForestMaxFeatures::Fixed(m) => (MAX_FEATURES.valid)(m),
    },
};

/// The values `n_trees` takes.
const N_TREES: Constraint<usize> = Constraint {
    allowed: "an integer from 1 to 1000000",
    valid: |n| (1..=oml_trees::MAX_TREES).contains(n),
};

/// oml-trees' random forest: a classification forest for a classification target (with the
/// task's number of classes, so a class absent from the training rows gets confidence 0), a
/// regression forest for a regression target.
///
/// The parameters are oml-trees' own [`RandomForestValidParams`], one set per kind of target,
/// read through their getters and changed together: `n_trees`, `bootstrap`, `max_samples`, the
/// tree parameters of [`crate::DecisionTreeFlow`] and `max_features`, by default `auto` (the square
/// root of the number of features for classification, all of them for regression, as
/// scikit-learn's forests). The forest's seed is the fit's seed, not a parameter; the trees are
/// fitted in parallel on the current rayon pool and are the same for any number of threads.
/// The out-of-bag score is not computed: a run has test folds for that.
///
/// Missing values (NaN) reach the trees, which send them to the better side of each split: the
/// default pipeline one-hot encodes nominal columns and imputes nothing. Confidences are the
/// mean over the trees of the training class fractions of a row's leaf.
#[derive(Debug, Clone)]
pub struct RandomForestFlow {
    classifier: RandomForestValidParams<Classification>,
    regressor: RandomForestValidParams<Regression>,
}

impl Default for RandomForestFlow {
    fn default() -> Self {
        RandomForestFlow {
            classifier: RandomForestClassifier::params()
                .check()
                .expect("the defaults are valid"),
            regressor: RandomForestRegressor::params()
                .check()
                .expect("the defaults are valid"),
        }
    }
}

impl RandomForestFlow {
    /// A forest with scikit-learn's defaults: 100 trees on bootstrap samples of all the rows,
    /// `max_features` `auto`, and [`crate::DecisionTreeFlow::new`]'s other tree parameters.
    pub fn new() -> Self {
        RandomForestFlow::default()
    }

    /// The checked parameters of a classification fit (without the number of classes and the
    /// seed, which the fit sets).
    pub fn classifier_params(&self) -> &RandomForestValidParams<Classification> {
        &self.classifier
    }

    /// The checked parameters of a regression fit (without the seed).
    pub fn regressor_params(&self) -> &RandomForestValidParams<Regression> {
        &self.regressor
    }
}

impl Describe for RandomForestFlow {
    fn name(&self) -> String {
        "oml_trees.RandomForest".to_owned()
    }
    fn external_version(&self) -> String {
        oml_trees_external_version()
    }
    fn description(&self) -> String {
        "Random forest of oml-trees: exact CART trees on bootstrap samples with features drawn \
         at each split, fitted in parallel; missing values go to the better side of each split; \
         confidences are the mean of the trees' leaf class fractions (scikit-learn: \
         RandomForestClassifier, RandomForestRegressor)"
            .to_owned()
    }
    fn parameters(&self) -> Vec<Parameter> {
        let default = RandomForestFlow::new();
        let (d, c) = (&default.classifier, &self.classifier);
        let mut parameters = vec![
            Parameter::new("n_trees", &d.n_trees(), &c.n_trees(), "number of trees")
                .allowing(N_TREES.allowed),
            Parameter::new(
                "bootstrap",
                &d.bootstrap(),
                &c.bootstrap(),
                "whether each tree is fitted on a bootstrap sample rather than all rows",
            ),
            Parameter::new(
                "max_samples",
                &d.max_samples(),
                &c.max_samples(),
                "size of each bootstrap sample as a fraction of the training rows",
            )
            .allowing(PROPORTION.allowed),
        ];
        parameters.extend(tree_parameters(d.tree(), c.tree()));
        parameters.push(
            Parameter::new(
                "max_features",
                &RandomForestMaxFeatures::of(&default.classifier, &default.regressor),
                &RandomForestMaxFeatures::of(&self.classifier, &self.regressor),
                "features drawn at random as candidates at each split",
            )
            .allowing(FOREST_MAX_FEATURES.allowed),
        );
        parameters
    }
    fn set_parameter(&mut self, name: &str, value: &str) -> Result<()> {
        let classifier = RandomForestParams::from(self.classifier.clone());
        let regressor = RandomForestParams::from(self.regressor.clone());
        let (classifier, regressor) = match name {
            "n_trees" => {
                let v = N_TREES.parse(name, value)?;
                (classifier.n_trees(v), regressor.n_trees(v))
            }
            "bootstrap" => {
                let mut v = self.classifier.bootstrap();
                set_value(&mut v, name, value)?;
                (classifier.bootstrap(v), regressor.bootstrap(v))
            }
            "max_samples" => {
                let v = PROPORTION.parse(name, value)?;
                (classifier.max_samples(v), regressor.max_samples(v))
            }
            "max_features" => {
                let v = FOREST_MAX_FEATURES.parse(name, value)?;
                (
                    classifier.max_features(v.resolve::<Classification>()),
                    regressor.max_features(v.resolve::<Regression>()),
                )
            }
            _ => set_tree_parameter(self, classifier, regressor, name, value)?,
        };
        (self.classifier, self.regressor) = check_set((classifier, regressor), name, value)?;
        Ok(())
    }
}

impl Flow for RandomForestFlow {
    fn learns(&self, kind: TaskKind) -> bool {
        kind != TaskKind::Clustering
    }

    fn fit(&self, data: &TrainingSet<'_>, seed: u64) -> Result<Box<dyn Model>> {
        let mut models = self.fit_members(data, seed, std::slice::from_ref(self))?;
        Ok(models.remove(0))
    }

    fn family_parameters(&self) -> &'static [&'static str] {
        TREE_FAMILY
    }

    /// The members' forests grown together: tree `i` of every member from the same bootstrap
    /// and seed, the trees of an index as one family
    /// ([`RandomForestValidParams::fit_family`]).
    fn fit_family(
        &self,
        data: &TrainingSet<'_>,
        _prepared: Option<&Prepared>,
        seed: u64,
        members: &[&dyn Flow],
    ) -> Result<Vec<Box<dyn Model>>> {
        let members = family_members(self, members, TREE_FAMILY)?;
        self.fit_members(data, seed, &members)
    }
}

impl RandomForestFlow {
    /// Fits the forests of `members` (this flow's type, differing at most in [`TREE_FAMILY`])
    /// together on `data`.
    fn fit_members(
        &self,
        data: &TrainingSet<'_>,
        seed: u64,
        members: &[RandomForestFlow],
    ) -> Result<Vec<Box<dyn Model>>> {
        fit_family(
            self,
            data,
            |x, classes, n_classes| {
                let members = members
                    .iter()
                    .map(|m| {
                        RandomForestParams::from(m.classifier.clone())
                            .n_classes(Some(n_classes))
                            .seed(seed)
                            .check()
                    })
                    .collect::<oml_trees::Result<Vec<_>>>()?;
                RandomForestValidParams::fit_family(&members, x, classes, None)
            },
            |x, values| {
                let members = members
                    .iter()
                    .map(|m| {
                        RandomForestParams::from(m.regressor.clone())
                            .seed(seed)
                            .check()
                    })
                    .collect::<oml_trees::Result<Vec<_>>>()?;
                RandomForestValidParams::fit_family(&members, x, values, None)
            },
        )
    }
}
