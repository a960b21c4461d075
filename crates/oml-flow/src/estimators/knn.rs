//! A k-nearest-neighbours classifier: brute force with blocked distance computation, or
//! linfa-nn's search indexes.

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

/// How the neighbours are found; all give the same neighbours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KnnAlgorithm {
    /// scikit-learn's rule: brute force above 15 features (where a k-d tree degenerates),
    /// else linfa-nn's k-d tree.
    Auto,
    /// Every training row compared, the distances of a block of query rows to all training
    /// rows computed as one matrix product (`|a|^2 + |b|^2 - 2 a.b`, as scikit-learn's brute
    /// force); the rows near the k-th are then compared exactly.
    Brute,
    /// linfa-nn's `KdTree`.
    KdTree,
    /// linfa-nn's `BallTree`.
    BallTree,
    /// linfa-nn's `LinearSearch`: every training row is compared.
    Linear,
}

crate::option_value!(KnnAlgorithm {
    KnnAlgorithm::Auto => "auto",
    KnnAlgorithm::Brute => "brute",
    KnnAlgorithm::KdTree => "kdtree",
    KnnAlgorithm::BallTree => "balltree",
    KnnAlgorithm::Linear => "linear",
});

impl KnnAlgorithm {
    /// linfa-nn's index for this algorithm on `n_features` features, or `None` for brute force.
    fn index(self, n_features: usize) -> Option<CommonNearestNeighbour> {
        match self {
            KnnAlgorithm::Auto if n_features > 15 => None,
            KnnAlgorithm::Brute => None,
            KnnAlgorithm::Auto | KnnAlgorithm::KdTree => Some(CommonNearestNeighbour::KdTree),
            KnnAlgorithm::BallTree => Some(CommonNearestNeighbour::BallTree),
            KnnAlgorithm::Linear => Some(CommonNearestNeighbour::LinearSearch),
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
            algorithm: KnnAlgorithm::Auto,
            weights: KnnWeights::Uniform,
        }
    }
}

impl KnnFlow {
    /// 5 neighbours found as scikit-learn's `algorithm="auto"` would, uniform votes.
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
        "k-nearest-neighbours classifier (Euclidean distance), by brute force with blocked \
         distances or on a linfa-nn search index; confidences are the neighbours' vote \
         fractions, ties in distance go to the earlier training row (scikit-learn: \
         KNeighborsClassifier)"
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
                "how neighbours are found: auto (brute above 15 features, else kdtree), \
                 brute, or a linfa-nn index",
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
        let neighbours: Vec<Vec<(f64, usize)>> = if self.train.ncols() == 0 {
            // No features: every row is at distance 0.
            vec![(0..k).map(|i| (0.0, i)).collect(); x.nrows()]
        } else if let Some(kind) = self.flow.algorithm.index(self.train.ncols()) {
            let index = kind
                .from_batch(&self.train, L2Dist)
                .map_err(|e| e.to_string())?;
            x.rows()
                .into_iter()
                .map(|point| nearest(index.as_ref(), &self.train, point, k))
                .collect::<std::result::Result<_, _>>()
                .map_err(|e| e.to_string())?
        } else {
            brute_nearest(&self.train, x, k)
        };
        for (neighbours, mut target) in neighbours.iter().zip(out.rows_mut()) {
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

/// The `k` training rows nearest each row of `x` as (squared distance, row), ordered by both,
/// by brute force: a block of query rows at a time, the approximate squared distances to every
/// training row come from one matrix product (`|a|^2 + |b|^2 - 2 a.b`); every training row
/// whose approximate distance is within the product's rounding bound of the k-th smallest is a
/// candidate, its distance computed exactly, and the first `k` candidates by (exact distance,
/// row) are the answer: the same neighbours as an exact search.
fn brute_nearest(train: &Array2<f64>, x: &Array2<f64>, k: usize) -> Vec<Vec<(f64, usize)>> {
    let (n_train, p) = train.dim();
    let train_norms: Vec<f64> = train.rows().into_iter().map(|r| r.dot(&r)).collect();
    let max_train_norm = train_norms.iter().copied().fold(0.0, f64::max);
    // About 32 MiB of distances per block.
    let block = ((1usize << 22) / n_train.max(1)).clamp(1, 1024);
    let mut result = Vec::with_capacity(x.nrows());
    let mut distances: Vec<f64> = Vec::with_capacity(n_train);
    let mut smallest: Vec<f64> = Vec::with_capacity(k + 1);
    // One row-major buffer for every block, so that each query's row is one slice.
    let mut buffer = Array2::zeros((block.min(x.nrows()), n_train));
    for start in (0..x.nrows()).step_by(block) {
        let queries = x.slice(ndarray::s![start..(start + block).min(x.nrows()), ..]);
        let mut products = buffer.slice_mut(ndarray::s![..queries.nrows(), ..]);
        ndarray::linalg::general_mat_mul(1.0, &queries, &train.t(), 0.0, &mut products);
        for (query, products) in queries.rows().into_iter().zip(products.rows()) {
            let query_norm = query.dot(&query);
            distances.clear();
            // A row of the product, which is in standard layout: a slice, so that this loop
            // vectorises.
            let products = products
                .as_slice()
                .expect("a row of a standard-layout product");
            distances.extend(
                products
                    .iter()
                    .zip(&train_norms)
                    .map(|(ab, bb)| query_norm + bb - 2.0 * ab),
            );
            // The k smallest approximate distances, ascending. Eight at a time: most chunks
            // have no distance below the k-th so far, which their minimum shows at once.
            smallest.clear();
            for chunk in distances.chunks(8) {
                let least = chunk.iter().copied().fold(f64::INFINITY, f64::min);
                if smallest.len() == k && least >= smallest[k - 1] {
                    continue;
                }
                for &d in chunk {
                    if smallest.len() == k {
                        if d >= smallest[k - 1] {
                            continue;
                        }
                        smallest.pop();
                    }
                    let at = smallest.partition_point(|&s| s <= d);
                    smallest.insert(at, d);
                }
            }
            let kth = if k < n_train {
                smallest[k - 1]
            } else {
                f64::INFINITY
            };
            // The product's rounding: a few units in the last place of the terms per feature.
            let margin = 8.0 * (p as f64 + 2.0) * f64::EPSILON * (query_norm + max_train_norm);
            // Norms that overflow make the product's distances useless: compare every row.
            let bound = if (kth + margin).is_finite() {
                kth + margin
            } else {
                f64::INFINITY
            };
            let mut candidates: Vec<(f64, usize)> = Vec::with_capacity(2 * k);
            for (c, chunk) in distances.chunks(8).enumerate() {
                if bound.is_finite() && chunk.iter().copied().fold(f64::INFINITY, f64::min) > bound
                {
                    continue;
                }
                for (i, &d) in chunk.iter().enumerate() {
                    if d <= bound || !bound.is_finite() {
                        let row = 8 * c + i;
                        candidates.push((L2Dist.rdistance(query, train.row(row)), row));
                    }
                }
            }
            candidates.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            candidates.truncate(k);
            result.push(candidates);
        }
    }
    result
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
