//! [`DecisionTreeClassifier`]: fitting on class labels, probabilities and predictions.

use linfa::traits::PredictInplace;
use ndarray::{Array1, Array2, ArrayBase, ArrayView1, Data, Ix2};

use crate::builder::{RowWeights, check_len, grow_weighted, settings};
use crate::criterion::{BinaryGini, Entropy, Gini};
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
        for (&leaf, mut out) in self.tree.leaves(x.view()).iter().zip(proba.rows_mut()) {
            out.assign(&ArrayView1::from(self.tree.value(leaf)));
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

/// Sets each entry of `y` to `predict` of the leaf of `tree` its row of `x` falls in.
///
/// # Panics
///
/// If `x` does not have the features `tree` was fitted on, or `y` one entry per row.
pub(crate) fn predict_rows<D: Data<Elem = f64>, T>(
    tree: &Tree,
    x: &ArrayBase<D, Ix2>,
    y: &mut Array1<T>,
    predict: impl Fn(usize) -> T,
) {
    check_features(tree.n_features, x.ncols());
    assert_eq!(x.nrows(), y.len(), "one prediction per row");
    for (&leaf, target) in tree.leaves(x.view()).iter().zip(y.iter_mut()) {
        *target = predict(leaf);
    }
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
        predict_rows(&self.tree, x, y, |leaf| argmax(self.tree.value(leaf)));
    }

    fn default_target(&self, x: &ArrayBase<D, Ix2>) -> Array1<usize> {
        Array1::zeros(x.nrows())
    }
}

/// Fits a family of classification trees; see [`DecisionTreeValidParams::fit_family`].
pub(crate) fn fit(
    members: &[DecisionTreeValidParams<Classification>],
    sorted: &SortedFeatures,
    targets: ArrayView1<'_, usize>,
    sample_weight: Option<&[f64]>,
) -> Result<Vec<DecisionTreeClassifier>> {
    let settings = settings(members, sorted.n_features())?;
    let params = &members[0];
    check_len("targets", sorted.n_rows(), targets.len())?;
    let max_label = targets.iter().copied().max();
    let n_classes = match params.n_classes() {
        Some(n_classes) => {
            if let Some((row, &label)) = targets.iter().enumerate().find(|&(_, &l)| l >= n_classes)
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
    // Both classification criteria are order-free.
    let w = RowWeights::check(sorted, sample_weight, true)?;
    let s = &settings;
    // Two classes and whole weights (none, or a bootstrap's counts): the same tree from
    // statistics kept in registers.
    let trees = match (params.criterion(), n_classes) {
        (Criterion::Entropy, _) => grow_weighted::<Entropy>(s, sorted, &labels, &w, n_classes),
        (_, 2) if w.whole => grow_weighted::<BinaryGini>(s, sorted, &labels, &w, 2),
        _ => grow_weighted::<Gini>(s, sorted, &labels, &w, n_classes),
    };
    Ok(trees
        .into_iter()
        .map(|tree| DecisionTreeClassifier { tree, n_classes })
        .collect())
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
