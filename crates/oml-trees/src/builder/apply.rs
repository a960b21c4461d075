//! Applying a node's split: marking each row's side, and partitioning the blocks the
//! children read.

use super::scan::non_missing;
use super::{Grower, Split, Weights};
use crate::criterion::Stats;

impl<S: Stats, W: Weights> Grower<'_, S, W> {
    /// Sets `goes_left` for the node's rows and the left and right statistics; returns the
    /// number of rows going left. A gathered feature, or one the node sorts itself, tells a
    /// row's side by its value; a kept block, by its position in the block.
    pub(super) fn mark_sides(&mut self, start: usize, end: usize, split: &Split) -> usize {
        let f = split.feature;
        let side = |value: Option<f64>| match value {
            None => split.missing_go_left,
            Some(value) => value <= split.upper,
        };
        let targets = (self.targets, self.weights);
        self.left.clear();
        let node_rows = &self.rows[start..end];
        let n_left = if let Some(few) = self.few[f] {
            let sides = node_rows.iter().map(|&row| {
                let row = row as usize;
                (
                    row,
                    side(few.values.get(usize::from(few.codes[row])).copied()),
                )
            });
            mark(sides, &mut self.goes_left, &mut self.left, targets)
        } else if self.sorts_on_demand(f, end - start) {
            let (ranks, values) = self.by_row[f].expect("a feature sorted on demand has ranks");
            let sides = node_rows.iter().map(|&row| {
                let row = row as usize;
                (row, side(values.get(ranks[row] as usize).copied()))
            });
            mark(sides, &mut self.goes_left, &mut self.left, targets)
        } else {
            let block = self.block[f] * self.n + start..self.block[f] * self.n + end;
            let m = non_missing(&self.values[block.clone()]);
            let sides = self.rows[block].iter().enumerate().map(|(k, &row)| {
                let left = if k < m {
                    k <= split.pos
                } else {
                    split.missing_go_left
                };
                (row as usize, left)
            });
            mark(sides, &mut self.goes_left, &mut self.left, targets)
        };
        self.right.set_difference(&self.total, &self.left);
        n_left
    }

    /// Partitions the range of the first `blocks` blocks stably: rows going left first.
    ///
    /// A block whose values are constant over the range (one value, or only NaN) is left as
    /// it is, except the first, whose rows give the nodes' statistics: its rows are never read
    /// again, and any part of the range holds the same constant, so the children still see it
    /// as constant and never split on it.
    pub(super) fn partition(&mut self, start: usize, end: usize, blocks: usize) {
        let goes_left = &self.goes_left;
        for b in 0..blocks {
            let base = b * self.n;
            let values = &mut self.values[base + start..base + end];
            if b > 0 && (values[0].is_nan() || values[0] == values[values.len() - 1]) {
                continue;
            }
            let rows = &mut self.rows[base + start..base + end];
            let mut l = 0;
            let mut r = 0;
            for k in 0..rows.len() {
                let row = rows[k];
                let value = values[k];
                let left = goes_left[row as usize];
                rows[l] = row;
                values[l] = value;
                self.scratch_rows[r] = row;
                self.scratch_values[r] = value;
                l += left as usize;
                r += !left as usize;
            }
            rows[l..].copy_from_slice(&self.scratch_rows[..r]);
            values[l..].copy_from_slice(&self.scratch_values[..r]);
        }
    }
}

/// Sets `goes_left` for each row of `sides` (a row and whether it goes left), in that order,
/// and adds the rows going left to `left`; returns their number.
fn mark<S: Stats, W: Weights>(
    sides: impl Iterator<Item = (usize, bool)>,
    goes_left: &mut [bool],
    left: &mut S,
    (targets, weights): (&[S::Target], W),
) -> usize {
    let mut n_left = 0;
    for (row, goes) in sides {
        goes_left[row] = goes;
        if goes {
            left.add(targets[row], weights.get(row));
            n_left += 1;
        }
    }
    n_left
}
