//! Integration tests of oml-run.
//!
//! - `description`: description.xml round trips and its evaluations.
//! - `evaluations`: evaluations of a run store like OpenML's `evaluation/list`.
//! - `predictions`: OpenML's predictions ARFF for each task type, read back.
//! - `run_dir`: directories written whole.
//! - `trace`: the optimisation trace of a tuned flow's run.

mod description;
mod evaluations;
mod predictions;
mod run_dir;
mod trace;
