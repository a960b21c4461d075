//! Integration tests of oml-run.
//!
//! - `predictions`: OpenML's predictions ARFF for each task type, read back.
//! - `run_dir`: directories written whole.

mod predictions;
mod run_dir;
