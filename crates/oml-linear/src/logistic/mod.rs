//! L2-penalised logistic regression as scikit-learn's `LogisticRegression(solver="lbfgs")`
//! fits it: the mean log loss plus `||W||^2 / (2 C n)` (the intercept not penalised), a
//! binary model for two classes and a multinomial (softmax) one for more, minimised by
//! L-BFGS from zero with scikit-learn's stopping rules.

use linfa::dataset::AsSingleTargets;
use linfa::traits::{Fit, PredictInplace};
use linfa::{DatasetBase, ParamGuard};
use ndarray::{Array1, Array2, ArrayBase, ArrayView1, ArrayView2, Data, Ix2};

use crate::design::{Design, sum_in_lanes};
use crate::error::{Error, Result};
use crate::lbfgs::{self, Pairs, Settings, dot};
use oml_math::{exp_non_positive, ln_normal};

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
    /// The penalty weight `1 / (C n)` of the objective minimised, and the solver's correction
    /// pairs at the end: what a warm start from this model carries on.
    penalty: f64,
    pairs: Pairs,
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
        self.fit_records_from(records, labels, None)
    }

    /// [`fit_records`](Self::fit_records) with the solver started at `start`'s coefficients
    /// and intercepts (a warm start, as scikit-learn's `warm_start=True`), and with the
    /// curvature its solver learnt carried over (its L-BFGS correction pairs, adjusted to this
    /// `C`, exactly so when `start` was fitted on the same records), where `start` was fitted to
    /// the same classes and features; else at zero. A start from other records still converges
    /// to this objective's tolerance, perhaps in more iterations. The objective, so its minimum,
    /// is the same; the point where the stopping rules stop the solver is not, by up to their
    /// tolerance.
    pub fn fit_records_from(
        &self,
        records: ArrayView2<'_, f64>,
        labels: ArrayView1<'_, usize>,
        start: Option<&LogisticRegression>,
    ) -> Result<LogisticRegression> {
        self.fit_design(&Design::new(records)?, labels, start)
    }

    /// [`fit_records_from`](Self::fit_records_from) on records laid out as [`Design`] once,
    /// for many fits on the same rows.
    pub fn fit_design(
        &self,
        design: &Design,
        labels: ArrayView1<'_, usize>,
        start: Option<&LogisticRegression>,
    ) -> Result<LogisticRegression> {
        let (n, p) = (design.n_rows(), design.n_features());
        if labels.len() != n {
            return Err(Error::LengthMismatch {
                rows: n,
                found: labels.len(),
            });
        }
        let mut classes: Vec<usize> = labels.to_vec();
        classes.sort_unstable();
        classes.dedup();
        if classes.len() < 2 {
            return Err(Error::OneClass { class: classes[0] });
        }
        let index = |label: usize| classes.binary_search(&label).expect("a present class");
        let targets: Vec<usize> = labels.iter().map(|&l| index(l)).collect();
        let rows = if classes.len() == 2 { 1 } else { classes.len() };
        let problem = Problem {
            x: design,
            targets: &targets,
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
        let mut theta = vec![0.0; width];
        let mut pairs = Pairs::new();
        if let Some(start) =
            start.filter(|s| s.classes == classes && s.coefficients.dim() == (rows, p))
        {
            let (weights, intercepts) = theta.split_at_mut(rows * p);
            weights
                .iter_mut()
                .zip(&start.coefficients)
                .for_each(|(w, s)| *w = *s);
            intercepts
                .iter_mut()
                .zip(&start.intercepts)
                .for_each(|(b, s)| *b = *s);
            pairs = carried_pairs(
                &start.pairs,
                problem.penalty - start.penalty,
                rows * p,
                width,
            );
        }
        let mut scratch = Scratch::default();
        let minimum = lbfgs::minimize(
            |theta, gradient| problem.loss(theta, gradient, &mut scratch),
            theta,
            pairs,
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
            penalty: problem.penalty,
            pairs: minimum.pairs,
        })
    }
}

/// The correction pairs of a run on the same records with the penalty weight lower by `shift`,
/// for this one: the objectives differ by `shift |W|^2 / 2`, so each gradient difference `y`
/// gains `shift` times the step `s` in its first `weights` components (the coefficients; the
/// intercepts are not penalised). Pairs of another width, or whose curvature `s'y` is no
/// longer positive, are left out.
fn carried_pairs(pairs: &Pairs, shift: f64, weights: usize, width: usize) -> Pairs {
    pairs
        .iter()
        .filter(|(s, _, _)| s.len() == width)
        .filter_map(|(s, y, _)| {
            let mut y = y.clone();
            y[..weights]
                .iter_mut()
                .zip(&s[..weights])
                .for_each(|(y, s)| *y += shift * s);
            let sy = dot(s, &y);
            (sy > f64::EPSILON * dot(&y, &y)).then(|| (s.clone(), y, 1.0 / sy))
        })
        .collect()
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

/// The buffers of [`Problem::loss`], kept from one evaluation to the next.
#[derive(Debug, Default)]
struct Scratch {
    /// The logits of every record, class-major, then their residuals.
    z: Vec<f64>,
    /// Per record: the exponential the binary loss takes, or the multinomial's target logit.
    exps: Vec<f64>,
    /// Per record: the sum of the multinomial's exponentials.
    sums: Vec<f64>,
    /// Per record: the multinomial's largest logit.
    largest: Vec<f64>,
}

/// The objective: mean log loss of `targets` (class indices) plus the penalty.
struct Problem<'a> {
    /// The records, `targets.len()` rows.
    x: &'a Design,
    targets: &'a [usize],
    /// Coefficient rows: 1 for two classes, else one per class.
    rows: usize,
    intercept: bool,
    /// `1 / (C n)`: the weight of `||W||^2 / 2`.
    penalty: f64,
}

impl Problem<'_> {
    /// The objective at `theta` (coefficients row-major, then intercepts), its gradient
    /// written into `gradient`; `scratch.z` holds `rows` logits per record (class-major) and
    /// then their residuals.
    ///
    /// Each logit is its intercept plus its row's `w x` terms of the dense columns, then of the
    /// sparse ones (only their non-zero terms), each in column order; the binary loss sums the
    /// records' losses in record order, the multinomial in lanes. Every column adds to the
    /// logits of all records at once and takes its gradient as one dot product with the
    /// residuals, so that both run over contiguous memory: the order of every sum is fixed by
    /// the data alone.
    fn loss(&self, theta: &[f64], gradient: &mut [f64], scratch: &mut Scratch) -> f64 {
        let (p, rows) = (self.x.n_features(), self.rows);
        let n = self.targets.len();
        let (weights, intercepts) = theta.split_at(rows * p);
        let z = &mut scratch.z;
        z.clear();
        for k in 0..rows {
            let b = intercepts.get(k).copied().unwrap_or(0.0);
            z.resize((k + 1) * n, b);
        }
        self.x.add_terms(weights, z, rows);
        let (exps, sums) = (&mut scratch.exps, &mut scratch.sums);
        let total = if rows == 1 {
            // Binary: the loss of label s in {0, 1} is softplus(z) - s z, from e^-|z|.
            exps.clear();
            exps.extend(z.iter().map(|z| exp_non_positive(-z.abs())));
            let mut total = 0.0;
            for ((z, &e), &target) in z.iter_mut().zip(exps.iter()).zip(self.targets) {
                let s = target as f64;
                total += (z.max(0.0) + libm::log1p(e)) - s * *z;
                *z = sigmoid_from(*z, e) - s;
            }
            total
        } else {
            // The loss of class t is log-sum-exp(l) - l_t; the residuals, softmax - [k = t].
            // Class by class over all records: the largest logit, the exponentials of the
            // logits less it and their sum, then the residuals.
            let largest = &mut scratch.largest;
            largest.clear();
            largest.resize(n, f64::NEG_INFINITY);
            sums.clear();
            sums.resize(n, 0.0);
            for z in z.chunks_exact(n) {
                largest.iter_mut().zip(z).for_each(|(m, &l)| *m = m.max(l));
            }
            exps.clear();
            exps.extend(
                self.targets
                    .iter()
                    .enumerate()
                    .map(|(i, &target)| z[target * n + i]),
            );
            for z in z.chunks_exact_mut(n) {
                for ((z, sum), &m) in z.iter_mut().zip(sums.iter_mut()).zip(largest.iter()) {
                    *z = exp_non_positive(*z - m);
                    *sum += *z;
                }
            }
            // Each record's loss in place of its target logit, then their sum in lanes; each
            // sum in place of its reciprocal.
            for ((&m, sum), target_logit) in
                largest.iter().zip(sums.iter_mut()).zip(exps.iter_mut())
            {
                *target_logit = (m + ln_normal(*sum)) - *target_logit;
                *sum = 1.0 / *sum;
            }
            for z in z.chunks_exact_mut(n) {
                z.iter_mut()
                    .zip(sums.iter())
                    .for_each(|(z, inverse)| *z *= inverse);
            }
            for (i, &target) in self.targets.iter().enumerate() {
                z[target * n + i] -= 1.0;
            }
            sum_in_lanes(exps)
        };
        let scale = 1.0 / n as f64;
        self.x.dots(z, rows, |k, j, dot| {
            gradient[k * p + j] = dot * scale + self.penalty * weights[k * p + j];
        });
        if self.intercept {
            for (k, r) in z.chunks_exact(n).enumerate() {
                gradient[rows * p + k] = sum_in_lanes(r) * scale;
            }
        }
        total * scale + 0.5 * self.penalty * dot(weights, weights)
    }
}

/// `1 / (1 + e^-z)` without overflow.
fn sigmoid(z: f64) -> f64 {
    sigmoid_from(z, libm::exp(-z.abs()))
}

/// `1 / (1 + e^-z)` from `e = e^-|z|`.
fn sigmoid_from(z: f64, e: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + e)
    } else {
        e / (1.0 + e)
    }
}

/// Replaces logits by their softmax (each exponential once) and returns their
/// log-sum-exp.
fn softmax(logits: &mut [f64]) -> f64 {
    let max = logits.iter().fold(f64::NEG_INFINITY, |m, &l| m.max(l));
    logits.iter_mut().for_each(|l| *l = libm::exp(*l - max));
    let sum: f64 = logits.iter().sum();
    logits.iter_mut().for_each(|l| *l /= sum);
    max + libm::log(sum)
}

#[cfg(test)]
mod tests;
