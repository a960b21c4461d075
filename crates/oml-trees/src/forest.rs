//! [`RandomForestClassifier`] and [`RandomForestRegressor`]: trees fitted in parallel on rayon
//! from one [`SortedFeatures`], each on its own bootstrap sample and with its own seed.
//!
//! Tree `i`'s seed is the `i`-th output of SplitMix64 started at the forest's seed; a ChaCha8
//! generator seeded with it draws the tree's bootstrap (row counts, passed to the trees' fit
//! as weights), then the seed of the tree's feature draws. Nothing depends on which thread fits
//! which tree, and trees are kept in index order, so a forest is the same for any thread count.
//! A family of forests (parameter sets that differ only in their trees' shape) draws tree
//! `i`'s bootstrap and seed once, and grows the family's trees of index `i` together.

use linfa::traits::PredictInplace;
use ndarray::{Array1, Array2, ArrayBase, ArrayView1, ArrayView2, Data, Ix2};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use crate::builder::{check_len, family_head};
use crate::classifier::{DecisionTreeClassifier, argmax, check_features};
use crate::error::Result;
use crate::forest_params::{RandomForestParams, RandomForestValidParams};
use crate::params::{Classification, DecisionTreeValidParams, Regression, TreeKind};
use crate::regressor::DecisionTreeRegressor;
use crate::sorted::SortedFeatures;
use crate::tree::{ROW_BLOCK, Tree, by_row_blocks};

/// A fitted random forest of classification trees: probabilities are the mean of the trees'
/// leaf class fractions.
#[derive(Debug, Clone, PartialEq)]
pub struct RandomForestClassifier {
    trees: Vec<DecisionTreeClassifier>,
    n_classes: usize,
    oob_score: Option<f64>,
}

/// A fitted random forest of regression trees: predictions are the mean of the trees' leaf
/// means.
#[derive(Debug, Clone, PartialEq)]
pub struct RandomForestRegressor {
    trees: Vec<DecisionTreeRegressor>,
    oob_score: Option<f64>,
}

/// The seed of tree `index` of a forest seeded with `seed`: output `index` of SplitMix64
/// started at `seed`.
pub(crate) fn tree_seed(seed: u64, index: u64) -> u64 {
    const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut z = seed.wrapping_add(GOLDEN.wrapping_mul(index.wrapping_add(1)));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// What one tree is fitted with: its seed and its row weights.
struct TreeDraw {
    seed: u64,
    /// Bootstrap counts times the dataset's weights, or the dataset's weights.
    weights: Option<Vec<f64>>,
}

impl<K: TreeKind> RandomForestValidParams<K> {
    /// Tree `index`'s seed and weights for `n_rows` rows with the dataset's `weights`.
    fn draw(&self, index: usize, n_rows: usize, weights: Option<&[f64]>) -> TreeDraw {
        let seed = tree_seed(self.seed(), index as u64);
        if !self.bootstrap() {
            return TreeDraw {
                seed,
                weights: weights.map(<[f64]>::to_vec),
            };
        }
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut counts = vec![0.0; n_rows];
        let draws = ((self.max_samples() * n_rows as f64).round() as usize).max(1);
        if n_rows > 0 {
            for _ in 0..draws {
                counts[oml_math::index_in(&mut rng, 0..n_rows)] += 1.0;
            }
        }
        if let Some(weights) = weights {
            counts.iter_mut().zip(weights).for_each(|(c, w)| *c *= w);
        }
        TreeDraw {
            seed: rng.r#gen(),
            weights: Some(counts),
        }
    }
}

/// The trees of a family of forests ([`RandomForestValidParams::fit_family`]): per member,
/// its trees in index order; with `oob_score`, each tree index's in-bag rows.
struct FamilyTrees<K: TreeKind> {
    trees: Vec<Vec<K::Fitted>>,
    in_bag: Vec<InBag>,
}

/// Sorts the features of `records` once, then fits every tree index of the `members` (which
/// may differ only in their trees' depth limit and leaf size) on them in parallel, the trees
/// of an index grown together from its draw (that of the first member, the same for all).
fn fit_trees<K: TreeKind>(
    members: &[RandomForestValidParams<K>],
    records: ArrayView2<'_, f64>,
    targets: ArrayView1<'_, K::Target>,
    weights: Option<&[f64]>,
) -> Result<FamilyTrees<K>> {
    let first = family_head(members, RandomForestValidParams::same_but_shape)?;
    let sorted = SortedFeatures::new(&records)?;
    let n_rows = sorted.n_rows();
    if let Some(weights) = weights {
        check_len("sample weights", n_rows, weights.len())?;
    }
    let fitted: Vec<(Vec<K::Fitted>, Option<InBag>)> = (0..first.n_trees())
        .into_par_iter()
        .map(|index| {
            let draw = first.draw(index, n_rows, weights);
            let trees: Vec<DecisionTreeValidParams<K>> = members
                .iter()
                .map(|m| m.tree().with_seed(draw.seed))
                .collect();
            let grown = DecisionTreeValidParams::fit_family(
                &trees,
                &sorted,
                targets,
                draw.weights.as_deref(),
            )?;
            let in_bag = first
                .oob_score()
                .then(|| InBag::new(draw.weights.as_deref(), n_rows));
            Ok((grown, in_bag))
        })
        // Every tree's result first, so that the error returned is the first tree's in
        // tree order, whatever thread failed first.
        .collect::<Vec<Result<_>>>()
        .into_iter()
        .collect::<Result<_>>()?;
    let mut trees: Vec<Vec<K::Fitted>> = members.iter().map(|_| Vec::new()).collect();
    let mut in_bag = Vec::new();
    for (grown, bag) in fitted {
        for (member, tree) in trees.iter_mut().zip(grown) {
            member.push(tree);
        }
        in_bag.extend(bag);
    }
    Ok(FamilyTrees { trees, in_bag })
}

/// The rows a tree was fitted on, one bit per row.
struct InBag(Vec<u64>);

impl InBag {
    fn new(weights: Option<&[f64]>, n_rows: usize) -> Self {
        let mut bits = vec![0u64; n_rows.div_ceil(64)];
        for row in 0..n_rows {
            if weights.is_none_or(|w| w[row] > 0.0) {
                bits[row / 64] |= 1 << (row % 64);
            }
        }
        InBag(bits)
    }

    fn contains(&self, row: usize) -> bool {
        self.0[row / 64] >> (row % 64) & 1 == 1
    }
}

/// For each row of `x`, the sum over the trees that did not see it (in tree order) of the
/// values of the row's leaf in `tree_of(tree)`, `width` values each, and the number of such
/// trees.
fn out_of_bag_sums<T: Sync>(
    trees: &[T],
    in_bag: &[InBag],
    x: ArrayView2<'_, f64>,
    width: usize,
    tree_of: impl Fn(&T) -> &Tree + Sync,
) -> (Vec<f64>, Vec<u32>) {
    let n_rows = x.nrows();
    let mut sums = vec![0.0; n_rows * width];
    let mut counts = vec![0u32; n_rows];
    sums.par_chunks_mut(ROW_BLOCK * width)
        .zip(counts.par_chunks_mut(ROW_BLOCK))
        .enumerate()
        .for_each(|(chunk, (sums, counts))| {
            let first = chunk * ROW_BLOCK;
            for (tree, bag) in trees.iter().map(&tree_of).zip(in_bag) {
                for (k, count) in counts.iter_mut().enumerate() {
                    let row = first + k;
                    if bag.contains(row) {
                        continue;
                    }
                    *count += 1;
                    let values = tree.value(tree.apply(x.row(row)));
                    sums[k * width..(k + 1) * width]
                        .iter_mut()
                        .zip(values)
                        .for_each(|(s, v)| *s += v);
                }
            }
        });
    (sums, counts)
}

/// For each row of `x`, the sum over all trees, in tree order, of the values of the row's leaf
/// in `tree_of(tree)`, divided by the number of trees: `rows × width` values.
fn mean_over_trees<T: Sync>(
    trees: &[T],
    x: ArrayView2<'_, f64>,
    width: usize,
    tree_of: impl Fn(&T) -> &Tree + Sync,
) -> Vec<f64> {
    let mut out = vec![0.0; x.nrows() * width];
    let n_trees = trees.len() as f64;
    by_row_blocks(x, &mut out, width, |rows, out| {
        let mut leaves = vec![0; rows.nrows()];
        for tree in trees.iter().map(&tree_of) {
            tree.apply_rows(rows, &mut leaves);
            for (&leaf, slot) in leaves.iter().zip(out.chunks_exact_mut(width)) {
                slot.iter_mut()
                    .zip(tree.value(leaf))
                    .for_each(|(s, v)| *s += v);
            }
        }
        out.iter_mut().for_each(|v| *v /= n_trees);
    });
    out
}

impl RandomForestClassifier {
    /// The default parameters of a classification forest (see [`RandomForestParams`]).
    pub fn params() -> RandomForestParams<Classification> {
        RandomForestParams::new()
    }

    /// The trees, in the order of their seeds.
    pub fn trees(&self) -> &[DecisionTreeClassifier] {
        &self.trees
    }

    /// The number of classes (probability columns).
    pub fn n_classes(&self) -> usize {
        self.n_classes
    }

    /// The out-of-bag accuracy: each training row predicted by the trees whose bootstrap left
    /// it out (the argmax of their mean probabilities, ties to the first class), over the rows
    /// left out by at least one tree. `None` unless fitted with `oob_score`, or if every tree
    /// saw every row.
    pub fn oob_score(&self) -> Option<f64> {
        self.oob_score
    }

    /// The class probabilities of every row of `x` (rows x features): rows x classes, the mean
    /// over the trees of the class fractions of the row's leaf. Rows are spread over rayon's
    /// threads; each row's sum runs in tree order, so the result does not depend on them.
    ///
    /// # Panics
    ///
    /// If `x` does not have the features the forest was fitted on.
    pub fn predict_proba<D: Data<Elem = f64>>(&self, x: &ArrayBase<D, Ix2>) -> Array2<f64> {
        check_features(self.trees[0].tree().n_features(), x.ncols());
        let mean = mean_over_trees(
            &self.trees,
            x.view(),
            self.n_classes,
            DecisionTreeClassifier::tree,
        );
        Array2::from_shape_vec((x.nrows(), self.n_classes), mean).expect("rows x classes")
    }
}

impl RandomForestRegressor {
    /// The default parameters of a regression forest (see [`RandomForestParams`]).
    pub fn params() -> RandomForestParams<Regression> {
        RandomForestParams::new()
    }

    /// The trees, in the order of their seeds.
    pub fn trees(&self) -> &[DecisionTreeRegressor] {
        &self.trees
    }

    /// The out-of-bag R²: each training row predicted by the mean of the trees whose bootstrap
    /// left it out, over the rows left out by at least one tree. `None` unless fitted with
    /// `oob_score`, or if every tree saw every row.
    pub fn oob_score(&self) -> Option<f64> {
        self.oob_score
    }
}

impl<D: Data<Elem = f64>> PredictInplace<ArrayBase<D, Ix2>, Array1<usize>>
    for RandomForestClassifier
{
    /// Predicts the class of each row: the argmax of its mean probabilities, ties to the first
    /// class.
    ///
    /// # Panics
    ///
    /// If `x` does not have the features the forest was fitted on, or `y` one entry per row.
    fn predict_inplace(&self, x: &ArrayBase<D, Ix2>, y: &mut Array1<usize>) {
        assert_eq!(x.nrows(), y.len(), "one prediction per row");
        let proba = self.predict_proba(x);
        for (row, target) in proba.rows().into_iter().zip(y.iter_mut()) {
            *target = argmax(row.as_slice().expect("standard layout"));
        }
    }

    fn default_target(&self, x: &ArrayBase<D, Ix2>) -> Array1<usize> {
        Array1::zeros(x.nrows())
    }
}

impl<D: Data<Elem = f64>> PredictInplace<ArrayBase<D, Ix2>, Array1<f64>> for RandomForestRegressor {
    /// Predicts the mean over the trees of each row's leaf mean.
    ///
    /// # Panics
    ///
    /// If `x` does not have the features the forest was fitted on, or `y` one entry per row.
    fn predict_inplace(&self, x: &ArrayBase<D, Ix2>, y: &mut Array1<f64>) {
        check_features(self.trees[0].tree().n_features(), x.ncols());
        assert_eq!(x.nrows(), y.len(), "one prediction per row");
        let mean = mean_over_trees(&self.trees, x.view(), 1, DecisionTreeRegressor::tree);
        y.iter_mut().zip(mean).for_each(|(t, v)| *t = v);
    }

    fn default_target(&self, x: &ArrayBase<D, Ix2>) -> Array1<f64> {
        Array1::zeros(x.nrows())
    }
}

/// Fits a family of classification forests; see [`RandomForestValidParams::fit_family`].
pub(crate) fn fit_classifier(
    members: &[RandomForestValidParams<Classification>],
    records: ArrayView2<'_, f64>,
    targets: ArrayView1<'_, usize>,
    sample_weight: Option<&[f64]>,
) -> Result<Vec<RandomForestClassifier>> {
    let family = fit_trees(members, records, targets, sample_weight)?;
    let in_bag = &family.in_bag;
    Ok(family
        .trees
        .into_iter()
        .map(|trees| classifier_forest(trees, in_bag, records, targets))
        .collect())
}

/// The classification forest of `trees`, with its out-of-bag accuracy where `in_bag` is
/// known.
fn classifier_forest(
    trees: Vec<DecisionTreeClassifier>,
    in_bag: &[InBag],
    records: ArrayView2<'_, f64>,
    targets: ArrayView1<'_, usize>,
) -> RandomForestClassifier {
    let n_classes = trees[0].n_classes();
    let oob_score = (!in_bag.is_empty()).then(|| {
        let (sums, counts) = out_of_bag_sums(
            &trees,
            in_bag,
            records,
            n_classes,
            DecisionTreeClassifier::tree,
        );
        let (mut right, mut scored) = (0usize, 0usize);
        for (row, &count) in counts.iter().enumerate() {
            if count > 0 {
                scored += 1;
                let predicted = argmax(&sums[row * n_classes..(row + 1) * n_classes]);
                right += usize::from(predicted == targets[row]);
            }
        }
        (scored > 0).then(|| right as f64 / scored as f64)
    });
    RandomForestClassifier {
        trees,
        n_classes,
        oob_score: oob_score.flatten(),
    }
}

/// Fits a family of regression forests; see [`RandomForestValidParams::fit_family`].
pub(crate) fn fit_regressor(
    members: &[RandomForestValidParams<Regression>],
    records: ArrayView2<'_, f64>,
    targets: ArrayView1<'_, f64>,
    sample_weight: Option<&[f64]>,
) -> Result<Vec<RandomForestRegressor>> {
    let family = fit_trees(members, records, targets, sample_weight)?;
    let in_bag = &family.in_bag;
    Ok(family
        .trees
        .into_iter()
        .map(|trees| regressor_forest(trees, in_bag, records, targets))
        .collect())
}

/// The regression forest of `trees`, with its out-of-bag R² where `in_bag` is known.
fn regressor_forest(
    trees: Vec<DecisionTreeRegressor>,
    in_bag: &[InBag],
    records: ArrayView2<'_, f64>,
    targets: ArrayView1<'_, f64>,
) -> RandomForestRegressor {
    let oob_score = (!in_bag.is_empty()).then(|| {
        let (sums, counts) =
            out_of_bag_sums(&trees, in_bag, records, 1, DecisionTreeRegressor::tree);
        let scored: Vec<(f64, f64)> = counts
            .iter()
            .enumerate()
            .filter(|&(_, &count)| count > 0)
            .map(|(row, &count)| (targets[row], sums[row] / f64::from(count)))
            .collect();
        r_squared(&scored)
    });
    RandomForestRegressor {
        trees,
        oob_score: oob_score.flatten(),
    }
}

/// R² of (truth, prediction) pairs; `None` for no pairs. A constant truth gives 1 if every
/// prediction is exact and 0 otherwise, as scikit-learn's `r2_score`.
fn r_squared(pairs: &[(f64, f64)]) -> Option<f64> {
    if pairs.is_empty() {
        return None;
    }
    let mean = pairs.iter().map(|p| p.0).sum::<f64>() / pairs.len() as f64;
    let residual: f64 = pairs.iter().map(|(t, p)| (t - p) * (t - p)).sum();
    let total: f64 = pairs.iter().map(|(t, _)| (t - mean) * (t - mean)).sum();
    Some(if total > 0.0 {
        1.0 - residual / total
    } else if residual == 0.0 {
        1.0
    } else {
        0.0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_seeds_are_splitmix64_outputs() {
        // SplitMix64 from state 0: its first outputs, as published.
        assert_eq!(tree_seed(0, 0), 0xE220_A839_7B1D_CDAF);
        assert_eq!(tree_seed(0, 1), 0x6E78_9E6A_A1B9_65F4);
        assert_ne!(tree_seed(1, 0), tree_seed(0, 0));
    }

    #[test]
    fn r_squared_follows_scikit_learn() {
        assert_eq!(r_squared(&[]), None);
        assert_eq!(r_squared(&[(1.0, 1.0), (1.0, 1.0)]), Some(1.0));
        assert_eq!(r_squared(&[(1.0, 1.0), (1.0, 2.0)]), Some(0.0));
        assert_eq!(r_squared(&[(0.0, 0.5), (1.0, 0.5)]), Some(0.0));
    }

    #[test]
    fn in_bag_rows_are_those_with_weight() {
        let bag = InBag::new(Some(&[0.0, 2.0, 1.0, 0.0]), 4);
        assert_eq!(
            (0..4).map(|r| bag.contains(r)).collect::<Vec<_>>(),
            [false, true, true, false]
        );
        assert!(InBag::new(None, 70).contains(69));
    }
}
