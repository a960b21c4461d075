//! A k-nearest-neighbours classifier: brute force with blocked distance computation, or
//! linfa-nn's search indexes.

use std::panic::{AssertUnwindSafe, catch_unwind};

use linfa_nn::distance::{Distance, L2Dist};
use linfa_nn::{CommonNearestNeighbour, NearestNeighbour, NearestNeighbourIndex, NnError};
use ndarray::{Array1, Array2, ArrayView1, CowArray, Ix2};
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
    /// Every training row compared, the distances of a block of query rows to a block of
    /// training rows computed as one matrix product (`|a|^2 + |b|^2 - 2 a.b`, as
    /// scikit-learn's brute force); the rows near the k-th are then compared exactly.
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

/// Query rows per block of the brute-force search.
const QUERY_BLOCK: usize = 256;
/// Training rows per block of the brute-force search: a block's products (256 x 512, 1 MiB)
/// stay in the core's cache between the matrix product and the scan.
const TRAIN_BLOCK: usize = 512;

/// The `k` training rows nearest each row of `x` as (squared distance, row), ordered by both,
/// by brute force: for a block of query rows and a block of training rows at a time, the
/// approximate squared distances come from one matrix product (`|a|^2 + |b|^2 - 2 a.b`, as
/// scikit-learn's brute force); every training row whose approximate distance is within the
/// product's rounding bound of the k-th smallest is a candidate, its distance computed
/// exactly, and the first `k` candidates by (exact distance, row) are the answer: the same
/// neighbours as an exact search.
fn brute_nearest(train: &Array2<f64>, x: &Array2<f64>, k: usize) -> Vec<Vec<(f64, usize)>> {
    let (n_train, p) = train.dim();
    let train_norms: Vec<f64> = train.rows().into_iter().map(|r| r.dot(&r)).collect();
    let max_train_norm = train_norms.iter().copied().fold(0.0, f64::max);
    let columns = SplitColumns::new(train);
    let (train_dense, x_dense) = (columns.dense_part(train), columns.dense_part(x));
    let train_sparse = columns.sparse_rows(train);
    let mut result = Vec::with_capacity(x.nrows());
    let mut buffer = Array2::zeros((QUERY_BLOCK.min(x.nrows()), TRAIN_BLOCK.min(n_train)));
    let mut searches: Vec<Search> = Vec::with_capacity(QUERY_BLOCK);
    for start in (0..x.nrows()).step_by(QUERY_BLOCK) {
        let block = start..(start + QUERY_BLOCK).min(x.nrows());
        let queries = x.slice(ndarray::s![block.clone(), ..]);
        let queries_dense = x_dense.slice(ndarray::s![block.clone(), ..]);
        let queries_sparse = columns.sparse_columns(queries);
        searches.clear();
        searches.extend(queries.rows().into_iter().map(|query| {
            let norm = query.dot(&query);
            // The product's rounding: a few units in the last place of the terms per feature.
            let margin = 8.0 * (p as f64 + 2.0) * f64::EPSILON * (norm + max_train_norm);
            Search::new(norm, margin, k)
        }));
        for offset in (0..n_train).step_by(TRAIN_BLOCK) {
            let stop = (offset + TRAIN_BLOCK).min(n_train);
            let rows = train_dense.slice(ndarray::s![offset..stop, ..]);
            let mut products = buffer.slice_mut(ndarray::s![..queries.nrows(), ..stop - offset]);
            if rows.ncols() == 0 {
                products.fill(0.0);
            } else {
                ndarray::linalg::general_mat_mul(
                    1.0,
                    &queries_dense,
                    &rows.t(),
                    0.0,
                    &mut products,
                );
            }
            for t in offset..stop {
                for &(column, v) in train_sparse.row(t) {
                    for &(q, u) in queries_sparse.row(column as usize) {
                        products[[q as usize, t - offset]] += u * v;
                    }
                }
            }
            for (search, products) in searches.iter_mut().zip(products.rows()) {
                // A row of a row-major buffer: a slice, so that the scan vectorises.
                let products = products.as_slice().expect("a row of a row-major buffer");
                search.scan(products, &train_norms[offset..stop], offset);
            }
            searches.iter_mut().for_each(Search::prune);
        }
        for (search, query) in searches.iter().zip(queries.rows()) {
            result.push(search.neighbours(query, train));
        }
    }
    result
}

/// A column is sparse when at most one training row in this many is not 0 there.
const SPARSE_DENSITY: usize = 8;

/// The columns of the brute force's products: the dense ones multiplied as matrices, the
/// sparse ones (mostly 0, as one-hot columns are) added entry by entry, from each training
/// row's non-zero entries and, per column, each query's. Skipping the zeros leaves the
/// products as exact as the matrix product's.
struct SplitColumns {
    dense: Vec<usize>,
    sparse: Vec<usize>,
}

/// Lists of entries `(index, value)`: list `i` is `entries[starts[i]..starts[i + 1]]`.
struct Lists {
    starts: Vec<usize>,
    entries: Vec<(u32, f64)>,
}

impl Lists {
    fn row(&self, i: usize) -> &[(u32, f64)] {
        &self.entries[self.starts[i]..self.starts[i + 1]]
    }
}

impl SplitColumns {
    fn new(train: &Array2<f64>) -> Self {
        let n = train.nrows();
        let (sparse, dense) = (0..train.ncols()).partition(|&j| {
            let non_zero = train.column(j).iter().filter(|&&v| v != 0.0).count();
            non_zero * SPARSE_DENSITY <= n
        });
        SplitColumns { dense, sparse }
    }

    /// The dense columns of `x`.
    fn dense_part<'a>(&self, x: &'a Array2<f64>) -> CowArray<'a, f64, Ix2> {
        if self.sparse.is_empty() {
            x.view().into()
        } else {
            x.select(ndarray::Axis(1), &self.dense).into()
        }
    }

    /// Each row's non-zero entries in the sparse columns, as (sparse column, value).
    fn sparse_rows(&self, x: &Array2<f64>) -> Lists {
        let mut starts = Vec::with_capacity(x.nrows() + 1);
        let mut entries = Vec::new();
        starts.push(0);
        for row in x.rows() {
            for (s, &j) in self.sparse.iter().enumerate() {
                if row[j] != 0.0 {
                    entries.push((s as u32, row[j]));
                }
            }
            starts.push(entries.len());
        }
        Lists { starts, entries }
    }

    /// Each sparse column's non-zero entries in `x`'s rows, as (row, value).
    fn sparse_columns(&self, x: ndarray::ArrayView2<'_, f64>) -> Lists {
        let mut starts = Vec::with_capacity(self.sparse.len() + 1);
        let mut entries = Vec::new();
        starts.push(0);
        for &j in &self.sparse {
            for (i, &v) in x.column(j).iter().enumerate() {
                if v != 0.0 {
                    entries.push((i as u32, v));
                }
            }
            starts.push(entries.len());
        }
        Lists { starts, entries }
    }
}

/// One query's brute-force search over the blocks of training rows.
struct Search {
    /// The query's squared norm.
    norm: f64,
    /// The rounding bound of the query's approximate distances.
    margin: f64,
    /// The number of neighbours sought, at least 1.
    k: usize,
    /// The `k` smallest approximate distances so far, ascending.
    smallest: Vec<f64>,
    /// (approximate distance, row) of every row seen before `k` rows were, or within `margin`
    /// of the k-th smallest distance as it stood then, less those pruned since: a superset of
    /// the rows within the margin of the k-th smallest at the end, as it only decreases.
    candidates: Vec<(f64, usize)>,
    /// Whether every row is compared exactly at the end instead: when the margin is not finite
    /// (norms that overflow), or when more than [`MAX_CANDIDATES`] rows stay within it (the
    /// product's distances then tell too little), which bounds a block's memory.
    exhaustive: bool,
}

/// The most candidates a query keeps before it compares every row exactly instead.
const MAX_CANDIDATES: usize = 4096;

impl Search {
    fn new(norm: f64, margin: f64, k: usize) -> Self {
        Search {
            norm,
            margin,
            k,
            smallest: Vec::with_capacity(k + 1),
            candidates: Vec::with_capacity(4 * k),
            exhaustive: !margin.is_finite(),
        }
    }

    /// Drops the candidates no longer within the margin of the k-th smallest distance; past
    /// [`MAX_CANDIDATES`], gives up on candidates for an exact comparison of every row.
    fn prune(&mut self) {
        if self.exhaustive {
            return;
        }
        if self.smallest.len() == self.k {
            let bound = self.smallest[self.k - 1] + self.margin;
            self.candidates.retain(|&(d, _)| d <= bound);
        }
        if self.candidates.len() > MAX_CANDIDATES {
            self.exhaustive = true;
            self.candidates = Vec::new();
        }
    }

    /// Takes the training rows `offset..` whose products with the query and squared norms are
    /// `products` and `norms`. Eight at a time: most chunks have no distance near the k-th so
    /// far, which their minimum shows at once.
    fn scan(&mut self, products: &[f64], norms: &[f64], offset: usize) {
        if self.exhaustive {
            return;
        }
        let k = self.k;
        for (c, (products, norms)) in products.chunks(8).zip(norms.chunks(8)).enumerate() {
            let mut distances = [f64::INFINITY; 8];
            for ((d, ab), bb) in distances.iter_mut().zip(products).zip(norms) {
                *d = self.norm + bb - 2.0 * ab;
            }
            let least = distances.iter().copied().fold(f64::INFINITY, f64::min);
            if self.smallest.len() == k && least > self.smallest[k - 1] + self.margin {
                continue;
            }
            for (i, &d) in distances[..products.len()].iter().enumerate() {
                let full = self.smallest.len() == k;
                if full && d > self.smallest[k - 1] + self.margin {
                    continue;
                }
                self.candidates.push((d, offset + 8 * c + i));
                if full {
                    if d >= self.smallest[k - 1] {
                        continue;
                    }
                    self.smallest.pop();
                }
                let at = self.smallest.partition_point(|&s| s <= d);
                self.smallest.insert(at, d);
            }
        }
    }

    /// The `k` nearest rows, by exact distance, once every training row has been scanned.
    fn neighbours(&self, query: ArrayView1<'_, f64>, train: &Array2<f64>) -> Vec<(f64, usize)> {
        let distance = |row: usize| (L2Dist.rdistance(query, train.row(row)), row);
        // The last prune left the candidates within the bound of the k-th smallest.
        let nearest: Vec<(f64, usize)> = if self.exhaustive {
            (0..train.nrows()).map(distance).collect()
        } else {
            self.candidates
                .iter()
                .map(|&(_, row)| distance(row))
                .collect()
        };
        first_k(nearest, self.k)
    }
}

/// The order of neighbours as (squared distance, row): by distance, ties to the earlier row.
fn nearer(a: &(f64, usize), b: &(f64, usize)) -> std::cmp::Ordering {
    a.0.total_cmp(&b.0).then(a.1.cmp(&b.1))
}

/// The first `k` of `neighbours` (distinct rows) by [`nearer`], in that order: selected
/// before they are sorted, so that comparing every row costs no sort of every row.
fn first_k(mut neighbours: Vec<(f64, usize)>, k: usize) -> Vec<(f64, usize)> {
    if neighbours.len() > k {
        neighbours.select_nth_unstable_by(k, nearer);
        neighbours.truncate(k);
    }
    neighbours.sort_by(nearer);
    neighbours
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
    candidates.sort_by(nearer);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every row's (exact squared distance, row), the first `k` by both.
    fn exact_nearest(train: &Array2<f64>, x: &Array2<f64>, k: usize) -> Vec<Vec<(f64, usize)>> {
        x.rows()
            .into_iter()
            .map(|query| {
                let mut all: Vec<(f64, usize)> = (0..train.nrows())
                    .map(|row| (L2Dist.rdistance(query, train.row(row)), row))
                    .collect();
                all.sort_by(nearer);
                all.truncate(k);
                all
            })
            .collect()
    }

    /// Over several blocks of training and query rows, with many rows at equal distances and
    /// far from the origin, where the product's distances are mostly rounding, brute force
    /// finds the exact neighbours and breaks ties to the earlier row.
    #[test]
    fn brute_force_finds_the_exact_neighbours_across_blocks() {
        // More rows than a query keeps as candidates: far from the origin, every row is
        // within the product's rounding of the k-th, and the search compares them all.
        let (n, p) = (MAX_CANDIDATES + TRAIN_BLOCK + 17, 6);
        let value = |i: usize, j: usize| {
            let h = ((i * p + j) as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40;
            (h % 7) as f64
        };
        let train = Array2::from_shape_fn((n, p), |(i, j)| value(i, j));
        let queries = Array2::from_shape_fn((QUERY_BLOCK + 9, p), |(i, j)| value(i + n, j));
        // Columns mostly 0 (one-hot ones) are added entry by entry: the neighbours are the
        // same.
        let level = |i: usize| ((i as u64).wrapping_mul(0x2545_F491_4F6C_DD1D) >> 40) % 24;
        let one_hot = |i: usize, j: usize| f64::from(u8::from(level(i) == (j - p) as u64));
        let wide = |i: usize, j: usize| if j < p { value(i, j) } else { one_hot(i, j) };
        let wide_train = Array2::from_shape_fn((n, p + 24), |(i, j)| wide(i, j));
        let wide_queries =
            Array2::from_shape_fn((QUERY_BLOCK + 9, p + 24), |(i, j)| wide(i + n, j));
        assert_eq!(SplitColumns::new(&wide_train).sparse.len(), 24);
        for k in [1, 5, 40] {
            assert_eq!(
                brute_nearest(&wide_train, &wide_queries, k),
                exact_nearest(&wide_train, &wide_queries, k),
                "one-hot columns, k {k}"
            );
        }
        for shift in [0.0, 1e8] {
            let (train, queries) = (train.mapv(|v| v + shift), queries.mapv(|v| v + shift));
            for k in [1, 5, 40, n] {
                let found = brute_nearest(&train, &queries, k);
                assert_eq!(
                    found,
                    exact_nearest(&train, &queries, k),
                    "shift {shift}, k {k}"
                );
            }
        }
    }
}
