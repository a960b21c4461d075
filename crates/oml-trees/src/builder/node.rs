//! Growing the nodes of a family of trees, depth first ([`grow`](super::grow)).
//!
//! A pending node holds the trees that reach it, each with its parent's id in that tree. The
//! node is added to each of them; those whose stopping rules let it split share one scan
//! ([`Grower::best_splits`]), which finds the best split of each of their leaf sizes. Trees
//! whose best splits agree split the node together; where they differ, the node's rows are
//! saved in every block, the first group's split is applied and grown, and each other group's
//! later restores the rows and applies its own ([`Work::Resplit`]).

use rand::RngCore;

use super::bests::One;
use super::buckets::GroupBuffer;
use super::{EPSILON, Grower, Split, Weights};
use crate::criterion::Stats;
use crate::forest::tree_seed;
use crate::tree::{NONE, Node};

/// A tree of the family at a pending node, with the id of the node's parent in it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Entry {
    tree: u32,
    parent: u32,
}

/// A node waiting to be grown.
#[derive(Debug, Clone, Copy)]
pub(super) struct Pending {
    start: usize,
    end: usize,
    depth: usize,
    is_left: bool,
    /// False when the parent already knows this node is a leaf of every tree that reaches it
    /// (and may have left its rows sorted only in the first block).
    may_split: bool,
    /// The seed of the node's feature draws.
    key: u64,
    /// The trees that reach the node: a range of `entries`.
    entries: (u32, u32),
}

/// What the grower does next.
enum Work<S> {
    /// Grows a node, with the group sums and statistics its parent handed down, if any.
    Grow(Pending, Option<GroupBuffer>, Option<S>),
    /// Splits a node grown before for another group of its trees.
    Resplit(Box<Resplit<S>>),
}

/// A group of a node's trees that split it otherwise than the first group.
struct Resplit<S> {
    node: Pending,
    split: Split,
    /// The group's trees: a range of `owners`.
    owners: (usize, usize),
    /// The node's statistics.
    total: S,
    /// Where the node's rows are saved, and whether this group is the last to read them.
    saved: usize,
    last: bool,
}

/// The seed of the feature draws of a node's child, from the node's: a path from the root
/// gives the same seed in every tree of a family, and a lone tree's.
pub(super) fn child_key(key: u64, is_left: bool) -> u64 {
    tree_seed(key, u64::MAX - u64::from(is_left))
}

/// The generator of a node's feature draws: SplitMix64 started at the node's key.
pub(super) struct NodeRng {
    key: u64,
    drawn: u64,
}

impl NodeRng {
    /// The generator of the node of this key.
    pub(super) fn new(key: u64) -> Self {
        NodeRng { key, drawn: 0 }
    }
}

impl RngCore for NodeRng {
    fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }
    fn next_u64(&mut self) -> u64 {
        let value = tree_seed(self.key, self.drawn);
        self.drawn += 1;
        value
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for chunk in dest.chunks_mut(8) {
            let bytes = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

impl<S: Stats, W: Weights> Grower<'_, S, W> {
    /// Grows every tree of the family from the root, on the `active` rows.
    pub(super) fn run(&mut self, active: &[u32]) {
        let n_trees = self.trees.len() as u32;
        self.entries = (0..n_trees)
            .map(|tree| Entry { tree, parent: NONE })
            .collect();
        let root = Pending {
            start: 0,
            end: self.n,
            depth: 0,
            is_left: false,
            may_split: true,
            key: self.settings.seed,
            entries: (0, n_trees),
        };
        let mut stack = vec![Work::Grow(root, None, None)];
        // Statistics to reuse for the children's.
        let mut spare: Vec<S> = Vec::new();
        while let Some(work) = stack.pop() {
            match work {
                Work::Grow(node, handed_down, total) => {
                    self.groups.start_node(handed_down);
                    let known = total.is_some();
                    if let Some(mut total) = total {
                        std::mem::swap(&mut self.total, &mut total);
                        spare.push(total);
                    }
                    self.visit(node, active, known, (&mut stack, &mut spare));
                }
                Work::Resplit(resplit) => {
                    let Resplit {
                        node,
                        split,
                        owners,
                        mut total,
                        saved,
                        last,
                    } = *resplit;
                    self.restore(node.start, node.end, saved, last);
                    self.groups.start_node(None);
                    std::mem::swap(&mut self.total, &mut total);
                    spare.push(total);
                    self.apply(node, &split, owners, false, (&mut stack, &mut spare));
                }
            }
        }
    }

    /// Adds the node to every tree that reaches it (its statistics in `total` already if
    /// `known`), and splits it for those whose stopping rules allow, by group of trees that
    /// agree on the split.
    fn visit(
        &mut self,
        node: Pending,
        active: &[u32],
        known: bool,
        (stack, spare): (&mut Vec<Work<S>>, &mut Vec<S>),
    ) {
        let Pending { start, end, .. } = node;
        let n_node = end - start;
        if !known {
            self.total.clear();
            let node_rows = if self.p > 0 {
                &self.rows[start..end]
            } else {
                active
            };
            for &row in node_rows {
                let row = row as usize;
                self.total.add(self.targets[row], self.weights.get(row));
            }
        }
        if node.depth == 0 {
            self.root_weight = self.total.weight();
        }
        let impurity = self.total.impurity();
        let settings = self.settings;
        let splittable =
            node.may_split && n_node >= settings.min_samples_split && impurity > EPSILON;
        let first_owner = self.owners.len();
        for e in node.entries.0..node.entries.1 {
            let Entry { tree, parent } = self.entries[e as usize];
            let (nodes, values) = &mut self.trees[tree as usize];
            let id = nodes.len() as u32;
            nodes.push(Node {
                feature: 0,
                threshold: 0.0,
                left: NONE,
                right: NONE,
                missing_go_left: false,
                n_samples: n_node,
                weighted_n_samples: self.total.weight(),
                impurity,
            });
            self.total.push_value(values);
            if parent != NONE {
                let parent = &mut nodes[parent as usize];
                if node.is_left {
                    parent.left = id;
                } else {
                    parent.right = id;
                }
            }
            let shape = settings.shapes[tree as usize];
            if splittable && node.depth < shape.max_depth && n_node >= 2 * shape.min_samples_leaf {
                self.owners.push((tree, id));
            }
        }
        let owners = first_owner..self.owners.len();
        if owners.is_empty() {
            return;
        }
        // The splitting trees by leaf size: trees of one size share a bucket.
        let leaf_size = |&(tree, _): &(u32, u32)| settings.shapes[tree as usize].min_samples_leaf;
        self.owners[owners.clone()].sort_by_key(|owner| (leaf_size(owner), owner.0));
        let smallest = leaf_size(&self.owners[owners.start]);
        if leaf_size(&self.owners[owners.end - 1]) == smallest {
            self.splits.start(1);
            self.best_splits(start, end, node.key, &mut One::new(smallest));
            if let Some(split) = self.splits.split(0) {
                let owners = (owners.start, owners.end);
                self.apply(node, &split, owners, true, (stack, spare));
            }
            return;
        }
        let mut many = std::mem::take(&mut self.many);
        many.start(self.owners[owners.clone()].iter().map(leaf_size));
        self.splits.start(many.len());
        self.best_splits(start, end, node.key, &mut many);
        self.many = many;
        // Groups of trees of one split, in order of leaf size: a leaf size's best split is
        // allowed to every smaller one, so trees of the same split are contiguous, and those
        // of no split come last.
        let mut groups: Vec<(Split, usize, usize)> = Vec::new();
        let mut bucket = 0;
        for i in owners.clone() {
            if i > owners.start && leaf_size(&self.owners[i]) != leaf_size(&self.owners[i - 1]) {
                bucket += 1;
            }
            let Some(split) = self.splits.split(bucket) else {
                break;
            };
            match groups.last_mut() {
                Some((last, _, group_end)) if last.same(&split) => *group_end = i + 1,
                _ => groups.push((split, i, i + 1)),
            }
        }
        let Some(&(first, first_start, first_end)) = groups.first() else {
            return;
        };
        if groups.len() > 1 {
            let saved = self.save(start, end);
            let n_later = groups.len() - 1;
            for (i, &(split, group_start, group_end)) in groups[1..].iter().enumerate().rev() {
                stack.push(Work::Resplit(Box::new(Resplit {
                    node,
                    split,
                    owners: (group_start, group_end),
                    total: self.total.clone(),
                    saved,
                    last: i + 1 == n_later,
                })));
            }
        }
        self.apply(node, &first, (first_start, first_end), true, (stack, spare));
    }

    /// Applies `split` to the node for the trees `owners` (a range of `owners`): unless it
    /// improves impurity less than `min_impurity_decrease`, sets it in their nodes, partitions
    /// the node's rows and pushes its children, handing them the group sums if
    /// `hand_down_groups` (the node's sums are the current ones) and their statistics where
    /// exact.
    fn apply(
        &mut self,
        node: Pending,
        split: &Split,
        owners: (usize, usize),
        hand_down_groups: bool,
        (stack, spare): (&mut Vec<Work<S>>, &mut Vec<S>),
    ) {
        let Pending {
            start, end, depth, ..
        } = node;
        let s = self.settings;
        let n_node = end - start;
        let impurity = self.total.impurity();
        let n_left = self.mark_sides(start, end, split);
        let (w_t, w_l, w_r) = (self.total.weight(), self.left.weight(), self.right.weight());
        let improvement = w_t / self.root_weight
            * (impurity - w_r / w_t * self.right.impurity() - w_l / w_t * self.left.impurity());
        if improvement + EPSILON < s.min_impurity_decrease {
            return;
        }
        // The loosest rules of the group's trees decide whether a child may split.
        let (mut max_depth, mut min_leaf) = (0, usize::MAX);
        for &(tree, id) in &self.owners[owners.0..owners.1] {
            let shape = s.shapes[tree as usize];
            max_depth = max_depth.max(shape.max_depth);
            min_leaf = min_leaf.min(shape.min_samples_leaf);
            let node = &mut self.trees[tree as usize].0[id as usize];
            node.feature = split.feature as u32;
            node.threshold = split.threshold;
            node.missing_go_left = split.missing_go_left;
        }
        // A child that will be a leaf needs its rows only in the first block (for its
        // statistics): when both will be, the other blocks are left as they are.
        let splits = |n: usize, stats: &S| {
            depth + 1 < max_depth
                && n >= s.min_samples_split
                && n >= 2 * min_leaf
                && stats.impurity() > EPSILON
        };
        let left_may_split = splits(n_left, &self.left);
        let right_may_split = splits(n_node - n_left, &self.right);
        // Nor when both will sort their rows on demand.
        let keeps_blocks = |may_split: bool, n: usize| may_split && n >= self.sort_below;
        let blocks = if keeps_blocks(left_may_split, n_left)
            || keeps_blocks(right_may_split, n_node - n_left)
        {
            self.n_blocks
        } else {
            1
        };
        self.partition(start, end, blocks);
        let first_entry = self.entries.len() as u32;
        for &(tree, parent) in &self.owners[owners.0..owners.1] {
            self.entries.push(Entry { tree, parent });
        }
        let entries = (first_entry, self.entries.len() as u32);

        let mid = start + n_left;
        let (left, right) = (start..mid, mid..end);
        let left_is_small = left.len() <= right.len();
        let (small, keep) = if left_is_small {
            (left.clone(), (left_may_split, right_may_split))
        } else {
            (right.clone(), (right_may_split, left_may_split))
        };
        let (small, large) = if hand_down_groups {
            let targets = (self.targets, self.weights);
            let small_rows = (&self.rows[small.clone()], n_node - small.len());
            self.groups.split::<S, W>(small_rows, targets, keep)
        } else {
            (None, None)
        };
        let (left_sums, right_sums) = if left_is_small {
            (small, large)
        } else {
            (large, small)
        };
        for (range, is_left, may_split, sums) in [
            (right, false, right_may_split, right_sums),
            (left, true, left_may_split, left_sums),
        ] {
            let total = self.hand_down_totals.then(|| {
                let mut total = spare.pop().unwrap_or_else(|| self.zero.clone());
                let side = if is_left { &self.left } else { &self.right };
                total.set_difference(side, &self.zero);
                total
            });
            let child = Pending {
                start: range.start,
                end: range.end,
                depth: depth + 1,
                is_left,
                may_split,
                key: child_key(node.key, is_left),
                entries,
            };
            stack.push(Work::Grow(child, sums, total));
        }
    }

    /// Saves the rows and values of every block over `start..end`; returns where.
    fn save(&mut self, start: usize, end: usize) -> usize {
        let at = self.saved_rows.len();
        for b in 0..self.n_blocks {
            let range = b * self.n + start..b * self.n + end;
            self.saved_rows.extend_from_slice(&self.rows[range.clone()]);
            self.saved_values.extend_from_slice(&self.values[range]);
        }
        at
    }

    /// Restores the rows and values of every block over `start..end` saved at `at`, and
    /// forgets them if `release`.
    fn restore(&mut self, start: usize, end: usize, at: usize, release: bool) {
        let len = end - start;
        for b in 0..self.n_blocks {
            let saved = at + b * len..at + (b + 1) * len;
            let range = b * self.n + start..b * self.n + end;
            self.rows[range.clone()].copy_from_slice(&self.saved_rows[saved.clone()]);
            self.values[range].copy_from_slice(&self.saved_values[saved]);
        }
        if release {
            self.saved_rows.truncate(at);
            self.saved_values.truncate(at);
        }
    }
}
