//! Fitting a tree or a forest of either [`TreeKind`]: the entry points (`fit_sorted`,
//! `fit_records` and linfa's [`Fit`]) are the same for both kinds and call the kind's own fit.

use linfa::dataset::AsSingleTargets;
use linfa::traits::Fit;
use linfa::{DatasetBase, ParamGuard};
use ndarray::{ArrayBase, ArrayView1, ArrayView2, Data, Ix2};

use crate::boost::HistGradientBoostingValidParams;
use crate::builder::dataset_weights;
use crate::error::{Error, Result};
use crate::forest_params::{RandomForestParams, RandomForestValidParams};
use crate::params::{DecisionTreeParams, DecisionTreeValidParams, TreeKind};
use crate::sorted::SortedFeatures;

impl<K: TreeKind> DecisionTreeValidParams<K> {
    /// Fits a tree on presorted records (shared, for instance, by the trees of a forest), the
    /// target of each row (a class label, or a real value) and optional per-row weights (rows
    /// of weight 0 are left out, as a bootstrap leaves rows out).
    pub fn fit_sorted(
        &self,
        sorted: &SortedFeatures,
        targets: ArrayView1<'_, K::Target>,
        sample_weight: Option<&[f64]>,
    ) -> Result<K::Fitted> {
        let mut trees = K::fit_tree(std::slice::from_ref(self), sorted, targets, sample_weight)?;
        Ok(trees.remove(0))
    }

    /// Fits a tree for each parameter set of `members` at once, as
    /// [`fit_sorted`](Self::fit_sorted) would fit each alone: the sets may differ only in
    /// `max_depth` and `min_samples_leaf` (else [`Error::Family`]). The trees share the work
    /// of their common nodes, which is most of it: a search over those two parameters fits
    /// each candidate's tree for a fraction of a lone fit's time.
    pub fn fit_family(
        members: &[Self],
        sorted: &SortedFeatures,
        targets: ArrayView1<'_, K::Target>,
        sample_weight: Option<&[f64]>,
    ) -> Result<Vec<K::Fitted>> {
        K::fit_tree(members, sorted, targets, sample_weight)
    }
}

impl<K: TreeKind> DecisionTreeParams<K> {
    /// Checks the parameters, then fits on presorted records; see
    /// [`DecisionTreeValidParams::fit_sorted`].
    pub fn fit_sorted(
        &self,
        sorted: &SortedFeatures,
        targets: ArrayView1<'_, K::Target>,
        sample_weight: Option<&[f64]>,
    ) -> Result<K::Fitted> {
        self.check_ref()?.fit_sorted(sorted, targets, sample_weight)
    }
}

impl<K, D, T> Fit<ArrayBase<D, Ix2>, T, Error> for DecisionTreeValidParams<K>
where
    K: TreeKind,
    D: Data<Elem = f64>,
    T: AsSingleTargets<Elem = K::Target>,
{
    type Object = K::Fitted;

    /// Fits a tree on the records (rows x features), their targets (class labels, indices
    /// from 0, or real values) and the dataset's weights, if it has any.
    fn fit(&self, dataset: &DatasetBase<ArrayBase<D, Ix2>, T>) -> Result<K::Fitted> {
        let sorted = SortedFeatures::new(dataset.records())?;
        let weights = dataset_weights(dataset);
        self.fit_sorted(&sorted, dataset.as_single_targets(), weights.as_deref())
    }
}

impl<K: TreeKind> RandomForestValidParams<K> {
    /// Fits the forest on the records (rows x features), the target of each row (a class
    /// label, or a real value) and optional per-row weights, sorting the features once for all
    /// trees.
    pub fn fit_records(
        &self,
        records: ArrayView2<'_, f64>,
        targets: ArrayView1<'_, K::Target>,
        sample_weight: Option<&[f64]>,
    ) -> Result<K::FittedForest> {
        let mut forests =
            K::fit_forest(std::slice::from_ref(self), records, targets, sample_weight)?;
        Ok(forests.remove(0))
    }

    /// Fits a forest for each parameter set of `members` at once, as
    /// [`fit_records`](Self::fit_records) would fit each alone: the sets may differ only in
    /// their trees' `max_depth` and `min_samples_leaf` (else [`Error::Family`]). Tree `i` of
    /// every forest has the same bootstrap and seed, and the trees of index `i` grow together
    /// ([`DecisionTreeValidParams::fit_family`]).
    pub fn fit_family(
        members: &[Self],
        records: ArrayView2<'_, f64>,
        targets: ArrayView1<'_, K::Target>,
        sample_weight: Option<&[f64]>,
    ) -> Result<Vec<K::FittedForest>> {
        K::fit_forest(members, records, targets, sample_weight)
    }
}

impl<K: TreeKind> RandomForestParams<K> {
    /// Checks the parameters, then fits; see [`RandomForestValidParams::fit_records`].
    pub fn fit_records(
        &self,
        records: ArrayView2<'_, f64>,
        targets: ArrayView1<'_, K::Target>,
        sample_weight: Option<&[f64]>,
    ) -> Result<K::FittedForest> {
        self.check_ref()?
            .fit_records(records, targets, sample_weight)
    }
}

impl<K, D, T> Fit<ArrayBase<D, Ix2>, T, Error> for RandomForestValidParams<K>
where
    K: TreeKind,
    D: Data<Elem = f64>,
    T: AsSingleTargets<Elem = K::Target>,
{
    type Object = K::FittedForest;

    /// Fits the forest on the records (rows x features), their targets (class labels, indices
    /// from 0, or real values) and the dataset's weights, if it has any.
    fn fit(&self, dataset: &DatasetBase<ArrayBase<D, Ix2>, T>) -> Result<K::FittedForest> {
        let weights = dataset_weights(dataset);
        self.fit_records(
            dataset.records().view(),
            dataset.as_single_targets(),
            weights.as_deref(),
        )
    }
}

impl<K, D, T> Fit<ArrayBase<D, Ix2>, T, Error> for HistGradientBoostingValidParams<K>
where
    K: TreeKind,
    D: Data<Elem = f64>,
    T: AsSingleTargets<Elem = K::Target>,
{
    type Object = K::FittedBooster;

    /// Fits the booster on the records (rows x features, NaN for missing) and their targets
    /// (class labels, indices from 0, or real values); a dataset with weights is refused.
    fn fit(&self, dataset: &DatasetBase<ArrayBase<D, Ix2>, T>) -> Result<K::FittedBooster> {
        if dataset_weights(dataset).is_some() {
            return Err(Error::WeightsUnsupported);
        }
        self.fit_records(dataset.records().view(), dataset.as_single_targets())
    }
}
