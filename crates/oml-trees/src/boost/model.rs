//! The fitted boosters: [`HistGradientBoostingClassifier`] and
//! [`HistGradientBoostingRegressor`], their raw predictions, probabilities and predictions.

use linfa::traits::PredictInplace;
use ndarray::{Array1, Array2, ArrayBase, ArrayView2, Data, Ix2};

use crate::boost::fit::Ensemble;
use crate::boost::loss::{sigmoid, softmax};
use crate::boost::params::HistGradientBoostingParams;
use crate::classifier::{argmax, check_features};
use crate::params::{Classification, Regression};
use crate::tree::{Tree, by_row_blocks};

impl Ensemble {
    /// The raw predictions of the rows of `x`, row-major (rows x trees per iteration): the
    /// baseline plus every tree's leaf value, iteration by iteration (the same sums, in the
    /// same order, for any number of rows predicted together), a block of rows at a time.
    fn raw(&self, x: ArrayView2<'_, f64>) -> Vec<f64> {
        let k = self.baseline.len();
        debug_assert!(k > 0, "a baseline per tree of an iteration");
        let mut raw = self.baseline.repeat(x.nrows());
        by_row_blocks(x, &mut raw, k, |rows, raw| {
            let mut leaves = vec![0; rows.nrows()];
            for iteration in &self.trees {
                for (c, tree) in iteration.iter().enumerate() {
                    tree.apply_rows(rows, &mut leaves);
                    for (&leaf, raw) in leaves.iter().zip(raw.chunks_mut(k)) {
                        raw[c] += tree.value(leaf)[0];
                    }
                }
            }
        });
        raw
    }
}

/// A fitted histogram gradient boosting classifier: log loss of a sigmoid (two classes) or a
/// softmax (three or more), over the classes present in the training rows.
#[derive(Debug, Clone, PartialEq)]
pub struct HistGradientBoostingClassifier {
    classes: Vec<usize>,
    n_classes: usize,
    /// `None` when the training rows have a single class.
    ensemble: Option<Ensemble>,
    n_features: usize,
}

impl HistGradientBoostingClassifier {
    /// The default parameters of a boosting classifier (see [`HistGradientBoostingParams`]).
    pub fn params() -> HistGradientBoostingParams<Classification> {
        HistGradientBoostingParams::new()
    }

    pub(crate) fn new(
        classes: Vec<usize>,
        n_classes: usize,
        ensemble: Option<Ensemble>,
        n_features: usize,
    ) -> Self {
        HistGradientBoostingClassifier {
            classes,
            n_classes,
            ensemble,
            n_features,
        }
    }

    /// The number of classes (probability columns).
    pub fn n_classes(&self) -> usize {
        self.n_classes
    }

    /// The classes present in the training rows, in increasing order: the ones the trees
    /// learn (the others get probability 0).
    pub fn classes(&self) -> &[usize] {
        &self.classes
    }

    /// The number of boosting iterations done (0 when the training rows have one class).
    pub fn n_iter(&self) -> usize {
        self.ensemble.as_ref().map_or(0, |e| e.trees.len())
    }

    /// The trees of each iteration: one (two classes present) or one per class present, in
    /// [`classes`](Self::classes) order. A tree's node values are its contributions to the
    /// raw prediction (log odds) at the leaves.
    pub fn trees(&self) -> &[Vec<Tree>] {
        self.ensemble.as_ref().map_or(&[], |e| &e.trees)
    }

    /// The constant raw prediction each tree of an iteration starts from: the log odds of the
    /// second class present (two classes), or the logs of the class priors over their
    /// geometric mean.
    pub fn baseline(&self) -> &[f64] {
        self.ensemble.as_ref().map_or(&[], |e| &e.baseline)
    }

    /// With early stopping, minus the mean validation log loss before the first iteration and
    /// after each; otherwise empty.
    pub fn validation_scores(&self) -> &[f64] {
        self.ensemble.as_ref().map_or(&[], |e| &e.validation_scores)
    }

    /// The class probabilities of every row of `x` (rows x features, NaN for missing): rows x
    /// classes. A class absent from the training rows gets 0; a lone class gets 1.
    ///
    /// # Panics
    ///
    /// If `x` does not have the features the booster was fitted on.
    pub fn predict_proba<D: Data<Elem = f64>>(&self, x: &ArrayBase<D, Ix2>) -> Array2<f64> {
        check_features(self.n_features, x.ncols());
        let mut proba = Array2::zeros((x.nrows(), self.n_classes));
        let Some(ensemble) = &self.ensemble else {
            proba.column_mut(self.classes[0]).fill(1.0);
            return proba;
        };
        let k = ensemble.baseline.len();
        let raw = ensemble.raw(x.view());
        let mut p = vec![0.0; self.classes.len()];
        for (raw, mut out) in raw.chunks(k).zip(proba.rows_mut()) {
            if k == 1 {
                let positive = sigmoid(raw[0]);
                p[0] = 1.0 - positive;
                p[1] = positive;
            } else {
                softmax(raw.iter().copied(), &mut p);
            }
            for (&class, &p) in self.classes.iter().zip(&p) {
                out[class] = p;
            }
        }
        proba
    }
}

impl<D: Data<Elem = f64>> PredictInplace<ArrayBase<D, Ix2>, Array1<usize>>
    for HistGradientBoostingClassifier
{
    /// The most probable class of each row, ties to the first.
    fn predict_inplace(&self, x: &ArrayBase<D, Ix2>, y: &mut Array1<usize>) {
        assert_eq!(x.nrows(), y.len(), "one target per row");
        let proba = self.predict_proba(x);
        for (row, y) in proba.rows().into_iter().zip(y.iter_mut()) {
            *y = argmax(row.as_slice().expect("rows of a new array are contiguous"));
        }
    }

    fn default_target(&self, x: &ArrayBase<D, Ix2>) -> Array1<usize> {
        Array1::zeros(x.nrows())
    }
}

/// A fitted histogram gradient boosting regressor: squared error.
#[derive(Debug, Clone, PartialEq)]
pub struct HistGradientBoostingRegressor {
    ensemble: Ensemble,
    n_features: usize,
}

impl HistGradientBoostingRegressor {
    /// The default parameters of a boosting regressor (see [`HistGradientBoostingParams`]).
    pub fn params() -> HistGradientBoostingParams<Regression> {
        HistGradientBoostingParams::new()
    }

    pub(crate) fn new(ensemble: Ensemble, n_features: usize) -> Self {
        HistGradientBoostingRegressor {
            ensemble,
            n_features,
        }
    }

    /// The number of boosting iterations done (one tree each).
    pub fn n_iter(&self) -> usize {
        self.ensemble.trees.len()
    }

    /// The tree of each iteration (in a one-element vector, as a classifier's).
    pub fn trees(&self) -> &[Vec<Tree>] {
        &self.ensemble.trees
    }

    /// The constant prediction the trees start from: the mean training target.
    pub fn baseline(&self) -> f64 {
        self.ensemble.baseline[0]
    }

    /// With early stopping, minus the mean validation loss (half the squared error) before
    /// the first iteration and after each; otherwise empty.
    pub fn validation_scores(&self) -> &[f64] {
        &self.ensemble.validation_scores
    }
}

impl<D: Data<Elem = f64>> PredictInplace<ArrayBase<D, Ix2>, Array1<f64>>
    for HistGradientBoostingRegressor
{
    /// The baseline plus every tree's leaf value, for each row of `x` (NaN for missing).
    ///
    /// # Panics
    ///
    /// If `x` does not have the features the booster was fitted on.
    fn predict_inplace(&self, x: &ArrayBase<D, Ix2>, y: &mut Array1<f64>) {
        check_features(self.n_features, x.ncols());
        assert_eq!(x.nrows(), y.len(), "one target per row");
        y.iter_mut()
            .zip(self.ensemble.raw(x.view()))
            .for_each(|(y, raw)| *y = raw);
    }

    fn default_target(&self, x: &ArrayBase<D, Ix2>) -> Array1<f64> {
        Array1::zeros(x.nrows())
    }
}
