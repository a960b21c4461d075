//! Sums of a node's rows per value of a feature (buckets), the scan of the splits between
//! values they allow, and the sums of one-hot groups from which each member's buckets follow.

use super::Weights;
use crate::criterion::Stats;
use crate::sorted::{FewValues, IndicatorGroup, SortedFeatures};

/// The rows of the node being grown summed per code of each one-hot group
/// ([`IndicatorGroup`]), computed when one of the group's gathered members is first drawn at
/// the node, or handed down by its parent: every member's 0, 1 and missing sums follow from
/// them.
///
/// When a node that summed some groups splits, its smaller child's rows are summed for those
/// groups, and the larger child's sums are the node's less the smaller's: the children get
/// them for the rows of one. Sums of whole-number weights are exact, so the subtraction is.
pub(super) struct GroupSums<'a> {
    groups: &'a [IndicatorGroup],
    /// Per feature, its group if it is gathered and in one.
    group_of: Vec<Option<usize>>,
    /// The sums of a bucket ([`Stats::add_to_bucket`]).
    width: usize,
    /// Group `g`'s buckets are `offsets[g]..offsets[g + 1]`: one per code, then one for all the
    /// rows that are not missing.
    offsets: Vec<usize>,
    /// The sums of the node being grown.
    current: GroupBuffer,
    /// Buffers to reuse.
    spare: Vec<GroupBuffer>,
}

/// Every group's buckets for one node, and which groups they hold.
pub(super) struct GroupBuffer {
    sums: Vec<f64>,
    counts: Vec<usize>,
    summed: Vec<bool>,
}

impl<'a> GroupSums<'a> {
    /// The groups of `sorted`, for the features gathered by `few`.
    pub(super) fn new(
        sorted: &'a SortedFeatures,
        few: &[Option<&FewValues>],
        width: usize,
    ) -> Self {
        let group_of: Vec<Option<usize>> = (0..few.len())
            .map(|f| sorted.group_of(f).filter(|_| few[f].is_some()))
            .collect();
        // No buffer space where no member is gathered (a regression tree, fractional weights).
        let groups = if group_of.iter().any(Option::is_some) {
            sorted.groups()
        } else {
            &[]
        };
        let mut offsets = vec![0];
        for group in groups {
            offsets.push(offsets.last().copied().unwrap_or(0) + group.missing() + 2);
        }
        let mut sums = GroupSums {
            groups,
            group_of,
            width,
            offsets,
            current: GroupBuffer {
                sums: Vec::new(),
                counts: Vec::new(),
                summed: Vec::new(),
            },
            spare: Vec::new(),
        };
        sums.current = sums.buffer();
        sums
    }

    /// A buffer for a node: a spare one, or a new one; it holds no group.
    fn buffer(&mut self) -> GroupBuffer {
        let mut buffer = self.spare.pop().unwrap_or_else(|| {
            let n_buckets = self.offsets.last().copied().unwrap_or(0);
            GroupBuffer {
                sums: vec![0.0; n_buckets * self.width],
                counts: vec![0; n_buckets],
                summed: vec![false; self.groups.len()],
            }
        });
        buffer.summed.fill(false);
        buffer
    }

    /// The group of feature `f`, if it is gathered and in one.
    pub(super) fn group_of(&self, f: usize) -> Option<usize> {
        self.group_of[f]
    }

    /// Starts a node, with the sums its parent handed down, if any.
    pub(super) fn start_node(&mut self, handed_down: Option<GroupBuffer>) {
        match handed_down {
            Some(buffer) => {
                let done = std::mem::replace(&mut self.current, buffer);
                self.spare.push(done);
            }
            None => self.current.summed.fill(false),
        }
    }

    /// Sums `rows`, the node's, with their `targets` and `weights`, per code of group `g`,
    /// unless the node has them already.
    pub(super) fn sum<S: Stats, W: Weights>(
        &mut self,
        g: usize,
        rows: &[u32],
        targets: (&[S::Target], W),
    ) {
        if self.current.summed[g] {
            return;
        }
        self.current.summed[g] = true;
        let (group, range) = (&self.groups[g], self.offsets[g]..self.offsets[g + 1]);
        sum_group::<S, W>(group, self.width, range, &mut self.current, rows, targets);
    }

    /// The sums the node's children start with, where they may split (`keep`, small child
    /// first): for each group the node has, the smaller child's `small_rows` summed and the
    /// larger child's by subtraction.
    pub(super) fn split<S: Stats, W: Weights>(
        &mut self,
        small_rows: &[u32],
        targets: (&[S::Target], W),
        (keep_small, keep_large): (bool, bool),
    ) -> (Option<GroupBuffer>, Option<GroupBuffer>) {
        if !(keep_small || keep_large) || !self.current.summed.contains(&true) {
            return (None, None);
        }
        let mut small = self.buffer();
        let width = self.width;
        for (g, group) in self.groups.iter().enumerate() {
            if !self.current.summed[g] {
                continue;
            }
            small.summed[g] = true;
            let range = self.offsets[g]..self.offsets[g + 1];
            sum_group::<S, W>(group, width, range.clone(), &mut small, small_rows, targets);
            if !keep_large {
                continue;
            }
            let sums = range.start * width..range.end * width;
            for (l, s) in self.current.sums[sums.clone()]
                .iter_mut()
                .zip(&small.sums[sums])
            {
                *l -= s;
            }
            for (l, s) in self.current.counts[range.clone()]
                .iter_mut()
                .zip(&small.counts[range])
            {
                *l -= s;
            }
        }
        let large = keep_large.then(|| {
            let next = self.buffer();
            std::mem::replace(&mut self.current, next)
        });
        let small = if keep_small {
            Some(small)
        } else {
            self.spare.push(small);
            None
        };
        (small, large)
    }

    /// The rows of member `f` of group `g` with value 0, with value 1 and missing.
    pub(super) fn member_counts(&self, g: usize, f: usize) -> [usize; 3] {
        let (group, counts) = (&self.groups[g], &self.current.counts[self.offsets[g]..]);
        let ones = counts[f - group.first];
        let missing = counts[group.missing()];
        let present = counts[group.missing() + 1];
        [present - ones, ones, missing]
    }

    /// The sums of member `f` of group `g`'s rows with value 0, with value 1 and missing, into
    /// three buckets of `out`. The 0 bucket is the present rows' sums less the 1 bucket's:
    /// exact for the whole-number sums of gathered features.
    pub(super) fn member_sums(&self, g: usize, f: usize, out: &mut [f64]) {
        let group = &self.groups[g];
        let w = self.width;
        let sums = &self.current.sums[self.offsets[g] * w..self.offsets[g + 1] * w];
        let bucket = |code: usize| &sums[code * w..(code + 1) * w];
        let (zeros, rest) = out.split_at_mut(w);
        let (ones, missing) = rest.split_at_mut(w);
        ones.copy_from_slice(bucket(f - group.first));
        missing.copy_from_slice(bucket(group.missing()));
        for ((z, p), o) in zeros
            .iter_mut()
            .zip(bucket(group.missing() + 1))
            .zip(ones.iter())
        {
            *z = p - o;
        }
    }
}

/// Sums `rows` with their `targets` and `weights` into `group`'s buckets (`range`) of `buffer`,
/// `width` sums each: one bucket per code, then the rows that are not missing.
fn sum_group<S: Stats, W: Weights>(
    group: &IndicatorGroup,
    width: usize,
    range: std::ops::Range<usize>,
    buffer: &mut GroupBuffer,
    rows: &[u32],
    (targets, weights): (&[S::Target], W),
) {
    let sums = &mut buffer.sums[range.start * width..range.end * width];
    let counts = &mut buffer.counts[range];
    fill_buckets::<S, W, u16>(&group.codes, rows, (targets, weights), (sums, counts));
    let (codes, present) = sums.split_at_mut((group.missing() + 1) * width);
    for code in 0..group.missing() {
        for (p, s) in present
            .iter_mut()
            .zip(&codes[code * width..(code + 1) * width])
        {
            *p += s;
        }
    }
    counts[group.missing() + 1] = counts[..group.missing()].iter().sum();
}

/// Sets `sums` (buckets of `sums.len() / counts.len()`) and `counts` to the sums and number of
/// `rows` per code, each row with its `targets` and `weights`, `codes` indexed by row.
pub(super) fn fill_buckets<S: Stats, W: Weights, C: Copy + Into<usize>>(
    codes: &[C],
    rows: &[u32],
    (targets, weights): (&[S::Target], W),
    (sums, counts): (&mut [f64], &mut [usize]),
) {
    let width = sums.len() / counts.len();
    sums.fill(0.0);
    counts.fill(0);
    for &row in rows {
        let row = row as usize;
        let code: usize = codes[row].into();
        S::add_to_bucket(
            &mut sums[code * width..(code + 1) * width],
            targets[row],
            weights.get(row),
        );
        counts[code] += 1;
    }
}

/// A node's rows summed per value of one feature: for each value `v` in `present`
/// (ascending), `counts[v]` rows whose sums ([`Stats::add_to_bucket`]) are bucket `v` of
/// `sums`, `width` each; the missing values' in bucket `missing`.
pub(super) struct Buckets<'b> {
    pub(super) sums: &'b [f64],
    pub(super) width: usize,
    pub(super) counts: &'b [usize],
    pub(super) present: &'b [usize],
    pub(super) missing: usize,
}

impl Buckets<'_> {
    fn sums(&self, bucket: usize) -> &[f64] {
        &self.sums[bucket * self.width..(bucket + 1) * self.width]
    }
}

/// The best split of a node's rows summed in `buckets` whose proxy beats `best_proxy` (then
/// updated), with the node's statistics, row count and `min_samples_leaf`: the index in
/// `present` of the last value going left, the rows going left and whether the missing values
/// go left. The candidates are those of a scan of the sorted column, in its order: after each
/// value with the missing values right, then with them left; the last value is a candidate
/// only with missing values right (every non-missing value then goes left).
pub(super) fn best_bucket_split<S: Stats>(
    buckets: &Buckets<'_>,
    (total, n_node, msl): (&S, usize, usize),
    (left, right): (&mut S, &mut S),
    best_proxy: &mut f64,
) -> Option<(usize, usize, bool)> {
    let Buckets {
        counts,
        present,
        missing,
        ..
    } = *buckets;
    let n_missing = counts[missing];
    let mut found = None;
    for missing_left in [false, true] {
        if missing_left && n_missing == 0 {
            break;
        }
        let mut n_left = 0;
        left.clear();
        if missing_left {
            left.add_bucket(buckets.sums(missing));
            n_left = n_missing;
        }
        let last = if !missing_left && n_missing > 0 {
            present.len()
        } else {
            present.len() - 1
        };
        for (i, &b) in present[..last].iter().enumerate() {
            left.add_bucket(buckets.sums(b));
            n_left += counts[b];
            if n_left < msl {
                continue;
            }
            if n_node - n_left < msl {
                break;
            }
            right.set_difference(total, left);
            if !S::may_beat(left, right, *best_proxy) {
                continue;
            }
            let proxy = S::proxy(left, right);
            if proxy > *best_proxy {
                *best_proxy = proxy;
                found = Some((i, n_left, missing_left));
            }
        }
    }
    found
}
