//! oml patch: `f32` exponential, logarithm and power computed in `f64` by the `libm` crate and
//! rounded once to `f32`: the same bits on every CPU, and the correctly rounded result but for
//! inputs whose exact value lies within an `f64` ulp of an `f32` rounding boundary. The C
//! library's `expf`, `logf` and `powf` (which `f32::exp` and its kin call) are picked by the CPU;
//! libm's own `f32` functions are within an `f32` ulp, and round many inputs otherwise.

/// `e^x`.
pub(crate) fn expf(x: f32) -> f32 {
    libm::exp(f64::from(x)) as f32
}

/// `ln x`.
pub(crate) fn logf(x: f32) -> f32 {
    libm::log(f64::from(x)) as f32
}

/// `x^y`.
pub(crate) fn powf(x: f32, y: f32) -> f32 {
    libm::pow(f64::from(x), f64::from(y)) as f32
}
