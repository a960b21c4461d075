//! [`Tree`]: a fitted tree stored flat, and its traversal.

use ndarray::{ArrayView1, ArrayView2, s};
use rayon::prelude::*;

/// Rows per parallel task when trees predict many rows: each tree is walked for a block of
/// rows while its nodes are in the cache, rather than every tree for one row, which reads a
/// whole ensemble (megabytes for a forest, or a booster of many classes) once per row.
pub(crate) const ROW_BLOCK: usize = 256;

/// Calls `each` with every block of [`ROW_BLOCK`] rows of `x` and that block's part of `out`
/// (`width` values per row), blocks in parallel. What a row gets depends on `each` alone, not
/// on the blocks, so the result is the same for any thread count.
pub(crate) fn by_row_blocks(
    x: ArrayView2<'_, f64>,
    out: &mut [f64],
    width: usize,
    each: impl Fn(ArrayView2<'_, f64>, &mut [f64]) + Sync,
) {
    out.par_chunks_mut(ROW_BLOCK * width)
        .enumerate()
        .for_each(|(block, out)| {
            let first = block * ROW_BLOCK;
            each(x.slice(s![first..first + out.len() / width, ..]), out);
        });
}

/// Marks a missing child: the node is a leaf.
pub(crate) const NONE: u32 = u32::MAX;

/// One node of a fitted [`Tree`]: a split (feature, threshold, children, where NaN goes) or a
/// leaf, with what the training rows that reached it looked like.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub(crate) feature: u32,
    pub(crate) threshold: f64,
    pub(crate) left: u32,
    pub(crate) right: u32,
    pub(crate) missing_go_left: bool,
    pub(crate) n_samples: usize,
    pub(crate) weighted_n_samples: f64,
    pub(crate) impurity: f64,
}

impl Node {
    /// Whether the node is a leaf.
    pub fn is_leaf(&self) -> bool {
        self.left == NONE
    }

    /// The split: feature index and threshold (rows with `x[feature] <= threshold` go left);
    /// `None` for a leaf.
    pub fn split(&self) -> Option<(usize, f64)> {
        (!self.is_leaf()).then_some((self.feature as usize, self.threshold))
    }

    /// The children (left, right) as node indices; `None` for a leaf.
    pub fn children(&self) -> Option<(usize, usize)> {
        (!self.is_leaf()).then_some((self.left as usize, self.right as usize))
    }

    /// Whether a NaN in the split feature goes left: the better side for the training rows with
    /// NaN, or, if none reached the node, the side with more training rows (ties right).
    pub fn missing_go_left(&self) -> bool {
        self.missing_go_left
    }

    /// The number of training rows that reached the node (distinct rows, whatever their weight).
    pub fn n_samples(&self) -> usize {
        self.n_samples
    }

    /// Their total weight.
    pub fn weighted_n_samples(&self) -> f64 {
        self.weighted_n_samples
    }

    /// Their impurity under the tree's criterion.
    pub fn impurity(&self) -> f64 {
        self.impurity
    }
}

/// A fitted tree, stored flat: nodes in depth-first order (left subtree first, the root at 0),
/// and for every node its value: class fractions (one per class) or the mean target.
#[derive(Debug, Clone, PartialEq)]
pub struct Tree {
    nodes: Vec<Node>,
    /// What [`Tree::apply`] reads of each node, half a [`Node`]'s size.
    steps: Vec<Step>,
    pub(crate) values: Vec<f64>,
    pub(crate) n_outputs: usize,
    pub(crate) n_features: usize,
}

/// A node as traversal reads it: its split and children, and not what its training rows looked
/// like, so that a walk down the tree touches fewer cache lines. A leaf is its own two children
/// (feature 0, threshold 0, missing values right), so that a step from it stays there.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Step {
    threshold: f64,
    feature: u32,
    left: u32,
    right: u32,
    missing_go_left: bool,
}

impl Step {
    /// The node `row` goes to from this one: left if `row[feature] <= threshold`, NaN to the
    /// missing side. Computed without branches (NaN compares false), and a leaf's own index
    /// from a leaf.
    #[inline(always)]
    fn next(&self, row: &ArrayView1<'_, f64>) -> usize {
        let x = row[self.feature as usize];
        let left = (x <= self.threshold) | (x.is_nan() & self.missing_go_left);
        [self.right, self.left][usize::from(left)] as usize
    }
}

/// Rows walked down a tree together by [`Tree::apply_rows`].
const LOCKSTEP: usize = 8;

impl Tree {
    /// The tree of `nodes` (depth-first, the root first) with `n_outputs` values per node in
    /// `values`, fitted on `n_features` features.
    pub(crate) fn new(
        nodes: Vec<Node>,
        values: Vec<f64>,
        n_outputs: usize,
        n_features: usize,
    ) -> Self {
        let steps = nodes
            .iter()
            .enumerate()
            .map(|(i, node)| match node.children() {
                Some((left, right)) => Step {
                    threshold: node.threshold,
                    feature: node.feature,
                    left: left as u32,
                    right: right as u32,
                    missing_go_left: node.missing_go_left,
                },
                None => Step {
                    threshold: 0.0,
                    feature: 0,
                    left: i as u32,
                    right: i as u32,
                    missing_go_left: false,
                },
            })
            .collect();
        Tree {
            nodes,
            steps,
            values,
            n_outputs,
            n_features,
        }
    }

    /// The nodes; the root is the first.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The value of node `node`: the class fractions of its training rows (weighted), or their
    /// mean target.
    ///
    /// # Panics
    ///
    /// If `node` is not a node index.
    pub fn value(&self, node: usize) -> &[f64] {
        &self.values[node * self.n_outputs..(node + 1) * self.n_outputs]
    }

    /// The number of values per node: the number of classes, or 1.
    pub fn n_outputs(&self) -> usize {
        self.n_outputs
    }

    /// The number of features the tree was fitted on.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// The number of leaves.
    pub fn n_leaves(&self) -> usize {
        self.nodes.iter().filter(|n| n.is_leaf()).count()
    }

    /// The depth of the deepest leaf (a lone root has depth 0).
    pub fn depth(&self) -> usize {
        let mut depth = vec![0usize; self.nodes.len()];
        let mut max = 0;
        for (i, node) in self.nodes.iter().enumerate() {
            if let Some((l, r)) = node.children() {
                depth[l] = depth[i] + 1;
                depth[r] = depth[i] + 1;
                max = max.max(depth[i] + 1);
            }
        }
        max
    }

    /// The leaf that `row` (one value per feature) falls in: at each split it goes left if
    /// `row[feature] <= threshold`, NaN goes the node's missing side.
    ///
    /// # Panics
    ///
    /// If `row` has fewer values than the split features need.
    pub fn apply(&self, row: ArrayView1<'_, f64>) -> usize {
        let mut i = 0;
        loop {
            let step = &self.steps[i];
            if step.left == step.right {
                return i;
            }
            i = step.next(&row);
        }
    }

    /// The leaf of each row of `x` ([`apply_rows`](Self::apply_rows) into a new vector).
    pub(crate) fn leaves(&self, x: ArrayView2<'_, f64>) -> Vec<usize> {
        let mut leaves = vec![0; x.nrows()];
        self.apply_rows(x, &mut leaves);
        leaves
    }

    /// The leaf of each row of `x` (rows x features), as [`apply`](Self::apply) finds it,
    /// written into `leaves`. Rows go down [`LOCKSTEP`] at a time, a level per step, with no
    /// branch per row: their walks overlap in the processor instead of each waiting on a
    /// mispredicted branch at every node.
    ///
    /// # Panics
    ///
    /// If `leaves` is not one per row, or the rows have fewer values than the split features
    /// need.
    pub(crate) fn apply_rows(&self, x: ArrayView2<'_, f64>, leaves: &mut [usize]) {
        assert_eq!(leaves.len(), x.nrows(), "a leaf per row");
        if self.steps[0].left == self.steps[0].right {
            // A lone leaf, which may have been fitted on no feature at all.
            leaves.fill(0);
            return;
        }
        let mut groups = leaves.chunks_exact_mut(LOCKSTEP);
        for (g, group) in groups.by_ref().enumerate() {
            let rows: [ArrayView1<'_, f64>; LOCKSTEP] =
                std::array::from_fn(|r| x.row(g * LOCKSTEP + r));
            let mut at = [0; LOCKSTEP];
            loop {
                let mut moved = false;
                for (i, row) in at.iter_mut().zip(&rows) {
                    let next = self.steps[*i].next(row);
                    moved |= next != *i;
                    *i = next;
                }
                if !moved {
                    break;
                }
            }
            group.copy_from_slice(&at);
        }
        let done = x.nrows() - groups.into_remainder().len();
        for (r, leaf) in leaves.iter_mut().enumerate().skip(done) {
            *leaf = self.apply(x.row(r));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    fn node(feature: u32, threshold: f64, children: (u32, u32), missing_go_left: bool) -> Node {
        Node {
            feature,
            threshold,
            left: children.0,
            right: children.1,
            missing_go_left,
            n_samples: 1,
            weighted_n_samples: 1.0,
            impurity: 0.0,
        }
    }

    /// Rows walked together reach the leaves rows walked alone reach, NaN included, for any
    /// number of rows (whole groups and a remainder).
    #[test]
    fn rows_walked_together_reach_the_leaves_of_rows_walked_alone() {
        // 0: x0 <= 0.5 (NaN left) -> 1 (leaf) | 2: x1 <= -1 (NaN right) -> 3 (leaf) | 4 (leaf).
        let leaf = |_| node(0, 0.0, (NONE, NONE), false);
        let nodes = vec![
            node(0, 0.5, (1, 2), true),
            leaf(1),
            node(1, -1.0, (3, 4), false),
            leaf(3),
            leaf(4),
        ];
        let tree = Tree::new(nodes, vec![0.0; 5], 1, 2);
        let values = [f64::NAN, -2.0, -1.0, 0.5, 0.6, 3.0];
        let cells: Vec<f64> = (0..203)
            .flat_map(|i| [values[i % 6], values[(i / 6) % 6]])
            .collect();
        let x = Array2::from_shape_vec((203, 2), cells).unwrap();
        for n in [203, 16, 7, 0] {
            let x = x.slice(s![..n, ..]);
            let mut leaves = vec![usize::MAX; n];
            tree.apply_rows(x, &mut leaves);
            let alone: Vec<usize> = x.rows().into_iter().map(|row| tree.apply(row)).collect();
            assert_eq!(leaves, alone, "{n} rows");
        }
        let leaf_of = |a: f64, b: f64| tree.apply(ndarray::arr1(&[a, b]).view());
        assert_eq!(
            [
                leaf_of(f64::NAN, 9.0),
                leaf_of(0.5, 9.0),
                leaf_of(0.6, -1.0)
            ],
            [1, 1, 3]
        );
        assert_eq!([leaf_of(0.6, f64::NAN), leaf_of(3.0, -0.5)], [4, 4]);
        // A lone leaf, fitted on no feature: every row is in it.
        let stump = Tree::new(vec![leaf(0)], vec![1.0], 1, 0);
        let mut leaves = vec![9; 11];
        stump.apply_rows(Array2::zeros((11, 0)).view(), &mut leaves);
        assert_eq!(leaves, [0; 11]);
    }
}
