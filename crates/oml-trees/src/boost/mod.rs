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
