//! oml's own linear models, fitted to the solution scikit-learn finds: L2-penalised logistic
//! regression ([`LogisticRegression`], scikit-learn's `LogisticRegression(solver="lbfgs")`:
//! the mean log loss plus `||W||^2 / (2 C n)`, binary for two classes and multinomial for more,
//! L-BFGS from zero stopping at the same gradient tolerance, relative decrease and iteration
//! limit). This crate owns the objective, the solver and the fitted coefficients; it knows
//! nothing of OpenML (the flow wrapping it lives in oml-flow).
//!
//! It exists because linfa-logistic minimises the summed loss and stops on the Euclidean norm
//! of that sum's gradient: with the same tolerance it iterates far longer than scikit-learn on
//! the same table and, on large ones, stops at its iteration limit away from scikit-learn's
//! solution.
//!
//! ```
//! use linfa::ParamGuard;
//! use ndarray::array;
//! use oml_linear::LogisticRegression;
//!
//! let x = array![[0.0], [1.0], [2.0], [3.0]];
//! let y = array![0, 0, 1, 1];
//! let model = LogisticRegression::params().c(10.0).check()?.fit_records(x.view(), y.view())?;
//! assert_eq!(model.predict(x.view())?, y);
//! # Ok::<(), oml_linear::Error>(())
//! ```

mod design;
mod error;
mod lbfgs;
mod logistic;

pub use design::Design;
pub use error::{Error, Result};
pub use logistic::{LogisticRegression, LogisticRegressionParams, LogisticRegressionValidParams};

/// This crate's version, recorded in the external version of the flows built on it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
