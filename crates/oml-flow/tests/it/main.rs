//! Integration tests of oml-flow.
//!
//! - `support`: fitting a flow on every fold of a builtin task and scoring the predictions.
//! - `builtin`: every built-in flow fits, predicts and scores on builtin tasks.
//! - `estimators`: the forest, k-NN and naive Bayes against hand-computed or linfa's numbers.
//! - `gbm`: the boosting flows, `gbm` (oml-trees' histogram gradient boosting) and
//!   `perpetual-gbm`: iris, diabetes, two classes, missing values, determinism, parameters.
//! - `missing`: missing values kept as a signal by every built-in pipeline.
//! - `oml_trees`: the oml-trees flows, `decision-tree` and `random-forest`: regression,
//!   missing values, parameters, thread counts.
//! - `overflow`: parameter values that overflow on the training rows, refused naming the
//!   parameter; features near the largest number standardised without overflow.
//! - `params`: parameter text round-trips and errors.
//! - `regression`: regression and clustering flows on builtin tasks; hand-checkable
//!   logistic regression and SVM cases.
//! - `versions`: external versions name the locked crate versions.
//! - `xml`: the flow XML of every built-in flow.

mod builtin;
mod estimators;
mod gbm;
mod missing;
mod oml_trees;
mod overflow;
mod params;
mod regression;
mod support;
mod versions;
mod xml;
