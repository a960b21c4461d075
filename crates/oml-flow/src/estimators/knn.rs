//! A k-nearest-neighbours classifier on linfa-nn's search indexes.

use std::panic::{AssertUnwindSafe, catch_unwind};

use linfa_nn::distance::{Distance, L2Dist};
use linfa_nn::{CommonNearestNeighbour, NearestNeighbour, NearestNeighbourIndex, NnError};
use ndarray::{Array1, Array2, ArrayView1};
use oml_data::DesignMatrix;

use crate::error::{Error, Result};
use crate::estimators::{linfa_external_version, panic_message};
use crate::flow::{Describe, Flow, Model, Output, TaskKind, TrainingSet};
use crate::inputs::{class_inputs, fitted_inputs};
use crate::param::{AT_LEAST_ONE, Constraint, Parameter, set_value, unknown_parameter};

/// The values `k` takes.
const K: Constraint<usize> = AT_LEAST_ONE;

/// The search index of linfa-nn that finds the neighbours; all give the same neighbours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KnnAlgorithm {
    /// linfa-nn's `KdTree`.
    KdTree,
    /// linfa-nn's `BallTree`.
    BallTree,
    /// linfa-nn's `LinearSearch`: every training row is compared.
    Linear,
}

crate::option_value!(KnnAlgorithm {
    KnnAlgorithm::KdTree => "kdtree",
    KnnAlgorithm::BallTree => "balltree",
    KnnAlgorithm::Linear => "linear",
});

impl KnnAlgorithm {
    fn index(self) -> CommonNearestNeighbour {
        match self {
            KnnAlgorithm::KdTree => CommonNearestNeighbour::KdTree,
            KnnAlgorithm::BallTree => CommonNearestNeighbour::BallTree,
            KnnAlgorithm::Linear => CommonNearestNeighbour::LinearSearch,
        }
    }
}

/// How much each of the k neighbours' votes counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KnnWeights {
    /// Every neighbour counts the same.
    Uniform,
    /// A neighbour counts 1 / its distance; if some neighbours are at distance 0, only they
    /// count, equally (as scikit-learn).
    Distance,
}

crate::option_value!(KnnWeights {
    KnnWeights::Uniform => "uniform",
    KnnWeights::Distance => "distance",
});

/// The k-nearest-neighbours classifier, as scikit-learn's `KNeighborsClassifier` with the
/// Euclidean distance. linfa has no such classifier, only search indexes (linfa-nn), so the
/// vote is oml's and the parameters are this struct's own.
///
/// Confidences are the (weighted) vote fractions of the k nearest training rows. Neighbours
/// are ordered by (distance, training row), so which of several equally distant rows are
/// among the k never depends on the index's traversal order. With fewer than k training
/// rows, all of them vote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnnFlow {
    /// The number of neighbours that vote, at least 1 (a fit checks).
    pub k: usize,
    /// The search index.
    pub algorithm: KnnAlgorithm,
    /// How votes are weighted.
    pub weights: KnnWeights,
}

impl Default for KnnFlow {
    fn default() -> Self {
        KnnFlow {
            k: 5,
            algorithm: KnnAlgorithm::KdTree,
            weights: KnnWeights::Uniform,
        }
    }
}

impl KnnFlow {
    /// 5 neighbours found with a k-d tree, uniform votes.
    pub fn new() -> Self {
        KnnFlow::default()
    }
}

impl Describe for KnnFlow {
    fn name(&self) -> String {
        "oml.KNeighborsClassifier".to_owned()
    }
    fn external_version(&self) -> String {
        linfa_external_version(&["linfa-nn"])
    }
    fn description(&self) -> String {
        "k-nearest-neighbours classifier (Euclidean distance) on a linfa-nn search index; \
         confidences are the neighbours' vote fractions, ties in distance go to the earlier \
         training row (scikit-learn: KNeighborsClassifier)"
            .to_owned()
    }
    fn parameters(&self) -> Vec<Parameter> {
        let default = KnnFlow::default();
        vec![
            Parameter::new("k", &default.k, &self.k, "number of neighbours that vote")
                .allowing(K.allowed),
            Parameter::new(
                "algorithm",
                &default.algorithm,
                &self.algorithm,
                "search index of linfa-nn",
            ),
            Parameter::new(
                "weights",
                &default.weights,
                &self.weights,
                "weight of a neighbour's vote",
            ),
        ]
    }
    fn set_parameter(&mut self, name: &str, value: &str) -> Result<()> {
        match name {
            "k" => K.set(&mut self.k, name, value),
            "algorithm" => set_value(&mut self.algorithm, name, value),
            "weights" => set_value(&mut self.weights, name, value),
            _ => Err(unknown_parameter(&self.name(), name, &self.parameters())),
        }
    }
}

impl Flow for KnnFlow {
    fn learns(&self, kind: TaskKind) -> bool {
        matches!(kind, TaskKind::Classification { .. })
    }

    fn fit(&self, data: &TrainingSet<'_>, _seed: u64) -> Result<Box<dyn Model>> {
        let (x, classes, n_classes) = class_inputs(self, data)?;
        K.check("k", &self.k)?;
        Ok(Box::new(FittedKnn {
            // linfa-nn's k-d tree needs rows contiguous in memory.
            train: x.as_standard_layout().into_owned(),
            classes: classes.to_owned(),
            n_classes,
            flow: self.clone(),
            name: self.name(),
        }))
    }
}

struct FittedKnn {
    train: Array2<f64>,
    classes: Array1<usize>,
    n_classes: usize,
    flow: KnnFlow,
    name: String,
}

impl FittedKnn {
    /// The votes for each row of `x`. The index borrows the training rows, so it is built
    /// here rather than kept in the model.
    fn votes(&self, x: &Array2<f64>) -> std::result::Result<Array2<f64>, String> {
        let k = self.flow.k.min(self.train.nrows());
        let mut out = Array2::zeros((x.nrows(), self.n_classes));
        let index = if self.train.ncols() == 0 {
            None
        } else {
            Some(
                self.flow
                    .algorithm
                    .index()
                    .from_batch(&self.train, L2Dist)
                    .map_err(|e| e.to_string())?,
            )
        };
        for (point, mut target) in x.rows().into_iter().zip(out.rows_mut()) {
            let neighbours = match &index {
                Some(index) => {
                    nearest(index.as_ref(), &self.train, point, k).map_err(|e| e.to_string())?
                }
                // No features: every row is at distance 0.
                None => (0..k).map(|i| (0.0, i)).collect(),
            };
            let weights = match self.flow.weights {
                KnnWeights::Uniform => vec![1.0; neighbours.len()],
                KnnWeights::Distance if neighbours.iter().any(|&(d, _)| d == 0.0) => neighbours
                    .iter()
                    .map(|&(d, _)| if d == 0.0 { 1.0 } else { 0.0 })
                    .collect(),
                KnnWeights::Distance => neighbours.iter().map(|&(d, _)| 1.0 / d.sqrt()).collect(),
            };
            for (&(_, row), weight) in neighbours.iter().zip(weights) {
                target[self.classes[row]] += weight;
            }
            let total = target.sum();
            target /= total;
        }
        Ok(out)
    }
}

/// The `k` training rows nearest `point` as (squared distance, row), ordered by both, so ties
/// in distance go to the earlier row whatever order the index finds them in.
///
/// The index's `k` nearest give the k-th smallest distance; every row within it (with a
/// margin for rounding) is a candidate, and the first `k` candidates by (distance, row) are
/// the answer.
fn nearest(
    index: &dyn NearestNeighbourIndex<f64>,
    train: &Array2<f64>,
    point: ArrayView1<'_, f64>,
    k: usize,
) -> std::result::Result<Vec<(f64, usize)>, NnError> {
    let distance = |row: usize| L2Dist.rdistance(point, train.row(row));
    let mut candidates: Vec<(f64, usize)> = index
        .k_nearest(point, k)?
        .into_iter()
        .map(|(_, row)| (distance(row), row))
        .collect();
    let kth = candidates.iter().map(|c| c.0).fold(0.0, f64::max);
    let range = (kth.sqrt() * (1.0 + 1e-9)).max(1e-150);
    candidates.extend(
        index
            .within_range(point, range)?
            .into_iter()
            .map(|(_, row)| (distance(row), row)),
    );
    candidates.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    candidates.dedup_by_key(|c| c.1);
    candidates.truncate(k);
    Ok(candidates)
}

impl Model for FittedKnn {
    fn output(&self, x: &DesignMatrix) -> Result<Output> {
        let x = fitted_inputs(&self.name, x, self.train.ncols())?;
        let x = x.as_standard_layout().into_owned();
        // linfa-nn panics on distances that overflow to infinity.
        catch_unwind(AssertUnwindSafe(|| self.votes(&x)))
            .map_err(|payload| panic_message(payload.as_ref()))
            .and_then(|votes| votes)
            .map(Output::Confidences)
            .map_err(|message| Error::predict(&self.name, message))
    }
}
