//! linfa-svm's support vector classifier as a flow, with Platt-scaled probabilities as
//! confidences: one machine for two classes, one per pair of classes for more, their
//! probabilities coupled as libsvm couples them (scikit-learn's `SVC(probability=True)`).
//!
//! The sigmoid of each machine is fitted as libsvm (scikit-learn's `SVC(probability=True)`)
//! fits it: on decision values of the training rows predicted by machines fitted without them
//! (five internal folds), not on the machine's own training rows as linfa-svm does. A machine's
//! decision values on its own training rows sit at or beyond the margin, so an in-sample
//! sigmoid moves the 0.5 threshold away from the decision boundary: on scikit-learn's
//! breast-cancer table that cost 2.6 accuracy points against `SVC`.

use linfa::prelude::*;
use linfa_svm::Svm;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use crate::error::{Error, Result};
use crate::estimators::classes::{
    ClassProbabilities, ClassifierInputs, OverTaskClasses, classifier_inputs,
};
use crate::estimators::linfa_libm_external_version;
use crate::estimators::overflow::check_polynomial_kernel;
use crate::flow::{Describe, Flow, Model, TaskKind, TrainingSet};
use crate::param::{
    AT_LEAST_ONE_U32, Constraint, FINITE_POSITIVE, Parameter, parse_value, unknown_parameter,
};

/// The values `c`, `gaussian_eps` and `eps` take.
const POSITIVE: Constraint<f64> = FINITE_POSITIVE;

/// The values `polynomial_constant` takes.
const FINITE: Constraint<f64> = Constraint {
    allowed: "a finite number",
    valid: |v| v.is_finite(),
};

/// The values `polynomial_degree` takes.
const DEGREE: Constraint<u32> = AT_LEAST_ONE_U32;

/// The kernel of an SVM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SvmKernel {
    /// `<x, x'>`.
    Linear,
    /// `exp(-|x - x'|^2 / gaussian_eps)`.
    Gaussian,
    /// `(<x, x'> + polynomial_constant)^polynomial_degree`.
    Polynomial,
}

crate::option_value!(SvmKernel {
    SvmKernel::Linear => "linear",
    SvmKernel::Gaussian => "gaussian",
    SvmKernel::Polynomial => "polynomial",
});

/// Checked hyperparameters of [`SvmFlow`]: the record of what is fitted.
///
/// linfa-svm does not let its kernel be read back, so oml keeps its own parameters and builds
/// linfa's from them at fit time. Made by checking
/// [`SvmParams`] ([`linfa::ParamGuard::check`]).
#[derive(Debug, Clone, PartialEq)]
pub struct SvmValidParams {
    c: f64,
    kernel: SvmKernel,
    gaussian_eps: f64,
    polynomial_constant: f64,
    polynomial_degree: u32,
    eps: f64,
    shrinking: bool,
}

impl SvmValidParams {
    /// The penalty C on margin violations, for both classes of each machine. By default, 1.0.
    pub fn c(&self) -> f64 {
        self.c
    }

    /// The kernel. By default, [`SvmKernel::Gaussian`].
    pub fn kernel(&self) -> SvmKernel {
        self.kernel
    }

    /// The width of the gaussian kernel, `eps` in `exp(-|x - x'|^2 / eps)` (scikit-learn's
    /// `1 / gamma`). By default, 4.0: scikit-learn's `gamma='scale'` for four standardised
    /// columns; a wider kernel suits more columns.
    pub fn gaussian_eps(&self) -> f64 {
        self.gaussian_eps
    }

    /// The constant of the polynomial kernel. By default, 1.0.
    pub fn polynomial_constant(&self) -> f64 {
        self.polynomial_constant
    }

    /// The degree of the polynomial kernel. By default, 3.
    pub fn polynomial_degree(&self) -> u32 {
        self.polynomial_degree
    }

    /// The tolerance of the SMO solver's stopping condition: it stops when the gap of the most
    /// violating pair falls below it, as libsvm does. By default, 1e-3, scikit-learn's `SVC`
    /// `tol` (linfa's default is 1e-7, which takes twice the solver steps for the same
    /// accuracy).
    pub fn eps(&self) -> f64 {
        self.eps
    }

    /// Whether the solver shrinks the active set. By default, false (linfa's).
    pub fn shrinking(&self) -> bool {
        self.shrinking
    }
}

/// Unchecked hyperparameters of [`SvmFlow`], with consuming setters; check them with
/// [`linfa::ParamGuard::check`].
#[derive(Debug, Clone, PartialEq)]
pub struct SvmParams(SvmValidParams);

impl Default for SvmParams {
    fn default() -> Self {
        SvmParams(SvmValidParams {
            c: 1.0,
            kernel: SvmKernel::Gaussian,
            gaussian_eps: 4.0,
            polynomial_constant: 1.0,
            polynomial_degree: 3,
            eps: 1e-3,
            shrinking: false,
        })
    }
}

impl SvmParams {
    /// The defaults: C 1.0, a gaussian kernel of width 4.0 (polynomial: constant 1.0, degree
    /// 3), solver tolerance 1e-3, no shrinking.
    pub fn new() -> Self {
        SvmParams::default()
    }

    /// Sets the penalty C, a finite number greater than 0.
    pub fn c(mut self, c: f64) -> Self {
        self.0.c = c;
        self
    }

    /// Sets the kernel.
    pub fn kernel(mut self, kernel: SvmKernel) -> Self {
        self.0.kernel = kernel;
        self
    }

    /// Sets the width of the gaussian kernel, a finite number greater than 0.
    pub fn gaussian_eps(mut self, eps: f64) -> Self {
        self.0.gaussian_eps = eps;
        self
    }

    /// Sets the constant of the polynomial kernel, a finite number.
    pub fn polynomial_constant(mut self, constant: f64) -> Self {
        self.0.polynomial_constant = constant;
        self
    }

    /// Sets the degree of the polynomial kernel, at least 1.
    pub fn polynomial_degree(mut self, degree: u32) -> Self {
        self.0.polynomial_degree = degree;
        self
    }

    /// Sets the solver tolerance, a finite number greater than 0.
    pub fn eps(mut self, eps: f64) -> Self {
        self.0.eps = eps;
        self
    }

    /// Sets whether the solver shrinks the active set.
    pub fn shrinking(mut self, yes: bool) -> Self {
        self.0.shrinking = yes;
        self
    }
}

impl From<SvmValidParams> for SvmParams {
    fn from(params: SvmValidParams) -> Self {
        SvmParams(params)
    }
}

impl ParamGuard for SvmParams {
    type Checked = SvmValidParams;
    type Error = Error;

    fn check_ref(&self) -> Result<&SvmValidParams> {
        let p = &self.0;
        POSITIVE.check("c", &p.c)?;
        POSITIVE.check("gaussian_eps", &p.gaussian_eps)?;
        FINITE.check("polynomial_constant", &p.polynomial_constant)?;
        DEGREE.check("polynomial_degree", &p.polynomial_degree)?;
        POSITIVE.check("eps", &p.eps)?;
        Ok(p)
    }

    fn check(self) -> Result<SvmValidParams> {
        self.check_ref()?;
        Ok(self.0)
    }
}

/// The C-support vector classifier of linfa-svm (libsvm's SMO solver; the kernel matrix of a
/// machine's rows kept whole up to 1 GiB, above that its rows computed on demand into a 512 MiB
/// cache).
///
/// Confidences are Platt-scaled probabilities (see the module). Two classes: one machine.
/// More: as libsvm and scikit-learn's `SVC`, one machine per pair of classes present in the
/// training rows, fitted on the rows of those two, and each row's class probabilities coupled
/// from the pairs' (Wu, Lin and Weng's second method, libsvm's `multiclass_probability`). A
/// class absent from the training rows gets 0; a training set with a single class gives a
/// constant model, confidence 1 for that class. A polynomial kernel whose values on the
/// training rows can overflow is refused at fit time, naming the largest degree they allow.
#[derive(Debug, Clone)]
pub struct SvmFlow {
    params: SvmValidParams,
}

impl Default for SvmFlow {
    fn default() -> Self {
        SvmFlow::with_params(SvmParams::new().check().expect("the defaults are valid"))
    }
}

impl SvmFlow {
    /// An SVM with the defaults of [`SvmParams::new`].
    pub fn new() -> Self {
        SvmFlow::default()
    }

    /// An SVM with the given checked parameters.
    pub fn with_params(params: SvmValidParams) -> Self {
        SvmFlow { params }
    }

    /// The checked parameters.
    pub fn params(&self) -> &SvmValidParams {
        &self.params
    }

    /// linfa's checked parameters for a decision machine.
    fn linfa_params(&self) -> Result<linfa_svm::SvmValidParams<f64, bool>> {
        let p = &self.params;
        let params = Svm::<f64, bool>::params()
            .pos_neg_weights(p.c, p.c)
            .eps(p.eps)
            .shrinking(p.shrinking);
        let params = match p.kernel {
            SvmKernel::Linear => params.linear_kernel(),
            SvmKernel::Gaussian => params.gaussian_kernel(p.gaussian_eps),
            SvmKernel::Polynomial => {
                params.polynomial_kernel(p.polynomial_constant, f64::from(p.polynomial_degree))
            }
        };
        params.check().map_err(|e| Error::fit(self.name(), e))
    }

    /// A machine for `targets` and its sigmoid, fitted as libsvm's
    /// `svm_binary_svc_probability`: the rows shuffled by `seed` into [`PLATT_FOLDS`]
    /// contiguous folds, each fold's decision values predicted by a machine fitted on the
    /// others, the sigmoid fitted on those values, and the returned machine on all rows.
    fn fit_calibrated(
        &self,
        params: &linfa_svm::SvmValidParams<f64, bool>,
        x: ArrayView2<'_, f64>,
        targets: ArrayView1<'_, bool>,
        seed: u64,
    ) -> Result<CalibratedMachine> {
        let fit = |x: ArrayView2<'_, f64>, targets: ArrayView1<'_, bool>| {
            params
                .fit(&DatasetBase::new(x, targets))
                .map_err(|e| Error::fit(self.name(), e))
        };
        let rows = targets.len();
        let mut order: Vec<usize> = (0..rows).collect();
        order.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
        let mut decisions = Array1::zeros(rows);
        for fold in 0..PLATT_FOLDS {
            let (start, end) = (fold * rows / PLATT_FOLDS, (fold + 1) * rows / PLATT_FOLDS);
            let held_out = &order[start..end];
            let kept: Vec<usize> = order[..start]
                .iter()
                .chain(&order[end..])
                .copied()
                .collect();
            let kept_targets = targets.select(Axis(0), &kept);
            let positives = kept_targets.iter().filter(|&&t| t).count();
            // libsvm's values when the other folds hold one class only (or none).
            let constant = match (positives, kept.len() - positives) {
                (0, 0) => Some(0.0),
                (_, 0) => Some(1.0),
                (0, _) => Some(-1.0),
                _ => None,
            };
            if let Some(value) = constant {
                held_out.iter().for_each(|&row| decisions[row] = value);
                continue;
            }
            let machine = fit(x.select(Axis(0), &kept).view(), kept_targets.view())?;
            let held_out_decisions =
                machine_decisions(&machine, x.select(Axis(0), held_out).view());
            for (&row, &value) in held_out.iter().zip(&held_out_decisions) {
                decisions[row] = value;
            }
        }
        let (a, b) = fit_sigmoid(decisions.view(), targets);
        Ok(CalibratedMachine {
            machine: fit(x, targets)?,
            a,
            b,
        })
    }
}

/// The internal folds of the decision values a machine's sigmoid is fitted on (libsvm's 5).
const PLATT_FOLDS: usize = 5;

/// The seed of the machine for `key` (its class, or its pair of classes) in a fit seeded with
/// `seed`.
fn machine_seed(seed: u64, key: u64) -> u64 {
    seed ^ key.wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// The decision values of `machine` for the rows of `x`: positive on the side of its `true`
/// class. From the vendored linfa-svm's blocked `weighted_sums` (one matrix product with the
/// support vectors per block of rows).
fn machine_decisions(machine: &Svm<f64, bool>, x: ArrayView2<'_, f64>) -> Array1<f64> {
    machine.weighted_sums(&x) - machine.rho
}

/// `1 / (1 + exp(a * decision + b))`, computed without overflow (libsvm's `sigmoid_predict`).
fn sigmoid(decision: f64, a: f64, b: f64) -> f64 {
    sigmoid_and_complement(a * decision + b).0
}

/// `(1 / (1 + exp(f)), 1 - that)` without overflow, from one exponential of `-|f|`, as libsvm
/// computes both sides.
fn sigmoid_and_complement(f: f64) -> (f64, f64) {
    let e = libm::exp(-f.abs());
    if f >= 0.0 {
        (e / (1.0 + e), 1.0 / (1.0 + e))
    } else {
        (1.0 / (1.0 + e), e / (1.0 + e))
    }
}

/// The sigmoid parameters `(a, b)` that maximise the likelihood of `labels` given
/// `decisions`, with Platt's targets smoothed by the class counts: libsvm's `sigmoid_train`
/// (Newton's method with backtracking, Lin, Lin and Weng 2007). Where the line search stalls
/// it keeps the last accepted step, as libsvm does.
fn fit_sigmoid(decisions: ArrayView1<'_, f64>, labels: ArrayView1<'_, bool>) -> (f64, f64) {
    const MAX_ITERATIONS: usize = 100;
    const MIN_STEP: f64 = 1e-10;
    const SIGMA: f64 = 1e-12;
    const EPS: f64 = 1e-5;
    let positives = labels.iter().filter(|&&l| l).count() as f64;
    let negatives = labels.len() as f64 - positives;
    let (high, low) = (
        (positives + 1.0) / (positives + 2.0),
        1.0 / (negatives + 2.0),
    );
    let targets: Vec<f64> = labels.iter().map(|&l| if l { high } else { low }).collect();
    let objective = |a: f64, b: f64| -> f64 {
        decisions
            .iter()
            .zip(&targets)
            .map(|(&d, &t)| {
                let f = d * a + b;
                if f >= 0.0 {
                    t * f + libm::log1p(libm::exp(-f))
                } else {
                    (t - 1.0) * f + libm::log1p(libm::exp(f))
                }
            })
            .sum()
    };
    let (mut a, mut b) = (0.0, libm::log((negatives + 1.0) / (positives + 1.0)));
    let mut value = objective(a, b);
    for _ in 0..MAX_ITERATIONS {
        let (mut h11, mut h22, mut h21, mut g1, mut g2) = (SIGMA, SIGMA, 0.0, 0.0, 0.0);
        for (&d, &t) in decisions.iter().zip(&targets) {
            let (p, q) = sigmoid_and_complement(d * a + b);
            let d2 = p * q;
            h11 += d * d * d2;
            h22 += d2;
            h21 += d * d2;
            g1 += d * (t - p);
            g2 += t - p;
        }
        if g1.abs() < EPS && g2.abs() < EPS {
            break;
        }
        let det = h11 * h22 - h21 * h21;
        let (da, db) = (-(h22 * g1 - h21 * g2) / det, -(-h21 * g1 + h11 * g2) / det);
        let slope = g1 * da + g2 * db;
        let mut step = 1.0;
        while step >= MIN_STEP {
            let (new_a, new_b) = (a + step * da, b + step * db);
            let new_value = objective(new_a, new_b);
            if new_value < value + 1e-4 * step * slope {
                (a, b, value) = (new_a, new_b, new_value);
                break;
            }
            step /= 2.0;
        }
        if step < MIN_STEP {
            break;
        }
    }
    (a, b)
}

/// A decision machine and the sigmoid that turns its decision values into probabilities of
/// its `true` class.
struct CalibratedMachine {
    machine: Svm<f64, bool>,
    a: f64,
    b: f64,
}

impl CalibratedMachine {
    fn decisions(&self, x: ArrayView2<'_, f64>) -> Array1<f64> {
        machine_decisions(&self.machine, x)
    }

    /// The probability of the `true` class at `decision`, within libsvm's bounds
    /// ([`MIN_PROBABILITY`]), which keep the coupling's matrix positive definite.
    fn probability(&self, decision: f64) -> f64 {
        sigmoid(decision, self.a, self.b).clamp(MIN_PROBABILITY, 1.0 - MIN_PROBABILITY)
    }
}

impl Describe for SvmFlow {
    fn name(&self) -> String {
        "linfa_svm.Svm".to_owned()
    }
    fn external_version(&self) -> String {
        linfa_libm_external_version(&["linfa-svm"])
    }
    fn description(&self) -> String {
        "C-support vector classifier of linfa-svm; confidences are Platt-scaled probabilities \
         with the sigmoid fitted on decision values of five internal folds as libsvm does, \
         one machine per pair of classes for more than two, their probabilities coupled as \
         libsvm couples them (scikit-learn: SVC with probability=True)"
            .to_owned()
    }
    fn parameters(&self) -> Vec<Parameter> {
        let default = SvmFlow::new().params;
        let p = &self.params;
        vec![
            Parameter::new(
                "c",
                &default.c(),
                &p.c(),
                "penalty on margin violations (both classes)",
            )
            .allowing(POSITIVE.allowed),
            Parameter::new("kernel", &default.kernel(), &p.kernel(), "kernel function"),
            Parameter::new(
                "gaussian_eps",
                &default.gaussian_eps(),
                &p.gaussian_eps(),
                "width of the gaussian kernel exp(-|x-y|^2/eps)",
            )
            .allowing(POSITIVE.allowed),
            Parameter::new(
                "polynomial_constant",
                &default.polynomial_constant(),
                &p.polynomial_constant(),
                "constant of the polynomial kernel",
            )
            .allowing(FINITE.allowed),
            Parameter::new(
                "polynomial_degree",
                &default.polynomial_degree(),
                &p.polynomial_degree(),
                "degree of the polynomial kernel",
            )
            .allowing(DEGREE.allowed),
            Parameter::new(
                "eps",
                &default.eps(),
                &p.eps(),
                "tolerance of the solver's stopping condition",
            )
            .allowing(POSITIVE.allowed),
            Parameter::new(
                "shrinking",
                &default.shrinking(),
                &p.shrinking(),
                "shrink the solver's active set",
            ),
        ]
    }
    fn set_parameter(&mut self, name: &str, value: &str) -> Result<()> {
        let params = SvmParams::from(self.params.clone());
        let params = match name {
            "c" => params.c(POSITIVE.parse(name, value)?),
            "kernel" => params.kernel(parse_value(name, value)?),
            "gaussian_eps" => params.gaussian_eps(POSITIVE.parse(name, value)?),
            "polynomial_constant" => params.polynomial_constant(FINITE.parse(name, value)?),
            "polynomial_degree" => params.polynomial_degree(DEGREE.parse(name, value)?),
            "eps" => params.eps(POSITIVE.parse(name, value)?),
            "shrinking" => params.shrinking(parse_value(name, value)?),
            _ => return Err(unknown_parameter(&self.name(), name, &self.parameters())),
        };
        self.params = params.check()?;
        Ok(())
    }
}

impl Flow for SvmFlow {
    fn learns(&self, kind: TaskKind) -> bool {
        matches!(kind, TaskKind::Classification { .. })
    }

    fn fit(&self, data: &TrainingSet<'_>, seed: u64) -> Result<Box<dyn Model>> {
        let ClassifierInputs {
            x,
            classes,
            n_classes,
            present,
        } = match classifier_inputs(self, data)? {
            Ok(inputs) => inputs,
            Err(one_class) => return Ok(Box::new(one_class)),
        };
        let params = self.linfa_params()?;
        let p = &self.params;
        if p.kernel == SvmKernel::Polynomial {
            check_polynomial_kernel(&self.name(), x, p.polynomial_constant, p.polynomial_degree)?;
        }
        let machines = if present.len() == 2 {
            // One machine, `true` for the second class.
            let targets: Array1<bool> = classes.mapv(|c| c == present[1]);
            let seed = machine_seed(seed, present[1] as u64);
            vec![self.fit_calibrated(&params, x, targets.view(), seed)?]
        } else {
            // One machine per pair of classes, on the rows of those two, `true` for the first
            // (libsvm's one-against-one, as scikit-learn's `SVC`).
            class_pairs(present.len())
                .map(|(first, second)| {
                    let (first, second) = (present[first], present[second]);
                    let rows: Vec<usize> = (0..classes.len())
                        .filter(|&row| classes[row] == first || classes[row] == second)
                        .collect();
                    let targets: Array1<bool> =
                        rows.iter().map(|&row| classes[row] == first).collect();
                    let seed = machine_seed(seed, ((first as u64) << 32) | second as u64);
                    let x_pair = x.select(Axis(0), &rows);
                    self.fit_calibrated(&params, x_pair.view(), targets.view(), seed)
                })
                .collect::<Result<Vec<_>>>()?
        };
        Ok(Box::new(OverTaskClasses {
            model: FittedSvm {
                machines,
                present,
                n_features: x.ncols(),
            },
            n_classes,
            name: self.name(),
        }))
    }
}

struct FittedSvm {
    /// Two classes: one machine, `true` for the second. More: one machine per pair of present
    /// classes, in the order of [`class_pairs`], `true` for the first of the pair.
    machines: Vec<CalibratedMachine>,
    present: Vec<usize>,
    n_features: usize,
}

impl FittedSvm {
    /// Platt probabilities over the present classes, shape (rows, present classes): for more
    /// than two classes, coupled from the pairs' probabilities as libsvm couples them.
    fn platt_probabilities(&self, x: ArrayView2<'_, f64>) -> Array2<f64> {
        // Decision values, rows by machines.
        let mut decisions = Array2::zeros((x.nrows(), self.machines.len()));
        for (mut column, machine) in decisions.columns_mut().into_iter().zip(&self.machines) {
            column.assign(&machine.decisions(x));
        }
        let k = self.present.len();
        let mut out = Array2::zeros((x.nrows(), k));
        let mut pairwise = Array2::zeros((k, k));
        for (row_decisions, mut values) in decisions.outer_iter().zip(out.outer_iter_mut()) {
            if let [machine] = &self.machines[..] {
                let p = machine.probability(row_decisions[0]);
                values[0] = 1.0 - p;
                values[1] = p;
                continue;
            }
            let pairs = class_pairs(k).zip(&self.machines).zip(&row_decisions);
            for (((first, second), machine), &decision) in pairs {
                let p = machine.probability(decision);
                pairwise[[first, second]] = p;
                pairwise[[second, first]] = 1.0 - p;
            }
            values.assign(&couple(pairwise.view()));
        }
        out
    }
}

/// The pairs `(i, j)`, `i < j`, of `k` classes, in libsvm's order: (0, 1), (0, 2), ..., (1, 2), ...
fn class_pairs(k: usize) -> impl Iterator<Item = (usize, usize)> {
    (0..k).flat_map(move |i| (i + 1..k).map(move |j| (i, j)))
}

/// The smallest probability a pair's sigmoid gives the coupling (libsvm's `min_prob`).
const MIN_PROBABILITY: f64 = 1e-7;

/// Class probabilities from pairwise ones, `r[i][j]` the probability of class `i` given class
/// `i` or `j`: libsvm's `multiclass_probability`, the second method of Wu, Lin and Weng
/// (2004), which minimises `sum over i != j of (r[j][i] p[i] - r[i][j] p[j])^2` over the
/// simplex by coordinate steps, until every `(Q p)_t` is within `0.005 / k` of `p^T Q p`.
fn couple(r: ArrayView2<'_, f64>) -> Array1<f64> {
    let k = r.nrows();
    let mut q = Array2::zeros((k, k));
    for t in 0..k {
        for j in 0..k {
            if j != t {
                q[[t, t]] += r[[j, t]] * r[[j, t]];
                q[[t, j]] = -r[[j, t]] * r[[t, j]];
            }
        }
    }
    let mut p = Array1::from_elem(k, 1.0 / k as f64);
    let eps = 0.005 / k as f64;
    for _ in 0..k.max(100) {
        let mut qp = q.dot(&p);
        let mut pqp = p.dot(&qp);
        if qp.iter().all(|&v| (v - pqp).abs() < eps) {
            break;
        }
        for t in 0..k {
            let diff = (pqp - qp[t]) / q[[t, t]];
            p[t] += diff;
            pqp = (pqp + diff * (diff * q[[t, t]] + 2.0 * qp[t])) / (1.0 + diff) / (1.0 + diff);
            for j in 0..k {
                qp[j] = (qp[j] + diff * q[[t, j]]) / (1.0 + diff);
                p[j] /= 1.0 + diff;
            }
        }
    }
    p
}

impl ClassProbabilities for FittedSvm {
    fn n_features(&self) -> usize {
        self.n_features
    }
    fn trained_classes(&self) -> &[usize] {
        &self.present
    }
    fn probabilities(&self, x: ArrayView2<'_, f64>) -> std::result::Result<Array2<f64>, String> {
        Ok(self.platt_probabilities(x))
    }
}

#[cfg(test)]
mod tests {
    use ndarray::{Array2, array};

    use super::*;

    #[test]
    fn sigmoid_matches_scikit_learns_platt_calibration() {
        // scikit-learn 1.9.1: sklearn.calibration._sigmoid_calibration(d, y), which maximises
        // the same smoothed likelihood.
        let decisions = array![-2.1, -1.3, -0.4, 0.2, 0.9, 1.7, -0.8, 0.5, 2.5, -1.9];
        let labels = array![
            false, false, true, false, true, true, false, true, true, false
        ];
        let (a, b) = fit_sigmoid(decisions.view(), labels.view());
        assert!((a - -0.995_927_956_190_04).abs() < 1e-4, "a = {a}");
        assert!((b - -0.105_150_102_572_04).abs() < 1e-4, "b = {b}");
        assert!((sigmoid(0.0, a, b) - 1.0 / (1.0 + libm::exp(b))).abs() < 1e-12);
        assert!(sigmoid(1e6, a, b) > 0.999 && sigmoid(-1e6, a, b) < 1e-3);
    }

    #[test]
    fn coupling_gives_scikit_learns_probabilities() {
        // scikit-learn 1.9.1: SVC(probability=True, gamma=0.1, random_state=0,
        // decision_function_shape="ovo") on the standardised wine table; for three of its rows
        // the pairs' clamped sigmoids (0, 1), (0, 2), (1, 2) and `predict_proba`.
        let cases = [
            (
                [0.9964748248160539, 0.9886281377898021, 0.9536654122847419],
                [
                    0.9903092369527507,
                    0.0036391015445147745,
                    0.006051661502734601,
                ],
            ),
            (
                [
                    0.0260800666051868,
                    0.021567250556308468,
                    0.19065684282489803,
                ],
                [0.01139973241536997, 0.18877737153577615, 0.7998228960488537],
            ),
            (
                [
                    0.003604671078061265,
                    0.34600951720919565,
                    0.9975977296617163,
                ],
                [
                    0.0030865511344432685,
                    0.9941485406628766,
                    0.0027649082026801287,
                ],
            ),
        ];
        for (pairs, expected) in cases {
            let mut r = Array2::zeros((3, 3));
            for ((first, second), p) in class_pairs(3).zip(pairs) {
                r[[first, second]] = p;
                r[[second, first]] = 1.0 - p;
            }
            let p = couple(r.view());
            for (got, want) in p.iter().zip(expected) {
                assert!((got - want).abs() < 1e-12, "{p} against {expected:?}");
            }
        }
    }

    #[test]
    fn coupling_recovers_probabilities_the_pairs_agree_on() {
        // r[i][j] = p[i] / (p[i] + p[j]) for a distribution p: the coupling's minimum is p.
        let truth = [0.45, 0.3, 0.15, 0.1];
        let r = Array2::from_shape_fn((4, 4), |(i, j)| {
            if i == j {
                0.0
            } else {
                truth[i] / (truth[i] + truth[j])
            }
        });
        let p = couple(r.view());
        assert!((p.sum() - 1.0).abs() < 1e-12);
        for (got, want) in p.iter().zip(truth) {
            // The coupling stops at `|(Q p)_t - p^T Q p| < 0.005 / k`, a few thousandths off.
            assert!((got - want).abs() < 5e-3, "{p} against {truth:?}");
        }
        assert_eq!(
            class_pairs(4).collect::<Vec<_>>(),
            [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]
        );
    }

    #[test]
    fn sigmoid_is_fitted_out_of_sample_so_its_threshold_stays_near_the_boundary() {
        // Two overlapping classes: a machine's own training rows sit at or beyond its margin,
        // so an in-sample sigmoid is steep and shifted; the out-of-fold one is not.
        let rows = 120;
        let x = Array2::from_shape_fn((rows, 2), |(i, j)| {
            let class = (i % 2) as f64;
            let noise = ((i * 7 + j * 13) % 17) as f64 / 17.0 - 0.5;
            class * 0.8 + noise * 1.6
        });
        let targets = Array1::from_shape_fn(rows, |i| i % 2 == 1);
        // A narrow kernel, so that the machine fits its training rows closely.
        let flow = SvmFlow::with_params(SvmParams::new().gaussian_eps(0.05).check().unwrap());
        let params = flow.linfa_params().unwrap();
        let calibrated = flow
            .fit_calibrated(&params, x.view(), targets.view(), 7)
            .unwrap();
        let in_sample = calibrated.decisions(x.view());
        let (a_in, _) = fit_sigmoid(in_sample.view(), targets.view());
        assert!(
            calibrated.a.abs() < a_in.abs(),
            "out-of-fold slope {} not flatter than in-sample {}",
            calibrated.a,
            a_in
        );
        // The same seed gives the same sigmoid; another seed other folds.
        let again = flow
            .fit_calibrated(&params, x.view(), targets.view(), 7)
            .unwrap();
        assert_eq!((calibrated.a, calibrated.b), (again.a, again.b));
    }
}
