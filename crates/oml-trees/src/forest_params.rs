//! Checked hyperparameters of a random forest: [`RandomForestParams`] with consuming setters,
//! [`RandomForestValidParams`] with getters, [`ParamGuard`] between them. The tree parameters
//! are a [`DecisionTreeValidParams`] inside, checked by the same rules as a lone tree's.

use linfa::ParamGuard;

use crate::error::{Error, Result, invalid};
use crate::params::{
    Classification, Criterion, DecisionTreeParams, DecisionTreeValidParams, MaxFeatures, TreeKind,
};

/// The largest number of trees: a forest holds every tree in memory, and a typo such as
/// `1000000000` should fail at once rather than after hours.
pub const MAX_TREES: usize = 1_000_000;

/// Checked hyperparameters of a random forest: what [`linfa::traits::Fit`] is implemented for.
/// Obtained from [`RandomForestParams`] through [`ParamGuard`]; read with the getters.
#[derive(Debug, Clone, PartialEq)]
pub struct RandomForestValidParams<K> {
    tree: DecisionTreeValidParams<K>,
    n_trees: usize,
    bootstrap: bool,
    max_samples: f64,
    oob_score: bool,
    seed: u64,
}

impl<K: TreeKind> RandomForestValidParams<K> {
    /// Whether the two parameter sets differ at most in their trees' `max_depth` and
    /// `min_samples_leaf` ([`RandomForestValidParams::fit_family`]).
    pub(crate) fn same_but_shape(&self, other: &Self) -> bool {
        self.tree.same_but_shape(&other.tree)
            && (self.n_trees, self.bootstrap, self.oob_score, self.seed)
                == (other.n_trees, other.bootstrap, other.oob_score, other.seed)
            && self.max_samples.to_bits() == other.max_samples.to_bits()
    }

    /// The number of trees.
    pub fn n_trees(&self) -> usize {
        self.n_trees
    }

    /// Whether each tree is fitted on a bootstrap sample of the rows (drawn with replacement)
    /// rather than on all of them.
    pub fn bootstrap(&self) -> bool {
        self.bootstrap
    }

    /// The size of each bootstrap sample as a fraction of the rows: `max(1, round(max_samples
    /// × rows))` draws. Only used with [`bootstrap`](Self::bootstrap).
    pub fn max_samples(&self) -> f64 {
        self.max_samples
    }

    /// Whether the fit computes the out-of-bag score.
    pub fn oob_score(&self) -> bool {
        self.oob_score
    }

    /// The forest's seed, from which each tree's seed is derived.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The parameters every tree is fitted with (each with its own seed, derived from the
    /// forest's).
    pub fn tree(&self) -> &DecisionTreeValidParams<K> {
        &self.tree
    }

    /// The trees' split criterion.
    pub fn criterion(&self) -> Criterion {
        self.tree.criterion()
    }

    /// The largest depth of a leaf; `None` for no limit.
    pub fn max_depth(&self) -> Option<usize> {
        self.tree.max_depth()
    }

    /// The fewest rows a node must have to be split.
    pub fn min_samples_split(&self) -> usize {
        self.tree.min_samples_split()
    }

    /// The fewest rows each child of a split must have.
    pub fn min_samples_leaf(&self) -> usize {
        self.tree.min_samples_leaf()
    }

    /// The least weighted impurity decrease a split must bring.
    pub fn min_impurity_decrease(&self) -> f64 {
        self.tree.min_impurity_decrease()
    }

    /// How many features are drawn as candidates at each split.
    pub fn max_features(&self) -> MaxFeatures {
        self.tree.max_features()
    }

    /// The number of classes, when given; otherwise the largest label plus one.
    pub fn n_classes(&self) -> Option<usize> {
        self.tree.n_classes()
    }

    /// Checks every field; the error names the first parameter out of range.
    fn validate(&self) -> Result<()> {
        self.tree.validate()?;
        if !(1..=MAX_TREES).contains(&self.n_trees) {
            return Err(invalid(
                "n_trees",
                self.n_trees,
                "an integer from 1 to 1000000",
            ));
        }
        if !(self.max_samples > 0.0 && self.max_samples <= 1.0) {
            return Err(invalid(
                "max_samples",
                self.max_samples,
                "a fraction in (0, 1]",
            ));
        }
        if self.oob_score && !self.bootstrap {
            return Err(invalid(
                "oob_score",
                true,
                "false when bootstrap is false (every row is in every tree)",
            ));
        }
        Ok(())
    }
}

/// Unchecked hyperparameters of a random forest, set with consuming setters and checked by
/// [`ParamGuard::check`] (fitting checks them too).
///
/// [`RandomForestClassifier::params`] and [`RandomForestRegressor::params`] start from
/// scikit-learn's defaults:
///
/// | parameter | default |
/// |---|---|
/// | `n_trees` | 100 |
/// | `bootstrap` | true |
/// | `max_samples` | 1.0 |
/// | `oob_score` | false |
/// | `seed` | 0 |
/// | `max_features` | [`MaxFeatures::Sqrt`] (classification), [`MaxFeatures::All`] (regression) |
/// | the other tree parameters | as [`DecisionTreeParams`] |
///
/// [`RandomForestClassifier::params`]: crate::RandomForestClassifier::params
/// [`RandomForestRegressor::params`]: crate::RandomForestRegressor::params
#[derive(Debug, Clone, PartialEq)]
pub struct RandomForestParams<K>(RandomForestValidParams<K>);

impl<K: TreeKind> From<RandomForestValidParams<K>> for RandomForestParams<K> {
    /// Checked parameters back as unchecked ones, to change some and check again.
    fn from(params: RandomForestValidParams<K>) -> Self {
        RandomForestParams(params)
    }
}

impl<K: TreeKind> Default for RandomForestParams<K> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: TreeKind> RandomForestParams<K> {
    /// The default parameters (see the table above).
    pub fn new() -> Self {
        RandomForestParams(RandomForestValidParams {
            tree: DecisionTreeParams::<K>::new()
                .max_features(K::FOREST_MAX_FEATURES)
                .0,
            n_trees: 100,
            bootstrap: true,
            max_samples: 1.0,
            oob_score: false,
            seed: 0,
        })
    }

    /// Sets the number of trees, from 1 to [`MAX_TREES`]. By default, 100.
    pub fn n_trees(mut self, n_trees: usize) -> Self {
        self.0.n_trees = n_trees;
        self
    }

    /// Sets whether each tree is fitted on a bootstrap sample. By default, true.
    pub fn bootstrap(mut self, yes: bool) -> Self {
        self.0.bootstrap = yes;
        self
    }

    /// Sets the size of each bootstrap sample as a fraction of the rows, in (0, 1]. By
    /// default, 1.0.
    pub fn max_samples(mut self, max_samples: f64) -> Self {
        self.0.max_samples = max_samples;
        self
    }

    /// Sets whether the fit computes the out-of-bag score (needs `bootstrap`). By default,
    /// false.
    pub fn oob_score(mut self, yes: bool) -> Self {
        self.0.oob_score = yes;
        self
    }

    /// Sets the forest's seed. By default, 0.
    pub fn seed(mut self, seed: u64) -> Self {
        self.0.seed = seed;
        self
    }

    /// Sets the trees' split criterion (see [`DecisionTreeParams::criterion`]).
    pub fn criterion(mut self, criterion: Criterion) -> Self {
        self.0.tree.criterion = criterion;
        self
    }

    /// Sets the largest depth of a leaf, at least 1, or `None` for no limit. By default, `None`.
    pub fn max_depth(mut self, max_depth: Option<usize>) -> Self {
        self.0.tree.max_depth = max_depth;
        self
    }

    /// Sets the fewest rows a node must have to be split, at least 2. By default, 2.
    pub fn min_samples_split(mut self, min_samples_split: usize) -> Self {
        self.0.tree.min_samples_split = min_samples_split;
        self
    }

    /// Sets the fewest rows each child of a split must have, at least 1. By default, 1.
    pub fn min_samples_leaf(mut self, min_samples_leaf: usize) -> Self {
        self.0.tree.min_samples_leaf = min_samples_leaf;
        self
    }

    /// Sets the least weighted impurity decrease a split must bring, finite and non-negative.
    /// By default, 0.0.
    pub fn min_impurity_decrease(mut self, min_impurity_decrease: f64) -> Self {
        self.0.tree.min_impurity_decrease = min_impurity_decrease;
        self
    }

    /// Sets how many features are drawn as candidates at each split. By default,
    /// [`MaxFeatures::Sqrt`] for classification and [`MaxFeatures::All`] for regression.
    pub fn max_features(mut self, max_features: MaxFeatures) -> Self {
        self.0.tree.max_features = max_features;
        self
    }
}

impl RandomForestParams<Classification> {
    /// Sets the number of classes (see [`DecisionTreeParams::n_classes`]). By default, `None`.
    pub fn n_classes(mut self, n_classes: Option<usize>) -> Self {
        self.0.tree.n_classes = n_classes;
        self
    }
}

impl<K: TreeKind> ParamGuard for RandomForestParams<K> {
    type Checked = RandomForestValidParams<K>;
    type Error = Error;

    fn check_ref(&self) -> Result<&Self::Checked> {
        self.0.validate()?;
        Ok(&self.0)
    }

    fn check(self) -> Result<Self::Checked> {
        self.0.validate()?;
        Ok(self.0)
    }
}
