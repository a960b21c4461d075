//! [`DecisionTreeClassifier`]: fitting on class labels, probabilities and predictions.

use linfa::dataset::AsSingleTargets;
use linfa::traits::{Fit, PredictInplace};
use linfa::{DatasetBase, ParamGuard};
use ndarray::{Array1, Array2, ArrayBase, ArrayView1, Data, Ix2};

use crate::builder::{Unit, check_weights, dataset_weights, grow, settings};
use crate::criterion::{Entropy, Gini};
use crate::error::{Error, Result};
use crate::params::{Classification, Criterion, DecisionTreeParams, DecisionTreeValidParams};
use crate::sorted::SortedFeatures;
use crate::tree::Tree;

/// A fitted CART classification tree: each leaf holds the class fractions of its training rows.
#[derive(Debug, Clone, PartialEq)]
pub struct DecisionTreeClassifier {
    tree: Tree,
    n_classes: usize,
}

impl DecisionTreeClassifier {
    /// The default parameters of a classification tree (see [`DecisionTreeParams`]).
    pub fn params() -> DecisionTreeParams<Classification> {
        DecisionTreeParams::new()
    }

    /// The fitted tree.
    pub fn tree(&self) -> &Tree {
        &self.tree
    }

    /// The number of classes (probability columns).
    pub fn n_classes(&self) -> usize {
        self.n_classes
    }

    /// The class probabilities of one row: the class fractions of its leaf.
    pub fn row_proba(&self, row: ArrayView1<'_, f64>) -> &[f64] {
        self.tree.value(self.tree.apply(row))
    }

    /// The class probabilities of every row of `x` (rows x features): rows x classes.
    ///
    /// # Panics
    ///
    /// If `x` does not have the features the tree was fitted on.
    pub fn predict_proba<D: Data<Elem = f64>>(&self, x: &ArrayBase<D, Ix2>) -> Array2<f64> {
        check_features(self.tree.n_features, x.ncols());
        let mut proba = Array2::zeros((x.nrows(), self.n_classes));
        for (row, mut out) in x.rows().into_iter().zip(proba.rows_mut()) {
            out.assign(&ArrayView1::from(self.row_proba(row)));
        }
        proba
    }
}

/// The first index of the largest value.
pub(crate) fn argmax(values: &[f64]) -> usize {
    let mut best = 0;
    for (i, &v) in values.iter().enumerate() {
        if v > values[best] {
            best = i;
        }
    }
    best
}

pub(crate) fn check_features(expected: usize, found: usize) {
    assert_eq!(
        expected, found,
        "the tree was fitted on {expected} features but the records have {found}"
    );
}

impl<D: Data<Elem = f64>> PredictInplace<ArrayBase<D, Ix2>, Array1<usize>>
    for DecisionTreeClassifier
{
    /// Predicts the class of each row: the most frequent class of its leaf, ties to the first.
    ///
    /// # Panics
    ///
    /// If `x` does not have the features the tree was fitted on, or `y` one entry per row.
    fn predict_inplace(&self, x: &ArrayBase<D, Ix2>, y: &mut Array1<usize>) {
        check_features(self.tree.n_features, x.ncols());
        assert_eq!(x.nrows(), y.len(), "one prediction per row");
        for (row, target) in x.rows().into_iter().zip(y.iter_mut()) {
            *target = argmax(self.row_proba(row));
        }
    }

    fn default_target(&self, x: &ArrayBase<D, Ix2>) -> Array1<usize> {
        Array1::zeros(x.nrows())
    }
}

impl DecisionTreeValidParams<Classification> {
    /// Fits a tree on presorted records (shared, for instance, by the trees of a forest), the
    /// class label of each row and optional per-row weights (rows of weight 0 are left out, as
    /// a bootstrap leaves rows out).
    pub fn fit_sorted(
        &self,
        sorted: &SortedFeatures,
        targets: ArrayView1<'_, usize>,
        sample_weight: Option<&[f64]>,
    ) -> Result<DecisionTreeClassifier> {
        let n_rows = sorted.n_rows();
        if targets.len() != n_rows {
            return Err(Error::LengthMismatch {
                what: "targets",
                rows: n_rows,
                found: targets.len(),
            });
        }
        let max_label = targets.iter().copied().max();
        let n_classes = match self.n_classes() {
            Some(n_classes) => {
                if let Some((row, &label)) =
                    targets.iter().enumerate().find(|&(_, &l)| l >= n_classes)
                {
                    return Err(Error::LabelOutOfRange {
                        row,
                        label,
                        n_classes,
                    });
                }
                n_classes
            }
            None => max_label.map_or(1, |l| l + 1),
        };
        if n_classes > u32::MAX as usize {
            return Err(Error::InvalidParameter {
                name: "n_classes",
                value: n_classes.to_string(),
                allowed: "at most u32::MAX classes",
            });
        }
        let labels: Vec<u32> = targets.iter().map(|&l| l as u32).collect();
        let settings = settings(self, sorted.n_features());
        let tree = match sample_weight {
            None => {
                if n_rows == 0 {
                    return Err(Error::NoRows);
                }
                match self.criterion() {
                    Criterion::Entropy => {
                        grow::<Entropy, _>(&settings, sorted, &labels, Unit, n_classes)
                    }
                    _ => grow::<Gini, _>(&settings, sorted, &labels, Unit, n_classes),
                }
            }
            Some(weights) => {
                check_weights(weights, n_rows)?;
                match self.criterion() {
                    Criterion::Entropy => {
                        grow::<Entropy, _>(&settings, sorted, &labels, weights, n_classes)
                    }
                    _ => grow::<Gini, _>(&settings, sorted, &labels, weights, n_classes),
                }
            }
        };
        Ok(DecisionTreeClassifier { tree, n_classes })
    }
}

impl<D, T> Fit<ArrayBase<D, Ix2>, T, Error> for DecisionTreeValidParams<Classification>
where
    D: Data<Elem = f64>,
    T: AsSingleTargets<Elem = usize>,
{
    type Object = DecisionTreeClassifier;

    /// Fits a tree on the records (rows x features), their class labels (indices from 0) and
    /// the dataset's weights, if it has any.
    fn fit(&self, dataset: &DatasetBase<ArrayBase<D, Ix2>, T>) -> Result<DecisionTreeClassifier> {
        let sorted = SortedFeatures::new(dataset.records())?;
        let weights = dataset_weights(dataset);
        self.fit_sorted(&sorted, dataset.as_single_targets(), weights.as_deref())
    }
}

impl DecisionTreeParams<Classification> {
    /// Checks the parameters, then fits on presorted records; see
    /// [`DecisionTreeValidParams::fit_sorted`].
    pub fn fit_sorted(
        &self,
        sorted: &SortedFeatures,
        targets: ArrayView1<'_, usize>,
        sample_weight: Option<&[f64]>,
    ) -> Result<DecisionTreeClassifier> {
        self.check_ref()?.fit_sorted(sorted, targets, sample_weight)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argmax_ties_go_to_the_first_class() {
        assert_eq!(argmax(&[0.25, 0.5, 0.25, 0.5]), 1);
        assert_eq!(argmax(&[0.0, 0.0]), 0);
    }
}
