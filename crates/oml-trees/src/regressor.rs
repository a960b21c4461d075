//! [`DecisionTreeRegressor`]: fitting on real targets and predicting leaf means.

use linfa::traits::PredictInplace;
use ndarray::{Array1, ArrayBase, ArrayView1, Data, Ix2};

use crate::builder::{RowWeights, check_len, grow_weighted, settings};
use crate::classifier::predict_rows;
use crate::criterion::{SquaredError, Stats};
use crate::error::{Error, Result};
use crate::params::{DecisionTreeParams, DecisionTreeValidParams, Regression};
use crate::sorted::SortedFeatures;
use crate::tree::Tree;

/// A fitted CART regression tree: each leaf holds the mean target of its training rows.
#[derive(Debug, Clone, PartialEq)]
pub struct DecisionTreeRegressor {
    tree: Tree,
}

impl DecisionTreeRegressor {
    /// The default parameters of a regression tree (see [`DecisionTreeParams`]).
    pub fn params() -> DecisionTreeParams<Regression> {
        DecisionTreeParams::new()
    }

    /// The fitted tree.
    pub fn tree(&self) -> &Tree {
        &self.tree
    }

    /// The prediction for one row: the mean target of its leaf.
    pub fn predict_row(&self, row: ArrayView1<'_, f64>) -> f64 {
        self.tree.value(self.tree.apply(row))[0]
    }
}

impl<D: Data<Elem = f64>> PredictInplace<ArrayBase<D, Ix2>, Array1<f64>> for DecisionTreeRegressor {
    /// Predicts each row's leaf mean.
    ///
    /// # Panics
    ///
    /// If `x` does not have the features the tree was fitted on, or `y` one entry per row.
    fn predict_inplace(&self, x: &ArrayBase<D, Ix2>, y: &mut Array1<f64>) {
        predict_rows(&self.tree, x, y, |leaf| self.tree.value(leaf)[0]);
    }

    fn default_target(&self, x: &ArrayBase<D, Ix2>) -> Array1<f64> {
        Array1::zeros(x.nrows())
    }
}

/// Fits a family of regression trees; see [`DecisionTreeValidParams::fit_family`].
pub(crate) fn fit(
    members: &[DecisionTreeValidParams<Regression>],
    sorted: &SortedFeatures,
    targets: ArrayView1<'_, f64>,
    sample_weight: Option<&[f64]>,
) -> Result<Vec<DecisionTreeRegressor>> {
    let settings = settings(members, sorted.n_features())?;
    check_len("targets", sorted.n_rows(), targets.len())?;
    if let Some((row, &value)) = targets.iter().enumerate().find(|(_, y)| !y.is_finite()) {
        return Err(Error::NonFiniteTarget { row, value });
    }
    let targets: Vec<f64> = targets.to_vec();
    let weights = RowWeights::check(sorted, sample_weight, SquaredError::ORDER_FREE)?;
    let trees = grow_weighted::<SquaredError>(&settings, sorted, &targets, &weights, 1);
    Ok(trees
        .into_iter()
        .map(|tree| DecisionTreeRegressor { tree })
        .collect())
}
