//! The root histograms of one multinomial iteration's trees, built together: one pass over the
//! rows per four trees.
//!
//! Every tree of an iteration starts from all the training rows, each with its class's
//! gradients and hessians. Built tree by tree, each root reads every row's bins and makes one
//! scattered update of a bin per (row, feature, class). Built together, each row's bin of a
//! feature is read once per four trees, and the row's gradients and hessians of the four, side
//! by side in one cache line, are added to the bin's line: contiguous additions that
//! vectorise. Each bin of each tree gets the same additions in the same order (row order) as
//! its own root would, so the same sums to the last bit, on any number of threads.

use std::ops::Range;

use rayon::prelude::*;

use crate::boost::grow::Grower;
use crate::boost::histogram::{Bin, Histogram};

/// Trees whose roots are built in one pass: their gradients and hessians fill one cache line.
const TREES_PER_PASS: usize = 4;

/// The gradient and hessian of [`TREES_PER_PASS`] trees, side by side (unused lanes 0): one
/// row's values, or one bin's sums.
#[derive(Debug, Clone, Copy, Default)]
#[repr(C, align(64))]
struct Lanes([f64; 2 * TREES_PER_PASS]);

impl Lanes {
    /// Adds `other`, lane by lane.
    #[inline]
    fn add(&mut self, other: &Lanes) {
        for (sum, &value) in self.0.iter_mut().zip(&other.0) {
            *sum += value;
        }
    }
}

/// Fewer rows than this build their roots one by one, each inside its tree's task: built
/// together, a separate step before the trees, they paid nothing on one thread and cost a
/// tenth on two (808 rows, 6 classes).
const MIN_ROWS: usize = 2048;

/// The most memory the roots built together and their sums take: more trees or features than
/// fit build their roots one by one.
const MAX_ROOTS_BYTES: usize = 64 << 20;

/// Rows whose values are laid side by side at a time (in cache while they are added).
const ROW_BLOCK: usize = 256;

/// Buffers the roots of one fit reuse from iteration to iteration.
#[derive(Debug, Default)]
pub(crate) struct RootBuffers {
    /// Each histogram bin's sums, bin after bin, for each pass of [`TREES_PER_PASS`] trees.
    sums: Vec<Lanes>,
    /// Histograms to write roots into (any content).
    pub spare: Vec<Histogram>,
}

impl Grower<'_> {
    /// Whether the roots of `k` trees on these rows are built together: several trees with
    /// hessians of their own, at least [`MIN_ROWS`] rows and one feature, a root too large to
    /// mark its bins (as [`build_histogram`](Grower::build_histogram) would not, so that every
    /// root is the histogram its tree would build), and roots and sums of at most
    /// [`MAX_ROOTS_BYTES`].
    pub(crate) fn builds_roots_together(&self, k: usize) -> bool {
        let len = self.binned.histogram_len;
        k > 1
            && !self.settings.hessians_are_constant
            && self.binned.n_rows >= MIN_ROWS
            && len > 0
            && !self.marks(self.binned.n_rows)
            && self.roots_bytes(k) <= MAX_ROOTS_BYTES
    }

    /// The bytes of `k` roots built together and of their sums.
    fn roots_bytes(&self, k: usize) -> usize {
        let bins = k * std::mem::size_of::<Bin>();
        let sums = k.div_ceil(TREES_PER_PASS) * std::mem::size_of::<Lanes>();
        (bins + sums) * self.binned.histogram_len
    }

    /// The roots of `k` trees on every training row, tree `c`'s gradients and hessians being
    /// `g[c * n..(c + 1) * n]` and `h[c * n..(c + 1) * n]`: what
    /// [`build_histogram`](Grower::build_histogram) gives each tree's root. Passes of
    /// [`TREES_PER_PASS`] trees, and parts of their features when there are more threads than
    /// passes, run in parallel.
    pub(crate) fn roots(
        &self,
        k: usize,
        g: &[f32],
        h: &[f32],
        buffers: &mut RootBuffers,
    ) -> Vec<Histogram> {
        let binned = self.binned;
        let n = binned.n_rows;
        let len = binned.histogram_len;
        let passes = k.div_ceil(TREES_PER_PASS);
        buffers.sums.clear();
        buffers.sums.resize(passes * len, Lanes::default());
        // Tasks: each pass's histogram cut at features into as many parts as there are
        // threads per pass, each part's rows added by one task.
        let parts = rayon::current_num_threads()
            .div_ceil(passes)
            .clamp(1, binned.n_features());
        let cuts: Vec<usize> = (0..=parts)
            .map(|part| match part * binned.n_features() / parts {
                f if f == binned.n_features() => len,
                f => binned.offsets[f],
            })
            .collect();
        let mut tasks = Vec::with_capacity(passes * parts);
        for (pass, mut rest) in buffers.sums.chunks_mut(len).enumerate() {
            for cut in cuts.windows(2) {
                let (part, tail) = rest.split_at_mut(cut[1] - cut[0]);
                tasks.push((pass, cut[0]..cut[1], part));
                rest = tail;
            }
        }
        // The first part of each pass also sums its trees' rows, in row order: a tree's sums
        // as one running sum each, four trees' side by side.
        let mut totals = vec![Lanes::default(); passes];
        let pass_totals: Vec<(usize, Lanes)> = tasks
            .into_par_iter()
            .filter_map(|(pass, positions, sums)| {
                let trees = pass * TREES_PER_PASS..k.min((pass + 1) * TREES_PER_PASS);
                let mut total = (positions.start == 0).then(Lanes::default);
                let mut rows = vec![Lanes::default(); ROW_BLOCK.min(n)];
                for start in (0..n).step_by(ROW_BLOCK) {
                    let rows = &mut rows[..ROW_BLOCK.min(n - start)];
                    for (lane, c) in trees.clone().enumerate() {
                        let class = c * n + start..c * n + start + rows.len();
                        let values = g[class.clone()].iter().zip(&h[class]);
                        for (row, (&g, &h)) in rows.iter_mut().zip(values) {
                            row.0[2 * lane] = f64::from(g);
                            row.0[2 * lane + 1] = f64::from(h);
                        }
                    }
                    if let Some(total) = &mut total {
                        rows.iter().for_each(|row| total.add(row));
                    }
                    self.add_rows_together(start, rows, positions.clone(), sums);
                }
                total.map(|total| (pass, total))
            })
            .collect();
        for (pass, total) in pass_totals {
            totals[pass] = total;
        }

        let mut histograms = std::mem::take(&mut buffers.spare);
        histograms.resize_with(k, || Histogram::zeroed(len));
        let sums = &buffers.sums;
        histograms
            .into_par_iter()
            .enumerate()
            .map(|(c, mut histogram)| {
                let (pass, lane) = (c / TREES_PER_PASS, c % TREES_PER_PASS);
                let (sum_g, sum_h) = (totals[pass].0[2 * lane], totals[pass].0[2 * lane + 1]);
                let pass_sums = &sums[pass * len..(pass + 1) * len];
                histogram.unmark();
                let bins = histogram.bins_mut().iter_mut();
                for ((bin, sums), &count) in bins.zip(pass_sums).zip(&binned.root_counts) {
                    *bin = Bin::new(sums.0[2 * lane], sums.0[2 * lane + 1], count);
                }
                self.fill_default_bins(&mut histogram, n as u32, sum_g, sum_h, false);
                histogram
            })
            .collect()
    }

    /// Adds the values of rows `start..start + rows.len()` (`rows`) to the sums of each of
    /// their bins in histogram `positions` (whole features; `sums` holds theirs) that is not
    /// their feature's default, in row order: feature by feature for the features without a
    /// default bin (one feature's sums and the rows stay in the first level of cache), then the
    /// others' bins row by row.
    fn add_rows_together(
        &self,
        start: usize,
        rows: &[Lanes],
        positions: Range<usize>,
        sums: &mut [Lanes],
    ) {
        let binned = self.binned;
        let stop = start + rows.len();
        let first = positions.start;
        let dense = binned.dense_features.iter().zip(&binned.dense_offsets);
        for (&f, &offset) in dense.filter(|(_, offset)| positions.contains(offset)) {
            let n_bins = binned.n_bins_non_missing[f] + 1;
            let sums = &mut sums[offset - first..offset - first + n_bins];
            for (&b, values) in binned.column(f)[start..stop].iter().zip(rows) {
                sums[usize::from(b)].add(values);
            }
        }
        if !binned.entries.is_empty() {
            for (r, values) in (start..stop).zip(rows) {
                for &i in binned.entries(r) {
                    let i = i as usize;
                    if positions.contains(&i) {
                        sums[i - first].add(values);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::boost::bins::{BinMapper, BinnedFeatures};
    use crate::boost::grow::Workspace;

    /// Each root built together is, bit for bit, the root its tree builds alone: every bin's
    /// sums and count, default bins of indicator columns (the rows' sums less the other bins,
    /// so those sums too) and missing bins included; for 2, 4 (one pass) and 7 trees (a
    /// partial pass), on 1 and 3 threads (so with a pass's features cut into parts that mix
    /// numeric and indicator columns).
    #[test]
    fn roots_built_together_are_each_trees_own_root() {
        let n = 2_500;
        let x = crate::boost::mixed_columns(n);
        let rows: Vec<usize> = (0..n).collect();
        let mapper = BinMapper::fit(x.view(), &rows, 255, 0);
        let binned = BinnedFeatures::new(&mapper, x.view(), &rows);
        assert_eq!(binned.default_bins.len(), 2);
        let grower = Grower::unbounded(&binned, &mapper, 1, 0.0, false);
        for k in [2, 4, 7] {
            assert!(grower.builds_roots_together(k));
            // Magnitudes from 2^-12 to 2^11, so that sums round and their order shows.
            let scale = |i: usize| (1u32 << (i % 24)) as f32 / 4096.0;
            let g: Vec<f32> = (0..n * k)
                .map(|i| libm::sinf(i as f32 * 0.731) * scale(i))
                .collect();
            let h: Vec<f32> = (0..n * k)
                .map(|i| (0.01 + ((i * 7) % 13) as f32 * 0.0173) * scale(i * 5))
                .collect();
            // The next iteration's gradients.
            let next: Vec<f32> = g.iter().map(|g| -3.0 * g).collect();
            for threads in [1, 3] {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap();
                // Spare histograms as a workspace leaves them: marked, with other sums.
                let mut stale = Histogram::zeroed(binned.histogram_len);
                for i in (0..binned.histogram_len).step_by(3) {
                    stale.bins_mut()[i] = Bin::new(f64::NAN, 7.0, 99);
                    stale.mark(i);
                }
                let mut buffers = RootBuffers {
                    spare: (0..k - 1).map(|_| stale.clone()).collect(),
                    ..RootBuffers::default()
                };
                // Twice: the second time into the first's histograms, as the next iteration.
                for g in [&g, &next] {
                    let roots = pool.install(|| grower.roots(k, g, &h, &mut buffers));
                    assert_eq!(roots.len(), k);
                    for (c, root) in roots.iter().enumerate() {
                        let (g, h) = (&g[c * n..(c + 1) * n], &h[c * n..(c + 1) * n]);
                        let mut ws = Workspace::default();
                        let alone = grower.root_alone(g, h, &mut ws);
                        assert!(!root.is_marked());
                        let pairs = root.bins().iter().zip(alone.bins());
                        for (i, (together, alone)) in pairs.enumerate() {
                            assert_eq!(together.count, alone.count, "bin {i}, tree {c} of {k}");
                            assert_eq!(together.g.to_bits(), alone.g.to_bits(), "bin {i}");
                            assert_eq!(together.h.to_bits(), alone.h.to_bits(), "bin {i}");
                        }
                    }
                    buffers.spare = roots;
                }
            }
        }
        // Constant hessians, one tree, so many trees that their roots would take more than
        // MAX_ROOTS_BYTES, no feature, or fewer than MIN_ROWS rows (which a root small enough
        // to mark its bins always has: a feature has at most 256 bins): built alone.
        let constant = Grower::unbounded(&binned, &mapper, 1, 0.0, true);
        assert!(!constant.builds_roots_together(3));
        assert!(!grower.builds_roots_together(1));
        assert!(!grower.builds_roots_together(MAX_ROOTS_BYTES));
        let none = BinnedFeatures::new(&mapper, x.slice(ndarray::s![.., ..0]), &rows);
        assert!(!Grower::unbounded(&none, &mapper, 1, 0.0, false).builds_roots_together(3));
        let fewer: Vec<usize> = (0..MIN_ROWS - 1).collect();
        let below = BinnedFeatures::new(&mapper, x.view(), &fewer);
        assert!(!Grower::unbounded(&below, &mapper, 1, 0.0, false).builds_roots_together(3));
    }
}
