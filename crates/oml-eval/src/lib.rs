//! Evaluates a flow on a task the way OpenML defines it: every (repeat, fold, sample) unit of
//! the task's splits fitted on its training rows and predicted on its test rows, in parallel,
//! with the same answer for any thread count, and OpenML's timings. Flows live in oml-flow,
//! tasks in oml-task; writing a run directory is oml-run's job.
//!
//! # Brief overview
//!
//! - [`EvaluatorBuilder`] sets the thread count, the run seed and fail-fast, and builds an
//!   [`Evaluator`].
//! - [`Evaluator::evaluate`] encodes the task's dataset once, runs the units on a rayon pool
//!   and returns an [`Evaluation`]: a [`UnitResult`] per unit in (repeat, fold, sample) order,
//!   with its predictions (or the message of its failure) and its [`Timings`].
//! - [`classification_measures`] and [`regression_measures`] compute OpenML's measures on one
//!   set of predictions; [`Evaluation::summary`] gives a [`RunSummary`]: every measure pooled
//!   over all predictions, with its mean and standard deviation over folds and its per-fold
//!   (and per-sample) values, as OpenML reports them.
//! - [`MEASURES`] is the one table of what is known about each measure ([`MeasureInfo`]:
//!   which way is better, what it is computed from, whether OpenML takes it in an upload,
//!   which task kind's main measure it is); [`measure_info`] looks one up by name.
//!
//! ```
//! use oml_eval::EvaluatorBuilder;
//! use oml_flow::{Predictions, builtin_flow};
//! use oml_task::LocalTaskBuilder;
//!
//! let task = LocalTaskBuilder::new().from_source("builtin:iris")?;
//! let flow = builtin_flow("decision-tree")?;
//! let evaluation = EvaluatorBuilder::new().threads(2).seed(1).build()?.evaluate(&flow, &task)?;
//! assert_eq!(evaluation.units.len(), 10);
//! assert!(evaluation.units.iter().all(|u| matches!(u.outcome, Ok(Predictions::Classes { .. }))));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Nothing here does I/O, and a unit's randomness comes from (seed, repeat, fold, sample),
//! never from scheduling.

#![deny(missing_docs)]

mod error;
mod evaluator;
mod measure_info;
mod measures;
#[allow(unsafe_code)]
mod memory;
mod summary;
mod threads;
mod timing;
pub mod tune;

pub use error::{Error, Result};
pub use evaluator::{
    Evaluation, Evaluator, EvaluatorBuilder, Truth, UnitResult, panic_message, quiet_panic_hook,
    task_kind,
};
pub use measure_info::{
    Direction, MEASURE_NAMES, MEASURES, MeasureInfo, MeasureKind, PEAK_HEAP_MEASURE, check_measure,
    main_measure, measure_info,
};
pub use measures::{Measure, classification_measures, one_vs_rest_auc, regression_measures};
pub use memory::{CountingAllocator, peak_heap_bytes, peak_rss_bytes};
pub use summary::{MeasureSummary, RunSummary};
pub use threads::threads_from_env;
pub use timing::Timings;
