//! linfa-svm's support vector classifier as a flow, with Platt-scaled probabilities as
//! confidences: one machine for two classes, one against the rest per class for more.

use linfa::prelude::*;
use linfa_svm::Svm;
use ndarray::{Array1, Array2, ArrayView2, Axis};
use oml_data::DesignMatrix;

use crate::error::{Error, Result};
use crate::estimators::classes::{OneClass, present_classes, task_confidences};
use crate::estimators::linfa_external_version;
use crate::flow::{Describe, Flow, Model, Output, Target, TaskKind, TrainingSet, unsupported};
use crate::inputs::{fitted_inputs, training_inputs};
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

    /// The tolerance of the SMO solver's stopping condition. By default, 1e-7 (linfa's).
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
            eps: 1e-7,
            shrinking: false,
        })
    }
}

impl SvmParams {
    /// The defaults: C 1.0, a gaussian kernel of width 4.0 (polynomial: constant 1.0, degree
    /// 3), solver tolerance 1e-7, no shrinking.
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

/// The C-support vector classifier of linfa-svm (SMO solver, dense kernel matrix: memory grows
/// with the square of the training rows).
///
/// Confidences are Platt-scaled probabilities, fitted by linfa on the machine's decision values
/// of the training rows (Newton's method, no randomness). Two classes: one machine. More: one
/// machine per class present in the training rows, that class against the rest, and each
/// row's probabilities divided by their sum (a row where all underflow to 0 gets confidence 1
/// for the largest decision value). A class absent from the training rows gets 0; a training
/// set with a single class gives a constant model, confidence 1 for that class.
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

    /// linfa's checked parameters for a Platt-scaled machine.
    fn linfa_params(&self) -> Result<linfa_svm::SvmValidParams<f64, Pr>> {
        let p = &self.params;
        let params = Svm::<f64, Pr>::params()
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
}

impl Describe for SvmFlow {
    fn name(&self) -> String {
        "linfa_svm.Svm".to_owned()
    }
    fn external_version(&self) -> String {
        linfa_external_version(&["linfa-svm"])
    }
    fn description(&self) -> String {
        "C-support vector classifier of linfa-svm; confidences are Platt-scaled probabilities, \
         one machine against the rest per class for more than two classes, normalised \
         (scikit-learn: SVC with probability=True)"
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

    fn fit(&self, data: &TrainingSet<'_>, _seed: u64) -> Result<Box<dyn Model>> {
        let Target::Classes { classes, n_classes } = data.target else {
            return Err(unsupported(self, &data.target));
        };
        let x = training_inputs(&self.name(), data)?;
        let present = present_classes(classes);
        if let [class] = present[..] {
            return Ok(Box::new(OneClass { class, n_classes }));
        }
        let params = self.linfa_params()?;
        // Two classes: one machine for the second. More: one per class against the rest.
        let positives = if present.len() == 2 {
            &present[1..]
        } else {
            &present[..]
        };
        let machines = positives
            .iter()
            .map(|&positive| {
                let targets: Array1<bool> = classes.mapv(|c| c == positive);
                params
                    .fit(&DatasetBase::new(x, targets.view()))
                    .map_err(|e| Error::fit(self.name(), e))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Box::new(FittedSvm {
            machines,
            present,
            n_classes,
            n_features: x.ncols(),
            name: self.name(),
        }))
    }
}

struct FittedSvm {
    /// One machine for two classes (positive: the second), else one per present class.
    machines: Vec<Svm<f64, Pr>>,
    present: Vec<usize>,
    n_classes: usize,
    n_features: usize,
    name: String,
}

impl FittedSvm {
    /// Platt probabilities over the present classes, shape (rows, present classes).
    fn probabilities(&self, x: ArrayView2<'_, f64>) -> Array2<f64> {
        let positive =
            |machine: &Svm<f64, Pr>| -> Array1<f64> { machine.predict(&x).mapv(|p| f64::from(*p)) };
        if let [machine] = &self.machines[..] {
            let p = positive(machine);
            let mut out = Array2::zeros((x.nrows(), 2));
            out.column_mut(0).assign(&p.mapv(|p| 1.0 - p));
            out.column_mut(1).assign(&p);
            return out;
        }
        let mut out = Array2::zeros((x.nrows(), self.machines.len()));
        for (k, machine) in self.machines.iter().enumerate() {
            out.column_mut(k).assign(&positive(machine));
        }
        for (row, mut values) in out.axis_iter_mut(Axis(0)).enumerate() {
            let sum = values.sum();
            if sum > 0.0 {
                values /= sum;
            } else {
                let decisions: Array1<f64> = self
                    .machines
                    .iter()
                    .map(|m| m.weighted_sum(&x.row(row)) - m.rho)
                    .collect();
                values.fill(0.0);
                values[crate::argmax(decisions.view())] = 1.0;
            }
        }
        out
    }
}

impl Model for FittedSvm {
    fn output(&self, x: &DesignMatrix) -> Result<Output> {
        let x = fitted_inputs(&self.name, x, self.n_features)?;
        Ok(Output::Confidences(task_confidences(
            self.probabilities(x).view(),
            &self.present,
            self.n_classes,
        )))
    }
}
