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
    /// The cheap score of a split with these sides, as `(t², q)` ([`Best`]). Each side's `D`
    /// comes from its own sums, as in [`split_gain`], so that a small side is as exact as
    /// there.
    #[inline]
    fn cheap_score(&self, sides: &Sides) -> (f64, f64) {
        let lambda = self.l2 + 1e-15;
        let (d_left, d_right) = (sides.h_left + lambda, sides.h_right + lambda);
        let t = sides.g_left * d_right - sides.g_right * d_left;
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

impl Found {
    /// The split of `feature` after `bin` with these sides.
    #[inline]
    fn new(feature: usize, bin: usize, missing_go_left: bool, sides: &Sides) -> Self {
        Found {
            feature,
            bin,
            missing_go_left,
            g_left: sides.g_left,
            h_left: sides.h_left,
            n_left: sides.n_left,
        }
    }
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

    /// Whether a candidate of this cheap score `(t², q)` is a contender: whether it may have a
    /// larger gain than the best.
    #[inline]
    fn may_win(&self, (t2, q): (f64, f64)) -> bool {
        t2 * self.q >= self.floor_t2 * q
    }

    /// Whether the candidate with these sides and cheap score (a contender: [`may_win`]) has
    /// a larger gain than the best, which it then becomes (the caller records its sums).
    ///
    /// [`may_win`]: Self::may_win
    #[inline]
    fn take(&mut self, sides: &Sides, node: &NodeSums, (t2, q): (f64, f64)) -> bool {
        let gain = split_gain(sides, node.loss, node.l2);
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
            // A feature with missing values in the training rows is scanned both ways in every
            // node, as scikit-learn scans it, and its last non-missing bin then ends a
            // candidate (the missing rows alone on the right); otherwise that bin ends the scan.
            // Every feature has at least one non-missing bin (its thresholds plus one).
            let has_missing = binned.has_missing[f];
            let end = n_bins - usize::from(!has_missing);
            if histogram.is_marked() && n_bins > MARKED_SCAN {
                // The others are zero, so empty, and skipped.
                let at = |i: usize| (i - offset, &bins[i - offset]);
                let up = histogram.marked_in(offset, offset + end).map(at);
                let down = histogram.marked_in_rev(offset + 1, offset + n_bins).map(at);
                self.scan_feature::<CONSTANT>(f, has_missing, node, &mut best, up, down);
            } else if n_bins > MARKED_SCAN && (node.n as usize) < OCCUPIED_FIRST * n_bins {
                // The occupied bins first, without branches: a scan that skipped empty bins
                // itself would mispredict where they alternate.
                // Bins are bytes: a feature has at most 256.
                debug_assert!(n_bins <= 256);
                let mut occupied = [0u8; 256];
                let mut k = 0;
                for (b, bin) in bins[..n_bins].iter().enumerate() {
                    occupied[k] = b as u8;
                    k += usize::from(!bin.is_empty());
                }
                let occupied = &occupied[..k];
                let at = |&b: &u8| (usize::from(b), &bins[usize::from(b)]);
                let up = occupied.iter().map(at).take_while(|&(b, _)| b < end);
                let down = occupied.iter().rev().map(at).take_while(|&(b, _)| b > 0);
                self.scan_feature::<CONSTANT>(f, has_missing, node, &mut best, up, down);
            } else {
                let up = bins[..end].iter().enumerate();
                let down = bins[..n_bins].iter().enumerate().skip(1).rev();
                self.scan_feature::<CONSTANT>(f, has_missing, node, &mut best, up, down);
            }
        }
        best.found.map(|found| (found, best.gain))
    }

    /// scikit-learn's scans of feature `f`: left to right over `up` (its bins in increasing
    /// order), then, if the feature has missing training values, right to left over `down`
    /// (those above the first, in decreasing order; see [`scan`](Self::scan)), only read then.
    fn scan_feature<'b, const CONSTANT: bool>(
        &self,
        f: usize,
        has_missing: bool,
        node: &NodeSums,
        best: &mut Best,
        up: impl Iterator<Item = (usize, &'b Bin)>,
        down: impl Iterator<Item = (usize, &'b Bin)>,
    ) {
        self.scan::<CONSTANT, false>(f, node, best, up);
        if has_missing {
            self.scan::<CONSTANT, true>(f, node, best, down);
        }
    }

    /// One of scikit-learn's scans of feature `f`, offering `best` a split at each non-empty
    /// bin of `candidates`, which add up on one side:
    /// - `MISSING_LEFT` false, left to right (every feature): `candidates` are the bins in
    ///   increasing order, the split is after each, the missing values go right, and the left
    ///   side's sums are added bin by bin from the first;
    /// - `MISSING_LEFT` true, right to left (made after the other, for a feature with missing
    ///   values): `candidates` are the bins above the first in decreasing order, the split is
    ///   below each, the missing values go left, and the right side's sums are added bin by bin
    ///   from the last, the left ones being the node's less them, as scikit-learn computes them.
    ///   The split is named by the highest bin of those that give it (the empty bins below the
    ///   one added), which scikit-learn, scanning down, meets first.
    fn scan<'b, const CONSTANT: bool, const MISSING_LEFT: bool>(
        &self,
        f: usize,
        node: &NodeSums,
        best: &mut Best,
        candidates: impl Iterator<Item = (usize, &'b Bin)>,
    ) {
        let min_leaf = self.settings.min_samples_leaf as u32;
        let (n, sum_g, sum_h) = (node.n, node.sum_g, node.sum_h);
        // The sums of the side the bins add up on.
        let (mut n_added, mut h_added, mut g_added) = (0u32, 0.0, 0.0);
        for (b, bin) in candidates {
            if bin.is_empty() {
                continue;
            }
            n_added += bin.count;
            h_added += hessian::<CONSTANT>(bin);
            g_added += bin.g;
            if n - n_added < min_leaf {
                break;
            }
            let (n_left, g_left, h_left, g_right, h_right) = if MISSING_LEFT {
                (
                    n - n_added,
                    sum_g - g_added,
                    sum_h - h_added,
                    g_added,
                    h_added,
                )
            } else {
                (n_added, g_added, h_added, sum_g - g_added, sum_h - h_added)
            };
            let sides = Sides {
                n_left,
                g_left,
                h_left,
                g_right,
                h_right,
            };
            // The cheap score first: most candidates cannot win, and it needs no branch.
            let score = node.cheap_score(&sides);
            if best.may_win(score) && sides.valid(n, min_leaf) && best.take(&sides, node, score) {
                let bin = if MISSING_LEFT { b - 1 } else { b };
                best.found = Some(Found::new(f, bin, MISSING_LEFT, &sides));
            }
        }
    }
}

/// A bin's hessian sum, its row count when hessians are `CONSTANT`.
#[inline]
fn hessian<const CONSTANT: bool>(bin: &Bin) -> f64 {
    if CONSTANT {
        f64::from(bin.count)
    } else {
        bin.h
    }
}

/// The two sides of a candidate split: the left one's rows and both sides' sums, each
/// computed as scikit-learn's scan in that direction computes it.
struct Sides {
    n_left: u32,
    g_left: f64,
    h_left: f64,
    g_right: f64,
    h_right: f64,
}

impl Sides {
    /// Whether each side keeps `min_leaf` of the node's `n` rows and
    /// [`MIN_HESSIAN_TO_SPLIT`].
    #[inline]
    fn valid(&self, n: u32, min_leaf: u32) -> bool {
        self.n_left >= min_leaf
            && n - self.n_left >= min_leaf
            && self.h_left >= MIN_HESSIAN_TO_SPLIT
            && self.h_right >= MIN_HESSIAN_TO_SPLIT
    }
}

/// The Newton step of a node: `-G / (H + l2)` (scikit-learn's `compute_node_value`).
fn node_value(sum_g: f64, sum_h: f64, l2: f64) -> f64 {
    -sum_g / (sum_h + l2 + 1e-15)
}

/// The loss decrease of a split: the node's loss `G v` less its children's, each at its own
/// Newton step (scikit-learn's `_split_gain`).
fn split_gain(sides: &Sides, loss: f64, l2: f64) -> f64 {
    let value_left = node_value(sides.g_left, sides.h_left, l2);
    let value_right = node_value(sides.g_right, sides.h_right, l2);
    loss - sides.g_left * value_left - sides.g_right * value_right
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::boost::bins::{BinMapper, BinnedFeatures};
    use ndarray::Array2;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// scikit-learn's split search, transliterated: per feature its left-to-right scan over
    /// every bin (empty ones included), then, if the feature has missing values, its
    /// right-to-left scan, each with its own sums and `continue`/`break`, replaced only by a
    /// strictly larger gain; then the first feature with the largest gain. Hessian sums are row
    /// counts when `constant`. Returns (feature, bin, missing left, gain).
    fn scikit_learn(
        binned: &BinnedFeatures,
        histogram: &Histogram,
        node: &NodeSums,
        (min_leaf, l2, constant): (u32, f64, bool),
    ) -> Option<(usize, usize, bool, f64)> {
        let hessian = |b: &Bin| if constant { f64::from(b.count) } else { b.h };
        let gain = |g_l, h_l, g_r, h_r| {
            let sides = Sides {
                n_left: 0,
                g_left: g_l,
                h_left: h_l,
                g_right: g_r,
                h_right: h_r,
            };
            split_gain(&sides, node.loss, l2)
        };
        let (n, sum_g, sum_h) = (node.n, node.sum_g, node.sum_h);
        let mut best: Option<(usize, usize, bool, f64)> = None;
        for f in 0..binned.n_features() {
            let offset = binned.offsets[f];
            let n_bins = binned.n_bins_non_missing[f];
            let has_missing = binned.has_missing[f];
            let bins = &histogram.bins()[offset..offset + n_bins + 1];
            let mut feature_best: Option<(usize, bool, f64)> = None;
            let beats = |best: &Option<(usize, bool, f64)>, gain: f64| {
                gain > best.map_or(-1.0, |b| b.2) && gain > 0.0
            };
            let (mut n_l, mut h_l, mut g_l) = (0, 0.0, 0.0);
            for (b, bin) in bins[..n_bins - 1 + usize::from(has_missing)]
                .iter()
                .enumerate()
            {
                (n_l, h_l, g_l) = (n_l + bin.count, h_l + hessian(bin), g_l + bin.g);
                let (n_r, h_r, g_r) = (n - n_l, sum_h - h_l, sum_g - g_l);
                if n_l < min_leaf || h_l < MIN_HESSIAN_TO_SPLIT {
                    continue;
                }
                if n_r < min_leaf || h_r < MIN_HESSIAN_TO_SPLIT {
                    break;
                }
                let gain = gain(g_l, h_l, g_r, h_r);
                if beats(&feature_best, gain) {
                    feature_best = Some((b, false, gain));
                }
            }
            if has_missing {
                let (mut n_r, mut h_r, mut g_r) = (0, 0.0, 0.0);
                for b in (0..n_bins - 1).rev() {
                    let bin = &bins[b + 1];
                    (n_r, h_r, g_r) = (n_r + bin.count, h_r + hessian(bin), g_r + bin.g);
                    let (n_l, h_l, g_l) = (n - n_r, sum_h - h_r, sum_g - g_r);
                    if n_r < min_leaf || h_r < MIN_HESSIAN_TO_SPLIT {
                        continue;
                    }
                    if n_l < min_leaf || h_l < MIN_HESSIAN_TO_SPLIT {
                        break;
                    }
                    let gain = gain(g_l, h_l, g_r, h_r);
                    if beats(&feature_best, gain) {
                        feature_best = Some((b, true, gain));
                    }
                }
            }
            if let Some((b, left, gain)) = feature_best
                && gain > best.map_or(-1.0, |b| b.3)
            {
                best = Some((f, b, left, gain));
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
            // The node: every row, a random half, or the rows a feature has a value in (so
            // that its missing bin is empty in the node but not in the training rows). Its
            // sums are of its rows, in row order.
            let in_node: Vec<bool> = match case % 3 {
                0 => vec![true; n],
                1 => (0..n).map(|_| rng.gen_bool(0.5)).collect(),
                _ => (0..n).map(|row| !x[[row, 0]].is_nan()).collect(),
            };
            let node_rows: Vec<usize> = (0..n).filter(|&row| in_node[row]).collect();
            for f in 0..n_features {
                for &row in &node_rows {
                    let b = binned.column(f)[row];
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
            let sum_g = node_rows.iter().map(|&row| g[row]).sum::<f64>();
            let sum_h = node_rows.iter().map(|&row| h[row]).sum::<f64>();
            let n_node = node_rows.len() as u32;
            let value = node_value(sum_g, sum_h, l2);
            let split = grower.find_split(&histogram, n_node, sum_g, sum_h, value);
            let node = NodeSums {
                n: n_node,
                sum_g,
                sum_h,
                loss: sum_g * value,
                l2,
            };
            let settings = (min_leaf as u32, l2, constant);
            let expected = scikit_learn(&binned, &histogram, &node, settings);
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
