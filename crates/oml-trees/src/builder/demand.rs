//! Sorting a small node's rows of a drawn feature when it is drawn, instead of keeping every
//! feature's block sorted through the splits above it.
//!
//! Keeping a block sorted costs a pass over the node's rows at every split, whether or not a
//! node below draws the feature. A forest's tree on a table of many one-hot columns draws few
//! of its sorted (numeric) features at a node: 17 of 330 columns, of which 10 numeric, draws
//! about half of one. Below [`sort_below`] rows, a node therefore leaves the blocks other than
//! the first (which holds each node's rows) as they are, and sorts the node's rows of a drawn
//! feature by the feature's ranks by row. Only where the statistics are exact whatever
//! order rows are added in (class counts with whole-number weights): the candidates, their
//! order and their statistics are those of the kept block, so the tree is the same (a test
//! compares the two).

use super::buckets::one_code;
use super::{Grower, Weights};
use crate::criterion::Stats;

/// A feature's rank by row and the values of the ranks ([`SortedFeatures::ranks`]).
///
/// [`SortedFeatures::ranks`]: crate::sorted::SortedFeatures::ranks
pub(super) type RowRanks<'a> = (&'a [u32], &'a [f64]);

/// The cost of keeping a block sorted through a split, per row, against the cost of a
/// sort per row and per halving (`log2` of the node's rows). Calibrated on forests of 5,000
/// and 20,000 rows x 10 numeric and 10 nominal columns of 2 to 60 levels (one-hot; about 4%
/// and 2% less CPU time with this value, where 0.5 gave 0% and 2, sorting at every node,
/// 4%) and of 5,000 x 20 numeric columns (15% more CPU time with 2).
const PARTITION_PER_SORT_STEP: f64 = 0.8;

/// Below this node size the partition saved is too small to pay for drawing a sorted
/// feature by its ranks (forests of numeric tables, whose nodes draw a fifth of their
/// features, and small tuned forests measured no gain).
const LEAST_SORT_BELOW: usize = 64;

/// A node of at least one row per this many ranks of a feature sorts by counting.
const COUNTING_SORT_ROWS_PER_RANK: usize = 4;

/// The node size below which a node sorts the rows of a drawn sorted feature itself: where
/// sorting the features a node draws, about `max_features / p` of the sorted ones, costs
/// less than partitioning every sorted block at its split. That is where
/// `log2(rows) < p / max_features * PARTITION_PER_SORT_STEP`; 0 where that is below
/// [`LEAST_SORT_BELOW`] rows or the node draws every feature.
pub(super) fn sort_below(p: usize, max_features: usize) -> usize {
    if max_features == 0 || max_features >= p {
        return 0;
    }
    let halvings = p as f64 / max_features as f64 * PARTITION_PER_SORT_STEP;
    let below = if halvings >= 40.0 {
        usize::MAX
    } else {
        libm::exp2(halvings) as usize
    };
    if below < LEAST_SORT_BELOW { 0 } else { below }
}

impl<S: Stats, W: Weights> Grower<'_, S, W> {
    /// Whether the node of `n_node` rows sorts sorted feature `f`'s rows itself: its block
    /// was left as it is by a split above.
    pub(super) fn sorts_on_demand(&self, f: usize, n_node: usize) -> bool {
        n_node < self.sort_below && self.block[f] > 0
    }

    /// Sorts the node's rows by feature `f`'s values, missing values last, into
    /// `scratch_rows` and `scratch_values` (the node's range of a kept block, but for the
    /// order of rows of equal values and of the missing ones, which the statistics do not
    /// depend on).
    pub(super) fn sort_node_rows(&mut self, f: usize, start: usize, end: usize) {
        let (ranks, values) = self.by_row[f].expect("a feature sorted on demand has ranks");
        let n_node = end - start;
        let rows = &self.rows[start..end];
        if n_node * COUNTING_SORT_ROWS_PER_RANK >= values.len() {
            // Counting sort: the rows of each rank (the missing one last) in node order.
            self.rank_starts.clear();
            self.rank_starts.resize(values.len() + 3, 0);
            for &row in rows {
                self.rank_starts[ranks[row as usize] as usize + 2] += 1;
            }
            for r in 2..self.rank_starts.len() {
                self.rank_starts[r] += self.rank_starts[r - 1];
            }
            for &row in rows {
                let rank = ranks[row as usize] as usize;
                let k = self.rank_starts[rank + 1] as usize;
                self.rank_starts[rank + 1] += 1;
                self.scratch_rows[k] = row;
                self.scratch_values[k] = values.get(rank).copied().unwrap_or(f64::NAN);
            }
            return;
        }
        self.pairs.clear();
        let mut n_missing = 0;
        for &row in rows {
            let rank = ranks[row as usize];
            if rank as usize == values.len() {
                n_missing += 1;
                self.scratch_rows[n_node - n_missing] = row;
                self.scratch_values[n_node - n_missing] = f64::NAN;
            } else {
                self.pairs.push(u64::from(rank) << 32 | u64::from(row));
            }
        }
        self.pairs.sort_unstable();
        for (k, &pair) in self.pairs.iter().enumerate() {
            self.scratch_rows[k] = pair as u32;
            self.scratch_values[k] = values[(pair >> 32) as usize];
        }
    }

    /// Whether the node's rows of sorted feature `f` have one value throughout (-0 and 0
    /// alike) and no missing value, or only missing values, from its ranks by row.
    pub(super) fn is_constant_by_row(&self, f: usize, start: usize, end: usize) -> bool {
        let (ranks, _) = self.by_row[f].expect("a feature sorted on demand has ranks");
        one_code(
            self.rows[start..end]
                .iter()
                .map(|&row| ranks[row as usize] as usize),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_sort_on_demand_only_where_they_draw_few_features() {
        // Every feature drawn: never.
        assert_eq!(sort_below(20, 20), 0);
        assert_eq!(sort_below(20, 0), 0);
        // 4 of 20: below 2^4 rows, too few.
        assert_eq!(sort_below(20, 4), 0);
        // 1 of 8: below 2^6.4 rows.
        assert_eq!(sort_below(8, 1), 84);
        // 17 of 330: below 2^15.5 rows.
        assert_eq!(sort_below(330, 17), 47_295);
        assert_eq!(sort_below(10_000, 1), usize::MAX);
    }
}
