//! Integration tests of oml-run.
//!
//! - `common`: what the tests share (runs made as `oml run` makes them).
//! - `description`: description.xml round trips and its evaluations.
//! - `evaluations`: evaluations of a run store like OpenML's `evaluation/list`.
//! - `predictions`: OpenML's predictions ARFF for each task type, read back.
//! - `run_dir`: directories written whole.

mod common;
mod description;
mod evaluations;
mod predictions;
mod run_dir;
