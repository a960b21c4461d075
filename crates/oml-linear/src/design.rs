//! The training records as the loss reads them ([`Design`]): checked once, laid out column by
//! column, a mostly-zero column as its non-zero entries; the column terms of the logits and
//! the column dot products of the gradient; and sums in lanes.

use ndarray::ArrayView2;

use crate::error::{Error, Result};

/// A column is kept sparse when at most one entry in this many is not 0.
const SPARSE_ONE_IN: usize = 4;

/// The non-zero entries of a column mostly of zeros (a one-hot encoded nominal level).
#[derive(Debug, Clone, PartialEq)]
struct SparseColumn {
    /// The column's position among the features.
    column: usize,
    rows: Vec<u32>,
    values: Vec<f64>,
}

/// Training records checked (finite, at least one row) and laid out column by column as the
/// solver reads them: a column mostly of zeros (a one-hot encoded nominal level) as its
/// non-zero entries, any other as all its values. What every fit on the same rows shares
/// ([`crate::LogisticRegressionValidParams::fit_design`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    n_rows: usize,
    n_features: usize,
    /// The positions of the dense columns, in order.
    dense: Vec<usize>,
    /// The dense columns' values, one column after the other (`n_rows` each).
    dense_values: Vec<f64>,
    /// The sparse columns, in order.
    sparse: Vec<SparseColumn>,
}

impl Design {
    /// The records (rows x features) laid out; an error for no rows or a value that is not
    /// finite (the first in row order).
    pub fn new(records: ArrayView2<'_, f64>) -> Result<Design> {
        Design::laid_out(records, true)
    }

    /// [`Design::new`], with the mostly-zero columns kept sparse only if `sparse`.
    pub(crate) fn laid_out(records: ArrayView2<'_, f64>, sparse: bool) -> Result<Design> {
        let (n, p) = records.dim();
        if n == 0 {
            return Err(Error::NoRows);
        }
        // One pass in row order checks the values and counts each column's non-zeros.
        let mut non_zero = vec![0usize; p];
        for (row, values) in records.rows().into_iter().enumerate() {
            for (column, (&value, count)) in values.iter().zip(&mut non_zero).enumerate() {
                if !value.is_finite() {
                    return Err(Error::NonFiniteInput { row, column, value });
                }
                *count += usize::from(value != 0.0);
            }
        }
        let mut design = Design {
            n_rows: n,
            n_features: p,
            dense: Vec::new(),
            dense_values: Vec::new(),
            sparse: Vec::new(),
        };
        for (column, (values, non_zero)) in records.columns().into_iter().zip(non_zero).enumerate()
        {
            if !sparse || SPARSE_ONE_IN * non_zero > n || n > u32::MAX as usize {
                design.dense.push(column);
                design.dense_values.extend(values.iter());
            } else {
                let (rows, values) = values
                    .iter()
                    .enumerate()
                    .filter(|&(_, &v)| v != 0.0)
                    .map(|(i, &v)| (i as u32, v))
                    .unzip();
                design.sparse.push(SparseColumn {
                    column,
                    rows,
                    values,
                });
            }
        }
        Ok(design)
    }

    /// The number of rows.
    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    /// The number of features.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// The number of columns kept sparse.
    #[cfg(test)]
    pub(crate) fn n_sparse(&self) -> usize {
        self.sparse.len()
    }

    /// Adds to the logits `z` of `classes` classes (class-major, a row of `n_rows` per class)
    /// every column's terms, with the classes' coefficient rows `weights` (`n_features` each):
    /// the dense columns' in column order, then the sparse columns' non-zero ones in column
    /// order.
    pub(crate) fn add_terms(&self, weights: &[f64], z: &mut [f64], classes: usize) {
        let (n, p) = (self.n_rows, self.n_features);
        for_class_groups(classes, |first, size| {
            let (weights, z) = (&weights[first * p..], &mut z[first * n..(first + size) * n]);
            match size {
                1 => self.add_dense_terms::<1>(weights, z),
                2 => self.add_dense_terms::<2>(weights, z),
                _ => self.add_dense_terms::<3>(weights, z),
            }
        });
        for sparse in &self.sparse {
            for (k, z) in z.chunks_exact_mut(n).enumerate() {
                let w = weights[k * p + sparse.column];
                for (&i, &v) in sparse.rows.iter().zip(&sparse.values) {
                    z[i as usize] += w * v;
                }
            }
        }
    }

    /// Each column's dot product with each of the `classes` residual rows `r` (class-major,
    /// `n_rows` each), given to `out(class, column, dot)`: a dense column's summed in lanes
    /// ([`LANES`]), a sparse one's over its entries in order.
    pub(crate) fn dots(&self, r: &[f64], classes: usize, mut out: impl FnMut(usize, usize, f64)) {
        let n = self.n_rows;
        for_class_groups(classes, |first, size| {
            let r = &r[first * n..(first + size) * n];
            let out = |k, j, dot| out(first + k, j, dot);
            match size {
                1 => self.dense_dots::<1>(r, out),
                2 => self.dense_dots::<2>(r, out),
                _ => self.dense_dots::<3>(r, out),
            }
        });
        for sparse in &self.sparse {
            for (k, r) in r.chunks_exact(n).enumerate() {
                let dot = sparse
                    .rows
                    .iter()
                    .zip(&sparse.values)
                    .map(|(&i, &v)| r[i as usize] * v)
                    .sum();
                out(k, sparse.column, dot);
            }
        }
    }

    /// The dense columns' terms of [`Design::add_terms`] for `K` classes: four records at a
    /// time, their `K` logits held in registers across the columns.
    #[inline(always)]
    fn add_dense_terms<const K: usize>(&self, weights: &[f64], z: &mut [f64]) {
        const BLOCK: usize = 4;
        let (n, p) = (self.n_rows, self.n_features);
        let whole = n - n % BLOCK;
        for start in (0..whole).step_by(BLOCK) {
            let mut logits = [[0.0; BLOCK]; K];
            for (k, logits) in logits.iter_mut().enumerate() {
                logits.copy_from_slice(&z[k * n + start..k * n + start + BLOCK]);
            }
            for (&j, x) in self.dense.iter().zip(self.dense_values.chunks_exact(n)) {
                let x: &[f64; BLOCK] = x[start..start + BLOCK].try_into().expect("a block");
                for (k, logits) in logits.iter_mut().enumerate() {
                    let w = weights[k * p + j];
                    for (logit, x) in logits.iter_mut().zip(x) {
                        *logit += w * x;
                    }
                }
            }
            for (k, logits) in logits.iter().enumerate() {
                z[k * n + start..k * n + start + BLOCK].copy_from_slice(logits);
            }
        }
        for i in whole..n {
            for k in 0..K {
                let mut logit = z[k * n + i];
                for (&j, x) in self.dense.iter().zip(self.dense_values.chunks_exact(n)) {
                    logit += weights[k * p + j] * x[i];
                }
                z[k * n + i] = logit;
            }
        }
    }

    /// The dense columns' dot products of [`Design::dots`] for `K` classes: each column read
    /// once for the `K` classes.
    #[inline(always)]
    fn dense_dots<const K: usize>(&self, r: &[f64], mut out: impl FnMut(usize, usize, f64)) {
        let n = self.n_rows;
        for (&j, x) in self.dense.iter().zip(self.dense_values.chunks_exact(n)) {
            let mut lanes = [[0.0; LANES]; K];
            let chunks = x.chunks_exact(LANES);
            let tail = chunks.remainder();
            for (c, x) in chunks.enumerate() {
                for (k, lanes) in lanes.iter_mut().enumerate() {
                    let start = k * n + c * LANES;
                    add_products(lanes, x, &r[start..start + LANES]);
                }
            }
            let whole = n - tail.len();
            for (k, &lanes) in lanes.iter().enumerate() {
                let tail: f64 = tail
                    .iter()
                    .zip(&r[k * n + whole..(k + 1) * n])
                    .map(|(x, r)| x * r)
                    .sum();
                out(k, j, lanes_total(lanes, tail));
            }
        }
    }
}

/// Calls `f(first, size)` for the classes `0..classes` in groups of at most three, which the
/// dense columns' kernels take at once.
fn for_class_groups(classes: usize, mut f: impl FnMut(usize, usize)) {
    const GROUP: usize = 3;
    for first in (0..classes).step_by(GROUP) {
        f(first, GROUP.min(classes - first));
    }
}

/// Sums are taken in this many interleaved lanes ([`Design::dots`], [`sum_in_lanes`]): an
/// order fixed by the length alone, and one the compiler vectorises.
const LANES: usize = 8;

/// Adds to each lane the product of its entries of `x` and `y` (a lane group each).
#[inline(always)]
fn add_products(lanes: &mut [f64; LANES], x: &[f64], y: &[f64]) {
    let (x, y): (&[f64; LANES], &[f64; LANES]) = (
        x.try_into().expect("a lane group"),
        y.try_into().expect("a lane group"),
    );
    for l in 0..LANES {
        lanes[l] += x[l] * y[l];
    }
}

/// The lanes added in pairs, then the terms past the last whole lane group.
#[inline(always)]
fn lanes_total([a0, a1, a2, a3, a4, a5, a6, a7]: [f64; LANES], tail: f64) -> f64 {
    ((a0 + a4) + (a2 + a6)) + ((a1 + a5) + (a3 + a7)) + tail
}

/// The sum of `a`, in lanes.
#[inline(always)]
pub(crate) fn sum_in_lanes(a: &[f64]) -> f64 {
    let mut lanes = [0.0; LANES];
    let chunks = a.chunks_exact(LANES);
    let tail: f64 = chunks.remainder().iter().sum();
    for x in chunks {
        let x: &[f64; LANES] = x.try_into().expect("a lane group");
        for l in 0..LANES {
            lanes[l] += x[l];
        }
    }
    lanes_total(lanes, tail)
}
