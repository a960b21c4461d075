//! Integration tests of oml-eval.
//!
//! - `evaluator`: unit coverage, order, determinism across thread counts, failures.

mod evaluator;
