//! Quantile binning, as scikit-learn's `_BinMapper`: each feature's non-missing values are cut
//! into at most `max_bins` bins at midpoints between distinct values (when there are few) or at
//! quantiles (numpy's `averaged_inverted_cdf`), and missing values get a bin of their own.

use ndarray::ArrayView2;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Thresholds are clipped to this, so that only a "split on missing" has an infinite one
/// (scikit-learn's `ALMOST_INF`).
const ALMOST_INF: f64 = 1e300;

/// Above this many rows, the thresholds come from a random subsample of this size
/// (scikit-learn's `subsample`).
pub(crate) const BIN_SUBSAMPLE: usize = 200_000;

/// The bin thresholds of every feature: a value `x` falls in bin `b` when
/// `thresholds[b - 1] < x <= thresholds[b]`; NaN falls in the feature's missing bin, the one
/// after its last non-missing bin.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BinMapper {
    /// Increasing thresholds per feature, finite, at most `max_bins - 1`.
    pub thresholds: Vec<Vec<f64>>,
    /// The most non-missing bins a feature has. scikit-learn's histograms hold `max_bins + 1`
    /// bins per feature, the missing values' bin last.
    pub max_bins: usize,
}

impl BinMapper {
    /// The thresholds of `x`'s rows `rows` (all of them when `None`), with at most `max_bins`
    /// bins per feature; above [`BIN_SUBSAMPLE`] rows, a subsample drawn with `seed`.
    pub fn fit(x: ArrayView2<'_, f64>, rows: &[usize], max_bins: usize, seed: u64) -> Self {
        let sample: Vec<usize> = if rows.len() > BIN_SUBSAMPLE {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let mut all = rows.to_vec();
            for i in 0..BIN_SUBSAMPLE {
                let j = oml_math::index_in(&mut rng, i..all.len());
                all.swap(i, j);
            }
            all.truncate(BIN_SUBSAMPLE);
            all
        } else {
            rows.to_vec()
        };
        let mut values = Vec::with_capacity(sample.len());
        let thresholds = (0..x.ncols())
            .map(|f| {
                let column = x.column(f);
                values.clear();
                values.extend(sample.iter().map(|&r| column[r]).filter(|v| !v.is_nan()));
                thresholds(&mut values, max_bins)
            })
            .collect();
        BinMapper {
            thresholds,
            max_bins,
        }
    }

    /// The number of non-missing bins of feature `f` (its missing bin has this index).
    pub fn n_bins_non_missing(&self, f: usize) -> usize {
        self.thresholds[f].len() + 1
    }

    /// The bin of `value` in feature `f`: its missing bin for NaN.
    pub fn bin(&self, f: usize, value: f64) -> u8 {
        let thresholds = &self.thresholds[f];
        if value.is_nan() {
            thresholds.len() as u8 + 1
        } else {
            thresholds.partition_point(|&t| t < value) as u8
        }
    }
}

/// The thresholds of one feature's non-missing `values` (reordered), at most `max_bins - 1`.
pub(crate) fn thresholds(values: &mut [f64], max_bins: usize) -> Vec<f64> {
    sort_floats(values);
    let mut distinct: Vec<f64> = Vec::new();
    for &v in values.iter() {
        // -0.0 and 0.0 are one value, as for numpy.
        if distinct.last() != Some(&v) {
            distinct.push(v);
        }
    }
    let mut cuts: Vec<f64> = if distinct.len() <= max_bins {
        distinct.windows(2).map(|w| (w[0] + w[1]) / 2.0).collect()
    } else {
        // numpy's percentile at `linspace(0, 100, max_bins + 1)[1:-1]`, method
        // `averaged_inverted_cdf`, in numpy's floating point: the percentile `i * step`, its
        // virtual index `n * (p / 100) - 1` among the n sorted values, and the value after
        // it, or the mean of the two around it when the index is whole. Exact arithmetic
        // would differ where `n i / max_bins` is whole but numpy's index is not, or the other
        // way round (1,763 of the counts from 256 to 5,000 rows with 255 bins).
        let n = values.len();
        let step = 100.0 / max_bins as f64;
        let mut cuts: Vec<f64> = (1..max_bins)
            .map(|i| {
                let virtual_index = n as f64 * ((i as f64 * step) / 100.0) - 1.0;
                if virtual_index >= (n - 1) as f64 {
                    return values[n - 1];
                }
                if virtual_index < 0.0 {
                    return values[0];
                }
                let previous = virtual_index.floor();
                let (a, b) = (values[previous as usize], values[previous as usize + 1]);
                if virtual_index != previous {
                    b
                } else if a == b {
                    // Equal infinities would give NaN, out of order among the cuts.
                    a
                } else {
                    b - (b - a) * 0.5
                }
            })
            .collect();
        cuts.dedup();
        cuts
    };
    for cut in &mut cuts {
        *cut = cut.min(ALMOST_INF);
    }
    cuts
}

/// Sorts `values` as `f64::total_cmp` orders them, by integer keys that order the same way:
/// sorting integers costs less than comparing floats.
fn sort_floats(values: &mut [f64]) {
    // Flipping every bit of a negative float and the sign bit of a positive one makes its bits
    // increase with `total_cmp`; the flip undoes itself.
    let key = |bits: u64| {
        if bits >> 63 == 1 {
            !bits
        } else {
            bits | 1 << 63
        }
    };
    let unkey = |k: u64| if k >> 63 == 1 { k & !(1 << 63) } else { !k };
    let mut keys: Vec<u64> = values.iter().map(|v| key(v.to_bits())).collect();
    keys.sort_unstable();
    for (v, k) in values.iter_mut().zip(keys) {
        *v = f64::from_bits(unkey(k));
    }
}

/// Training rows in bins, and what the splitter needs to know of each feature.
///
/// A feature whose most frequent bin holds more than half of the training rows (the 0 of an
/// indicator column) has it as its default bin, but for the first feature, whose bins give the
/// roots' sums. A node's histogram is built row by row from
/// each row's bins of the features without a default bin (a contiguous row of bytes) and its
/// other features' bins that are not the default (a list of histogram positions); each default
/// bin is then the node's totals less the feature's other bins. One-hot encoded tables, mostly
/// zeros, cost little more than their non-zero entries, and numeric ones are read as bytes.
/// Rows go one at a time because the updates of one row go to different features' bins and so
/// do not wait on each other.
#[derive(Debug, Clone)]
pub(crate) struct BinnedFeatures {
    /// Each feature's bins, feature after feature (`n_rows` per feature): a split reads one.
    pub columns: Vec<u8>,
    pub n_rows: usize,
    /// The number of non-missing bins of each feature; its missing bin has this index.
    pub n_bins_non_missing: Vec<usize>,
    /// Whether a training row has a missing value in each feature.
    pub has_missing: Vec<bool>,
    /// Where each feature's bins start in a histogram (each has `n_bins_non_missing + 1`).
    pub offsets: Vec<usize>,
    /// The length of a histogram: every feature's bins, its missing bin included.
    pub histogram_len: usize,
    /// The features after the first that have a default bin, one holding more than half of
    /// the training rows (the 0 of an indicator column): feature and bin. Other features have
    /// none.
    pub default_bins: Vec<(usize, u8)>,
    /// The features without a default bin, in order.
    pub dense_features: Vec<usize>,
    /// Where the bins of each feature without a default bin start in a histogram, in feature
    /// order.
    pub dense_offsets: Vec<usize>,
    /// The training rows in each histogram bin, 0 in default bins (which a histogram gets by
    /// subtraction): the counts of every tree's root, copied rather than counted again.
    pub root_counts: Vec<u32>,
    /// The bins of the features without a default bin, `dense_offsets.len()` per row, row
    /// after row.
    pub dense: Vec<u8>,
    /// Where row `r`'s entries are: `entries[row_starts[r]..row_starts[r + 1]]`.
    pub row_starts: Vec<usize>,
    /// For each row, the histogram position (`offsets[f] + bin`) of every feature with a
    /// default bin whose bin is not the default, in feature order.
    pub entries: Vec<u32>,
}

impl BinnedFeatures {
    /// Rows `rows` of `x` in `mapper`'s bins.
    pub fn new(mapper: &BinMapper, x: ArrayView2<'_, f64>, rows: &[usize]) -> Self {
        let n_features = x.ncols();
        let n_rows = rows.len();
        let mut columns = vec![0u8; n_rows * n_features];
        let mut has_missing = vec![false; n_features];
        let mut default_bins: Vec<Option<u8>> = vec![None; n_features];
        let n_bins_non_missing: Vec<usize> = (0..n_features)
            .map(|f| mapper.n_bins_non_missing(f))
            .collect();
        let mut offsets = Vec::with_capacity(n_features);
        let mut histogram_len = 0;
        for &n in &n_bins_non_missing {
            offsets.push(histogram_len);
            histogram_len += n + 1;
        }
        let mut root_counts = vec![0u32; histogram_len];
        for f in 0..n_features {
            let column = x.column(f);
            let missing = n_bins_non_missing[f] as u8;
            let counts = &mut root_counts[offsets[f]..offsets[f] + n_bins_non_missing[f] + 1];
            let bins = &mut columns[f * n_rows..(f + 1) * n_rows];
            for (bin, &r) in bins.iter_mut().zip(rows) {
                *bin = mapper.bin(f, column[r]);
                has_missing[f] |= *bin == missing;
                counts[usize::from(*bin)] += 1;
            }
            // The first feature keeps every bin: the roots' sums are taken from its bins, as
            // scikit-learn takes them (`Grower::root_sums`), and a default bin is the totals
            // less the other bins rather than a sum of rows.
            let most = counts.iter().position(|&c| 2 * c as usize > n_rows);
            if let Some(most) = most.filter(|_| f > 0) {
                default_bins[f] = Some(most as u8);
                // A histogram gets its default bin by subtraction.
                counts[most] = 0;
            }
        }
        let dense_features: Vec<usize> = (0..n_features)
            .filter(|&f| default_bins[f].is_none())
            .collect();
        let dense_offsets = dense_features.iter().map(|&f| offsets[f]).collect();
        let mut dense = Vec::with_capacity(n_rows * dense_features.len());
        let mut row_starts = Vec::with_capacity(n_rows + 1);
        let mut entries = Vec::new();
        row_starts.push(0);
        for row in 0..n_rows {
            dense.extend(dense_features.iter().map(|&f| columns[f * n_rows + row]));
            for (f, default) in default_bins.iter().enumerate() {
                let b = columns[f * n_rows + row];
                if default.is_some_and(|d| d != b) {
                    entries.push((offsets[f] + usize::from(b)) as u32);
                }
            }
            row_starts.push(entries.len());
        }
        let default_bins = default_bins
            .iter()
            .enumerate()
            .filter_map(|(f, d)| d.map(|bin| (f, bin)))
            .collect();
        BinnedFeatures {
            columns,
            n_rows,
            n_bins_non_missing,
            has_missing,
            offsets,
            histogram_len,
            default_bins,
            dense_features,
            dense_offsets,
            root_counts,
            dense,
            row_starts,
            entries,
        }
    }

    /// The number of features.
    pub fn n_features(&self) -> usize {
        self.n_bins_non_missing.len()
    }

    /// Feature `f`'s bin of every row.
    pub fn column(&self, f: usize) -> &[u8] {
        &self.columns[f * self.n_rows..(f + 1) * self.n_rows]
    }

    /// Row `row`'s bins of the features without a default bin.
    pub fn dense_row(&self, row: usize) -> &[u8] {
        let n = self.dense_offsets.len();
        &self.dense[row * n..(row + 1) * n]
    }

    /// The histogram positions of row `row`'s bins, of features with a default bin, that are
    /// not the default.
    pub fn entries(&self, row: usize) -> &[u32] {
        &self.entries[self.row_starts[row]..self.row_starts[row + 1]]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sorting by integer keys orders floats as `total_cmp`: signs, zeros, infinities and
    /// subnormals.
    #[test]
    fn floats_sorted_by_keys_are_in_total_order() {
        let mut values = vec![
            3.5,
            -0.0,
            f64::INFINITY,
            -1e-310,
            0.0,
            -2.25,
            1e-310,
            f64::NEG_INFINITY,
            -3.5,
            2.25,
            f64::MIN_POSITIVE,
            -f64::MAX,
        ];
        values.extend((0..200).map(|i| libm::sin(i as f64 * 0.77) * 1e3));
        let mut expected = values.clone();
        expected.sort_by(f64::total_cmp);
        sort_floats(&mut values);
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&values), bits(&expected));
    }

    #[test]
    fn few_distinct_values_are_cut_at_midpoints() {
        assert_eq!(thresholds(&mut [3.0, 1.0, 2.0, 1.0], 255), [1.5, 2.5]);
        assert_eq!(thresholds(&mut [-0.0, 0.0], 255), Vec::<f64>::new());
        assert_eq!(thresholds(&mut [], 255), Vec::<f64>::new());
        assert_eq!(thresholds(&mut [f64::MAX, -f64::MAX], 255), [0.0]);
    }

    /// numpy: `np.percentile(np.arange(10.0), [25, 50, 75], method="averaged_inverted_cdf")`
    /// is `[2., 4.5, 7.]`.
    #[test]
    fn many_distinct_values_are_cut_at_quantiles() {
        let mut values: Vec<f64> = (0..10).map(f64::from).collect();
        assert_eq!(thresholds(&mut values, 4), [2.0, 4.5, 7.0]);
        // Repeated quantiles count once.
        let mut values = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.0];
        assert_eq!(thresholds(&mut values, 4), [0.0, 2.0]);
        // A quantile between two equal infinities is that infinity, in order with the others.
        let mut values: Vec<f64> = (0..300)
            .map(|i| {
                if i < 100 {
                    f64::NEG_INFINITY
                } else {
                    f64::from(i)
                }
            })
            .collect();
        assert_eq!(
            thresholds(&mut values, 4),
            [f64::NEG_INFINITY, 149.5, 224.5]
        );
    }

    /// numpy computes the percentiles' virtual indices in floating point, where `n i / 255` is
    /// whole for n = 306 but numpy's index is not, just below (i = 15) or above (i = 25, 85):
    /// `np.percentile(np.arange(306.0), np.linspace(0, 100, 256)[1:-1],
    /// method="averaged_inverted_cdf")` is 5.5, 11.5, 17.0, 30.0 and 102.0 at i = 5, 10, 15,
    /// 25 and 85 (exact arithmetic: 17.5, 29.5 and 101.5 for the last three).
    #[test]
    fn quantiles_are_numpys_to_its_rounding() {
        let mut values: Vec<f64> = (0..306).map(f64::from).collect();
        let cuts = thresholds(&mut values, 255);
        assert_eq!(cuts.len(), 254);
        let at = |i: usize| cuts[i - 1];
        assert_eq!(
            [at(5), at(10), at(15), at(25), at(85)],
            [5.5, 11.5, 17.0, 30.0, 102.0]
        );
    }

    #[test]
    fn values_fall_in_bins_by_their_thresholds() {
        let mapper = BinMapper {
            thresholds: vec![vec![1.5, 2.5], vec![]],
            max_bins: 255,
        };
        let bins: Vec<u8> = [1.0, 1.5, 2.0, 2.5, 3.0, f64::NAN, f64::INFINITY]
            .iter()
            .map(|&v| mapper.bin(0, v))
            .collect();
        assert_eq!(bins, [0, 0, 1, 1, 2, 3, 2]);
        assert_eq!(mapper.bin(1, 7.0), 0);
        assert_eq!(mapper.bin(1, f64::NAN), 1);
    }

    /// A numeric column is read as a row of bytes, an indicator column (mostly 0, its
    /// default bin) as the histogram positions of its 1s and missing values.
    #[test]
    fn rows_keep_bytes_of_dense_features_and_entries_of_the_others() {
        let mapper = BinMapper {
            thresholds: vec![vec![1.5, 2.5], vec![0.5], vec![5.0, 20.0]],
            max_bins: 255,
        };
        let x = ndarray::array![
            [1.0, 0.0, 10.0],
            [2.0, 1.0, 30.0],
            [3.0, 0.0, 3.0],
            [f64::NAN, 0.0, 30.0],
            [2.0, f64::NAN, 3.0],
            [3.0, 0.0, 3.0],
        ];
        // The training rows: all but row 2, in this order.
        let binned = BinnedFeatures::new(&mapper, x.view(), &[4, 0, 1, 3, 5]);
        assert_eq!(binned.offsets, [0, 4, 7]);
        assert_eq!(binned.histogram_len, 11);
        assert_eq!(binned.has_missing, [true, true, false]);
        assert_eq!(binned.column(0), [1, 0, 1, 3, 2]);
        assert_eq!(binned.column(1), [2, 0, 1, 0, 0]);
        assert_eq!(binned.column(2), [0, 1, 2, 2, 0]);
        // Only feature 1 has a bin holding more than half of the rows.
        assert_eq!(binned.default_bins, [(1, 0)]);
        assert_eq!(binned.dense_offsets, [0, 7]);
        let dense: Vec<&[u8]> = (0..5).map(|r| binned.dense_row(r)).collect();
        assert_eq!(dense, [[1, 0], [0, 1], [1, 2], [3, 2], [2, 0]]);
        let entries: Vec<&[u32]> = (0..5).map(|r| binned.entries(r)).collect();
        assert_eq!(entries, [&[4 + 2][..], &[], &[4 + 1], &[], &[]]);
    }
}
