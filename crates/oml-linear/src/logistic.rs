//! L2-penalised logistic regression as scikit-learn's `LogisticRegression(solver="lbfgs")`
//! fits it: the mean log loss plus `||W||^2 / (2 C n)` (the intercept not penalised), a
//! binary model for two classes and a multinomial (softmax) one for more, minimised by
//! L-BFGS from zero with scikit-learn's stopping rules.

use linfa::dataset::AsSingleTargets;
use linfa::traits::{Fit, PredictInplace};
use linfa::{DatasetBase, ParamGuard};
use ndarray::{Array1, Array2, ArrayBase, ArrayView1, ArrayView2, Data, Ix2};

use crate::error::{Error, Result};
use crate::lbfgs::{self, Settings, dot};

/// Checked hyperparameters of [`LogisticRegression`], made by
/// [`ParamGuard::check`] on [`LogisticRegressionParams`]; the getters say what is fitted.
#[derive(Debug, Clone, PartialEq)]
pub struct LogisticRegressionValidParams {
    c: f64,
    fit_intercept: bool,
    max_iter: usize,
    tol: f64,
}

impl LogisticRegressionValidParams {
    /// The inverse of the penalty's strength (scikit-learn's `C`). By default, 1.0.
    pub fn c(&self) -> f64 {
        self.c
    }

    /// Whether an intercept is fitted (per class, for more than two). By default, true.
    pub fn fit_intercept(&self) -> bool {
        self.fit_intercept
    }

    /// The most L-BFGS iterations. By default, 100.
    pub fn max_iter(&self) -> usize {
        self.max_iter
    }

    /// The solver stops when no gradient component is larger. By default, 1e-4.
    pub fn tol(&self) -> f64 {
        self.tol
    }
}

/// Unchecked hyperparameters of [`LogisticRegression`], with scikit-learn's names and defaults
/// and consuming setters; check them with [`ParamGuard::check`].
#[derive(Debug, Clone, PartialEq)]
pub struct LogisticRegressionParams(LogisticRegressionValidParams);

impl Default for LogisticRegressionParams {
    fn default() -> Self {
        LogisticRegressionParams(LogisticRegressionValidParams {
            c: 1.0,
            fit_intercept: true,
            max_iter: 100,
            tol: 1e-4,
        })
    }
}

impl LogisticRegressionParams {
    /// Sets `C`, a finite number greater than 0.
    pub fn c(mut self, c: f64) -> Self {
        self.0.c = c;
        self
    }

    /// Sets whether an intercept is fitted.
    pub fn fit_intercept(mut self, yes: bool) -> Self {
        self.0.fit_intercept = yes;
        self
    }

    /// Sets the most iterations, at least 1.
    pub fn max_iter(mut self, max_iter: usize) -> Self {
        self.0.max_iter = max_iter;
        self
    }

    /// Sets the gradient tolerance, a finite number of at least 0.
    pub fn tol(mut self, tol: f64) -> Self {
        self.0.tol = tol;
        self
    }
}

impl From<LogisticRegressionValidParams> for LogisticRegressionParams {
    fn from(params: LogisticRegressionValidParams) -> Self {
        LogisticRegressionParams(params)
    }
}

impl ParamGuard for LogisticRegressionParams {
    type Checked = LogisticRegressionValidParams;
    type Error = Error;

    fn check_ref(&self) -> Result<&LogisticRegressionValidParams> {
        let p = &self.0;
        let invalid = |name, value: String, allowed| {
            Err(Error::InvalidParameter {
                name,
                value,
                allowed,
            })
        };
        if !(p.c.is_finite() && p.c > 0.0) {
            return invalid("c", p.c.to_string(), "a finite number greater than 0");
        }
        if p.max_iter == 0 {
            return invalid("max_iter", "0".to_owned(), "an integer of at least 1");
        }
        if !(p.tol.is_finite() && p.tol >= 0.0) {
            return invalid("tol", p.tol.to_string(), "a finite number of at least 0");
        }
        Ok(p)
    }

    fn check(self) -> Result<LogisticRegressionValidParams> {
        self.check_ref()?;
        Ok(self.0)
    }
}

/// A fitted logistic regression: one coefficient row (two classes) or one per class.
#[derive(Debug, Clone, PartialEq)]
pub struct LogisticRegression {
    classes: Vec<usize>,
    coefficients: Array2<f64>,
    intercepts: Array1<f64>,
    iterations: usize,
    converged: bool,
}

impl LogisticRegression {
    /// scikit-learn's defaults: `C` 1.0, an intercept, 100 iterations, tolerance 1e-4.
    pub fn params() -> LogisticRegressionParams {
        LogisticRegressionParams::default()
    }

    /// The class labels present in the training rows, in increasing order: the columns of
    /// [`predict_proba`](Self::predict_proba).
    pub fn classes(&self) -> &[usize] {
        &self.classes
    }

    /// The coefficients: one row for two classes (of the second against the first), one row
    /// per class for more.
    pub fn coefficients(&self) -> &Array2<f64> {
        &self.coefficients
    }

    /// The intercepts, one per row of [`coefficients`](Self::coefficients) (0 without one).
    pub fn intercepts(&self) -> &Array1<f64> {
        &self.intercepts
    }

    /// The L-BFGS iterations taken (scikit-learn's `n_iter_`).
    pub fn iterations(&self) -> usize {
        self.iterations
    }

    /// Whether the solver met its tolerance before the iteration limit (scikit-learn warns
    /// `ConvergenceWarning` when it did not).
    pub fn converged(&self) -> bool {
        self.converged
    }

    /// The probability of each class of [`classes`](Self::classes), one row per record.
    pub fn predict_proba(&self, records: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        let p = self.coefficients.ncols();
        if records.ncols() != p {
            return Err(Error::WidthMismatch {
                expected: p,
                found: records.ncols(),
            });
        }
        let k = self.classes.len();
        let mut out = Array2::zeros((records.nrows(), k));
        let mut logits = vec![0.0; self.coefficients.nrows()];
        for (row, mut probabilities) in records.rows().into_iter().zip(out.rows_mut()) {
            for (logit, (w, b)) in logits
                .iter_mut()
                .zip(self.coefficients.rows().into_iter().zip(&self.intercepts))
            {
                *logit = b + w.dot(&row);
            }
            if k == 2 {
                let one = sigmoid(logits[0]);
                probabilities[0] = 1.0 - one;
                probabilities[1] = one;
            } else {
                softmax(&mut logits);
                probabilities
                    .iter_mut()
                    .zip(&logits)
                    .for_each(|(p, l)| *p = *l);
            }
        }
        Ok(out)
    }

    /// The most probable class of each record (ties to the first class).
    pub fn predict(&self, records: ArrayView2<'_, f64>) -> Result<Array1<usize>> {
        let probabilities = self.predict_proba(records)?;
        Ok(probabilities
            .rows()
            .into_iter()
            .map(|row| {
                let best = row
                    .iter()
                    .enumerate()
                    .fold(0, |best, (i, &p)| if p > row[best] { i } else { best });
                self.classes[best]
            })
            .collect())
    }
}

impl LogisticRegressionValidParams {
    /// Fits on the records (rows x features, finite) and the class label of each row.
    pub fn fit_records(
        &self,
        records: ArrayView2<'_, f64>,
        labels: ArrayView1<'_, usize>,
    ) -> Result<LogisticRegression> {
        let (n, p) = records.dim();
        if n == 0 {
            return Err(Error::NoRows);
        }
        if labels.len() != n {
            return Err(Error::LengthMismatch {
                rows: n,
                found: labels.len(),
            });
        }
        if let Some(((row, column), &value)) = records.indexed_iter().find(|(_, v)| !v.is_finite())
        {
            return Err(Error::NonFiniteInput { row, column, value });
        }
        let mut classes: Vec<usize> = labels.to_vec();
        classes.sort_unstable();
        classes.dedup();
        if classes.len() < 2 {
            return Err(Error::OneClass { class: classes[0] });
        }
        let index = |label: usize| classes.binary_search(&label).expect("a present class");
        let targets: Vec<usize> = labels.iter().map(|&l| index(l)).collect();
        let x = records.as_standard_layout();
        let x = Records::new(x.as_slice().expect("standard layout"), n, p);
        let rows = if classes.len() == 2 { 1 } else { classes.len() };
        let problem = Problem {
            x: x.rows(),
            targets: &targets,
            p,
            rows,
            intercept: self.fit_intercept,
            penalty: 1.0 / (self.c * n as f64),
        };
        let width = rows * p + if self.fit_intercept { rows } else { 0 };
        let settings = Settings {
            memory: 10,
            max_iter: self.max_iter,
            gtol: self.tol,
            ftol: 64.0 * f64::EPSILON,
            max_line_search: 50,
        };
        let mut logits = vec![0.0; rows];
        let minimum = lbfgs::minimize(
            |theta, gradient| problem.loss(theta, gradient, &mut logits),
            vec![0.0; width],
            &settings,
        );
        let theta = minimum.x;
        let coefficients =
            Array2::from_shape_vec((rows, p), theta[..rows * p].to_vec()).expect("rows x p");
        let intercepts = if self.fit_intercept {
            Array1::from(theta[rows * p..].to_vec())
        } else {
            Array1::zeros(rows)
        };
        Ok(LogisticRegression {
            classes,
            coefficients,
            intercepts,
            iterations: minimum.iterations,
            converged: minimum.converged,
        })
    }
}

impl<D, T> Fit<ArrayBase<D, Ix2>, T, Error> for LogisticRegressionValidParams
where
    D: Data<Elem = f64>,
    T: AsSingleTargets<Elem = usize>,
{
    type Object = LogisticRegression;

    /// Fits on the records and their class labels; the dataset's weights are not used.
    fn fit(&self, dataset: &DatasetBase<ArrayBase<D, Ix2>, T>) -> Result<LogisticRegression> {
        self.fit_records(dataset.records().view(), dataset.as_single_targets())
    }
}

impl<D: Data<Elem = f64>> PredictInplace<ArrayBase<D, Ix2>, Array1<usize>> for LogisticRegression {
    /// The most probable class of each record; records of the wrong width predict the first
    /// class (linfa's trait has no error; use [`LogisticRegression::predict`] to see one).
    fn predict_inplace(&self, records: &ArrayBase<D, Ix2>, targets: &mut Array1<usize>) {
        let predicted = self
            .predict(records.view())
            .unwrap_or_else(|_| Array1::from_elem(records.nrows(), self.classes[0]));
        targets.assign(&predicted);
    }

    fn default_target(&self, records: &ArrayBase<D, Ix2>) -> Array1<usize> {
        Array1::zeros(records.nrows())
    }
}

/// The records as the loss reads them: dense rows, or, when most entries are 0 (one-hot
/// encoded nominal features), each row's non-zero entries. Skipping a 0 changes no sum (adding
/// `w * 0` leaves a sum as it is), so both give the same fit, the sparse one in fewer steps.
enum Records<'a> {
    Dense {
        x: &'a [f64],
        n: usize,
        p: usize,
    },
    Sparse {
        /// Row `i`'s entries are `starts[i]..starts[i + 1]`.
        starts: Vec<usize>,
        columns: Vec<u32>,
        values: Vec<f64>,
    },
}

impl<'a> Records<'a> {
    /// Row-major records `x` of `n` rows and `p` columns, kept sparse when at most half their
    /// entries are not 0.
    fn new(x: &'a [f64], n: usize, p: usize) -> Self {
        let non_zero = x.iter().filter(|&&v| v != 0.0).count();
        if 2 * non_zero > x.len() || p > u32::MAX as usize {
            return Records::Dense { x, n, p };
        }
        let mut starts = Vec::with_capacity(n + 1);
        let mut columns = Vec::with_capacity(non_zero);
        let mut values = Vec::with_capacity(non_zero);
        starts.push(0);
        for row in (0..n).map(|i| &x[i * p..(i + 1) * p]) {
            for (j, &v) in row.iter().enumerate().filter(|&(_, &v)| v != 0.0) {
                columns.push(j as u32);
                values.push(v);
            }
            starts.push(values.len());
        }
        Records::Sparse {
            starts,
            columns,
            values,
        }
    }

    /// The rows, in order (each empty when there are no columns).
    fn rows(&self) -> Vec<Row<'_>> {
        match self {
            &Records::Dense { x, n, p } => {
                (0..n).map(|i| Row::Dense(&x[i * p..(i + 1) * p])).collect()
            }
            Records::Sparse {
                starts,
                columns,
                values,
            } => starts
                .windows(2)
                .map(|w| Row::Sparse(&columns[w[0]..w[1]], &values[w[0]..w[1]]))
                .collect(),
        }
    }
}

/// One row of the records: all its entries, or its non-zero ones with their columns.
#[derive(Debug, Clone, Copy)]
enum Row<'a> {
    Dense(&'a [f64]),
    Sparse(&'a [u32], &'a [f64]),
}

impl Row<'_> {
    /// The row's dot product with `weights` (one per column).
    #[inline]
    fn dot(self, weights: &[f64]) -> f64 {
        match self {
            Row::Dense(x) => dot(weights, x),
            Row::Sparse(columns, values) => columns
                .iter()
                .zip(values)
                .map(|(&j, &v)| weights[j as usize] * v)
                .sum(),
        }
    }

    /// Adds `scale` times the row to `out` (one entry per column).
    #[inline]
    fn add_scaled_to(self, scale: f64, out: &mut [f64]) {
        match self {
            Row::Dense(x) => out.iter_mut().zip(x).for_each(|(g, xi)| *g += scale * xi),
            Row::Sparse(columns, values) => {
                for (&j, &v) in columns.iter().zip(values) {
                    out[j as usize] += scale * v;
                }
            }
        }
    }
}

/// The objective: mean log loss of `targets` (class indices) plus the penalty.
struct Problem<'a> {
    /// The rows of the records, `p` columns each.
    x: Vec<Row<'a>>,
    targets: &'a [usize],
    p: usize,
    /// Coefficient rows: 1 for two classes, else one per class.
    rows: usize,
    intercept: bool,
    /// `1 / (C n)`: the weight of `||W||^2 / 2`.
    penalty: f64,
}

impl Problem<'_> {
    /// The objective at `theta` (coefficients row-major, then intercepts), its gradient
    /// written into `gradient`.
    fn loss(&self, theta: &[f64], gradient: &mut [f64], logits: &mut [f64]) -> f64 {
        let (p, rows) = (self.p, self.rows);
        let n = self.targets.len();
        let (weights, intercepts) = theta.split_at(rows * p);
        gradient.iter_mut().for_each(|g| *g = 0.0);
        let mut total = 0.0;
        // Without features every row's inputs are empty: only the intercepts are fitted.
        for (&x, &target) in self.x.iter().zip(self.targets) {
            for (k, logit) in logits.iter_mut().enumerate() {
                let b = if self.intercept { intercepts[k] } else { 0.0 };
                *logit = b + x.dot(&weights[k * p..(k + 1) * p]);
            }
            if rows == 1 {
                // Binary: the loss of label s in {0, 1} is softplus(z) - s z.
                let z = logits[0];
                let s = target as f64;
                let (softplus, sigmoid) = softplus_and_sigmoid(z);
                total += softplus - s * z;
                logits[0] = sigmoid - s;
            } else {
                // The loss of class t is log-sum-exp(l) - l_t; the residuals, softmax - [k = t].
                let target_logit = logits[target];
                total += softmax(logits) - target_logit;
                logits[target] -= 1.0;
            }
            for (k, &residual) in logits.iter().enumerate() {
                if self.intercept {
                    gradient[rows * p + k] += residual;
                }
                x.add_scaled_to(residual, &mut gradient[k * p..(k + 1) * p]);
            }
        }
        let scale = 1.0 / n as f64;
        gradient.iter_mut().for_each(|g| *g *= scale);
        gradient[..rows * p]
            .iter_mut()
            .zip(weights)
            .for_each(|(g, w)| *g += self.penalty * w);
        total * scale + 0.5 * self.penalty * dot(weights, weights)
    }
}

/// `1 / (1 + e^-z)` without overflow.
fn sigmoid(z: f64) -> f64 {
    sigmoid_from(z, (-z.abs()).exp())
}

/// `1 / (1 + e^-z)` from `e = e^-|z|`.
fn sigmoid_from(z: f64, e: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + e)
    } else {
        e / (1.0 + e)
    }
}

/// `ln(1 + e^z)` and `1 / (1 + e^-z)` without overflow, from one exponential, `e^-|z|`.
fn softplus_and_sigmoid(z: f64) -> (f64, f64) {
    let e = (-z.abs()).exp();
    (z.max(0.0) + e.ln_1p(), sigmoid_from(z, e))
}

/// Replaces logits by their softmax (each exponential once) and returns their
/// log-sum-exp.
fn softmax(logits: &mut [f64]) -> f64 {
    let max = logits.iter().fold(f64::NEG_INFINITY, |m, &l| m.max(l));
    logits.iter_mut().for_each(|l| *l = (*l - max).exp());
    let sum: f64 = logits.iter().sum();
    logits.iter_mut().for_each(|l| *l /= sum);
    max + sum.ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The loss and gradient of `x` read dense and read sparse, at a few points.
    fn dense_and_sparse(x: &[f64], p: usize, targets: &[usize], rows: usize) {
        let n = targets.len();
        let sparse = Records::new(x, n, p);
        assert!(matches!(sparse, Records::Sparse { .. }), "mostly zeros");
        let dense = Records::Dense { x, n, p };
        fn problem<'a>(
            records: &'a Records<'_>,
            targets: &'a [usize],
            p: usize,
            rows: usize,
        ) -> Problem<'a> {
            Problem {
                x: records.rows(),
                targets,
                p,
                rows,
                intercept: true,
                penalty: 0.01,
            }
        }
        let (sparse, dense) = (
            problem(&sparse, targets, p, rows),
            problem(&dense, targets, p, rows),
        );
        let width = rows * p + rows;
        for step in [0.0, 0.3, -1.7] {
            let theta: Vec<f64> = (0..width).map(|i| step * (i as f64 * 0.37).sin()).collect();
            let (mut g_sparse, mut g_dense) = (vec![0.0; width], vec![0.0; width]);
            let mut logits = vec![0.0; rows];
            let l_sparse = sparse.loss(&theta, &mut g_sparse, &mut logits);
            let l_dense = dense.loss(&theta, &mut g_dense, &mut logits);
            assert_eq!(l_sparse.to_bits(), l_dense.to_bits(), "step {step}");
            assert_eq!(g_sparse, g_dense, "step {step}");
        }
    }

    /// One-hot columns beside numeric ones: the non-zero entries give the same loss and
    /// gradient, bit for bit, binary and multinomial.
    #[test]
    fn sparse_rows_give_the_dense_loss_and_gradient() {
        let (n, levels) = (60, 8);
        let p = 2 + levels;
        let mut x = vec![0.0; n * p];
        for i in 0..n {
            x[i * p] = (i as f64 * 0.77).cos() * 3.0;
            x[i * p + 1] = if i % 5 == 0 {
                0.0
            } else {
                i as f64 / 7.0 - 4.0
            };
            x[i * p + 2 + (i * 3) % levels] = 1.0;
        }
        let three: Vec<usize> = (0..n).map(|i| (i * 7) % 3).collect();
        dense_and_sparse(&x, p, &three, 3);
        let two: Vec<usize> = (0..n).map(|i| (i * 7) % 2).collect();
        dense_and_sparse(&x, p, &two, 1);
    }
}
