//! Integration tests of oml-eval.
//!
//! - `evaluator`: unit coverage, order, determinism across thread counts, failures.
//! - `summary`: run-level measures, per-fold grids, learning curves, regression.
//! - `tune`: search spaces, candidates, inner splits and the nested search of tuned flows.

mod evaluator;
mod summary;
mod tune;
