//! OpenML runs: what an evaluation leaves behind. Today: OpenML's `predictions.arff` and a run
//! directory written whole or not at all. Evaluating lives in oml-eval; the run description
//! XML, manifest and run store arrive with issue 6.
//!
//! # Brief overview
//!
//! - [`predictions_arff`] turns an [`oml_eval::Evaluation`] into OpenML's predictions file, in
//!   openml-python's columns for the task type.
//! - [`write_directory`] writes a set of files as a directory atomically.
//! - [`RunReport`] is what `oml run` prints: the measures with their per-fold values.
//!
//! ```
//! use oml_eval::EvaluatorBuilder;
//! use oml_flow::builtin_flow;
//! use oml_task::LocalTaskBuilder;
//!
//! let task = LocalTaskBuilder::new().from_source("builtin:iris")?;
//! let evaluation = EvaluatorBuilder::new().build()?.evaluate(&builtin_flow("decision-tree")?, &task)?;
//! let arff = oml_run::predictions_arff(&evaluation, None, task.class_labels(), Vec::new())?;
//! assert_eq!(arff.n_rows(), 150);
//! assert_eq!(arff.attributes[6].name, "confidence.Iris-setosa");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]

mod description;
mod error;
mod evaluations;
mod list;
mod manifest;
mod predictions;
mod report;
mod run;
mod run_dir;
mod store;
mod verify;

pub use description::{EvaluationRecord, RunDescription, UNPUBLISHED_FLOW_ID, xsd_double};
pub use error::{Error, Result};
pub use evaluations::{
    EVALUATION_COLUMNS, EvaluationFilters, TableFormat, list_evaluations, sort_by_value,
    write_frame,
};
pub use list::{RunList, RunListEntry};
pub use manifest::{
    LOCKED_CRATES, Machine, Manifest, RUSTC_VERSION, locked_crates, now_rfc3339, sha256_digest,
    sha256_hex, task_digests,
};
pub use predictions::predictions_arff;
pub use report::{MeasureReport, RunReport};
pub use run::{Run, RunRecord, check_files, files};
pub use run_dir::{Replace, write_directory};
pub use store::{Damaged, Listed, RunKey, RunStore};
pub use verify::{compare_runs, is_timing};
