//! Integration tests of oml-trees, one binary.
//!
//! - `proba`: probabilities are leaf fractions; argmax ties go to the first class.
//! - `exact`: separable sets and step functions are fitted exactly; stopping rules hold.
//! - `missing`: NaN rows go to the better side and NaN predictions follow it.
//! - `params`: parameter validation errors name the parameter.
//! - `determinism`: the same seed gives the same tree; weights equal repeated rows.
//! - `linfa`: training accuracy at least linfa-trees' on a random dataset.
//! - `boost`: the gradient boosting machine agrees with scikit-learn and with values computed
//!   by hand; missing values; thread counts; parameter errors.
//! - `boost_missing`: the gradient boosting machine with missing values in several features
//!   gives scikit-learn's probabilities.
//! - `boost_sums`: the gradient boosting machine where sums of gradients round gives
//!   scikit-learn's probabilities.
//! - `forest`: forests are the same on any thread count; probabilities are the trees' mean;
//!   out-of-bag scores track held-out scores; parameter errors name the parameter.

mod boost;
mod boost_missing;
mod boost_sums;
mod common;
mod determinism;
mod exact;
mod forest;
mod linfa;
mod missing;
mod params;
mod proba;
