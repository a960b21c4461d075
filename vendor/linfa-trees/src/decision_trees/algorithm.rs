//! Linear decision trees
//!
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashSet, VecDeque};
use std::hash::{Hash, Hasher};

use linfa::dataset::AsSingleTargets;
use ndarray::{Array1, ArrayBase, Data, Ix1, Ix2};

use super::NodeIter;
use super::Tikz;
use super::{DecisionTreeValidParams, SplitQuality};
use linfa::{
    dataset::{Labels, Records},
    error::Error,
    error::Result,
    traits::*,
    DatasetBase, Float, Label,
};

#[cfg(feature = "serde")]
use serde_crate::{Deserialize, Serialize};

/// Sorted values of observations with indices (always for a particular feature)
struct SortedIndex<'a, F: Float> {
    feature_name: &'a str,
    /// oml patch: how the split search reads the feature.
    order: FeatureOrder<F>,
}

/// How the split search reads a feature's rows (oml patch).
enum FeatureOrder<F> {
    /// Every row with its value, in the stable sort's order; each node owns the range of its
    /// rows. Without NaN (`nan_free`) the order is a total order, and a node's range holds a
    /// single value when its first and last values are equal.
    Sorted {
        values: Vec<(usize, F)>,
        nan_free: bool,
    },
    /// A column of two values `low < high` without NaN, read where every row weighs 1 (a
    /// one-hot column): only the rows of the rarer value, each node owning the range of its own
    /// ([`NodeFeature::rare`]). Its one split is scored from their class counts and the
    /// node's, and a split partitions these rows only, not every row.
    TwoValued {
        low: F,
        high: F,
        rare_is_low: bool,
        rare_rows: Vec<usize>,
    },
    /// A feature no node reads: a copy of an earlier column.
    Unread,
}

impl<'a, F: Float> SortedIndex<'a, F> {
    /// Sorts the values of a given feature in ascending order
    ///
    /// ### Parameters
    ///
    /// * `column`: (oml patch) the feature's value in each row
    /// * `feature_name`: the human readable name of the feature
    /// * `two_valued`: (oml patch) whether a column of two values without NaN is kept as the
    ///   rows of its rarer value ([`FeatureOrder::TwoValued`])
    ///
    /// ### Returns
    ///
    /// A sorted vector of (index, value) pairs obtained by sorting the observations by
    /// the value of the specified feature (oml patch: or the rows of the rarer of two values).
    fn of_column(column: Vec<F>, feature_name: &'a str, two_valued: bool) -> Self {
        if let Some((low, high)) = two_valued.then(|| two_values(&column)).flatten() {
            let n_low = column.iter().filter(|&&value| value == low).count();
            let rare_is_low = 2 * n_low <= column.len();
            let rare = if rare_is_low { low } else { high };
            let rare_rows = column
                .iter()
                .enumerate()
                .filter(|&(_, &value)| value == rare)
                .map(|(row, _)| row)
                .collect();
            return SortedIndex {
                feature_name,
                order: FeatureOrder::TwoValued {
                    low,
                    high,
                    rare_is_low,
                    rare_rows,
                },
            };
        }
        let mut pairs: Vec<(usize, F)> = column.into_iter().enumerate().collect();
        let nan_free = sort_without_nan(&mut pairs);
        if !nan_free {
            pairs.sort_by(|a, b| a.1.partial_cmp(&b.1).unwrap_or(Ordering::Greater));
        }

        SortedIndex {
            order: FeatureOrder::Sorted {
                values: pairs,
                nan_free,
            },
            feature_name,
        }
    }

    /// A feature no tree node reads: nothing sorted.
    fn unread(feature_name: &'a str) -> Self {
        SortedIndex {
            order: FeatureOrder::Unread,
            feature_name,
        }
    }
}

/// The two values of `column`, lower first, where it holds exactly two, no NaN, and no zero of
/// both signs (oml patch: the stable sort keeps `-0.0` and `0.0` in row order, so which of them
/// bounds a split would depend on the node).
fn two_values<F: Float>(column: &[F]) -> Option<(F, F)> {
    let &first = column.first()?;
    let &second = column.iter().find(|&&value| value != first)?;
    if first.is_nan() || second.is_nan() {
        return None;
    }
    let (a, b) = (bits(first), bits(second));
    column
        .iter()
        .all(|&value| bits(value) == a || bits(value) == b)
        .then_some(if first < second {
            (first, second)
        } else {
            (second, first)
        })
}

/// The bits of a value as an `f64` (oml patch): equal for equal values but for the sign of a
/// zero and for NaNs.
fn bits<F: Float>(value: F) -> u64 {
    value.to_f64().map_or(u64::MAX, f64::to_bits)
}

/// A feature that can vary in a node, and (for a [`FeatureOrder::TwoValued`] feature) the
/// node's range of its rare rows (oml patch).
#[derive(Clone, Copy, Debug)]
struct NodeFeature {
    idx: usize,
    rare: (usize, usize),
}

/// Puts `pairs` (row index, value), in index order, into the order the stable sort by value
/// gives, where no value is NaN (oml patch); returns false, leaving `pairs` as they are, where
/// one is. Equal values (0.0 and -0.0 among them) keep their index order, as in the stable
/// sort: two distinct values are split into two runs in one pass (a one-hot column), and
/// others are sorted by (value, index), a total order, without a comparison closure.
fn sort_without_nan<F: Float>(pairs: &mut [(usize, F)]) -> bool {
    let Some(&(_, first)) = pairs.first() else {
        return true;
    };
    let mut other = None;
    let mut two_values = true;
    for &(_, value) in pairs.iter() {
        if value.is_nan() {
            return false;
        }
        if two_values && value != first {
            match other {
                None => other = Some(value),
                Some(seen) if seen != value => two_values = false,
                Some(_) => {}
            }
        }
    }
    match other {
        None => {}
        Some(second) if two_values => {
            let low = if first < second { first } else { second };
            stable_partition(pairs, &mut Vec::new(), |&(_, value)| value == low);
        }
        Some(_) => {
            // The bits of a float, mapped so that unsigned order is the float order (-0.0 is
            // taken as 0.0), then the row index.
            let key = |&(row, value): &(usize, F)| {
                let bits = (value.to_f64().unwrap_or(0.0) + 0.0).to_bits();
                let ordered = if bits >> 63 == 1 {
                    !bits
                } else {
                    bits | 1 << 63
                };
                (ordered, row)
            };
            pairs.sort_unstable_by_key(key);
        }
    }
    true
}

/// The rows of the node being fitted, in every order the split search reads (oml patch).
///
/// linfa-trees 0.8.1 kept a mask over all training rows per node and walked every feature's
/// order over *all* training rows at every node, skipping rows outside it: each node cost the
/// whole training set times the features. Here a node owns the range `start..end` of
/// `by_index` (its rows in index order) and of every feature's sorted order (its rows in that
/// feature's order; oml patch 5: of a two-valued feature's rarer value's rows, a range of its
/// own, [`NodeFeature::rare`]). Splitting a node partitions each range stably, left rows first, so a
/// child's range holds its rows in the same relative order as the parent's: the same rows in
/// the same order as 0.8.1's masked walk, for a cost of the node's rows times the features.
struct NodeRows<'a, F: Float, L: Label> {
    /// Every feature's values in sorted order, each range partitioned per node.
    sorted_indices: Vec<SortedIndex<'a, F>>,
    /// The rows in index order, each range partitioned per node.
    by_index: Vec<usize>,
    /// The training labels in ascending order; classes are their positions here.
    labels: Vec<L>,
    /// Each training row's class.
    class_of: Vec<usize>,
    /// Each training row's weight.
    weights: Vec<f32>,
    /// Whether every training row weighs 1.
    unit_weights: bool,
    /// Whether each row of the node being split goes left.
    goes_left: Vec<bool>,
    /// Rows going right, held while a range is partitioned.
    right_values: Vec<(usize, F)>,
    /// Row indices going right, held while `by_index` is partitioned.
    right_rows: Vec<usize>,
}

impl<'a, F: Float, L: Label> NodeRows<'a, F, L> {
    /// All training rows of `data`, the features of `read` sorted (oml patch: the others,
    /// copies of earlier columns, are never read, and left unsorted), and the root's features
    /// (those of `read`). Where every row weighs 1, a column of
    /// two values is kept as the rows of its rarer value ([`FeatureOrder::TwoValued`]).
    fn new<D: Data<Elem = F>, T: AsSingleTargets<Elem = L> + Labels<Elem = L>>(
        data: &DatasetBase<ArrayBase<D, Ix2>, T>,
        feature_names: &'a [String],
        mut columns: Vec<Vec<F>>,
        read: &[usize],
    ) -> (Self, Vec<NodeFeature>) {
        let x = data.records();
        let nsamples = x.nrows();
        let weights: Vec<f32> = (0..nsamples).map(|i| data.weight_for(i)).collect();
        let unit_weights = weights.iter().all(|&weight| weight == 1.0);
        let two_valued = unit_weights && nsamples < 1 << 24;
        let mut is_read = vec![false; x.ncols()];
        read.iter()
            .for_each(|&feature_idx| is_read[feature_idx] = true);
        let sorted_indices: Vec<SortedIndex<'a, F>> = (0..x.ncols())
            .map(|feature_idx| {
                let name = &feature_names[feature_idx];
                if is_read[feature_idx] {
                    let column = std::mem::take(&mut columns[feature_idx]);
                    SortedIndex::of_column(column, name, two_valued)
                } else {
                    SortedIndex::unread(name)
                }
            })
            .collect();
        let target = data.as_single_targets();
        let labels: Vec<L> = target
            .iter()
            .cloned()
            .collect::<std::collections::BTreeSet<L>>()
            .into_iter()
            .collect();
        let position: BTreeMap<&L, usize> = labels.iter().zip(0..).collect();
        let class_of = target.iter().map(|label| position[label]).collect();
        let rows = NodeRows {
            sorted_indices,
            by_index: (0..nsamples).collect(),
            class_of,
            labels,
            unit_weights,
            weights,
            goes_left: vec![false; nsamples],
            right_values: Vec::new(),
            right_rows: Vec::new(),
        };
        let features: Vec<NodeFeature> = read
            .iter()
            .map(|&idx| NodeFeature {
                idx,
                rare: match &rows.sorted_indices[idx].order {
                    FeatureOrder::TwoValued { rare_rows, .. } => (0, rare_rows.len()),
                    _ => (0, 0),
                },
            })
            .collect();
        (rows, features)
    }

    /// The features of `features` that take more than one value in rows `start..end`, in their
    /// order. A feature without NaN whose sorted range starts and ends with the same value
    /// holds that value alone: no split of it exists here or below. A two-valued feature
    /// varies where some but not all of the node's rows hold its rare value.
    fn varying(&self, start: usize, end: usize, features: &[NodeFeature]) -> Vec<NodeFeature> {
        features
            .iter()
            .copied()
            .filter(|feature| match &self.sorted_indices[feature.idx].order {
                FeatureOrder::Sorted { values, nan_free } => {
                    !nan_free || values[start].1 != values[end - 1].1
                }
                FeatureOrder::TwoValued { .. } => {
                    let (rare_start, rare_end) = feature.rare;
                    rare_start < rare_end && rare_end - rare_start < end - start
                }
                FeatureOrder::Unread => unreachable!("a node reads only the features it sorted"),
            })
            .collect()
    }

    /// The weight of each class in rows `start..end`, summed in index order (as 0.8.1's
    /// `label_frequencies_with_mask`), and whether the class has a row there.
    fn class_weights(&self, start: usize, end: usize) -> (Vec<f32>, Vec<bool>) {
        let mut weights = vec![0.0f32; self.labels.len()];
        let mut present = vec![false; self.labels.len()];
        for &row in &self.by_index[start..end] {
            let class = self.class_of[row];
            weights[class] += self.weights[row];
            present[class] = true;
        }
        (weights, present)
    }

    /// Partitions rows `start..end` stably by `goes_left`, in index order and in the order of
    /// each of `features`; returns where the right rows start, and the features of the left
    /// and the right child (a two-valued feature's rare rows split between them).
    fn partition(
        &mut self,
        start: usize,
        end: usize,
        features: &[NodeFeature],
    ) -> (usize, Vec<NodeFeature>, Vec<NodeFeature>) {
        let goes_left = &self.goes_left;
        let right_rows = &mut self.right_rows;
        let boundary = stable_partition(&mut self.by_index[start..end], right_rows, |&row| {
            goes_left[row]
        });
        let mut left = Vec::with_capacity(features.len());
        let mut right = Vec::with_capacity(features.len());
        for &feature in features {
            match &mut self.sorted_indices[feature.idx].order {
                FeatureOrder::Sorted { values, .. } => {
                    stable_partition(
                        &mut values[start..end],
                        &mut self.right_values,
                        |&(row, _)| goes_left[row],
                    );
                    left.push(feature);
                    right.push(feature);
                }
                FeatureOrder::TwoValued { rare_rows, .. } => {
                    let (rare_start, rare_end) = feature.rare;
                    let middle = rare_start
                        + stable_partition(
                            &mut rare_rows[rare_start..rare_end],
                            right_rows,
                            |&row| goes_left[row],
                        );
                    left.push(NodeFeature {
                        rare: (rare_start, middle),
                        ..feature
                    });
                    right.push(NodeFeature {
                        rare: (middle, rare_end),
                        ..feature
                    });
                }
                FeatureOrder::Unread => unreachable!("a node reads only the features it sorted"),
            }
        }
        (start + boundary, left, right)
    }
}

/// Each column of `x` in a vector of its own (oml patch): copied once, as the copy finding and
/// the presort read them (contiguous where `x` is in column-major order).
fn columns<F: Float>(x: &ArrayBase<impl Data<Elem = F>, Ix2>) -> Vec<Vec<F>> {
    x.columns()
        .into_iter()
        .map(|column| column.to_vec())
        .collect()
}

/// The columns of `columns` that are not a copy of an earlier column (oml patch). A copy,
/// without NaN, offers the same splits with the same scores as its original, which is scanned
/// first and so keeps every tie: the copy can never be chosen, and the tree does not scan it.
/// linfa-ensemble draws a tree's features with replacement, so about a third of a forest tree's
/// columns are copies. A column is compared value by value (the same bits) with the earlier
/// kept columns of its fingerprint only.
fn first_of_equal_columns<F: Float>(columns: &[Vec<F>]) -> Vec<usize> {
    use std::collections::HashMap;

    const LANES: usize = 8;
    let mix =
        |hash: u64, value: u64| (hash.rotate_left(5) ^ value).wrapping_mul(0x517c_c1b7_2722_0a95);
    // A fingerprint of a column without NaN, hashed in independent lanes
    let fingerprint = |column: &[F]| -> Option<u64> {
        let mut lanes = [0u64; LANES];
        let mut nan = false;
        let chunks = column.chunks_exact(LANES);
        let rest = chunks.remainder();
        for chunk in chunks {
            for (lane, &value) in lanes.iter_mut().zip(chunk) {
                nan |= value.is_nan();
                *lane = mix(*lane, bits(value));
            }
        }
        for (lane, &value) in lanes.iter_mut().zip(rest) {
            nan |= value.is_nan();
            *lane = mix(*lane, bits(value));
        }
        (!nan).then(|| {
            lanes
                .iter()
                .fold(column.len() as u64, |hash, &lane| mix(hash, lane))
        })
    };
    let same = |a: &[F], b: &[F]| a.iter().zip(b).all(|(&u, &v)| bits(u) == bits(v));
    let mut kept_with: HashMap<u64, Vec<usize>> = HashMap::new();
    let mut first = Vec::with_capacity(columns.len());
    for (column, values) in columns.iter().enumerate() {
        let copy = fingerprint(values).is_some_and(|key| {
            let kept = kept_with.entry(key).or_default();
            let copy = kept.iter().any(|&other| same(&columns[other], values));
            if !copy {
                kept.push(column);
            }
            copy
        });
        if !copy {
            first.push(column);
        }
    }
    first
}

/// Moves the items of `items` that satisfy `left` to its front and the others after them,
/// both in their order (`right` is scratch space); returns the number on the left.
///
/// oml patch: without a branch on `left`, whose outcome a node's rows make unpredictable: each
/// item is written to both sides' next slot, and only the side it belongs to moves on (an
/// item is read before the left side's next slot can reach it).
fn stable_partition<T: Copy>(
    items: &mut [T],
    right: &mut Vec<T>,
    left: impl Fn(&T) -> bool,
) -> usize {
    let Some(&first) = items.first() else {
        return 0;
    };
    if right.len() < items.len() {
        right.resize(items.len(), first);
    }
    let (mut kept, mut moved) = (0, 0);
    for i in 0..items.len() {
        let item = items[i];
        let goes_left = left(&item);
        items[kept] = item;
        right[moved] = item;
        kept += usize::from(goes_left);
        moved += usize::from(!goes_left);
    }
    items[kept..].copy_from_slice(&right[..moved]);
    kept
}

#[cfg_attr(
    feature = "serde",
    derive(Serialize, Deserialize),
    serde(crate = "serde_crate")
)]
#[derive(Debug, Clone)]
/// A node in the decision tree
pub struct TreeNode<F, L> {
    feature_idx: usize,
    feature_name: String,
    split_value: F,
    impurity_decrease: F,
    left_child: Option<Box<TreeNode<F, L>>>,
    right_child: Option<Box<TreeNode<F, L>>>,
    leaf_node: bool,
    prediction: L,
    depth: usize,
}

impl<F: Float, L: Label> Hash for TreeNode<F, L> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let data: Vec<u64> = vec![self.feature_idx as u64, self.leaf_node as u64];
        data.hash(state);
    }
}

impl<F, L> Eq for TreeNode<F, L> {}

impl<F, L> PartialEq for TreeNode<F, L> {
    fn eq(&self, other: &Self) -> bool {
        self.feature_idx == other.feature_idx
    }
}

impl<F: Float, L: Label + std::fmt::Debug> TreeNode<F, L> {
    fn empty_leaf(prediction: L, depth: usize) -> Self {
        TreeNode {
            feature_idx: 0,
            feature_name: "".to_string(),
            split_value: F::zero(),
            impurity_decrease: F::zero(),
            left_child: None,
            right_child: None,
            leaf_node: true,
            prediction,
            depth,
        }
    }

    /// Returns true if the node has no children
    pub fn is_leaf(&self) -> bool {
        self.leaf_node
    }

    /// Returns the depth of the node in the decision tree
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// Returns `Some(prediction)` for leaf nodes and `None` for internal nodes.
    pub fn prediction(&self) -> Option<L> {
        if self.is_leaf() {
            Some(self.prediction.clone())
        } else {
            None
        }
    }

    /// Returns both children, first left then right
    pub fn children(&self) -> Vec<&Option<Box<TreeNode<F, L>>>> {
        vec![&self.left_child, &self.right_child]
    }

    /// Return the split (feature index, value) and its impurity decrease
    pub fn split(&self) -> (usize, F, F) {
        (self.feature_idx, self.split_value, self.impurity_decrease)
    }

    /// Returns the name of the feature used in the split if the node is internal,
    /// `None` otherwise
    pub fn feature_name(&self) -> Option<&String> {
        if self.leaf_node {
            None
        } else {
            Some(&self.feature_name)
        }
    }

    /// Recursively fits the node holding rows `start..end` of `rows` (oml patch: a range of
    /// partitioned rows rather than a mask over all training rows; see [`NodeRows`]). Only
    /// `features` can vary in the node: the others took a single value in an ancestor.
    fn fit<D: Data<Elem = F>, T: AsSingleTargets<Elem = L> + Labels<Elem = L>>(
        data: &DatasetBase<ArrayBase<D, Ix2>, T>,
        rows: &mut NodeRows<'_, F, L>,
        (start, end): (usize, usize),
        features: &[NodeFeature],
        hyperparameters: &DecisionTreeValidParams<F, L>,
        depth: usize,
    ) -> Result<Self> {
        // compute weighted frequencies for target classes
        // oml patch: class frequencies in label order, so impurities are summed in the same
        // order on every run (a HashMap's order changes the f32 sums and so near-tie splits).
        // They are kept by class position: a class without rows in the node weighs 0.0, which
        // adds nothing to the impurities' sums and is skipped by the modal class.
        let (parent_class_freq, present) = rows.class_weights(start, end);
        // set our prediction for this subset to the modal class
        let prediction = rows.labels[find_modal_class(&parent_class_freq, &present)].clone();

        // return empty leaf when we don't have enough samples or the maximal depth is reached
        if ((end - start) as f32) < hyperparameters.min_weight_split()
            || hyperparameters
                .max_depth()
                .map(|max_depth| depth >= max_depth)
                .unwrap_or(false)
        {
            return Ok(Self::empty_leaf(prediction, depth));
        }

        // Find best split for current level
        let mut best = None;

        // We keep a running total of the aggregate weight in the right split
        // to avoid having to sum over the class weights
        let total_weight = parent_class_freq.iter().sum::<f32>();
        let mut right_class_freq = parent_class_freq.clone();
        let mut left_class_freq = vec![0.0f32; parent_class_freq.len()];

        // Scores the split of feature `feature_idx` between the adjacent distinct values `low`
        // and `high` with these class weights and total weights on each side, and keeps it if it
        // is better than `best`
        let mut offer =
            |feature_idx: usize,
             (low, high): (F, F),
             (left_class_freq, right_class_freq): (&[f32], &[f32]),
             (weight_on_left_side, weight_on_right_side): (f32, f32)| {
                // If the split would result in too few samples in a leaf
                // then skip computing the quality
                if weight_on_right_side < hyperparameters.min_weight_leaf()
                    || weight_on_left_side < hyperparameters.min_weight_leaf()
                {
                    return;
                }

                // Calculate the quality of each resulting subset of the dataset
                let (left_score, right_score) = match hyperparameters.split_quality() {
                    SplitQuality::Gini => gini_impurities(right_class_freq, left_class_freq),
                    SplitQuality::Entropy => (entropy(right_class_freq), entropy(left_class_freq)),
                };

                // Weight the qualities based on the number of samples in each subset
                let w = weight_on_right_side / total_weight;
                let score = w * left_score + (1.0 - w) * right_score;

                // override best indices when score improved
                let improved = match best {
                    None => true,
                    Some((_, _, best_score)) => score < best_score,
                };
                if improved {
                    best = Some((feature_idx, midpoint(low, high), score));
                }
            };

        // oml patch: where every weight is 1, class weights are counts, exact in f32 in any
        // order (below 2^24 rows), so that the weights on the left of a split are the node's
        // less those on the right, exactly as the walk below sums them row by row
        let counts = rows.unit_weights && end - start < 1 << 24;
        let n_classes = parent_class_freq.len();
        let mut suffix = vec![0.0f32; n_classes];
        let mut boundaries: Vec<usize> = Vec::new();
        let mut right_counts: Vec<f32> = Vec::new();

        // Iterate over all features (oml patch: skipping those of a single value in the node,
        // which offer no split; their ranges are not partitioned either, as no descendant
        // reads them)
        let features = rows.varying(start, end, features);
        for feature in &features {
            let feature_idx = feature.idx;
            let (values, nan_free) = match &rows.sorted_indices[feature_idx].order {
                FeatureOrder::Sorted { values, nan_free } => (&values[start..end], *nan_free),
                FeatureOrder::TwoValued {
                    low,
                    high,
                    rare_is_low,
                    rare_rows,
                } => {
                    // oml patch: the class counts of the rare value's rows, and the node's
                    // less them: the counts on the two sides of the one split, exactly as the
                    // walks below sum them (a two-valued feature is kept so only where every
                    // row weighs 1)
                    let (rare_start, rare_end) = feature.rare;
                    suffix.fill(0.0);
                    for &row in &rare_rows[rare_start..rare_end] {
                        suffix[rows.class_of[row]] += 1.0;
                    }
                    for ((other, &parent), &rare) in left_class_freq
                        .iter_mut()
                        .zip(&parent_class_freq)
                        .zip(&suffix)
                    {
                        *other = parent - rare;
                    }
                    let n_rare = (rare_end - rare_start) as f32;
                    let (left, right, n_left) = if *rare_is_low {
                        (&suffix, &left_class_freq, n_rare)
                    } else {
                        (&left_class_freq, &suffix, total_weight - n_rare)
                    };
                    offer(
                        feature_idx,
                        (*low, *high),
                        (left, right),
                        (n_left, total_weight - n_left),
                    );
                    continue;
                }
                FeatureOrder::Unread => unreachable!("a node reads only the features it sorted"),
            };

            // oml patch: a feature whose smallest value fills at least half of the node (a
            // one-hot column's zeros) is walked from its largest value down to the end of that
            // run only, collecting the class counts on the right of each split; the splits are
            // then scored in increasing order, as the walk below scores them
            let first_run = if counts && nan_free {
                values.partition_point(|&(_, value)| value <= values[0].1)
            } else {
                0
            };
            if first_run > 0 && 2 * first_run >= values.len() {
                suffix.fill(0.0);
                boundaries.clear();
                right_counts.clear();
                for i in (first_run..values.len()).rev() {
                    suffix[rows.class_of[values[i].0]] += 1.0;
                    if values[i - 1].1 < values[i].1 {
                        boundaries.push(i);
                        right_counts.extend_from_slice(&suffix);
                    }
                }
                for (boundary, right) in boundaries
                    .iter()
                    .zip(right_counts.chunks_exact(n_classes))
                    .rev()
                {
                    for ((left, &parent), &right) in left_class_freq
                        .iter_mut()
                        .zip(&parent_class_freq)
                        .zip(right)
                    {
                        *left = parent - right;
                    }
                    let n_left = *boundary as f32;
                    offer(
                        feature_idx,
                        (values[boundary - 1].1, values[*boundary].1),
                        (&left_class_freq, right),
                        (n_left, total_weight - n_left),
                    );
                }
                continue;
            }

            right_class_freq.copy_from_slice(&parent_class_freq);
            left_class_freq.fill(0.0);
            let mut weight_on_right_side = total_weight;
            let mut weight_on_left_side = 0.0;

            // We start by putting all available observations in the right subtree
            // and then move the (sorted by `feature_idx`) observations of this node one by one
            // to the left subtree and evaluate the quality of the resulting split. At each
            // iteration, the obtained split is compared with `best`, in order
            // to find the best possible split.
            // The resulting split will then have the observations with a value of their `feature_idx`
            // feature smaller than the split value in the left subtree and the others still in the right
            // subtree
            //
            // oml patch: only the rows of this node take part. A split is considered only between
            // two adjacent distinct values of the node's rows, and its threshold is their midpoint
            // (CART). 0.8.1 compared each row with the next row of the whole training set, in
            // this node or not: its threshold could be the midpoint with a value of another
            // branch, and an equal (or within 1e-5) value of another branch hid the split.
            let mut node_rows = values.iter().peekable();
            while let Some(&(presorted_index, value)) = node_rows.next() {
                // Class and weight of the current observation
                let sample_class = rows.class_of[presorted_index];
                let sample_weight = rows.weights[presorted_index];

                // Move the observation from the right subtree to the left subtree
                right_class_freq[sample_class] -= sample_weight;
                weight_on_right_side -= sample_weight;
                left_class_freq[sample_class] += sample_weight;
                weight_on_left_side += sample_weight;

                // The next value of this node: none left means no row on the right side
                let next_value = match node_rows.peek() {
                    Some(&&(_, next_value)) => next_value,
                    None => break,
                };

                // Continue unless the next value is greater (equal, or a NaN), so that equal
                // values end up in the same subtree
                if value.partial_cmp(&next_value) != Some(Ordering::Less) {
                    continue;
                }

                offer(
                    feature_idx,
                    (value, next_value),
                    (&left_class_freq, &right_class_freq),
                    (weight_on_left_side, weight_on_right_side),
                );
            }
        }

        // At this point all possible splits for all possible features have been computed
        // and the best one (if any) is stored in `best`. Now we can compute the
        // impurity decrease as `impurity of the node before splitting - impurity of the split`.
        // If the impurity decrease is above the treshold set in the parameters, then the split is
        // applied and `fit` is recursively called in the two resulting subtrees. If there is no
        // possible split, or if it doesn't bring enough impurity decrease, then the node is set as
        // a leaf node that predicts the most common label in the available observations.

        let impurity_decrease = if let Some((_, _, best_score)) = best {
            let parent_score = match hyperparameters.split_quality() {
                SplitQuality::Gini => gini_impurity(&parent_class_freq),
                SplitQuality::Entropy => entropy(&parent_class_freq),
            };
            let parent_score = F::cast(parent_score);

            // return empty leaf if impurity has not decreased enough
            parent_score - F::cast(best_score)
        } else {
            // return zero impurity decrease if we have not found any solution
            F::zero()
        };

        if impurity_decrease < hyperparameters.min_impurity_decrease() {
            return Ok(Self::empty_leaf(prediction, depth));
        }

        let (best_feature_idx, best_split_value, _) = best.unwrap();

        // determine the rows of the left and right subtrees (oml patch: by partitioning the
        // node's range, left rows first)
        for &row in &rows.by_index[start..end] {
            rows.goes_left[row] = data.records()[(row, best_feature_idx)] <= best_split_value;
        }
        let (boundary, left_features, right_features) = rows.partition(start, end, &features);

        // Recurse and refit on left and right subtrees
        let left_child = if boundary > start {
            Some(Box::new(TreeNode::fit(
                data,
                rows,
                (start, boundary),
                &left_features,
                hyperparameters,
                depth + 1,
            )?))
        } else {
            None
        };

        let right_child = if end > boundary {
            Some(Box::new(TreeNode::fit(
                data,
                rows,
                (boundary, end),
                &right_features,
                hyperparameters,
                depth + 1,
            )?))
        } else {
            None
        };

        let leaf_node = left_child.is_none() || right_child.is_none();

        Ok(TreeNode {
            feature_idx: best_feature_idx,
            feature_name: rows.sorted_indices[best_feature_idx]
                .feature_name
                .to_owned(),
            split_value: best_split_value,
            impurity_decrease,
            left_child,
            right_child,
            leaf_node,
            prediction,
            depth,
        })
    }

    /// Prune tree after fitting it
    ///
    /// This removes parts of the tree which results in the same prediction for
    /// all sub-trees. This is called right after fit to ensure that the tree
    /// is small.
    fn prune(&mut self) -> Option<L> {
        if self.is_leaf() {
            return Some(self.prediction.clone());
        }

        let left = self.left_child.as_mut().and_then(|x| x.prune());
        let right = self.right_child.as_mut().and_then(|x| x.prune());

        match (left, right) {
            (Some(x), Some(y)) => {
                if x == y {
                    self.prediction = x.clone();
                    self.right_child = None;
                    self.left_child = None;
                    self.leaf_node = true;

                    Some(x)
                } else {
                    None
                }
            }
            _ => None,
        }
    }
}

/// A fitted decision tree model for classification.
///
/// ### Structure
/// A decision tree structure is a binary tree where:
/// * Each internal node specifies a decision, represented by a choice of a feature and a "split value" such that all observations for which
///   `feature <= split_value` is true fall in the left subtree, while the others fall in the right subtree.
///
/// * leaf nodes make predictions, and their prediction is the most popular label in the node
///
/// ### Algorithm
///
/// Starting with a single root node, decision trees are trained recursively by applying the following rule to every
/// node considered:
///
/// * Find the best split value for each feature of the observations belonging in the node;
/// * Select the feature (and its best split value) that maximizes the quality of the split;
/// * If the score of the split is sufficiently larger than the score of the unsplit node, then two child nodes are generated, the left one
///   containing all observations with `feature <= split value` and the right one containing the rest.
/// * If no suitable split is found, the node is marked as leaf and its prediction is set to be the most common label in the node;
///
/// The [quality score](SplitQuality) used can be specified in the [parameters](crate::DecisionTreeParams).
///
/// ### Predictions
///
/// To predict the label of a sample, the tree is traversed from the root to a leaf, choosing between left and right children according to
/// the values of the features of the sample. The final prediction for the sample is the prediction of the reached leaf.
///
/// ### Additional constraints
///
/// In order to avoid overfitting the training data, some additional constraints on the quality/quantity of splits can be added to the tree.
/// A description of these additional rules is provided in the [parameters](crate::DecisionTreeParams) page.
///
/// ### Example
///
/// Here is an example on how to train a decision tree from its parameters:
///
/// ```rust
///
/// use linfa_trees::DecisionTree;
/// use linfa::prelude::*;
/// use linfa_datasets;
///
/// // Load the dataset
/// let dataset = linfa_datasets::iris();
/// // Fit the tree
/// let tree = DecisionTree::params().fit(&dataset).unwrap();
/// // Get accuracy on training set
/// let accuracy = tree.predict(&dataset).confusion_matrix(&dataset).unwrap().accuracy();
///
/// assert!(accuracy > 0.9);
///
/// ```
///
#[cfg_attr(
    feature = "serde",
    derive(Serialize, Deserialize),
    serde(crate = "serde_crate")
)]
#[derive(Debug, Clone, PartialEq)]
pub struct DecisionTree<F: Float, L: Label> {
    root_node: TreeNode<F, L>,
    num_features: usize,
}

impl<F: Float, L: Label + Default, D: Data<Elem = F>> PredictInplace<ArrayBase<D, Ix2>, Array1<L>>
    for DecisionTree<F, L>
{
    /// Make predictions for each row of a matrix of features `x`.
    fn predict_inplace(&self, x: &ArrayBase<D, Ix2>, y: &mut Array1<L>) {
        assert_eq!(
            x.nrows(),
            y.len(),
            "The number of data points must match the number of output targets."
        );

        for (row, target) in x.rows().into_iter().zip(y.iter_mut()) {
            *target = make_prediction(&row, &self.root_node);
        }
    }

    fn default_target(&self, x: &ArrayBase<D, Ix2>) -> Array1<L> {
        Array1::default(x.nrows())
    }
}

impl<F: Float, L: Label + std::fmt::Debug, D, T> Fit<ArrayBase<D, Ix2>, T, Error>
    for DecisionTreeValidParams<F, L>
where
    D: Data<Elem = F>,
    T: AsSingleTargets<Elem = L> + Labels<Elem = L>,
{
    type Object = DecisionTree<F, L>;

    /// Fit a decision tree using `hyperparamters` on the dataset consisting of
    /// a matrix of features `x` and an array of labels `y`.
    fn fit(&self, dataset: &DatasetBase<ArrayBase<D, Ix2>, T>) -> Result<Self::Object> {
        let x = dataset.records();
        let feature_names = if dataset.feature_names().is_empty() {
            (0..x.nfeatures())
                .map(|idx| format!("feature-{idx}"))
                .collect()
        } else {
            dataset.feature_names().to_vec()
        };
        let columns = columns(x);
        let features = first_of_equal_columns(&columns);
        let (mut rows, features) = NodeRows::new(dataset, &feature_names, columns, &features);
        let mut root_node = TreeNode::fit(dataset, &mut rows, (0, x.nrows()), &features, self, 0)?;
        root_node.prune();

        Ok(DecisionTree {
            root_node,
            num_features: dataset.records().ncols(),
        })
    }
}

impl<F: Float, L: Label> DecisionTree<F, L> {
    /// Create a node iterator in level-order (BFT)
    pub fn iter_nodes(&self) -> NodeIter<'_, F, L> {
        // queue of nodes yet to explore
        let queue = vec![&self.root_node];

        NodeIter::new(VecDeque::from(queue))
    }

    /// Return features_idx of this tree (BFT)
    pub fn features(&self) -> Vec<usize> {
        // vector of feature indexes to return
        let mut fitted_features = HashSet::new();

        for node in self.iter_nodes().filter(|node| !node.is_leaf()) {
            if !fitted_features.contains(&node.feature_idx) {
                fitted_features.insert(node.feature_idx);
            }
        }

        fitted_features.into_iter().collect::<Vec<_>>()
    }

    /// Return the mean impurity decrease for each feature
    pub fn mean_impurity_decrease(&self) -> Vec<F> {
        // total impurity decrease for each feature
        let mut impurity_decrease = vec![F::zero(); self.num_features];
        let mut num_nodes = vec![0; self.num_features];

        for node in self.iter_nodes().filter(|node| !node.leaf_node) {
            // add feature impurity decrease to list
            impurity_decrease[node.feature_idx] += node.impurity_decrease;
            num_nodes[node.feature_idx] += 1;
        }

        impurity_decrease
            .into_iter()
            .zip(num_nodes)
            .map(|(val, n)| if n == 0 { F::zero() } else { val / F::cast(n) })
            .collect()
    }

    /// Return the relative impurity decrease for each feature
    pub fn relative_impurity_decrease(&self) -> Vec<F> {
        let mean_impurity_decrease = self.mean_impurity_decrease();
        let sum = mean_impurity_decrease.iter().cloned().sum();

        mean_impurity_decrease
            .into_iter()
            .map(|x| x / sum)
            .collect()
    }

    /// Return the feature importance, i.e. the relative impurity decrease, for each feature
    pub fn feature_importance(&self) -> Vec<F> {
        self.relative_impurity_decrease()
    }

    /// Return root node of the tree
    pub fn root_node(&self) -> &TreeNode<F, L> {
        &self.root_node
    }

    /// Return max depth of the tree
    pub fn max_depth(&self) -> usize {
        self.iter_nodes()
            .fold(0, |max, node| usize::max(max, node.depth))
    }

    /// Return the number of leaves in this tree
    pub fn num_leaves(&self) -> usize {
        self.iter_nodes().filter(|node| node.is_leaf()).count()
    }

    /// Generates a [`Tikz`] structure to print the
    /// fitted tree in Tex using tikz and forest, with the following default parameters:
    ///
    /// * `legend=false`
    /// * `complete=true`
    ///
    pub fn export_to_tikz(&self) -> Tikz<'_, F, L> {
        Tikz::new(self)
    }
}

/// Classify a sample &x recursively using the tree node `node`.
fn make_prediction<F: Float, L: Label>(
    x: &ArrayBase<impl Data<Elem = F>, Ix1>,
    node: &TreeNode<F, L>,
) -> L {
    if node.leaf_node {
        node.prediction.clone()
    } else if x[node.feature_idx] <= node.split_value {
        // oml patch: `<=`, the rule `fit` splits the rows by and the documented one (was `<`)
        make_prediction(x, node.left_child.as_ref().unwrap())
    } else {
        make_prediction(x, node.right_child.as_ref().unwrap())
    }
}

/// The threshold between two adjacent distinct values `low < high` of a node: their midpoint,
/// as CART takes it (oml patch). Halves are added so that large values do not overflow; if the
/// midpoint rounds up to `high` (adjacent floats), `low` is taken, so that `x <= threshold`
/// still sends `low` left and `high` right.
fn midpoint<F: Float>(low: F, high: F) -> F {
    let two = F::cast(2.0);
    let threshold = low / two + high / two;
    if threshold >= high || !threshold.is_finite() {
        low
    } else {
        threshold
    }
}

/// Finds the most frequent class among the classes `present` in a node, given their
/// frequencies by class position. If two classes have the same weight then the smallest class
/// is returned (oml patch).
fn find_modal_class(class_freq: &[f32], present: &[bool]) -> usize {
    let mut best: Option<(usize, f32)> = None;
    for (class, (&freq, _)) in class_freq
        .iter()
        .zip(present)
        .enumerate()
        .filter(|(_, (_, &present))| present)
    {
        match best {
            Some((_, best_freq)) if best_freq >= freq => {}
            _ => best = Some((class, freq)),
        }
    }
    best.expect("a node has at least one row").0
}

/// Given the class frequencies calculates the gini impurity of the subset.
fn gini_impurity(class_freq: &[f32]) -> f32 {
    let n_samples = class_freq.iter().sum::<f32>();
    assert!(n_samples > 0.0);

    let purity = class_freq
        .iter()
        .map(|x| x / n_samples)
        .map(|x| x * x)
        .sum::<f32>();

    1.0 - purity
}

/// The Gini impurities of two subsets (oml patch): each as [`gini_impurity`] computes it, the
/// same operations in the same order, with the two interleaved so that their chains of
/// dependent additions overlap.
fn gini_impurities(a: &[f32], b: &[f32]) -> (f32, f32) {
    debug_assert_eq!(a.len(), b.len());
    let (mut total_a, mut total_b) = (0.0f32, 0.0f32);
    for (&x, &y) in a.iter().zip(b) {
        total_a += x;
        total_b += y;
    }
    assert!(total_a > 0.0 && total_b > 0.0);
    let (mut purity_a, mut purity_b) = (0.0f32, 0.0f32);
    for (&x, &y) in a.iter().zip(b) {
        let (share_a, share_b) = (x / total_a, y / total_b);
        purity_a += share_a * share_a;
        purity_b += share_b * share_b;
    }
    (1.0 - purity_a, 1.0 - purity_b)
}

/// Given the class frequencies calculates the entropy of the subset.
///
/// oml patch: `log2` from the `libm` crate in `f64`, rounded once: the same bits on every CPU
/// (the C library's, which `f32::log2` calls, is picked by the CPU).
fn entropy(class_freq: &[f32]) -> f32 {
    let n_samples = class_freq.iter().sum::<f32>();
    assert!(n_samples > 0.0);

    class_freq
        .iter()
        .map(|x| x / n_samples)
        .map(|x| if x > 0.0 { -x * libm::log2(f64::from(x)) as f32 } else { 0.0 })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    use approx::assert_abs_diff_eq;
    use linfa::{error::Result, metrics::ToConfusionMatrix, Dataset, ParamGuard};
    use ndarray::{array, concatenate, s, Array, Array1, Array2, Axis};
    use rand::rngs::SmallRng;

    use crate::DecisionTreeParams;
    use ndarray_rand::{rand::SeedableRng, rand_distr::Uniform, RandomExt};

    #[test]
    fn autotraits() {
        fn has_autotraits<T: Send + Sync + Sized + Unpin>() {}
        has_autotraits::<DecisionTree<f64, bool>>();
        has_autotraits::<TreeNode<f64, bool>>();
        has_autotraits::<DecisionTreeValidParams<f64, bool>>();
        has_autotraits::<DecisionTreeParams<f64, bool>>();
        has_autotraits::<NodeIter<f64, bool>>();
        has_autotraits::<Tikz<f64, bool>>();
    }

    #[test]
    fn prediction_for_rows_example() {
        // The largest weight, ties to the first class; a class without a row in the node does
        // not count, even against a class of weight 0.0 (oml patch: weights by class position)
        assert_eq!(find_modal_class(&[6.0, 2.0], &[true, true]), 0);
        assert_eq!(find_modal_class(&[2.0, 6.0, 6.0], &[true, true, true]), 1);
        assert_eq!(find_modal_class(&[0.0, 0.0], &[false, true]), 1);
    }

    #[test]
    /// oml patch: the node's rows stay in their order on each side of a partition.
    fn stable_partition_keeps_each_sides_order() {
        let mut items = [5, 2, 8, 1, 9, 4, 7];
        let mut right = Vec::new();
        let left = stable_partition(&mut items, &mut right, |&item| item % 2 == 0);
        assert_eq!(left, 3);
        assert_eq!(items, [2, 8, 4, 5, 1, 9, 7]);
    }

    #[test]
    /// oml patch: the presort without a comparison closure gives the stable sort's order.
    fn sorting_without_nan_is_the_stable_sort() {
        let stable = |pairs: &[(usize, f64)]| {
            let mut sorted = pairs.to_vec();
            sorted.sort_by(|a, b| a.1.partial_cmp(&b.1).unwrap_or(Ordering::Greater));
            sorted
        };
        let mut state = 7u64;
        let mut next = |n: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % n
        };
        let choices = [-2.5, -1.0, -0.0, 0.0, 0.5, 1.0, 3.0, 1e300, -1e-300];
        for case in 0..400 {
            let len = next(60) as usize;
            // Constant, two-valued (a one-hot column, signed zeros included) and wider columns.
            let width = [1, 2, 2, 3, 9][case % 5];
            let offset = next(choices.len() as u64) as usize;
            let pairs: Vec<(usize, f64)> = (0..len)
                .map(|row| {
                    let pick = (offset + next(width as u64) as usize) % choices.len();
                    (row, choices[pick])
                })
                .collect();
            let mut fast = pairs.clone();
            assert!(sort_without_nan(&mut fast));
            let expected = stable(&pairs);
            let rows = |v: &[(usize, f64)]| v.iter().map(|p| p.0).collect::<Vec<_>>();
            assert_eq!(rows(&fast), rows(&expected), "case {case}: {pairs:?}");
        }
        let mut with_nan = vec![(0, 1.0), (1, f64::NAN), (2, 0.0)];
        assert!(!sort_without_nan(&mut with_nan));
        assert_eq!(with_nan[2].0, 2, "left as it was");
    }

    #[test]
    /// oml patch: the columns kept as their rarer value's rows.
    fn two_valued_columns() {
        let nan = f64::NAN;
        assert_eq!(two_values(&[0., 1., 0.]), Some((0., 1.)));
        assert_eq!(two_values(&[3., -1., 3.]), Some((-1., 3.)));
        let (low, _) = two_values(&[-0.0f64, 1., -0.]).unwrap();
        assert!(low == 0.0 && low.is_sign_negative());
        // A zero of both signs, a NaN, one value, three values
        assert_eq!(two_values(&[1., 0., -0.]), None);
        assert_eq!(two_values(&[0., -0.]), None);
        assert_eq!(two_values(&[0., nan, 1.]), None);
        assert_eq!(two_values(&[nan, 0., 1.]), None);
        assert_eq!(two_values(&[0., 1., nan]), None);
        assert_eq!(two_values(&[2., 2.]), None);
        assert_eq!(two_values(&[0., 1., 2.]), None);
        assert_eq!(two_values::<f64>(&[]), None);
    }

    #[test]
    fn gini_impurity_example() {
        let class_freq = [6.0, 2.0, 0.0];

        // Class 0 occurs 75% of the time
        // Class 1 occurs 25% of the time
        // Class 2 occurs 0% of the time
        // Gini impurity is 1 - 0.75*0.75 - 0.25*0.25 - 0*0 = 0.375
        assert_abs_diff_eq!(gini_impurity(&class_freq), 0.375, epsilon = 1e-5);
    }

    #[test]
    fn entropy_example() {
        let class_freq = [6.0, 2.0, 0.0];

        // Class 0 occurs 75% of the time
        // Class 1 occurs 25% of the time
        // Class 2 occurs 0% of the time
        // Entropy is -0.75*log2(0.75) - 0.25*log2(0.25) - 0*log2(0) = 0.81127812
        assert_abs_diff_eq!(entropy(&class_freq), 0.81127, epsilon = 1e-5);

        // If split is perfect then entropy is zero
        let perfect_class_freq = [8.0, 0.0, 0.0];

        assert_abs_diff_eq!(entropy(&perfect_class_freq), 0.0, epsilon = 1e-5);
    }

    #[test]
    /// Single feature test
    ///
    /// Generate a dataset where a single feature perfectly correlates
    /// with the target while the remaining features are random gaussian
    /// noise and do not add any information.
    fn single_feature_random_noise_binary() -> Result<()> {
        // generate data with 9 white noise and a single correlated feature
        let mut data = Array::random((50, 10), Uniform::new(-4., 4.));
        data.slice_mut(s![.., 8]).assign(
            &(0..50)
                .map(|x| if x < 25 { 0.0 } else { 1.0 })
                .collect::<Array1<_>>(),
        );

        let targets = (0..50).map(|x| x < 25).collect::<Array1<_>>();
        let dataset = Dataset::new(data, targets);

        let model = DecisionTree::params().max_depth(Some(2)).fit(&dataset)?;

        // we should only use feature index 8 here
        assert_eq!(&model.features(), &[8]);

        let ground_truth = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0];

        for (imp, truth) in model.feature_importance().iter().zip(&ground_truth) {
            assert_abs_diff_eq!(imp, truth, epsilon = 1e-15);
        }

        // check for perfect accuracy
        let cm = model
            .predict(dataset.records())
            .confusion_matrix(&dataset)?;
        assert_abs_diff_eq!(cm.accuracy(), 1.0, epsilon = 1e-15);

        Ok(())
    }

    #[test]
    /// Check that for random data the max depth is used
    fn check_max_depth() -> Result<()> {
        let mut rng = SmallRng::seed_from_u64(42);

        // create very sparse data
        let data = Array::random_using((50, 50), Uniform::new(-1., 1.), &mut rng);
        let targets = (0..50).collect::<Array1<usize>>();

        let dataset = Dataset::new(data, targets);

        // check that the provided depth is actually used
        for max_depth in &[1, 5, 10, 20] {
            let model = DecisionTree::params()
                .max_depth(Some(*max_depth))
                .min_impurity_decrease(1e-10f64)
                .min_weight_split(1e-10)
                .fit(&dataset)?;
            assert_eq!(model.max_depth(), *max_depth);
        }

        Ok(())
    }

    #[test]
    /// Small perfectly separable dataset test
    ///
    /// This dataset of three elements is perfectly using the second feature.
    fn perfectly_separable_small() -> Result<()> {
        let data = array![[1., 2., 3.], [1., 2., 4.], [1., 3., 3.5]];
        let targets = array![0, 0, 1];

        let dataset = Dataset::new(data.clone(), targets);
        let model = DecisionTree::params().max_depth(Some(1)).fit(&dataset)?;

        assert_eq!(model.predict(&data), array![0, 0, 1]);

        Ok(())
    }

    #[test]
    /// oml patch: each node is fitted on its own rows, taken from its range of the partitioned
    /// orders. On 600 distinct rows of many tied values and three classes, every node of the
    /// fully grown tree is checked against the training rows that reach it: its prediction is
    /// their modal class, and its threshold is the midpoint of the two adjacent values of those
    /// rows that it separates. A node that saw rows of another node would fail either.
    fn every_node_is_fitted_on_the_rows_that_reach_it() -> Result<()> {
        fn check(
            node: &TreeNode<f64, usize>,
            data: &Array2<f64>,
            targets: &Array1<usize>,
            rows: Vec<usize>,
        ) {
            let mut freq = [0.0f32; 3];
            rows.iter().for_each(|&row| freq[targets[row]] += 1.0);
            let present = freq.map(|weight| weight > 0.0);
            assert_eq!(node.prediction, find_modal_class(&freq, &present));
            if node.leaf_node {
                return;
            }
            let feature = node.feature_idx;
            let (left, right): (Vec<usize>, Vec<usize>) = rows
                .iter()
                .partition(|&&row| data[(row, feature)] <= node.split_value);
            let low = left
                .iter()
                .map(|&row| data[(row, feature)])
                .fold(f64::MIN, f64::max);
            let high = right
                .iter()
                .map(|&row| data[(row, feature)])
                .fold(f64::MAX, f64::min);
            assert!(!left.is_empty() && !right.is_empty());
            assert_eq!(node.split_value, midpoint(low, high));
            check(node.left_child.as_ref().unwrap(), data, targets, left);
            check(node.right_child.as_ref().unwrap(), data, targets, right);
        }

        let mut state = 7u64;
        let mut next = move |modulo: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % modulo
        };
        let mut rows = Vec::new();
        let mut seen = HashSet::new();
        while rows.len() < 600 {
            let row = [next(7), next(5), next(9), next(3)];
            if seen.insert(row) {
                rows.push(row);
            }
        }
        let data = Array2::from_shape_fn((rows.len(), 4), |(i, j)| rows[i][j] as f64 / 10.0);
        let targets: Array1<usize> = (0..rows.len()).map(|_| next(3) as usize).collect();
        let dataset = Dataset::new(data.clone(), targets.clone());
        for quality in [SplitQuality::Gini, SplitQuality::Entropy] {
            let names = ["a", "b", "c", "d"].map(String::from);
            let (mut node_rows, features) =
                NodeRows::new(&dataset, &names, columns(&data), &[0, 1, 2, 3]);
            let mut root = TreeNode::fit(
                &dataset,
                &mut node_rows,
                (0, rows.len()),
                &features,
                &DecisionTree::params().split_quality(quality).check()?,
                0,
            )?;
            check(&root, &data, &targets, (0..rows.len()).collect());
            root.prune();
            let model = DecisionTree {
                root_node: root,
                num_features: 4,
            };
            assert!(model.num_leaves() > 100);
            let fitted = model
                .predict(&data)
                .iter()
                .zip(&targets)
                .filter(|(a, b)| a == b)
                .count();
            assert!(fitted > 500, "{} of 600 training rows fitted", fitted);
        }
        Ok(())
    }

    #[test]
    /// oml patch: copies of a column are not scanned, and the tree is the one fitted without
    /// them (its copies' splits never win the ties with the original's).
    fn copied_columns_are_skipped_and_change_nothing() -> Result<()> {
        let nan = f64::NAN;
        let x = array![
            [1., 2., 1., nan, nan],
            [0., 3., 0., 1., 1.],
            [-0., 5., 0., 2., 2.]
        ];
        // Column 2 is column 0 but for the sign of a zero; columns 3 and 4 have a NaN.
        assert_eq!(first_of_equal_columns(&columns(&x)), [0, 1, 2, 3, 4]);
        let x = array![[1., 2., 1.], [0., 3., 0.], [0., 5., 0.]];
        assert_eq!(first_of_equal_columns(&columns(&x)), [0, 1]);

        let mut state = 11u64;
        let mut next = move |modulo: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % modulo
        };
        let original = Array2::from_shape_fn((300, 3), |_| next(6) as f64);
        let targets: Array1<usize> = (0..300).map(|_| next(3) as usize).collect();
        // Columns 0, 1, 2, then copies of 1, 0 and 2 (as a forest tree draws them)
        let copied = concatenate![Axis(1), original, original.select(Axis(1), &[1, 0, 2])];
        let tree = DecisionTree::params().fit(&Dataset::new(original.clone(), targets.clone()))?;
        let with_copies = DecisionTree::params().fit(&Dataset::new(copied.clone(), targets))?;
        let splits = |tree: &DecisionTree<f64, usize>| -> Vec<(usize, f64)> {
            tree.iter_nodes()
                .filter(|node| !node.is_leaf())
                .map(|node| (node.feature_idx, node.split_value))
                .collect()
        };
        assert!(splits(&tree).len() > 20);
        assert_eq!(splits(&tree), splits(&with_copies));
        assert_eq!(tree.predict(&original), with_copies.predict(&copied));

        // A column of twice the values is not a copy, but its splits tie with the original's
        // at every node: ties go to the first of the two, whichever it is
        let doubled_first = concatenate![Axis(1), original.mapv(|v| 2.0 * v), original];
        let tree = DecisionTree::params().fit(&Dataset::new(
            doubled_first,
            original.column(0).mapv(|v| (v as usize) % 3),
        ))?;
        assert!(splits(&tree).len() > 3);
        assert!(splits(&tree).iter().all(|&(feature, _)| feature == 0));
        Ok(())
    }

    #[test]
    /// oml patch: with unit weights, a feature whose smallest value fills half of the node is
    /// walked from the other end, and its splits' class weights taken as the node's less the
    /// right side's. Weights of 2 give the same proportions, exactly, through the walk from the
    /// smallest value: both fits must find the same splits.
    fn walks_from_either_end_find_the_same_splits() -> Result<()> {
        let mut state = 5u64;
        let mut next = move |modulo: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % modulo
        };
        // Two numeric columns, then indicator columns of a 12-level nominal one, mostly zeros
        // (the first six levels) or mostly ones (the complements of the last six), then a
        // column of two values other than 0 and 1, mostly the higher. Where every row weighs 1,
        // the last thirteen are kept as their rarer value's rows (`FeatureOrder::TwoValued`)
        let n = 800;
        let levels: Vec<u64> = (0..n).map(|_| next(12)).collect();
        let high: Vec<bool> = (0..n).map(|_| next(10) < 7).collect();
        let data = Array2::from_shape_fn((n, 15), |(i, j)| match j {
            0 => next(50) as f64,
            1 => next(4) as f64 * 0.5,
            2..=7 => f64::from(levels[i] == (j - 2) as u64),
            8..=13 => f64::from(levels[i] != (j - 2) as u64),
            _ => [-1.5, 2.5][usize::from(high[i])],
        });
        let targets: Array1<usize> = (0..n)
            .map(|i| ((levels[i] % 3) as usize + next(2) as usize + usize::from(high[i])) % 3)
            .collect();
        let unit = Dataset::new(data.clone(), targets.clone());
        let doubled = Dataset::new(data.clone(), targets).with_weights(Array1::from_elem(n, 2.0));
        let splits = |tree: &DecisionTree<f64, usize>| -> Vec<(usize, f64, f64)> {
            tree.iter_nodes()
                .filter(|node| !node.is_leaf())
                .map(|node| node.split())
                .collect()
        };
        for quality in [SplitQuality::Gini, SplitQuality::Entropy] {
            let params = DecisionTree::params().split_quality(quality);
            let (a, b) = (params.fit(&unit)?, params.fit(&doubled)?);
            let on = |features: std::ops::Range<usize>| {
                splits(&a)
                    .iter()
                    .filter(|(feature, _, _)| features.contains(feature))
                    .count()
            };

            assert!(on(2..8) > 5 && on(8..14) > 5 && on(14..15) > 0);
            assert_eq!(splits(&a), splits(&b));
            assert_eq!(a.predict(&data), b.predict(&data));
        }

        // Many small tables of few distinct values, most of them zeros
        for _ in 0..3000 {
            let n = 6 + next(9) as usize;
            let data =
                Array2::from_shape_fn((n, 2), |_| [0, 0, 0, 1, 2, 3][next(6) as usize] as f64);
            let targets: Array1<usize> = (0..n).map(|_| next(2) as usize).collect();
            let unit = Dataset::new(data.clone(), targets.clone());
            let doubled =
                Dataset::new(data.clone(), targets).with_weights(Array1::from_elem(n, 2.0));
            let params = DecisionTree::params();
            assert_eq!(splits(&params.fit(&unit)?), splits(&params.fit(&doubled)?));
        }
        Ok(())
    }

    #[test]
    /// Small toy dataset from scikit-sklearn
    fn toy_dataset() -> Result<()> {
        let data = array![
            [0.0, 0.0, 4.0, 0.0, 0.0, 0.0, 1.0, -14.0, 0.0, -4.0, 0.0, 0.0, 0.0, 0.0,],
            [0.0, 0.0, 5.0, 3.0, 0.0, -4.0, 0.0, 0.0, 1.0, -5.0, 0.2, 0.0, 4.0, 1.0,],
            [-1.0, -1.0, 0.0, 0.0, -4.5, 0.0, 0.0, 2.1, 1.0, 0.0, 0.0, -4.5, 0.0, 1.0,],
            [-1.0, -1.0, 0.0, -1.2, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.2, 0.0, 0.0, 1.0,],
            [-1.0, -1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 3.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0,],
            [-1.0, -2.0, 0.0, 4.0, -3.0, 10.0, 4.0, 0.0, -3.2, 0.0, 4.0, 3.0, -4.0, 1.0,],
            [2.11, 0.0, -6.0, -0.5, 0.0, 11.0, 0.0, 0.0, -3.2, 6.0, 0.5, 0.0, -3.0, 1.0,],
            [2.11, 0.0, -6.0, -0.5, 0.0, 11.0, 0.0, 0.0, -3.2, 6.0, 0.0, 0.0, -2.0, 1.0,],
            [2.11, 8.0, -6.0, -0.5, 0.0, 11.0, 0.0, 0.0, -3.2, 6.0, 0.0, 0.0, -2.0, 1.0,],
            [2.11, 8.0, -6.0, -0.5, 0.0, 11.0, 0.0, 0.0, -3.2, 6.0, 0.5, 0.0, -1.0, 0.0,],
            [2.0, 8.0, 5.0, 1.0, 0.5, -4.0, 10.0, 0.0, 1.0, -5.0, 3.0, 0.0, 2.0, 0.0,],
            [2.0, 0.0, 1.0, 1.0, 1.0, -1.0, 1.0, 0.0, 0.0, -2.0, 3.0, 0.0, 1.0, 0.0,],
            [2.0, 0.0, 1.0, 2.0, 3.0, -1.0, 10.0, 2.0, 0.0, -1.0, 1.0, 2.0, 2.0, 0.0,],
            [1.0, 1.0, 0.0, 2.0, 2.0, -1.0, 1.0, 2.0, 0.0, -5.0, 1.0, 2.0, 3.0, 0.0,],
            [3.0, 1.0, 0.0, 3.0, 0.0, -4.0, 10.0, 0.0, 1.0, -5.0, 3.0, 0.0, 3.0, 1.0,],
            [2.11, 8.0, -6.0, -0.5, 0.0, 1.0, 0.0, 0.0, -3.2, 6.0, 0.5, 0.0, -3.0, 1.0,],
            [2.11, 8.0, -6.0, -0.5, 0.0, 1.0, 0.0, 0.0, -3.2, 6.0, 1.5, 1.0, -1.0, -1.0,],
            [2.11, 8.0, -6.0, -0.5, 0.0, 10.0, 0.0, 0.0, -3.2, 6.0, 0.5, 0.0, -1.0, -1.0,],
            [2.0, 0.0, 5.0, 1.0, 0.5, -2.0, 10.0, 0.0, 1.0, -5.0, 3.0, 1.0, 0.0, -1.0,],
            [2.0, 0.0, 1.0, 1.0, 1.0, -2.0, 1.0, 0.0, 0.0, -2.0, 0.0, 0.0, 0.0, 1.0,],
            [2.0, 1.0, 1.0, 1.0, 2.0, -1.0, 10.0, 2.0, 0.0, -1.0, 0.0, 2.0, 1.0, 1.0,],
            [1.0, 1.0, 0.0, 0.0, 1.0, -3.0, 1.0, 2.0, 0.0, -5.0, 1.0, 2.0, 1.0, 1.0,],
            [3.0, 1.0, 0.0, 1.0, 0.0, -4.0, 1.0, 0.0, 1.0, -2.0, 0.0, 0.0, 1.0, 0.0,]
        ];

        let targets = array![1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0];

        let dataset = Dataset::new(data, targets);
        let model = DecisionTree::params().fit(&dataset)?;
        let prediction = model.predict(&dataset);

        let cm = prediction.confusion_matrix(&dataset)?;
        assert!(cm.accuracy() > 0.95);

        Ok(())
    }

    #[test]
    /// Multilabel classification
    fn multilabel_four_uniform() -> Result<()> {
        let mut data = concatenate(
            Axis(0),
            &[Array2::random((40, 2), Uniform::new(-1., 1.)).view()],
        )
        .unwrap();

        data.outer_iter_mut().enumerate().for_each(|(i, mut p)| {
            if i < 10 {
                p += &array![-2., -2.]
            } else if i < 20 {
                p += &array![-2., 2.];
            } else if i < 30 {
                p += &array![2., -2.];
            } else {
                p += &array![2., 2.];
            }
        });

        let targets = (0..40)
            .map(|x| match x {
                x if x < 10 => 0,
                x if x < 20 => 1,
                x if x < 30 => 2,
                _ => 3,
            })
            .collect::<Array1<_>>();

        let dataset = Dataset::new(data.clone(), targets);

        let model = DecisionTree::params().fit(&dataset)?;
        let prediction = model.predict(data);

        let cm = prediction.confusion_matrix(&dataset)?;
        assert!(cm.accuracy() > 0.99);

        Ok(())
    }

    #[test]
    #[should_panic]
    /// Check that a small or negative impurity decrease panics
    fn panic_min_impurity_decrease() {
        DecisionTree::<f64, bool>::params()
            .min_impurity_decrease(0.0)
            .check()
            .unwrap();
    }

    /// The left child of the root (oml patch): the tree's first node that sees only part of the
    /// training rows.
    fn left_child<F: Float, L: Label + std::fmt::Debug>(
        model: &DecisionTree<F, L>,
    ) -> &TreeNode<F, L> {
        model.root_node().children()[0]
            .as_deref()
            .expect("the root has a left child")
    }

    #[test]
    /// oml patch: a node's threshold is the midpoint between adjacent distinct values of the rows
    /// in the node (CART), not between a row of the node and the next row of the training set.
    ///
    /// Feature 0 sends rows 0-3 left and rows 4-7 right. In the left node, feature 1 separates
    /// {1, 2} (class 0) from {9, 10} (class 1): the threshold is 5.5. Linfa-trees 0.8.1 took
    /// (2 + 3) / 2 = 2.5, 3 being a value of the right node, and so put x1 = 4 in class 1.
    fn thresholds_are_midpoints_of_the_rows_in_the_node() -> Result<()> {
        let data = array![
            [0., 1.],
            [0., 2.],
            [0., 9.],
            [0., 10.],
            [1., 3.],
            [1., 3.],
            [1., 4.],
            [1., 4.]
        ];
        let targets = array![0, 0, 1, 1, 2, 2, 2, 2];
        let dataset = Dataset::new(data, targets);

        let model = DecisionTree::params().fit(&dataset)?;
        let (root_feature, root_threshold, _) = model.root_node().split();
        assert_eq!((root_feature, root_threshold), (0, 0.5));
        let (feature, threshold, _) = left_child(&model).split();
        assert_eq!((feature, threshold), (1, 5.5));
        // a value on the threshold goes left, as `fit` splits the rows (`x <= threshold`)
        assert_eq!(
            model.predict(&array![[0., 4.], [0., 5.5], [0., 7.]]),
            array![0, 0, 1]
        );

        // 0.8.1 also scored a split with no row on the right (the node's last row followed by a
        // row of another node) and panicked on its empty class frequencies when
        // `min_weight_leaf` let it through
        let model = DecisionTree::params().min_weight_leaf(0.0).fit(&dataset)?;
        assert_eq!(left_child(&model).split().1, 5.5);

        Ok(())
    }

    #[test]
    /// oml patch: a value of another node equal to the last value before a gap in this node
    /// does not hide the split in the gap.
    ///
    /// As above, but the right node has a 2 too. Linfa-trees 0.8.1 compared the left node's 2
    /// with that 2 of the right node, skipped the split at 5.5, and ended with a leaf holding
    /// x1 = 2 and x1 = 9 that misclassified a training row.
    fn equal_values_of_other_nodes_do_not_hide_a_split() -> Result<()> {
        let data = array![
            [0., 1.],
            [0., 2.],
            [0., 9.],
            [0., 10.],
            [1., 2.],
            [1., 3.],
            [1., 4.],
            [1., 4.]
        ];
        let targets = array![0, 0, 1, 1, 2, 2, 2, 2];
        let dataset = Dataset::new(data.clone(), targets.clone());

        let model = DecisionTree::params().fit(&dataset)?;
        let (feature, threshold, _) = left_child(&model).split();
        assert_eq!((feature, threshold), (1, 5.5));
        assert_eq!(model.predict(&data), targets);

        Ok(())
    }

    #[test]
    /// oml patch: distinct values are split however close they are (CART); linfa-trees 0.8.1
    /// treated values less than 1e-5 apart as equal and made the root a leaf here.
    fn root_threshold_between_distinct_values_closer_than_1e_5() -> Result<()> {
        // 0, 2^-20, 2^-19, 3 * 2^-20: the midpoint of the middle pair is 1.5 * 2^-20, exactly
        let unit = 2f64.powi(-20);
        let data = array![[0.], [unit], [2. * unit], [3. * unit]];
        let targets = array![0, 0, 1, 1];
        let dataset = Dataset::new(data, targets);

        let model = DecisionTree::params().fit(&dataset)?;
        assert!(!model.root_node().is_leaf());
        let (feature, threshold, _) = model.root_node().split();
        assert_eq!((feature, threshold), (0, 1.5 * unit));

        Ok(())
    }

    #[test]
    /// oml patch: the threshold of two adjacent floats, whose midpoint rounds to the larger one,
    /// is the smaller one, so that `x <= threshold` still separates them.
    fn midpoint_of_adjacent_floats() {
        let low = 1.0f32;
        let high = f32::from_bits(low.to_bits() + 1);
        assert_eq!(midpoint(low, high), low);
        let dataset = Dataset::new(array![[low], [high]], array![0, 1]);
        let model = DecisionTree::params().fit(&dataset).unwrap();
        assert_eq!(model.root_node().split().1, low);
        assert_eq!(model.predict(dataset.records()), array![0, 1]);
        assert_eq!(midpoint(2.0f64, 9.0), 5.5);
        // no overflow to infinity for large values
        let large = midpoint(0.5 * f64::MAX, f64::MAX);
        assert!(0.5 * f64::MAX < large && large < f64::MAX);
        assert_eq!(midpoint(-f64::MAX, f64::MAX), 0.0);
    }
}
