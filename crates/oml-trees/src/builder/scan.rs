//! The sorted scan of a feature at a node, and what a split takes from it: its threshold,
//! the side of its missing values.

use super::Weights;
use super::bests::Bars;
use crate::criterion::Stats;

/// One sorted scan of a feature at a node: the rows `rows[..last]` (in the order of their
/// `values`, of which the first `m` are not missing) join `left` and leave `right` one by one,
/// and each split after a row that ends a run of equal values, keeps the smallest leaf size of
/// `bars` on both sides and beats the bar of its smaller side is raised to it ([`Bars`]). A
/// function of its own, each side behind a reference of its own (which aliases nothing else),
/// so that the compiler keeps their running sums in registers: written out in the caller, whose
/// sides are also lent to other calls, they lived in its frame, and every row stored and
/// reloaded them (the tuned tree of `tune_speed.py` took 9% more CPU time).
#[inline(always)]
pub(super) fn scan_sorted<S: Stats, W: Weights, B: Bars>(
    (rows, values, m): (&[u32], &[f64], usize),
    (targets, weights): (&[S::Target], W),
    (left, right): (&mut S, &mut S),
    (mut n_left, last, n_node): (usize, usize, usize),
    bars: &mut B,
) {
    let msl = bars.min_leaf();
    for k in 0..last {
        let row = rows[k] as usize;
        let (t, w) = (targets[row], weights.get(row));
        left.add(t, w);
        right.sub(t, w);
        n_left += 1;
        if k + 1 < m && values[k] >= values[k + 1] {
            continue;
        }
        if n_left < msl {
            continue;
        }
        let n_right = n_node - n_left;
        if n_right < msl {
            break;
        }
        let min_side = n_left.min(n_right);
        let bar = bars.bar(min_side);
        if !S::may_beat(left, right, bar) {
            continue;
        }
        let proxy = S::proxy(left, right);
        if proxy > bar {
            bars.raise(min_side, proxy, (k, n_left));
        }
    }
}

/// The threshold of a split after `value`: the midpoint to the next value present (`value`
/// itself where the midpoint rounds up to the next or overflows), or infinity where there is
/// none (every non-missing value goes left).
pub(super) fn threshold_after(value: f64, next: Option<f64>) -> f64 {
    match next {
        Some(next) => {
            let mid = value / 2.0 + next / 2.0;
            if mid >= next || mid.is_infinite() {
                value
            } else {
                mid
            }
        }
        None => f64::INFINITY,
    }
}

/// Whether a split's missing values go left: as scanned (`missing_left`) where the node has
/// missing values, else to the side with more of the node's rows (`n_left` of `n_node`).
pub(super) fn missing_go_left(
    n_missing: usize,
    (n_left, n_node): (usize, usize),
    missing_left: bool,
) -> bool {
    if n_missing == 0 {
        n_left > n_node - n_left
    } else {
        missing_left
    }
}

/// The number of leading non-NaN values (NaN sort last).
pub(super) fn non_missing(values: &[f64]) -> usize {
    let mut m = values.len();
    while m > 0 && values[m - 1].is_nan() {
        m -= 1;
    }
    m
}
