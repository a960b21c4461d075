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
/// ([`LogisticRegressionValidParams::fit_design`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    pub(crate) n_rows: usize,
    pub(crate) columns: Vec<Column>,
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
        Ok(Design { n_rows: n, columns })
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

impl Column {
    /// Adds `w` times the column to `z` (one entry per row).
    #[inline(always)]
    pub(crate) fn add_scaled_to(&self, w: f64, z: &mut [f64]) {
        match self {
            Column::Dense(x) => z.iter_mut().zip(x).for_each(|(z, x)| *z += w * x),
            Column::Sparse { rows, values } => {
                for (&i, &v) in rows.iter().zip(values) {
                    z[i as usize] += w * v;
                }
            }
        }
    }

    /// The column's dot product with `r` (one entry per row).
    #[inline(always)]
    pub(crate) fn dot(&self, r: &[f64]) -> f64 {
        match self {
            Column::Dense(x) => dot_in_lanes(x, r),
            Column::Sparse { rows, values } => rows
                .iter()
                .zip(values)
                .map(|(&i, &v)| r[i as usize] * v)
                .sum(),
        }
    }
}

/// Sums are taken in this many interleaved lanes ([`dot_in_lanes`], [`sum_in_lanes`]): an
/// order fixed by the length alone, and one the compiler vectorises.
const LANES: usize = 8;

/// The lanes added in pairs, then the terms past the last whole lane group.
#[inline(always)]
fn lanes_total([a0, a1, a2, a3, a4, a5, a6, a7]: [f64; LANES], tail: f64) -> f64 {
    ((a0 + a4) + (a2 + a6)) + ((a1 + a5) + (a3 + a7)) + tail
}

/// The dot product of `a` and `b`, summed in lanes.
#[inline(always)]
fn dot_in_lanes(a: &[f64], b: &[f64]) -> f64 {
    let mut lanes = [0.0; LANES];
    let (a_chunks, b_chunks) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let tail: f64 = a_chunks
        .remainder()
        .iter()
        .zip(b_chunks.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in a_chunks.zip(b_chunks) {
        let (x, y): (&[f64; LANES], &[f64; LANES]) = (x.try_into().unwrap(), y.try_into().unwrap());
        for l in 0..LANES {
            lanes[l] += x[l] * y[l];
        }
    }
    lanes_total(lanes, tail)
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
