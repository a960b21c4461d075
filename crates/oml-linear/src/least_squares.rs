//! Linear least squares as LAPACK's `gelsd` solves them (scipy's `lstsq`, which
//! scikit-learn's `LinearRegression` calls): the minimum-norm solution, with the singular
//! values at most `rcond` times the largest treated as zero ([`least_squares`]).
//!
//! The records are read a block of rows at a time into a Householder QR factorisation of the
//! (optionally centred) design with the targets as one more column, so only `p x (p + 1)`
//! numbers and one block stay in memory: `R` and `Q' b`. The SVD of `R` comes from one-sided
//! Jacobi rotations of its transpose, and the solution is `V S^+ U' Q' b` over the singular
//! values kept. Every sum is taken in one order fixed by the shape alone, on one thread.

use ndarray::{Array1, ArrayView1, ArrayView2};

use crate::error::{Error, Result};

/// The rows of the design a step of the QR factorisation folds into `R` at once.
const BLOCK_ROWS: usize = 128;

/// The most sweeps of Jacobi rotations over every pair of columns; a sweep that rotates no
/// pair ends them earlier.
const MAX_SWEEPS: usize = 60;

/// Data whose largest magnitude lies outside `[2^-MAX_EXPONENT, 2^MAX_EXPONENT]` is first
/// scaled by a power of two (exactly) towards 1, so that no sum of squares overflows or
/// underflows; data inside is used as it is.
const MAX_EXPONENT: i32 = 400;

/// The least-squares solution of `a x = b` of least norm ([`least_squares`]).
#[derive(Debug, Clone, PartialEq)]
pub struct LeastSquares {
    solution: Array1<f64>,
    rank: usize,
    singular_values: Array1<f64>,
}

impl LeastSquares {
    /// The solution `x`, one entry per column of `a`.
    pub fn solution(&self) -> &Array1<f64> {
        &self.solution
    }

    /// The singular values kept: the effective rank of `a`.
    pub fn rank(&self) -> usize {
        self.rank
    }

    /// The `min(rows, columns)` singular values of `a`, largest first.
    pub fn singular_values(&self) -> &Array1<f64> {
        &self.singular_values
    }

    /// The solution, consuming the rest.
    pub fn into_solution(self) -> Array1<f64> {
        self.solution
    }
}

/// The `x` of least norm among those minimising `|a x - b|`, where the singular values of `a`
/// at most `rcond` times the largest count as zero: LAPACK's `gelsd`, scipy's
/// `lstsq(a, b, cond=rcond)`, numpy's `lstsq(a, b, rcond=rcond)`.
///
/// `a` is rows x columns, any shape (no rows or no columns included: the solution is then 0);
/// `b` has one entry per row. An error for `b` of another length, a value that is not finite
/// (the first in row order, the records before the targets), or `rcond` that is not a finite
/// number of at least 0.
pub fn least_squares(
    a: ArrayView2<'_, f64>,
    b: ArrayView1<'_, f64>,
    rcond: f64,
) -> Result<LeastSquares> {
    check(a, b, rcond)?;
    Ok(solve(a, b, false, rcond).0)
}

/// An error if `b` does not have one entry per row of `a`, a value of either is not finite, or
/// `rcond` is not a finite number of at least 0.
pub(crate) fn check(a: ArrayView2<'_, f64>, b: ArrayView1<'_, f64>, rcond: f64) -> Result<()> {
    if !(rcond.is_finite() && rcond >= 0.0) {
        return Err(Error::InvalidParameter {
            name: "rcond",
            value: rcond.to_string(),
            allowed: "a finite number of at least 0",
        });
    }
    if b.len() != a.nrows() {
        return Err(Error::LengthMismatch {
            rows: a.nrows(),
            found: b.len(),
        });
    }
    for (row, values) in a.rows().into_iter().enumerate() {
        if let Some((column, &value)) = values.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(Error::NonFiniteInput { row, column, value });
        }
    }
    if let Some((row, &value)) = b.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(Error::NonFiniteTarget { row, value });
    }
    Ok(())
}

/// The means a centred problem subtracted: one per column of the records, and the targets'.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Means {
    /// The mean of each column of the records.
    pub(crate) columns: Vec<f64>,
    /// The mean of the targets.
    pub(crate) target: f64,
}

/// [`least_squares`] on checked input, with the columns of `a` and `b` first centred by their
/// means if `centre` (and at least one row); the means are returned then.
pub(crate) fn solve(
    a: ArrayView2<'_, f64>,
    b: ArrayView1<'_, f64>,
    centre: bool,
    rcond: f64,
) -> (LeastSquares, Option<Means>) {
    let (n, p) = a.dim();
    let a_scale = scale_towards_one(a.iter().fold(0.0, |m: f64, v| m.max(v.abs())));
    let b_scale = scale_towards_one(b.iter().fold(0.0, |m: f64, v| m.max(v.abs())));
    let centre = centre && n > 0;
    let (column_means, target_mean) = if centre {
        scaled_means(a, b, a_scale, b_scale)
    } else {
        (vec![0.0; p], 0.0)
    };
    let (r, qb) = triangular_factor(a, b, (a_scale, b_scale), (&column_means, target_mean));
    let svd = jacobi_svd(r, p);
    let largest = svd.sigma.iter().fold(0.0, |m: f64, &s| m.max(s));
    let cut = rcond * largest;
    let mut z = vec![0.0; p];
    let mut rank = 0;
    for k in 0..p {
        let sigma = svd.sigma[k];
        if sigma > cut && sigma > 0.0 {
            rank += 1;
            let weight = dot(svd.u_column(k), &qb) / sigma / sigma;
            axpy(weight, svd.g_column(k), &mut z);
        }
    }
    // a_scale a z = b_scale b, so x = z a_scale / b_scale (powers of two: exact).
    let solution: Array1<f64> = z.iter().map(|&z| z * a_scale / b_scale).collect();
    let mut sigma: Vec<f64> = svd.sigma.iter().map(|&s| s / a_scale).collect();
    sigma.sort_by(|x, y| y.total_cmp(x));
    sigma.truncate(n.min(p));
    let means = centre.then(|| Means {
        columns: column_means.iter().map(|&m| m / a_scale).collect(),
        target: target_mean / b_scale,
    });
    let solved = LeastSquares {
        solution,
        rank,
        singular_values: Array1::from(sigma),
    };
    (solved, means)
}

/// A power of two that brings `largest` (a largest magnitude) near 1 when it lies outside
/// `[2^-MAX_EXPONENT, 2^MAX_EXPONENT]`, else 1.
fn scale_towards_one(largest: f64) -> f64 {
    // The exponent of a normal number; a subnormal one reads as -1023.
    let exponent = i32::try_from((largest.to_bits() >> 52) & 0x7ff).expect("11 bits") - 1023;
    if largest == 0.0 || exponent.abs() <= MAX_EXPONENT {
        return 1.0;
    }
    power_of_two((1 - exponent).clamp(-1022, 1023))
}

/// `2^k` for `k` in `-1022..=1023`.
fn power_of_two(k: i32) -> f64 {
    f64::from_bits(u64::try_from(k + 1023).expect("a normal exponent") << 52)
}

/// The means of the scaled columns of `a` and of `b`: each the sum in row order divided by the
/// rows.
fn scaled_means(
    a: ArrayView2<'_, f64>,
    b: ArrayView1<'_, f64>,
    a_scale: f64,
    b_scale: f64,
) -> (Vec<f64>, f64) {
    let n = a.nrows() as f64;
    let mut sums = vec![0.0; a.ncols()];
    for row in a.rows() {
        for (sum, &v) in sums.iter_mut().zip(row) {
            *sum += v * a_scale;
        }
    }
    let target = b.iter().fold(0.0, |sum, &v| sum + v * b_scale) / n;
    (sums.into_iter().map(|s| s / n).collect(), target)
}

/// `R` and `Q' b` of the Householder QR factorisation `Q R` of the scaled, centred records:
/// `R` is `p x p` upper triangular, row-major, and stands in for the records in the problem.
///
/// `R` starts at zero and takes the rows a block at a time: the block stacked under `R` (the
/// targets as one more column) is triangularised by `p` reflections, each of which meets only
/// its row of `R` and the block, as LAPACK's `tpqrt` does.
fn triangular_factor(
    a: ArrayView2<'_, f64>,
    b: ArrayView1<'_, f64>,
    (a_scale, b_scale): (f64, f64),
    (column_means, target_mean): (&[f64], f64),
) -> (Vec<f64>, Vec<f64>) {
    let (n, p) = a.dim();
    let width = p + 1;
    // Row j of R holds its columns 0..p and then (Q' b)_j.
    let mut r = vec![0.0; p * width];
    // The block, column by column (BLOCK_ROWS entries per column).
    let mut block = vec![0.0; BLOCK_ROWS * width];
    for start in (0..n).step_by(BLOCK_ROWS) {
        let rows = BLOCK_ROWS.min(n - start);
        for t in 0..rows {
            let row = a.row(start + t);
            for (k, (&v, &m)) in row.iter().zip(column_means).enumerate() {
                block[k * BLOCK_ROWS + t] = v * a_scale - m;
            }
            block[p * BLOCK_ROWS + t] = b[start + t] * b_scale - target_mean;
        }
        for j in 0..p {
            let (head, tail) = block.split_at_mut((j + 1) * BLOCK_ROWS);
            let v = &mut head[j * BLOCK_ROWS..j * BLOCK_ROWS + rows];
            let below = dot(v, v);
            if below == 0.0 {
                // The column is zero below R: the reflection is the identity.
                continue;
            }
            let r_row = &mut r[j * width..(j + 1) * width];
            let alpha = r_row[j];
            let norm = (alpha * alpha + below).sqrt();
            // LAPACK's dlarfg: beta = -sign(alpha) |(alpha, v)|, v / (alpha - beta).
            let beta = if alpha >= 0.0 { -norm } else { norm };
            let tau = (beta - alpha) / beta;
            let to_unit = 1.0 / (alpha - beta);
            v.iter_mut().for_each(|x| *x *= to_unit);
            r_row[j] = beta;
            for (entry, column) in r_row[j + 1..]
                .iter_mut()
                .zip(tail.chunks_exact_mut(BLOCK_ROWS))
            {
                let column = &mut column[..rows];
                let f = tau * (*entry + dot(v, column));
                *entry -= f;
                axpy(-f, v, column);
            }
        }
    }
    let qb = (0..p).map(|j| r[j * width + p]).collect();
    let r = (0..p)
        .flat_map(|j| r[j * width..j * width + p].iter().copied())
        .collect();
    (r, qb)
}

/// The SVD of `R` from one-sided Jacobi on `R'`: `R' U = G` with `U` orthogonal and the
/// columns of `G` orthogonal, so `R = U S V'` with `S` the column norms of `G` and `G = V S`.
struct JacobiSvd {
    p: usize,
    /// `G`, column by column.
    g: Vec<f64>,
    /// `U`, column by column.
    u: Vec<f64>,
    /// The norms of the columns of `G`: the singular values, in column order.
    sigma: Vec<f64>,
}

impl JacobiSvd {
    /// Column `k` of `G`: `sigma_k v_k`.
    fn g_column(&self, k: usize) -> &[f64] {
        &self.g[k * self.p..(k + 1) * self.p]
    }

    /// Column `k` of `U`.
    fn u_column(&self, k: usize) -> &[f64] {
        &self.u[k * self.p..(k + 1) * self.p]
    }
}

/// The SVD of the `p x p` row-major `r` ([`JacobiSvd`]): cyclic sweeps over the pairs of
/// columns of `R'` (the rows of `R`), each pair rotated to be orthogonal unless it already
/// is to within `sqrt(p)` machine epsilons of the product of its norms or one column is 0.
fn jacobi_svd(r: Vec<f64>, p: usize) -> JacobiSvd {
    // The rows of row-major R are the columns of R'.
    let mut g = r;
    let mut u = vec![0.0; p * p];
    for k in 0..p {
        u[k * p + k] = 1.0;
    }
    let tolerance = f64::EPSILON * (p as f64).sqrt();
    for _ in 0..MAX_SWEEPS {
        let mut rotated = false;
        for i in 0..p {
            for j in i + 1..p {
                let (gi, gj) = column_pair(&mut g, p, i, j);
                let alpha = dot(gi, gi);
                let beta = dot(gj, gj);
                if alpha == 0.0 || beta == 0.0 {
                    continue;
                }
                let gamma = dot(gi, gj);
                if gamma.abs() <= tolerance * alpha.sqrt() * beta.sqrt() {
                    continue;
                }
                rotated = true;
                // The smaller root t of t^2 + 2 zeta t - 1 = 0 makes c gi - s gj and
                // s gi + c gj orthogonal, with t = s / c.
                let zeta = (beta - alpha) / (2.0 * gamma);
                let root = if zeta.abs() < 1e100 {
                    (1.0 + zeta * zeta).sqrt()
                } else {
                    zeta.abs()
                };
                let t = 1.0_f64.copysign(zeta) / (zeta.abs() + root);
                let c = 1.0 / (1.0 + t * t).sqrt();
                let s = c * t;
                rotate(gi, gj, c, s);
                let (ui, uj) = column_pair(&mut u, p, i, j);
                rotate(ui, uj, c, s);
            }
        }
        if !rotated {
            break;
        }
    }
    let sigma = g.chunks_exact(p.max(1)).map(|c| dot(c, c).sqrt()).collect();
    JacobiSvd { p, g, u, sigma }
}

/// Columns `i < j` of the column-by-column `m` of columns of length `p`, both mutable.
fn column_pair(m: &mut [f64], p: usize, i: usize, j: usize) -> (&mut [f64], &mut [f64]) {
    let (head, tail) = m.split_at_mut(j * p);
    (&mut head[i * p..(i + 1) * p], &mut tail[..p])
}

/// `(x, y) <- (c x - s y, s x + c y)`.
fn rotate(x: &mut [f64], y: &mut [f64], c: f64, s: f64) {
    for (x, y) in x.iter_mut().zip(y.iter_mut()) {
        let (a, b) = (*x, *y);
        *x = c * a - s * b;
        *y = s * a + c * b;
    }
}

/// Sums are taken in this many interleaved lanes: an order fixed by the length alone, which
/// the compiler vectorises.
const LANES: usize = 8;

/// `x . y` (equal lengths), summed in [`LANES`] lanes, then the terms past the last whole
/// group of lanes in order.
fn dot(x: &[f64], y: &[f64]) -> f64 {
    let mut lanes = [0.0; LANES];
    let (xs, ys) = (x.chunks_exact(LANES), y.chunks_exact(LANES));
    let tail = xs
        .remainder()
        .iter()
        .zip(ys.remainder())
        .fold(0.0, |sum, (a, b)| sum + a * b);
    for (x, y) in xs.zip(ys) {
        let (x, y): (&[f64; LANES], &[f64; LANES]) = (
            x.try_into().expect("a lane group"),
            y.try_into().expect("a lane group"),
        );
        for l in 0..LANES {
            lanes[l] += x[l] * y[l];
        }
    }
    let [a0, a1, a2, a3, a4, a5, a6, a7] = lanes;
    ((a0 + a4) + (a2 + a6)) + ((a1 + a5) + (a3 + a7)) + tail
}

/// `y <- y + f x`.
fn axpy(f: f64, x: &[f64], y: &mut [f64]) {
    for (y, x) in y.iter_mut().zip(x) {
        *y += f * x;
    }
}

#[cfg(test)]
mod tests;
