//! Integration tests of oml-eval.
//!
//! - `evaluator`: unit coverage, order, determinism across thread counts, failures.
//! - `summary`: run-level measures, per-fold grids, learning curves, regression.

mod evaluator;
mod summary;
