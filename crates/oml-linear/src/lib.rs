//! oml's own linear models, fitted to the solution scikit-learn finds: L2-penalised logistic
//! regression ([`LogisticRegression`], scikit-learn's `LogisticRegression(solver="lbfgs")`:
//! the mean log loss plus `||W||^2 / (2 C n)`, binary for two classes and multinomial for more,
//! L-BFGS from zero stopping at the same gradient tolerance, relative decrease and iteration
//! limit), and ordinary least squares ([`LinearRegression`], scikit-learn's
//! `LinearRegression`: centred records, the minimum-norm solution of [`least_squares`] as
//! scipy's `lstsq` finds it, the small singular values cut off). This crate owns the
//! objectives, the solvers and the fitted coefficients; it knows nothing of OpenML (the flows
//! wrapping them live in oml-flow).
//!
//! It exists because linfa-logistic minimises the summed loss and stops on the Euclidean norm
//! of that sum's gradient: with the same tolerance it iterates far longer than scikit-learn on
//! the same table and, on large ones, stops at its iteration limit away from scikit-learn's
//! solution; and because linfa-linear's least squares part from scikit-learn's, or fail, on a
//! singular design (one-hot columns beside the intercept, a constant column).
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
//!
//! ```
//! use linfa::ParamGuard;
//! use ndarray::array;
//! use oml_linear::LinearRegression;
//!
//! // The second column repeats the first: the coefficients share the weight equally.
//! let x = array![[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]];
//! let y = array![1.0, 3.0, 5.0];
//! let model = LinearRegression::params().check()?.fit_records(x.view(), y.view())?;
//! assert!((model.coefficients()[0] - 1.0).abs() < 1e-12);
//! assert!((model.coefficients()[1] - 1.0).abs() < 1e-12);
//! assert!((model.intercept() - 1.0).abs() < 1e-12);
//! assert_eq!(model.rank(), 1);
//! # Ok::<(), oml_linear::Error>(())
//! ```

mod design;
mod error;
mod lbfgs;
mod least_squares;
mod linear_regression;
mod logistic;

pub use design::Design;
pub use error::{Error, Result};
pub use least_squares::{LeastSquares, least_squares};
pub use linear_regression::{
    LinearRegression, LinearRegressionParams, LinearRegressionValidParams,
};
pub use logistic::{LogisticRegression, LogisticRegressionParams, LogisticRegressionValidParams};

/// This crate's version, recorded in the external version of the flows built on it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
