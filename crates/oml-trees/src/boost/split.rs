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

/// An unmarked histogram's feature is scanned by its occupied bins, listed first, when the
/// node has fewer rows than this per bin of the feature: many of its bins are then empty.
const OCCUPIED_FIRST: usize = 2;

/// What the split search of a node needs of the node: its row count, its sums, its loss
/// (`G v`) and the L2 regularization.
struct NodeSums {
    n: u32,
    sum_g: f64,
    sum_h: f64,
    loss: f64,
    l2: f64,
}

impl NodeSums {
    /// The cheap score of the split with these left sums, as `(t², q)` ([`Best`]). Each side's
    /// `D` comes from its own sums, as in [`split_gain`], so that a small side is as exact as
    /// there.
    #[inline]
    fn cheap_score(&self, g_left: f64, h_left: f64) -> (f64, f64) {
        let (g_right, h_right) = (self.sum_g - g_left, self.sum_h - h_left);
        let lambda = self.l2 + 1e-15;
        let (d_left, d_right) = (h_left + lambda, h_right + lambda);
        let t = g_left * d_right - g_right * d_left;
        (t * t, d_left * d_right)
    }
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

/// How far below the best candidate's score a candidate's may be computed and still be
/// computed again exactly, relative to the node's and the best's scores: far above the
/// rounding of either computation.
const CONTENDER_SLACK: f64 = 1e-9;

/// The best candidate split so far, by scikit-learn's gain, and a cheaper score that rules out
/// most candidates before their gain is computed.
///
/// A split's score `G_L²/D_L + G_R²/D_R` exceeds `G²/D` (where `D = D_L + D_R`) by
/// `t² / (D q)`, where `t = G_L D_R - G_R D_L` and `q = D_L D_R`: the gain up to a constant of
/// the node. Its rounding is a few units in the last place of `G²/D` plus that excess. A
/// candidate whose `t² / q` is below the best's by more than [`CONTENDER_SLACK`] cannot have a
/// larger gain, whatever the rounding; the others (a few per feature) have their gain computed
/// as scikit-learn computes it and compared as scikit-learn compares it, so that near ties go
/// the same way.
struct Best {
    found: Option<Found>,
    gain: f64,
    /// The best's `q`, and its `t²` less the slack: a candidate is a contender if
    /// `t² / q >= floor_t2 / q_best`.
    q: f64,
    floor_t2: f64,
}

impl Best {
    /// No candidate yet: every candidate is a contender, and one is taken if its gain is
    /// positive.
    fn new() -> Self {
        Best {
            found: None,
            gain: 0.0,
            q: 1.0,
            floor_t2: -1.0,
        }
    }

    /// Whether a candidate of this `t²` and `q` is a contender: whether it may have a larger
    /// gain than the best.
    #[inline]
    fn may_win(&self, t2: f64, q: f64) -> bool {
        t2 * self.q >= self.floor_t2 * q
    }

    /// Whether the candidate with these left sums has a larger gain than the best, which it
    /// then becomes (the caller records its sums). Scores are compared by cross-multiplying, so
    /// that most candidates cost no division.
    #[inline]
    fn offer(&mut self, g_left: f64, h_left: f64, node: &NodeSums) -> bool {
        let (t2, q) = node.cheap_score(g_left, h_left);
        if !self.may_win(t2, q) {
            return false;
        }
        let (g_right, h_right) = (node.sum_g - g_left, node.sum_h - h_left);
        let gain = split_gain(g_left, h_left, g_right, h_right, node.loss, node.l2);
        let better = gain > self.gain;
        if better {
            self.gain = gain;
            self.q = q;
            let g2 = node.sum_g * node.sum_g;
            self.floor_t2 = t2 - CONTENDER_SLACK * (g2 * q + t2);
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
        let l2 = self.settings.l2_regularization;
        let node = NodeSums {
            n,
            sum_g,
            sum_h,
            loss: sum_g * value,
            l2,
        };
        let found = if self.settings.hessians_are_constant {
            self.find_split_with::<true>(histogram, &node)
        } else {
            self.find_split_with::<false>(histogram, &node)
        };
        let Some((found, gain)) = found else {
            return SplitInfo::none();
        };
        let (g_right, h_right) = (sum_g - found.g_left, sum_h - found.h_left);
        SplitInfo {
            gain,
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

    /// The left side of [`find_split`](Self::find_split)'s best candidate and its gain, with
    /// hessian sums taken as row counts when `CONSTANT`.
    ///
    /// scikit-learn keeps each feature's best split (left to right, then right to left if it
    /// beats it) and then the first feature with the largest gain; keeping one running best over
    /// every candidate in that order, replaced only by a strictly larger gain, picks the same.
    fn find_split_with<const CONSTANT: bool>(
        &self,
        histogram: &Histogram,
        node: &NodeSums,
    ) -> Option<(Found, f64)> {
        let binned = self.binned;
        let mut best = Best::new();
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
            } else if n_bins > MARKED_SCAN && (node.n as usize) < OCCUPIED_FIRST * n_bins {
                // The occupied bins first, without branches: a scan that skipped empty bins
                // itself would mispredict where they alternate.
                // Bins are bytes: a feature has at most 256.
                debug_assert!(last < 256);
                let mut occupied = [0u8; 256];
                let mut k = 0;
                for (b, bin) in bins[..last].iter().enumerate() {
                    occupied[k] = b as u8;
                    k += usize::from(!bin.is_empty());
                }
                let candidates = occupied[..k].iter().map(|&b| {
                    let b = usize::from(b);
                    (b, &bins[b])
                });
                self.scan::<CONSTANT>(f, bins, has_missing, node, &mut best, candidates);
            } else {
                let candidates = bins[..last].iter().enumerate();
                self.scan::<CONSTANT>(f, bins, has_missing, node, &mut best, candidates);
            }
        }
        best.found.map(|found| (found, best.gain))
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
        let (n, sum_g, sum_h) = (node.n, node.sum_g, node.sum_h);
        let hessian = |b: &Bin| if CONSTANT { f64::from(b.count) } else { b.h };
        let missing = &bins[n_bins];
        // A node without missing values of the feature has only the first kind of candidate:
        // the others have the same rows on each side.
        let has_missing = has_missing && !missing.is_empty();
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
        let offer =
            |best: &mut Best, bin: usize, missing_go_left: bool, n_l: u32, h_l: f64, g_l: f64| {
                let h_right = sum_h - h_l;
                if valid(n_l, h_l, h_right) && best.offer(g_l, h_l, node) {
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
            if has_missing {
                // Both of the bin's candidates through the cheap score first: most cannot win.
                let (h_m, g_m) = (h_left + h_missing, g_left + g_missing);
                let (t2, q) = node.cheap_score(g_left, h_left);
                let (t2_m, q_m) = node.cheap_score(g_m, h_m);
                let right_may_win = best.may_win(t2, q);
                let left_may_win = best.may_win(t2_m, q_m);
                // Missing values on the right, then on the left.
                if right_may_win {
                    offer(best, b, false, n_left, h_left, g_left);
                }
                if left_may_win {
                    offer(best, b, true, n_left + n_missing, h_m, g_m);
                }
            } else {
                offer(best, b, false, n_left, h_left, g_left);
            }
        }
        if has_missing {
            // Every non-missing row on the left, the missing ones on the right.
            offer(
                best,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::boost::bins::{BinMapper, BinnedFeatures};
    use ndarray::Array2;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// The split search without the cheap score, candidate by candidate in the same order:
    /// every valid candidate's gain from `split_gain` (scikit-learn's formula), the first of
    /// the largest positive ones. Hessian sums are row counts when `constant`. Returns
    /// (feature, bin, missing left, gain).
    fn brute_force(
        binned: &BinnedFeatures,
        histogram: &Histogram,
        node: &NodeSums,
        (min_leaf, l2, constant): (u32, f64, bool),
    ) -> Option<(usize, usize, bool, f64)> {
        let hessian = |b: &Bin| if constant { f64::from(b.count) } else { b.h };
        let mut best: Option<(usize, usize, bool, f64)> = None;
        let mut consider = |f, b, left: bool, n_l: u32, h_l: f64, g_l: f64| {
            let h_r = node.sum_h - h_l;
            let valid = n_l >= min_leaf
                && node.n - n_l >= min_leaf
                && h_l >= MIN_HESSIAN_TO_SPLIT
                && h_r >= MIN_HESSIAN_TO_SPLIT;
            if !valid {
                return;
            }
            let gain = split_gain(g_l, h_l, node.sum_g - g_l, h_r, node.loss, l2);
            if gain > best.map_or(0.0, |b| b.3) {
                best = Some((f, b, left, gain));
            }
        };
        for f in 0..binned.n_features() {
            let offset = binned.offsets[f];
            let n_bins = binned.n_bins_non_missing[f];
            let bins = &histogram.bins()[offset..offset + n_bins + 1];
            let missing = bins[n_bins];
            let (mut n_l, mut h_l, mut g_l) = (0, 0.0, 0.0);
            for (b, bin) in bins[..n_bins - 1].iter().enumerate() {
                if bin.is_empty() {
                    continue;
                }
                (n_l, h_l, g_l) = (n_l + bin.count, h_l + hessian(bin), g_l + bin.g);
                consider(f, b, false, n_l, h_l, g_l);
                if !missing.is_empty() {
                    let h_m = h_l + hessian(&missing);
                    consider(f, b, true, n_l + missing.count, h_m, g_l + missing.g);
                }
            }
            if !missing.is_empty() {
                let (n, h, g) = (
                    node.n - missing.count,
                    node.sum_h - hessian(&missing),
                    node.sum_g - missing.g,
                );
                consider(f, n_bins - 1, false, n, h, g);
            }
        }
        best
    }

    #[test]
    fn the_split_search_takes_the_first_largest_gain_among_near_ties() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut tables = 0;
        for case in 0..2000 {
            let n = rng.gen_range(20..120);
            let n_features = rng.gen_range(1..12);
            // Few distinct values, gradients and hessians, none of them exact in binary: many
            // candidates tie but for rounding.
            // Features of many bins in few rows are scanned by their occupied bins.
            let levels = if case % 3 == 0 {
                rng.gen_range(20..300)
            } else {
                rng.gen_range(2..8)
            };
            let x = Array2::from_shape_fn((n, n_features), |_| {
                if rng.gen_bool(0.1) {
                    f64::NAN
                } else {
                    f64::from(rng.gen_range(0..levels))
                }
            });
            let g: Vec<f64> = (0..n)
                .map(|_| [-0.7, 0.3][rng.gen_range(0..2)] / 3.0)
                .collect();
            // Hessians of one value, or of two far apart (a side of a few rows of tiny
            // hessians has a small `D`), or row counts.
            let constant = case % 5 == 4;
            let h: Vec<f64> = (0..n)
                .map(|_| match case % 3 {
                    0 => 0.21,
                    1 => [0.21, 1e-4][rng.gen_range(0..2)],
                    _ => 0.09,
                })
                .map(|h| if constant { 1.0 } else { h })
                .collect();
            let rows: Vec<usize> = (0..n).collect();
            let mapper = BinMapper::fit(x.view(), &rows, 255, 0);
            let binned = BinnedFeatures::new(&mapper, x.view(), &rows);
            // Some histograms mark their occupied bins, which are then scanned.
            let marked = case % 4 == 1;
            let mut histogram = Histogram::zeroed(binned.histogram_len);
            if !marked {
                histogram.unmark();
            }
            for f in 0..n_features {
                for (row, &b) in binned.column(f).iter().enumerate() {
                    let i = binned.offsets[f] + usize::from(b);
                    let bin = &mut histogram.bins_mut()[i];
                    (bin.g, bin.h, bin.count) = (bin.g + g[row], bin.h + h[row], bin.count + 1);
                    if marked {
                        histogram.mark(i);
                    }
                }
            }
            let min_leaf = rng.gen_range(1..10);
            let l2 = [0.0, 0.5, 1e-3][case % 3];
            let grower = Grower::unbounded(&binned, &mapper, min_leaf, l2, constant);
            let (sum_g, sum_h) = (g.iter().sum::<f64>(), h.iter().sum::<f64>());
            let value = node_value(sum_g, sum_h, l2);
            let split = grower.find_split(&histogram, n as u32, sum_g, sum_h, value);
            let node = NodeSums {
                n: n as u32,
                sum_g,
                sum_h,
                loss: sum_g * value,
                l2,
            };
            let settings = (min_leaf as u32, l2, constant);
            let expected = brute_force(&binned, &histogram, &node, settings);
            match expected {
                Some((feature, bin, missing_go_left, gain)) => {
                    tables += 1;
                    let found = (split.feature, split.bin, split.missing_go_left, split.gain);
                    assert_eq!(found, (feature, bin, missing_go_left, gain), "case {case}");
                }
                None => assert!(split.gain <= 0.0, "case {case}"),
            }
        }
        assert!(tables > 1500, "{tables}");
    }
}
