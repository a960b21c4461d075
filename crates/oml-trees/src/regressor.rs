//! [`DecisionTreeRegressor`]: fitting on real targets and predicting leaf means.

use linfa::dataset::AsSingleTargets;
use linfa::traits::{Fit, PredictInplace};
use linfa::{DatasetBase, ParamGuard};
use ndarray::{Array1, ArrayBase, ArrayView1, Data, Ix2};

use crate::builder::{Unit, check_weights, dataset_weights, grow, settings};
use crate::classifier::check_features;
use crate::criterion::SquaredError;
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
        check_features(self.tree.n_features, x.ncols());
        assert_eq!(x.nrows(), y.len(), "one prediction per row");
        for (row, target) in x.rows().into_iter().zip(y.iter_mut()) {
            *target = self.predict_row(row);
        }
    }

    fn default_target(&self, x: &ArrayBase<D, Ix2>) -> Array1<f64> {
        Array1::zeros(x.nrows())
    }
}

impl DecisionTreeValidParams<Regression> {
    /// Fits a tree on presorted records (shared, for instance, by the trees of a forest), the
    /// target of each row and optional per-row weights (rows of weight 0 are left out).
    pub fn fit_sorted(
        &self,
        sorted: &SortedFeatures,
        targets: ArrayView1<'_, f64>,
        sample_weight: Option<&[f64]>,
    ) -> Result<DecisionTreeRegressor> {
        let n_rows = sorted.n_rows();
        if targets.len() != n_rows {
            return Err(Error::LengthMismatch {
                what: "targets",
                rows: n_rows,
                found: targets.len(),
            });
        }
        if let Some((row, &value)) = targets.iter().enumerate().find(|(_, y)| !y.is_finite()) {
            return Err(Error::NonFiniteTarget { row, value });
        }
        let targets: Vec<f64> = targets.to_vec();
        let settings = settings(self, sorted.n_features());
        let tree = match sample_weight {
            None => {
                if n_rows == 0 {
                    return Err(Error::NoRows);
                }
                grow::<SquaredError, _>(&settings, sorted, &targets, Unit, 1)
            }
            Some(weights) => {
                check_weights(weights, n_rows)?;
                grow::<SquaredError, _>(&settings, sorted, &targets, weights, 1)
            }
        };
        Ok(DecisionTreeRegressor { tree })
    }
}

impl<D, T> Fit<ArrayBase<D, Ix2>, T, Error> for DecisionTreeValidParams<Regression>
where
    D: Data<Elem = f64>,
    T: AsSingleTargets<Elem = f64>,
{
    type Object = DecisionTreeRegressor;

    /// Fits a tree on the records (rows x features), their targets and the dataset's weights,
    /// if it has any.
    fn fit(&self, dataset: &DatasetBase<ArrayBase<D, Ix2>, T>) -> Result<DecisionTreeRegressor> {
        let sorted = SortedFeatures::new(dataset.records())?;
        let weights = dataset_weights(dataset);
        self.fit_sorted(&sorted, dataset.as_single_targets(), weights.as_deref())
    }
}

impl DecisionTreeParams<Regression> {
    /// Checks the parameters, then fits on presorted records; see
    /// [`DecisionTreeValidParams::fit_sorted`].
    pub fn fit_sorted(
        &self,
        sorted: &SortedFeatures,
        targets: ArrayView1<'_, f64>,
        sample_weight: Option<&[f64]>,
    ) -> Result<DecisionTreeRegressor> {
        self.check_ref()?.fit_sorted(sorted, targets, sample_weight)
    }
}
