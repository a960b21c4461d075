//! Integration tests of oml-eval.
//!
//! - `evaluator`: unit coverage, order, determinism across thread counts, failures.
//! - `summary`: run-level measures, per-fold grids, learning curves, regression.
//! - `tune`: search spaces, candidates, inner splits and the nested search of tuned flows.
//! - `tune_checks`: tuned flows refused before any fit (grids too large, float ranges a flow
//!   or a grid cannot take) and undefined scores ranked last.

mod evaluator;
mod summary;
mod tune;
mod tune_checks;
