//! Histogram gradient boosting, scikit-learn's `HistGradientBoostingClassifier` and
//! `HistGradientBoostingRegressor`: `params` checks the hyperparameters, `bins` cuts features
//! into byte bins, `loss` gives gradients, `grow` grows one tree from histograms (`histogram`;
//! `roots` builds a multinomial iteration's roots together), `split` finds a node's best split,
//! `fit` runs the boosting loop and `model` holds the fitted boosters.

mod bins;
mod fit;
mod grow;
mod histogram;
mod loss;
mod model;
mod params;
mod roots;
mod split;

pub(crate) use fit::{fit_classifier, fit_regressor};
pub use model::{HistGradientBoostingClassifier, HistGradientBoostingRegressor};
pub use params::{
    EarlyStopping, HistGradientBoostingParams, HistGradientBoostingValidParams, MAX_BINS,
};

/// A table for the histogram tests: two numeric columns (the second with missing values), two
/// indicator columns, mostly 0 (the second with missing values), and a numeric column after
/// them.
#[cfg(test)]
pub(crate) fn mixed_columns(n: usize) -> ndarray::Array2<f64> {
    ndarray::Array2::from_shape_fn((n, 5), |(i, j)| match j {
        0 => libm::sin(i as f64 * 0.37),
        1 if i % 9 == 0 => f64::NAN,
        1 => (i % 300) as f64,
        2 => f64::from(i % 7 == 0),
        3 if i % 11 == 3 => f64::NAN,
        3 => f64::from(i % 5 == 1),
        _ => libm::cos(i as f64 * 0.05) * 3.0,
    })
}
