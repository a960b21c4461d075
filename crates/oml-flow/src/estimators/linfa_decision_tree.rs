//! linfa-trees' decision tree as a flow, with scikit-learn's leaf class fractions as
//! confidences.

use linfa::prelude::*;
use linfa_trees::{DecisionTree, DecisionTreeParams, DecisionTreeValidParams, SplitQuality};
use ndarray::{Array2, ArrayView1, ArrayView2};
use oml_data::DesignMatrix;

use crate::error::{Error, Result};
use crate::estimators::linfa_libm_external_version;
use crate::flow::{Describe, Flow, Model, Output, TaskKind, TrainingSet};
use crate::inputs::{class_inputs, fitted_inputs};
use crate::param::{Constraint, MAX_DEPTH, Parameter, set_value, unknown_parameter};

crate::option_value!(SplitQuality {
    SplitQuality::Gini => "gini",
    SplitQuality::Entropy => "entropy",
});

/// The classification tree of linfa-trees. Its parameters are linfa's own
/// [`DecisionTreeValidParams`], read through their getters and set through linfa's setters and
/// check; oml adds range checks linfa lacks (positive weights, a depth of at least 1).
///
/// Confidences are the training class fractions of the leaf a row falls in, as scikit-learn's
/// `predict_proba`; the label is their argmax with ties to the first class, so linfa's
/// hash-ordered tie-breaking never shows.
#[derive(Debug, Clone)]
pub struct LinfaDecisionTreeFlow {
    params: DecisionTreeValidParams<f64, usize>,
}

impl Default for LinfaDecisionTreeFlow {
    fn default() -> Self {
        LinfaDecisionTreeFlow {
            params: DecisionTree::params()
                .check()
                .expect("linfa's defaults are valid"),
        }
    }
}

impl LinfaDecisionTreeFlow {
    /// A tree with linfa's defaults: gini, no depth limit, `min_weight_split` 2,
    /// `min_weight_leaf` 1, `min_impurity_decrease` 1e-5.
    pub fn new() -> Self {
        LinfaDecisionTreeFlow::default()
    }

    /// A tree with the given checked linfa parameters.
    pub fn with_params(params: DecisionTreeValidParams<f64, usize>) -> Self {
        LinfaDecisionTreeFlow { params }
    }

    /// The checked linfa parameters.
    pub fn params(&self) -> &DecisionTreeValidParams<f64, usize> {
        &self.params
    }
}

/// The values `min_weight_split` takes; linfa keeps the weights as `f32`, and the upper limit
/// keeps them well within its range.
const SPLIT_WEIGHT: Constraint<f64> = Constraint {
    allowed: "a number of at least 1 and less than 1e30",
    valid: |weight| (1.0..1e30).contains(weight),
};

/// The values `min_weight_leaf` takes, an `f32` in linfa as `min_weight_split`.
const LEAF_WEIGHT: Constraint<f64> = Constraint {
    allowed: "a number greater than 0 and less than 1e30",
    valid: |weight| *weight > 0.0 && *weight < 1e30,
};

/// The values `min_impurity_decrease` takes: linfa's check rejects anything below
/// `f64::EPSILON`.
const IMPURITY_DECREASE: Constraint<f64> = Constraint {
    allowed: "a number of at least 2.220446049250313e-16",
    valid: |decrease| *decrease >= f64::EPSILON,
};

/// The parameters of a linfa tree as OpenML records them, against linfa's defaults.
pub(crate) fn tree_parameters(params: &DecisionTreeValidParams<f64, usize>) -> Vec<Parameter> {
    let default = DecisionTree::<f64, usize>::params()
        .check()
        .expect("linfa's defaults are valid");
    vec![
        Parameter::new(
            "split_quality",
            &default.split_quality(),
            &params.split_quality(),
            "impurity measure of a split",
        ),
        Parameter::new(
            "max_depth",
            &default.max_depth(),
            &params.max_depth(),
            "largest depth of the tree",
        )
        .allowing(MAX_DEPTH.allowed),
        Parameter::new(
            "min_weight_split",
            &f64::from(default.min_weight_split()),
            &f64::from(params.min_weight_split()),
            "smallest number of rows a node needs to be split",
        )
        .allowing(SPLIT_WEIGHT.allowed),
        Parameter::new(
            "min_weight_leaf",
            &f64::from(default.min_weight_leaf()),
            &f64::from(params.min_weight_leaf()),
            "smallest number of rows in a leaf",
        )
        .allowing(LEAF_WEIGHT.allowed),
        Parameter::new(
            "min_impurity_decrease",
            &default.min_impurity_decrease(),
            &params.min_impurity_decrease(),
            "smallest impurity decrease that makes a split",
        )
        .allowing(IMPURITY_DECREASE.allowed),
    ]
}

/// `params` with parameter `name` set from `value`, checked; `None` if the tree has no such
/// parameter.
pub(crate) fn set_tree_parameter(
    params: &DecisionTreeValidParams<f64, usize>,
    name: &str,
    value: &str,
) -> Option<Result<DecisionTreeValidParams<f64, usize>>> {
    let mut split_quality = params.split_quality();
    let mut max_depth = params.max_depth();
    let mut min_weight_split = f64::from(params.min_weight_split());
    let mut min_weight_leaf = f64::from(params.min_weight_leaf());
    let mut min_impurity_decrease = params.min_impurity_decrease();
    let parsed = match name {
        "split_quality" => set_value(&mut split_quality, name, value),
        "max_depth" => MAX_DEPTH.set(&mut max_depth, name, value),
        "min_weight_split" => SPLIT_WEIGHT.set(&mut min_weight_split, name, value),
        "min_weight_leaf" => LEAF_WEIGHT.set(&mut min_weight_leaf, name, value),
        "min_impurity_decrease" => IMPURITY_DECREASE.set(&mut min_impurity_decrease, name, value),
        _ => return None,
    };
    Some(parsed.and_then(|()| {
        DecisionTreeParams::new()
            .split_quality(split_quality)
            .max_depth(max_depth)
            .min_weight_split(min_weight_split as f32)
            .min_weight_leaf(min_weight_leaf as f32)
            .min_impurity_decrease(min_impurity_decrease)
            .check()
            .map_err(|e| Error::invalid(name, value, e.to_string()))
    }))
}

impl Describe for LinfaDecisionTreeFlow {
    fn name(&self) -> String {
        "linfa_trees.DecisionTree".to_owned()
    }
    fn external_version(&self) -> String {
        linfa_libm_external_version(&["linfa-trees"])
    }
    fn description(&self) -> String {
        "CART classification tree of linfa-trees 0.8.1 (exact splits, gini or entropy; with \
         oml's patches: class frequencies summed in class order, so fits are deterministic, \
         and thresholds at midpoints between adjacent distinct values of the node's rows, as \
         CART); confidences are the training class fractions of the leaf (scikit-learn: \
         DecisionTreeClassifier; oml's `decision-tree` is the faster, missing-aware one)"
            .to_owned()
    }
    fn parameters(&self) -> Vec<Parameter> {
        tree_parameters(&self.params)
    }
    fn set_parameter(&mut self, name: &str, value: &str) -> Result<()> {
        match set_tree_parameter(&self.params, name, value) {
            Some(params) => {
                self.params = params?;
                Ok(())
            }
            None => Err(unknown_parameter(&self.name(), name, &self.parameters())),
        }
    }
}

impl Flow for LinfaDecisionTreeFlow {
    fn learns(&self, kind: TaskKind) -> bool {
        matches!(kind, TaskKind::Classification { .. })
    }

    fn fit(&self, data: &TrainingSet<'_>, _seed: u64) -> Result<Box<dyn Model>> {
        let (x, classes, n_classes) = class_inputs(self, data)?;
        let tree = self
            .params
            .fit(&DatasetBase::new(x, classes))
            .map_err(|e| Error::fit(self.name(), e))?;
        let columns: Vec<usize> = (0..x.ncols()).collect();
        let leaves = LeafFractions::new(&tree, &columns, x, 0..x.nrows(), classes, n_classes);
        Ok(Box::new(FittedTree {
            leaves,
            n_features: x.ncols(),
            name: self.name(),
        }))
    }
}

struct FittedTree {
    leaves: LeafFractions,
    n_features: usize,
    name: String,
}

impl Model for FittedTree {
    fn output(&self, x: &DesignMatrix) -> Result<Output> {
        let x = fitted_inputs(&self.name, x, self.n_features)?;
        Ok(Output::Confidences(self.leaves.confidences(x)))
    }
}

/// A fitted linfa tree flattened into arrays, with the class fractions of the training rows
/// in each leaf: the probabilities linfa does not keep.
#[derive(Debug, Clone)]
pub(crate) struct LeafFractions {
    /// Per node: the split feature and threshold, or `None` for a leaf.
    splits: Vec<Option<(usize, f64)>>,
    /// Per node: the left and right child (rows with `x[feature] <= threshold` go left).
    children: Vec<(usize, usize)>,
    /// Per node: class fractions (all zero for inner nodes), `n_classes` each.
    fractions: Vec<f64>,
    n_classes: usize,
}

impl LeafFractions {
    /// Flattens `tree`, whose feature `f` is column `columns[f]` of `x`, and counts in each
    /// leaf the classes (`classes`, one per row of `x`) of the rows `rows` of `x` it was fitted
    /// on, a row as often as it is listed. A leaf no training row reaches gets the tree's own
    /// prediction as certain. The flattened tree reads `x`'s columns: no copy of the tree's
    /// rows or features is made, here or when predicting.
    pub(crate) fn new(
        tree: &DecisionTree<f64, usize>,
        columns: &[usize],
        x: ArrayView2<'_, f64>,
        rows: impl IntoIterator<Item = usize>,
        classes: ArrayView1<'_, usize>,
        n_classes: usize,
    ) -> Self {
        let mut leaves = LeafFractions {
            splits: Vec::new(),
            children: Vec::new(),
            fractions: Vec::new(),
            n_classes,
        };
        let mut predictions = Vec::new();
        leaves.push(tree.root_node(), columns, &mut predictions);
        let mut counts = vec![0.0; leaves.splits.len() * n_classes];
        for row in rows {
            counts[leaves.leaf(x.row(row)) * n_classes + classes[row]] += 1.0;
        }
        for (node, prediction) in predictions.into_iter().enumerate() {
            let Some(prediction) = prediction else {
                continue;
            };
            let slot = &mut counts[node * n_classes..(node + 1) * n_classes];
            let total: f64 = slot.iter().sum();
            if total > 0.0 {
                slot.iter_mut().for_each(|c| *c /= total);
            } else if prediction < n_classes {
                slot[prediction] = 1.0;
            }
        }
        leaves.fractions = counts;
        leaves
    }

    fn push(
        &mut self,
        node: &linfa_trees::TreeNode<f64, usize>,
        columns: &[usize],
        predictions: &mut Vec<Option<usize>>,
    ) -> usize {
        let id = self.splits.len();
        self.splits.push(None);
        self.children.push((id, id));
        predictions.push(node.prediction());
        let children = node.children();
        if let (false, Some(left), Some(right)) = (node.is_leaf(), children[0], children[1]) {
            let (feature, threshold, _) = node.split();
            self.splits[id] = Some((columns[feature], threshold));
            let left = self.push(left, columns, predictions);
            let right = self.push(right, columns, predictions);
            self.children[id] = (left, right);
        }
        id
    }

    /// The leaf `row` falls in, by the rule linfa fits with: `x[feature] <= threshold` goes
    /// left (as the vendored linfa's `predict` does too, and scikit-learn).
    fn leaf(&self, row: ArrayView1<'_, f64>) -> usize {
        let mut node = 0;
        while let Some((feature, threshold)) = self.splits[node] {
            node = if row[feature] <= threshold {
                self.children[node].0
            } else {
                self.children[node].1
            };
        }
        node
    }

    /// The leaf fractions of each row of `x`, shape (rows, classes).
    pub(crate) fn confidences(&self, x: ArrayView2<'_, f64>) -> Array2<f64> {
        let mut out = Array2::zeros((x.nrows(), self.n_classes));
        self.add_confidences(x, &mut out);
        out
    }

    /// Adds the leaf fractions of each row of `x` to `out`.
    pub(crate) fn add_confidences(&self, x: ArrayView2<'_, f64>, out: &mut Array2<f64>) {
        for (row, mut target) in x.rows().into_iter().zip(out.rows_mut()) {
            let leaf = self.leaf(row);
            let fractions = &self.fractions[leaf * self.n_classes..(leaf + 1) * self.n_classes];
            target.iter_mut().zip(fractions).for_each(|(t, f)| *t += f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_impurity_decrease_text_is_linfas_limit() {
        assert_eq!(
            IMPURITY_DECREASE.allowed,
            format!("a number of at least {:e}", f64::EPSILON)
        );
        let below = f64::EPSILON / 2.0;
        assert!(!(IMPURITY_DECREASE.valid)(&below));
        assert!(
            DecisionTreeParams::<f64, usize>::new()
                .min_impurity_decrease(below)
                .check()
                .is_err()
        );
        assert!(
            DecisionTreeParams::<f64, usize>::new()
                .min_impurity_decrease(f64::EPSILON)
                .check()
                .is_ok()
        );
    }
}
