//! oml runs models on OpenML tasks: the Rust counterpart of openml-python's
//! `runs.run_model_on_task`, built to be fast, strictly reproducible, usable offline and able to
//! run large sweeps on a cluster.
//!
//! This crate is the facade: it re-exports each library crate under a short name and holds the
//! `oml` binary, which only parses arguments and calls them.
//!
//! - [`data`] (oml-data): ARFF, Parquet and CSV datasets, OpenML dataset metadata, encoding for
//!   models.
//! - [`task`] (oml-task): tasks, estimation procedures, train/test splits (read or generated
//!   from a seed) and the OpenML cache in openml-python's layout.
//! - [`flow`] (oml-flow): the `Flow` trait, linfa's estimators behind it, preprocessing
//!   pipelines and hyperparameters.
//! - [`eval`] (oml-eval): the parallel repeat/fold/sample evaluator and its timings;
//!   [`run_model_on_task`] runs it with the defaults.
//! - [`run`] (oml-run): OpenML's predictions file, run directories and the report of a run.
//! - [`api`] (oml-api): OpenML's REST API: fetching tasks and datasets into the cache.
//! - [`report`] (oml-report): leaderboards, statistical tests between flows and the HTML
//!   report of stored runs.
//! - [`sweep`] (oml-sweep): sweeps of tasks x flows x parameter grids x seeds: the sweep file,
//!   shards of array jobs, running into the run store with resume, and collecting the results.
//!
//! ```
//! let iris = oml::data::builtin("iris")?;
//! assert_eq!(iris.summary().n_rows, 150);
//! let task = oml::task::LocalTaskBuilder::new().from_source("builtin:iris")?;
//! assert_eq!(task.splits().n_folds(), 10);
//! let tree = oml::flow::builtin_flow("decision-tree")?;
//! assert!(oml::flow::flow_xml(&tree)?.contains("oml_trees.DecisionTree"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]

pub use oml_api as api;
pub use oml_data as data;
pub use oml_eval as eval;
pub use oml_flow as flow;
pub use oml_report as report;
pub use oml_run as run;
pub use oml_sweep as sweep;
pub use oml_task as task;

/// Evaluates `flow` on every unit of `task` with run seed 0 on all cores, as openml-python's
/// `runs.run_model_on_task` does; [`eval::EvaluatorBuilder`] sets the seed, the threads and
/// fail-fast.
pub fn run_model_on_task(
    flow: &dyn oml_flow::Flow,
    task: &oml_task::Task,
) -> Result<oml_eval::Evaluation, oml_eval::Error> {
    oml_eval::EvaluatorBuilder::new()
        .build()?
        .evaluate(flow, task)
}

/// The types most programs need, for `use oml::prelude::*`.
pub mod prelude {
    pub use crate::run_model_on_task;
    pub use oml_data::{Arff, Dataset, DatasetLoader, DesignMatrix, Feature, FeatureKind};
    pub use oml_eval::{Evaluation, EvaluatorBuilder, UnitResult};
    pub use oml_flow::{
        Describe, Flow, Model, Output, Pipeline, Predictions, Target, TaskKind, TrainingSet,
        builtin_flow,
    };
    pub use oml_run::{RunRequest, RunStore};
    pub use oml_task::{
        Cache, LocalTaskBuilder, Resampling, Server, SplitUnit, Splits, Task, TaskOptions,
        TaskSpec, TaskType,
    };
}
