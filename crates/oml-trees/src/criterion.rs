//! Split statistics: what a node or one side of a candidate split knows about its targets, and
//! the impurity and split proxy computed from it. No allocation after creation, no hashing.

/// Sufficient statistics of a set of weighted targets under one criterion.
pub(crate) trait Stats: Clone {
    /// A row's target: a class index or a real value.
    type Target: Copy;

    /// The statistics of no rows; `n_outputs` is the number of classes (1 for regression).
    fn zero(n_outputs: usize) -> Self;
    /// Empties the statistics, keeping their allocation.
    fn clear(&mut self);
    /// Adds a row.
    fn add(&mut self, target: Self::Target, weight: f64);
    /// Removes a row that was added.
    fn sub(&mut self, target: Self::Target, weight: f64);
    /// Sets `self` to `total` without `part`.
    fn set_difference(&mut self, total: &Self, part: &Self);
    /// The number of sums a bucket of rows keeps (see [`add_to_bucket`](Self::add_to_bucket)):
    /// by default one per output (a weight per class).
    fn bucket_width(n_outputs: usize) -> usize {
        n_outputs
    }
    /// Adds a row to a bucket: [`bucket_width`](Self::bucket_width) sums, zero for no rows, from
    /// which [`add_bucket`](Self::add_bucket) adds the bucket's rows. A bucket is only sums, so
    /// that a table of them (one per value of a feature) is filled at one add per row.
    fn add_to_bucket(bucket: &mut [f64], target: Self::Target, weight: f64);
    /// Adds the rows summed in `bucket`.
    fn add_bucket(&mut self, bucket: &[f64]);
    /// Whether the statistics of rows of whole-number weights are the same whatever order the
    /// rows are added in (sums of whole numbers are exact), so that a node's rows may be
    /// gathered by value rather than in sorted order.
    const ORDER_FREE: bool = false;
    /// The total weight.
    fn weight(&self) -> f64;
    /// The impurity.
    fn impurity(&self) -> f64;
    /// A quantity that orders splits as the weighted impurity decrease does (bigger is better):
    /// `-(w_left * impurity_left + w_right * impurity_right)` up to a constant of the node.
    fn proxy(left: &Self, right: &Self) -> f64;
    /// False only if `proxy(left, right) > best` certainly fails: a cheap test without
    /// division that lets the scan skip most proxies. By default, always true.
    #[inline(always)]
    fn may_beat(left: &Self, right: &Self, best: f64) -> bool {
        let _ = (left, right, best);
        true
    }
    /// Appends the node's value: class fractions, or the mean.
    fn push_value(&self, out: &mut Vec<f64>);
}

/// Gini: class weights, their total and the sum of their squares, kept up to date per row so
/// that the proxy costs O(1).
#[derive(Debug, Clone)]
pub(crate) struct Gini {
    counts: Vec<f64>,
    weight: f64,
    squares: f64,
}

impl Stats for Gini {
    type Target = u32;

    const ORDER_FREE: bool = true;

    fn zero(n_outputs: usize) -> Self {
        Gini {
            counts: vec![0.0; n_outputs],
            weight: 0.0,
            squares: 0.0,
        }
    }

    fn clear(&mut self) {
        self.counts.fill(0.0);
        self.weight = 0.0;
        self.squares = 0.0;
    }

    #[inline(always)]
    fn add(&mut self, target: u32, weight: f64) {
        let c = &mut self.counts[target as usize];
        self.squares += weight * (2.0 * *c + weight);
        *c += weight;
        self.weight += weight;
    }

    #[inline(always)]
    fn sub(&mut self, target: u32, weight: f64) {
        let c = &mut self.counts[target as usize];
        self.squares -= weight * (2.0 * *c - weight);
        *c -= weight;
        self.weight -= weight;
    }

    fn set_difference(&mut self, total: &Self, part: &Self) {
        self.squares = 0.0;
        for ((c, t), p) in self.counts.iter_mut().zip(&total.counts).zip(&part.counts) {
            *c = t - p;
            self.squares += *c * *c;
        }
        self.weight = total.weight - part.weight;
    }

    #[inline(always)]
    fn add_to_bucket(bucket: &mut [f64], target: u32, weight: f64) {
        bucket[target as usize] += weight;
    }

    fn add_bucket(&mut self, bucket: &[f64]) {
        self.squares = 0.0;
        for (c, b) in self.counts.iter_mut().zip(bucket) {
            *c += b;
            self.weight += b;
            self.squares += *c * *c;
        }
    }

    fn weight(&self) -> f64 {
        self.weight
    }

    fn impurity(&self) -> f64 {
        1.0 - self.squares / (self.weight * self.weight)
    }

    #[inline(always)]
    fn proxy(left: &Self, right: &Self) -> f64 {
        left.squares / left.weight + right.squares / right.weight
    }

    #[inline(always)]
    fn may_beat(left: &Self, right: &Self, best: f64) -> bool {
        may_beat(left.squares, left.weight, right.squares, right.weight, best)
    }

    fn push_value(&self, out: &mut Vec<f64>) {
        out.extend(self.counts.iter().map(|c| c / self.weight));
    }
}

/// [`Gini`] of two classes for whole-number weights: the weight of class 1 and the total, two
/// numbers a scan keeps in registers. [`Gini`] keeps its class weights in memory, where
/// adding a row stores a count that the next row of the same class loads again, and that
/// latency chains the rows. The sum of squares is computed from the two numbers where it is
/// read; with whole numbers that is exactly the running sum [`Gini`] keeps, so both give the
/// same tree. (Three classes in registers, each row adding its weight or 0 to each, was
/// slower than [`Gini`].)
#[derive(Debug, Clone)]
pub(crate) struct BinaryGini {
    ones: f64,
    weight: f64,
}

impl BinaryGini {
    #[inline(always)]
    fn squares(&self) -> f64 {
        let zeros = self.weight - self.ones;
        zeros * zeros + self.ones * self.ones
    }
}

impl Stats for BinaryGini {
    type Target = u32;

    const ORDER_FREE: bool = true;

    /// The statistics of no rows, whatever `n_outputs` (a scan's placeholder asks for 0).
    fn zero(_: usize) -> Self {
        BinaryGini {
            ones: 0.0,
            weight: 0.0,
        }
    }

    fn clear(&mut self) {
        self.ones = 0.0;
        self.weight = 0.0;
    }

    #[inline(always)]
    fn add(&mut self, target: u32, weight: f64) {
        self.ones += f64::from(target) * weight;
        self.weight += weight;
    }

    #[inline(always)]
    fn sub(&mut self, target: u32, weight: f64) {
        self.ones -= f64::from(target) * weight;
        self.weight -= weight;
    }

    fn set_difference(&mut self, total: &Self, part: &Self) {
        self.ones = total.ones - part.ones;
        self.weight = total.weight - part.weight;
    }

    #[inline(always)]
    fn add_to_bucket(bucket: &mut [f64], target: u32, weight: f64) {
        bucket[target as usize] += weight;
    }

    fn add_bucket(&mut self, bucket: &[f64]) {
        self.ones += bucket[1];
        self.weight += bucket[0];
        self.weight += bucket[1];
    }

    fn weight(&self) -> f64 {
        self.weight
    }

    fn impurity(&self) -> f64 {
        1.0 - self.squares() / (self.weight * self.weight)
    }

    #[inline(always)]
    fn proxy(left: &Self, right: &Self) -> f64 {
        left.squares() / left.weight + right.squares() / right.weight
    }

    #[inline(always)]
    fn may_beat(left: &Self, right: &Self, best: f64) -> bool {
        may_beat(
            left.squares(),
            left.weight,
            right.squares(),
            right.weight,
            best,
        )
    }

    fn push_value(&self, out: &mut Vec<f64>) {
        let zeros = self.weight - self.ones;
        out.extend([zeros / self.weight, self.ones / self.weight]);
    }
}

/// Whether `a / wa + b / wb > best` may hold, for `a, b >= 0` and `wa, wb > 0`, tested as
/// `a wb + b wa >= best wa wb` with a margin far above the rounding of either side, so that
/// it never rules out a proxy that the exact comparison would accept.
#[inline(always)]
fn may_beat(a: f64, wa: f64, b: f64, wb: f64, best: f64) -> bool {
    a * wb + b * wa >= best * (wa * wb) * (1.0 - 1e-9)
}

/// Entropy: class weights and their total; the proxy costs O(classes).
#[derive(Debug, Clone)]
pub(crate) struct Entropy {
    counts: Vec<f64>,
    weight: f64,
}

fn x_log2_x(x: f64) -> f64 {
    if x > 0.0 { x * libm::log2(x) } else { 0.0 }
}

impl Entropy {
    /// `-weight * entropy`.
    fn neg_weighted_entropy(&self) -> f64 {
        self.counts.iter().map(|&c| x_log2_x(c)).sum::<f64>() - x_log2_x(self.weight)
    }
}

impl Stats for Entropy {
    type Target = u32;

    const ORDER_FREE: bool = true;

    fn zero(n_outputs: usize) -> Self {
        Entropy {
            counts: vec![0.0; n_outputs],
            weight: 0.0,
        }
    }

    fn clear(&mut self) {
        self.counts.fill(0.0);
        self.weight = 0.0;
    }

    #[inline(always)]
    fn add(&mut self, target: u32, weight: f64) {
        self.counts[target as usize] += weight;
        self.weight += weight;
    }

    #[inline(always)]
    fn sub(&mut self, target: u32, weight: f64) {
        self.counts[target as usize] -= weight;
        self.weight -= weight;
    }

    fn set_difference(&mut self, total: &Self, part: &Self) {
        for ((c, t), p) in self.counts.iter_mut().zip(&total.counts).zip(&part.counts) {
            *c = t - p;
        }
        self.weight = total.weight - part.weight;
    }

    #[inline(always)]
    fn add_to_bucket(bucket: &mut [f64], target: u32, weight: f64) {
        bucket[target as usize] += weight;
    }

    fn add_bucket(&mut self, bucket: &[f64]) {
        for (c, b) in self.counts.iter_mut().zip(bucket) {
            *c += b;
            self.weight += b;
        }
    }

    fn weight(&self) -> f64 {
        self.weight
    }

    fn impurity(&self) -> f64 {
        -self.neg_weighted_entropy() / self.weight
    }

    fn proxy(left: &Self, right: &Self) -> f64 {
        left.neg_weighted_entropy() + right.neg_weighted_entropy()
    }

    fn push_value(&self, out: &mut Vec<f64>) {
        out.extend(self.counts.iter().map(|c| c / self.weight));
    }
}

/// Squared error: total weight, weighted sum and weighted sum of squares.
#[derive(Debug, Clone)]
pub(crate) struct SquaredError {
    weight: f64,
    sum: f64,
    squares: f64,
}

impl Stats for SquaredError {
    type Target = f64;

    fn zero(_: usize) -> Self {
        SquaredError {
            weight: 0.0,
            sum: 0.0,
            squares: 0.0,
        }
    }

    fn clear(&mut self) {
        *self = SquaredError::zero(1);
    }

    #[inline(always)]
    fn add(&mut self, target: f64, weight: f64) {
        self.weight += weight;
        self.sum += weight * target;
        self.squares += weight * target * target;
    }

    #[inline(always)]
    fn sub(&mut self, target: f64, weight: f64) {
        self.weight -= weight;
        self.sum -= weight * target;
        self.squares -= weight * target * target;
    }

    fn set_difference(&mut self, total: &Self, part: &Self) {
        self.weight = total.weight - part.weight;
        self.sum = total.sum - part.sum;
        self.squares = total.squares - part.squares;
    }

    fn bucket_width(_: usize) -> usize {
        3
    }

    #[inline(always)]
    fn add_to_bucket(bucket: &mut [f64], target: f64, weight: f64) {
        bucket[0] += weight;
        bucket[1] += weight * target;
        bucket[2] += weight * target * target;
    }

    fn add_bucket(&mut self, bucket: &[f64]) {
        self.weight += bucket[0];
        self.sum += bucket[1];
        self.squares += bucket[2];
    }

    fn weight(&self) -> f64 {
        self.weight
    }

    fn impurity(&self) -> f64 {
        let mean = self.sum / self.weight;
        (self.squares / self.weight - mean * mean).max(0.0)
    }

    #[inline(always)]
    fn proxy(left: &Self, right: &Self) -> f64 {
        left.sum * left.sum / left.weight + right.sum * right.sum / right.weight
    }

    #[inline(always)]
    fn may_beat(left: &Self, right: &Self, best: f64) -> bool {
        may_beat(
            left.sum * left.sum,
            left.weight,
            right.sum * right.sum,
            right.weight,
            best,
        )
    }

    fn push_value(&self, out: &mut Vec<f64>) {
        out.push(self.sum / self.weight);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gini_keeps_its_sum_of_squares_exact() {
        let mut g = Gini::zero(3);
        for (t, w) in [(0, 1.0), (2, 1.0), (0, 2.0), (1, 1.0)] {
            g.add(t, w);
        }
        g.sub(2, 1.0);
        assert_eq!(g.squares, 9.0 + 1.0);
        assert_eq!(g.weight, 4.0);
        assert!((g.impurity() - (1.0 - 10.0 / 16.0)).abs() < 1e-15);
    }

    #[test]
    fn entropy_of_a_fair_coin_is_one_bit() {
        let mut e = Entropy::zero(2);
        e.add(0, 3.0);
        e.add(1, 3.0);
        assert!((e.impurity() - 1.0).abs() < 1e-15);
    }

    #[test]
    fn squared_error_is_the_variance() {
        let mut s = SquaredError::zero(1);
        for y in [1.0, 2.0, 3.0, 4.0] {
            s.add(y, 1.0);
        }
        assert!((s.impurity() - 1.25).abs() < 1e-12);
        let mut v = Vec::new();
        s.push_value(&mut v);
        assert_eq!(v, [2.5]);
    }
}
