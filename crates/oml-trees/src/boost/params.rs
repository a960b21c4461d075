//! Checked hyperparameters of a histogram gradient boosting machine, as linfa does them:
//! [`HistGradientBoostingParams`] with consuming setters, [`HistGradientBoostingValidParams`]
//! with getters, [`ParamGuard`] between them. Names and defaults are scikit-learn's
//! `HistGradientBoostingClassifier` and `HistGradientBoostingRegressor`'s.

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use linfa::ParamGuard;
use ndarray::{ArrayView1, ArrayView2};

use crate::error::{Error, Result, invalid};
use crate::params::TreeKind;

/// The most bins a feature's non-missing values are cut into (scikit-learn's limit: bins are
/// bytes, and one more holds the missing values).
pub const MAX_BINS: usize = 255;

/// Whether boosting stops early on a validation split, as scikit-learn's `early_stopping`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EarlyStopping {
    /// `auto`: on when the training set has more than 10,000 rows.
    Auto,
    /// Always on.
    On,
    /// Always off: `max_iter` iterations.
    Off,
}

impl EarlyStopping {
    /// Whether boosting on `n_samples` rows stops early.
    pub fn resolve(self, n_samples: usize) -> bool {
        match self {
            EarlyStopping::Auto => n_samples > 10_000,
            EarlyStopping::On => true,
            EarlyStopping::Off => false,
        }
    }
}

impl fmt::Display for EarlyStopping {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EarlyStopping::Auto => "auto",
            EarlyStopping::On => "true",
            EarlyStopping::Off => "false",
        })
    }
}

impl FromStr for EarlyStopping {
    type Err = Error;

    /// `auto`, `true` or `false`, as scikit-learn spells them.
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "auto" => Ok(EarlyStopping::Auto),
            "true" => Ok(EarlyStopping::On),
            "false" => Ok(EarlyStopping::Off),
            _ => Err(invalid("early_stopping", s, "auto, true or false")),
        }
    }
}

/// Checked hyperparameters of a histogram gradient boosting machine: what
/// [`linfa::traits::Fit`] is implemented for. Obtained from [`HistGradientBoostingParams`]
/// through [`ParamGuard`]; read with the getters.
#[derive(Debug, Clone, PartialEq)]
pub struct HistGradientBoostingValidParams<K> {
    pub(crate) learning_rate: f64,
    pub(crate) max_iter: usize,
    pub(crate) max_leaf_nodes: Option<usize>,
    pub(crate) max_depth: Option<usize>,
    pub(crate) min_samples_leaf: usize,
    pub(crate) l2_regularization: f64,
    pub(crate) max_bins: usize,
    pub(crate) early_stopping: EarlyStopping,
    pub(crate) validation_fraction: f64,
    pub(crate) n_iter_no_change: usize,
    pub(crate) tol: f64,
    pub(crate) seed: u64,
    pub(crate) n_classes: Option<usize>,
    pub(crate) kind: PhantomData<K>,
}

impl<K: TreeKind> HistGradientBoostingValidParams<K> {
    /// The shrinkage: each tree's leaf values are multiplied by it.
    pub fn learning_rate(&self) -> f64 {
        self.learning_rate
    }

    /// The most boosting iterations (each adds one tree, or one per class for three or more
    /// classes).
    pub fn max_iter(&self) -> usize {
        self.max_iter
    }

    /// The most leaves of a tree; `None` for no limit.
    pub fn max_leaf_nodes(&self) -> Option<usize> {
        self.max_leaf_nodes
    }

    /// The largest depth of a leaf (the root has depth 0); `None` for no limit.
    pub fn max_depth(&self) -> Option<usize> {
        self.max_depth
    }

    /// The fewest rows a leaf may have.
    pub fn min_samples_leaf(&self) -> usize {
        self.min_samples_leaf
    }

    /// The L2 penalty on leaf values (added to the hessian sum of each leaf).
    pub fn l2_regularization(&self) -> f64 {
        self.l2_regularization
    }

    /// The most bins a feature's non-missing values are cut into (one more bin holds the
    /// missing values).
    pub fn max_bins(&self) -> usize {
        self.max_bins
    }

    /// Whether boosting stops early on a validation split.
    pub fn early_stopping(&self) -> EarlyStopping {
        self.early_stopping
    }

    /// The fraction of the training rows held out to decide early stopping (stratified for
    /// classification).
    pub fn validation_fraction(&self) -> f64 {
        self.validation_fraction
    }

    /// Boosting stops when none of the last `n_iter_no_change` iterations improved the
    /// validation loss by more than [`tol`](Self::tol) on the one before them.
    pub fn n_iter_no_change(&self) -> usize {
        self.n_iter_no_change
    }

    /// The least improvement of the validation score that counts, for early stopping.
    pub fn tol(&self) -> f64 {
        self.tol
    }

    /// The seed of the validation split (and of the rows the bins are computed from, above
    /// 200,000 rows).
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The number of classes, when given; otherwise the largest label plus one.
    pub fn n_classes(&self) -> Option<usize> {
        self.n_classes
    }

    /// Checks every field; the error names the first parameter out of range.
    pub(crate) fn validate(&self) -> Result<()> {
        let p = self;
        if !(p.learning_rate.is_finite() && p.learning_rate > 0.0) {
            return Err(invalid(
                "learning_rate",
                p.learning_rate,
                "a finite number greater than 0",
            ));
        }
        if p.max_iter < 1 {
            return Err(invalid("max_iter", p.max_iter, "at least 1"));
        }
        if let Some(n) = p.max_leaf_nodes.filter(|&n| n < 2) {
            return Err(invalid(
                "max_leaf_nodes",
                n,
                "at least 2, or None for no limit",
            ));
        }
        if p.max_depth == Some(0) {
            return Err(invalid("max_depth", 0, "at least 1, or None for no limit"));
        }
        if p.min_samples_leaf < 1 {
            return Err(invalid("min_samples_leaf", 0, "at least 1"));
        }
        if !(p.l2_regularization.is_finite() && p.l2_regularization >= 0.0) {
            return Err(invalid(
                "l2_regularization",
                p.l2_regularization,
                "finite and at least 0",
            ));
        }
        if !(2..=MAX_BINS).contains(&p.max_bins) {
            return Err(invalid("max_bins", p.max_bins, "from 2 to 255"));
        }
        if !(p.validation_fraction > 0.0 && p.validation_fraction < 1.0) {
            return Err(invalid(
                "validation_fraction",
                p.validation_fraction,
                "a fraction in (0, 1)",
            ));
        }
        if p.n_iter_no_change < 1 {
            return Err(invalid("n_iter_no_change", 0, "at least 1"));
        }
        if !(p.tol.is_finite() && p.tol >= 0.0) {
            return Err(invalid("tol", p.tol, "finite and at least 0"));
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

    /// Fits the booster on the records (rows x features, NaN for missing) and the target of
    /// each row (a class label, or a real value).
    pub fn fit_records(
        &self,
        records: ArrayView2<'_, f64>,
        targets: ArrayView1<'_, K::Target>,
    ) -> Result<K::FittedBooster> {
        K::fit_booster(self, records, targets)
    }
}

/// Unchecked hyperparameters of a histogram gradient boosting machine, set with consuming
/// setters and checked by [`ParamGuard::check`] (fitting checks them too).
///
/// `K` is [`Classification`](crate::Classification) or [`Regression`](crate::Regression);
/// [`HistGradientBoostingClassifier::params`] and [`HistGradientBoostingRegressor::params`]
/// start from scikit-learn's defaults:
///
/// | parameter | default |
/// |---|---|
/// | `learning_rate` | 0.1 |
/// | `max_iter` | 100 |
/// | `max_leaf_nodes` | `Some(31)` |
/// | `max_depth` | `None` (no limit) |
/// | `min_samples_leaf` | 20 |
/// | `l2_regularization` | 0.0 |
/// | `max_bins` | 255 |
/// | `early_stopping` | [`EarlyStopping::Auto`] (on above 10,000 rows) |
/// | `validation_fraction` | 0.1 |
/// | `n_iter_no_change` | 10 |
/// | `tol` | 1e-7 |
/// | `seed` | 0 |
/// | `n_classes` | `None` (largest label plus one; classification only) |
///
/// [`HistGradientBoostingClassifier::params`]: crate::HistGradientBoostingClassifier::params
/// [`HistGradientBoostingRegressor::params`]: crate::HistGradientBoostingRegressor::params
#[derive(Debug, Clone, PartialEq)]
pub struct HistGradientBoostingParams<K>(pub(crate) HistGradientBoostingValidParams<K>);

impl<K: TreeKind> From<HistGradientBoostingValidParams<K>> for HistGradientBoostingParams<K> {
    /// Checked parameters back as unchecked ones, to change some and check again.
    fn from(params: HistGradientBoostingValidParams<K>) -> Self {
        HistGradientBoostingParams(params)
    }
}

impl<K: TreeKind> Default for HistGradientBoostingParams<K> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: TreeKind> HistGradientBoostingParams<K> {
    /// The default parameters (see the table above).
    pub fn new() -> Self {
        HistGradientBoostingParams(HistGradientBoostingValidParams {
            learning_rate: 0.1,
            max_iter: 100,
            max_leaf_nodes: Some(31),
            max_depth: None,
            min_samples_leaf: 20,
            l2_regularization: 0.0,
            max_bins: MAX_BINS,
            early_stopping: EarlyStopping::Auto,
            validation_fraction: 0.1,
            n_iter_no_change: 10,
            tol: 1e-7,
            seed: 0,
            n_classes: None,
            kind: PhantomData,
        })
    }

    /// Sets the shrinkage, finite and greater than 0. By default, 0.1.
    pub fn learning_rate(mut self, learning_rate: f64) -> Self {
        self.0.learning_rate = learning_rate;
        self
    }

    /// Sets the most boosting iterations, at least 1. By default, 100.
    pub fn max_iter(mut self, max_iter: usize) -> Self {
        self.0.max_iter = max_iter;
        self
    }

    /// Sets the most leaves of a tree, at least 2, or `None` for no limit. By default, 31.
    pub fn max_leaf_nodes(mut self, max_leaf_nodes: Option<usize>) -> Self {
        self.0.max_leaf_nodes = max_leaf_nodes;
        self
    }

    /// Sets the largest depth of a leaf, at least 1, or `None` for no limit. By default,
    /// `None`.
    pub fn max_depth(mut self, max_depth: Option<usize>) -> Self {
        self.0.max_depth = max_depth;
        self
    }

    /// Sets the fewest rows a leaf may have, at least 1. By default, 20.
    pub fn min_samples_leaf(mut self, min_samples_leaf: usize) -> Self {
        self.0.min_samples_leaf = min_samples_leaf;
        self
    }

    /// Sets the L2 penalty on leaf values, finite and at least 0. By default, 0.0.
    pub fn l2_regularization(mut self, l2_regularization: f64) -> Self {
        self.0.l2_regularization = l2_regularization;
        self
    }

    /// Sets the most bins of a feature's non-missing values, from 2 to 255. By default, 255.
    pub fn max_bins(mut self, max_bins: usize) -> Self {
        self.0.max_bins = max_bins;
        self
    }

    /// Sets whether boosting stops early on a validation split. By default,
    /// [`EarlyStopping::Auto`].
    pub fn early_stopping(mut self, early_stopping: EarlyStopping) -> Self {
        self.0.early_stopping = early_stopping;
        self
    }

    /// Sets the fraction of rows held out for early stopping, in (0, 1). By default, 0.1.
    pub fn validation_fraction(mut self, validation_fraction: f64) -> Self {
        self.0.validation_fraction = validation_fraction;
        self
    }

    /// Sets how many iterations without improvement stop boosting, at least 1. By default, 10.
    pub fn n_iter_no_change(mut self, n_iter_no_change: usize) -> Self {
        self.0.n_iter_no_change = n_iter_no_change;
        self
    }

    /// Sets the least improvement that counts for early stopping, finite and at least 0. By
    /// default, 1e-7.
    pub fn tol(mut self, tol: f64) -> Self {
        self.0.tol = tol;
        self
    }

    /// Sets the seed of the validation split (ChaCha8). By default, 0.
    pub fn seed(mut self, seed: u64) -> Self {
        self.0.seed = seed;
        self
    }

    /// Checks the parameters, then fits; see
    /// [`HistGradientBoostingValidParams::fit_records`].
    pub fn fit_records(
        &self,
        records: ArrayView2<'_, f64>,
        targets: ArrayView1<'_, K::Target>,
    ) -> Result<K::FittedBooster> {
        self.check_ref()?.fit_records(records, targets)
    }
}

impl HistGradientBoostingParams<crate::Classification> {
    /// Sets the number of classes, at least 1 and above every label, so that a class absent
    /// from the training rows still gets a probability column (of zeros). By default, `None`:
    /// the largest label plus one.
    pub fn n_classes(mut self, n_classes: Option<usize>) -> Self {
        self.0.n_classes = n_classes;
        self
    }
}

impl<K: TreeKind> ParamGuard for HistGradientBoostingParams<K> {
    type Checked = HistGradientBoostingValidParams<K>;
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
