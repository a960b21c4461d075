//! Growing a tree: exact best splits over presorted features, depth first.
//!
//! The working set keeps, for every feature, the rows of the active sample in ascending order
//! of that feature (NaN last), with their values, in one block of `n` positions per feature.
//! A node owns the same position range `start..end` in every block. Finding the best split of a
//! node scans each candidate feature's range once, moving rows from the right statistics to the
//! left; splitting a node partitions every block's range stably (left rows first), so both
//! children keep their rows sorted and each level of the tree costs O(rows x features).
//!
//! Where the split statistics are exact whatever order rows are added in (class counts with
//! whole-number weights), a feature of at most [`FEW_LEVELS`] values (a one-hot column, see
//! [`FewValues`]) is not kept sorted when a node scans only some features (a forest's trees),
//! nor, when it scans them all (a lone tree), if it belongs to a one-hot group: a node sums its
//! rows per value when the feature is drawn, and splits never partition its block. The
//! candidates, their order and their statistics are those of the sorted scan, so the tree is
//! the same (a test compares the two). The indicator columns of a one-hot group
//! ([`IndicatorGroup`](crate::sorted::IndicatorGroup)) are summed per group at a node, every
//! group in one pass when the first member of any is drawn there, or handed down by the
//! parent: each member's sums follow from its group's (`buckets`).
//!
//! There too, a forest's node of fewer rows than [`demand::sort_below`] (on tables where a
//! node draws few of the sorted features, such as those of many one-hot columns) sorts its
//! rows of a drawn sorted feature from the feature's ranks by row, and its split partitions
//! only the first block (`demand`). Applying a split is in `apply`. Where sums are exact (class
//! counts with whole-number weights), a split hands each side's statistics down as the child's,
//! which then makes no pass of its own for them.

use linfa::DatasetBase;
use linfa::dataset::Records;

use crate::criterion::Stats;
use crate::error::{Error, Result};
use crate::params::{DecisionTreeValidParams, TreeKind};
use crate::sorted::{FEW_LEVELS, FewValues, SortedFeatures};
use crate::tree::{Node, Tree};

/// Below this, an impurity counts as 0 (scikit-learn's `EPSILON`).
const EPSILON: f64 = f64::EPSILON;

/// The block of a feature that has none: a gathered one.
const NO_BLOCK: usize = usize::MAX;

/// The stopping rules and randomness of one fit of a family of trees ([`grow`]), resolved
/// against the data.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    /// The depth limit and leaf size of each tree of the family.
    pub shapes: Vec<Shape>,
    pub min_samples_split: usize,
    pub min_impurity_decrease: f64,
    pub max_features: usize,
    pub seed: u64,
}

/// The depth limit and leaf size of a tree grown in a family ([`grow`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shape {
    pub max_depth: usize,
    pub min_samples_leaf: usize,
}

impl Shape {
    /// The shape of `max_depth` (`None`: no limit) and `min_samples_leaf`.
    pub(crate) fn new(max_depth: Option<usize>, min_samples_leaf: usize) -> Self {
        Shape {
            max_depth: max_depth.unwrap_or(usize::MAX),
            min_samples_leaf,
        }
    }
}

/// Per-row sample weights: all 1, or given.
pub(crate) trait Weights: Copy {
    fn get(self, row: usize) -> f64;
}

/// Every row weighs 1.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Unit;

impl Weights for Unit {
    #[inline(always)]
    fn get(self, _: usize) -> f64 {
        1.0
    }
}

impl Weights for &[f64] {
    #[inline(always)]
    fn get(self, row: usize) -> f64 {
        self[row]
    }
}

/// The first of a family's parameter sets, once each of the others is found to differ from it
/// at most in the trees' shape ([`Error::Family`] otherwise, or for none).
pub(crate) fn family_head<T: std::fmt::Debug>(
    members: &[T],
    same_but_shape: impl Fn(&T, &T) -> bool,
) -> Result<&T> {
    let Some(first) = members.first() else {
        return Err(Error::Family("no parameter set".to_owned()));
    };
    if let Some(i) = members.iter().position(|p| !same_but_shape(p, first)) {
        return Err(Error::Family(format!(
            "parameter set {i} differs from the first: {:?} against {:?}",
            members[i], first
        )));
    }
    Ok(first)
}

/// Resolves a family's parameter sets against the number of features: the sets must differ
/// at most in their depth limit and leaf size ([`Error::Family`] otherwise, or for none).
pub(crate) fn settings<K: TreeKind>(
    members: &[DecisionTreeValidParams<K>],
    n_features: usize,
) -> Result<Settings> {
    let first = family_head(members, DecisionTreeValidParams::same_but_shape)?;
    Ok(Settings {
        shapes: members
            .iter()
            .map(|p| Shape::new(p.max_depth(), p.min_samples_leaf()))
            .collect(),
        min_samples_split: first.min_samples_split(),
        min_impurity_decrease: first.min_impurity_decrease(),
        max_features: first.max_features().resolve(n_features),
        seed: first.seed(),
    })
}

/// Checks that `what` has one entry per row: `found` entries for `rows` rows.
pub(crate) fn check_len(what: &'static str, rows: usize, found: usize) -> Result<()> {
    if found != rows {
        return Err(Error::LengthMismatch { what, rows, found });
    }
    Ok(())
}

/// Checks one finite non-negative weight per row, not all 0.
pub(crate) fn check_weights(weights: &[f64], n_rows: usize) -> Result<()> {
    check_len("sample weights", n_rows, weights.len())?;
    if let Some((row, &weight)) = weights
        .iter()
        .enumerate()
        .find(|&(_, &w)| !(w.is_finite() && w >= 0.0))
    {
        return Err(Error::InvalidWeight { row, weight });
    }
    if weights.iter().all(|&w| w == 0.0) {
        return Err(Error::NoRows);
    }
    Ok(())
}

/// linfa's weights (empty for none) as `f64`.
pub(crate) fn dataset_weights<R: Records, T>(dataset: &DatasetBase<R, T>) -> Option<Vec<f64>> {
    dataset
        .weights()
        .map(|w| w.iter().map(|&w| f64::from(w)).collect())
}

/// The best split found so far at a node.
#[derive(Debug, Clone, Copy)]
struct Split {
    feature: usize,
    /// Position (in the feature's range) of the last non-missing row going left.
    pos: usize,
    /// The largest non-missing value going left.
    upper: f64,
    threshold: f64,
    missing_go_left: bool,
}

impl Split {
    /// Whether the two splits send every row the same way.
    fn same(&self, other: &Split) -> bool {
        self.feature == other.feature
            && self.pos == other.pos
            && self.upper.to_bits() == other.upper.to_bits()
            && self.missing_go_left == other.missing_go_left
    }
}

/// Sample weights checked against the rows of a [`SortedFeatures`] (none: every row, of which
/// there must be some), and whether they are whole ([`whole_weights`]): found once, for the
/// choice of statistics ([`BinaryGini`](crate::criterion::BinaryGini)) and for the grower.
pub(crate) struct RowWeights<'w> {
    weights: Option<&'w [f64]>,
    /// Whether sums of class counts over the weights are exact (false where not asked).
    pub whole: bool,
}

impl<'w> RowWeights<'w> {
    /// Checks `sample_weight` (none: `sorted` must have rows); finds whether the weights are
    /// whole only for statistics that can use it (`order_free`, [`Stats::ORDER_FREE`]).
    pub(crate) fn check(
        sorted: &SortedFeatures,
        sample_weight: Option<&'w [f64]>,
        order_free: bool,
    ) -> Result<Self> {
        let n_rows = sorted.n_rows();
        let whole = match sample_weight {
            None if n_rows == 0 => return Err(Error::NoRows),
            None => order_free && whole_weights(Unit, n_rows),
            Some(weights) => {
                check_weights(weights, n_rows)?;
                order_free && whole_weights(weights, n_rows)
            }
        };
        Ok(RowWeights {
            weights: sample_weight,
            whole,
        })
    }
}

/// Grows a family of trees ([`grow`]) on the rows of `sorted` of positive weight in
/// `weights`; `targets` are indexed by row and checked.
pub(crate) fn grow_weighted<S: Stats>(
    settings: &Settings,
    sorted: &SortedFeatures,
    targets: &[S::Target],
    weights: &RowWeights<'_>,
    n_outputs: usize,
) -> Vec<Tree> {
    match weights.weights {
        None => grow::<S, _>(settings, sorted, targets, Unit, n_outputs, weights.whole),
        Some(w) => grow::<S, _>(settings, sorted, targets, w, n_outputs, weights.whole),
    }
}

/// Whether sums of class counts over the `n_rows` weights are exact: every weight is whole and
/// the squares of the sums stay below 2^53 (a total weight of at most 2^26).
pub(crate) fn whole_weights(weights: impl Weights, n_rows: usize) -> bool {
    let total_weight: f64 = (0..n_rows).map(|r| weights.get(r)).sum();
    total_weight <= (1u64 << 26) as f64 && (0..n_rows).all(|r| weights.get(r).fract() == 0.0)
}

/// Grows a family of trees, one per shape of `settings`, on the rows of `sorted` with positive
/// weight (all rows for [`Unit`]): each the tree grown alone with its shape, in the order of
/// the shapes. `targets` and `weights` are indexed by row; the caller has checked them, and
/// found whether the weights are `whole` ([`whole_weights`]).
///
/// A node's candidate features are drawn from a generator seeded by the node's place in the
/// tree (its path from the root, [`node::child_key`]), not from one stream over the nodes, so
/// a node draws the same features in every tree of the family that grows it. The trees grow
/// together: a node is scanned once for all the trees that reach it, its best split found for
/// each of their leaf sizes at once ([`bests`]), and it is partitioned once per distinct
/// split; a tree whose depth limit ends there takes it as a leaf.
pub(crate) fn grow<S: Stats, W: Weights>(
    settings: &Settings,
    sorted: &SortedFeatures,
    targets: &[S::Target],
    weights: W,
    n_outputs: usize,
    whole: bool,
) -> Vec<Tree> {
    let n_rows = sorted.n_rows();
    let p = sorted.n_features();
    // The active rows, in row order (for the root's statistics when there is no feature).
    let active: Vec<u32> = (0..n_rows as u32)
        .filter(|&r| weights.get(r as usize) > 0.0)
        .collect();
    let n = active.len();
    // Features of few values are gathered by value at each node rather than kept sorted (and
    // partitioned at every split), where the statistics do not depend on the order rows are
    // added in. The first feature stays sorted: its block holds each node's rows.
    // Where a node scans every feature, every block is read at every node anyway and a sorted
    // block reads faster than a gathered column, except in a one-hot group, whose members
    // are summed in one pass.
    let gather = S::ORDER_FREE && whole;
    let some_features = settings.max_features < p;
    let few: Vec<Option<&FewValues>> = (0..p)
        .map(|f| {
            sorted.few_values(f).filter(|few| {
                gather
                    && f > 0
                    && !few.values.is_empty()
                    && (some_features || sorted.group_of(f).is_some())
            })
        })
        .collect();
    // Only the sorted features have a block.
    let mut block = vec![NO_BLOCK; p];
    let sorted_features: Vec<usize> = (0..p).filter(|&f| few[f].is_none()).collect();
    for (b, &f) in sorted_features.iter().enumerate() {
        block[f] = b;
    }
    // One spare slot: the copy below writes one past the active rows it keeps.
    let mut rows = vec![0u32; n * sorted_features.len() + 1];
    let mut values = vec![0.0; n * sorted_features.len() + 1];
    // Whether each row is active, for the copy below (not needed when every row is).
    let mut is_active = Vec::new();
    if n < n_rows {
        is_active.resize(n_rows, false);
        for &row in &active {
            is_active[row as usize] = true;
        }
    }
    for (b, &f) in sorted_features.iter().enumerate() {
        let (r, v) = sorted.feature(f);
        let base = b * n;
        if n == n_rows {
            rows[base..base + n].copy_from_slice(r);
            values[base..base + n].copy_from_slice(v);
        } else {
            // Without a branch on whether a row is active (bootstrap rows come at random):
            // every row is written, and the next one overwrites it unless it is active. A write
            // past the block lands in the next block, which is filled after it, or in the spare
            // slot.
            let mut k = base;
            for (&row, &value) in r.iter().zip(v) {
                rows[k] = row;
                values[k] = value;
                k += usize::from(is_active[row as usize]);
            }
        }
    }
    // Nodes below this many rows sort a drawn feature's rows themselves (`demand`), where
    // every sorted feature but the first (whose block holds each node's rows) has its ranks.
    let by_row: Vec<Option<RowRanks<'_>>> = (0..p)
        .map(|f| {
            let later_block = block[f] > 0 && block[f] != NO_BLOCK;
            (gather && later_block).then(|| sorted.ranks(f)).flatten()
        })
        .collect();
    let ranked = sorted_features.iter().skip(1).all(|&f| by_row[f].is_some());
    let sort_below = if gather && sorted_features.len() > 1 && ranked {
        demand::sort_below(p, settings.max_features)
    } else {
        0
    };
    let width = S::bucket_width(n_outputs);
    let groups = GroupSums::new(sorted, &few, width, settings.max_features);
    let mut grower = Grower::<S, W> {
        settings,
        targets,
        weights,
        n,
        p,
        few,
        block,
        n_blocks: sorted_features.len(),
        bucket_sums: vec![0.0; (FEW_LEVELS + 1) * S::bucket_width(n_outputs)],
        groups,
        rows,
        values,
        goes_left: vec![false; n_rows],
        scratch_rows: vec![0; n],
        scratch_values: vec![0.0; n],
        sort_below,
        by_row,
        pairs: Vec::new(),
        rank_starts: Vec::new(),
        features: (0..p).collect(),
        candidates: Vec::with_capacity(p),
        swaps: Vec::with_capacity(p),
        trees: vec![(Vec::new(), Vec::new()); settings.shapes.len()],
        entries: Vec::new(),
        owners: Vec::new(),
        saved_rows: Vec::new(),
        saved_values: Vec::new(),
        many: Many::default(),
        splits: BucketSplits::default(),
        total: S::zero(n_outputs),
        hand_down_totals: gather,
        zero: S::zero(n_outputs),
        left: S::zero(n_outputs),
        right: S::zero(n_outputs),
        missing: S::zero(n_outputs),
        root_weight: 0.0,
    };
    grower.run(&active);
    grower
        .trees
        .into_iter()
        .map(|(nodes, values)| Tree::new(nodes, values, n_outputs, p))
        .collect()
}

struct Grower<'a, S: Stats, W: Weights> {
    settings: &'a Settings,
    targets: &'a [S::Target],
    weights: W,
    /// Active rows.
    n: usize,
    /// Features.
    p: usize,
    /// Per feature, its values by row when it is gathered by value at each node; `None` for a
    /// feature kept sorted.
    few: Vec<Option<&'a FewValues>>,
    /// The sums of a gathered feature's rows per value, then of its missing values: one bucket
    /// ([`Stats::add_to_bucket`]) each.
    bucket_sums: Vec<f64>,
    /// The one-hot groups of the records; a gathered feature in one is summed per group.
    groups: GroupSums<'a>,
    /// Per feature, the index of its block; [`NO_BLOCK`] for a gathered feature.
    block: Vec<usize>,
    /// The number of blocks: of sorted features.
    n_blocks: usize,
    /// `rows[b * n + k]`, `values[b * n + k]`: block `b`, the active rows of a sorted feature
    /// in the order of its values, each node's rows a range of it. Feature 0's is block 0.
    rows: Vec<u32>,
    values: Vec<f64>,
    /// Indexed by row: the side of the split being applied.
    goes_left: Vec<bool>,
    scratch_rows: Vec<u32>,
    scratch_values: Vec<f64>,
    /// Nodes of fewer rows sort a drawn sorted feature's rows themselves ([`demand`]); 0 for
    /// none.
    sort_below: usize,
    /// Per feature, its ranks by row where nodes sort it themselves.
    by_row: Vec<Option<RowRanks<'a>>>,
    /// Rank and row pairs being sorted on demand.
    pairs: Vec<u64>,
    /// Where each rank's rows start, in a counting sort on demand.
    rank_starts: Vec<u32>,
    /// A permutation of the features, for drawing without replacement.
    features: Vec<usize>,
    /// The non-constant features drawn at the current node, in the order drawn.
    candidates: Vec<usize>,
    /// The swaps of `features` that drew the current node's candidates, undone after.
    swaps: Vec<usize>,
    /// Per tree of the family, its nodes and their values.
    trees: Vec<(Vec<Node>, Vec<f64>)>,
    /// The trees that reach each pending node, each with its parent there ([`node::Entry`]);
    /// a pending node holds a range of them.
    entries: Vec<node::Entry>,
    /// The trees that split each node, each with the node's id in it, by split: a group of the
    /// node's trees holds a range of them.
    owners: Vec<(u32, u32)>,
    /// The rows and values of every block over the ranges of nodes whose trees split them in
    /// more than one way, saved for the splits after the first, a stack.
    saved_rows: Vec<u32>,
    saved_values: Vec<f64>,
    /// The scans' running bests, where the trees splitting a node have several leaf sizes.
    many: Many,
    /// The best split of each leaf size of the trees splitting the current node.
    splits: BucketSplits,
    total: S,
    /// Whether a split hands its sides' statistics down as its children's: where they are
    /// exact (whole-number sums), the same as the children's own sums.
    hand_down_totals: bool,
    /// The statistics of no rows.
    zero: S,
    left: S,
    right: S,
    missing: S,
    root_weight: f64,
}

impl<S: Stats, W: Weights> Grower<'_, S, W> {
    /// Draws the candidate features in a random order, as scikit-learn's splitter does at every
    /// node: features are drawn without replacement (Fisher-Yates, from a generator seeded
    /// with the node's `key`, [`node::child_key`]) until `max_features` have been drawn,
    /// constant ones included (they are not candidates), and then on only while none of those
    /// drawn is non-constant, until one is or every feature has been drawn. The best split is
    /// the first of the best in this order, so a tie between features goes to a random one,
    /// not always to the lowest index (which favours the first columns of a table, such as the
    /// border pixels of an image). The draws are undone after, so that they depend on the key
    /// alone.
    fn draw_candidates(&mut self, start: usize, end: usize, key: u64) {
        self.candidates.clear();
        self.swaps.clear();
        let mut rng = node::NodeRng::new(key);
        let p = self.p;
        for i in 0..p {
            if i >= self.settings.max_features && !self.candidates.is_empty() {
                break;
            }
            let j = oml_math::index_in(&mut rng, i..p);
            self.features.swap(i, j);
            self.swaps.push(j);
            let f = self.features[i];
            if !self.is_constant(f, start, end) {
                self.candidates.push(f);
            }
        }
        for (i, &j) in self.swaps.iter().enumerate().rev() {
            self.features.swap(i, j);
        }
    }

    /// Whether feature `f` has at most one distinct value and no NaN, or only NaN, at the node.
    fn is_constant(&mut self, f: usize, start: usize, end: usize) -> bool {
        if let Some(g) = self.groups.summed_group_of(f, end - start) {
            self.sum_groups(start, end);
            let counts = self.groups.member_counts(g, f);
            return counts.iter().filter(|&&c| c > 0).count() <= 1;
        }
        // A gathered feature: one value throughout (-0 and 0 alike), or only missing values,
        // is one code. A group's member reads the group's codes, which its split reads again.
        let rows = self.rows[start..end].iter().map(|&r| r as usize);
        if let Some(g) = self.groups.group_of(f) {
            return one_code(rows.map(self.groups.member_code(g, f)));
        }
        if let Some(few) = self.few[f] {
            return one_code(rows.map(|row| usize::from(few.codes[row])));
        }
        if self.sorts_on_demand(f, end - start) {
            return self.is_constant_by_row(f, start, end);
        }
        let base = self.block[f] * self.n;
        let values = &self.values[base + start..base + end];
        let m = non_missing(values);
        m == 0 || (m == values.len() && values[0] >= values[m - 1])
    }

    /// Finds the best split of the node for each leaf size of `bars` ([`bests`]) into
    /// `self.splits`, over the candidate features drawn with the node's `key`.
    fn best_splits<B: Bars>(&mut self, start: usize, end: usize, key: u64, bars: &mut B) {
        self.draw_candidates(start, end, key);
        let n_node = end - start;
        // The statistics live in locals during the scan, so that the compiler keeps them in
        // registers rather than reloading them through `self` at every row.
        let mut left = std::mem::replace(&mut self.left, S::zero(0));
        let mut right = std::mem::replace(&mut self.right, S::zero(0));
        let (targets, weights) = (self.targets, self.weights);
        let candidates = std::mem::take(&mut self.candidates);
        for (rank, &f) in candidates.iter().enumerate() {
            // A candidate's place in the scan order: the feature's rank, then its own place.
            let order = (rank as u64) << 40;
            if let Some(few) = self.few[f] {
                let sides = (&mut left, &mut right);
                self.gathered_split(f, few, (start, end), sides, (bars, order));
                continue;
            }
            let (rows, values) = if self.sorts_on_demand(f, n_node) {
                self.sort_node_rows(f, start, end);
                (&self.scratch_rows[..n_node], &self.scratch_values[..n_node])
            } else {
                let base = self.block[f] * self.n;
                let range = base + start..base + end;
                (&self.rows[range.clone()], &self.values[range])
            };
            let m = non_missing(values);
            let n_missing = n_node - m;
            if m == 0 || (n_missing == 0 && values[0] >= values[m - 1]) {
                continue;
            }
            if n_missing > 0 {
                self.missing.clear();
                for &row in &rows[m..] {
                    let row = row as usize;
                    self.missing.add(targets[row], weights.get(row));
                }
            }
            // Missing values right (or none), then missing values left.
            for missing_left in [false, true] {
                if missing_left && n_missing == 0 {
                    break;
                }
                let mut n_left = 0;
                if missing_left {
                    left.clone_from(&self.missing);
                    n_left = n_missing;
                } else {
                    left.clear();
                }
                right.set_difference(&self.total, &left);
                // The last candidate position: with missing values right, all non-missing
                // values may go left.
                let last = if !missing_left && n_missing > 0 {
                    m
                } else {
                    m - 1
                };
                let scan = (rows, values, m);
                let counts = (n_left, last, n_node);
                let sides = (&mut left, &mut right);
                scan_sorted(scan, (targets, weights), sides, counts, bars);
                let order = order | u64::from(missing_left) << 32;
                let splits = &mut self.splits;
                bars.settle(|bucket, (k, n_left), proxy| {
                    let next = (k + 1 < m).then(|| values[k + 1]);
                    let split = Split {
                        feature: f,
                        pos: k,
                        upper: values[k],
                        threshold: threshold_after(values[k], next),
                        missing_go_left: missing_go_left(n_missing, (n_left, n_node), missing_left),
                    };
                    splits.record(bucket, split, order | k as u64, proxy);
                });
            }
        }
        self.candidates = candidates;
        self.left = left;
        self.right = right;
        self.splits.resolve();
    }

    /// Sums the node's rows per code of every group, unless done at this node already.
    fn sum_groups(&mut self, start: usize, end: usize) {
        let rows = &self.rows[start..end];
        self.groups.sum::<S, W>(rows, (self.targets, self.weights));
    }

    /// The splits of gathered feature `f` at the node, offered to `bars` as the sorted scan
    /// of [`best_splits`](Self::best_splits) offers them (`order`: the feature's place in the
    /// scan order): the node's rows are summed per value
    /// (and missing), then the same candidates are visited in the same order, with the same
    /// statistics, since whole-number sums do not depend on the order of the rows.
    fn gathered_split(
        &mut self,
        f: usize,
        few: &FewValues,
        (start, end): (usize, usize),
        (left, right): (&mut S, &mut S),
        (bars, order): (&mut impl Bars, u64),
    ) {
        let n_node = end - start;
        let levels = &few.values;
        let n_levels = levels.len();
        let mut counts = [0usize; FEW_LEVELS + 1];
        let width = self.bucket_sums.len() / (FEW_LEVELS + 1);
        if let Some(g) = self.groups.summed_group_of(f, n_node) {
            // An indicator of a group (values 0 and 1): its 0, 1 and missing sums from the
            // group's.
            debug_assert_eq!(n_levels, 2);
            self.sum_groups(start, end);
            counts[..3].copy_from_slice(&self.groups.member_counts(g, f));
            self.groups
                .member_sums(g, f, &mut self.bucket_sums[..3 * width]);
        } else {
            let used = n_levels + 1;
            let buckets = (&mut self.bucket_sums[..used * width], &mut counts[..used]);
            let targets = (self.targets, self.weights);
            let rows = &self.rows[start..end];
            match self.groups.group_of(f) {
                Some(g) => {
                    let code_of = self.groups.member_code(g, f);
                    fill_buckets::<S, W>(code_of, rows, targets, buckets);
                }
                None => {
                    let code_of = |row: usize| usize::from(few.codes[row]);
                    fill_buckets::<S, W>(code_of, rows, targets, buckets);
                }
            }
        }
        let n_missing = counts[n_levels];
        let mut present = [0usize; FEW_LEVELS];
        let mut n_present = 0;
        for b in (0..n_levels).filter(|&b| counts[b] > 0) {
            present[n_present] = b;
            n_present += 1;
        }
        let present = &present[..n_present];
        if present.is_empty() || (n_missing == 0 && present.len() == 1) {
            return;
        }
        let buckets = Buckets {
            sums: &self.bucket_sums,
            width,
            counts: &counts,
            present,
            missing: n_levels,
        };
        best_bucket_split(&buckets, (&self.total, n_node), (left, right), bars);
        let splits = &mut self.splits;
        bars.settle(|bucket, (place, n_left), proxy| {
            let (i, missing_left) = bucket_candidate(place, present.len());
            let value = levels[present[i]];
            let next = present.get(i + 1).map(|&next| levels[next]);
            let split = Split {
                feature: f,
                pos: 0,
                upper: value,
                threshold: threshold_after(value, next),
                missing_go_left: missing_go_left(n_missing, (n_left, n_node), missing_left),
            };
            splits.record(bucket, split, order | place as u64, proxy);
        });
    }
}

mod apply;
mod bests;
mod buckets;
mod demand;
mod node;
mod scan;

use bests::{Bars, BucketSplits, Many};
use buckets::{Buckets, GroupSums, best_bucket_split, bucket_candidate, fill_buckets, one_code};
use demand::RowRanks;
use scan::{missing_go_left, non_missing, scan_sorted, threshold_after};

#[cfg(test)]
mod tests;
