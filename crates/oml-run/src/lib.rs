//! OpenML runs: what a run is and what it leaves behind. oml-run knows no command line.
//!
//! # Brief overview
//!
//! - [`RunRequest`] is a run as oml is asked for one (a [`oml_task::TaskSpec`], a built-in flow
//!   by name, parameters, a seed); [`RunRequest::prepare`] reads the task, makes the flow and
//!   computes its [`RunKey`]; [`PreparedRun::execute`] evaluates it and packages the
//!   [`Run`] ([`Run::package`]).
//! - [`Run`] is a run directory's files as one value: [`predictions_arff`] (OpenML's
//!   predictions, in openml-python's columns), [`RunDescription`] (OpenML's run XML), the flow
//!   XML, the summary and the [`Manifest`]; [`Run::save`] writes them whole or not at all
//!   ([`write_directory`]).
//! - [`RunStore`] keeps runs under their keys, with the sweep job index and failure records
//!   beside them; [`RunStore::admit`] is how a run gets in.
//! - [`RunReport`], [`RunList`] and [`list_evaluations`] are what `oml run`, `oml runs list`
//!   and `oml evaluations` show; [`compare_runs`] is `oml verify`'s comparison.
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
mod jobs;
mod list;
mod manifest;
mod predictions;
mod published;
mod report;
mod request;
mod run;
mod run_dir;
mod store;
mod trace;
mod verify;

pub use description::{
    EvaluationRecord, RunDescription, UNPUBLISHED_FLOW_ID, UnitValues, xsd_double,
};
pub use error::{Error, Result};
pub use evaluations::{
    EVALUATION_COLUMNS, EvaluationFilters, TableFormat, list_evaluations, sort_by_value,
    write_frame,
};
pub use jobs::{
    Admission, FAILURES_DIR, FailureReason, FailureRecord, JOBS_DIR, JobColumns, Lookup,
    RUNNING_DIR, RunningMarker,
};
pub use list::{RunList, RunListEntry};
pub use manifest::{
    LOCKED_CRATES, Machine, Manifest, RUSTC_VERSION, TaskDigests, locked_crates, now_rfc3339,
    sha256_digest, sha256_hex,
};
pub use predictions::predictions_arff;
pub use published::PublicationRecord;
pub use report::{MeasureReport, RunReport};
pub use request::{
    ExecutedRun, OpenedTask, PreparedRun, RunRequest, RunTiming, TuneRequest, useful_threads,
};
pub use run::{Run, RunRecord, changed_files, check_files, files};
pub use run_dir::{Owned, Replace, write_directory};
pub use store::{Damaged, FlowIdentity, Listed, RunKey, RunStore, TaskIdentity};
pub use trace::trace_arff;
pub use verify::{changed_since_written, compare_runs, is_timing};
