//! Exact CART decision trees, random forests and histogram gradient boosting machines,
//! classifiers and regressors, as linfa estimators: checked parameters behind
//! [`linfa::ParamGuard`], fitting through [`linfa::traits::Fit`], predicting through
//! [`linfa::traits::PredictInplace`]. This crate owns the tree algorithms and the fitted trees,
//! forests and boosters; it knows nothing of OpenML (flows wrapping it live in oml-flow).
//!
//! # Brief overview
//!
//! - [`DecisionTreeClassifier::params`] and [`DecisionTreeRegressor::params`] give
//!   [`DecisionTreeParams`] with scikit-learn's defaults: [`Criterion`], `max_depth`,
//!   `min_samples_split`, `min_samples_leaf`, `min_impurity_decrease`, [`MaxFeatures`] (drawn
//!   per split) and a seed. Checking gives [`DecisionTreeValidParams`], whose getters say what
//!   was fitted; a bad value is an [`Error::InvalidParameter`] naming the parameter.
//! - Fitting sorts every feature once into [`SortedFeatures`]; `fit_sorted` fits on a shared
//!   `SortedFeatures` with per-row weights, which is what a forest needs.
//! - [`DecisionTreeValidParams::fit_family`] and [`RandomForestValidParams::fit_family`] fit
//!   parameter sets that differ only in `max_depth` and `min_samples_leaf` at once, each tree
//!   the one its set grows alone, for a fraction of the separate fits' time: a search over
//!   those parameters. A node draws its candidate features from a generator seeded by its
//!   place in the tree, so that the trees of a family draw alike where they meet.
//! - A fitted [`DecisionTreeClassifier`] predicts class indices (the most frequent class of the
//!   leaf, ties to the first) and [`predict_proba`](DecisionTreeClassifier::predict_proba)
//!   gives the leaf's class fractions; a [`DecisionTreeRegressor`] predicts leaf means. Both
//!   hold a flat [`Tree`] of [`Node`]s.
//! - [`RandomForestClassifier::params`] and [`RandomForestRegressor::params`] give
//!   [`RandomForestParams`] (`n_trees`, `bootstrap`, `max_samples`, `oob_score`, a seed and the
//!   tree parameters, `max_features` `sqrt` for classification and all for regression as
//!   scikit-learn). The features are sorted once; trees are fitted in parallel on rayon, each
//!   on its own bootstrap (row counts as weights) with a seed derived from the forest's seed
//!   and its index, so a forest is the same for any thread count. Probabilities are the mean
//!   of the trees' leaf fractions; the out-of-bag score comes from the rows each tree left out.
//! - [`HistGradientBoostingClassifier::params`] and [`HistGradientBoostingRegressor::params`]
//!   give [`HistGradientBoostingParams`] with scikit-learn's names and defaults
//!   (`learning_rate` 0.1, `max_iter` 100, `max_leaf_nodes` 31, `min_samples_leaf` 20,
//!   `max_bins` 255, [`EarlyStopping::Auto`], ...): scikit-learn's
//!   `HistGradientBoostingClassifier` and `HistGradientBoostingRegressor` (see *The booster*
//!   below). The fitted booster holds its [`Tree`]s (leaf values are raw-prediction steps) and
//!   gives class probabilities or values.
//!
//! ```
//! use linfa::prelude::*;
//! use ndarray::array;
//! use oml_trees::DecisionTreeClassifier;
//!
//! let x = array![[1.0, 0.0], [2.0, 1.0], [3.0, 0.0], [4.0, 1.0]];
//! let y = array![0usize, 0, 1, 1];
//! let model = DecisionTreeClassifier::params()
//!     .max_depth(Some(3))
//!     .fit(&Dataset::new(x.clone(), y.clone()))?;
//! assert_eq!(model.predict(&x), y);
//! assert_eq!(model.tree().nodes()[0].split(), Some((0, 2.5)));
//! assert_eq!(model.predict_proba(&x).row(0).to_vec(), [1.0, 0.0]);
//! # Ok::<(), oml_trees::Error>(())
//! ```
//!
//! # The algorithm
//!
//! At each node every candidate feature is scanned in sorted order; thresholds are midpoints
//! between distinct consecutive values and rows with `x[feature] <= threshold` go left. The
//! best split maximises the weighted impurity decrease. The candidate features are drawn in
//! a random order at every node, from the seed and the node's place in the tree, as
//! scikit-learn draws them (from one stream over the nodes, there): a tie between
//! features goes to the first in that order (not always to the lowest index, which would
//! favour a table's first columns), then to the lowest threshold. Rows with NaN in the feature go to whichever side gives the
//! lower impurity (both are tried, and so is "only the NaN rows right"), as in scikit-learn
//! 1.3 and later; the node records the side, and NaN follows it at prediction. The rows of a
//! node stay sorted by every feature through stable partitions (but where a forest's small
//! node sorts the few sorted features it draws). No hash table is used, and the only
//! randomness is the feature draw, from the seed and the node's path (and, in a forest, the
//! bootstrap, from the tree's seed).
//!
//! # The booster
//!
//! The gradient boosting machine is scikit-learn's histogram algorithm (1.9): each feature's
//! non-missing training values are cut into at most `max_bins` bins (midpoints between distinct
//! values when there are few, quantiles otherwise) and missing values get a bin of their own.
//! Each iteration computes the loss gradients and hessians at the current raw predictions and
//! grows one tree per class (softmax log loss, three or more classes) or one tree (log loss of
//! a sigmoid, two classes; squared error, regression), starting from scikit-learn's baseline
//! (log prior odds, class priors, the mean) computed as scikit-learn computes it (scipy's
//! `logit`, the priors over their geometric mean, numpy's mean); binary probabilities are
//! scipy's `expit` of the raw prediction. A tree grows leaf-wise, the node of largest gain
//! first, up to `max_leaf_nodes` leaves: each node has a histogram of gradient and hessian
//! sums per bin, built from its rows for the smaller child and by subtraction from the
//! parent's for its sibling. A split's gain is the Newton loss decrease
//! `G_L²/(H_L+λ) + G_R²/(H_R+λ) - G²/(H+λ)`; each feature offers the split after each of its
//! bins with the missing values on the right, and, if it has missing training values (in the
//! node or not), with them on the left, scanned from its last bin down with the sums added
//! that way, as scikit-learn does; a feature with no missing training values sends missing
//! values to the child with more rows.
//! With early stopping (`auto`: above 10,000 rows) a stratified validation split drawn from the
//! seed decides when the loss has stopped improving. The trees of one iteration are grown in
//! parallel on rayon and are the same for any number of threads; everything else is
//! sequential.
//!
//! A root's gradient and hessian sums are numpy's sum of its first feature's bins, laid out as
//! scikit-learn's histogram (`max_bins + 1` bins, the missing one last), as scikit-learn takes
//! them: where the rows' gradients are small enough for their sums to round, a sum in row order
//! differs in the last bits, then so does every gain of the tree, and after many iterations
//! other splits win (`tests/it/boost_sums.rs`).
//!
//! Two things make it faster than a plain transcription without changing what it computes
//! beyond rounding: a feature whose most frequent bin holds most rows (the 0 of a one-hot
//! column; never the first feature, whose bins give the roots' sums) gets that bin's sums as
//! the node's totals less its other bins, so a histogram costs the rows' other entries only
//! (where sums round, that differs from scikit-learn's sum of the bin's rows in the last
//! bits); and a cheap score of each candidate split, cross-multiplied with no division, rules
//! out most candidates before the others' gains are computed and compared as scikit-learn
//! computes and compares them. On a 300-row table its probabilities agree with scikit-learn
//! 1.9.1's to 1e-9 (`tests/it/boost.rs`), on a 450-row table with missing values in five
//! features to 1e-15 (`tests/it/boost_missing.rs`), and after 300 iterations of a learning
//! rate of 1 on 2,250 rows to 1e-15 (`tests/it/boost_sums.rs`). A bin that a subtracted
//! histogram leaves with no row but a rounding residue in its sums is skipped, where
//! scikit-learn adds the residue: where two splits tie to the last bit, that can pick the
//! other one.
//!
//! ```
//! use linfa::prelude::*;
//! use ndarray::array;
//! use oml_trees::HistGradientBoostingClassifier;
//!
//! let x = array![[0.0], [1.0], [f64::NAN], [3.0], [4.0], [f64::NAN]];
//! let y = array![0usize, 0, 1, 1, 1, 1];
//! let model = HistGradientBoostingClassifier::params()
//!     .min_samples_leaf(1)
//!     .fit(&Dataset::new(x.clone(), y.clone()))?;
//! assert_eq!(model.predict(&x), y);
//! let proba = model.predict_proba(&x);
//! assert!((proba.row(0).sum() - 1.0).abs() < 1e-12);
//! # Ok::<(), oml_trees::Error>(())
//! ```

#![deny(missing_docs)]

mod boost;
mod builder;
mod classifier;
mod criterion;
mod error;
mod fit;
mod forest;
mod forest_params;
mod params;
mod regressor;
mod sorted;
mod tree;

pub use boost::{
    EarlyStopping, HistGradientBoostingClassifier, HistGradientBoostingParams,
    HistGradientBoostingRegressor, HistGradientBoostingValidParams, MAX_BINS,
};
pub use classifier::DecisionTreeClassifier;
pub use error::{Error, LinfaError, Result};
pub use forest::{RandomForestClassifier, RandomForestRegressor};
pub use forest_params::{MAX_TREES, RandomForestParams, RandomForestValidParams};
pub use params::{
    Classification, Criterion, DecisionTreeParams, DecisionTreeValidParams, MaxFeatures,
    Regression, TreeKind,
};
pub use regressor::DecisionTreeRegressor;
pub use sorted::SortedFeatures;
pub use tree::{Node, Tree};

/// The version of oml-trees, for whoever records what fitted a model.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
