//! Checked hyperparameters, as linfa does them: [`DecisionTreeParams`] with consuming setters,
//! [`DecisionTreeValidParams`] with getters, [`ParamGuard`] between them.

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use linfa::ParamGuard;
use ndarray::{ArrayView1, ArrayView2};

use crate::boost::{
    HistGradientBoostingClassifier, HistGradientBoostingRegressor, HistGradientBoostingValidParams,
};
use crate::classifier::DecisionTreeClassifier;
use crate::error::{Error, Result, invalid};
use crate::forest::{RandomForestClassifier, RandomForestRegressor};
use crate::forest_params::RandomForestValidParams;
use crate::regressor::DecisionTreeRegressor;
use crate::sorted::SortedFeatures;

/// How the quality of a split is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Criterion {
    /// Gini impurity, `1 - Σ p_k²` (classification).
    Gini,
    /// Shannon entropy in bits, `-Σ p_k log2 p_k` (classification).
    Entropy,
    /// Squared error around the mean, the variance (regression).
    SquaredError,
}

impl Criterion {
    /// The name scikit-learn gives the criterion: `gini`, `entropy`, `squared_error`.
    pub fn name(self) -> &'static str {
        match self {
            Criterion::Gini => "gini",
            Criterion::Entropy => "entropy",
            Criterion::SquaredError => "squared_error",
        }
    }
}

impl fmt::Display for Criterion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Criterion {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s {
            "gini" => Ok(Criterion::Gini),
            "entropy" => Ok(Criterion::Entropy),
            "squared_error" => Ok(Criterion::SquaredError),
            _ => Err(invalid("criterion", s, "gini, entropy or squared_error")),
        }
    }
}

/// How many features are drawn, at random, as candidates at each split.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MaxFeatures {
    /// Every feature.
    All,
    /// `max(1, floor(sqrt(n_features)))`.
    Sqrt,
    /// `max(1, floor(log2(n_features)))`.
    Log2,
    /// This many features (at least 1; more than there are means all).
    Count(usize),
    /// `max(1, floor(fraction * n_features))`, for a fraction in (0, 1].
    Fraction(f64),
}

impl MaxFeatures {
    /// The number of features drawn at each split for `n_features` features, at least 1 and at
    /// most `n_features` (when there is at least one feature).
    pub fn resolve(self, n_features: usize) -> usize {
        let k = match self {
            MaxFeatures::All => n_features,
            MaxFeatures::Sqrt => (n_features as f64).sqrt() as usize,
            MaxFeatures::Log2 => {
                if n_features == 0 {
                    0
                } else {
                    libm::log2(n_features as f64) as usize
                }
            }
            MaxFeatures::Count(k) => k,
            MaxFeatures::Fraction(f) => (f * n_features as f64) as usize,
        };
        k.clamp(1, n_features.max(1))
    }
}

impl fmt::Display for MaxFeatures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MaxFeatures::All => f.write_str("all"),
            MaxFeatures::Sqrt => f.write_str("sqrt"),
            MaxFeatures::Log2 => f.write_str("log2"),
            MaxFeatures::Count(k) => write!(f, "{k}"),
            MaxFeatures::Fraction(x) => write!(f, "{x:?}"),
        }
    }
}

impl FromStr for MaxFeatures {
    type Err = Error;

    /// `all`, `sqrt`, `log2`, an integer count or a fraction with a decimal point (`0.5`).
    fn from_str(s: &str) -> Result<Self> {
        const ALLOWED: &str = "all, sqrt, log2, a count or a fraction in (0, 1]";
        match s {
            "all" => Ok(MaxFeatures::All),
            "sqrt" => Ok(MaxFeatures::Sqrt),
            "log2" => Ok(MaxFeatures::Log2),
            _ if s.contains(['.', 'e', 'E']) => s
                .parse()
                .map(MaxFeatures::Fraction)
                .map_err(|_| invalid("max_features", s, ALLOWED)),
            _ => s
                .parse()
                .map(MaxFeatures::Count)
                .map_err(|_| invalid("max_features", s, ALLOWED)),
        }
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::Classification {}
    impl Sealed for super::Regression {}
}

/// What a tree predicts: [`Classification`] or [`Regression`]. It picks the default criterion,
/// the criteria allowed and the fitted model.
pub trait TreeKind:
    sealed::Sealed + fmt::Debug + Clone + Copy + PartialEq + Send + Sync + 'static
{
    /// The criterion of [`DecisionTreeParams::new`].
    const DEFAULT_CRITERION: Criterion;
    /// The criteria allowed, as the error message says it.
    const ALLOWED_CRITERIA: &'static str;
    /// The `max_features` of a forest's trees by default: [`MaxFeatures::Sqrt`] for
    /// classification, [`MaxFeatures::All`] for regression, as scikit-learn's forests.
    const FOREST_MAX_FEATURES: MaxFeatures;
    /// The target of one row: a class label (`usize`) or a real value (`f64`).
    type Target: Copy + Send + Sync + 'static;
    /// The fitted tree: a [`DecisionTreeClassifier`](crate::DecisionTreeClassifier) or a
    /// [`DecisionTreeRegressor`](crate::DecisionTreeRegressor).
    type Fitted: Send;
    /// The fitted forest: a [`RandomForestClassifier`](crate::RandomForestClassifier) or a
    /// [`RandomForestRegressor`](crate::RandomForestRegressor).
    type FittedForest;
    /// The fitted booster: a
    /// [`HistGradientBoostingClassifier`](crate::HistGradientBoostingClassifier) or a
    /// [`HistGradientBoostingRegressor`](crate::HistGradientBoostingRegressor).
    type FittedBooster;
    /// Whether `criterion` measures splits of this kind of target.
    fn allows(criterion: Criterion) -> bool;
    /// What [`DecisionTreeValidParams::fit_family`] does for this kind of target.
    #[doc(hidden)]
    fn fit_tree(
        members: &[DecisionTreeValidParams<Self>],
        sorted: &SortedFeatures,
        targets: ArrayView1<'_, Self::Target>,
        sample_weight: Option<&[f64]>,
    ) -> Result<Vec<Self::Fitted>>;
    /// What [`RandomForestValidParams::fit_family`] does for this kind of target.
    #[doc(hidden)]
    fn fit_forest(
        members: &[RandomForestValidParams<Self>],
        records: ArrayView2<'_, f64>,
        targets: ArrayView1<'_, Self::Target>,
        sample_weight: Option<&[f64]>,
    ) -> Result<Vec<Self::FittedForest>>;
    /// What [`HistGradientBoostingValidParams::fit_records`] does for this kind of target.
    #[doc(hidden)]
    fn fit_booster(
        params: &HistGradientBoostingValidParams<Self>,
        records: ArrayView2<'_, f64>,
        targets: ArrayView1<'_, Self::Target>,
    ) -> Result<Self::FittedBooster>;
}

/// Trees over class labels (`usize` indices from 0); fits a
/// [`DecisionTreeClassifier`](crate::DecisionTreeClassifier).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Classification {}

/// Trees over real-valued targets; fits a [`DecisionTreeRegressor`](crate::DecisionTreeRegressor).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Regression {}

impl TreeKind for Classification {
    const DEFAULT_CRITERION: Criterion = Criterion::Gini;
    const ALLOWED_CRITERIA: &'static str = "gini or entropy for classification";
    const FOREST_MAX_FEATURES: MaxFeatures = MaxFeatures::Sqrt;
    type Target = usize;
    type Fitted = DecisionTreeClassifier;
    type FittedForest = RandomForestClassifier;
    type FittedBooster = HistGradientBoostingClassifier;
    fn allows(criterion: Criterion) -> bool {
        matches!(criterion, Criterion::Gini | Criterion::Entropy)
    }
    fn fit_tree(
        members: &[DecisionTreeValidParams<Self>],
        sorted: &SortedFeatures,
        targets: ArrayView1<'_, usize>,
        sample_weight: Option<&[f64]>,
    ) -> Result<Vec<DecisionTreeClassifier>> {
        crate::classifier::fit(members, sorted, targets, sample_weight)
    }
    fn fit_forest(
        members: &[RandomForestValidParams<Self>],
        records: ArrayView2<'_, f64>,
        targets: ArrayView1<'_, usize>,
        sample_weight: Option<&[f64]>,
    ) -> Result<Vec<RandomForestClassifier>> {
        crate::forest::fit_classifier(members, records, targets, sample_weight)
    }
    fn fit_booster(
        params: &HistGradientBoostingValidParams<Self>,
        records: ArrayView2<'_, f64>,
        targets: ArrayView1<'_, usize>,
    ) -> Result<HistGradientBoostingClassifier> {
        crate::boost::fit_classifier(params, records, targets)
    }
}

impl TreeKind for Regression {
    const DEFAULT_CRITERION: Criterion = Criterion::SquaredError;
    const ALLOWED_CRITERIA: &'static str = "squared_error for regression";
    const FOREST_MAX_FEATURES: MaxFeatures = MaxFeatures::All;
    type Target = f64;
    type Fitted = DecisionTreeRegressor;
    type FittedForest = RandomForestRegressor;
    type FittedBooster = HistGradientBoostingRegressor;
    fn allows(criterion: Criterion) -> bool {
        criterion == Criterion::SquaredError
    }
    fn fit_tree(
        members: &[DecisionTreeValidParams<Self>],
        sorted: &SortedFeatures,
        targets: ArrayView1<'_, f64>,
        sample_weight: Option<&[f64]>,
    ) -> Result<Vec<DecisionTreeRegressor>> {
        crate::regressor::fit(members, sorted, targets, sample_weight)
    }
    fn fit_forest(
        members: &[RandomForestValidParams<Self>],
        records: ArrayView2<'_, f64>,
        targets: ArrayView1<'_, f64>,
        sample_weight: Option<&[f64]>,
    ) -> Result<Vec<RandomForestRegressor>> {
        crate::forest::fit_regressor(members, records, targets, sample_weight)
    }
    fn fit_booster(
        params: &HistGradientBoostingValidParams<Self>,
        records: ArrayView2<'_, f64>,
        targets: ArrayView1<'_, f64>,
    ) -> Result<HistGradientBoostingRegressor> {
        crate::boost::fit_regressor(params, records, targets)
    }
}

/// Checked hyperparameters of a decision tree: what [`linfa::traits::Fit`] is implemented for.
/// Obtained from [`DecisionTreeParams`] through [`ParamGuard`]; read with the getters.
#[derive(Debug, Clone, PartialEq)]
pub struct DecisionTreeValidParams<K> {
    pub(crate) criterion: Criterion,
    pub(crate) max_depth: Option<usize>,
    pub(crate) min_samples_split: usize,
    pub(crate) min_samples_leaf: usize,
    pub(crate) min_impurity_decrease: f64,
    pub(crate) max_features: MaxFeatures,
    pub(crate) seed: u64,
    pub(crate) n_classes: Option<usize>,
    pub(crate) kind: PhantomData<K>,
}

impl<K: TreeKind> DecisionTreeValidParams<K> {
    /// The split criterion.
    pub fn criterion(&self) -> Criterion {
        self.criterion
    }

    /// The largest depth of a leaf (the root has depth 0); `None` for no limit.
    pub fn max_depth(&self) -> Option<usize> {
        self.max_depth
    }

    /// The fewest rows a node must have to be split.
    pub fn min_samples_split(&self) -> usize {
        self.min_samples_split
    }

    /// The fewest rows each child of a split must have.
    pub fn min_samples_leaf(&self) -> usize {
        self.min_samples_leaf
    }

    /// The least weighted impurity decrease a split must bring, as scikit-learn defines it:
    /// `N_t / N * (impurity - N_t_R / N_t * right_impurity - N_t_L / N_t * left_impurity)`.
    pub fn min_impurity_decrease(&self) -> f64 {
        self.min_impurity_decrease
    }

    /// How many features are drawn as candidates at each split.
    pub fn max_features(&self) -> MaxFeatures {
        self.max_features
    }

    /// The seed of the feature draws.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The number of classes, when given; otherwise the largest label plus one.
    pub fn n_classes(&self) -> Option<usize> {
        self.n_classes
    }
}

impl<K: TreeKind> DecisionTreeValidParams<K> {
    /// Checks every field; the error names the first parameter out of range.
    pub(crate) fn validate(&self) -> Result<()> {
        let p = self;
        if !K::allows(p.criterion) {
            return Err(invalid("criterion", p.criterion, K::ALLOWED_CRITERIA));
        }
        if p.max_depth == Some(0) {
            return Err(invalid("max_depth", 0, "at least 1, or None for no limit"));
        }
        if p.min_samples_split < 2 {
            return Err(invalid(
                "min_samples_split",
                p.min_samples_split,
                "at least 2",
            ));
        }
        if p.min_samples_leaf < 1 {
            return Err(invalid(
                "min_samples_leaf",
                p.min_samples_leaf,
                "at least 1",
            ));
        }
        if !(p.min_impurity_decrease.is_finite() && p.min_impurity_decrease >= 0.0) {
            return Err(invalid(
                "min_impurity_decrease",
                p.min_impurity_decrease,
                "finite and at least 0",
            ));
        }
        match p.max_features {
            MaxFeatures::Count(0) => {
                return Err(invalid("max_features", 0, "a count of at least 1"));
            }
            MaxFeatures::Fraction(f) if !(f > 0.0 && f <= 1.0) => {
                return Err(invalid("max_features", f, "a fraction in (0, 1]"));
            }
            _ => {}
        }
        if p.n_classes == Some(0) {
            return Err(invalid(
                "n_classes",
                0,
                "at least 1, or None for the largest label plus one",
            ));
        }
        Ok(())
    }

    /// Whether the two parameter sets differ at most in `max_depth` and `min_samples_leaf`:
    /// whether they may grow in one family ([`DecisionTreeValidParams::fit_family`]).
    pub(crate) fn same_but_shape(&self, other: &Self) -> bool {
        let shape_free = |p: &Self| DecisionTreeValidParams {
            max_depth: None,
            min_samples_leaf: 1,
            ..p.clone()
        };
        shape_free(self) == shape_free(other)
    }

    /// The same parameters with another seed (a forest gives each tree its own).
    pub(crate) fn with_seed(&self, seed: u64) -> Self {
        DecisionTreeValidParams {
            seed,
            ..self.clone()
        }
    }
}

/// Unchecked hyperparameters of a decision tree, set with consuming setters and checked by
/// [`ParamGuard::check`] (fitting checks them too).
///
/// `K` is [`Classification`] or [`Regression`]; [`DecisionTreeClassifier::params`] and
/// [`DecisionTreeRegressor::params`] start from the defaults:
///
/// | parameter | default |
/// |---|---|
/// | `criterion` | [`Criterion::Gini`] (classification), [`Criterion::SquaredError`] (regression) |
/// | `max_depth` | `None` (no limit) |
/// | `min_samples_split` | 2 |
/// | `min_samples_leaf` | 1 |
/// | `min_impurity_decrease` | 0.0 |
/// | `max_features` | [`MaxFeatures::All`] |
/// | `seed` | 0 |
/// | `n_classes` | `None` (largest label plus one; classification only) |
///
/// [`DecisionTreeClassifier::params`]: crate::DecisionTreeClassifier::params
/// [`DecisionTreeRegressor::params`]: crate::DecisionTreeRegressor::params
#[derive(Debug, Clone, PartialEq)]
pub struct DecisionTreeParams<K>(pub(crate) DecisionTreeValidParams<K>);

impl<K: TreeKind> From<DecisionTreeValidParams<K>> for DecisionTreeParams<K> {
    /// Checked parameters back as unchecked ones, to change some and check again.
    fn from(params: DecisionTreeValidParams<K>) -> Self {
        DecisionTreeParams(params)
    }
}

impl<K: TreeKind> Default for DecisionTreeParams<K> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: TreeKind> DecisionTreeParams<K> {
    /// The default parameters (see the table above).
    pub fn new() -> Self {
        DecisionTreeParams(DecisionTreeValidParams {
            criterion: K::DEFAULT_CRITERION,
            max_depth: None,
            min_samples_split: 2,
            min_samples_leaf: 1,
            min_impurity_decrease: 0.0,
            max_features: MaxFeatures::All,
            seed: 0,
            n_classes: None,
            kind: PhantomData,
        })
    }

    /// Sets the split criterion: gini or entropy for classification, squared error for
    /// regression. By default, gini (classification) or squared error (regression).
    pub fn criterion(mut self, criterion: Criterion) -> Self {
        self.0.criterion = criterion;
        self
    }

    /// Sets the largest depth of a leaf, at least 1, or `None` for no limit. By default, `None`.
    pub fn max_depth(mut self, max_depth: Option<usize>) -> Self {
        self.0.max_depth = max_depth;
        self
    }

    /// Sets the fewest rows a node must have to be split, at least 2. By default, 2.
    pub fn min_samples_split(mut self, min_samples_split: usize) -> Self {
        self.0.min_samples_split = min_samples_split;
        self
    }

    /// Sets the fewest rows each child of a split must have, at least 1. By default, 1.
    pub fn min_samples_leaf(mut self, min_samples_leaf: usize) -> Self {
        self.0.min_samples_leaf = min_samples_leaf;
        self
    }

    /// Sets the least weighted impurity decrease a split must bring, finite and non-negative.
    /// By default, 0.0.
    pub fn min_impurity_decrease(mut self, min_impurity_decrease: f64) -> Self {
        self.0.min_impurity_decrease = min_impurity_decrease;
        self
    }

    /// Sets how many features are drawn, without replacement, as candidates at each split. By
    /// default, all of them (no randomness).
    pub fn max_features(mut self, max_features: MaxFeatures) -> Self {
        self.0.max_features = max_features;
        self
    }

    /// Sets the seed of the feature draws (ChaCha8). By default, 0.
    pub fn seed(mut self, seed: u64) -> Self {
        self.0.seed = seed;
        self
    }
}

impl DecisionTreeParams<Classification> {
    /// Sets the number of classes, at least 1 and above every label, so that a class absent
    /// from the training rows still gets a probability column. By default, `None`: the largest
    /// label plus one.
    pub fn n_classes(mut self, n_classes: Option<usize>) -> Self {
        self.0.n_classes = n_classes;
        self
    }
}

impl<K: TreeKind> ParamGuard for DecisionTreeParams<K> {
    type Checked = DecisionTreeValidParams<K>;
    type Error = Error;

    fn check_ref(&self) -> Result<&Self::Checked> {
        self.0.validate()?;
        Ok(&self.0)
    }

    fn check(self) -> Result<Self::Checked> {
        self.check_ref()?;
        Ok(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_features_resolves_like_scikit_learn() {
        assert_eq!(MaxFeatures::All.resolve(20), 20);
        assert_eq!(MaxFeatures::Sqrt.resolve(20), 4);
        assert_eq!(MaxFeatures::Log2.resolve(20), 4);
        assert_eq!(MaxFeatures::Count(50).resolve(20), 20);
        assert_eq!(MaxFeatures::Fraction(0.01).resolve(20), 1);
        assert_eq!(MaxFeatures::Fraction(0.5).resolve(20), 10);
        assert_eq!(MaxFeatures::Sqrt.resolve(1), 1);
    }

    #[test]
    fn parameters_parse_from_text() {
        assert_eq!("sqrt".parse::<MaxFeatures>(), Ok(MaxFeatures::Sqrt));
        assert_eq!("7".parse::<MaxFeatures>(), Ok(MaxFeatures::Count(7)));
        assert_eq!(
            "0.25".parse::<MaxFeatures>(),
            Ok(MaxFeatures::Fraction(0.25))
        );
        assert!(matches!(
            "most".parse::<MaxFeatures>(),
            Err(Error::InvalidParameter {
                name: "max_features",
                ..
            })
        ));
        assert_eq!("entropy".parse::<Criterion>(), Ok(Criterion::Entropy));
        for c in [Criterion::Gini, Criterion::Entropy, Criterion::SquaredError] {
            assert_eq!(c.to_string().parse::<Criterion>(), Ok(c));
        }
    }

    #[test]
    fn regression_rejects_gini() {
        let err = DecisionTreeParams::<Regression>::new()
            .criterion(Criterion::Gini)
            .check()
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid parameter criterion: gini (allowed: squared_error for regression)"
        );
    }
}
