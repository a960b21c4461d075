//! Integration tests of oml-run.
//!
//! - `description`: description.xml round trips and its evaluations.
//! - `predictions`: OpenML's predictions ARFF for each task type, read back.
//! - `run_dir`: directories written whole.

mod description;
mod predictions;
mod run_dir;
