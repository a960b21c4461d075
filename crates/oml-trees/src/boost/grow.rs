//! Growing one tree on gradients and hessians, as scikit-learn's `TreeGrower` and `Splitter`:
//! a histogram of gradient and hessian sums per (feature, bin) at each node, the smaller child's
//! histogram built from its rows and its sibling's by subtraction from the parent's, and the
//! node of largest gain split first (leaf-wise) until `max_leaf_nodes` leaves.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::boost::bins::{BinMapper, BinnedFeatures};
use crate::tree::{NONE, Node, Tree};

/// A node whose hessian sum is below this is not split (scikit-learn's
/// `min_hessian_to_split`).
const MIN_HESSIAN_TO_SPLIT: f64 = 1e-3;

/// The sums of one histogram bin.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Bin {
    g: f64,
    h: f64,
    count: u32,
}

impl Bin {
    /// Whether no row falls in the bin. A candidate split after an empty bin has the same rows
    /// on each side as the one before it (the same sums, up to a rounding residue a subtracted
    /// histogram can leave), so scans skip it.
    #[inline]
    fn is_empty(&self) -> bool {
        self.count == 0
    }
}

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

/// The best split of a node.
#[derive(Debug, Clone, Copy)]
struct SplitInfo {
    gain: f64,
    feature: usize,
    /// Rows in bins up to this one go left.
    bin: usize,
    missing_go_left: bool,
    g_left: f64,
    h_left: f64,
    n_left: u32,
    g_right: f64,
    h_right: f64,
    value_left: f64,
    value_right: f64,
}

impl SplitInfo {
    fn none() -> Self {
        SplitInfo {
            gain: -1.0,
            feature: 0,
            bin: 0,
            missing_go_left: false,
            g_left: 0.0,
            h_left: 0.0,
            n_left: 0,
            g_right: 0.0,
            h_right: 0.0,
            value_left: 0.0,
            value_right: 0.0,
        }
    }
}

/// What the split search of a node needs of the node: its row count, sums and loss (`G v`).
struct NodeSums {
    n: u32,
    sum_g: f64,
    sum_h: f64,
    loss: f64,
}

/// The left side of the best candidate split so far.
struct Found {
    feature: usize,
    bin: usize,
    missing_go_left: bool,
    g_left: f64,
    h_left: f64,
    n_left: u32,
}

/// The best candidate split so far, with its score `G_L²/D_L + G_R²/D_R` (where
/// `D = H + l2 + 1e-15`) as the fraction `numerator / denominator`.
struct Best {
    found: Option<Found>,
    numerator: f64,
    denominator: f64,
}

impl Best {
    /// Whether the candidate with these sums has a positive gain (the node's loss plus its
    /// score) larger than the best's, which it then becomes (the caller records its sums).
    /// Fractions are compared by cross-multiplying, so a candidate costs no division.
    #[inline]
    fn offer(
        &mut self,
        g_left: f64,
        h_left: f64,
        g_right: f64,
        h_right: f64,
        loss: f64,
        l2: f64,
    ) -> bool {
        let d_left = h_left + l2 + 1e-15;
        let d_right = h_right + l2 + 1e-15;
        let numerator = g_left * g_left * d_right + g_right * g_right * d_left;
        let denominator = d_left * d_right;
        let better = if self.found.is_some() {
            numerator * self.denominator > self.numerator * denominator
        } else {
            numerator + loss * denominator > 0.0
        };
        if better {
            self.numerator = numerator;
            self.denominator = denominator;
        }
        better
    }
}

/// A node while the tree grows: the rows `partition[start..stop]`.
#[derive(Debug, Clone)]
struct GrowNode {
    start: usize,
    stop: usize,
    depth: usize,
    sum_g: f64,
    sum_h: f64,
    value: f64,
    split: Option<SplitInfo>,
    histogram: Option<Vec<Bin>>,
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
    scratch: Vec<u32>,
    free_histograms: Vec<Vec<Bin>>,
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
    /// values (shrinkage applied) at leaves and the unshrunk Newton step elsewhere.
    pub fn grow(&self, g: &[f32], h: &[f32], raw: &mut [f64], ws: &mut Workspace) -> Tree {
        let n = self.binned.n_rows;
        let s = &self.settings;
        ws.partition.clear();
        ws.partition.extend(0..n as u32);
        let mut histogram = self.take_histogram(ws);
        let (sum_g, sum_h) = self.build_histogram(0, n, g, h, ws, &mut histogram);
        let mut nodes = vec![GrowNode {
            start: 0,
            stop: n,
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
            let mid = self.partition(start, stop, &split, ws);
            if !self.binned.has_missing[split.feature] {
                // No training row misses this feature: missing values at prediction go to
                // the child with more rows.
                split.missing_go_left = mid - start > stop - mid;
            }
            nodes[id].split = Some(split);
            let (left, right) = (nodes.len(), nodes.len() + 1);
            nodes[id].children = Some((left, right));
            for (a, b, sum_g, sum_h, value) in [
                (start, mid, split.g_left, split.h_left, split.value_left),
                (mid, stop, split.g_right, split.h_right, split.value_right),
            ] {
                nodes.push(GrowNode {
                    start: a,
                    stop: b,
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
            for (l, s) in large_histogram.iter_mut().zip(&small_histogram) {
                l.g -= s.g;
                l.h -= s.h;
                l.count -= s.count;
            }
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

    fn take_histogram(&self, ws: &mut Workspace) -> Vec<Bin> {
        let mut histogram = ws.free_histograms.pop().unwrap_or_default();
        histogram.clear();
        histogram.resize(self.binned.histogram_len, Bin::default());
        histogram
    }

    /// The histogram of rows `partition[start..stop]` (zeroed), and the rows' gradient and
    /// hessian sums. Each row adds its gradient and hessian to the bins that are not their
    /// feature's default, in row order; each default bin is then the totals less the feature's
    /// other bins.
    fn build_histogram(
        &self,
        start: usize,
        stop: usize,
        g: &[f32],
        h: &[f32],
        ws: &mut Workspace,
        histogram: &mut [Bin],
    ) -> (f64, f64) {
        let binned = self.binned;
        let constant = self.settings.hessians_are_constant;
        let rows = &ws.partition[start..stop];
        let sparse = !binned.entries.is_empty();
        let (sum_g, sum_h) = match (constant, sparse) {
            (true, true) => self.add_rows::<true, true>(rows, g, h, histogram),
            (true, false) => self.add_rows::<true, false>(rows, g, h, histogram),
            (false, true) => self.add_rows::<false, true>(rows, g, h, histogram),
            (false, false) => self.add_rows::<false, false>(rows, g, h, histogram),
        };
        let n = (stop - start) as u32;
        for &(f, default) in &binned.default_bins {
            let offset = binned.offsets[f];
            let bins = &mut histogram[offset..offset + binned.n_bins_non_missing[f] + 1];
            let (mut g, mut h, mut count) = (sum_g, sum_h, n);
            for bin in bins.iter() {
                g -= bin.g;
                h -= bin.h;
                count -= bin.count;
            }
            bins[usize::from(default)] = Bin { g, h, count };
        }
        let sum_h = if constant { f64::from(n) } else { sum_h };
        (sum_g, sum_h)
    }

    /// Adds each of `rows` to the bins of its features without a default bin and, when
    /// `SPARSE`, to those of its entries, with hessians taken as 1 (and not summed) when
    /// `CONSTANT`; returns the rows' gradient and hessian sums.
    fn add_rows<const CONSTANT: bool, const SPARSE: bool>(
        &self,
        rows: &[u32],
        g: &[f32],
        h: &[f32],
        histogram: &mut [Bin],
    ) -> (f64, f64) {
        let binned = self.binned;
        let (mut sum_g, mut sum_h) = (0.0, 0.0);
        let mut add = |i: usize, gradient: f64, hessian: f64| {
            let bin = &mut histogram[i];
            bin.g += gradient;
            if !CONSTANT {
                bin.h += hessian;
            }
            bin.count += 1;
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

    /// The best split of a node over every feature: the largest gain, ties to the first
    /// feature; a gain of -1 if no split keeps `min_samples_leaf` rows and
    /// [`MIN_HESSIAN_TO_SPLIT`] on both sides.
    fn find_split(
        &self,
        histogram: &[Bin],
        n: u32,
        sum_g: f64,
        sum_h: f64,
        value: f64,
    ) -> SplitInfo {
        let node = NodeSums {
            n,
            sum_g,
            sum_h,
            loss: sum_g * value,
        };
        if self.settings.hessians_are_constant {
            self.find_split_with::<true>(histogram, &node)
        } else {
            self.find_split_with::<false>(histogram, &node)
        }
    }

    /// [`find_split`](Self::find_split), with hessian sums taken as row counts when
    /// `CONSTANT`.
    ///
    /// scikit-learn keeps each feature's best split (left to right, then right to left if it
    /// beats it) and then the first feature with the largest gain; keeping one running best over
    /// every candidate in that order, replaced only by a strictly larger gain, picks the same.
    fn find_split_with<const CONSTANT: bool>(
        &self,
        histogram: &[Bin],
        node: &NodeSums,
    ) -> SplitInfo {
        let binned = self.binned;
        let mut best = Best {
            found: None,
            numerator: 0.0,
            denominator: 1.0,
        };
        for f in 0..binned.n_features() {
            let offset = binned.offsets[f];
            let n_bins = binned.n_bins_non_missing[f];
            let bins = &histogram[offset..offset + n_bins + 1];
            let has_missing = binned.has_missing[f];
            self.scan::<CONSTANT>(f, bins, n_bins, has_missing, node, &mut best);
        }
        let Some(found) = best.found else {
            return SplitInfo::none();
        };
        let l2 = self.settings.l2_regularization;
        let (g_right, h_right) = (node.sum_g - found.g_left, node.sum_h - found.h_left);
        SplitInfo {
            gain: split_gain(found.g_left, found.h_left, g_right, h_right, node.loss, l2),
            feature: found.feature,
            bin: found.bin,
            missing_go_left: found.missing_go_left,
            g_left: found.g_left,
            h_left: found.h_left,
            n_left: found.n_left,
            g_right,
            h_right,
            value_left: node_value(found.g_left, found.h_left, l2),
            value_right: node_value(g_right, h_right, l2),
        }
    }

    /// Scans the bins of feature `f` once, left to right, offering `best` the split after each
    /// non-empty bin with the missing values on the right and, if the feature has missing
    /// values, on the left too; and, with missing values, the split of the missing rows from
    /// all the others. These are scikit-learn's candidates (its left-to-right scan, then its
    /// right-to-left one), visited in one pass.
    fn scan<const CONSTANT: bool>(
        &self,
        f: usize,
        bins: &[Bin],
        n_bins: usize,
        has_missing: bool,
        node: &NodeSums,
        best: &mut Best,
    ) {
        let s = &self.settings;
        let min_leaf = s.min_samples_leaf as u32;
        let l2 = s.l2_regularization;
        let (n, sum_g, sum_h) = (node.n, node.sum_g, node.sum_h);
        let hessian = |b: &Bin| if CONSTANT { f64::from(b.count) } else { b.h };
        let missing = &bins[n_bins];
        // With the missing values on the left, the left side is the prefix plus these.
        let (n_missing, h_missing, g_missing) = if has_missing {
            (missing.count, hessian(missing), missing.g)
        } else {
            (0, 0.0, 0.0)
        };
        let valid = |n_left: u32, h_left: f64, h_right: f64| {
            n_left >= min_leaf
                && n - n_left >= min_leaf
                && h_left >= MIN_HESSIAN_TO_SPLIT
                && h_right >= MIN_HESSIAN_TO_SPLIT
        };

        let (mut n_left, mut h_left, mut g_left) = (0u32, 0.0, 0.0);
        // The last non-missing bin ends a scan: every non-missing row on the left.
        for (b, bin) in bins[..n_bins - 1].iter().enumerate() {
            if bin.is_empty() {
                continue;
            }
            n_left += bin.count;
            h_left += hessian(bin);
            g_left += bin.g;
            // Missing values on the right.
            if n - n_left < min_leaf {
                break;
            }
            let h_right = sum_h - h_left;
            if valid(n_left, h_left, h_right)
                && best.offer(g_left, h_left, sum_g - g_left, h_right, node.loss, l2)
            {
                best.found = Some(Found {
                    feature: f,
                    bin: b,
                    missing_go_left: false,
                    g_left,
                    h_left,
                    n_left,
                });
            }
            // Missing values on the left.
            if has_missing {
                let (n_l, h_l, g_l) = (n_left + n_missing, h_left + h_missing, g_left + g_missing);
                let h_right = sum_h - h_l;
                if valid(n_l, h_l, h_right)
                    && best.offer(g_l, h_l, sum_g - g_l, h_right, node.loss, l2)
                {
                    best.found = Some(Found {
                        feature: f,
                        bin: b,
                        missing_go_left: true,
                        g_left: g_l,
                        h_left: h_l,
                        n_left: n_l,
                    });
                }
            }
        }
        if has_missing {
            // Every non-missing row on the left, the missing ones on the right.
            let (n_l, h_l, g_l) = (n - n_missing, sum_h - h_missing, sum_g - g_missing);
            let h_right = sum_h - h_l;
            if valid(n_l, h_l, h_right) && best.offer(g_l, h_l, sum_g - g_l, h_right, node.loss, l2)
            {
                best.found = Some(Found {
                    feature: f,
                    bin: n_bins - 1,
                    missing_go_left: false,
                    g_left: g_l,
                    h_left: h_l,
                    n_left: n_l,
                });
            }
        }
    }

    /// Partitions rows `partition[start..stop]` by `split`, stably (left rows first); returns
    /// where the right rows start.
    fn partition(&self, start: usize, stop: usize, split: &SplitInfo, ws: &mut Workspace) -> usize {
        let column = self.binned.column(split.feature);
        let missing = self.binned.n_bins_non_missing[split.feature] as u8;
        let bin = split.bin as u8;
        let missing_go_left = split.missing_go_left;
        // Without branches: each row is written to both sides and only its own side's end
        // moves on (a left row is written at or before where it was read).
        ws.scratch.resize(stop - start, 0);
        let (mut write, mut right) = (start, 0);
        for read in start..stop {
            let row = ws.partition[read];
            let b = column[row as usize];
            // The missing bin is above every split bin.
            let left = (b <= bin) | ((b == missing) & missing_go_left);
            ws.partition[write] = row;
            ws.scratch[right] = row;
            write += usize::from(left);
            right += usize::from(!left);
        }
        ws.partition[write..stop].copy_from_slice(&ws.scratch[..right]);
        debug_assert_eq!(write - start, split.n_left as usize);
        write
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
        Tree {
            nodes,
            values,
            n_outputs: 1,
            n_features: self.binned.n_features(),
        }
    }
}

/// The Newton step of a node: `-G / (H + l2)` (scikit-learn's `compute_node_value`).
fn node_value(sum_g: f64, sum_h: f64, l2: f64) -> f64 {
    -sum_g / (sum_h + l2 + 1e-15)
}

/// The loss decrease of a split: the node's loss `G v` less its children's, each at its own
/// Newton step (scikit-learn's `_split_gain`).
fn split_gain(g_left: f64, h_left: f64, g_right: f64, h_right: f64, loss: f64, l2: f64) -> f64 {
    let value_left = node_value(g_left, h_left, l2);
    let value_right = node_value(g_right, h_right, l2);
    loss - g_left * value_left - g_right * value_right
}
