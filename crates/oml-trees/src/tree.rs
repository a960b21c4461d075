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

/// A node as traversal reads it: its split and children (`left` [`NONE`] for a leaf), and not
/// what its training rows looked like, so that a walk down the tree touches fewer cache lines.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Step {
    threshold: f64,
    feature: u32,
    left: u32,
    right: u32,
    missing_go_left: bool,
}

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
            .map(|node| Step {
                threshold: node.threshold,
                feature: node.feature,
                left: node.left,
                right: node.right,
                missing_go_left: node.missing_go_left,
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
            let node = &self.steps[i];
            if node.left == NONE {
                return i;
            }
            let x = row[node.feature as usize];
            let left = if x.is_nan() {
                node.missing_go_left
            } else {
                x <= node.threshold
            };
            i = if left { node.left } else { node.right } as usize;
        }
    }
}
