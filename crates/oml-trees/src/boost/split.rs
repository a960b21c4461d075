//! The split search of a node, as scikit-learn's `Splitter.find_node_split`: every candidate
//! split of every feature from the node's histogram, the best by gain.

use crate::boost::grow::Grower;
use crate::boost::histogram::{Bin, Histogram};

/// A node whose hessian sum is below this is not split (scikit-learn's
/// `min_hessian_to_split`).
pub(crate) const MIN_HESSIAN_TO_SPLIT: f64 = 1e-3;

/// The best split of a node.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SplitInfo {
    pub gain: f64,
    pub feature: usize,
    /// Rows in bins up to this one go left.
    pub bin: usize,
    pub missing_go_left: bool,
    pub g_left: f64,
    pub h_left: f64,
    pub n_left: u32,
    pub g_right: f64,
    pub h_right: f64,
    pub value_left: f64,
    pub value_right: f64,
}

impl SplitInfo {
    /// No split: a gain of -1, below any split's.
    pub(crate) fn none() -> Self {
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

/// A feature of more bins than this is scanned by its marked bins where the histogram is
/// marked.
const MARKED_SCAN: usize = 16;

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

impl Grower<'_> {
    /// The best split of a node over every feature: the largest gain, ties to the first
    /// feature; a gain of -1 if no split keeps `min_samples_leaf` rows and
    /// [`MIN_HESSIAN_TO_SPLIT`] on both sides.
    pub(crate) fn find_split(
        &self,
        histogram: &Histogram,
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
        histogram: &Histogram,
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
            let bins = &histogram.bins()[offset..offset + n_bins + 1];
            let has_missing = binned.has_missing[f];
            // The last non-missing bin ends a scan: every non-missing row on the left. Every
            // feature has at least one non-missing bin (its thresholds plus one).
            let last = n_bins - 1;
            if histogram.is_marked() && n_bins > MARKED_SCAN {
                // The others are zero, so empty, and skipped.
                let marked = histogram.marked_in(offset, offset + last);
                let candidates = marked.map(|i| (i - offset, &bins[i - offset]));
                self.scan::<CONSTANT>(f, bins, has_missing, node, &mut best, candidates);
            } else {
                let candidates = bins[..last].iter().enumerate();
                self.scan::<CONSTANT>(f, bins, has_missing, node, &mut best, candidates);
            }
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
    fn scan<'b, const CONSTANT: bool>(
        &self,
        f: usize,
        bins: &[Bin],
        has_missing: bool,
        node: &NodeSums,
        best: &mut Best,
        candidates: impl Iterator<Item = (usize, &'b Bin)>,
    ) {
        let n_bins = bins.len() - 1;
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

        // Offers the split after `bin` with these left sums (the right ones follow).
        let mut offer = |bin: usize, missing_go_left: bool, n_l: u32, h_l: f64, g_l: f64| {
            let h_right = sum_h - h_l;
            if valid(n_l, h_l, h_right) && best.offer(g_l, h_l, sum_g - g_l, h_right, node.loss, l2)
            {
                best.found = Some(Found {
                    feature: f,
                    bin,
                    missing_go_left,
                    g_left: g_l,
                    h_left: h_l,
                    n_left: n_l,
                });
            }
        };

        let (mut n_left, mut h_left, mut g_left) = (0u32, 0.0, 0.0);
        for (b, bin) in candidates {
            if bin.is_empty() {
                continue;
            }
            n_left += bin.count;
            h_left += hessian(bin);
            g_left += bin.g;
            if n - n_left < min_leaf {
                break;
            }
            // Missing values on the right, then on the left.
            offer(b, false, n_left, h_left, g_left);
            if has_missing {
                offer(
                    b,
                    true,
                    n_left + n_missing,
                    h_left + h_missing,
                    g_left + g_missing,
                );
            }
        }
        if has_missing {
            // Every non-missing row on the left, the missing ones on the right.
            offer(
                n_bins - 1,
                false,
                n - n_missing,
                sum_h - h_missing,
                sum_g - g_missing,
            );
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
