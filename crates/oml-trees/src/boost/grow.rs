//! Growing one tree on gradients and hessians, as scikit-learn's `TreeGrower` and `Splitter`:
//! a histogram of gradient and hessian sums per (feature, bin) at each node, the smaller child's
//! histogram built from its rows and its sibling's by subtraction from the parent's, and the
//! node of largest gain split first (leaf-wise) until `max_leaf_nodes` leaves.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::boost::bins::{BinMapper, BinnedFeatures};
use crate::boost::histogram::{Bin, Histogram};
use crate::boost::split::{MIN_HESSIAN_TO_SPLIT, SplitInfo};
use crate::tree::{NONE, Node, Tree};

/// The stopping rules and shrinkage of every tree of a fit.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GrowSettings {
    pub max_leaf_nodes: Option<usize>,
    pub max_depth: Option<usize>,
    pub min_samples_leaf: usize,
    pub l2_regularization: f64,
    pub shrinkage: f64,
    /// Whether every hessian is 1 (squared error): hessian sums are then row counts.
    pub hessians_are_constant: bool,
}

/// A node while the tree grows: the rows `partition[start..stop]`, and the validation rows
/// `validation_partition[validation.0..validation.1]`.
#[derive(Debug)]
struct GrowNode {
    start: usize,
    stop: usize,
    validation: (usize, usize),
    depth: usize,
    sum_g: f64,
    sum_h: f64,
    value: f64,
    split: Option<SplitInfo>,
    histogram: Option<Histogram>,
    children: Option<(usize, usize)>,
}

impl GrowNode {
    fn n_samples(&self) -> usize {
        self.stop - self.start
    }
}

/// A splittable node in the heap: the largest gain first, ties to the node made first.
#[derive(Debug, Clone, Copy)]
struct Splittable {
    gain: f64,
    node: usize,
}

impl PartialEq for Splittable {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Splittable {}

impl PartialOrd for Splittable {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Splittable {
    fn cmp(&self, other: &Self) -> Ordering {
        self.gain
            .total_cmp(&other.gain)
            .then_with(|| other.node.cmp(&self.node))
    }
}

/// Buffers one grower reuses from tree to tree.
#[derive(Debug, Default)]
pub(crate) struct Workspace {
    partition: Vec<u32>,
    validation_partition: Vec<u32>,
    scratch: Vec<u32>,
    free_histograms: Vec<Histogram>,
}

impl Workspace {
    /// One of the histograms kept for later trees, if any.
    pub(crate) fn pop_histogram(&mut self) -> Option<Histogram> {
        self.free_histograms.pop()
    }
}

/// A node with fewer (row, feature) entries than this per histogram bin marks the bins it
/// writes ([`Histogram`]); a larger one writes most bins anyway.
const MARKED_ENTRIES_PER_BIN: usize = 2;

/// The validation rows of a fit that stops early, in the training rows' bins, and their raw
/// predictions of the tree being grown, to which each row's leaf value is added.
pub(crate) struct Validation<'a> {
    pub binned: &'a BinnedFeatures,
    pub raw: &'a mut [f64],
}

/// Grows trees on one set of binned training rows.
pub(crate) struct Grower<'a> {
    pub binned: &'a BinnedFeatures,
    pub mapper: &'a BinMapper,
    pub settings: GrowSettings,
}

impl Grower<'_> {
    /// Grows one tree on the rows' gradients `g` and hessians `h` (ignored when they are
    /// constant), and adds each row's leaf value to `raw`. The tree's node values are leaf
    /// values (shrinkage applied) at leaves and the unshrunk Newton step elsewhere. The root's
    /// histogram is `root` if given (built with other trees' roots, [`Grower::roots`]), else
    /// built here; either way the workspace keeps it for later trees. The `validation` rows
    /// are partitioned with the training rows, and their leaf values added as to `raw`: what
    /// applying the tree to them gives.
    pub fn grow(
        &self,
        g: &[f32],
        h: &[f32],
        raw: &mut [f64],
        mut validation: Option<Validation<'_>>,
        ws: &mut Workspace,
        root: Option<Histogram>,
    ) -> Tree {
        let n = self.binned.n_rows;
        let n_validation = validation.as_ref().map_or(0, |v| v.binned.n_rows);
        let s = &self.settings;
        ws.partition.clear();
        ws.partition.extend(0..n as u32);
        ws.validation_partition.clear();
        ws.validation_partition.extend(0..n_validation as u32);
        let histogram = root.unwrap_or_else(|| self.build_root(g, h, ws));
        let (sum_g, sum_h) = self.root_sums(&histogram);
        let mut nodes = vec![GrowNode {
            start: 0,
            stop: n,
            validation: (0, n_validation),
            depth: 0,
            sum_g,
            sum_h,
            value: 0.0,
            split: None,
            histogram: None,
            children: None,
        }];
        let mut heap = BinaryHeap::new();
        let mut n_leaves = 0;
        if n >= 2 * s.min_samples_leaf && sum_h >= MIN_HESSIAN_TO_SPLIT {
            nodes[0].histogram = Some(histogram);
            self.push_if_splittable(&mut nodes, 0, &mut heap, &mut n_leaves, ws);
        } else {
            ws.free_histograms.push(histogram);
            n_leaves += 1;
        }

        while let Some(Splittable { node: id, .. }) = heap.pop() {
            let mut split = nodes[id].split.expect("a splittable node has a split");
            let (start, stop, depth) = (nodes[id].start, nodes[id].stop, nodes[id].depth + 1);
            let column = self.binned.column(split.feature);
            let missing = self.binned.n_bins_non_missing[split.feature] as u8;
            let rows = &mut ws.partition[start..stop];
            let mid = start + partition(rows, &mut ws.scratch, column, missing, &split);
            debug_assert_eq!(mid - start, split.n_left as usize);
            if !self.binned.has_missing[split.feature] {
                // No training row misses this feature: missing values at prediction go to
                // the child with more rows.
                split.missing_go_left = mid - start > stop - mid;
            }
            let (v_start, v_stop) = nodes[id].validation;
            let v_mid = match &validation {
                Some(v) => {
                    let column = v.binned.column(split.feature);
                    let rows = &mut ws.validation_partition[v_start..v_stop];
                    v_start + partition(rows, &mut ws.scratch, column, missing, &split)
                }
                None => v_start,
            };
            nodes[id].split = Some(split);
            let (left, right) = (nodes.len(), nodes.len() + 1);
            nodes[id].children = Some((left, right));
            for (a, b, v, sum_g, sum_h, value) in [
                (
                    start,
                    mid,
                    (v_start, v_mid),
                    split.g_left,
                    split.h_left,
                    split.value_left,
                ),
                (
                    mid,
                    stop,
                    (v_mid, v_stop),
                    split.g_right,
                    split.h_right,
                    split.value_right,
                ),
            ] {
                nodes.push(GrowNode {
                    start: a,
                    stop: b,
                    validation: v,
                    depth,
                    sum_g,
                    sum_h,
                    value,
                    split: None,
                    histogram: None,
                    children: None,
                });
            }
            let parent_histogram = nodes[id].histogram.take().expect("a splittable node");
            let leaves_now = n_leaves + heap.len() + 2;
            if s.max_leaf_nodes == Some(leaves_now) {
                // Every node still queued becomes a leaf.
                heap.clear();
                ws.free_histograms.push(parent_histogram);
                for node in &mut nodes {
                    if let Some(h) = node.histogram.take() {
                        ws.free_histograms.push(h);
                    }
                }
                break;
            }
            if s.max_depth == Some(depth) {
                n_leaves += 2;
                ws.free_histograms.push(parent_histogram);
                continue;
            }
            let split_left = nodes[left].n_samples() >= 2 * s.min_samples_leaf;
            let split_right = nodes[right].n_samples() >= 2 * s.min_samples_leaf;
            n_leaves += usize::from(!split_left) + usize::from(!split_right);
            if !(split_left || split_right) {
                ws.free_histograms.push(parent_histogram);
                continue;
            }
            let (small, large) = if nodes[left].n_samples() < nodes[right].n_samples() {
                (left, right)
            } else {
                (right, left)
            };
            let mut small_histogram = self.take_histogram(ws);
            self.build_histogram(
                nodes[small].start,
                nodes[small].stop,
                g,
                h,
                ws,
                &mut small_histogram,
            );
            let mut large_histogram = parent_histogram;
            large_histogram.subtract(&small_histogram);
            nodes[small].histogram = Some(small_histogram);
            nodes[large].histogram = Some(large_histogram);
            for (child, should_split) in [(left, split_left), (right, split_right)] {
                if should_split {
                    self.push_if_splittable(&mut nodes, child, &mut heap, &mut n_leaves, ws);
                } else if let Some(h) = nodes[child].histogram.take() {
                    ws.free_histograms.push(h);
                }
            }
        }

        // Leaves: shrink, add to the rows' raw predictions.
        for node in nodes.iter_mut().filter(|node| node.children.is_none()) {
            node.value *= s.shrinkage;
            for &row in &ws.partition[node.start..node.stop] {
                raw[row as usize] += node.value;
            }
            if let Some(v) = &mut validation {
                let (v_start, v_stop) = node.validation;
                for &row in &ws.validation_partition[v_start..v_stop] {
                    v.raw[row as usize] += node.value;
                }
            }
        }
        self.flatten(&nodes)
    }

    /// Finds the best split of node `id` and queues it, or makes the node a leaf if no split
    /// has a positive gain.
    fn push_if_splittable(
        &self,
        nodes: &mut [GrowNode],
        id: usize,
        heap: &mut BinaryHeap<Splittable>,
        n_leaves: &mut usize,
        ws: &mut Workspace,
    ) {
        let node = &nodes[id];
        let histogram = node.histogram.as_ref().expect("histogram computed");
        let split = self.find_split(
            histogram,
            node.n_samples() as u32,
            node.sum_g,
            node.sum_h,
            node.value,
        );
        if split.gain > 0.0 {
            nodes[id].split = Some(split);
            heap.push(Splittable {
                gain: split.gain,
                node: id,
            });
        } else {
            *n_leaves += 1;
            if let Some(h) = nodes[id].histogram.take() {
                ws.free_histograms.push(h);
            }
        }
    }

    /// The gradient and hessian sums of the root with this histogram, as scikit-learn takes
    /// them: numpy's sum ([`oml_math::numpy_sum`]) of the first feature's bins laid out as
    /// scikit-learn's histogram lays them out ([`BinMapper::max_bins`]). Where adding the rows'
    /// gradients rounds, their sum in row order differs from it in the last bits, and so would
    /// every split gain of the tree. With constant hessians, the row count as scikit-learn's
    /// float32 `hessians[0] * n_samples` gives it.
    fn root_sums(&self, histogram: &Histogram) -> (f64, f64) {
        let n_rows = self.binned.n_rows;
        let hessian_count = f64::from(n_rows as f32);
        let Some(&n_bins) = self.binned.n_bins_non_missing.first() else {
            return (0.0, hessian_count);
        };
        debug_assert!(self.binned.default_bins.iter().all(|&(f, _)| f > 0));
        let first = &histogram.bins()[..=n_bins];
        let mut g = [0.0; 256];
        let mut h = [0.0; 256];
        let missing = self.mapper.max_bins;
        for (b, bin) in first.iter().enumerate() {
            let at = if b == n_bins { missing } else { b };
            (g[at], h[at]) = (bin.g, bin.h);
        }
        let sum_g = oml_math::numpy_sum(&g[..=missing]);
        let sum_h = if self.settings.hessians_are_constant {
            hessian_count
        } else {
            oml_math::numpy_sum(&h[..=missing])
        };
        (sum_g, sum_h)
    }

    /// Whether a node of `n_rows` rows marks the bins it writes: fewer (row, feature) entries
    /// than [`MARKED_ENTRIES_PER_BIN`] per histogram bin.
    pub(crate) fn marks(&self, n_rows: usize) -> bool {
        let binned = self.binned;
        n_rows * binned.n_features() < binned.histogram_len * MARKED_ENTRIES_PER_BIN
    }

    /// The root histogram of a tree built alone: that of every training row, which
    /// `ws.partition` holds.
    fn build_root(&self, g: &[f32], h: &[f32], ws: &mut Workspace) -> Histogram {
        let mut histogram = self.take_histogram(ws);
        self.build_histogram(0, self.binned.n_rows, g, h, ws, &mut histogram);
        histogram
    }

    /// A zero histogram: a used one cleared, or a new one.
    fn take_histogram(&self, ws: &mut Workspace) -> Histogram {
        match ws.free_histograms.pop() {
            Some(mut histogram) => {
                histogram.clear();
                histogram
            }
            None => Histogram::zeroed(self.binned.histogram_len),
        }
    }

    /// The histogram of rows `partition[start..stop]` (zeroed). Each row adds its gradient and
    /// hessian to the bins that are not their feature's default, in row order; each default
    /// bin is then the rows' totals less the feature's other bins. A node of few rows for the histogram's size ([`MARKED_ENTRIES_PER_BIN`])
    /// marks the bins it writes; a larger one unmarks the histogram.
    fn build_histogram(
        &self,
        start: usize,
        stop: usize,
        g: &[f32],
        h: &[f32],
        ws: &mut Workspace,
        histogram: &mut Histogram,
    ) {
        let binned = self.binned;
        let constant = self.settings.hessians_are_constant;
        let rows = &ws.partition[start..stop];
        let sparse = !binned.entries.is_empty();
        let mark = self.marks(rows.len());
        if !mark {
            histogram.unmark();
        }
        // A node of all the training rows (the root) has the counts taken when binning:
        // copied, not counted.
        let root = rows.len() == binned.n_rows && !mark;
        let (sum_g, sum_h) = match (constant, sparse) {
            (true, true) => self.add_rows_as::<true, true>(rows, g, h, histogram, mark, root),
            (true, false) => self.add_rows_as::<true, false>(rows, g, h, histogram, mark, root),
            (false, true) => self.add_rows_as::<false, true>(rows, g, h, histogram, mark, root),
            (false, false) => self.add_rows_as::<false, false>(rows, g, h, histogram, mark, root),
        };
        if root {
            for (bin, &count) in histogram.bins_mut().iter_mut().zip(&binned.root_counts) {
                bin.count = count;
            }
        }
        let n = (stop - start) as u32;
        self.fill_default_bins(histogram, n, sum_g, sum_h, mark);
    }

    /// Sets each default bin of a histogram of `n` rows, with these gradient and hessian sums,
    /// to the totals less its feature's other bins (marking it when `mark`).
    pub(crate) fn fill_default_bins(
        &self,
        histogram: &mut Histogram,
        n: u32,
        sum_g: f64,
        sum_h: f64,
        mark: bool,
    ) {
        let binned = self.binned;
        for &(f, default) in &binned.default_bins {
            let offset = binned.offsets[f];
            let end = offset + binned.n_bins_non_missing[f] + 1;
            let bins = &mut histogram.bins_mut()[offset..end];
            let (mut g, mut h, mut count) = (sum_g, sum_h, n);
            for bin in bins.iter() {
                g -= bin.g;
                h -= bin.h;
                count -= bin.count;
            }
            bins[usize::from(default)] = Bin::new(g, h, count);
            if mark {
                histogram.mark(offset + usize::from(default));
            }
        }
    }

    /// [`add_rows`](Self::add_rows), marking bins when `mark`, and counting rows unless the rows
    /// are the `root`'s.
    fn add_rows_as<const CONSTANT: bool, const SPARSE: bool>(
        &self,
        rows: &[u32],
        g: &[f32],
        h: &[f32],
        histogram: &mut Histogram,
        mark: bool,
        root: bool,
    ) -> (f64, f64) {
        match (mark, root) {
            (true, _) => self.add_rows::<CONSTANT, SPARSE, true, true>(rows, g, h, histogram),
            (false, false) => self.add_rows::<CONSTANT, SPARSE, false, true>(rows, g, h, histogram),
            (false, true) => self.add_rows::<CONSTANT, SPARSE, false, false>(rows, g, h, histogram),
        }
    }

    /// Adds each of `rows` to the bins of its features without a default bin and, when
    /// `SPARSE`, to those of its entries, marking the bins when `MARK` and counting rows when
    /// `COUNT`; returns the rows' gradient and hessian sums. With `CONSTANT`, hessians are
    /// neither added to the bins nor summed (0 is returned): row counts stand for them.
    fn add_rows<const CONSTANT: bool, const SPARSE: bool, const MARK: bool, const COUNT: bool>(
        &self,
        rows: &[u32],
        g: &[f32],
        h: &[f32],
        histogram: &mut Histogram,
    ) -> (f64, f64) {
        let binned = self.binned;
        let (mut sum_g, mut sum_h) = (0.0, 0.0);
        let mut add = |i: usize, gradient: f64, hessian: f64| {
            let bin = &mut histogram.bins_mut()[i];
            bin.g += gradient;
            if !CONSTANT {
                bin.h += hessian;
            }
            if COUNT {
                bin.count += 1;
            }
            if MARK {
                histogram.mark(i);
            }
        };
        for &row in rows {
            let row = row as usize;
            let gradient = f64::from(g[row]);
            sum_g += gradient;
            let hessian = if CONSTANT { 0.0 } else { f64::from(h[row]) };
            if !CONSTANT {
                sum_h += hessian;
            }
            for (&b, &offset) in binned.dense_row(row).iter().zip(&binned.dense_offsets) {
                add(offset + usize::from(b), gradient, hessian);
            }
            if SPARSE {
                for &i in binned.entries(row) {
                    add(i as usize, gradient, hessian);
                }
            }
        }
        (sum_g, sum_h)
    }

    /// The grown nodes as a [`Tree`] in depth-first order, thresholds in feature values: a
    /// split on bin `b` has threshold `thresholds[b]`, or infinity when every non-missing bin
    /// goes left (a split of the missing values from the rest).
    fn flatten(&self, grown: &[GrowNode]) -> Tree {
        let mut nodes = Vec::with_capacity(grown.len());
        let mut values = Vec::with_capacity(grown.len());
        // (grown node, index of its parent's slot to fill with its index)
        let mut stack = vec![(0usize, None::<(usize, bool)>)];
        while let Some((id, parent)) = stack.pop() {
            let index = nodes.len();
            if let Some((p, is_left)) = parent {
                let node: &mut Node = &mut nodes[p];
                if is_left {
                    node.left = index as u32;
                } else {
                    node.right = index as u32;
                }
            }
            let g = &grown[id];
            let (feature, threshold, missing_go_left) = match (g.children, g.split) {
                (Some((left, right)), Some(split)) => {
                    stack.push((right, Some((index, false))));
                    stack.push((left, Some((index, true))));
                    let thresholds = &self.mapper.thresholds[split.feature];
                    let threshold = thresholds.get(split.bin).copied().unwrap_or(f64::INFINITY);
                    (split.feature as u32, threshold, split.missing_go_left)
                }
                _ => (0, 0.0, false),
            };
            nodes.push(Node {
                feature,
                threshold,
                left: NONE,
                right: NONE,
                missing_go_left,
                n_samples: g.n_samples(),
                weighted_n_samples: g.n_samples() as f64,
                impurity: 0.0,
            });
            values.push(g.value);
        }
        Tree::new(nodes, values, 1, self.binned.n_features())
    }
}

/// Partitions `rows` by `split` on `column` (the split feature's bins of every row, `missing`
/// its missing bin), stably (left rows first); returns the number of left rows.
fn partition(
    rows: &mut [u32],
    scratch: &mut Vec<u32>,
    column: &[u8],
    missing: u8,
    split: &SplitInfo,
) -> usize {
    let bin = split.bin as u8;
    let missing_go_left = split.missing_go_left;
    // Without branches: each row is written to both sides and only its own side's end moves
    // on (a left row is written at or before where it was read).
    scratch.resize(rows.len(), 0);
    let (mut write, mut right) = (0, 0);
    for read in 0..rows.len() {
        let row = rows[read];
        let b = column[row as usize];
        // The missing bin is above every split bin.
        let left = (b <= bin) | ((b == missing) & missing_go_left);
        rows[write] = row;
        scratch[right] = row;
        write += usize::from(left);
        right += usize::from(!left);
    }
    rows[write..].copy_from_slice(&scratch[..right]);
    write
}

#[cfg(test)]
impl<'a> Grower<'a> {
    /// The root [`grow`](Self::grow) builds without a given one.
    pub(crate) fn root_alone(&self, g: &[f32], h: &[f32], ws: &mut Workspace) -> Histogram {
        ws.partition.clear();
        ws.partition.extend(0..self.binned.n_rows as u32);
        self.build_root(g, h, ws)
    }

    /// A grower of trees without a leaf or depth limit or shrinkage, for tests.
    pub(crate) fn unbounded(
        binned: &'a BinnedFeatures,
        mapper: &'a BinMapper,
        min_samples_leaf: usize,
        l2_regularization: f64,
        hessians_are_constant: bool,
    ) -> Self {
        Grower {
            binned,
            mapper,
            settings: GrowSettings {
                max_leaf_nodes: None,
                max_depth: None,
                min_samples_leaf,
                l2_regularization,
                shrinkage: 1.0,
                hessians_are_constant,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every bin of a histogram built from `rows` of `binned` (positions), counted row by row.
    fn counted(binned: &BinnedFeatures, rows: &[u32], g: &[f32], h: &[f32]) -> Vec<Bin> {
        let mut bins = vec![Bin::default(); binned.histogram_len];
        for f in 0..binned.n_features() {
            for &row in rows {
                let bin =
                    &mut bins[binned.offsets[f] + usize::from(binned.column(f)[row as usize])];
                bin.g += f64::from(g[row as usize]);
                bin.h += f64::from(h[row as usize]);
                bin.count += 1;
            }
        }
        bins
    }

    /// The root's histogram, whose counts are copied rather than counted, and a node's, counted,
    /// both have every bin's count (default bins of indicator columns included, and with only
    /// numeric columns) and sums.
    #[test]
    fn the_roots_copied_counts_are_its_rows_counts() {
        let n = 3_000;
        let x = crate::boost::mixed_columns(n);
        let rows: Vec<usize> = (0..n).collect();
        let g: Vec<f32> = (0..n)
            .map(|i| ((i * 13) % 17) as f32 * 0.25 - 2.0)
            .collect();
        // With the indicator columns (their rows' bins listed as entries), and without.
        for (width, defaults, constant) in [(4, 2, false), (4, 2, true), (2, 0, false)] {
            let x = x.slice(ndarray::s![.., ..width]);
            let mapper = BinMapper::fit(x, &rows, 255, 0);
            let binned = BinnedFeatures::new(&mapper, x, &rows);
            assert_eq!(binned.default_bins.len(), defaults);
            let h: Vec<f32> = if constant {
                vec![1.0; n]
            } else {
                (0..n)
                    .map(|i| 0.1 + ((i * 7) % 11) as f32 * 0.125)
                    .collect()
            };
            let grower = Grower::unbounded(&binned, &mapper, 1, 0.0, constant);
            let mut ws = Workspace::default();
            ws.partition.extend(0..n as u32);
            for stop in [n, n - 1] {
                let mut histogram = Histogram::zeroed(binned.histogram_len);
                grower.build_histogram(0, stop, &g, &h, &mut ws, &mut histogram);
                assert!(!histogram.is_marked(), "a node too large to mark");
                let expected = counted(&binned, &ws.partition[..stop], &g, &h);
                for (i, (built, expected)) in histogram.bins().iter().zip(&expected).enumerate() {
                    assert_eq!(built.count, expected.count, "bin {i}, {stop} rows");
                    assert!((built.g - expected.g).abs() < 1e-9, "bin {i}, {stop} rows");
                    if !constant {
                        assert!((built.h - expected.h).abs() < 1e-9, "bin {i}, {stop} rows");
                    }
                }
            }
        }
    }
}
