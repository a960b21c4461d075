//! The best split of a node for each leaf size among the trees grown there together.
//!
//! Trees of a family ([`grow`](super::grow)) that differ in `min_samples_leaf` share a node
//! while their best splits agree. One scan of the node serves them all: a candidate split
//! whose smaller side has `s` rows is allowed to every tree of leaf size at most `s`, so each
//! candidate competes in the bucket of the largest leaf size it satisfies, and a leaf size's
//! best split is the best over its bucket and those above it, ties to the first candidate in
//! scan order: the split a tree of that leaf size alone would find.

use super::Split;

/// Where a scan offers its candidate splits: the proxy a candidate must exceed, by the size of
/// its smaller side, and where a better one is recorded.
pub(super) trait Bars {
    /// The smallest leaf size: a candidate needs this many rows on both sides.
    fn min_leaf(&self) -> usize;
    /// The proxy a candidate whose smaller side has `min_side` rows must exceed.
    fn bar(&self, min_side: usize) -> f64;
    /// Records the candidate at `at` (scan position, left rows) of this proxy, which exceeds
    /// `bar(min_side)`.
    fn raise(&mut self, min_side: usize, proxy: f64, at: (usize, usize));
    /// Hands each bucket's candidate raised since the last call to `settle` to `record`, with
    /// its proxy, and forgets it.
    fn settle(&mut self, record: impl FnMut(usize, (usize, usize), f64));
}

/// One leaf size: a lone tree's running best, kept in registers by the scans.
#[derive(Debug, Clone, Copy)]
pub(super) struct One {
    min_leaf: usize,
    proxy: f64,
    found: Option<(usize, usize)>,
}

impl One {
    /// No candidate yet, for leaves of `min_leaf` rows.
    pub(super) fn new(min_leaf: usize) -> Self {
        One {
            min_leaf,
            proxy: f64::NEG_INFINITY,
            found: None,
        }
    }
}

impl Bars for One {
    #[inline(always)]
    fn min_leaf(&self) -> usize {
        self.min_leaf
    }
    #[inline(always)]
    fn bar(&self, _: usize) -> f64 {
        self.proxy
    }
    #[inline(always)]
    fn raise(&mut self, _: usize, proxy: f64, at: (usize, usize)) {
        self.proxy = proxy;
        self.found = Some(at);
    }
    #[inline(always)]
    fn settle(&mut self, mut record: impl FnMut(usize, (usize, usize), f64)) {
        if let Some(at) = self.found.take() {
            record(0, at, self.proxy);
        }
    }
}

/// Several leaf sizes: a running best per bucket.
#[derive(Debug, Default)]
pub(super) struct Many {
    /// The distinct leaf sizes, ascending.
    sizes: Vec<usize>,
    /// Per bucket, the largest proxy of its candidates so far.
    proxies: Vec<f64>,
    /// Per bucket, its candidate recorded since the last [`Bars::settle`].
    found: Vec<Option<(usize, usize)>>,
}

impl Many {
    /// No candidate yet, for the leaf sizes `sizes`, ascending (repeats count once).
    pub(super) fn start(&mut self, sizes: impl Iterator<Item = usize>) {
        self.sizes.clear();
        self.sizes.extend(sizes);
        self.sizes.dedup();
        debug_assert!(self.sizes.windows(2).all(|w| w[0] < w[1]));
        self.proxies.clear();
        self.proxies.resize(self.sizes.len(), f64::NEG_INFINITY);
        self.found.clear();
        self.found.resize(self.sizes.len(), None);
    }

    /// The number of buckets: of distinct leaf sizes.
    pub(super) fn len(&self) -> usize {
        self.sizes.len()
    }

    /// The bucket of a candidate whose smaller side has `min_side` (at least the smallest
    /// size) rows: that of the largest size it satisfies.
    #[inline]
    fn bucket(&self, min_side: usize) -> usize {
        self.sizes.partition_point(|&size| size <= min_side) - 1
    }
}

impl Bars for Many {
    #[inline]
    fn min_leaf(&self) -> usize {
        self.sizes[0]
    }
    #[inline]
    fn bar(&self, min_side: usize) -> f64 {
        self.proxies[self.bucket(min_side)]
    }
    #[inline]
    fn raise(&mut self, min_side: usize, proxy: f64, at: (usize, usize)) {
        let bucket = self.bucket(min_side);
        self.proxies[bucket] = proxy;
        self.found[bucket] = Some(at);
    }
    fn settle(&mut self, mut record: impl FnMut(usize, (usize, usize), f64)) {
        for (bucket, found) in self.found.iter_mut().enumerate() {
            if let Some(at) = found.take() {
                record(bucket, at, self.proxies[bucket]);
            }
        }
    }
}

/// The best split of each bucket of a node, with its place in the scan order and its proxy.
#[derive(Debug, Default)]
pub(super) struct BucketSplits {
    best: Vec<Option<(Split, u64, f64)>>,
}

impl BucketSplits {
    /// No split yet, for `n` buckets.
    pub(super) fn start(&mut self, n: usize) {
        self.best.clear();
        self.best.resize(n, None);
    }

    /// Records `split`, the best of `bucket` so far, found at `order` in the scan with
    /// `proxy`.
    pub(super) fn record(&mut self, bucket: usize, split: Split, order: u64, proxy: f64) {
        self.best[bucket] = Some((split, order, proxy));
    }

    /// Turns each bucket's best into its leaf size's: the best of it and every bucket above,
    /// the larger proxy, ties to the first in scan order.
    pub(super) fn resolve(&mut self) {
        for bucket in (0..self.best.len().saturating_sub(1)).rev() {
            if let Some(above) = self.best[bucket + 1] {
                let keep = self.best[bucket].is_some_and(|(_, order, proxy)| {
                    proxy > above.2 || (proxy == above.2 && order < above.1)
                });
                if !keep {
                    self.best[bucket] = Some(above);
                }
            }
        }
    }

    /// The best split of the `bucket`-th leaf size, once [`resolve`](Self::resolve)d.
    pub(super) fn split(&self, bucket: usize) -> Option<Split> {
        self.best[bucket].map(|(split, _, _)| split)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(feature: usize) -> Split {
        Split {
            feature,
            pos: 0,
            upper: 0.0,
            threshold: 0.0,
            missing_go_left: false,
        }
    }

    #[test]
    fn a_candidate_competes_in_the_bucket_of_the_largest_size_it_satisfies() {
        let mut many = Many::default();
        many.start([1, 5, 20].into_iter());
        assert_eq!(
            [1, 4, 5, 19, 20, 300].map(|s| many.bucket(s)),
            [0, 0, 1, 1, 2, 2]
        );
        many.raise(7, 0.5, (3, 7));
        assert_eq!(
            (many.bar(6), many.bar(2), many.bar(25)),
            (0.5, f64::NEG_INFINITY, f64::NEG_INFINITY)
        );
        let mut settled = Vec::new();
        many.settle(|bucket, at, proxy| settled.push((bucket, at, proxy)));
        assert_eq!(settled, [(1, (3, 7), 0.5)]);
        many.settle(|_, _, _| panic!("settled twice"));
    }

    #[test]
    fn a_size_takes_the_best_of_its_bucket_and_those_above_ties_to_the_first() {
        let mut bests = BucketSplits::default();
        bests.start(4);
        bests.record(0, split(0), 5, 1.0);
        bests.record(1, split(1), 2, 3.0);
        bests.record(2, split(2), 9, 2.0);
        bests.record(3, split(3), 1, 2.0);
        bests.resolve();
        let features = (0..4).map(|b| bests.split(b).map(|s| s.feature));
        // Bucket 2 ties with bucket 3's earlier candidate, which wins; bucket 1's is larger.
        assert_eq!(
            features.collect::<Vec<_>>(),
            [Some(1), Some(1), Some(3), Some(3)]
        );
        bests.start(2);
        bests.record(0, split(0), 5, 1.0);
        bests.resolve();
        assert_eq!(bests.split(0).map(|s| s.feature), Some(0));
        assert!(bests.split(1).is_none());
    }
}
