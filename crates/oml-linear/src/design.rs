//! The training records as the loss reads them ([`Design`]): checked once, laid out column by
//! column, a mostly-zero column as its non-zero entries; and the column sums the gradient
//! takes, in lanes.

use ndarray::ArrayView2;

use crate::error::{Error, Result};

/// One column of the records as the loss reads it: all its values, or, when most are 0 (a
/// one-hot encoded nominal level), its non-zero entries and their rows.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Column {
    Dense(Vec<f64>),
    Sparse { rows: Vec<u32>, values: Vec<f64> },
}

/// A column is kept sparse when at most one entry in this many is not 0.
const SPARSE_ONE_IN: usize = 4;

/// Training records checked (finite, at least one row) and laid out column by column as the
/// solver reads them: a column mostly of zeros (a one-hot encoded nominal level) as its
/// non-zero entries, any other as all its values. What every fit on the same rows shares
/// ([`crate::LogisticRegressionValidParams::fit_design`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    pub(crate) n_rows: usize,
    pub(crate) columns: Vec<Column>,
    /// The positions of the dense columns, in order.
    dense: Vec<usize>,
    /// The dense columns' values, one column after the other (`n_rows` each).
    dense_values: Vec<f64>,
}

impl Design {
    /// The records (rows x features) laid out; an error for no rows or a value that is not
    /// finite (the first in row order).
    pub fn new(records: ArrayView2<'_, f64>) -> Result<Design> {
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
        let columns = records
            .columns()
            .into_iter()
            .zip(non_zero)
            .map(|(values, non_zero)| {
                if SPARSE_ONE_IN * non_zero > n || n > u32::MAX as usize {
                    return Column::Dense(values.to_vec());
                }
                let (rows, values) = values
                    .iter()
                    .enumerate()
                    .filter(|&(_, &v)| v != 0.0)
                    .map(|(i, &v)| (i as u32, v))
                    .unzip();
                Column::Sparse { rows, values }
            })
            .collect();
        Ok(Design::of_columns(n, columns))
    }

    /// The design of these columns, `n` entries each.
    pub(crate) fn of_columns(n: usize, columns: Vec<Column>) -> Design {
        let mut dense = Vec::new();
        let mut dense_values = Vec::new();
        for (j, column) in columns.iter().enumerate() {
            if let Column::Dense(values) = column {
                dense.push(j);
                dense_values.extend_from_slice(values);
            }
        }
        Design {
            n_rows: n,
            columns,
            dense,
            dense_values,
        }
    }

    /// Adds to the logits `z` of `K` classes (class-major, a row of `n_rows` per class) the
    /// terms of the dense columns, in column order, with the classes' coefficient rows
    /// `weights` (one entry per column each). Four records at a time, their `K` logits held
    /// in registers across the columns.
    #[inline(always)]
    pub(crate) fn add_dense_terms<const K: usize>(&self, weights: &[f64], z: &mut [f64]) {
        const BLOCK: usize = 4;
        let (n, p) = (self.n_rows, self.columns.len());
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

    /// The sparse columns: each one's position, and its non-zero entries' rows and values.
    pub(crate) fn sparse_columns(&self) -> impl Iterator<Item = (usize, &[u32], &[f64])> {
        self.columns
            .iter()
            .enumerate()
            .filter_map(|(j, column)| match column {
                Column::Sparse { rows, values } => Some((j, rows.as_slice(), values.as_slice())),
                Column::Dense(_) => None,
            })
    }

    /// Each dense column's dot product with each of the `K` residual rows `r` (class-major,
    /// `n_rows` each), summed in lanes ([`LANES`]), given to `out(k, column, dot)`:
    /// the column read once for the `K` classes.
    #[inline(always)]
    pub(crate) fn dense_dots<const K: usize>(
        &self,
        r: &[f64],
        mut out: impl FnMut(usize, usize, f64),
    ) {
        let n = self.n_rows;
        let whole = n - n % LANES;
        for (&j, x) in self.dense.iter().zip(self.dense_values.chunks_exact(n)) {
            let mut lanes = [[0.0; LANES]; K];
            for start in (0..whole).step_by(LANES) {
                let x: &[f64; LANES] = x[start..start + LANES].try_into().expect("a lane group");
                for (k, lanes) in lanes.iter_mut().enumerate() {
                    let r: &[f64; LANES] = r[k * n + start..k * n + start + LANES]
                        .try_into()
                        .expect("a lane group");
                    for l in 0..LANES {
                        lanes[l] += x[l] * r[l];
                    }
                }
            }
            for (k, &lanes) in lanes.iter().enumerate() {
                let tail: f64 = x[whole..]
                    .iter()
                    .zip(&r[k * n + whole..(k + 1) * n])
                    .map(|(x, r)| x * r)
                    .sum();
                out(k, j, lanes_total(lanes, tail));
            }
        }
    }

    /// The number of rows.
    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    /// The number of features.
    pub fn n_features(&self) -> usize {
        self.columns.len()
    }
}

/// Sums are taken in this many interleaved lanes ([`Design::dense_dots`], [`sum_in_lanes`]): an
/// order fixed by the length alone, and one the compiler vectorises.
const LANES: usize = 8;

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
        let x: &[f64; LANES] = x.try_into().unwrap();
        for l in 0..LANES {
            lanes[l] += x[l];
        }
    }
    lanes_total(lanes, tail)
}
